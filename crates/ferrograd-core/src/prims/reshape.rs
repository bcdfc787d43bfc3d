//! `reshape { shape }`: the same elements in row-major order with a new shape.

use ferrograd_array::{kernels, Array};

use crate::{lax, Aval, BatchDim, Error, LinearArg, Primitive, Result, Tangent, Tensor};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reshape {
    pub shape: Vec<usize>,
}

impl Primitive for Reshape {
    fn name(&self) -> &'static str {
        "reshape"
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Vec<Aval>> {
        if x[0].size() != self.shape.iter().product::<usize>() {
            return Err(Error::invalid(
                "reshape",
                format!(
                    "cannot reshape {:?} ({} elements) into {:?}",
                    x[0].shape,
                    x[0].size(),
                    self.shape
                ),
            ));
        }
        Ok(vec![Aval::new(&self.shape, x[0].dtype)])
    }

    fn eval(&self, x: &[&Array]) -> Result<Vec<Array>> {
        Ok(vec![kernels::reshape(x[0], &self.shape)?])
    }

    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Vec<Tensor>, Vec<Tangent>)> {
        let t = x_dot[0]
            .as_ref()
            .map(|t| lax::reshape(t, &self.shape))
            .transpose()?;
        Ok((vec![lax::reshape(&x[0], &self.shape)?], vec![t]))
    }

    fn transpose(&self, ct: &[Tensor], x: &[LinearArg]) -> Result<Vec<Option<Tensor>>> {
        Ok(vec![Some(lax::reshape(&ct[0], &x[0].aval().shape)?)])
    }

    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Vec<Tensor>, Vec<BatchDim>)> {
        let x0 = lax::move_batch_to_front(&x[0], dims[0])?;
        let mut shape = vec![x0.shape()[0]];
        shape.extend(&self.shape);
        Ok((vec![lax::reshape(&x0, &shape)?], vec![Some(0)]))
    }
}
