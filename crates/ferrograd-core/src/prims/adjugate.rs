//! `adjugate`: `adj(A)`, the transposed cofactor matrix (`adj(A) A = det(A) I`), of each matrix.
//! Computed from the SVD so that it is finite and accurate for singular matrices, where
//! `det(A) A⁻¹` is not; it is the derivative of `det`.

use ferrograd_array::{kernels, Array};
use smallvec::smallvec;

use crate::lax::{self, linalg as la};
use crate::{Aval, BatchDim, Outs, Primitive, Result, Tangent, Tensor};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Adjugate;

impl Primitive for Adjugate {
    fn name(&self) -> &'static str {
        "adjugate"
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        la::square_dims("adjugate", &x[0])?;
        Ok(smallvec![x[0].clone()])
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        Ok(smallvec![kernels::decomp::adjugate(x[0])?])
    }

    // adj(A) = det(A) A⁻¹, so d adj = (tr(adj dA) adj - adj dA adj) / det(A). This divides by
    // det(A): at an exactly singular A (the second derivative of det there) it is not finite.
    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let adj = la::adjugate(&x[0])?;
        let Some(a_dot) = &x_dot[0] else {
            return Ok((smallvec![adj], smallvec![None]));
        };
        let r = a_dot.ndim();
        let shape = a_dot.shape().to_vec();
        let lead: Vec<usize> = (0..r - 2).collect();
        let tr = lax::reduce_sum(&lax::mul(&la::mt(&adj)?, a_dot)?, &[r - 2, r - 1])?;
        let tr = lax::broadcast_in_dim(&tr, &shape, &lead)?;
        let d = lax::broadcast_in_dim(&la::det(&x[0])?, &shape, &lead)?;
        let num = lax::sub(
            &lax::mul(&tr, &adj)?,
            &la::matmul(&la::matmul(&adj, a_dot)?, &adj)?,
        )?;
        Ok((smallvec![adj], smallvec![Some(lax::div(&num, &d)?)]))
    }

    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        la::batch_leading(self, x, dims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adjugate_of_singular_and_regular_matrices() {
        // adj [[a, b], [c, d]] = [[d, -b], [-c, a]], singular or not.
        for v in [
            [1.0, 2.0, 2.0, 4.0],
            [3.0, 1.0, -2.0, 5.0],
            [0.0, 0.0, 0.0, 0.0],
        ] {
            let a = Tensor::from_vec(v.to_vec(), &[2, 2]);
            let got = la::adjugate(&a).expect("adjugate").to_vec();
            let want = [v[3], -v[1], -v[2], v[0]];
            for (g, w) in got.iter().zip(want) {
                assert!((g - w).abs() < 1e-14, "{got:?} vs {want:?}");
            }
        }
    }
}
