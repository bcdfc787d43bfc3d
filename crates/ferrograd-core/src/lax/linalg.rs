//! Wrappers of the linear-algebra primitives, and the matrix helpers their rules share:
//! batched matmul, the transpose of the last two axes, triangle masks, diagonals. Matrices are
//! the last two axes; leading axes are a batch and must match exactly (no broadcasting here).

use std::rc::Rc;

use ferrograd_array::kernels::DotDims;
use ferrograd_array::{Array, DType};

use super::{add, bind, bind1, broadcast_in_dim, convert, mul, one_over, reduce_sum};
use super::{scalar_like, select, sub, transpose, zeros_like};
use crate::prims::custom_jvp::{CustomFn, CustomJvpCall, RuleFn};
use crate::prims::unary_kinds::Abs;
use crate::prims::{
    Adjugate, Cholesky, Det, Eigh, LuSolve, Qr, ReduceExtremum, Slogdet, Svd, SvdFull,
    TriangularSolve,
};
use crate::{Aval, BatchDim, Error, Primitive, Result, Tensor};

/// Lower Cholesky factor of `(a + aᵀ)/2`.
pub fn cholesky(a: &Tensor) -> Result<Tensor> {
    bind1(&Cholesky, std::slice::from_ref(a))
}

/// Solves `op(T) x = b` with `T` the `lower` (or upper) triangle of `a`, `op(T) = Tᵀ` when
/// `transpose_a`.
pub fn triangular_solve(a: &Tensor, b: &Tensor, lower: bool, transpose_a: bool) -> Result<Tensor> {
    let p = TriangularSolve { lower, transpose_a };
    bind1(&p, &[a.clone(), b.clone()])
}

/// Solves `a x = b` (or `aᵀ x = b`) by LU; `b` is `[..., n, k]`. A singular `a` is an error.
pub fn lu_solve(a: &Tensor, b: &Tensor, transpose_a: bool) -> Result<Tensor> {
    let p = LuSolve {
        transpose_a,
        inf_if_singular: false,
    };
    bind1(&p, &[a.clone(), b.clone()])
}

/// [`lu_solve`], giving `adj(op a) b / (+0)` (±∞, NaN where 0) for a singular `a` instead of
/// an error: `a⁻¹ b` at `det(a) = +0`.
pub fn lu_solve_or_inf(a: &Tensor, b: &Tensor, transpose_a: bool) -> Result<Tensor> {
    let p = LuSolve {
        transpose_a,
        inf_if_singular: true,
    };
    bind1(&p, &[a.clone(), b.clone()])
}

/// Determinant of each matrix.
pub fn det(a: &Tensor) -> Result<Tensor> {
    bind1(&Det, std::slice::from_ref(a))
}

/// Adjugate of each matrix (`adj(a) a = det(a) I`).
pub fn adjugate(a: &Tensor) -> Result<Tensor> {
    bind1(&Adjugate { order: 0 }, std::slice::from_ref(a))
}

/// The derivative of the adjugate of order `xs.len()` in the directions `xs` (each shaped like
/// `a`): `Dᵏ adj(a)[x₁, …, xₖ]`, exact at singular matrices too.
pub fn adjugate_derivative(a: &Tensor, xs: &[Tensor]) -> Result<Tensor> {
    let mut args = vec![a.clone()];
    args.extend_from_slice(xs);
    bind1(&Adjugate { order: xs.len() }, &args)
}

/// `(sign, log|det|)` of each matrix.
pub fn slogdet(a: &Tensor) -> Result<(Tensor, Tensor)> {
    let mut out = bind(&Slogdet, std::slice::from_ref(a))?;
    let log = out.pop().expect("two outputs");
    Ok((out.pop().expect("two outputs"), log))
}

/// Reduced QR with `diag(r) ≥ 0`.
pub fn qr(a: &Tensor) -> Result<(Tensor, Tensor)> {
    let mut out = bind(&Qr, std::slice::from_ref(a))?;
    let r = out.pop().expect("two outputs");
    Ok((out.pop().expect("two outputs"), r))
}

/// Ascending eigenvalues and eigenvectors (columns) of `(a + aᵀ)/2`.
pub fn eigh(a: &Tensor) -> Result<(Tensor, Tensor)> {
    let mut out = bind(&Eigh, std::slice::from_ref(a))?;
    let v = out.pop().expect("two outputs");
    Ok((out.pop().expect("two outputs"), v))
}

