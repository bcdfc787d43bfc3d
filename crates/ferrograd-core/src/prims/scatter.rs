//! `scatter { dims }`: a copy of `x` with `updates` written at `idx`; with repeated indices
//! the last update in row-major order wins (JAX leaves the winner unspecified; here it is
//! deterministic, and the derivative matches it). Linear in `(x, updates)` jointly.

use ferrograd_array::kernels::{self, GatherDims, ScatterMode};
use ferrograd_array::{Array, DType};
use smallvec::smallvec;

use super::gather::batched_dims;
use super::scatter_add::{scatter_shape, scatter_tangents};
use crate::{lax, Aval, BatchDim, LinearArg, Outs, Primitive, Result, Tangent, Tensor};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Scatter {
    pub dims: GatherDims,
}

/// A bool mask shaped like `idx`: true where that update is the one that lands (the last
/// writer of its location). Written with the primitives themselves: scatter each update's
/// position number, gather back what landed, and compare.
fn winners(dims: GatherDims, x_shape: &[usize], idx: &Tensor) -> Result<Tensor> {
    let ishape = idx.shape().to_vec();
    let j: usize = ishape[dims.batch..].iter().product();
    let outer: usize = ishape[..dims.batch].iter().product();
    let ids: Vec<i64> = (0..outer).flat_map(|_| 0..j as i64).collect();
    let ids = Tensor::from_array(Array::from_vec(&ishape, ids)?);
    let mut slots = x_shape[..dims.batch].to_vec();
    slots.push(x_shape[dims.axis]);
    let flat = GatherDims {
        axis: dims.batch,
        batch: dims.batch,
    };
    let init = Tensor::full_dtype(&slots, -1.0, DType::I64);
    let landed = lax::gather(&lax::scatter(&init, idx, &ids, flat)?, idx, flat)?;
    lax::eq(&landed, &ids)
}

impl Primitive for Scatter {
    fn name(&self) -> &'static str {
        "scatter"
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        scatter_shape("scatter", self.dims, x)
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        Ok(smallvec![kernels::scatter(
            x[0],
            x[1],
            x[2],
            self.dims,
            ScatterMode::Set,
        )?])
    }

    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let y = lax::scatter(&x[0], &x[1], &x[2], self.dims)?;
        let t = scatter_tangents(x, x_dot)
            .map(|(tx, tu)| lax::scatter(&tx, &x[1], &tu, self.dims))
            .transpose()?;
        Ok((smallvec![y], smallvec![t]))
    }

    // out = (1 - touched)·x + W·u with W picking each location's last writer, so
    // ct_x = ct with the written locations zeroed and ct_u = gather(ct) where the update won.
    fn transpose(&self, ct: &[Tensor], x: &[LinearArg]) -> Result<Outs<Option<Tensor>>> {
        let idx = x[1].constant("scatter")?;
        let u_aval = x[2].aval();
        let ct_x = match x[0].is_undef() {
            true => Some(lax::scatter(
                &ct[0],
                idx,
                &Tensor::zeros_aval(&u_aval),
                self.dims,
            )?),
            false => None,
        };
        let ct_u = match x[2].is_undef() {
            false => None,
            true => {
                let won = winners(self.dims, &x[0].aval().shape, idx)?;
                let n_idx = idx.ndim() - self.dims.batch;
                let bdims: Vec<usize> = (0..self.dims.batch)
                    .chain(self.dims.axis..self.dims.axis + n_idx)
                    .collect();
                let won = lax::broadcast_in_dim(&won, &u_aval.shape, &bdims)?;
                let g = lax::gather(&ct[0], idx, self.dims)?;
                Some(lax::select(&won, &g, &lax::zeros_like(&g))?)
            }
        };
        Ok(smallvec![ct_x, None, ct_u])
    }

    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        let a = lax::all_batch_to_front(x, dims)?;
        let y = lax::scatter(&a[0], &a[1], &a[2], batched_dims(self.dims))?;
        Ok((smallvec![y], smallvec![Some(0)]))
    }
}
