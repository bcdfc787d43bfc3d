//! The adjugate and its derivatives of every order, `Dᵏ adj(A)[X₁, …, Xₖ]`, from the SVD and
//! without any division, so exact at singular matrices of every rank (where the textbook
//! `d adj = (tr(adj dA) adj − adj dA adj) / det(A)` is 0/0).
//!
//! With `A = U S Vᵀ`, `adj(XY) = adj(Y) adj(X)` and `adj(Q) = det(Q) Qᵀ` for orthogonal `Q`
//! give `adj(U C Vᵀ) = det(U) det(V) · V adj(C) Uᵀ` for every `C`; and
//! `A + Σ tᵣ Xᵣ = U (S + Σ tᵣ Eᵣ) Vᵀ` with `Eᵣ = Uᵀ Xᵣ V`. So
//! `Dᵏ adj(A)[X…] = det(U) det(V) · V Dᵏ adj(S)[E…] Uᵀ`, and only the derivatives of the
//! adjugate at a diagonal `S = diag(s)` are needed:
//!
//! - det is multilinear in the rows, and row `l` of `S + E` is `s_l e_lᵀ + E_l`. Expanding,
//!   the rows in a set `J` come from `E`, the others from `S`, and a row `s_l e_lᵀ` forces
//!   column `l`; what is left is the principal minor: `det(S + E) = Σ_J e_J det(E_JJ)` with
//!   `e_J = Π_{l∉J} s_l` (the expansion behind the characteristic polynomial's coefficients,
//!   Horn & Johnson, *Matrix Analysis*, 2nd ed., §1.2).
//! - `adj(M)_ij = ∂det(M)/∂M_ji`, so `adj(S + E)_ij = Σ_{J ∋ i, j} e_J (−1)^{p+q}
//!   det(E[J∖{j}, J∖{i}])`, `p`, `q` the places of `i`, `j` in `J`; the term of `J` is
//!   homogeneous of degree `|J| − 1` in `E`.
//! - `Dᵏ adj(S)[E₁…Eₖ]` is the coefficient of `t₁⋯tₖ` in `adj(S + Σ tᵣ Eᵣ)`: the sets with
//!   `|J| = k + 1`, each minor replaced by its polarisation. det is multilinear in the
//!   columns, so the coefficient of `t₁⋯tₖ` in `det(Σ tᵣ Gᵣ)` (`k × k`) is
//!   `Σ_{β ∈ Sₖ} det(column c taken from G_{β(c)})`.
//!
//! For `k = 0` this is `adj(S) = diag(Π_{j≠i} s_j)`; for `k = 1` the off-diagonal entries are
//! `−(Π_{l≠i,j} s_l) E_ij` and the diagonal ones `Σ_{l≠i} (Π_{m≠i,l} s_m) E_ll`. Orders
//! `k ≥ n` are zero (the adjugate has degree `n − 1`).

use faer::linalg::matmul::matmul;
use faer::{Accum, Mat, MatRef, Par};

use super::{at, has_non_finite, linalg_err, LinalgFloat, Out, Stack};
use crate::{Array, Error, Result};

/// `Dᵏ adj(A)[X₁, …, Xₖ]` for each matrix of the stack `a`, `k = xs.len()`, the `xs` shaped
/// like `a`; `k = 0` is the adjugate `adj(A)` itself (`adj(A) A = det(A) I`). Finite for
/// every finite matrix, singular ones included; a matrix holding NaN or ±∞ gives NaN.
///
/// # Errors
/// Shape or dtype mismatches, and [`Error::LinAlg`] if the SVD does not converge.
pub fn adjugate(a: &Array, xs: &[&Array]) -> Result<Array> {
    dispatch!(floats "adjugate", a.dtype(), T => adjugate_t::<T>(a, xs))
}

