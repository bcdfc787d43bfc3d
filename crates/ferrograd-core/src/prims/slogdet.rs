//! `slogdet`: `(sign, log|det A|)` of each matrix, by LU — the determinant without overflow.
//! A singular matrix gives sign 0 and log -∞ (as NumPy); a matrix holding NaN gives NaN for
//! both.

use ferrograd_array::{kernels, Array};
use smallvec::smallvec;

use crate::lax::{self, linalg as la};
use crate::{Aval, BatchDim, Outs, Primitive, Result, Tangent, Tensor};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Slogdet;

impl Primitive for Slogdet {
    fn name(&self) -> &'static str {
        "slogdet"
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        let (batch, _) = la::square_dims("slogdet", &x[0])?;
        let out = Aval::new(&batch, x[0].dtype);
        Ok(smallvec![out.clone(), out])
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        let (sign, log) = kernels::decomp::slogdet(x[0])?;
        Ok(smallvec![sign, log])
    }

    // The sign is locally constant; d log|det A| = tr(A⁻¹ dA) (Giles 2008, §2.2.4). At a
    // singular A, A⁻¹ = adj(A)/det(A) with det(A) = +0: ±∞ where adj(A) dA is not 0, NaN
    // where it is (JAX's values, e.g. the gradient [[∞, -∞], [-∞, ∞]] at [[1, 2], [2, 4]]),
    // rather than the solve's "singular" error.
    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let (sign, log) = la::slogdet(&x[0])?;
        let log_dot = x_dot[0]
            .as_ref()
            .map(|a_dot| {
                let r = a_dot.ndim();
                lax::reduce_sum(
                    &la::diag_part(&la::lu_solve_or_inf(&x[0], a_dot, false)?)?,
                    &[r - 2],
                )
            })
            .transpose()?;
        Ok((smallvec![sign, log], smallvec![None, log_dot]))
    }

    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        la::batch_leading(self, x, dims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_and_log_of_regular_and_singular() {
        let a = Tensor::from_vec(vec![0.0, 2.0, 3.0, 0.0, 1.0, 2.0, 2.0, 4.0], &[2, 2, 2]);
        let (s, l) = la::slogdet(&a).expect("slogdet");
        assert_eq!(s.to_vec(), vec![-1.0, 0.0]);
        let l = l.to_vec();
        assert!(
            (l[0] - 6f64.ln()).abs() < 1e-15 && l[1] == f64::NEG_INFINITY,
            "{l:?}"
        );
    }

    #[test]
    fn nan_in_gives_nan_sign_and_log() {
        let a = Tensor::from_vec(vec![1.0, f64::NAN, 0.0, 1.0], &[2, 2]);
        let (s, l) = la::slogdet(&a).expect("slogdet");
        assert!(s.to_vec()[0].is_nan() && l.to_vec()[0].is_nan());
    }
}
