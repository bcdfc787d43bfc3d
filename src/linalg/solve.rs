//! Solves, inverses and determinants: `solve`, `inv`, `solve_triangular`, `cholesky`, `det`,
//! `slogdet`, `matrix_power`.

use ferrograd_core::api::ok;
use ferrograd_core::lax::{self, linalg as la};
use ferrograd_core::{Error, Result, Tensor};

use super::{broadcast_batches, eye_like, same_float, square};

/// `b` as a stack of right-hand sides `[..., n, k]` for `a` `[..., n, n]`: a 1-D `b` is one
/// column (NumPy's rule). Returns it and whether it was a vector.
fn rhs(op: &'static str, a: &Tensor, b: &Tensor) -> Result<(Tensor, Tensor, bool)> {
    let n = a.shape()[a.ndim() - 1];
    let vector = b.ndim() == 1;
    let rows = if vector {
        b.shape()[0]
    } else if b.ndim() >= 2 {
        b.shape()[b.ndim() - 2]
    } else {
        usize::MAX
    };
    if rows != n {
        return Err(ferrograd_array::Error::ShapeMismatch {
            op,
            lhs: a.shape().to_vec(),
            rhs: b.shape().to_vec(),
            hint: "needs a of shape [..., n, n] and b of shape [n] or [..., n, k]",
        }
        .into());
    }
    let (a, b) = same_float(a, b)?;
    let b = if vector {
        lax::reshape(&b, &[n, 1])?
    } else {
        b
    };
    let (a, b) = broadcast_batches(op, &a, &b, 2)?;
    Ok((a, b, vector))
}

/// Drops the column axis added to a vector right-hand side.
fn unrhs(x: Tensor, vector: bool) -> Result<Tensor> {
    if !vector {
        return Ok(x);
    }
    let mut s = x.shape().to_vec();
    s.pop();
    lax::reshape(&x, &s)
}

/// Solves `a x = b` by LU with partial pivoting. `a` is `[..., n, n]`; `b` is `[n]` (one
/// vector) or `[..., n, k]`; batch axes broadcast.
///
/// ```
/// use ferrograd::{linalg, Tensor};
/// let a = Tensor::from_vec(vec![2.0, 1.0, 1.0, 3.0], &[2, 2]);
/// let x = linalg::solve(&a, &Tensor::from(vec![3.0, 5.0]));
/// assert!((&x - &Tensor::from(vec![0.8, 1.4])).abs().max().item() < 1e-15);
/// ```
///
/// # Panics
/// On shapes that do not fit (the message names them), or a singular `a` (see [`try_solve`]).
#[track_caller]
pub fn solve(a: &Tensor, b: &Tensor) -> Tensor {
    ok(try_solve(a, b))
}

/// [`solve`], returning an error for bad shapes or a singular matrix.
///
/// # Errors
/// Shape errors, and `LinAlg` ("the matrix is singular") when an LU pivot is exactly zero.
pub fn try_solve(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    let (a, _) = square("solve", a)?;
    let (a, b, vector) = rhs("solve", &a, b)?;
    unrhs(la::lu_solve(&a, &b, false)?, vector)
}

/// The inverse of each matrix of `a` (`[..., n, n]`), as a solve against the identity.
///
/// ```
/// use ferrograd::{linalg, Tensor};
/// let a = Tensor::from_vec(vec![4.0, 7.0, 2.0, 6.0], &[2, 2]);
/// let want = [0.6, -0.7, -0.2, 0.4];
/// for (g, w) in linalg::inv(&a).to_vec().iter().zip(want) {
///     assert!((g - w).abs() < 1e-15);
/// }
/// ```
///
/// # Panics
/// If `a` is not a stack of square matrices, or is singular (see [`try_inv`]).
#[track_caller]
pub fn inv(a: &Tensor) -> Tensor {
    ok(try_inv(a))
}

/// [`inv`], returning an error for a singular matrix.
///
/// # Errors
/// Shape errors, and `LinAlg` when a matrix is singular.
pub fn try_inv(a: &Tensor) -> Result<Tensor> {
    let (a, _) = square("inv", a)?;
    la::lu_solve(&a, &eye_like(&a)?, false)
}

/// Options of [`solve_triangular`]: which triangle of `a` is read, whether to solve with its
/// transpose, and whether its diagonal is taken as ones (the stored diagonal is then not
/// read). Build with [`Triangular::lower`] or [`Triangular::upper`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Triangular {
    /// Read the lower triangle (else the upper).
    pub lower: bool,
    /// Solve `Tᵀ x = b` instead of `T x = b` (SciPy's `trans=1`).
    pub transpose: bool,
    /// Treat the diagonal as ones.
    pub unit_diagonal: bool,
}

impl Triangular {
    /// The lower triangle, not transposed, stored diagonal.
    pub fn lower() -> Self {
        Triangular {
            lower: true,
            transpose: false,
            unit_diagonal: false,
        }
    }

