//! Dense decompositions and solves through faer, on stacks of matrices: the last two axes are
//! the matrix, any leading axes a batch (one faer call per matrix). The generic code is
//! instantiated here, for f32 and f64 only, so it compiles at this crate's opt-level (faer's
//! generic code compiles at the *calling* crate's; see PERFORMANCE.md).
//!
//! Outputs are normalised so that each is a smooth function of its input wherever it is unique
//! (the derivative rules rely on that): QR has `R`'s diagonal ≥ 0; eigenvectors and left
//! singular vectors have their largest-magnitude entry positive (`V` follows `U`). Symmetric
//! inputs (Cholesky, eigh) are symmetrised, `(A + Aᵀ)/2`, so both triangles count.
//!
//! NaN in, NaN out, matrix by matrix (as LAPACK's results do, and JAX's): a matrix holding a
//! NaN gives NaN in every output of its own, never a finite answer nor an error about
//! convergence or singularity; so do ±∞ in the decompositions (QR, Cholesky, eigh, SVD,
//! adjugate), whose iterations have no meaning there. LU-based results (solve, det, slogdet)
//! keep IEEE arithmetic for ±∞.

use faer::linalg::solvers::{DenseSolveCore, Solve};
use faer::traits::RealField;
use faer::{Mat, MatMut, MatRef, Side};

use ndarray::ArrayViewD;

use crate::{Array, Element, Error, Float, Result};

/// The floats faer computes with here.
pub trait LinalgFloat: Float + RealField {}
impl LinalgFloat for f32 {}
impl LinalgFloat for f64 {}

/// A stack of matrices read in place: the array's own strided view, no copy (a copy of a
/// transposed view through ndarray's n-d iterator cost more than the solve it fed).
struct Stack<'a, T> {
    batch: Vec<usize>,
    rows: usize,
    cols: usize,
    view: ArrayViewD<'a, T>,
}

impl<'a, T: Element> Stack<'a, T> {
    fn new(op: &'static str, a: &'a Array) -> Result<Self> {
        let s = a.shape();
        if s.len() < 2 {
            return Err(Error::invalid(
                op,
                format!("needs a matrix (or a stack of them, shape [..., m, n]); got shape {s:?}"),
            ));
        }
        Ok(Stack {
            batch: s[..s.len() - 2].to_vec(),
            rows: s[s.len() - 2],
            cols: s[s.len() - 1],
            view: a.view::<T>(op)?,
        })
    }

    fn square(self, op: &'static str) -> Result<Self> {
        if self.rows != self.cols {
            return Err(Error::invalid(
                op,
                format!(
                    "needs square matrices; got {}×{} (shape {:?})",
                    self.rows,
                    self.cols,
                    self.shape()
                ),
            ));
        }
        Ok(self)
    }

    fn shape(&self) -> Vec<usize> {
        let mut s = self.batch.clone();
        s.extend([self.rows, self.cols]);
        s
    }

    fn count(&self) -> usize {
        self.batch.iter().product()
    }

    /// Matrix `k` (row-major order over the batch axes), with the view's strides.
    fn mat(&self, k: usize) -> MatRef<'_, T> {
        let strides = self.view.strides();
        let nd = strides.len();
        let (mut rest, mut offset) = (k, 0isize);
        for (&len, &stride) in self.batch.iter().zip(strides).rev() {
            offset += (rest % len) as isize * stride;
            rest /= len;
        }
        // SAFETY: `offset` addresses matrix `k < count()` of the view, and every element
        // `offset + i·strides[nd-2] + j·strides[nd-1]` (i < rows, j < cols) lies in the view,
        // which `self` borrows for the returned lifetime; faer only reads through it.
        // `wrapping_offset` keeps an empty view's dangling pointer out of UB.
        unsafe {
            MatRef::from_raw_parts(
                self.view.as_ptr().wrapping_offset(offset),
                self.rows,
                self.cols,
                strides[nd - 2],
                strides[nd - 1],
            )
        }
    }
}

