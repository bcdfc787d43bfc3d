//! `concatenate { axis }`: joins its inputs along an axis. Linear in every input.

use ferrograd_array::{kernels, Array};
use smallvec::smallvec;

use crate::{lax, Aval, BatchDim, Error, LinearArg, Outs, Primitive, Result, Tangent, Tensor};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Concatenate {
    pub axis: usize,
}

impl Primitive for Concatenate {
    fn name(&self) -> &'static str {
        "concatenate"
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        let first = x.first().ok_or(Error::Empty {
            op: "concatenate",
            what: "array",
        })?;
        let ok = self.axis < first.shape.len()
            && x.iter().all(|a| {
                a.dtype == first.dtype
                    && a.shape.len() == first.shape.len()
                    && (0..a.shape.len()).all(|i| i == self.axis || a.shape[i] == first.shape[i])
            });
        if !ok {
            let shapes: Vec<_> = x.iter().map(|a| (a.shape.to_vec(), a.dtype)).collect();
            return Err(Error::invalid("concatenate", format!("cannot join {shapes:?} along axis {}: dtypes, ranks and the other axes must agree", self.axis)));
        }
        let mut shape = first.shape.to_vec();
        shape[self.axis] = x.iter().map(|a| a.shape[self.axis]).sum();
        Ok(smallvec![Aval::new(&shape, first.dtype)])
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        Ok(smallvec![kernels::concatenate(x, self.axis)?])
    }

    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let ts: Vec<Tensor> = x
            .iter()
            .zip(x_dot)
            .map(|(x, t)| t.clone().unwrap_or_else(|| lax::zeros_like(x)))
            .collect();
        Ok((
            smallvec![lax::concatenate(x, self.axis)?],
            smallvec![Some(lax::concatenate(&ts, self.axis)?)],
        ))
    }

    // Each input's cotangent is its slice of the output cotangent.
    fn transpose(&self, ct: &[Tensor], x: &[LinearArg]) -> Result<Outs<Option<Tensor>>> {
        let shape = ct[0].shape().to_vec();
        let mut offset = 0;
        x.iter()
            .map(|a| {
                let n = a.aval().shape[self.axis];
                let mut start = vec![0; shape.len()];
                let mut limit = shape.clone();
                start[self.axis] = offset;
                limit[self.axis] = offset + n;
                offset += n;
                if a.is_undef() {
                    Ok(Some(lax::slice(
                        &ct[0],
                        &start,
                        &limit,
                        &vec![1; shape.len()],
                    )?))
                } else {
                    Ok(None)
                }
            })
            .collect()
    }

    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        let args = lax::all_batch_to_front(x, dims)?;
        Ok((
            smallvec![lax::concatenate(&args, self.axis + 1)?],
            smallvec![Some(0)],
        ))
    }
}
