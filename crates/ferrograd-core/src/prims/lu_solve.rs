//! `lu_solve { transpose_a, inf_if_singular }`: `X = A⁻¹ B` (or `A⁻ᵀ B`) by LU with partial
//! pivoting; `A` is `[..., n, n]`, `B` `[..., n, k]`. Linear in `B`. (`solve` and `inv` are
//! built on it.) A singular `A` is an error, or with `inf_if_singular` gives
//! `adj(op A) B / (+0)`, `A⁻¹ = adj(A)/det(A)` at `det(A) = +0` (`slogdet`'s derivative).

use ferrograd_array::{kernels, Array};
use smallvec::smallvec;

use crate::lax::{self, linalg as la};
use crate::{Aval, BatchDim, Error, LinearArg, Outs, Primitive, Result, Tangent, Tensor};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LuSolve {
    pub transpose_a: bool,
    /// A singular matrix gives ±∞ and NaN (see the module comment), not an error.
    pub inf_if_singular: bool,
}

impl Primitive for LuSolve {
    fn name(&self) -> &'static str {
        "lu_solve"
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        la::solve_dims("solve", &x[0], &x[1])?;
        Ok(smallvec![x[1].clone()])
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        Ok(smallvec![kernels::decomp::lu_solve(
            x[0],
            x[1],
            self.transpose_a,
            self.inf_if_singular,
        )?])
    }

    // op(A) X = B  ⇒  op(A) dX = dB - op(dA) X (Giles 2008, §2.2.3).
    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let (a, b) = (&x[0], &x[1]);
        let y = lax::bind1(self, &[a.clone(), b.clone()])?;
        let rhs_a = x_dot[0]
            .as_ref()
            .map(|a_dot| {
                let op_a = if self.transpose_a {
                    la::mt(a_dot)?
                } else {
                    a_dot.clone()
                };
                lax::neg(&la::matmul(&op_a, &y)?)
            })
            .transpose()?;
        let rhs = lax::add_tangents(x_dot[1].clone(), rhs_a)?;
        let y_dot = rhs.map(|r| lax::bind1(self, &[a.clone(), r])).transpose()?;
        Ok((smallvec![y], smallvec![y_dot]))
    }

    // Linear in B: the transpose of B ↦ op(A)⁻¹ B is ct ↦ op(A)⁻ᵀ ct.
    fn transpose(&self, ct: &[Tensor], x: &[LinearArg]) -> Result<Outs<Option<Tensor>>> {
        let a = x[0].constant("lu_solve")?;
        if !x[1].is_undef() {
            return Err(Error::NotLinear { prim: "lu_solve" });
        }
        // adj(Aᵀ) = adj(A)ᵀ: the ∞ form transposes the same way.
        let t = LuSolve {
            transpose_a: !self.transpose_a,
            ..*self
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
    fn solves_and_rejects_singular() {
        let a = Tensor::from_vec(vec![0.0, 2.0, 1.0, 1.0], &[2, 2]);
        let b = Tensor::from_vec(vec![4.0, 3.0], &[2, 1]);
        assert_eq!(
            la::lu_solve(&a, &b, false).expect("solve").to_vec(),
            vec![1.0, 2.0]
        );
        // Aᵀ = [[0, 1], [2, 1]]: x = [-0.5, 4] solves Aᵀ x = [4, 3].
        let x = la::lu_solve(&a, &b, true).expect("solve").to_vec();
        assert!(
            (x[0] + 0.5).abs() < 1e-15 && (x[1] - 4.0).abs() < 1e-15,
            "{x:?}"
        );
        let s = Tensor::from_vec(vec![1.0, 2.0, 2.0, 4.0], &[2, 2]);
        let e = la::lu_solve(&s, &b, false).expect_err("singular");
        assert!(e.to_string().contains("singular"), "{e}");
        // adj(s) b / (+0) = [[4, -2], [-2, 1]] [4, 3] / 0 = [10, -5] / 0.
        let x = la::lu_solve_or_inf(&s, &b, false).expect("solve").to_vec();
        assert_eq!(x, vec![f64::INFINITY, f64::NEG_INFINITY]);
        // adj(sᵀ) C / 0 = [[4, -2], [-2, 1]] [[2, 0], [1, 0]] / 0 = [[6, 0], [-3, 0]] / 0: the
        // exact zeros give NaN.
        let c = Tensor::from_vec(vec![2.0, 0.0, 1.0, 0.0], &[2, 2]);
        let x = la::lu_solve_or_inf(&s, &c, true).expect("solve").to_vec();
        assert!(x[0] == f64::INFINITY && x[2] == f64::NEG_INFINITY, "{x:?}");
        assert!(x[1].is_nan() && x[3].is_nan(), "{x:?}");
    }
}