/// Full SVD `(u [.., m, m], s, vt [.., n, n])`; differentiable for square matrices only.
pub fn svd_full(a: &Tensor) -> Result<(Tensor, Tensor, Tensor)> {
    let mut out = bind(&SvdFull, std::slice::from_ref(a))?;
    let vt = out.pop().expect("three outputs");
    let s = out.pop().expect("three outputs");
    Ok((out.pop().expect("three outputs"), s, vt))
}

/// Thin SVD `(u, s, vt)`.
pub fn svd(a: &Tensor) -> Result<(Tensor, Tensor, Tensor)> {
    let mut out = bind(&Svd, std::slice::from_ref(a))?;
    let vt = out.pop().expect("three outputs");
    let s = out.pop().expect("three outputs");
    Ok((out.pop().expect("three outputs"), s, vt))
}

/// The Moore–Penrose pseudo-inverse `[..., m, n] → [..., n, m]` from the SVD, singular values
/// at or below `rtol · max(s)` treated as zero. Its tangent is Golub & Pereyra's formula
/// ([`pinv_tangent`]), attached with a custom-jvp call: differentiating through the SVD would
/// divide by gaps between singular values, which vanish at repeated ones (e.g. the identity),
/// where pinv itself is smooth.
pub fn pinv(a: &Tensor, rtol: f64) -> Result<Tensor> {
    let prim = CustomJvpCall {
        f: CustomFn::new(Rc::new(move |xs: &[Tensor]| {
            Ok(vec![pinv_from_svd(&xs[0], rtol)?])
        })),
        rule: RuleFn(Rc::new(move |xs: &[Tensor], ts: &[Tensor]| {
            // The primal through pinv itself, so that higher orders use this rule again.
            let p = pinv(&xs[0], rtol)?;
            let p_dot = pinv_tangent(&xs[0], &p, &ts[0])?;
            Ok((vec![p], vec![p_dot]))
        })),
    };
    bind1(&prim, std::slice::from_ref(a))
}

/// `V diag(1/s) Uᵀ` with singular values at or below `rtol · max(s)` treated as zero.
fn pinv_from_svd(a: &Tensor, rtol: f64) -> Result<Tensor> {
    let (u, s, vt) = svd(a)?;
    let k = s.shape()[s.ndim() - 1];
    let s = super::stop_gradient(&s)?;
    let s_inv = if k == 0 {
        s
    } else {
        let last = s.ndim() - 1;
        let mx = super::reduce_extremum(&s, &[last], true)?;
        let cut = mul(&mx, &scalar_like(&mx, rtol))?;
        let cut = broadcast_in_dim(&cut, s.shape(), &(0..last).collect::<Vec<_>>())?;
        safe_reciprocal(&s, &cut)?
    };
    let n = vt.shape()[vt.ndim() - 1];
    let v_scaled = mul(&mt(&vt)?, &spread(&s_inv, n, true)?)?;
    matmul(&v_scaled, &mt(&u)?)
}

/// Golub & Pereyra (1973), eq. 4.12 (as JAX's `_pinv_jvp`), exact for constant rank:
/// `dA⁺ = -A⁺ dA A⁺ + A⁺A⁺ᵀ dAᵀ (I - A A⁺) + (I - A⁺A) dAᵀ A⁺ᵀ A⁺`.
fn pinv_tangent(a: &Tensor, p: &Tensor, a_dot: &Tensor) -> Result<Tensor> {
    let mm = matmul;
    let eye = |x: &Tensor| matrix_const(x, |i, j| f64::from(u8::from(i == j)));
    let (pt, a_dot_t) = (mt(p)?, mt(a_dot)?);
    let ap = mm(a, p)?; // [m, m]
    let pa = mm(p, a)?; // [n, n]
    let i_ap = sub(&eye(&ap)?, &ap)?;
    let i_pa = sub(&eye(&pa)?, &pa)?;
    let t1 = super::neg(&mm(&mm(p, a_dot)?, p)?)?;
    let t2 = mm(&mm(&mm(p, &pt)?, &a_dot_t)?, &i_ap)?;
    let t3 = mm(&mm(&mm(&i_pa, &a_dot_t)?, &pt)?, p)?;
    add(&add(&t1, &t2)?, &t3)
}

// ---- shape checks ------------------------------------------------------------------------

/// `(batch, rows, cols)` of a float matrix stack, or an error naming `op`.
pub fn matrix_dims(op: &'static str, x: &Aval) -> Result<(Vec<usize>, usize, usize)> {
    super::require_float(op, x)?;
    let s = &x.shape;
    if s.len() < 2 {
        return Err(Error::rank(
            op,
            "a matrix or a stack of matrices (shape [..., m, n])",
            s,
            "reshape a vector to [1, n] or [n, 1]",
        ));
    }
    Ok((s[..s.len() - 2].to_vec(), s[s.len() - 2], s[s.len() - 1]))
}

