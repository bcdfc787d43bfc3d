//! NumPy indexing: [`Idx`] (an integer, a `start:stop:step` slice with NumPy's rules for
//! negative steps, `newaxis`, `...`, an integer array or a boolean mask) and
//! [`Tensor::index`]. Basic indices become one `slice` (plus one `gather` per reversed axis);
//! integer arrays become one `gather` (several arrays are combined into one flat index);
//! boolean masks become integer arrays through [`Tensor::nonzero`], which needs concrete
//! values. Everything is differentiable in the indexed tensor.

use std::ops::{Bound, Range, RangeBounds, RangeFrom, RangeFull, RangeInclusive, RangeTo};

use ferrograd_array::kernels::GatherDims;
use ferrograd_array::DType;

use super::broadcast::broadcast_to;
use super::ok;
use crate::{lax, Error, Result, Tensor};

/// One entry of a NumPy index expression; build lists of them with `Idx::from(2)`,
/// [`Idx::range`], [`Idx::step`], [`Idx::NewAxis`], [`Idx::Ellipsis`] or `Idx::from(&array)`.
///
/// ```
/// use ferrograd_core::{api::Idx, Tensor};
/// let x = Tensor::from_vec((0..12).map(|v| v as f64).collect(), &[3, 4]);
/// // x[-1, ::-2] in NumPy
/// let y = x.index(&[Idx::from(-1), Idx::step(.., -2)]);
/// assert_eq!(y.to_vec(), vec![11.0, 9.0]);
/// ```
#[derive(Debug, Clone)]
pub enum Idx {
    /// One position (negative counts from the end); its axis disappears.
    Int(i64),
    /// `start:stop:step` with NumPy's rules: `None` bounds default by the step's direction,
    /// negative bounds count from the end, bounds are clamped; `step` is nonzero.
    Slice {
        start: Option<i64>,
        stop: Option<i64>,
        step: i64,
    },
    /// `np.newaxis`: inserts an axis of length 1.
    NewAxis,
    /// `...`: as many full slices as the other entries leave.
    Ellipsis,
    /// An integer array (gathers along its axis; NumPy's advanced-indexing rules for where
    /// the new axes go) or a boolean mask over one or more axes.
    Array(Tensor),
}

fn bounds(r: &impl RangeBounds<i64>) -> (Option<i64>, Option<i64>) {
    let start = match r.start_bound() {
        Bound::Included(&s) => Some(s),
        Bound::Excluded(&s) => Some(s + 1),
        Bound::Unbounded => None,
    };
    let stop = match r.end_bound() {
        // `..=-1` runs to the end.
        Bound::Included(&-1) => None,
        Bound::Included(&e) => Some(e + 1),
        Bound::Excluded(&e) => Some(e),
        Bound::Unbounded => None,
    };
    (start, stop)
}

impl Idx {
    /// `start:stop` (step 1) from a Rust range: `Idx::range(1..)`, `Idx::range(..-1)`.
    pub fn range(r: impl RangeBounds<i64>) -> Idx {
        Idx::step(r, 1)
    }

    /// `start:stop:step`, the range's bounds read as NumPy's `start` and `stop` even for a
    /// negative step: `Idx::step(.., -1)` is `::-1`, `Idx::step(3..0, -1)` is `3:0:-1`.
    pub fn step(r: impl RangeBounds<i64>, step: i64) -> Idx {
        let (start, stop) = bounds(&r);
        Idx::Slice { start, stop, step }
    }

    /// `:` — the whole axis.
    pub fn all() -> Idx {
        Idx::range(..)
    }
}

impl From<i64> for Idx {
    fn from(i: i64) -> Idx {
        Idx::Int(i)
    }
}
impl From<i32> for Idx {
    fn from(i: i32) -> Idx {
        Idx::Int(i as i64)
    }
}
impl From<usize> for Idx {
    fn from(i: usize) -> Idx {
        Idx::Int(i as i64)
    }
}
impl From<&Tensor> for Idx {
    fn from(t: &Tensor) -> Idx {
        Idx::Array(t.clone())
    }
}
impl From<Tensor> for Idx {
    fn from(t: Tensor) -> Idx {
        Idx::Array(t)
    }
}
impl From<RangeFull> for Idx {
    fn from(r: RangeFull) -> Idx {
        Idx::range(r)
    }
}
impl From<Range<i64>> for Idx {
    fn from(r: Range<i64>) -> Idx {
        Idx::range(r)
    }
}
impl From<RangeFrom<i64>> for Idx {
    fn from(r: RangeFrom<i64>) -> Idx {
        Idx::range(r)
    }
}
impl From<RangeTo<i64>> for Idx {
    fn from(r: RangeTo<i64>) -> Idx {
        Idx::range(r)
    }
}
impl From<RangeInclusive<i64>> for Idx {
    fn from(r: RangeInclusive<i64>) -> Idx {
        Idx::range(r)
    }
}