/// Output buffer: `count` matrices of `rows × cols` (or vectors when `cols` is `None`).
struct Out<T> {
    shape: Vec<usize>,
    rows: usize,
    cols: usize,
    data: Vec<T>,
}

impl<T: LinalgFloat> Out<T> {
    fn new(batch: &[usize], rows: usize, cols: Option<usize>) -> Self {
        let mut shape = batch.to_vec();
        shape.push(rows);
        shape.extend(cols);
        let cols = cols.unwrap_or(1);
        let size: usize = shape.iter().product();
        Out {
            shape,
            rows,
            cols,
            data: vec![T::zero(); size],
        }
    }

    fn mat(&mut self, k: usize) -> MatMut<'_, T> {
        let n = self.rows * self.cols;
        MatMut::from_row_major_slice_mut(&mut self.data[k * n..(k + 1) * n], self.rows, self.cols)
    }

    /// Matrix `k` set to NaN (the outputs of an input holding NaN).
    fn nan(&mut self, k: usize) {
        self.mat(k).fill(<T as num_traits::Float>::nan());
    }

    fn array(self) -> Result<Array> {
        Array::from_vec(&self.shape, self.data)
    }
}

mod adjugate;
pub use adjugate::adjugate;

/// True when `a` holds a NaN.
fn has_nan<T: LinalgFloat>(a: MatRef<'_, T>) -> bool {
    (0..a.ncols()).any(|j| (0..a.nrows()).any(|i| num_traits::Float::is_nan(a[(i, j)])))
}

/// True when `a` holds a NaN or ±∞.
fn has_non_finite<T: LinalgFloat>(a: MatRef<'_, T>) -> bool {
    (0..a.ncols()).any(|j| (0..a.nrows()).any(|i| !num_traits::Float::is_finite(a[(i, j)])))
}

fn linalg_err(op: &'static str, msg: String) -> Error {
    Error::LinAlg { op, msg }
}

fn at(batch: &[usize], k: usize) -> String {
    if batch.is_empty() {
        String::new()
    } else {
        format!(" (matrix {k} of the stack of shape {batch:?})")
    }
}

fn symmetrized<T: LinalgFloat>(a: MatRef<'_, T>) -> Mat<T> {
    let half = T::from_f64(0.5);
    Mat::from_fn(a.nrows(), a.ncols(), |i, j| (a[(i, j)] + a[(j, i)]) * half)
}

/// Lower Cholesky factor `L` of `(A + Aᵀ)/2 = L Lᵀ`, upper triangle zero.
///
/// # Errors
/// [`Error::LinAlg`] when a matrix is not positive definite.
pub fn cholesky(a: &Array) -> Result<Array> {
    dispatch!(floats "cholesky", a.dtype(), T => cholesky_t::<T>(a))
}

fn cholesky_t<T: LinalgFloat>(a: &Array) -> Result<Array> {
    let x = Stack::<T>::new("cholesky", a)?.square("cholesky")?;
    let n = x.rows;
    let mut out = Out::new(&x.batch, n, Some(n));
    for k in 0..x.count() {
        if has_non_finite(x.mat(k)) {
            out.nan(k);
            continue;
        }
        let llt = symmetrized(x.mat(k))
            .llt(Side::Lower)
            .map_err(|e| {
                let faer::linalg::cholesky::llt::factor::LltError::NonPositivePivot { index } = e;
                linalg_err(
                    "cholesky",
                    format!("the matrix is not positive definite: pivot {index} is not positive{}; check that it is symmetric positive definite (add a multiple of the identity to regularise it)", at(&x.batch, k)),
                )
            })?;
        let l = llt.L();
        let mut o = out.mat(k);
        for j in 0..n {
            for i in j..n {
                o[(i, j)] = l[(i, j)];
            }
        }
    }
    out.array()
}

