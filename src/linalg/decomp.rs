//! Decompositions and what is built on them: `qr`, `eigh`, `svd`, `pinv`, `lstsq`.

use ferrograd_core::api::ok;
use ferrograd_core::lax::{self, linalg as la};
use ferrograd_core::{DType, Result, Tensor};

use super::{broadcast_batches, matrix, same_float, square};

/// Reduced QR of each matrix (NumPy's `mode="reduced"`): `a = q r` with `q` `[..., m, k]`
/// orthonormal columns and `r` `[..., k, n]` upper triangular, `k = min(m, n)`. `r`'s diagonal
/// is made non-negative, which makes the factors unique (and differentiable) for full-rank `a`.
///
/// ```
/// use ferrograd::{linalg, Tensor};
/// let a = Tensor::from_vec(vec![3.0, 1.0, 4.0, 2.0], &[2, 2]);
/// let (q, r) = linalg::qr(&a);
/// assert!((&q.matmul(&r) - &a).abs().max().item() < 1e-14);
/// assert!((r.to_vec()[0] - 5.0).abs() < 1e-14); // |first column|
/// ```
///
/// # Panics
/// If `a` has fewer than two axes.
#[track_caller]
pub fn qr(a: &Tensor) -> (Tensor, Tensor) {
    ok(try_qr(a))
}

/// [`qr`], returning shape errors.
///
/// # Errors
/// If `a` has fewer than two axes.
pub fn try_qr(a: &Tensor) -> Result<(Tensor, Tensor)> {
    la::qr(&matrix("qr", a)?)
}

/// Eigenvalues (ascending, `[..., n]`) and orthonormal eigenvectors (the columns of
/// `[..., n, n]`) of each symmetric matrix. It decomposes the symmetric part `(a + aᵀ)/2`
/// (NumPy reads one triangle; for symmetric input they agree). Each eigenvector's
/// largest-magnitude entry is positive.
///
/// Repeated eigenvalues: the eigenvalues stay differentiable; their eigenvectors are not
/// unique, and derivatives that depend on those individual vectors are not meaningful (the
/// rule drops their infinite mixing terms, so they stay finite).
///
/// ```
/// use ferrograd::{linalg, Tensor};
/// let a = Tensor::from_vec(vec![2.0, 1.0, 1.0, 2.0], &[2, 2]);
/// let (w, v) = linalg::eigh(&a);
/// assert!((&w - &Tensor::from(vec![1.0, 3.0])).abs().max().item() < 1e-14);
/// let back = (&v * &w).matmul(&v.t()); // V diag(w) Vᵀ
/// assert!((&back - &a).abs().max().item() < 1e-14);
/// ```
///
/// # Panics
/// If `a` is not a stack of square matrices (or the solver fails to converge).
#[track_caller]
pub fn eigh(a: &Tensor) -> (Tensor, Tensor) {
    ok(try_eigh(a))
}

/// [`eigh`], returning errors.
///
/// # Errors
/// Shape errors, and `LinAlg` if the eigensolver does not converge.
pub fn try_eigh(a: &Tensor) -> Result<(Tensor, Tensor)> {
    la::eigh(&square("eigh", a)?.0)
}

/// Thin singular value decomposition `a = u · diag(s) · vt` of each matrix (NumPy's
/// `full_matrices=False`): `u` `[..., m, k]`, `s` `[..., k]` descending and ≥ 0, `vt`
/// `[..., k, n]`, `k = min(m, n)`. The full square factors are [`svd_full`] (differentiable
/// for square matrices only: their extra columns are an arbitrary basis).
///
/// Degenerate cases: `s` stays differentiable; singular vectors of repeated or zero singular
/// values are not unique, and their mixing terms are dropped (finite, exact for functions
/// that do not depend on those individual vectors, such as `s`, `u diag(s) vt`, [`pinv`]).
///
/// ```
/// use ferrograd::{linalg, Tensor};
/// let a = Tensor::from_vec(vec![3.0, 0.0, 4.0, 5.0], &[2, 2]);
/// let (_u, s, _vt) = linalg::svd(&a);
/// assert!((s.to_vec()[0] - 45f64.sqrt()).abs() < 1e-14);
/// assert!((s.to_vec()[1] - 5f64.sqrt()).abs() < 1e-14);
/// ```
///
/// # Panics
/// If `a` has fewer than two axes (or the SVD fails to converge).
#[track_caller]
pub fn svd(a: &Tensor) -> (Tensor, Tensor, Tensor) {
    ok(try_svd(a))
}

/// [`svd`], returning errors.
///
/// # Errors
/// Shape errors, and `LinAlg` if the SVD does not converge.
pub fn try_svd(a: &Tensor) -> Result<(Tensor, Tensor, Tensor)> {
    la::svd(&matrix("svd", a)?)
}

/// Full singular value decomposition (NumPy's `svd(a, full_matrices=True)`): `u` `[..., m, m]`
/// and `vt` `[..., n, n]` orthogonal, `s` `[..., k]` descending, `k = min(m, n)`, with
/// `a = u[.., :, :k] · diag(s) · vt[.., :k, :]`. The first `k` columns of `u` and rows of `vt`
/// are [`svd`]'s; the others are an orthonormal basis of the complement.
///
/// Derivatives: square matrices are the thin SVD and differentiate as [`svd`] does. For
/// non-square ones the complement basis is arbitrary (any rotation of it is as valid), so
/// differentiating it is refused (as JAX refuses `full_matrices=True`): grad, jvp and
/// `backward` panic with a message naming the fix, the thin [`svd`].
///
/// ```
/// use ferrograd::{linalg, np, Tensor};
/// let a = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 7.0], &[3, 2]);
/// let (u, s, vt) = linalg::svd_full(&a);
/// assert_eq!((u.shape(), s.shape(), vt.shape()), (&[3, 3][..], &[2][..], &[2, 2][..]));
/// assert!((&u.t().matmul(&u) - &np::eye(3)).abs().max().item() < 1e-14); // orthogonal
/// assert!((&s - &linalg::svd(&a).1).abs().max().item() < 1e-14);
/// ```
///
/// # Panics
/// If `a` has fewer than two axes (or the SVD fails to converge), and when differentiated at
/// a non-square matrix.
#[track_caller]
pub fn svd_full(a: &Tensor) -> (Tensor, Tensor, Tensor) {
    ok(try_svd_full(a))
}

