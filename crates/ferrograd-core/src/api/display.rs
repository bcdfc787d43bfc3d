//! `Display` for [`Tensor`], printing as NumPy's `print(array)` does with its default
//! options: 8 fractional digits at most ("maxprec": the shortest round-trip digits, cut at
//! the precision), trailing zeros dropped but columns aligned, scientific notation when the
//! finite non-zero magnitudes reach 1e8, go below 1e-4 or span more than a factor 1000,
//! lines wrapped at 75 characters, and arrays of more than 1000 elements summarised with
//! `...` (3 items at each end of every axis). `{:.3}` sets the precision.
//!
//! A 0-d tensor prints like NumPy's scalar `str` (`5.0`, `0.1049935854035065`) unless a
//! precision is given, when it prints as an array element (`{:.3}` of 5.0 gives `5.`). A
//! tensor being traced by a transform has no values and prints as `Traced<float64[3,2]>`.
//!
//! `Debug` is NumPy's `repr`: the same values with the type and dtype around them,
//! `Tensor([1. 2.], float64)`, and `requires_grad` for a tensor on the imperative tape. The
//! alternate form `{:#?}` of a traced tensor also names the transform tracing it:
//! `Traced<float64[3]> (jvp)` (`vmap`, `jit`, `linearize` — which `grad`, `vjp` and the
//! Jacobians run on —, or `escaped` for a tracer whose transform has returned).

use std::fmt;

use ferrograd_array::{Array, DType, Element};
use ndarray::IxDyn;

use crate::Tensor;

const LINE_WIDTH: usize = 75;
const THRESHOLD: usize = 1000;
const EDGE_ITEMS: usize = 3;
const PRECISION: usize = 8;

impl fmt::Debug for Tensor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(a) = self.value() else {
            fmt::Display::fmt(self, f)?;
            let name = crate::interp::transform_name(self).unwrap_or("escaped");
            return write!(f, " ({name})");
        };
        // Continuation lines line up under the first value, as in NumPy's `array(...)`.
        let body = format_array(&a, f.precision()).replace('\n', "\n       ");
        let tracked = if self.plain_array().is_none() {
            ", requires_grad"
        } else {
            ""
        };
        write!(f, "Tensor({body}, {}{tracked})", a.dtype())
    }
}

impl fmt::Display for Tensor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.value() {
            Some(a) => f.write_str(&format_array(&a, f.precision())),
            None => {
                let aval = self.aval();
                let dims: Vec<String> = aval.shape.iter().map(|d| d.to_string()).collect();
                write!(f, "Traced<{}[{}]>", aval.dtype, dims.join(","))
            }
        }
    }
}

/// The values that will be shown, in row-major order, by kind.
enum Shown {
    Float(Vec<f64>, bool), // the bool: stored as f32 (shortest digits are f32's)
    Int(Vec<i64>),
    Bool(Vec<bool>),
}

/// NumPy's `str` of an array, with `precision` fractional digits at most (default 8).
fn format_array(a: &Array, precision: Option<usize>) -> String {
    if a.size() == 0 {
        return "[]".to_string();
    }
    let summarise = a.size() > THRESHOLD;
    let index_lists: Vec<Vec<usize>> = a
        .shape()
        .iter()
        .map(|&n| {
            if summarise && n > 2 * EDGE_ITEMS {
                (0..EDGE_ITEMS).chain(n - EDGE_ITEMS..n).collect()
            } else {
                (0..n).collect()
            }
        })
        .collect();
    let shown = match a.dtype() {
        DType::F64 => Shown::Float(gather::<f64>(a, &index_lists), false),
        DType::F32 => Shown::Float(gather_as_f64::<f32>(a, &index_lists), true),
        DType::I64 => Shown::Int(gather::<i64>(a, &index_lists)),
        DType::U32 => Shown::Int(gather_as_i64(a, &index_lists)),
        DType::Bool => Shown::Bool(gather::<bool>(a, &index_lists)),
    };
    let words = format_elements(&shown, a.ndim() == 0, precision);
    if a.ndim() == 0 {
        return words.into_iter().next().unwrap_or_default();
    }
    let layout = Layout {
        dims: index_lists.iter().map(Vec::len).collect(),
        summarised: a
            .shape()
            .iter()
            .map(|&n| summarise && n > 2 * EDGE_ITEMS)
            .collect(),
        words,
    };
    layout.format(0, 0, " ", LINE_WIDTH)
}

/// The elements at the cartesian product of `index_lists`, in row-major order.
fn gather<T: Element>(a: &Array, index_lists: &[Vec<usize>]) -> Vec<T> {
    let Ok(view) = a.view::<T>("display") else {
        return Vec::new(); // unreachable: the caller matched the dtype
    };
    let mut out = Vec::new();
    let mut idx = vec![0usize; index_lists.len()];
    let mut pos = vec![0usize; index_lists.len()];
    loop {
        for (k, i) in idx.iter_mut().enumerate() {
            *i = index_lists[k][pos[k]];
        }
        out.push(view[IxDyn(&idx)]);
        // Odometer increment over the shown positions.
        let mut axis = pos.len();
        loop {
            if axis == 0 {
                return out;
            }
            axis -= 1;
            pos[axis] += 1;
            if pos[axis] < index_lists[axis].len() {
                break;
            }
            pos[axis] = 0;
        }
    }
}

