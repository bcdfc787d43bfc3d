//! `triangular_solve { lower, transpose_a }`: `X = op(T)⁻¹ B` where `T` is the lower (or upper)
//! triangle of `A` (the other triangle is never read) and `op(T) = Tᵀ` when `transpose_a`.
//! `A` is `[..., n, n]`, `B` `[..., n, k]`. Linear in `B`.

use ferrograd_array::{kernels, Array};
use smallvec::smallvec;

use crate::lax::{self, linalg as la};
use crate::{Aval, BatchDim, Error, LinearArg, Outs, Primitive, Result, Tangent, Tensor};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TriangularSolve {
    pub lower: bool,
    pub transpose_a: bool,
}

impl TriangularSolve {
    /// The triangle of `a` that this solve reads.
    fn triangle(&self, a: &Tensor) -> Result<Tensor> {
        if self.lower {
            la::tril(a, 0)
        } else {
            la::triu(a, 0)
        }
    }

    fn op(&self, a: &Tensor) -> Result<Tensor> {
        if self.transpose_a {
            la::mt(a)
        } else {
            Ok(a.clone())
        }
    }
}

impl Primitive for TriangularSolve {
    fn name(&self) -> &'static str {
        "triangular_solve"
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        la::solve_dims("triangular_solve", &x[0], &x[1])?;
        Ok(smallvec![x[1].clone()])
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        Ok(smallvec![kernels::decomp::triangular_solve(
            x[0],
            x[1],
            self.lower,
            self.transpose_a,
        )?])
    }

    // op(T) X = B  ⇒  op(T) dX = dB - op(dT) X, with dT the same triangle of dA.
    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let (a, b) = (&x[0], &x[1]);
        let y = lax::bind1(self, &[a.clone(), b.clone()])?;
        let rhs_a = x_dot[0]
            .as_ref()
            .map(|a_dot| lax::neg(&la::matmul(&self.op(&self.triangle(a_dot)?)?, &y)?))
            .transpose()?;
        let rhs = lax::add_tangents(x_dot[1].clone(), rhs_a)?;
        let y_dot = rhs.map(|r| lax::bind1(self, &[a.clone(), r])).transpose()?;
        Ok((smallvec![y], smallvec![y_dot]))
    }

    // X = op(T)⁻¹ B is linear in B; its transpose is op(T)⁻ᵀ ct.
    fn transpose(&self, ct: &[Tensor], x: &[LinearArg]) -> Result<Outs<Option<Tensor>>> {
        let a = x[0].constant("triangular_solve")?;
        if !x[1].is_undef() {
            return Err(Error::NotLinear {
                prim: "triangular_solve",
            });
        }
        let t = TriangularSolve {
            lower: self.lower,
            transpose_a: !self.transpose_a,
        };
        Ok(smallvec![
            None,
            Some(lax::bind1(&t, &[a.clone(), ct[0].clone()])?),
        ])
    }

    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        la::batch_leading(self, x, dims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_only_its_triangle() {
        // The upper entry 100 must be ignored by a lower solve: [[2, 0], [1, 4]] x = [2, 9].
        let a = Tensor::from_vec(vec![2.0, 100.0, 1.0, 4.0], &[2, 2]);
        let b = Tensor::from_vec(vec![2.0, 9.0], &[2, 1]);
        let x = la::triangular_solve(&a, &b, true, false).expect("solve");
        assert_eq!(x.to_vec(), vec![1.0, 2.0]);
        // Transposed: [[2, 1], [0, 4]] x = [4, 8] → x₂ = 2, x₁ = (4 − 2)/2 = 1.
        let b = Tensor::from_vec(vec![4.0, 8.0], &[2, 1]);
        let x = la::triangular_solve(&a, &b, true, true).expect("solve");
        assert_eq!(x.to_vec(), vec![1.0, 2.0]);
    }

    #[test]
    fn zero_diagonal_is_a_data_error() {
        let a = Tensor::from_vec(vec![1.0, 0.0, 1.0, 0.0], &[2, 2]);
        let b = Tensor::from_vec(vec![1.0, 1.0], &[2, 1]);
        let e = la::triangular_solve(&a, &b, true, false).expect_err("singular");
        assert!(e.to_string().contains("singular"), "{e}");
    }
}