/// As [`matrix_dims`], requiring square matrices; returns `(batch, n)`.
pub fn square_dims(op: &'static str, x: &Aval) -> Result<(Vec<usize>, usize)> {
    let (batch, m, n) = matrix_dims(op, x)?;
    if m != n {
        return Err(Error::rank(
            op,
            "square matrices (shape [..., n, n])",
            &x.shape,
            "for non-square systems use lstsq or pinv",
        ));
    }
    Ok((batch, n))
}

/// Checks `a: [..., n, n]` and `b: [..., n, k]` with equal leading axes and dtypes.
pub fn solve_dims(op: &'static str, a: &Aval, b: &Aval) -> Result<()> {
    let (batch, n) = square_dims(op, a)?;
    let (b_batch, rows, _) = matrix_dims(op, b)?;
    super::require_same_dtype(op, a, b)?;
    if batch != b_batch || rows != n {
        return Err(ferrograd_array::Error::ShapeMismatch {
            op,
            lhs: a.shape.to_vec(),
            rhs: b.shape.to_vec(),
            hint: "needs a of shape [..., n, n] and b of shape [..., n, k] with the same leading axes",
        }
        .into());
    }
    Ok(())
}

/// `aval` with its last two axes replaced by `tail`.
pub fn with_tail(x: &Aval, keep: usize, tail: &[usize]) -> Aval {
    let mut s: Vec<usize> = x.shape[..keep].to_vec();
    s.extend_from_slice(tail);
    Aval::new(&s, x.dtype)
}

// ---- matrix helpers for rules --------------------------------------------------------------

/// `a @ b` over matching leading axes: `[..., m, k] × [..., k, n] → [..., m, n]`.
pub fn matmul(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    let r = a.ndim();
    let batch: Vec<usize> = (0..r - 2).collect();
    let dims = DotDims {
        lhs_contract: vec![r - 1],
        rhs_contract: vec![r - 2],
        lhs_batch: batch.clone(),
        rhs_batch: batch,
    };
    super::dot_general(a, b, &dims)
}

/// Swaps the last two axes.
pub fn mt(x: &Tensor) -> Result<Tensor> {
    let r = x.ndim();
    let mut perm: Vec<usize> = (0..r).collect();
    perm.swap(r - 2, r - 1);
    transpose(x, &perm)
}

/// `(x + xᵀ) / 2` on the last two axes.
pub fn sym(x: &Tensor) -> Result<Tensor> {
    mul(&add(x, &mt(x)?)?, &scalar_like(x, 0.5))
}

/// A constant `[..., m, n]` like `x` (a zero-copy broadcast of one matrix) from `f(i, j)`.
pub fn matrix_const(x: &Tensor, f: impl Fn(usize, usize) -> f64) -> Result<Tensor> {
    let s = x.shape();
    let (m, n) = (s[s.len() - 2], s[s.len() - 1]);
    let vals: Vec<f64> = (0..m * n).map(|k| f(k / n.max(1), k % n.max(1))).collect();
    let base = convert(
        &Tensor::from_array(Array::from_vec(&[m, n], vals)?),
        x.dtype(),
    )?;
    broadcast_in_dim(&base, s, &[s.len() - 2, s.len() - 1])
}

/// `x` with entries outside `keep(i, j)` set to zero, scaled by `scale(i, j)`.
pub fn mask(x: &Tensor, f: impl Fn(usize, usize) -> f64) -> Result<Tensor> {
    mul(x, &matrix_const(x, f)?)
}

/// Lower triangle (`j <= i + k`).
pub fn tril(x: &Tensor, k: i64) -> Result<Tensor> {
    mask(x, |i, j| f64::from(u8::from(j as i64 <= i as i64 + k)))
}

/// Upper triangle (`j >= i + k`).
pub fn triu(x: &Tensor, k: i64) -> Result<Tensor> {
    mask(x, |i, j| f64::from(u8::from(j as i64 >= i as i64 + k)))
}

/// The diagonal of each (square) matrix: `[..., n, n] → [..., n]`, read as every (n + 1)-th
/// entry of the flattened matrix. A slice, so the entries off the diagonal never enter (a mask
/// made ±∞ there NaN, as ∞ · 0), and its transpose pads with zeros.
pub fn diag_part(x: &Tensor) -> Result<Tensor> {
    let r = x.ndim();
    let n = x.shape()[r - 1];
    let mut flat = x.shape()[..r - 2].to_vec();
    flat.push(n * n);
    let stride: Vec<usize> = (0..r - 1)
        .map(|a| if a == r - 2 { n + 1 } else { 1 })
        .collect();
    super::slice(&super::reshape(x, &flat)?, &vec![0; r - 1], &flat, &stride)
}

