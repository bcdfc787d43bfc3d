//! Linear algebra (NumPy's `numpy.linalg`, JAX's `jax.numpy.linalg`), differentiable to any
//! order in forward and reverse mode and under `vmap`.
//!
//! Matrices are the last two axes; any leading axes are a batch (in `solve` and
//! `solve_triangular` the batch axes of the two arguments broadcast). Every function is a
//! composition of the linear-algebra primitives (`lu_solve`, `triangular_solve`, `cholesky`,
//! `det`, `slogdet`, `qr`, `eigh`, `svd`, computed by faer), so derivatives come from their
//! rules; [`pinv`]'s rule (Golub & Pereyra 1973, which stays exact where the singular values
//! repeat) lives with the primitives' wrappers in `ferrograd_core::lax::linalg`, as every
//! derivative rule does: this layer holds none. Integer inputs are converted to float64; f32
//! stays f32.
//!
//! # Errors and degenerate inputs
//! A non-square matrix, a vector where a matrix is needed, or mismatched shapes are
//! programmer errors: the function panics with a message naming the op and the shapes.
//! A singular matrix in [`solve`] / [`inv`], an indefinite one in [`cholesky`], or a zero on a
//! triangular diagonal is a data error: the plain function panics, its `try_` twin returns
//! `Err`. [`det`] and [`slogdet`] are defined for singular matrices (`det = 0`; `slogdet`
//! gives sign 0 and `-inf`). `det`'s derivatives of every order are exact there too (the
//! first is the adjugate; all come from the SVD with no division by `det`); `slogdet`'s
//! gradient there is `adj(A)ᵀ / 0`, infinite (see [`slogdet`]).
//! [`eigh`] with repeated eigenvalues: the values are differentiable, the vectors of a
//! repeated eigenvalue are not unique and their mixing terms are dropped (derivatives stay
//! finite; they are exact for functions that do not depend on those individual vectors).
//! [`svd`] likewise for repeated or zero singular values. [`norm`] at zero has the
//! subgradient 0 (not NaN) for the 2-norm, Frobenius and p-norms.
//!
//! NaN in, NaN out: a matrix holding a NaN gives NaN in every output computed from it (as
//! LAPACK's and JAX's results do) — Q and R of [`qr`], [`cholesky`]'s factor, [`eigh`]'s and
//! [`svd`]'s values and vectors, [`solve`], [`inv`], [`det`], both outputs of [`slogdet`] —
//! never a finite answer, nor an error about convergence or singularity; the other matrices of
//! a stack are unaffected. ±∞ does the same in the decompositions (`qr`, `cholesky`, `eigh`,
//! `svd`, and `pinv`/`lstsq` built on it); LU-based results follow IEEE arithmetic.
//!
//! ```
//! use ferrograd::{linalg, Tensor};
//! let a = Tensor::from_vec(vec![3.0, 1.0, 1.0, 2.0], &[2, 2]);
//! let b = Tensor::from(vec![9.0, 8.0]);
//! assert_eq!(linalg::solve(&a, &b).to_vec(), vec![2.0, 3.0]);
//! assert!((linalg::det(&a).item() - 5.0).abs() < 1e-14);
//! ```

mod decomp;
mod lstsq;
mod norm;
mod solve;

pub use decomp::*;
pub use lstsq::*;
pub use norm::*;
pub use solve::*;

use ferrograd_array::shape::broadcast_shapes;
use ferrograd_core::lax::{self, linalg as la};
use ferrograd_core::{DType, Error, Result, Tensor};

/// `x` as a float (integers and bools become float64).
fn to_float(x: &Tensor) -> Result<Tensor> {
    if x.dtype().is_float() {
        Ok(x.clone())
    } else {
        lax::convert(x, DType::F64)
    }
}

/// `x` as a float stack of matrices, or an error naming `op` and the shape.
/// The check is the shape rules' own ([`la::matrix_dims`]).
fn matrix(op: &'static str, x: &Tensor) -> Result<Tensor> {
    if x.ndim() < 2 {
        // Checked before the conversion, which would otherwise run on a bad input.
        la::matrix_dims(op, &ferrograd_core::Aval::new(x.shape(), DType::F64))?;
    }
    to_float(x)
}

/// As [`matrix`], and square; returns the float stack and `n`.
fn square(op: &'static str, x: &Tensor) -> Result<(Tensor, usize)> {
    let x = matrix(op, x)?;
    let (_, n) = la::square_dims(op, &x.aval())?;
    Ok((x, n))
}

/// The identity matrices shaped like the square stack `a`.
fn eye_like(a: &Tensor) -> Result<Tensor> {
    la::matrix_const(a, |i, j| f64::from(u8::from(i == j)))
}

/// `x` broadcast to `batch ++ tail` (its own last `tail.len()` axes are the tail).
fn to_batch(x: &Tensor, batch: &[usize], tail_len: usize) -> Result<Tensor> {
    let keep = x.ndim() - tail_len;
    let mut shape = batch.to_vec();
    shape.extend_from_slice(&x.shape()[keep..]);
    if shape == x.shape() {
        return Ok(x.clone());
    }
    let off = batch.len() - keep;
    let dims: Vec<usize> = (0..x.ndim()).map(|d| d + off).collect();
    lax::broadcast_in_dim(x, &shape, &dims)
}

/// Broadcasts the leading (batch) axes of `a` (tail of 2) and `b` (tail of `b_tail`) against
/// each other, NumPy-style.
fn broadcast_batches(
    op: &'static str,
    a: &Tensor,
    b: &Tensor,
    b_tail: usize,
) -> Result<(Tensor, Tensor)> {
    let (ab, bb) = (&a.shape()[..a.ndim() - 2], &b.shape()[..b.ndim() - b_tail]);
    if ab == bb {
        return Ok((a.clone(), b.clone()));
    }
    let batch = broadcast_shapes(op, ab, bb).map_err(|_| {
        Error::from(ferrograd_array::Error::ShapeMismatch {
            op,
            lhs: a.shape().to_vec(),
            rhs: b.shape().to_vec(),
            hint: "the leading (batch) axes of the two arguments must broadcast",
        })
    })?;
    Ok((to_batch(a, &batch, 2)?, to_batch(b, &batch, b_tail)?))
}

/// Promotes two float stacks to one dtype (f32 with f64 gives f64).
fn same_float(a: &Tensor, b: &Tensor) -> Result<(Tensor, Tensor)> {
    let (a, b) = (to_float(a)?, to_float(b)?);
    if a.dtype() == b.dtype() {
        return Ok((a, b));
    }
    Ok((lax::convert(&a, DType::F64)?, lax::convert(&b, DType::F64)?))
}