/// Checks two stacks for `solve`-like kernels: `a` square `[..., n, n]`, `b` `[..., n, k]`
/// with the same leading axes.
fn check_rhs<T: Element>(op: &'static str, a: &Stack<T>, b: &Stack<T>) -> Result<()> {
    if a.batch != b.batch || a.rows != b.rows {
        return Err(Error::ShapeMismatch {
            op,
            lhs: a.shape(),
            rhs: b.shape(),
            hint: "needs a of shape [..., n, n] and b of shape [..., n, k] with equal leading axes",
        });
    }
    Ok(())
}

/// Solves `op(T) X = B` for triangular `T` (its `lower` or upper triangle; the other is not
/// read), `op(T) = Tᵀ` when `transpose_a`.
///
/// # Errors
/// [`Error::LinAlg`] when a diagonal entry is zero (the matrix is singular).
pub fn triangular_solve(a: &Array, b: &Array, lower: bool, transpose_a: bool) -> Result<Array> {
    dispatch!(floats "triangular_solve", a.dtype(), T => triangular_solve_t::<T>(a, b, lower, transpose_a))
}

fn triangular_solve_t<T: LinalgFloat>(
    a: &Array,
    b: &Array,
    lower: bool,
    transpose_a: bool,
) -> Result<Array> {
    let op = "triangular_solve";
    let t = Stack::<T>::new(op, a)?.square(op)?;
    let r = Stack::<T>::new(op, b)?;
    check_rhs(op, &t, &r)?;
    let mut out = Out::new(&r.batch, r.rows, Some(r.cols));
    for k in 0..t.count() {
        let tk = t.mat(k);
        // Only the triangle that is read counts (the other may hold anything).
        let read = if lower { tk.transpose() } else { tk };
        if (0..t.rows).any(|j| has_nan(read.subrows(0, j + 1).col(j).as_mat())) {
            out.nan(k);
            continue;
        }
        if let Some(i) = (0..t.rows).find(|&i| tk[(i, i)] == T::zero()) {
            return Err(linalg_err(
                op,
                format!(
                    "the triangular matrix is singular: diagonal entry {i} is zero{}",
                    at(&t.batch, k)
                ),
            ));
        }
        // Solved in place in the row-major output: faer's base case updates whole rows of
        // the right-hand side, contiguous here (a column-major copy made them strided).
        let mut x = out.mat(k);
        x.copy_from(r.mat(k));
        // op(T) is lower triangular when exactly one of (lower, transpose) holds... or neither.
        let (m, solve_lower) = if transpose_a {
            (tk.transpose(), !lower)
        } else {
            (tk, lower)
        };
        if solve_lower {
            m.solve_lower_triangular_in_place(x);
        } else {
            m.solve_upper_triangular_in_place(x);
        }
    }
    out.array()
}

fn singular_pivot<T: LinalgFloat>(u: MatRef<'_, T>) -> Option<usize> {
    (0..u.nrows()).find(|&i| u[(i, i)] == T::zero())
}

/// Solves `A X = B` (or `Aᵀ X = B` when `transpose_a`) by LU with partial pivoting.
///
/// A singular `A` (an exactly zero pivot, as NumPy) is an error, or, when `inf_if_singular`,
/// gives `adj(op A) B / (+0)`: `A⁻¹ = adj(A) / det(A)` at `det(A) = +0`, so ±∞ with the
/// sign of each entry of `adj(op A) B` and NaN where it is 0 (what `slogdet`'s derivative is
/// at a singular matrix).
///
/// # Errors
/// [`Error::LinAlg`] when `A` is singular and not `inf_if_singular`.
pub fn lu_solve(a: &Array, b: &Array, transpose_a: bool, inf_if_singular: bool) -> Result<Array> {
    dispatch!(floats "solve", a.dtype(), T => lu_solve_t::<T>(a, b, transpose_a, inf_if_singular))
}

