//! `norm`: vector and matrix norms with NumPy's `ord`, `axis` and `keepdims`.

use ferrograd_array::kernels::Compare;
use ferrograd_core::api::ok;
use ferrograd_core::lax::{self, linalg as la};
use ferrograd_core::prims::unary_kinds::Abs;
use ferrograd_core::{Axes, Error, Result, Tensor};

use super::to_float;

/// The order of a [`norm`] (NumPy's `ord`). Numbers convert: `2.0`, `1`, `f64::INFINITY`, …
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NormOrd {
    /// NumPy's `ord=None`: the 2-norm of vectors, Frobenius of matrices (and of the flattened
    /// array when no axis is given).
    Default,
    /// A number: for vectors `inf`, `-inf`, `0` (the count of non-zeros) or any `p`
    /// (`(Σ|x|ᵖ)^(1/p)`); for matrices `1`, `-1`, `2`, `-2`, `inf`, `-inf`.
    P(f64),
    /// Frobenius (matrices): `√Σ x²`.
    Fro,
    /// Nuclear (matrices): the sum of the singular values.
    Nuc,
}

impl From<f64> for NormOrd {
    fn from(p: f64) -> Self {
        NormOrd::P(p)
    }
}

impl From<i32> for NormOrd {
    fn from(p: i32) -> Self {
        NormOrd::P(f64::from(p))
    }
}

/// A vector or matrix norm (NumPy's `linalg.norm(x, ord, axis, keepdims)`).
///
/// With `axis = None`: `NormOrd::Default` is the 2-norm of the flattened array; another `ord`
/// needs a 1-D (vector) or 2-D (matrix) `x`. One axis (`-1`): vector norms along it; two axes
/// (`[-2, -1]`): matrix norms over them (rows, columns), the other axes a batch. Negative axes
/// count from the end. `axis` is any [`Axes`].
///
/// Vector orders: 2 (default), 1, `inf` (max |x|), `-inf` (min |x|), 0 (number of non-zeros,
/// derivative 0), any other `p`. Matrix orders: `Fro` (default), `Nuc`, 1 / -1 (max / min
/// column sum of |x|), 2 / -2 (largest / smallest singular value), `inf` / `-inf` (max / min
/// row sum).
///
/// At `x = 0` the 2-, Frobenius and p-norms (p > 0) have the subgradient 0, not NaN.
///
/// ```
/// use ferrograd::{grad, linalg, Tensor};
/// use ferrograd::linalg::NormOrd;
/// let x = Tensor::from(vec![3.0, -4.0]);
/// assert_eq!(linalg::norm(&x, NormOrd::Default, None, false).item(), 5.0);
/// assert_eq!(linalg::norm(&x, 1, None, false).item(), 7.0);
/// assert_eq!(linalg::norm(&x, f64::INFINITY, None, false).item(), 4.0);
/// let m = Tensor::from_vec(vec![1.0, -2.0, 3.0, 4.0], &[2, 2]);
/// assert_eq!(linalg::norm(&m, 1, None, false).item(), 6.0); // max column sum
/// let g = grad(|x: &Tensor| linalg::norm(x, NormOrd::Default, None, false));
/// assert_eq!(g(&Tensor::from(vec![0.0, 0.0])).to_vec(), vec![0.0, 0.0]);
/// ```
///
/// # Panics
/// On an order that does not apply (e.g. `Fro` with one axis), axes out of range or
/// repeated, or more than two axes.
#[track_caller]
pub fn norm(x: &Tensor, ord: impl Into<NormOrd>, axis: impl Into<Axes>, keepdims: bool) -> Tensor {
    ok(try_norm(x, ord.into(), axis, keepdims))
}

/// [`norm`], returning errors.
///
/// # Errors
/// As the panics of [`norm`].
pub fn try_norm(x: &Tensor, ord: NormOrd, axis: impl Into<Axes>, keepdims: bool) -> Result<Tensor> {
    let x = to_float(x)?;
    let r = x.ndim();
    let axis = axis.into();
    // In the order given: for a matrix norm the first axis is the rows', as NumPy's.
    let axes: Vec<usize> = match axis.resolve("norm", x.shape())? {
        None if ord == NormOrd::Default => {
            let all: Vec<usize> = (0..r).collect();
            let y = safe_sqrt(&lax::reduce_sum(&lax::square(&x)?, &all)?)?;
            return if keepdims {
                lax::keep_dims(&y, x.shape(), &all)
            } else {
                Ok(y)
            };
        }
        None if r == 1 || r == 2 => (0..r).collect(),
        None => {
            return Err(Error::rank(
                "norm",
                "a 1-D or 2-D array for an explicit ord with axis=None",
                x.shape(),
                "pass the axes",
            ))
        }
        Some(ax) => ax,
    };
    let y = match axes.as_slice() {
        [a] => vector_norm(&x, *a, ord)?,
        [a, b] if a != b => matrix_norm(&x, *a, *b, ord)?,
        _ => {
            return Err(Error::invalid(
                "norm",
                format!(
                    "axis must name one axis (vector norm) or two distinct axes (matrix norm); got {:?} for shape {:?}",
                    axis.as_slice().unwrap_or_default(),
                    x.shape()
                ),
            ))
        }
    };
    let mut sorted = axes.clone();
    sorted.sort_unstable();
    if keepdims {
        lax::keep_dims(&y, x.shape(), &sorted)
    } else {
        Ok(y)
    }
}

