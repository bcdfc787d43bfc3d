//! `cholesky`: the lower factor `L` of `S = (A + Aᵀ)/2 = L Lᵀ`, on the last two axes (leading
//! axes are a batch). Defined on the symmetric part so that it is a function of every entry
//! of `A` (both triangles count, each half), which keeps eval and jvp consistent.

use ferrograd_array::{kernels, Array};
use smallvec::smallvec;

use crate::lax::linalg as la;
use crate::{Aval, BatchDim, Outs, Primitive, Result, Tangent, Tensor};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Cholesky;

impl Primitive for Cholesky {
    fn name(&self) -> &'static str {
        "cholesky"
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        la::square_dims("cholesky", &x[0])?;
        Ok(smallvec![x[0].clone()])
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        Ok(smallvec![kernels::decomp::cholesky(x[0])?])
    }

    // Murray 2016, "Differentiation of the Cholesky decomposition", eq. (10):
    // dL = L Φ(L⁻¹ dS L⁻ᵀ), Φ = lower triangle with the diagonal halved, dS = sym(dA).
    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let l = la::cholesky(&x[0])?;
        let Some(a_dot) = &x_dot[0] else {
            return Ok((smallvec![l], smallvec![None]));
        };
        let s_dot = la::sym(a_dot)?;
        // L⁻¹ dS, then L⁻¹ (L⁻¹ dS)ᵀ = L⁻¹ dS L⁻ᵀ (dS is symmetric).
        let left = la::triangular_solve(&l, &s_dot, true, false)?;
        let inner = la::triangular_solve(&l, &la::mt(&left)?, true, false)?;
        let phi = la::mask(&inner, |i, j| match j.cmp(&i) {
            std::cmp::Ordering::Less => 1.0,
            std::cmp::Ordering::Equal => 0.5,
            std::cmp::Ordering::Greater => 0.0,
        })?;
        let l_dot = la::matmul(&l, &phi)?;
        Ok((smallvec![l], smallvec![Some(l_dot)]))
    }

    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        la::batch_leading(self, x, dims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factor_of_a_known_matrix() {
        // [[4, 2], [2, 3]] = L Lᵀ with L = [[2, 0], [1, √2]].
        let a = Tensor::from_vec(vec![4.0, 2.0, 2.0, 3.0], &[2, 2]);
        let l = la::cholesky(&a).expect("positive definite");
        let want = [2.0, 0.0, 1.0, 2f64.sqrt()];
        for (g, w) in l.to_vec().iter().zip(want) {
            assert!((g - w).abs() < 1e-15, "{g} vs {w}");
        }
    }

    #[test]
    fn not_positive_definite_is_a_data_error() {
        let a = Tensor::from_vec(vec![1.0, 2.0, 2.0, 1.0], &[2, 2]);
        let e = la::cholesky(&a).expect_err("indefinite");
        assert!(e.to_string().contains("not positive definite"), "{e}");
    }
}