fn lu_solve_t<T: LinalgFloat>(
    a: &Array,
    b: &Array,
    transpose_a: bool,
    inf_if_singular: bool,
) -> Result<Array> {
    let op = "solve";
    let m = Stack::<T>::new(op, a)?.square(op)?;
    let r = Stack::<T>::new(op, b)?;
    check_rhs(op, &m, &r)?;
    let mut out = Out::new(&r.batch, r.rows, Some(r.cols));
    for k in 0..m.count() {
        if has_nan(m.mat(k)) {
            out.nan(k);
            continue;
        }
        let lu = m.mat(k).partial_piv_lu();
        if let Some(i) = singular_pivot(lu.U()) {
            if !inf_if_singular {
                return Err(linalg_err(
                    op,
                    format!("the matrix is singular (LU pivot {i} is zero){}; use lstsq or pinv for singular or rank-deficient systems", at(&m.batch, k)),
                ));
            }
            solve_at_zero_det(m.mat(k), r.mat(k), transpose_a, out.mat(k)).ok_or_else(|| {
                linalg_err(op, format!("the SVD did not converge{}", at(&m.batch, k)))
            })?;
            continue;
        }
        // In place in the row-major output, as in `triangular_solve`.
        let mut x = out.mat(k);
        x.copy_from(r.mat(k));
        if transpose_a {
            lu.solve_transpose_in_place(x);
        } else {
            lu.solve_in_place(x);
        }
    }
    out.array()
}

/// `x = adj(op A) B / (+0)`: `A⁻¹ B` at a singular `A`, with `A⁻¹ = adj(A) / det(A)` and
/// `det(A)` taken as +0. `None` if the adjugate's SVD does not converge.
fn solve_at_zero_det<T: LinalgFloat>(
    a: MatRef<'_, T>,
    b: MatRef<'_, T>,
    transpose_a: bool,
    mut x: MatMut<'_, T>,
) -> Option<()> {
    let adj = adjugate::adjugate_mat(a, &[])?;
    let adj = if transpose_a {
        adj.transpose()
    } else {
        adj.as_ref()
    };
    faer::linalg::matmul::matmul(
        &mut x,
        faer::Accum::Replace,
        adj,
        b,
        T::one(),
        faer::Par::Seq,
    );
    for j in 0..x.ncols() {
        for i in 0..x.nrows() {
            x[(i, j)] /= T::zero();
        }
    }
    Some(())
}

/// Parity of a permutation given as forward indices (true = odd).
fn odd_permutation(p: &[usize]) -> bool {
    let mut seen = vec![false; p.len()];
    let mut odd = false;
    for start in 0..p.len() {
        let (mut i, mut len) = (start, 0);
        while !seen[i] {
            seen[i] = true;
            i = p[i];
            len += 1;
        }
        if len > 0 && len % 2 == 0 {
            odd = !odd;
        }
    }
    odd
}

/// `(sign, log|det|)` of one matrix from its LU factors (sign 0, log -∞ when singular; both
/// NaN when it holds a NaN, or ∞ − ∞ made one).
fn lu_slogdet<T: LinalgFloat>(a: MatRef<'_, T>) -> (T, T) {
    let nan = <T as num_traits::Float>::nan();
    if has_nan(a) {
        return (nan, nan);
    }
    let lu = a.partial_piv_lu();
    let fwd: Vec<usize> = lu.P().arrays().0.to_vec();
    let mut sign = if odd_permutation(&fwd) {
        -T::one()
    } else {
        T::one()
    };
    let mut log = T::zero();
    let u = lu.U();
    for i in 0..u.nrows() {
        let d = u[(i, i)];
        // A zero pivot (a zero column below it) means singular; the pivots after it may be
        // 0/0, so they are not read.
        if d == T::zero() {
            return (T::zero(), T::neg_infinity());
        }
        if num_traits::Float::is_nan(d) {
            return (nan, nan);
        }
        if d < T::zero() {
            sign = -sign;
        }
        log += num_traits::Float::ln(num_traits::Float::abs(d));
    }
    (sign, log)
}