fn adjugate_t<T: LinalgFloat>(a: &Array, xs: &[&Array]) -> Result<Array> {
    let op = "adjugate";
    let m = Stack::<T>::new(op, a)?.square(op)?;
    let dirs = xs
        .iter()
        .map(|x| Stack::<T>::new(op, x))
        .collect::<Result<Vec<_>>>()?;
    if let Some(d) = dirs.iter().find(|d| d.shape() != m.shape()) {
        return Err(Error::ShapeMismatch {
            op,
            lhs: m.shape(),
            rhs: d.shape(),
            hint: "the directions of the adjugate's derivative must be shaped like the matrix",
        });
    }
    let n = m.rows;
    let mut out = Out::new(&m.batch, n, Some(n));
    // Under vmap (a Jacobian, a Hessian) one matrix is often broadcast against a batch of
    // directions: a zero-stride view, so matrix `b` starts where matrix `b - 1` did, and its
    // SVD is reused.
    let mut last: Option<(*const T, Factored<T>)> = None;
    for b in 0..m.count() {
        let a_b = m.mat(b);
        if has_non_finite(a_b) {
            out.nan(b);
            continue;
        }
        let f = match last.take() {
            Some((ptr, f)) if ptr == a_b.as_ptr() => f,
            _ => Factored::new(a_b).ok_or_else(|| {
                linalg_err(op, format!("the SVD did not converge{}", at(&m.batch, b)))
            })?,
        };
        let xs: Vec<MatRef<'_, T>> = dirs.iter().map(|d| d.mat(b)).collect();
        out.mat(b).copy_from(&f.derivative(&xs));
        last = Some((a_b.as_ptr(), f));
    }
    out.array()
}