/// [`svd_full`], returning errors.
///
/// # Errors
/// Shape errors, `LinAlg` if the SVD does not converge, and `NotDifferentiable` when a
/// transform differentiates it at a non-square matrix.
pub fn try_svd_full(a: &Tensor) -> Result<(Tensor, Tensor, Tensor)> {
    la::svd_full(&matrix("svd_full", a)?)
}

/// NumPy 2's default relative cutoff for small singular values: `max(m, n) · ε`.
pub(super) fn default_rtol(a: &Tensor) -> f64 {
    let s = a.shape();
    let eps = if a.dtype() == DType::F32 {
        f64::from(f32::EPSILON)
    } else {
        f64::EPSILON
    };
    (s[s.len() - 2].max(s[s.len() - 1]) as f64) * eps
}

/// The Moore–Penrose pseudo-inverse of each matrix (`[..., m, n] → [..., n, m]`), from the
/// SVD, with singular values at or below `max(m, n) · ε · max(s)` treated as zero (NumPy 2's
/// default). Its derivative is Golub & Pereyra's formula, exact wherever the rank is locally
/// constant — repeated singular values included (e.g. at the identity).
///
/// ```
/// use ferrograd::{linalg, Tensor};
/// // A full-column-rank X: pinv(X) = (XᵀX)⁻¹Xᵀ.
/// let x = Tensor::from_vec(vec![1.0, 0.0, 0.0, 1.0, 1.0, 1.0], &[3, 2]);
/// let want = linalg::inv(&x.t().matmul(&x)).matmul(&x.t());
/// assert!((&linalg::pinv(&x) - &want).abs().max().item() < 1e-14);
/// ```
///
/// # Panics
/// If `a` has fewer than two axes.
#[track_caller]
pub fn pinv(a: &Tensor) -> Tensor {
    ok(try_pinv(a, None))
}

/// [`pinv`] with an optional relative cutoff `rtol` (singular values `≤ rtol · max(s)` count
/// as zero; `None` is the default `max(m, n) · ε`).
///
/// # Errors
/// Shape errors, and `LinAlg` if the SVD does not converge.
pub fn try_pinv(a: &Tensor, rtol: Option<f64>) -> Result<Tensor> {
    let a = matrix("pinv", a)?;
    let rtol = rtol.unwrap_or_else(|| default_rtol(&a));
    la::pinv(&a, rtol)
}

/// The minimum-norm least-squares solution `x` of `a x ≈ b` (NumPy's `lstsq(a, b)[0]`):
/// `pinv(a) b`. `a` is `[..., m, n]`, `b` `[m]` or `[..., m, k]`; batch axes broadcast.
/// Singular values at or below `rcond · max(s)` count as zero (`None`: `max(m, n) · ε`).
///
/// ```
/// use ferrograd::{linalg, Tensor};
/// // Fit y = c₀ + c₁ t to (0, 1), (1, 3), (2, 5): exactly c = (1, 2).
/// let a = Tensor::from_vec(vec![1.0, 0.0, 1.0, 1.0, 1.0, 2.0], &[3, 2]);
/// let c = linalg::lstsq(&a, &Tensor::from(vec![1.0, 3.0, 5.0]), None);
/// assert!((&c - &Tensor::from(vec![1.0, 2.0])).abs().max().item() < 1e-14);
/// ```
///
/// # Panics
/// On shapes that do not fit (see [`try_lstsq`]).
#[track_caller]
pub fn lstsq(a: &Tensor, b: &Tensor, rcond: Option<f64>) -> Tensor {
    ok(try_lstsq(a, b, rcond))
}

/// [`lstsq`], returning errors.
///
/// # Errors
/// Shape errors, and `LinAlg` if the SVD does not converge.
pub fn try_lstsq(a: &Tensor, b: &Tensor, rcond: Option<f64>) -> Result<Tensor> {
    let op = "lstsq";
    let a = matrix(op, a)?;
    let m = a.shape()[a.ndim() - 2];
    let rows = match b.ndim() {
        0 => usize::MAX,
        1 => b.shape()[0],
        r => b.shape()[r - 2],
    };
    if rows != m {
        return Err(ferrograd_array::Error::ShapeMismatch {
            op,
            lhs: a.shape().to_vec(),
            rhs: b.shape().to_vec(),
            hint: "needs a of shape [..., m, n] and b of shape [m] or [..., m, k]",
        }
        .into());
    }
    let (a, b) = same_float(&a, b)?;
    let vector = b.ndim() == 1;
    let b = if vector {
        lax::reshape(&b, &[m, 1])?
    } else {
        b
    };
    let (a, b) = broadcast_batches(op, &a, &b, 2)?;
    let x = la::matmul(&try_pinv(&a, rcond)?, &b)?;
    if vector {
        let mut s = x.shape().to_vec();
        s.pop();
        return lax::reshape(&x, &s);
    }
    Ok(x)
}
