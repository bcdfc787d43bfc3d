//! `qr`: reduced QR of each matrix, `A = Q R` with `Q` `[..., m, k]` orthonormal, `R`
//! `[..., k, n]` upper triangular with `diag(R) ≥ 0` (unique for full-rank `A`), `k = min(m, n)`.

use ferrograd_array::{kernels, Array};
use smallvec::smallvec;

use crate::lax::{self, linalg as la};
use crate::{Aval, BatchDim, Outs, Primitive, Result, Tangent, Tensor};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Qr;

/// Columns `lo..hi` of each matrix.
fn columns(x: &Tensor, lo: usize, hi: usize) -> Result<Tensor> {
    let r = x.ndim();
    let mut start = vec![0; r];
    let mut limit = x.shape().to_vec();
    start[r - 1] = lo;
    limit[r - 1] = hi;
    lax::slice(x, &start, &limit, &vec![1; r])
}

/// Tangents of `Q` and `R` for `m ≥ n` (full column rank), following JAX's `qr_jvp_rule`
/// (Walter & Lehmann 2018, "Algorithmic differentiation of linear algebra functions"):
/// with `C = Qᵀ dA R⁻¹` and `Ω = tril(C, -1) - tril(C, -1)ᵀ` (antisymmetric),
/// `dQ = Q (Ω - C) + dA R⁻¹` and `dR = (C - Ω) R`.
fn tall_jvp(q: &Tensor, r: &Tensor, a_dot: &Tensor) -> Result<(Tensor, Tensor)> {
    // dA R⁻¹ = (R⁻ᵀ dAᵀ)ᵀ.
    let dx_rinv = la::mt(&la::triangular_solve(r, &la::mt(a_dot)?, false, true)?)?;
    let c = la::matmul(&la::mt(q)?, &dx_rinv)?;
    let low = la::tril(&c, -1)?;
    let omega = lax::sub(&low, &la::mt(&low)?)?;
    let q_dot = lax::add(&la::matmul(q, &lax::sub(&omega, &c)?)?, &dx_rinv)?;
    let r_dot = la::matmul(&lax::sub(&c, &omega)?, r)?;
    Ok((q_dot, r_dot))
}

impl Primitive for Qr {
    fn name(&self) -> &'static str {
        "qr"
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        let (batch, m, n) = la::matrix_dims("qr", &x[0])?;
        let k = m.min(n);
        let b = batch.len();
        Ok(smallvec![
            la::with_tail(&x[0], b, &[m, k]),
            la::with_tail(&x[0], b, &[k, n]),
        ])
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        let (q, r) = kernels::decomp::qr(x[0])?;
        Ok(smallvec![q, r])
    }

    // Wide matrices (m < n) split as A = [A₁ A₂] with A₁ square: Q, R₁ come from A₁ by the
    // square rule, and R₂ = Qᵀ A₂, so dR₂ = dQᵀ A₂ + Qᵀ dA₂.
    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let (q, r) = la::qr(&x[0])?;
        let Some(a_dot) = &x_dot[0] else {
            return Ok((smallvec![q, r], smallvec![None, None]));
        };
        let s = x[0].shape();
        let (m, n) = (s[s.len() - 2], s[s.len() - 1]);
        let (q_dot, r_dot) = if m >= n {
            tall_jvp(&q, &r, a_dot)?
        } else {
            let r1 = columns(&r, 0, m)?;
            let (q_dot, r1_dot) = tall_jvp(&q, &r1, &columns(a_dot, 0, m)?)?;
            let a2 = columns(&x[0], m, n)?;
            let r2_dot = lax::add(
                &la::matmul(&la::mt(&q_dot)?, &a2)?,
                &la::matmul(&la::mt(&q)?, &columns(a_dot, m, n)?)?,
            )?;
            let r_dot = lax::concatenate(&[r1_dot, r2_dot], s.len() - 1)?;
            (q_dot, r_dot)
        };
        Ok((smallvec![q, r], smallvec![Some(q_dot), Some(r_dot)]))
    }

    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        la::batch_leading(self, x, dims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_has_a_nonnegative_diagonal() {
        // A = [[-3, 1], [0, 2]] is already triangular; the normalised R is [[3, -1], [0, 2]].
        let a = Tensor::from_vec(vec![-3.0, 1.0, 0.0, 2.0], &[2, 2]);
        let (q, r) = la::qr(&a).expect("qr");
        let want_r = [3.0, -1.0, 0.0, 2.0];
        let want_q = [-1.0, 0.0, 0.0, 1.0];
        for (g, w) in r.to_vec().iter().zip(want_r) {
            assert!((g - w).abs() < 1e-15, "R = {:?}", r.to_vec());
        }
        for (g, w) in q.to_vec().iter().zip(want_q) {
            assert!((g - w).abs() < 1e-15, "Q = {:?}", q.to_vec());
        }
    }
}
