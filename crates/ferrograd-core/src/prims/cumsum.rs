//! `cumsum { axis, reverse }`: running sum along an axis (from the end when `reverse`).
//! Linear; its transpose is the running sum in the other direction.

use ferrograd_array::{kernels, Array};
use smallvec::smallvec;

use crate::{lax, Aval, BatchDim, Error, LinearArg, Outs, Primitive, Result, Tangent, Tensor};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Cumsum {
    pub axis: usize,
    pub reverse: bool,
}

impl Primitive for Cumsum {
    fn name(&self) -> &'static str {
        "cumsum"
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        if self.axis >= x[0].shape.len() {
            return Err(Error::axis_out_of_range(
                "cumsum",
                self.axis as i64,
                x[0].shape.len(),
            ));
        }
        if x[0].dtype == ferrograd_array::DType::Bool {
            return Err(Error::dtype(
                "cumsum",
                "a numeric array (convert bools with astype)",
                x[0].dtype,
            ));
        }
        Ok(smallvec![x[0].clone()])
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        Ok(smallvec![kernels::cumsum(x[0], self.axis, self.reverse)?])
    }

    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let t = x_dot[0]
            .as_ref()
            .map(|t| lax::bind1(self, std::slice::from_ref(t)))
            .transpose()?;
        Ok((smallvec![lax::bind1(self, &x[..1])?], smallvec![t]))
    }

    // y_k = Σ_{i≤k} x_i, so x̄_i = Σ_{k≥i} ȳ_k: the reversed running sum.
    fn transpose(&self, ct: &[Tensor], _x: &[LinearArg]) -> Result<Outs<Option<Tensor>>> {
        let p = Cumsum {
            axis: self.axis,
            reverse: !self.reverse,
        };
        Ok(smallvec![Some(lax::bind1(&p, &ct[..1])?)])
    }

    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        let x0 = lax::move_batch_to_front(&x[0], dims[0])?;
        let p = Cumsum {
            axis: self.axis + 1,
            reverse: self.reverse,
        };
        Ok((smallvec![lax::bind1(&p, &[x0])?], smallvec![Some(0)]))
    }
}