    /// The upper triangle, not transposed, stored diagonal.
    pub fn upper() -> Self {
        Triangular {
            lower: false,
            ..Self::lower()
        }
    }

    /// Solve with the transpose of the triangle.
    pub fn transposed(self) -> Self {
        Triangular {
            transpose: true,
            ..self
        }
    }

    /// Take the diagonal as ones.
    pub fn unit_diagonal(self) -> Self {
        Triangular {
            unit_diagonal: true,
            ..self
        }
    }
}

/// Solves `T x = b` (or `Tᵀ x = b`) where `T` is the lower or upper triangle of `a`
/// (SciPy's `solve_triangular`); the other triangle of `a` is never read. Shapes as in
/// [`solve`].
///
/// ```
/// use ferrograd::linalg::{self, Triangular};
/// use ferrograd::Tensor;
/// // The upper entry 100 is not read: [[2, 0], [1, 4]] x = [2, 9].
/// let a = Tensor::from_vec(vec![2.0, 100.0, 1.0, 4.0], &[2, 2]);
/// let x = linalg::solve_triangular(&a, &Tensor::from(vec![2.0, 9.0]), Triangular::lower());
/// assert_eq!(x.to_vec(), vec![1.0, 2.0]);
/// // With a unit diagonal: [[1, 0], [1, 1]] x = [2, 9].
/// let opts = Triangular::lower().unit_diagonal();
/// let x = linalg::solve_triangular(&a, &Tensor::from(vec![2.0, 9.0]), opts);
/// assert_eq!(x.to_vec(), vec![2.0, 7.0]);
/// ```
///
/// # Panics
/// On shapes that do not fit, or a zero on the diagonal (see [`try_solve_triangular`]).
#[track_caller]
pub fn solve_triangular(a: &Tensor, b: &Tensor, opts: Triangular) -> Tensor {
    ok(try_solve_triangular(a, b, opts))
}

/// [`solve_triangular`], returning an error for a singular triangle.
///
/// # Errors
/// Shape errors, and `LinAlg` when a diagonal entry is zero.
pub fn try_solve_triangular(a: &Tensor, b: &Tensor, opts: Triangular) -> Result<Tensor> {
    let op = "solve_triangular";
    let (a, _) = square(op, a)?;
    let (a, b, vector) = rhs(op, &a, b)?;
    let a = if opts.unit_diagonal {
        // The strict triangle plus the identity.
        let strict = if opts.lower {
            la::tril(&a, -1)?
        } else {
            la::triu(&a, 1)?
        };
        lax::add(&strict, &eye_like(&a)?)?
    } else {
        a
    };
    unrhs(
        la::triangular_solve(&a, &b, opts.lower, opts.transpose)?,
        vector,
    )
}

/// The lower Cholesky factor `L` (`a = L Lᵀ`, zero above the diagonal) of each symmetric
/// positive-definite matrix. It factors the symmetric part `(a + aᵀ)/2`, so both triangles
/// count (NumPy reads only the lower one; for symmetric input they agree), and derivatives
/// are symmetric (Murray 2016).
///
/// ```
/// use ferrograd::{linalg, Tensor};
/// let a = Tensor::from_vec(vec![4.0, 2.0, 2.0, 3.0], &[2, 2]);
/// let l = linalg::cholesky(&a);
/// assert!((&l.matmul(&l.t()) - &a).abs().max().item() < 1e-15);
/// ```
///
/// # Panics
/// If `a` is not square, or not positive definite (see [`try_cholesky`]).
#[track_caller]
pub fn cholesky(a: &Tensor) -> Tensor {
    ok(try_cholesky(a))
}

/// [`cholesky`], returning an error for a matrix that is not positive definite.
///
/// # Errors
/// Shape errors, and `LinAlg` ("not positive definite").
pub fn try_cholesky(a: &Tensor) -> Result<Tensor> {
    la::cholesky(&square("cholesky", a)?.0)
}

/// The determinant of each matrix (`[..., n, n] → [...]`), by LU. Defined and differentiable
/// for singular matrices too: its derivative is the adjugate (Jacobi's formula), and its
/// higher derivatives (the derivatives of the adjugate) are computed from the SVD without
/// dividing by `det`, so they are exact at singular matrices of any rank.
///
/// ```
/// use ferrograd::{grad, hessian, linalg, Tensor};
/// let a = Tensor::from_vec(vec![1.0, 2.0, 2.0, 4.0], &[2, 2]); // singular
/// assert_eq!(linalg::det(&a).item(), 0.0);
/// // d det / dA = adj(A)ᵀ = [[4, -2], [-2, 1]]
/// let g = grad(|a: &Tensor| linalg::det(a))(&a).to_vec();
/// for (g, w) in g.iter().zip([4.0, -2.0, -2.0, 1.0]) {
///     assert!((g - w).abs() < 1e-13);
/// }
/// // det = a₀₀a₁₁ − a₀₁a₁₀: ∂²det/∂a₀₀∂a₁₁ = 1, ∂²det/∂a₀₁∂a₁₀ = −1, the rest 0.
/// let h = hessian(|a: &Tensor| linalg::det(a))(&a).to_vec();
/// assert!((h[3] - 1.0).abs() < 1e-13 && (h[6] + 1.0).abs() < 1e-13);
/// ```
///
/// # Panics
/// If `a` is not a stack of square matrices.
#[track_caller]
pub fn det(a: &Tensor) -> Tensor {
    ok(try_det(a))
}

