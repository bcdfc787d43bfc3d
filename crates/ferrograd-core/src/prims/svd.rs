//! `svd`: thin SVD of each matrix, `A = U diag(s) Vᵀ`: `U` `[..., m, k]`, `s` `[..., k]`
//! (descending, ≥ 0), `Vᵀ` `[..., k, n]`, `k = min(m, n)`. Each column of `U` has its
//! largest-magnitude entry positive (and `V` follows), so the factors are smooth in `A` where
//! the singular values are distinct and nonzero.
//!
//! Degenerate cases: `s` stays differentiable (a zero singular value has a kink, like |x|);
//! singular vectors of repeated singular values are not unique, so the rule drops their mixing
//! terms (`1/(sⱼ² - sᵢ²)` taken as 0 when within `k·ε·max s²`), and for zero singular values it
//! drops the `1/s` terms: results are finite, and exact for functions that do not depend on
//! those individual vectors.

use ferrograd_array::{kernels, Array};
use smallvec::smallvec;

use crate::lax::{self, linalg as la};
use crate::{Aval, BatchDim, Outs, Primitive, Result, Tangent, Tensor};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Svd;

impl Primitive for Svd {
    fn name(&self) -> &'static str {
        "svd"
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        let (batch, m, n) = la::matrix_dims("svd", &x[0])?;
        let (k, b) = (m.min(n), batch.len());
        Ok(smallvec![
            la::with_tail(&x[0], b, &[m, k]),
            la::with_tail(&x[0], b, &[k]),
            la::with_tail(&x[0], b, &[k, n]),
        ])
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        let (u, s, vt) = kernels::decomp::svd(x[0])?;
        Ok(smallvec![u, s, vt])
    }

    // JAX's svd_jvp_rule (Townsend 2016, "Differentiating the singular value decomposition"),
    // real case: dP = Uᵀ dA V, ds = diag(dP), F_ij = 1/(sⱼ² - sᵢ²) (0 on the diagonal),
    // dU = U (F ∘ (dP S + S dPᵀ)) + (I - UUᵀ) dA V S⁻¹ (the last term only when m > n),
    // dV = V (F ∘ (S dP + dPᵀ S)) + (I - VVᵀ) dAᵀ U S⁻¹ (only when n > m).
    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let (u, s, vt) = la::svd(&x[0])?;
        let Some(a_dot) = &x_dot[0] else {
            return Ok((smallvec![u, s, vt], smallvec![None, None, None]));
        };
        let sh = x[0].shape();
        let (m, n) = (sh[sh.len() - 2], sh[sh.len() - 1]);
        let k = m.min(n);
        let v = la::mt(&vt)?;
        let dp = la::matmul(&la::matmul(&la::mt(&u)?, a_dot)?, &v)?;
        let s_dot = la::diag_part(&dp)?;
        let s_row = la::spread(&s, k, true)?; // [i, j] = s_j
        let s2 = lax::square(&s)?;
        let gaps = la::pair_gaps(&s2)?;
        let f = la::safe_reciprocal(&gaps, &la::degeneracy_tol(&s2, gaps.shape())?)?;
        let dps = lax::mul(&dp, &s_row)?; // dP S
        let sdp = lax::mul(&la::mt(&s_row)?, &dp)?; // S dP
        let mut u_dot = la::matmul(&u, &lax::mul(&f, &lax::add(&dps, &la::mt(&dps)?)?)?)?;
        let mut v_dot = la::matmul(&v, &lax::mul(&f, &lax::add(&sdp, &la::mt(&sdp)?)?)?)?;
        if m > n {
            let dav = la::matmul(a_dot, &v)?;
            let proj = lax::sub(&dav, &la::matmul(&u, &la::matmul(&la::mt(&u)?, &dav)?)?)?;
            u_dot = lax::add(&u_dot, &la::div_columns_safe(&proj, &s)?)?;
        }
        if n > m {
            let dau = la::matmul(&la::mt(a_dot)?, &u)?;
            let proj = lax::sub(&dau, &la::matmul(&v, &la::matmul(&vt, &dau)?)?)?;
            v_dot = lax::add(&v_dot, &la::div_columns_safe(&proj, &s)?)?;
        }
        let vt_dot = la::mt(&v_dot)?;
        Ok((
            smallvec![u, s, vt],
            smallvec![Some(u_dot), Some(s_dot), Some(vt_dot)],
        ))
    }

    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        la::batch_leading(self, x, dims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn singular_values_of_a_known_matrix() {
        // [[3, 0], [4, 5]]: AᵀA = [[25, 20], [20, 25]], so s² = 45, 5.
        let a = Tensor::from_vec(vec![3.0, 0.0, 4.0, 5.0], &[2, 2]);
        let (u, s, vt) = la::svd(&a).expect("svd");
        let s = s.to_vec();
        assert!((s[0] - 45f64.sqrt()).abs() < 1e-14 && (s[1] - 5f64.sqrt()).abs() < 1e-14);
        let us = lax::mul(
            &u,
            &la::spread(&Tensor::from_vec(s, &[2]), 2, true).unwrap(),
        )
        .unwrap();
        let back = la::matmul(&us, &vt).expect("matmul").to_vec();
        for (g, w) in back.iter().zip([3.0, 0.0, 4.0, 5.0]) {
            assert!((g - w).abs() < 1e-14, "{back:?}");
        }
    }
}
