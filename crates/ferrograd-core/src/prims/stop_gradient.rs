//! `stop_gradient`: the identity, but no derivative flows through it.

use ferrograd_array::Array;

use crate::{lax, Aval, BatchDim, Primitive, Result, Tangent, Tensor};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct StopGradient;

impl Primitive for StopGradient {
    fn name(&self) -> &'static str {
        "stop_gradient"
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Vec<Aval>> {
        Ok(vec![x[0].clone()])
    }

    fn eval(&self, x: &[&Array]) -> Result<Vec<Array>> {
        Ok(vec![x[0].clone()])
    }

    // The output is treated as a constant: its tangent is zero.
    fn jvp(&self, x: &[Tensor], _x_dot: &[Tangent]) -> Result<(Vec<Tensor>, Vec<Tangent>)> {
        Ok((vec![lax::stop_gradient(&x[0])?], vec![None]))
    }

    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Vec<Tensor>, Vec<BatchDim>)> {
        Ok((vec![lax::stop_gradient(&x[0])?], vec![dims[0]]))
    }
}
