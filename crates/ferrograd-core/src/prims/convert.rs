//! `convert_element_type { dtype }`: NumPy's astype. Linear between float dtypes; a tangent
//! does not survive conversion to an integer or bool dtype.

use ferrograd_array::{kernels, Array, DType};
use smallvec::smallvec;

use crate::{lax, Aval, BatchDim, LinearArg, Outs, Primitive, Result, Tangent, Tensor};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ConvertElementType {
    pub dtype: DType,
}

impl Primitive for ConvertElementType {
    fn name(&self) -> &'static str {
        "convert_element_type"
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        Ok(smallvec![Aval {
            dtype: self.dtype,
            ..x[0].clone()
        }])
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        Ok(smallvec![kernels::convert(x[0], self.dtype)?])
    }

    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let t = match &x_dot[0] {
            Some(t) if self.dtype.is_float() => Some(lax::convert(t, self.dtype)?),
            _ => None,
        };
        Ok((smallvec![lax::convert(&x[0], self.dtype)?], smallvec![t]))
    }

    fn transpose(&self, ct: &[Tensor], x: &[LinearArg]) -> Result<Outs<Option<Tensor>>> {
        Ok(smallvec![Some(lax::convert(&ct[0], x[0].aval().dtype)?)])
    }

    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        Ok((
            smallvec![lax::convert(&x[0], self.dtype)?],
            smallvec![dims[0]],
        ))
    }
}
