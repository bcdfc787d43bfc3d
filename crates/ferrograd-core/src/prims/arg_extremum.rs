//! `argmax { axis }` / `argmin { axis }`: int64 index of the first extremum along an axis.

use ferrograd_array::{kernels, Array, DType};
use smallvec::smallvec;

use crate::{lax, Aval, BatchDim, Outs, Primitive, Result, Tangent, Tensor};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ArgExtremum {
    pub axis: usize,
    /// `true` for argmax, `false` for argmin.
    pub max: bool,
}

impl Primitive for ArgExtremum {
    fn name(&self) -> &'static str {
        if self.max {
            "argmax"
        } else {
            "argmin"
        }
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        let a = lax::reduced_aval(self.name(), &x[0], &[self.axis])?;
        Ok(smallvec![Aval {
            dtype: DType::I64,
            ..a
        }])
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        Ok(smallvec![kernels::arg_extremum(x[0], self.axis, self.max)?])
    }

    // An integer output carries no tangent.
    fn jvp(&self, x: &[Tensor], _x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        Ok((smallvec![lax::bind1(self, x)?], smallvec![None]))
    }

    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        let x0 = lax::move_batch_to_front(&x[0], dims[0])?;
        let p = ArgExtremum {
            axis: self.axis + 1,
            max: self.max,
        };
        Ok((smallvec![lax::bind1(&p, &[x0])?], smallvec![Some(0)]))
    }
}