/// Sign and natural log of the absolute determinant of each matrix (NumPy's `slogdet`;
/// a singular matrix gives sign 0 and log -∞).
pub fn slogdet(a: &Array) -> Result<(Array, Array)> {
    dispatch!(floats "slogdet", a.dtype(), T => slogdet_t::<T>(a))
}

fn slogdet_t<T: LinalgFloat>(a: &Array) -> Result<(Array, Array)> {
    let m = Stack::<T>::new("slogdet", a)?.square("slogdet")?;
    let (signs, logs): (Vec<T>, Vec<T>) = (0..m.count()).map(|k| lu_slogdet(m.mat(k))).unzip();
    Ok((
        Array::from_vec(&m.batch, signs)?,
        Array::from_vec(&m.batch, logs)?,
    ))
}

/// The determinant of each matrix (LU: the pivots' product times the permutation's sign).
pub fn det(a: &Array) -> Result<Array> {
    dispatch!(floats "det", a.dtype(), T => det_t::<T>(a))
}

fn det_t<T: LinalgFloat>(a: &Array) -> Result<Array> {
    let m = Stack::<T>::new("det", a)?.square("det")?;
    let dets: Vec<T> = (0..m.count())
        .map(|k| {
            if has_nan(m.mat(k)) {
                return <T as num_traits::Float>::nan();
            }
            let lu = m.mat(k).partial_piv_lu();
            let fwd: Vec<usize> = lu.P().arrays().0.to_vec();
            let u = lu.U();
            // Singular: faer's pivots after a zero one may be 0/0 (NaN), so they are not read.
            if singular_pivot(u).is_some() {
                return T::zero();
            }
            let prod = (0..u.nrows()).fold(T::one(), |p, i| p * u[(i, i)]);
            if odd_permutation(&fwd) {
                -prod
            } else {
                prod
            }
        })
        .collect();
    Array::from_vec(&m.batch, dets)
}

/// Reduced QR: `A = Q R` with `Q` `[..., m, k]` (orthonormal columns), `R` `[..., k, n]`
/// upper triangular with a non-negative diagonal, `k = min(m, n)`.
pub fn qr(a: &Array) -> Result<(Array, Array)> {
    dispatch!(floats "qr", a.dtype(), T => qr_t::<T>(a))
}

fn qr_t<T: LinalgFloat>(a: &Array) -> Result<(Array, Array)> {
    let x = Stack::<T>::new("qr", a)?;
    let (m, n) = (x.rows, x.cols);
    let k = m.min(n);
    let mut q_out = Out::new(&x.batch, m, Some(k));
    let mut r_out = Out::new(&x.batch, k, Some(n));
    for b in 0..x.count() {
        if k == 0 {
            break;
        }
        if has_non_finite(x.mat(b)) {
            q_out.nan(b);
            r_out.nan(b);
            continue;
        }
        let qr = x.mat(b).qr();
        let (mut q, mut r) = (qr.compute_thin_Q(), qr.thin_R().to_owned());
        for i in 0..k {
            if r[(i, i)] < T::zero() {
                r.row_mut(i).iter_mut().for_each(|e| *e = -*e);
                q.col_mut(i).iter_mut().for_each(|e| *e = -*e);
            }
            for j in 0..i {
                r[(i, j)] = T::zero();
            }
        }
        q_out.mat(b).copy_from(&q);
        r_out.mat(b).copy_from(&r);
    }
    Ok((q_out.array()?, r_out.array()?))
}