/// `Dᵏ adj(a)[xs…]` of one finite matrix, or `None` if its SVD does not converge.
pub(super) fn adjugate_mat<T: LinalgFloat>(
    a: MatRef<'_, T>,
    xs: &[MatRef<'_, T>],
) -> Option<Mat<T>> {
    Some(Factored::new(a)?.derivative(xs))
}

/// One matrix's SVD `A = U diag(s) Vᵀ` and `det(U) det(V) = ±1`.
struct Factored<T> {
    u: Mat<T>,
    v: Mat<T>,
    s: Vec<T>,
    sign: T,
}

impl<T: LinalgFloat> Factored<T> {
    fn new(a: MatRef<'_, T>) -> Option<Self> {
        let svd = a.svd().ok()?;
        let (u, v) = (svd.U().to_owned(), svd.V().to_owned());
        let s = svd.S().column_vector().iter().copied().collect();
        let sign = if u.determinant() * v.determinant() < T::zero() {
            -T::one()
        } else {
            T::one()
        };
        Some(Factored { u, v, s, sign })
    }

    /// `det(U) det(V) · V Dᵏ adj(S)[Uᵀ X V …] Uᵀ`.
    fn derivative(&self, xs: &[MatRef<'_, T>]) -> Mat<T> {
        let (u, v) = (self.u.as_ref(), self.v.as_ref());
        let es: Vec<Mat<T>> = xs.iter().map(|&x| product3(u.transpose(), x, v)).collect();
        let mid = at_diagonal(&self.s, &es);
        let mut out = product3(v, mid.as_ref(), u.transpose());
        for j in 0..out.ncols() {
            for i in 0..out.nrows() {
                out[(i, j)] *= self.sign;
            }
        }
        out
    }
}

/// `x y z`.
fn product3<T: LinalgFloat>(x: MatRef<'_, T>, y: MatRef<'_, T>, z: MatRef<'_, T>) -> Mat<T> {
    let mut xy = Mat::<T>::zeros(x.nrows(), y.ncols());
    matmul(&mut xy, Accum::Replace, x, y, T::one(), Par::Seq);
    let mut out = Mat::<T>::zeros(x.nrows(), z.ncols());
    matmul(&mut out, Accum::Replace, &xy, z, T::one(), Par::Seq);
    out
}

/// `Dᵏ adj(diag(s))[E₁…Eₖ]` by the sum over index sets of the module comment.
fn at_diagonal<T: LinalgFloat>(s: &[T], es: &[Mat<T>]) -> Mat<T> {
    let (n, k) = (s.len(), es.len());
    let mut out = Mat::<T>::zeros(n, n);
    if k >= n {
        return out;
    }
    let products = RangeProducts::new(s);
    let mut j_set = Vec::with_capacity(k + 1);
    let (mut rows, mut cols) = (Vec::with_capacity(k), Vec::with_capacity(k));
    for i in 0..n {
        for j in 0..n {
            let fixed: &[usize] = if i == j { &[i] } else { &[i.min(j), i.max(j)] };
            if fixed.len() > k + 1 {
                continue;
            }
            let mut acc = T::zero();
            for_each_superset(n, fixed, k + 1, &mut j_set, |set| {
                let p = set.iter().position(|&l| l == i).unwrap_or(0);
                let q = set.iter().position(|&l| l == j).unwrap_or(0);
                rows.clear();
                rows.extend(set.iter().copied().filter(|&l| l != j));
                cols.clear();
                cols.extend(set.iter().copied().filter(|&l| l != i));
                let term = products.outside(set) * polarised_minor(es, &rows, &cols);
                acc += if (p + q) % 2 == 1 { -term } else { term };
            });
            out[(i, j)] = acc;
        }
    }
    out
}

/// Calls `f` with every sorted set of `size` indices below `n` that contains `fixed`
/// (sorted).
fn for_each_superset(
    n: usize,
    fixed: &[usize],
    size: usize,
    set: &mut Vec<usize>,
    mut f: impl FnMut(&[usize]),
) {
    let (free, extra) = (n - fixed.len(), size - fixed.len());
    // The `c`-th index not in `fixed`.
    let nth_free = |c: usize| fixed.iter().fold(c, |v, &x| if v >= x { v + 1 } else { v });
    // `pick` walks the combinations of `extra` of the free indices in lexicographic order.
    let mut pick: Vec<usize> = (0..extra).collect();
    loop {
        set.clear();
        set.extend(fixed);
        set.extend(pick.iter().map(|&c| nth_free(c)));
        set.sort_unstable();
        f(set);
        // The rightmost position that can still move right, then reset the ones after it.
        let Some(r) = (0..extra).rev().find(|&r| pick[r] < free - extra + r) else {
            return;
        };
        pick[r] += 1;
        for t in r + 1..extra {
            pick[t] = pick[t - 1] + 1;
        }
    }
}

/// The coefficient of `t₁⋯tₖ` in `det(Σ tᵣ Eᵣ[rows, cols])`: a sum over the ways of taking
/// each column from a different `Eᵣ` (1 when `k = 0`).
fn polarised_minor<T: LinalgFloat>(es: &[Mat<T>], rows: &[usize], cols: &[usize]) -> T {
    let k = es.len();
    match k {
        0 => T::one(),
        1 => es[0][(rows[0], cols[0])],
        _ => {
            let mut total = T::zero();
            let mut w = vec![T::zero(); k * k];
            for_each_permutation(k, |beta| {
                for (a, &r) in rows.iter().enumerate() {
                    for (c, &col) in cols.iter().enumerate() {
                        w[a * k + c] = es[beta[c]][(r, col)];
                    }
                }
                total += small_det(&mut w, k);
            });
            total
        }
    }
}

/// Calls `f` with every permutation of `0..k` (Heap's algorithm).
fn for_each_permutation(k: usize, mut f: impl FnMut(&[usize])) {
    let mut p: Vec<usize> = (0..k).collect();
    let mut c = vec![0; k];
    f(&p);
    let mut i = 1;
    while i < k {
        if c[i] < i {
            p.swap(if i % 2 == 0 { 0 } else { c[i] }, i);
            f(&p);
            c[i] += 1;
            i = 1;
        } else {
            c[i] = 0;
            i += 1;
        }
    }
}

/// The determinant of the row-major `k × k` matrix `w` (overwritten), by Gaussian elimination
/// with partial pivoting.
fn small_det<T: LinalgFloat>(w: &mut [T], k: usize) -> T {
    let mut det = T::one();
    for c in 0..k {
        let piv = (c..k)
            .max_by(|&x, &y| {
                let (x, y) = (w[x * k + c], w[y * k + c]);
                num_traits::Float::abs(x)
                    .partial_cmp(&num_traits::Float::abs(y))
                    .unwrap_or(std::cmp::Ordering::Equal)
            })
            .unwrap_or(c);
        if piv != c {
            for col in 0..k {
                w.swap(piv * k + col, c * k + col);
            }
            det = -det;
        }
        let d = w[c * k + c];
        det *= d;
        if d == T::zero() {
            return det;
        }
        for r in c + 1..k {
            let f = w[r * k + c] / d;
            for col in c + 1..k {
                let sub = f * w[c * k + col];
                w[r * k + col] -= sub;
            }
        }
    }
    det
}

/// Products of consecutive singular values, `Π_{a ≤ l < b} s_l` for every `a ≤ b`, so that
/// `e_J = Π_{l∉J} s_l` costs `O(|J|)` and involves no division (zeros are fine).
struct RangeProducts<T> {
    n: usize,
    table: Vec<T>,
}

impl<T: LinalgFloat> RangeProducts<T> {
    fn new(s: &[T]) -> Self {
        let n = s.len();
        let mut table = vec![T::one(); (n + 1) * (n + 1)];
        for a in 0..n {
            for b in a..n {
                table[a * (n + 1) + b + 1] = table[a * (n + 1) + b] * s[b];
            }
        }
        RangeProducts { n, table }
    }

    fn range(&self, a: usize, b: usize) -> T {
        self.table[a * (self.n + 1) + b]
    }

    /// `Π_{l ∉ set} s_l` for a sorted `set`.
    fn outside(&self, set: &[usize]) -> T {
        let mut start = 0;
        let mut p = T::one();
        for &l in set {
            p *= self.range(start, l);
            start = l + 1;
        }
        p * self.range(start, self.n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn array(shape: &[usize], v: &[f64]) -> Array {
        Array::from_vec(shape, v.to_vec()).expect("array")
    }

    #[test]
    fn adjugate_and_its_derivatives_at_a_rank_one_matrix() {
        // A = [[1, 2], [2, 4]]: adj = [[4, -2], [-2, 1]]; adj is linear for 2×2, so
        // D adj(A)[X] = adj(X) and the second derivative is zero.
        let a = array(&[2, 2], &[1.0, 2.0, 2.0, 4.0]);
        let x = array(&[2, 2], &[0.5, -1.0, 3.0, 2.0]);
        let cases: [(&[&Array], [f64; 4]); 3] = [
            (&[], [4.0, -2.0, -2.0, 1.0]),
            (&[&x], [2.0, 1.0, -3.0, 0.5]),
            (&[&x, &x], [0.0; 4]),
        ];
        for (xs, want) in cases {
            let got = adjugate(&a, xs).expect("adjugate").to_f64_vec();
            for (g, w) in got.iter().zip(want) {
                assert!(
                    (g - w).abs() < 1e-14,
                    "order {}: {got:?} vs {want:?}",
                    xs.len()
                );
            }
        }
    }

    #[test]
    fn second_derivative_of_a_3x3_adjugate_at_zero() {
        // At A = 0, adj(A + tX + uY) has the bilinear term adj's polarisation: for X = Y = I,
        // adj(tI + uI) = (t + u)² I, whose t·u coefficient is 2 I.
        let z = array(&[3, 3], &[0.0; 9]);
        let i: Vec<f64> = (0..9).map(|k| f64::from(u8::from(k % 4 == 0))).collect();
        let eye = array(&[3, 3], &i);
        let got = adjugate(&z, &[&eye, &eye]).expect("adjugate").to_f64_vec();
        for (g, w) in got.iter().zip(&i) {
            assert!((g - 2.0 * w).abs() < 1e-14, "{got:?}");
        }
    }

    #[test]
    fn permutations_and_small_determinants() {
        let mut seen = Vec::new();
        for_each_permutation(3, |p| seen.push(p.to_vec()));
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 6);
        let mut w: Vec<f64> = vec![2.0, 0.0, 1.0, 1.0, 3.0, 2.0, 1.0, 1.0, 4.0];
        assert!((small_det(&mut w, 3) - 18.0).abs() < 1e-13);
    }
}