/// `√t` with value and derivative 0 at `t = 0` (the `∞·0` of `d√t` at 0 is kept out of
/// every derivative by [`lax::where_safe`]).
fn safe_sqrt(t: &Tensor) -> Result<Tensor> {
    let nonzero = lax::compare(t, &lax::zeros_like(t), Compare::Ne)?;
    lax::where_safe(&nonzero, t, [1.0, 0.0], lax::sqrt, zeros)
}

/// `t^e` for `t ≥ 0`, with value and derivative 0 at `t = 0` (for `e > 0`).
fn safe_pow(t: &Tensor, e: f64) -> Result<Tensor> {
    let nonzero = lax::compare(t, &lax::zeros_like(t), Compare::Ne)?;
    let pow = |t: &Tensor| lax::pow(t, &lax::scalar_like(t, e));
    lax::where_safe(&nonzero, t, [1.0, 0.0], pow, zeros)
}

fn zeros(t: &Tensor) -> Result<Tensor> {
    Ok(lax::zeros_like(t))
}

fn abs(x: &Tensor) -> Result<Tensor> {
    lax::unary::<Abs>(x)
}

fn vector_norm(x: &Tensor, a: usize, ord: NormOrd) -> Result<Tensor> {
    let p = match ord {
        NormOrd::Default => 2.0,
        NormOrd::P(p) => p,
        NormOrd::Fro | NormOrd::Nuc => {
            return Err(Error::invalid(
                "norm",
                format!(
                    "ord {ord:?} is a matrix norm; it needs two axes (got one, for shape {:?})",
                    x.shape()
                ),
            ))
        }
    };
    if p == 2.0 {
        return safe_sqrt(&lax::reduce_sum(&lax::square(x)?, &[a])?);
    }
    if p == 1.0 {
        return lax::reduce_sum(&abs(x)?, &[a]);
    }
    if p.is_infinite() {
        return lax::reduce_extremum(&abs(x)?, &[a], p > 0.0);
    }
    if p == 0.0 {
        let nz = lax::compare(x, &lax::zeros_like(x), Compare::Ne)?;
        let nz = lax::stop_gradient(&lax::convert(&nz, x.dtype())?)?;
        return lax::reduce_sum(&nz, &[a]);
    }
    if p.is_nan() {
        return Err(Error::invalid("norm", "ord is NaN"));
    }
    if p < 0.0 {
        // Negative p: (Σ|x|ᵖ)^(1/p), where a zero entry makes the norm 0 (as NumPy).
        let s = lax::reduce_sum(&lax::pow(&abs(x)?, &lax::scalar_like(x, p))?, &[a])?;
        return lax::pow(&s, &lax::scalar_like(&s, 1.0 / p));
    }
    let s = lax::reduce_sum(&safe_pow(&abs(x)?, p)?, &[a])?;
    safe_pow(&s, 1.0 / p)
}

/// Moves axes `a` (rows) and `b` (columns) of `x` to the end.
fn rows_cols_last(x: &Tensor, a: usize, b: usize) -> Result<Tensor> {
    let perm: Vec<usize> = (0..x.ndim())
        .filter(|&d| d != a && d != b)
        .chain([a, b])
        .collect();
    lax::transpose(x, &perm)
}

fn matrix_norm(x: &Tensor, a: usize, b: usize, ord: NormOrd) -> Result<Tensor> {
    let m = rows_cols_last(x, a, b)?;
    let r = m.ndim();
    let bad = || {
        Error::invalid(
            "norm",
            format!("ord {ord:?} is not a matrix norm (use Fro, Nuc, 1, -1, 2, -2, inf or -inf)"),
        )
    };
    match ord {
        NormOrd::Default | NormOrd::Fro => {
            safe_sqrt(&lax::reduce_sum(&lax::square(&m)?, &[r - 2, r - 1])?)
        }
        NormOrd::Nuc => lax::reduce_sum(&la::svd(&m)?.1, &[r - 2]),
        NormOrd::P(p) if p.abs() == 2.0 => {
            let s = la::svd(&m)?.1;
            lax::reduce_extremum(&s, &[r - 2], p > 0.0)
        }
        // Column sums (over the rows), then their max / min.
        NormOrd::P(p) if p.abs() == 1.0 => {
            let sums = lax::reduce_sum(&abs(&m)?, &[r - 2])?;
            lax::reduce_extremum(&sums, &[r - 2], p > 0.0)
        }
        NormOrd::P(p) if p.is_infinite() => {
            let sums = lax::reduce_sum(&abs(&m)?, &[r - 1])?;
            lax::reduce_extremum(&sums, &[r - 2], p > 0.0)
        }
        NormOrd::P(_) => Err(bad()),
    }
}