/// Anything usable as a whole index expression: one [`Idx`] (or what converts to one: an
/// integer, a range, a tensor) or a list of them.
pub trait IntoIndex {
    /// The entries of the expression.
    fn into_index(self) -> Vec<Idx>;
}

impl<T: Into<Idx>> IntoIndex for T {
    fn into_index(self) -> Vec<Idx> {
        vec![self.into()]
    }
}
impl IntoIndex for &[Idx] {
    fn into_index(self) -> Vec<Idx> {
        self.to_vec()
    }
}
impl<const N: usize> IntoIndex for &[Idx; N] {
    fn into_index(self) -> Vec<Idx> {
        self.to_vec()
    }
}
impl<const N: usize> IntoIndex for [Idx; N] {
    fn into_index(self) -> Vec<Idx> {
        self.to_vec()
    }
}
impl IntoIndex for Vec<Idx> {
    fn into_index(self) -> Vec<Idx> {
        self
    }
}

/// Axes an entry consumes.
fn consumes(e: &Idx) -> usize {
    match e {
        Idx::Int(_) | Idx::Slice { .. } => 1,
        Idx::Array(a) if a.dtype() == DType::Bool => a.ndim(),
        Idx::Array(_) => 1,
        Idx::NewAxis | Idx::Ellipsis => 0,
    }
}

/// Replaces `...` (or appends) full slices, and boolean masks by their `nonzero` arrays.
fn expand(shape: &[usize], idx: Vec<Idx>) -> Result<Vec<Idx>> {
    let used: usize = idx.iter().map(consumes).sum();
    let n_ell = idx.iter().filter(|e| matches!(e, Idx::Ellipsis)).count();
    if used > shape.len() || n_ell > 1 {
        return Err(Error::invalid(
            "index",
            format!(
                "{used} indices (and {n_ell} ellipses) for an array of shape {shape:?}; use at most one index per axis and one `Idx::Ellipsis`"
            ),
        ));
    }
    let fill = || vec![Idx::all(); shape.len() - used];
    let mut out = Vec::with_capacity(idx.len() + shape.len());
    for e in idx {
        match e {
            Idx::Ellipsis => out.extend(fill()),
            Idx::Array(m) if m.dtype() == DType::Bool => {
                let first = axes_before(&out);
                let want = &shape[first..first + m.ndim()];
                if m.ndim() == 0 || m.shape() != want {
                    return Err(Error::invalid(
                        "index",
                        format!(
                            "boolean index of shape {:?} does not match the indexed axes {want:?} of shape {shape:?}; a mask must have the shape of the axes it selects from (and at least one axis)",
                            m.shape()
                        ),
                    ));
                }
                out.extend(m.try_nonzero()?.into_iter().map(Idx::Array));
            }
            e => out.push(e),
        }
    }
    if n_ell == 0 {
        out.extend(fill());
    }
    Ok(out)
}

/// Input axes consumed by `entries` (all already expanded: no masks, no ellipsis).
fn axes_before(entries: &[Idx]) -> usize {
    entries.iter().map(consumes).sum()
}

/// NumPy's `slice.indices`: `(first, count, step)` of `start:stop:step` on an axis of `n`.
fn resolve_slice(
    start: Option<i64>,
    stop: Option<i64>,
    step: i64,
    n: usize,
) -> Result<(i64, usize)> {
    if step == 0 {
        return Err(Error::invalid("index", "a slice step cannot be 0"));
    }
    let n = n as i64;
    let (lo, hi) = if step > 0 { (0, n) } else { (-1, n - 1) };
    let norm = |v: i64| (if v < 0 { v + n } else { v }).clamp(lo, hi);
    let first = start.map_or(if step > 0 { 0 } else { n - 1 }, norm);
    let end = stop.map_or(if step > 0 { n } else { -1 }, norm);
    let span = if step > 0 { end - first } else { first - end };
    let count = if span <= 0 {
        0
    } else {
        (span + step.abs() - 1) / step.abs()
    };
    Ok((first, count as usize))
}