/// Diagonal matrices from vectors: `[..., n] → [..., n, n]`.
pub fn diag_embed(v: &Tensor) -> Result<Tensor> {
    let mut s = v.shape().to_vec();
    let n = s[s.len() - 1];
    s.push(n);
    let keep: Vec<usize> = (0..v.ndim() - 1).chain([v.ndim()]).collect();
    mask(&broadcast_in_dim(v, &s, &keep)?, |i, j| {
        f64::from(u8::from(i == j))
    })
}

/// The vector `[..., k]` broadcast along a new axis: as rows (`[..., r, k]`, element `[i, j]`
/// is `v[j]`) when `rows`, else as columns (`[..., k, r]`, element `[i, j]` is `v[i]`).
pub fn spread(v: &Tensor, r: usize, rows: bool) -> Result<Tensor> {
    let nd = v.ndim();
    let mut s = v.shape()[..nd - 1].to_vec();
    let k = v.shape()[nd - 1];
    let lead: Vec<usize> = (0..nd - 1).collect();
    let (shape_tail, last) = if rows { ([r, k], nd) } else { ([k, r], nd - 1) };
    s.extend(shape_tail);
    let dims: Vec<usize> = lead.into_iter().chain([last]).collect();
    broadcast_in_dim(v, &s, &dims)
}

/// `1 / d` where `|d| > tol`, zero elsewhere — written so that every derivative is finite
/// (the masked entries see `1 / 1`, and `select` passes them no tangent).
pub fn safe_reciprocal(d: &Tensor, tol: &Tensor) -> Result<Tensor> {
    let small = super::compare(
        &super::unary::<Abs>(d)?,
        tol,
        ferrograd_array::kernels::Compare::Le,
    )?;
    let safe = select(&small, &scalar_like(d, 1.0), d)?;
    select(&small, &zeros_like(d), &one_over(&safe)?)
}

/// A tolerance for "equal" eigen/singular values: `n · ε · max|v|` per matrix, broadcast to
/// `shape`, with no derivative.
pub fn degeneracy_tol(v: &Tensor, shape: &[usize]) -> Result<Tensor> {
    let nd = v.ndim();
    let n = v.shape()[nd - 1];
    let eps = if v.dtype() == DType::F32 {
        f64::from(f32::EPSILON)
    } else {
        f64::EPSILON
    };
    let v = super::stop_gradient(v)?;
    let abs = super::unary::<Abs>(&v)?;
    let mx = if n == 0 {
        // No values: an empty sum, only for the shape.
        reduce_sum(&abs, &[nd - 1])?
    } else {
        bind1(
            &ReduceExtremum {
                axes: vec![nd - 1],
                max: true,
            },
            &[abs],
        )?
    };
    let tol = mul(&mx, &scalar_like(&mx, (n.max(1) as f64) * eps))?;
    broadcast_in_dim(&tol, shape, &(0..nd - 1).collect::<Vec<_>>())
}

/// `(v[j] - v[i])` for every pair: `[..., n] → [..., n, n]`.
pub fn pair_gaps(v: &Tensor) -> Result<Tensor> {
    let n = v.shape()[v.ndim() - 1];
    sub(&spread(v, n, true)?, &spread(v, n, false)?)
}

/// `x / d` for a vector `d` dividing the columns of `x` (`[..., m, k] / [..., k]`), with zero
/// where `d` is (numerically) zero.
pub fn div_columns_safe(x: &Tensor, d: &Tensor) -> Result<Tensor> {
    let m = x.shape()[x.ndim() - 2];
    let dd = spread(d, m, true)?;
    let tol = degeneracy_tol(d, dd.shape())?;
    mul(x, &safe_reciprocal(&dd, &tol)?)
}

/// The batch rule shared by the linear-algebra primitives: leading axes are native batch
/// axes, so every argument's batch axis moves to the front (unbatched ones are broadcast).
pub fn batch_leading(
    prim: &dyn Primitive,
    x: &[Tensor],
    dims: &[BatchDim],
) -> Result<(crate::Outs<Tensor>, crate::Outs<BatchDim>)> {
    let args = super::all_batch_to_front(x, dims)?;
    let out = bind(prim, &args)?;
    let n = out.len();
    Ok((out, smallvec::smallvec![Some(0); n]))
}
