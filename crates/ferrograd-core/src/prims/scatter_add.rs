//! `scatter_add { dims }`: a copy of `x` with `updates` added at `idx` (repeated indices add
//! up). Linear in `(x, updates)` jointly; the transpose of `gather`.

use ferrograd_array::kernels::{self, GatherDims, ScatterMode};
use ferrograd_array::Array;
use smallvec::smallvec;

use super::gather::{batched_dims, require_indices};
use crate::{lax, Aval, BatchDim, Error, LinearArg, Outs, Primitive, Result, Tangent, Tensor};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ScatterAdd {
    pub dims: GatherDims,
}

/// Shape rule shared by `scatter` and `scatter_add`: updates shaped like the gathered array.
pub(crate) fn scatter_shape(op: &'static str, dims: GatherDims, x: &[Aval]) -> Result<Outs<Aval>> {
    require_indices(op, &x[1])?;
    let want = dims.out_shape(op, &x[0].shape, &x[1].shape)?;
    if x[2].shape.as_slice() != want.as_slice() {
        return Err(Error::invalid(
            op,
            format!(
                "updates have shape {:?}, but indices {:?} into axis {} of {:?} need {want:?}",
                &x[2].shape[..],
                &x[1].shape[..],
                dims.axis,
                &x[0].shape[..]
            ),
        ));
    }
    lax::require_same_dtype(op, &x[0], &x[2])?;
    Ok(smallvec![x[0].clone()])
}

/// Tangents of a scatter: both zero is zero; otherwise the missing one is a zero constant.
pub(crate) fn scatter_tangents(x: &[Tensor], x_dot: &[Tangent]) -> Option<(Tensor, Tensor)> {
    if x_dot[0].is_none() && x_dot[2].is_none() {
        return None;
    }
    let or_zero = |t: &Tangent, p: &Tensor| t.clone().unwrap_or_else(|| lax::zeros_like(p));
    Some((or_zero(&x_dot[0], &x[0]), or_zero(&x_dot[2], &x[2])))
}

impl Primitive for ScatterAdd {
    fn name(&self) -> &'static str {
        "scatter_add"
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        scatter_shape("scatter_add", self.dims, x)
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        Ok(smallvec![kernels::scatter(
            x[0],
            x[1],
            x[2],
            self.dims,
            ScatterMode::Add,
        )?])
    }

    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let y = lax::scatter_add(&x[0], &x[1], &x[2], self.dims)?;
        let t = scatter_tangents(x, x_dot)
            .map(|(tx, tu)| lax::scatter_add(&tx, &x[1], &tu, self.dims))
            .transpose()?;
        Ok((smallvec![y], smallvec![t]))
    }

    // d out = d x + S d u, so ct_x = ct and ct_u = Sᵀ ct = gather(ct).
    fn transpose(&self, ct: &[Tensor], x: &[LinearArg]) -> Result<Outs<Option<Tensor>>> {
        let idx = x[1].constant("scatter_add")?;
        let ct_x = x[0].is_undef().then(|| ct[0].clone());
        let ct_u = x[2]
            .is_undef()
            .then(|| lax::gather(&ct[0], idx, self.dims))
            .transpose()?;
        Ok(smallvec![ct_x, None, ct_u])
    }

    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        let a = lax::all_batch_to_front(x, dims)?;
        let y = lax::scatter_add(&a[0], &a[1], &a[2], batched_dims(self.dims))?;
        Ok((smallvec![y], smallvec![Some(0)]))
    }
}
