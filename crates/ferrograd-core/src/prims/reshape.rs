//! `reshape { shape }`: the same elements in row-major order with a new shape.

use ferrograd_array::{kernels, Array};
use smallvec::smallvec;

use crate::fusion::{ArgInfo, Rewrite};
use crate::PrimitiveClone;
use crate::{lax, Aval, BatchDim, Error, LinearArg, Outs, Primitive, Result, Tangent, Tensor};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reshape {
    pub shape: Vec<usize>,
}

impl Primitive for Reshape {
    fn name(&self) -> &'static str {
        "reshape"
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        if x[0].size() != self.shape.iter().product::<usize>() {
            return Err(Error::invalid(
                "reshape",
                format!(
                    "cannot reshape an array of shape {:?} ({} elements) into {:?}: the number of elements differs",
                    x[0].shape,
                    x[0].size(),
                    self.shape
                ),
            ));
        }
        Ok(smallvec![Aval::new(&self.shape, x[0].dtype)])
    }

    // A reshape to the same shape is nothing; a reshape of a reshape is one reshape.
    fn simplify(&self, args: &[ArgInfo<'_>]) -> Option<Rewrite> {
        if args[0].aval.shape.as_slice() == self.shape.as_slice() {
            return Some(Rewrite::Atom(args[0].atom.clone()));
        }
        let (p, a) = args[0].producer?;
        p.as_any().downcast_ref::<Reshape>()?;
        Some(Rewrite::Apply(self.to_ref(), vec![a[0].clone()]))
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        Ok(smallvec![kernels::reshape(x[0], &self.shape)?])
    }

    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let t = x_dot[0]
            .as_ref()
            .map(|t| lax::reshape(t, &self.shape))
            .transpose()?;
        Ok((smallvec![lax::reshape(&x[0], &self.shape)?], smallvec![t]))
    }

    fn transpose(&self, ct: &[Tensor], x: &[LinearArg]) -> Result<Outs<Option<Tensor>>> {
        Ok(smallvec![Some(lax::reshape(&ct[0], &x[0].aval().shape)?)])
    }

    // A batch axis at `d` of [pre.., B, post..] stays where it is when the new shape starts
    // with axes holding exactly the `pre` elements: [new[..k], B, new[k..]] is the same
    // row-major order (the prefix and the suffix are reshaped separately), so no transpose
    // and no copy. Otherwise the batch axis moves to the front first.
    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        let d =
            dims[0].ok_or_else(|| Error::invalid("reshape", "batch rule without a batch axis"))?;
        let (pre, b): (usize, usize) = (x[0].shape()[..d].iter().product(), x[0].shape()[d]);
        let mut prefix = 1;
        let k = (0..=self.shape.len()).find(|&k| {
            if k > 0 {
                prefix *= self.shape[k - 1];
            }
            prefix == pre
        });
        let (x0, k) = match k {
            Some(k) if pre > 0 => (x[0].clone(), k),
            _ => (lax::move_batch_to_front(&x[0], dims[0])?, 0),
        };
        let mut shape = self.shape.clone();
        shape.insert(k, b);
        Ok((smallvec![lax::reshape(&x0, &shape)?], smallvec![Some(k)]))
    }
}