fn gather_as_f64<T: Element>(a: &Array, index_lists: &[Vec<usize>]) -> Vec<f64> {
    gather::<T>(a, index_lists)
        .into_iter()
        .map(T::to_f64)
        .collect()
}

fn gather_as_i64(a: &Array, index_lists: &[Vec<usize>]) -> Vec<i64> {
    gather::<u32>(a, index_lists)
        .into_iter()
        .map(i64::from)
        .collect()
}

/// Each shown element as a padded word (padded to a common width when `scalar` is false).
fn format_elements(shown: &Shown, scalar: bool, precision: Option<usize>) -> Vec<String> {
    match shown {
        Shown::Bool(v) => {
            let name = |b: bool| if b { "True" } else { "False" };
            let width = if scalar { 0 } else { 5 };
            v.iter().map(|&b| format!("{:>width$}", name(b))).collect()
        }
        Shown::Int(v) => {
            let strs: Vec<String> = v.iter().map(i64::to_string).collect();
            let width = strs.iter().map(String::len).max().unwrap_or(0);
            strs.iter().map(|s| format!("{s:>width$}")).collect()
        }
        Shown::Float(v, is_f32) if scalar && precision.is_none() => {
            v.iter().map(|&x| scalar_repr(x, *is_f32)).collect()
        }
        Shown::Float(v, is_f32) => {
            let ff = FloatFormat::new(v, *is_f32, precision.unwrap_or(PRECISION));
            v.iter().map(|&x| ff.format(x)).collect()
        }
    }
}

/// The shortest round-trip decimal of `x` (as f32 when `is_f32`), positional.
fn shortest(x: f64, is_f32: bool) -> String {
    if is_f32 {
        format!("{}", x as f32)
    } else {
        format!("{x}")
    }
}

/// The shortest round-trip decimal of `x`, scientific (`1.25e-5`).
fn shortest_sci(x: f64, is_f32: bool) -> String {
    if is_f32 {
        format!("{:e}", x as f32)
    } else {
        format!("{x:e}")
    }
}

/// Fractional digits of a decimal string (0 when it has no point).
fn frac_len(s: &str) -> usize {
    s.split_once('.').map_or(0, |(_, f)| f.len())
}

/// Splits a decimal at its point, dropping trailing zeros of the fraction.
fn split_trimmed(s: &str) -> (String, String) {
    match s.split_once('.') {
        Some((i, f)) => (i.to_string(), f.trim_end_matches('0').to_string()),
        None => (s.to_string(), String::new()),
    }
}

/// `x` positional with at most `p` fractional digits: the shortest digits, or `x` rounded
/// to `p` digits when the shortest need more. Returns (integer part with sign, fraction).
fn positional(x: f64, is_f32: bool, p: usize) -> (String, String) {
    let s = shortest(x, is_f32);
    if frac_len(&s) <= p {
        return split_trimmed(&s);
    }
    let rounded = if is_f32 {
        format!("{:.p$}", x as f32)
    } else {
        format!("{x:.p$}")
    };
    split_trimmed(&rounded)
}

/// `x` scientific with at most `p` fractional mantissa digits: (integer digit with sign,
/// fraction, exponent).
fn scientific(x: f64, is_f32: bool, p: usize) -> (String, String, i32) {
    let mut s = shortest_sci(x, is_f32);
    let mantissa_frac = s.split_once('e').map_or(0, |(m, _)| frac_len(m));
    if mantissa_frac > p {
        s = if is_f32 {
            format!("{:.p$e}", x as f32)
        } else {
            format!("{x:.p$e}")
        };
    }
    let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
    let (int, frac) = split_trimmed(m);
    (int, frac, e.parse().unwrap_or(0))
}

/// `e+05`-style exponent with at least `digits` digits.
fn exponent(e: i32, digits: usize) -> String {
    let sign = if e < 0 { '-' } else { '+' };
    format!("e{sign}{:0digits$}", e.unsigned_abs())
}

/// NumPy's scalar `str` of a float (Python's `repr`): shortest digits, positional between
/// 1e-4 and 1e16 (with `.0` for whole numbers), scientific outside.
fn scalar_repr(x: f64, is_f32: bool) -> String {
    if !x.is_finite() {
        return non_finite(x).to_string();
    }
    let a = x.abs();
    if a == 0.0 || (1e-4..1e16).contains(&a) {
        let s = shortest(x, is_f32);
        return if s.contains('.') { s } else { s + ".0" };
    }
    let s = shortest_sci(x, is_f32);
    let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
    format!("{m}{}", exponent(e.parse().unwrap_or(0), 2))
}

fn non_finite(x: f64) -> &'static str {
    if x.is_nan() {
        "nan"
    } else if x < 0.0 {
        "-inf"
    } else {
        "inf"
    }
}

