//! `det`: the determinant of each matrix (last two axes), by LU.

use ferrograd_array::{kernels, Array};
use smallvec::smallvec;

use crate::lax::{self, linalg as la};
use crate::{Aval, BatchDim, Outs, Primitive, Result, Tangent, Tensor};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Det;

impl Primitive for Det {
    fn name(&self) -> &'static str {
        "det"
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        let (batch, _) = la::square_dims("det", &x[0])?;
        Ok(smallvec![Aval::new(&batch, x[0].dtype)])
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        Ok(smallvec![kernels::decomp::det(x[0])?])
    }

    // Jacobi's formula: d det(A) = tr(adj(A) dA) (Giles 2008, §2.2.4). The adjugate is finite
    // for singular matrices too, so this derivative is exact there (det·A⁻¹ would be 0·∞).
    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let y = la::det(&x[0])?;
        let Some(a_dot) = &x_dot[0] else {
            return Ok((smallvec![y], smallvec![None]));
        };
        let r = a_dot.ndim();
        let adj_t = la::mt(&la::adjugate(&x[0])?)?;
        let y_dot = lax::reduce_sum(&lax::mul(&adj_t, a_dot)?, &[r - 2, r - 1])?;
        Ok((smallvec![y], smallvec![Some(y_dot)]))
    }

    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        la::batch_leading(self, x, dims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn determinants_with_pivoting_and_batches() {
        // det [[0, 1], [1, 0]] = -1 (a pivot swap); det [[2, 1], [1, 3]] = 5.
        let a = Tensor::from_vec(vec![0.0, 1.0, 1.0, 0.0, 2.0, 1.0, 1.0, 3.0], &[2, 2, 2]);
        let d = la::det(&a).expect("det").to_vec();
        assert!(
            (d[0] + 1.0).abs() < 1e-15 && (d[1] - 5.0).abs() < 1e-14,
            "{d:?}"
        );
    }
}