/// [`det`], returning shape errors.
///
/// # Errors
/// If `a` is not a stack of square matrices.
pub fn try_det(a: &Tensor) -> Result<Tensor> {
    la::det(&square("det", a)?.0)
}

/// `(sign, log|det a|)` of each matrix: the determinant without overflow. A singular matrix
/// gives sign 0 and `-inf` (as NumPy); a matrix holding NaN gives NaN for both. The sign has
/// derivative zero; `d log|det A| = tr(A⁻¹ dA)`, so the gradient of the log is `A⁻ᵀ`.
///
/// At a singular matrix the derivatives are not finite, and no error is raised: `A⁻¹` there
/// is `adj(A) / det(A)` with `det(A) = +0`, so the gradient is `adj(A)ᵀ / 0` — `±inf` with the
/// sign of each entry of `adj(A)ᵀ`, `NaN` where an entry is exactly 0 — as JAX gives (e.g.
/// `[[inf, -inf], [-inf, inf]]` at `[[1, 2], [2, 4]]`); forward mode gives `tr(A⁻¹ dA)` with
/// that `A⁻¹`. At rank below `n − 1` the adjugate is zero up to rounding, so those signs
/// carry no information.
///
/// ```
/// use ferrograd::{grad, linalg, Tensor};
/// let a = Tensor::from_vec(vec![0.0, 2.0, 3.0, 0.0], &[2, 2]);
/// let (sign, logdet) = linalg::slogdet(&a);
/// assert_eq!(sign.item(), -1.0);
/// assert!((logdet.item() - 6f64.ln()).abs() < 1e-15);
/// // Singular: sign 0, log -inf, gradient adj(A)ᵀ / 0.
/// let s = Tensor::from_vec(vec![1.0, 2.0, 2.0, 4.0], &[2, 2]);
/// assert_eq!(linalg::slogdet(&s).1.item(), f64::NEG_INFINITY);
/// let g = grad(|a: &Tensor| linalg::slogdet(a).1)(&s).to_vec();
/// let inf = f64::INFINITY;
/// assert_eq!(g, vec![inf, -inf, -inf, inf]);
/// ```
///
/// # Panics
/// If `a` is not a stack of square matrices.
#[track_caller]
pub fn slogdet(a: &Tensor) -> (Tensor, Tensor) {
    ok(try_slogdet(a))
}

/// [`slogdet`], returning shape errors.
///
/// # Errors
/// If `a` is not a stack of square matrices.
pub fn try_slogdet(a: &Tensor) -> Result<(Tensor, Tensor)> {
    la::slogdet(&square("slogdet", a)?.0)
}

/// `a` raised to the integer power `n` (each matrix of the stack): the identity for `n = 0`,
/// repeated squaring for `n > 0`, and powers of `inv(a)` for `n < 0`.
///
/// ```
/// use ferrograd::{linalg, Tensor};
/// let a = Tensor::from_vec(vec![1.0, 1.0, 0.0, 1.0], &[2, 2]);
/// assert_eq!(linalg::matrix_power(&a, 5).to_vec(), vec![1.0, 5.0, 0.0, 1.0]);
/// assert_eq!(linalg::matrix_power(&a, -2).to_vec(), vec![1.0, -2.0, 0.0, 1.0]);
/// ```
///
/// # Panics
/// If `a` is not square, or `n < 0` and `a` is singular (see [`try_matrix_power`]).
#[track_caller]
pub fn matrix_power(a: &Tensor, n: i64) -> Tensor {
    ok(try_matrix_power(a, n))
}

/// [`matrix_power`], returning an error for a singular matrix and a negative power.
///
/// # Errors
/// Shape errors, and `LinAlg` when `n < 0` and a matrix is singular.
pub fn try_matrix_power(a: &Tensor, n: i64) -> Result<Tensor> {
    let (a, _) = square("matrix_power", a)?;
    if n == 0 {
        return eye_like(&a);
    }
    let mut base = if n < 0 { try_inv(&a)? } else { a };
    let mut k = n.unsigned_abs();
    let mut acc: Option<Tensor> = None;
    // Binary powering: acc · base^k stays a^n.
    loop {
        if k & 1 == 1 {
            acc = Some(match acc {
                None => base.clone(),
                Some(p) => la::matmul(&p, &base)?,
            });
        }
        k >>= 1;
        if k == 0 {
            break;
        }
        base = la::matmul(&base, &base)?;
    }
    acc.ok_or_else(|| Error::invalid("matrix_power", "unreachable: n ≠ 0"))
}