/// NumPy's `FloatingFormat` in "maxprec" mode: one layout shared by all elements.
struct FloatFormat {
    sci: bool,
    is_f32: bool,
    /// Maximum fractional digits (positional) or the common mantissa digits (scientific).
    precision: usize,
    pad_left: usize,
    pad_right: usize,
    exp_digits: usize,
}

impl FloatFormat {
    fn new(values: &[f64], is_f32: bool, precision: usize) -> Self {
        let finite: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        let abs_nz = finite.iter().filter(|&&x| x != 0.0).map(|x| x.abs());
        let (lo, hi) = abs_nz.fold((f64::INFINITY, 0.0f64), |(lo, hi), a| {
            (lo.min(a), hi.max(a))
        });
        let sci = hi > 0.0 && (hi >= 1e8 || lo < 1e-4 || hi / lo > 1e3);
        let mut ff = FloatFormat {
            sci,
            is_f32,
            precision,
            pad_left: 0,
            pad_right: 0,
            exp_digits: 2,
        };
        if sci {
            let parts: Vec<_> = finite
                .iter()
                .map(|&x| scientific(x, is_f32, precision))
                .collect();
            ff.precision = parts.iter().map(|p| p.1.len()).max().unwrap_or(0);
            ff.pad_left = parts.iter().map(|p| p.0.len()).max().unwrap_or(0);
            let e_len = parts.iter().map(|p| p.2.unsigned_abs().to_string().len());
            ff.exp_digits = e_len.max().unwrap_or(2).max(2);
            ff.pad_right = ff.exp_digits + 2 + ff.precision;
        } else {
            let parts: Vec<_> = finite
                .iter()
                .map(|&x| positional(x, is_f32, precision))
                .collect();
            ff.pad_left = parts.iter().map(|p| p.0.len()).max().unwrap_or(0);
            ff.pad_right = parts.iter().map(|p| p.1.len()).max().unwrap_or(0);
        }
        if finite.len() < values.len() {
            // Room for "nan", "inf" and "-inf" in the same columns.
            let neg_inf = values.contains(&f64::NEG_INFINITY) as usize;
            let offset = ff.pad_right + 1;
            ff.pad_left = ff.pad_left.max((3 + neg_inf).saturating_sub(offset));
        }
        ff
    }

    fn format(&self, x: f64) -> String {
        let (pl, pr) = (self.pad_left, self.pad_right);
        if !x.is_finite() {
            return format!("{:>w$}", non_finite(x), w = pl + pr + 1);
        }
        if self.sci {
            let (int, frac, e) = scientific(x, self.is_f32, self.precision);
            let p = self.precision;
            format!("{int:>pl$}.{frac:0<p$}{}", exponent(e, self.exp_digits))
        } else {
            let (int, frac) = positional(x, self.is_f32, self.precision);
            format!("{int:>pl$}.{frac:<pr$}")
        }
    }
}

/// NumPy's `_formatArray`: nested brackets, rows wrapped at the line width, `...` rows and
/// columns for summarised axes, blank lines between blocks of 3-D and higher arrays.
struct Layout {
    dims: Vec<usize>,
    summarised: Vec<bool>,
    words: Vec<String>,
}

impl Layout {
    fn format(&self, axis: usize, base: usize, indent: &str, width: usize) -> String {
        if axis == self.dims.len() {
            return self.words[base].clone();
        }
        let next_indent = format!("{indent} ");
        let next_width = width.saturating_sub(1); // room for the closing bracket
        let stride: usize = self.dims[axis + 1..].iter().product();
        let n = self.dims[axis];
        let summary_at = if self.summarised[axis] {
            EDGE_ITEMS
        } else {
            usize::MAX
        };
        let mut s = String::new();
        if axis + 1 == self.dims.len() {
            let elem_width = width.saturating_sub(1);
            let mut line = indent.to_string();
            for i in 0..n {
                if i == summary_at {
                    extend_line(&mut s, &mut line, "...", elem_width, indent);
                    line.push(' ');
                }
                let word = self.format(axis + 1, base + i * stride, &next_indent, next_width);
                extend_line(&mut s, &mut line, &word, elem_width, indent);
                if i + 1 < n {
                    line.push(' ');
                }
            }
            s.push_str(&line);
        } else {
            let line_sep = "\n".repeat(self.dims.len() - axis - 1);
            for i in 0..n {
                if i == summary_at {
                    s.push_str(&format!("{indent}...{line_sep}"));
                }
                let nested = self.format(axis + 1, base + i * stride, &next_indent, next_width);
                s.push_str(indent);
                s.push_str(&nested);
                if i + 1 < n {
                    s.push_str(&line_sep);
                }
            }
        }
        format!("[{}]", &s[indent.len()..])
    }
}

/// Appends `word` to `line`, first moving `line` into `s` when the word would pass `width`
/// (unless the line holds only the indent, where wrapping would not help).
fn extend_line(s: &mut String, line: &mut String, word: &str, width: usize, indent: &str) {
    if line.len() + word.len() > width && line.len() > indent.len() {
        s.push_str(line.trim_end());
        s.push('\n');
        *line = indent.to_string();
    }
    line.push_str(word);
}
