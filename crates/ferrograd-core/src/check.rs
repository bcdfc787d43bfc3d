//! Numerical derivative checks on flat lists of tensors (JAX's `check_grads`): forward mode
//! against central differences, reverse mode by the transpose identity, recursively for
//! higher orders. The pytree wrapper is `ferrograd::check_grads`.
//!
//! For a random direction `v`, `jvp(f, x, v)` must match `(f(x + εv) - f(x - εv)) / 2ε`
//! elementwise; for a random output cotangent `u`, `⟨vjp(f, x)(u), v⟩` must match
//! `⟨u, (f(x + εv) - f(x - εv)) / 2ε⟩`. Order `k > 1` then checks `x ↦ jvp(f, x, v).1`
//! (forward) and `x ↦ vjp(f, x)(u)` (reverse) to order `k - 1`, so with both modes every
//! mixture of forward and reverse nesting is exercised. Everything runs in float64 unless
//! [`CheckOptions::in_f64`] is off. Non-float inputs (indices, masks) are held at their
//! values, and non-float outputs get zero cotangents: derivatives are taken of the float
//! outputs with respect to the float inputs.
//!
//! This is the project's one numerical-derivative oracle: the rule-check table
//! (`tests/rules.rs`) checks every primitive with it.

use ferrograd_array::DType;

use crate::transforms::{jvp_flat, linearize_flat, LinearFn};
use crate::{lax, Aval, Error, Result, Tensor};

/// Which modes [`check_grads_flat`] tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Modes {
    /// Forward mode (`jvp`) only.
    Fwd,
    /// Reverse mode (`vjp`) only.
    Rev,
    /// Both, and (for order > 1) every nesting of the two.
    Both,
}

/// Options of [`check_grads_flat`]. The defaults follow JAX's for float64.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckOptions {
    /// Highest derivative order checked (1 = first derivatives).
    pub order: usize,
    /// Which modes to check.
    pub modes: Modes,
    /// Finite-difference step.
    pub eps: f64,
    /// Absolute tolerance.
    pub atol: f64,
    /// Relative tolerance (times the magnitude of the expected value).
    pub rtol: f64,
    /// Seed of the random directions (standard normal, drawn afresh at every level).
    pub seed: u64,
    /// Convert float inputs to float64 before checking (the default, as in JAX: central
    /// differences in float32 are too coarse for these tolerances). With `false` the
    /// function sees its inputs' own dtypes and the directions are drawn in them, so a
    /// float32 code path is checked as written; widen `atol`/`rtol` to match, or take a
    /// large `eps` where `f` is affine (central differences are then exact).
    pub in_f64: bool,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            order: 1,
            modes: Modes::Both,
            eps: 1e-4,
            atol: 1e-5,
            rtol: 1e-5,
            seed: 0,
            in_f64: true,
        }
    }
}

/// A flat function being checked.
pub type FlatFnRef<'a> = &'a dyn Fn(&[Tensor]) -> Result<Vec<Tensor>>;

/// splitmix64 (Steele et al. 2014): a tiny deterministic generator for directions.
struct SplitMix(u64);

impl SplitMix {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1].
    fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    /// Random tensors shaped like `like`, in its float dtypes; zeros for non-float ones.
    fn like(&mut self, like: &[Tensor]) -> Result<Vec<Tensor>> {
        like.iter()
            .map(|t| {
                if !t.dtype().is_float() {
                    return Ok(Tensor::zeros_aval(&Aval::new(t.shape(), DType::F64)));
                }
                let v: Vec<f64> = (0..t.size()).map(|_| self.normal()).collect();
                let v = Tensor::from_array(
                    ferrograd_array::Array::from_vec(t.shape(), v).expect("size matches shape"),
                );
                lax::convert(&v, t.dtype())
            })
            .collect()
    }
}

/// Float leaves as float64 (the check's precision); other leaves unchanged.
pub fn to_f64(x: &[Tensor]) -> Result<Vec<Tensor>> {
    x.iter()
        .map(|t| {
            if t.dtype().is_float() {
                lax::convert(t, DType::F64)
            } else {
                Ok(t.clone())
            }
        })
        .collect()
}

