//! `broadcast_in_dim { shape, dims }`: input axis i becomes output axis `dims[i]` (each of
//! size 1 or equal); the other output axes are new. A zero-copy view. NumPy broadcasting is
//! built on it, so its transpose is the one "unbroadcast" of reverse mode.

use ferrograd_array::Array;
use smallvec::smallvec;

use crate::fusion::{ArgInfo, Rewrite};
use crate::PrimitiveClone;
use crate::{lax, Aval, BatchDim, Error, LinearArg, Outs, Primitive, Result, Tangent, Tensor};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BroadcastInDim {
    pub shape: Vec<usize>,
    /// Strictly increasing; one per input axis.
    pub dims: Vec<usize>,
}

impl Primitive for BroadcastInDim {
    fn name(&self) -> &'static str {
        "broadcast_in_dim"
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        let s = &x[0].shape;
        let ok = self.dims.len() == s.len()
            && self.dims.windows(2).all(|w| w[0] < w[1])
            && self
                .dims
                .iter()
                .zip(s)
                .all(|(&d, &n)| d < self.shape.len() && (n == 1 || n == self.shape[d]));
        if !ok {
            return Err(Error::invalid(
                "broadcast_in_dim",
                format!(
                    "cannot broadcast shape {s:?} to {:?} with dims {:?}",
                    self.shape, self.dims
                ),
            ));
        }
        Ok(smallvec![Aval::new(&self.shape, x[0].dtype)])
    }

    // A broadcast to the same shape is nothing; a broadcast of a broadcast is one broadcast.
    fn simplify(&self, args: &[ArgInfo<'_>]) -> Option<Rewrite> {
        if args[0].aval.shape.as_slice() == self.shape.as_slice() {
            return Some(Rewrite::Atom(args[0].atom.clone()));
        }
        let (p, a) = args[0].producer?;
        let inner = p.as_any().downcast_ref::<BroadcastInDim>()?;
        // Axis j of the original is axis inner.dims[j] of the inner result, then axis
        // dims[inner.dims[j]] of this one.
        let dims = inner.dims.iter().map(|&d| self.dims[d]).collect();
        let composed = BroadcastInDim {
            shape: self.shape.clone(),
            dims,
        };
        Some(Rewrite::Apply(composed.to_ref(), vec![a[0].clone()]))
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        Ok(smallvec![x[0].broadcast_in_dim(&self.shape, &self.dims)?])
    }

    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let t = x_dot[0]
            .as_ref()
            .map(|t| lax::broadcast_in_dim(t, &self.shape, &self.dims))
            .transpose()?;
        Ok((
            smallvec![lax::broadcast_in_dim(&x[0], &self.shape, &self.dims)?],
            smallvec![t],
        ))
    }

    // Sum over the new axes and over the axes stretched from 1, then restore the input shape.
    fn transpose(&self, ct: &[Tensor], x: &[LinearArg]) -> Result<Outs<Option<Tensor>>> {
        let in_shape = x[0].aval().shape;
        let mut axes: Vec<usize> = (0..self.shape.len())
            .filter(|a| !self.dims.contains(a))
            .collect();
        axes.extend(
            self.dims
                .iter()
                .zip(&in_shape)
                .filter(|(&d, &n)| n == 1 && self.shape[d] != 1)
                .map(|(&d, _)| d),
        );
        axes.sort_unstable();
        let summed = lax::reduce_sum(&ct[0], &axes)?;
        Ok(smallvec![Some(lax::reshape(&summed, &in_shape)?)])
    }

    // The batch axis goes first and stays unbroadcast.
    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        let x0 = lax::move_batch_to_front(&x[0], dims[0])?;
        let mut shape = vec![x0.shape()[0]];
        shape.extend(&self.shape);
        let mut bdims = vec![0];
        bdims.extend(self.dims.iter().map(|d| d + 1));
        Ok((
            smallvec![lax::broadcast_in_dim(&x0, &shape, &bdims)?],
            smallvec![Some(0)],
        ))
    }
}
