//! `svd_full`: the full SVD of each matrix (NumPy's `full_matrices=True`), `A = U Σ Vᵀ` with
//! `U` `[..., m, m]` and `Vᵀ` `[..., n, n]` orthogonal and `s` `[..., k]`, `k = min(m, n)`.
//!
//! Differentiable only for square matrices, where it is the thin [`Svd`](super::Svd) (same
//! values, same rule). Otherwise the last `m - k` columns of `U` (or `n - k` rows of `Vᵀ`) are
//! an arbitrary orthonormal basis of a complement: any rotation of them is as valid, so they
//! have no derivative, and the jvp refuses with an error naming the thin SVD as the fix (as JAX
//! does for `full_matrices=True`).

use ferrograd_array::{kernels, Array};
use smallvec::smallvec;

use crate::lax::linalg as la;
use crate::{Aval, BatchDim, Error, Outs, Primitive, Result, Tangent, Tensor};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SvdFull;

impl Primitive for SvdFull {
    fn name(&self) -> &'static str {
        "svd_full"
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        let (batch, m, n) = la::matrix_dims("svd_full", &x[0])?;
        let b = batch.len();
        Ok(smallvec![
            la::with_tail(&x[0], b, &[m, m]),
            la::with_tail(&x[0], b, &[m.min(n)]),
            la::with_tail(&x[0], b, &[n, n]),
        ])
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        let (u, s, vt) = kernels::decomp::svd_full(x[0])?;
        Ok(smallvec![u, s, vt])
    }

    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let sh = x[0].shape();
        let (m, n) = (sh[sh.len() - 2], sh[sh.len() - 1]);
        if m == n {
            return super::Svd.jvp(x, x_dot);
        }
        if x_dot[0].is_none() {
            let (u, s, vt) = la::svd_full(&x[0])?;
            return Ok((smallvec![u, s, vt], smallvec![None, None, None]));
        }
        Err(Error::NotDifferentiable {
            op: "svd_full",
            msg: format!(
                "the full SVD of a non-square matrix (shape {sh:?}) has no derivative: the \
                 extra columns of U (or rows of Vᵀ) are an arbitrary basis of the complement; \
                 differentiate the thin SVD (linalg::svd) instead, or pass square matrices"
            ),
        })
    }

    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        la::batch_leading(self, x, dims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tall_factors_are_orthogonal_and_extend_the_thin_ones() {
        let a = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 7.0], &[3, 2]);
        let (u, s, vt) = la::svd_full(&a).expect("svd");
        assert_eq!(
            (u.shape(), s.shape(), vt.shape()),
            (&[3, 3][..], &[2][..], &[2, 2][..])
        );
        let (ut, st, _) = la::svd(&a).expect("svd");
        let (u, ut) = (u.to_vec(), ut.to_vec());
        for i in 0..3 {
            for j in 0..2 {
                assert!((u[i * 3 + j] - ut[i * 2 + j]).abs() < 1e-13);
            }
        }
        assert_eq!(s.to_vec(), st.to_vec());
    }
}
