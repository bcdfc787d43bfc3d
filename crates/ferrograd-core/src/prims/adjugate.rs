//! `adjugate { order }`: `adj(A)`, the transposed cofactor matrix (`adj(A) A = det(A) I`), of
//! each matrix when `order` is 0, and its derivatives `Dᵏ adj(A)[X₁, …, Xₖ]` (`k = order`, the
//! directions `Xᵣ` further inputs shaped like `A`) otherwise. Computed from the SVD without any
//! division, so finite and exact at singular matrices of every rank, where `det(A) A⁻¹` is
//! 0·∞ and the textbook `d adj = (tr(adj dA) adj − adj dA adj) / det(A)` is 0/0 (the kernel's
//! module comment has the formula). It is the derivative of `det`; the family closes under
//! differentiation, so `det` has exact derivatives of every order everywhere.

use ferrograd_array::{kernels, Array};
use smallvec::{smallvec, SmallVec};

use crate::lax::{self, linalg as la};
use crate::{Aval, BatchDim, Error, LinearArg, Outs, Primitive, Result, Tangent, Tensor};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Adjugate {
    /// The derivative's order `k`; the primitive takes `1 + k` inputs, `A` then `X₁ … Xₖ`.
    pub order: usize,
}

impl Primitive for Adjugate {
    fn name(&self) -> &'static str {
        "adjugate"
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        la::square_dims("adjugate", &x[0])?;
        if x.len() != 1 + self.order {
            return Err(Error::CountMismatch {
                op: "adjugate",
                got: x.len(),
                what: "inputs",
                expected: 1 + self.order,
                of: "needed at this order",
                fix: "the adjugate of order k takes the matrix and k directions",
            });
        }
        for d in &x[1..] {
            lax::require_same_dtype("adjugate", &x[0], d)?;
            if d.shape != x[0].shape {
                return Err(ferrograd_array::Error::ShapeMismatch {
                    op: "adjugate",
                    lhs: x[0].shape.to_vec(),
                    rhs: d.shape.to_vec(),
                    hint: "the directions of the adjugate's derivative are shaped like the matrix",
                }
                .into());
            }
        }
        Ok(smallvec![x[0].clone()])
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        Ok(smallvec![kernels::decomp::adjugate(x[0], &x[1..])?])
    }

    // Dᵏ adj is symmetric and k-linear in the Xᵣ, so
    // d(Dᵏ adj(A)[X…]) = Dᵏ⁺¹ adj(A)[X…, dA] + Σᵣ Dᵏ adj(A)[…, dXᵣ, …],
    // the first term zero once k + 1 ≥ n (adj is a polynomial of degree n − 1).
    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let y = lax::bind1(self, x)?;
        let n = x[0].shape()[x[0].ndim() - 1];
        let mut y_dot: Tangent = None;
        if let Some(a_dot) = &x_dot[0] {
            if self.order + 1 < n {
                let mut args = x.to_vec();
                args.push(a_dot.clone());
                let next = Adjugate {
                    order: self.order + 1,
                };
                y_dot = Some(lax::bind1(&next, &args)?);
            }
        }
        for (r, x_dot) in x_dot.iter().enumerate().skip(1) {
            if let Some(d) = x_dot {
                let mut args = x.to_vec();
                args[r] = d.clone();
                let t = lax::bind1(self, &args)?;
                y_dot = lax::add_tangents(y_dot, Some(t))?;
            }
        }
        Ok((smallvec![y], smallvec![y_dot]))
    }

    // Linear in each direction. ⟨C, adj(A)⟩ = D det(A)[Cᵀ], so
    // ⟨C, Dᵏ adj(A)[X…, Xᵣ]⟩ = Dᵏ⁺¹ det(A)[Cᵀ, X…, Xᵣ] = ⟨Dᵏ adj(A)[X…, Cᵀ]ᵀ, Xᵣ⟩ by the
    // symmetry of derivatives: the cotangent of Xᵣ is Dᵏ adj(A)[the other X…, Cᵀ]ᵀ.
    fn transpose(&self, ct: &[Tensor], x: &[LinearArg]) -> Result<Outs<Option<Tensor>>> {
        let a = x[0].constant("adjugate")?;
        let undef: SmallVec<[usize; 2]> = (1..x.len()).filter(|&r| x[r].is_undef()).collect();
        let [r] = undef[..] else {
            return Err(Error::NotLinear { prim: "adjugate" });
        };
        let mut args = vec![a.clone()];
        for (q, arg) in x.iter().enumerate().skip(1) {
            if q != r {
                args.push(arg.constant("adjugate")?.clone());
            }
        }
        args.push(la::mt(&ct[0])?);
        let g = la::mt(&lax::bind1(self, &args)?)?;
        let mut out: Outs<Option<Tensor>> = smallvec![None; x.len()];
        out[r] = Some(g);
        Ok(out)
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

    #[test]
    fn derivative_at_a_rank_one_3x3_matrix() {
        // A = u vᵀ has rank 1 (n − 2): adj(A) = 0, but for X = I,
        // d adj(A + tI)/dt at 0 = tr(A) I − A (the t¹ term of adj(A + tI) = t² I + t (tr A · I − A)
        // + adj(A), from adj(A + tI) = det(A + tI)(A + tI)⁻¹ for a rank-one A).
        let (u, v) = ([1.0, 2.0, -1.0], [0.5, 1.0, 3.0]);
        let a: Vec<f64> = (0..9).map(|k| u[k / 3] * v[k % 3]).collect();
        let eye: Vec<f64> = (0..9).map(|k| f64::from(u8::from(k % 4 == 0))).collect();
        let (a_t, eye_t) = (
            Tensor::from_vec(a.clone(), &[3, 3]),
            Tensor::from_vec(eye.clone(), &[3, 3]),
        );
        let got = la::adjugate_derivative(&a_t, &[eye_t])
            .expect("d adj")
            .to_vec();
        let tr = a[0] + a[4] + a[8];
        for k in 0..9 {
            let want = tr * eye[k] - a[k];
            assert!((got[k] - want).abs() < 1e-13, "{got:?}");
        }
    }
}