/// Flips column pairs so that each column of `u` has its first largest-magnitude entry positive.
fn normalise_signs<T: LinalgFloat>(u: &mut Mat<T>, mut v: Option<&mut Mat<T>>) {
    for j in 0..u.ncols() {
        let mut best = (0, T::zero());
        for i in 0..u.nrows() {
            let a = num_traits::Float::abs(u[(i, j)]);
            if a > best.1 {
                best = (i, a);
            }
        }
        if u[(best.0, j)] < T::zero() {
            u.col_mut(j).iter_mut().for_each(|e| *e = -*e);
            if let Some(v) = v.as_deref_mut() {
                v.col_mut(j).iter_mut().for_each(|e| *e = -*e);
            }
        }
    }
}

/// Eigenvalues (ascending) and orthonormal eigenvectors (columns) of `(A + Aᵀ)/2`.
///
/// # Errors
/// [`Error::LinAlg`] if the iteration does not converge.
pub fn eigh(a: &Array) -> Result<(Array, Array)> {
    dispatch!(floats "eigh", a.dtype(), T => eigh_t::<T>(a))
}

fn eigh_t<T: LinalgFloat>(a: &Array) -> Result<(Array, Array)> {
    let op = "eigh";
    let x = Stack::<T>::new(op, a)?.square(op)?;
    let n = x.rows;
    let mut w_out = Out::new(&x.batch, n, None);
    let mut v_out = Out::new(&x.batch, n, Some(n));
    for k in 0..x.count() {
        if n == 0 {
            break;
        }
        if has_non_finite(x.mat(k)) {
            w_out.nan(k);
            v_out.nan(k);
            continue;
        }
        let evd = symmetrized(x.mat(k))
            .self_adjoint_eigen(Side::Lower)
            .map_err(|_| {
                linalg_err(
                    op,
                    format!("the eigensolver did not converge{}", at(&x.batch, k)),
                )
            })?;
        let mut v = evd.U().to_owned();
        normalise_signs(&mut v, None);
        for (i, &w) in evd.S().column_vector().iter().enumerate() {
            w_out.data[k * n + i] = w;
        }
        v_out.mat(k).copy_from(&v);
    }
    Ok((w_out.array()?, v_out.array()?))
}

/// Full SVD (NumPy's `full_matrices=True`): `U` `[..., m, m]` and `Vᵀ` `[..., n, n]` orthogonal,
/// `s` `[..., k]` as in [`svd`], `k = min(m, n)`. The first `k` columns of `U` and rows of `Vᵀ`
/// are the thin factors (same signs); the rest are an orthonormal basis of the complement, each
/// column signed like the others (largest-magnitude entry positive). Square input gives exactly
/// the thin result.
///
/// # Errors
/// [`Error::LinAlg`] if the iteration does not converge.
pub fn svd_full(a: &Array) -> Result<(Array, Array, Array)> {
    dispatch!(floats "svd_full", a.dtype(), T => svd_full_t::<T>(a))
}

fn svd_full_t<T: LinalgFloat>(a: &Array) -> Result<(Array, Array, Array)> {
    let op = "svd_full";
    let x = Stack::<T>::new(op, a)?;
    let (m, n) = (x.rows, x.cols);
    if m == n {
        return svd_t::<T>(a);
    }
    let k = m.min(n);
    let mut u_out = Out::new(&x.batch, m, Some(m));
    let mut s_out = Out::new(&x.batch, k, None);
    let mut vt_out = Out::new(&x.batch, n, Some(n));
    for b in 0..x.count() {
        if k == 0 {
            // No singular values: the identities are orthogonal factors.
            u_out.mat(b).copy_from(Mat::<T>::identity(m, m));
            vt_out.mat(b).copy_from(Mat::<T>::identity(n, n));
            continue;
        }
        if has_non_finite(x.mat(b)) {
            u_out.nan(b);
            s_out.nan(b);
            vt_out.nan(b);
            continue;
        }
        let svd = x
            .mat(b)
            .svd()
            .map_err(|_| linalg_err(op, format!("the SVD did not converge{}", at(&x.batch, b))))?;
        let (mut u, mut v) = (svd.U().to_owned(), svd.V().to_owned());
        // The k paired columns move together; the complement's columns on their own.
        let (mut uk, mut vk) = (u.subcols(0, k).to_owned(), v.subcols(0, k).to_owned());
        normalise_signs(&mut uk, Some(&mut vk));
        u.subcols_mut(0, k).copy_from(&uk);
        v.subcols_mut(0, k).copy_from(&vk);
        let mut u_rest = u.subcols(k, m - k).to_owned();
        let mut v_rest = v.subcols(k, n - k).to_owned();
        normalise_signs(&mut u_rest, None);
        normalise_signs(&mut v_rest, None);
        u.subcols_mut(k, m - k).copy_from(&u_rest);
        v.subcols_mut(k, n - k).copy_from(&v_rest);
        for (i, &s) in svd.S().column_vector().iter().take(k).enumerate() {
            s_out.data[b * k + i] = s;
        }
        u_out.mat(b).copy_from(&u);
        vt_out.mat(b).copy_from(v.transpose());
    }
    Ok((u_out.array()?, s_out.array()?, vt_out.array()?))
}