/// Checks concrete indices against an axis of length `n` (traced ones are checked by the
/// kernel when they are evaluated).
pub(crate) fn check_bounds(
    op: &'static str,
    idx: &Tensor,
    n: usize,
    axis: usize,
    shape: &[usize],
) -> Result<()> {
    let Some(v) = crate::interp::concrete_value(idx) else {
        return Ok(());
    };
    let len = n as i64;
    if let Some(&bad) = v
        .to_vec()
        .iter()
        .find(|&&i| i < -(len as f64) || i >= len as f64)
    {
        return Err(Error::invalid(
            op,
            format!(
                "index {bad} is out of bounds for axis {axis} with size {n} (array shape {shape:?}); valid indices are {}..{n}, negative ones counting from the end — clip the index or fix how it is computed",
                -len
            ),
        ));
    }
    Ok(())
}

/// Converts an index array to int64, refusing floats.
pub(crate) fn int_indices(op: &'static str, a: &Tensor) -> Result<Tensor> {
    match a.dtype() {
        DType::I64 => Ok(a.clone()),
        DType::U32 => lax::convert(a, DType::I64),
        d => Err(Error::dtype(
            op,
            "integer (int64) index arrays or bool masks (convert with astype(DType::I64))",
            d,
        )),
    }
}

/// Reverses `axis` of `x` with one gather.
fn reverse(x: &Tensor, axis: usize) -> Result<Tensor> {
    let n = x.shape()[axis] as i64;
    let idx = Tensor::from_vec((0..n).rev().collect::<Vec<i64>>(), &[n as usize]);
    lax::gather(x, &idx, GatherDims { axis, batch: 0 })
}

/// `x[idx]` with NumPy's semantics.
pub(crate) fn index_impl(x: &Tensor, idx: Vec<Idx>) -> Result<Tensor> {
    let entries = expand(x.shape(), idx)?;
    let has_adv = entries.iter().any(|e| matches!(e, Idx::Array(_)));
    let rank = x.ndim();
    let (mut start, mut limit, mut stride) = (vec![0; rank], x.shape().to_vec(), vec![1; rank]);
    let (mut reversed, mut out_shape, mut adv) = (Vec::new(), Vec::new(), Vec::new());
    let mut ax = 0;
    for e in entries {
        let n = if ax < rank { x.shape()[ax] } else { 0 };
        match e {
            Idx::NewAxis => out_shape.push(1),
            Idx::Ellipsis => unreachable_ellipsis()?,
            Idx::Int(i) if !has_adv => {
                let t = Tensor::scalar(i);
                check_bounds("index", &t, n, ax, x.shape())?;
                let i = if i < 0 { i + n as i64 } else { i } as usize;
                (start[ax], limit[ax]) = (i, i + 1);
                ax += 1;
            }
            Idx::Slice {
                start: s,
                stop,
                step,
            } => {
                let (first, count) = resolve_slice(s, stop, step, n)?;
                let k = step.unsigned_abs() as usize;
                // Walk the kept elements upwards: from the lowest one, `count` of them, `k` apart.
                let lo = match (count, step > 0) {
                    (0, _) => 0,
                    (_, true) => first as usize,
                    (_, false) => (first - (count as i64 - 1) * k as i64) as usize,
                };
                let hi = if count == 0 {
                    0
                } else {
                    lo + (count - 1) * k + 1
                };
                (start[ax], limit[ax], stride[ax]) = (lo, hi, k);
                if step < 0 && count > 1 {
                    reversed.push(ax);
                }
                out_shape.push(count);
                ax += 1;
            }
            e @ (Idx::Int(_) | Idx::Array(_)) if has_adv => {
                let a = match e {
                    Idx::Array(a) => int_indices("index", &a)?,
                    Idx::Int(i) => Tensor::scalar(i),
                    _ => unreachable_ellipsis()?,
                };
                check_bounds("index", &a, n, ax, x.shape())?;
                adv.push((out_shape.len(), a, n));
                out_shape.push(n);
                ax += 1;
            }
            Idx::Int(_) | Idx::Array(_) => unreachable_ellipsis()?,
        }
    }
    let mut y = lax::slice(x, &start, &limit, &stride)?;
    for a in reversed {
        y = reverse(&y, a)?;
    }
    let y = lax::reshape(&y, &out_shape)?;
    if adv.is_empty() {
        return Ok(y);
    }
    advanced(&y, adv)
}

