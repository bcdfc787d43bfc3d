//! `gather { dims }`: `out[b,p,j,q] = x[b,p,idx[b,j],q]` along one axis, with leading batch
//! axes shared by operand and indices (layout in `ferrograd_array::kernels::indexing`).
//! Linear in the operand; its transpose is `scatter_add` (and vice versa).

use ferrograd_array::kernels::{self, GatherDims};
use ferrograd_array::{Array, DType};
use smallvec::smallvec;

use crate::{lax, Aval, BatchDim, Error, LinearArg, Outs, Primitive, Result, Tangent, Tensor};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Gather {
    pub dims: GatherDims,
}

/// Checks that `idx` holds int64 indices (shared by the gather/scatter family).
pub(crate) fn require_indices(op: &'static str, idx: &Aval) -> Result<()> {
    if idx.dtype != DType::I64 {
        return Err(Error::dtype(
            op,
            "int64 indices (convert with astype(DType::I64))",
            idx.dtype,
        ));
    }
    Ok(())
}

/// The batch rule shared by the family: every argument batched at the front, and one more
/// shared leading axis.
pub(crate) fn batched_dims(dims: GatherDims) -> GatherDims {
    GatherDims {
        axis: dims.axis + 1,
        batch: dims.batch + 1,
    }
}

impl Primitive for Gather {
    fn name(&self) -> &'static str {
        "gather"
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        require_indices("gather", &x[1])?;
        let shape = self.dims.out_shape("gather", &x[0].shape, &x[1].shape)?;
        Ok(smallvec![Aval::new(&shape, x[0].dtype)])
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        Ok(smallvec![kernels::gather(x[0], x[1], self.dims)?])
    }

    // Linear in x: the tangent is gathered at the same indices.
    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let t = x_dot[0]
            .as_ref()
            .map(|t| lax::gather(t, &x[1], self.dims))
            .transpose()?;
        Ok((
            smallvec![lax::gather(&x[0], &x[1], self.dims)?],
            smallvec![t],
        ))
    }

    // Each gathered element's cotangent goes back to where it was read; repeats add up.
    fn transpose(&self, ct: &[Tensor], x: &[LinearArg]) -> Result<Outs<Option<Tensor>>> {
        let idx = x[1].constant("gather")?;
        let zeros = Tensor::zeros_aval(&x[0].aval());
        let ct_x = lax::scatter_add(&zeros, idx, &ct[0], self.dims)?;
        Ok(smallvec![Some(ct_x), None])
    }

    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        let args = lax::all_batch_to_front(x, dims)?;
        let y = lax::gather(&args[0], &args[1], batched_dims(self.dims))?;
        Ok((smallvec![y], smallvec![Some(0)]))
    }
}
