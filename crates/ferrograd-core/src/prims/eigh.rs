//! `eigh`: eigenvalues (ascending, `[..., n]`) and orthonormal eigenvectors (columns,
//! `[..., n, n]`) of the symmetric part `S = (A + Aᵀ)/2` of each matrix. Each eigenvector's
//! largest-magnitude entry is positive, so the vectors are a smooth function of `A` wherever
//! the eigenvalues are distinct.
//!
//! Repeated eigenvalues: the eigenvalues stay differentiable, but eigenvectors of a repeated
//! eigenvalue are not unique and have no derivative. The rule then drops the (infinite)
//! mixing terms between those vectors (treats `1/(λⱼ - λᵢ)` as 0 when `|λⱼ - λᵢ| ≤ n·ε·max|λ|`),
//! so results stay finite; derivatives that depend on the vectors of a repeated eigenvalue
//! individually are then not meaningful.

use ferrograd_array::{kernels, Array};
use smallvec::smallvec;

use crate::lax::linalg as la;
use crate::{Aval, BatchDim, Outs, Primitive, Result, Tangent, Tensor};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Eigh;

impl Primitive for Eigh {
    fn name(&self) -> &'static str {
        "eigh"
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        let (batch, n) = la::square_dims("eigh", &x[0])?;
        Ok(smallvec![
            la::with_tail(&x[0], batch.len(), &[n]),
            x[0].clone()
        ])
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        let (w, v) = kernels::decomp::eigh(x[0])?;
        Ok(smallvec![w, v])
    }

    // With C = Vᵀ dS V (Magnus 1985; JAX's eigh_jvp_rule): dλ = diag(C),
    // dV = V (F ∘ C) with F_ij = 1/(λⱼ - λᵢ) off the diagonal, 0 on it.
    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let (w, v) = la::eigh(&x[0])?;
        let Some(a_dot) = &x_dot[0] else {
            return Ok((smallvec![w, v], smallvec![None, None]));
        };
        let c = la::matmul(&la::matmul(&la::mt(&v)?, &la::sym(a_dot)?)?, &v)?;
        let w_dot = la::diag_part(&c)?;
        let gaps = la::pair_gaps(&w)?;
        let tol = la::degeneracy_tol(&w, gaps.shape())?;
        let f = la::safe_reciprocal(&gaps, &tol)?;
        let v_dot = la::matmul(&v, &crate::lax::mul(&f, &c)?)?;
        Ok((smallvec![w, v], smallvec![Some(w_dot), Some(v_dot)]))
    }

    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        la::batch_leading(self, x, dims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eigen_pairs_of_a_known_matrix() {
        // [[2, 1], [1, 2]]: λ = 1, 3 with vectors (1, -1)/√2 (sign: largest entry positive,
        // the first of equal magnitudes) and (1, 1)/√2.
        let a = Tensor::from_vec(vec![2.0, 1.0, 1.0, 2.0], &[2, 2]);
        let (w, v) = la::eigh(&a).expect("eigh");
        let r = std::f64::consts::FRAC_1_SQRT_2;
        for (g, want) in w.to_vec().iter().zip([1.0, 3.0]) {
            assert!((g - want).abs() < 1e-14, "{:?}", w.to_vec());
        }
        for (g, want) in v.to_vec().iter().zip([r, r, -r, r]) {
            assert!((g - want).abs() < 1e-14, "{:?}", v.to_vec());
        }
    }
}