/// Checks the derivatives of `f` at `x` up to `opts.order`, in `opts.modes`, with respect
/// to the float inputs (the others are held at their values).
///
/// ```
/// use ferrograd_core::check::{check_grads_flat, CheckOptions};
/// use ferrograd_core::{lax, Result, Tensor};
/// // x[i] · y: the integer index input is held fixed.
/// let f = |a: &[Tensor]| -> Result<Vec<Tensor>> {
///     let picked = a[0].try_take(&a[1], Some(0))?;
///     Ok(vec![lax::mul(&picked.sin(), &a[2])?])
/// };
/// let x = [
///     Tensor::from(vec![0.5, -1.0, 2.0]),
///     Tensor::from(vec![2i64, 0]),
///     Tensor::from(vec![1.5, 0.25]),
/// ];
/// let opts = CheckOptions { order: 2, ..CheckOptions::default() };
/// check_grads_flat(&f, &x, &opts).unwrap();
/// ```
///
/// # Errors
/// [`Error::Invalid`] naming the failed check (e.g. "VJP of JVP, order 2"), the output and
/// element, the expected and computed values and the tolerance; or any error `f` raises.
pub fn check_grads_flat(f: FlatFnRef<'_>, x: &[Tensor], opts: &CheckOptions) -> Result<()> {
    let x = if opts.in_f64 { to_f64(x)? } else { x.to_vec() };
    let wrt: Vec<usize> = (0..x.len()).filter(|&i| x[i].dtype().is_float()).collect();
    let of_floats = |xf: &[Tensor]| -> Result<Vec<Tensor>> {
        let mut args = x.clone();
        for (&i, t) in wrt.iter().zip(xf) {
            args[i] = t.clone();
        }
        f(&args)
    };
    let xf: Vec<Tensor> = wrt.iter().map(|&i| x[i].clone()).collect();
    let mut rng = SplitMix(opts.seed);
    check_level(&of_floats, &xf, opts.order, opts, &mut rng, "")
}

fn check_level(
    f: FlatFnRef<'_>,
    x: &[Tensor],
    order: usize,
    opts: &CheckOptions,
    rng: &mut SplitMix,
    path: &str,
) -> Result<()> {
    let v = rng.like(x)?;
    let level = opts.order - order + 1;
    let name = |mode: &str| {
        if path.is_empty() {
            mode.to_string()
        } else {
            format!("{mode} of {path}")
        }
    };
    // Central differences along v, shared by this level's forward and reverse checks.
    let fd = numerical_jvp(f, x, &v, opts.eps)?;
    if opts.modes != Modes::Rev {
        let what = name("JVP");
        check_jvp(f, x, &v, &fd, opts, &format!("{what}, order {level}"))?;
        if order > 1 {
            let g = |xs: &[Tensor]| -> Result<Vec<Tensor>> { Ok(jvp_flat(f, xs, &v)?.1) };
            check_level(&g, x, order - 1, opts, rng, &what)?;
        }
    }
    if opts.modes != Modes::Fwd {
        let what = name("VJP");
        let (y, lin) = linearize_flat(f, x)?;
        let u = rng.like(&y)?;
        let x_ct = transpose_at(&lin, &y, &u)?;
        check_vjp(&x_ct, &v, &u, &fd, opts, &format!("{what}, order {level}"))?;
        if order > 1 {
            let g = |xs: &[Tensor]| -> Result<Vec<Tensor>> { pullback(f, xs, &u) };
            check_level(&g, x, order - 1, opts, rng, &what)?;
        }
    }
    Ok(())
}

/// `vjp(f, x)(u)`; non-float outputs (whose `u` is zero) get no cotangent.
fn pullback(f: FlatFnRef<'_>, x: &[Tensor], u: &[Tensor]) -> Result<Vec<Tensor>> {
    let (y, lin) = linearize_flat(f, x)?;
    transpose_at(&lin, &y, u)
}

/// `lin`'s transpose at the cotangents `u` of the outputs `y` (none for non-float ones).
fn transpose_at(lin: &LinearFn, y: &[Tensor], u: &[Tensor]) -> Result<Vec<Tensor>> {
    let cts: Vec<Option<Tensor>> = y
        .iter()
        .zip(u)
        .map(|(y, u)| y.dtype().is_float().then(|| u.clone()))
        .collect();
    lin.transpose(&cts)
}

/// `(f(x + εv) - f(x - εv)) / 2ε` per output, as float64 vectors.
fn numerical_jvp(f: FlatFnRef<'_>, x: &[Tensor], v: &[Tensor], eps: f64) -> Result<Vec<Vec<f64>>> {
    let shifted = |sign: f64| -> Result<Vec<Vec<f64>>> {
        let xs = x
            .iter()
            .zip(v)
            .map(|(x, v)| lax::add(x, &lax::mul(v, &lax::scalar_like(v, sign * eps))?))
            .collect::<Result<Vec<_>>>()?;
        f(&xs)?.iter().map(values).collect()
    };
    let (hi, lo) = (shifted(1.0)?, shifted(-1.0)?);
    Ok(hi
        .iter()
        .zip(&lo)
        .map(|(h, l)| {
            h.iter()
                .zip(l)
                .map(|(h, l)| (h - l) / (2.0 * eps))
                .collect()
        })
        .collect())
}

/// The values of a concrete tensor as float64.
fn values(t: &Tensor) -> Result<Vec<f64>> {
    Ok(t.try_value("check_grads")?.to_f64_vec())
}