/// Guards arms the expansion has made impossible (kept as errors, never panics).
fn unreachable_ellipsis<T>() -> Result<T> {
    Err(Error::invalid("index", "internal: unexpanded index entry"))
}

/// Integer-array indexing of axes `adv[i].0` of `y` (the arrays broadcast together).
fn advanced(y: &Tensor, adv: Vec<(usize, Tensor, usize)>) -> Result<Tensor> {
    let mut shape: Vec<usize> = Vec::new();
    for (_, a, _) in &adv {
        shape = ferrograd_array::shape::broadcast_shapes("index", &shape, a.shape())?.to_vec();
    }
    if let [(p, a, _)] = adv.as_slice() {
        return lax::gather(y, a, GatherDims { axis: *p, batch: 0 });
    }
    // Several arrays: one flat index into the indexed axes moved to the front and merged.
    let pos: Vec<usize> = adv.iter().map(|(p, _, _)| *p).collect();
    let mut flat: Option<Tensor> = None;
    for (_, a, n) in &adv {
        let a = broadcast_to(a, &shape)?;
        let n_t = lax::scalar_like(&a, *n as f64);
        let wrapped = lax::select(
            &lax::lt(&a, &lax::zeros_like(&a))?,
            &lax::add(&a, &n_t)?,
            &a,
        )?;
        flat = Some(match flat {
            None => wrapped,
            Some(f) => lax::add(&lax::mul(&f, &n_t)?, &wrapped)?,
        });
    }
    let flat = flat.ok_or_else(|| Error::invalid("index", "no index arrays"))?;
    let rest: Vec<usize> = (0..y.ndim()).filter(|a| !pos.contains(a)).collect();
    let perm: Vec<usize> = pos.iter().chain(&rest).copied().collect();
    let mut merged = vec![adv.iter().map(|(_, _, n)| n).product()];
    merged.extend(rest.iter().map(|&a| y.shape()[a]));
    let t = lax::reshape(&lax::transpose(y, &perm)?, &merged)?;
    let g = lax::gather(&t, &flat, GatherDims { axis: 0, batch: 0 })?;
    let adjacent = pos.windows(2).all(|w| w[1] == w[0] + 1);
    if !adjacent || pos[0] == 0 {
        return Ok(g);
    }
    // NumPy keeps adjacent index arrays' axes in place.
    let (b, p) = (shape.len(), pos[0]);
    let perm: Vec<usize> = (b..b + p).chain(0..b).chain(b + p..g.ndim()).collect();
    lax::transpose(&g, &perm)
}

impl Tensor {
    /// `x[idx]` with NumPy's semantics: integers (negative from the end; the axis goes),
    /// slices with any step (`Idx::step(.., -1)` reverses), `NewAxis`, `Ellipsis`, integer
    /// arrays and boolean masks. Differentiable in `x`.
    ///
    /// ```
    /// use ferrograd_core::{api::Idx, Tensor};
    /// let x = Tensor::from_vec((0..12).map(|v| v as f64).collect(), &[3, 4]);
    /// assert_eq!(x.index(1).to_vec(), vec![4.0, 5.0, 6.0, 7.0]);
    /// let cols = Tensor::from(vec![3i64, 0]);
    /// assert_eq!(x.index(&[Idx::from(-1), Idx::from(&cols)]).to_vec(), vec![11.0, 8.0]);
    /// let mask = x.greater(5.0);
    /// assert_eq!(x.index(&mask).to_vec(), vec![6.0, 7.0, 8.0, 9.0, 10.0, 11.0]);
    /// ```
    ///
    /// # Panics
    /// On an index out of bounds, too many indices, a zero step, a float index array, or a
    /// boolean mask whose values are traced (see [`Tensor::try_index`]).
    #[track_caller]
    pub fn index(&self, idx: impl IntoIndex) -> Tensor {
        ok(self.try_index(idx))
    }

    /// Fallible [`Tensor::index`].
    ///
    /// # Errors
    /// As listed under [`Tensor::index`]'s panics.
    pub fn try_index(&self, idx: impl IntoIndex) -> Result<Tensor> {
        index_impl(self, idx.into_index())
    }
}