/// Thin SVD `A = U diag(s) Vᵀ`: `U` `[..., m, k]`, `s` `[..., k]` descending and ≥ 0,
/// `Vᵀ` `[..., k, n]`, `k = min(m, n)`.
///
/// # Errors
/// [`Error::LinAlg`] if the iteration does not converge.
pub fn svd(a: &Array) -> Result<(Array, Array, Array)> {
    dispatch!(floats "svd", a.dtype(), T => svd_t::<T>(a))
}

fn svd_t<T: LinalgFloat>(a: &Array) -> Result<(Array, Array, Array)> {
    let op = "svd";
    let x = Stack::<T>::new(op, a)?;
    let (m, n) = (x.rows, x.cols);
    let k = m.min(n);
    let mut u_out = Out::new(&x.batch, m, Some(k));
    let mut s_out = Out::new(&x.batch, k, None);
    let mut vt_out = Out::new(&x.batch, k, Some(n));
    for b in 0..x.count() {
        if k == 0 {
            break;
        }
        if has_non_finite(x.mat(b)) {
            u_out.nan(b);
            s_out.nan(b);
            vt_out.nan(b);
            continue;
        }
        let svd = x
            .mat(b)
            .thin_svd()
            .map_err(|_| linalg_err(op, format!("the SVD did not converge{}", at(&x.batch, b))))?;
        let (mut u, mut v) = (svd.U().to_owned(), svd.V().to_owned());
        normalise_signs(&mut u, Some(&mut v));
        for (i, &s) in svd.S().column_vector().iter().enumerate() {
            s_out.data[b * k + i] = s;
        }
        u_out.mat(b).copy_from(&u);
        vt_out.mat(b).copy_from(v.transpose());
    }
    Ok((u_out.array()?, s_out.array()?, vt_out.array()?))
}

/// Inverse of each matrix (LU), for tests and benchmarks of the kernels themselves.
///
/// # Errors
/// [`Error::LinAlg`] when a matrix is singular.
pub fn inv(a: &Array) -> Result<Array> {
    dispatch!(floats "inv", a.dtype(), T => inv_t::<T>(a))
}

fn inv_t<T: LinalgFloat>(a: &Array) -> Result<Array> {
    let m = Stack::<T>::new("inv", a)?.square("inv")?;
    let n = m.rows;
    let mut out = Out::new(&m.batch, n, Some(n));
    for k in 0..m.count() {
        if has_nan(m.mat(k)) {
            out.nan(k);
            continue;
        }
        let lu = m.mat(k).partial_piv_lu();
        if let Some(i) = singular_pivot(lu.U()) {
            return Err(linalg_err(
                "inv",
                format!(
                    "the matrix is singular (LU pivot {i} is zero){}",
                    at(&m.batch, k)
                ),
            ));
        }
        out.mat(k).copy_from(&lu.inverse());
    }
    out.array()
}