fn check_jvp(
    f: FlatFnRef<'_>,
    x: &[Tensor],
    v: &[Tensor],
    expected: &[Vec<f64>],
    opts: &CheckOptions,
    what: &str,
) -> Result<()> {
    let (_, y_dot) = jvp_flat(f, x, v)?;
    for (i, (e, t)) in expected.iter().zip(&y_dot).enumerate() {
        let got = values(t)?;
        let worst = e
            .iter()
            .zip(&got)
            .enumerate()
            .map(|(j, (e, g))| (j, (e - g).abs() - opts.atol - opts.rtol * e.abs(), *e, *g))
            .filter(|w| w.1 > 0.0 || w.1.is_nan())
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((j, _, e, g)) = worst {
            return Err(mismatch(
                what,
                &format!("output {i}, element {j}"),
                e,
                g,
                opts,
            ));
        }
    }
    Ok(())
}

/// `x_ct = vjp(f, x)(u)` against the central differences `jv` along `v`.
fn check_vjp(
    x_ct: &[Tensor],
    v: &[Tensor],
    u: &[Tensor],
    jv: &[Vec<f64>],
    opts: &CheckOptions,
    what: &str,
) -> Result<()> {
    let dot = |a: &[Vec<f64>], b: &[Vec<f64>]| -> f64 {
        a.iter()
            .zip(b)
            .map(|(a, b)| a.iter().zip(b).map(|(a, b)| a * b).sum::<f64>())
            .sum()
    };
    let all = |ts: &[Tensor]| ts.iter().map(values).collect::<Result<Vec<_>>>();
    // ⟨u, J v⟩ (finite differences) against ⟨Jᵀ u, v⟩ (reverse mode).
    let expected = dot(&all(u)?, jv);
    let got = dot(&all(x_ct)?, &all(v)?);
    let off = (expected - got).abs() - opts.atol - opts.rtol * expected.abs();
    if off > 0.0 || off.is_nan() {
        return Err(mismatch(what, "⟨u, J v⟩ vs ⟨Jᵀ u, v⟩", expected, got, opts));
    }
    Ok(())
}

fn mismatch(what: &str, at: &str, expected: f64, got: f64, opts: &CheckOptions) -> Error {
    Error::invalid(
        "check_grads",
        format!(
            "{what} check failed at {at}: expected {expected:.10e} (finite differences), got {got:.10e}; |difference| {:.3e} exceeds tolerance {:.3e} (atol {:e} + rtol {:e} × |expected|; eps {:e}, seed {})",
            (expected - got).abs(),
            opts.atol + opts.rtol * expected.abs(),
            opts.atol,
            opts.rtol,
            opts.eps,
            opts.seed
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directions_are_deterministic_standard_normals() {
        let draw = |seed| {
            let mut rng = SplitMix(seed);
            (0..20_000).map(|_| rng.normal()).collect::<Vec<_>>()
        };
        let a = draw(3);
        assert_eq!(a, draw(3));
        assert_ne!(a, draw(4));
        let n = a.len() as f64;
        let mean = a.iter().sum::<f64>() / n;
        let var = a.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
        assert!(
            mean.abs() < 0.03 && (var - 1.0).abs() < 0.05,
            "{mean} {var}"
        );
    }

    #[test]
    fn flat_check_reports_a_wrong_derivative() {
        // f(x) = x·c·c with c = stop_gradient(x): the value x³, the derivative x² (not 3x²).
        let f = |x: &[Tensor]| -> Result<Vec<Tensor>> {
            let c = lax::stop_gradient(&x[0])?;
            Ok(vec![lax::mul(&lax::mul(&x[0], &c)?, &c)?])
        };
        let x = [Tensor::from(vec![0.5, 1.5])];
        let err = check_grads_flat(&f, &x, &CheckOptions::default()).unwrap_err();
        assert!(err.to_string().contains("JVP, order 1"), "{err}");
    }

    #[test]
    fn non_float_inputs_are_held_and_non_float_outputs_skipped() {
        // (x · s, argmax-like integer output): the bool/int inputs are constants.
        let f = |a: &[Tensor]| -> Result<Vec<Tensor>> {
            assert!(a[1].dtype() == DType::I64 && a[2].dtype() == DType::Bool);
            let x = lax::select(&a[2], &lax::mul(&a[0], &a[0])?, &a[0])?;
            Ok(vec![x, a[1].clone()])
        };
        let x = [
            Tensor::from(vec![0.5, -1.5]),
            Tensor::from(vec![3i64, 1]),
            Tensor::from_vec(vec![true, false], &[2]),
        ];
        let opts = CheckOptions {
            order: 2,
            ..CheckOptions::default()
        };
        check_grads_flat(&f, &x, &opts).unwrap();
    }

    #[test]
    fn in_f64_false_keeps_the_input_dtypes() {
        let f = |a: &[Tensor]| -> Result<Vec<Tensor>> {
            assert_eq!(a[0].dtype(), DType::F32);
            Ok(vec![lax::mul(&a[0], &lax::scalar_like(&a[0], 3.0))?])
        };
        let x = [Tensor::from(vec![0.5f32, -1.5])];
        let opts = CheckOptions {
            order: 2,
            in_f64: false,
            eps: 0.5,
            ..CheckOptions::default()
        };
        check_grads_flat(&f, &x, &opts).unwrap();
    }
}
