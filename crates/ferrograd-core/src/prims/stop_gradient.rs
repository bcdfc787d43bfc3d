//! `stop_gradient`: the identity, but no derivative flows through it.

use ferrograd_array::Array;
use smallvec::smallvec;

use crate::{lax, Aval, BatchDim, Outs, Primitive, Result, Tangent, Tensor};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct StopGradient;

impl Primitive for StopGradient {
    fn name(&self) -> &'static str {
        "stop_gradient"
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        Ok(smallvec![x[0].clone()])
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        Ok(smallvec![x[0].clone()])
    }

    // The output is treated as a constant: its tangent is zero.
    fn jvp(&self, x: &[Tensor], _x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        Ok((smallvec![lax::stop_gradient(&x[0])?], smallvec![None]))
    }

    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        Ok((smallvec![lax::stop_gradient(&x[0])?], smallvec![dims[0]]))
    }
}
