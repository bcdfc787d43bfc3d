//! `slice { start, limit, stride }`: `x[start:limit:stride]` on every axis (zero-copy).

use ferrograd_array::{kernels, Array};
use smallvec::smallvec;

use crate::{lax, Aval, BatchDim, Error, LinearArg, Outs, Primitive, Result, Tangent, Tensor};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slice {
    pub start: Vec<usize>,
    pub limit: Vec<usize>,
    /// Each ≥ 1.
    pub stride: Vec<usize>,
}

impl Slice {
    fn out_shape(&self) -> Vec<usize> {
        (0..self.start.len())
            .map(|i| (self.limit[i] - self.start[i]).div_ceil(self.stride[i]))
            .collect()
    }
}

impl Primitive for Slice {
    fn name(&self) -> &'static str {
        "slice"
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        let s = &x[0].shape;
        let n = s.len();
        let ok = self.start.len() == n
            && self.limit.len() == n
            && self.stride.len() == n
            && (0..n).all(|i| {
                self.start[i] <= self.limit[i] && self.limit[i] <= s[i] && self.stride[i] >= 1
            });
        if !ok {
            return Err(Error::invalid(
                "slice",
                format!(
                    "start {:?}, limit {:?}, stride {:?} do not fit shape {s:?}",
                    self.start, self.limit, self.stride
                ),
            ));
        }
        Ok(smallvec![Aval::new(&self.out_shape(), x[0].dtype)])
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        Ok(smallvec![kernels::slice(
            x[0],
            &self.start,
            &self.limit,
            &self.stride,
        )?])
    }

    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let t = x_dot[0]
            .as_ref()
            .map(|t| lax::bind1(self, std::slice::from_ref(t)))
            .transpose()?;
        Ok((smallvec![lax::bind1(self, &x[..1])?], smallvec![t]))
    }

    // Transpose: scatter back by padding with zeros (strides become interior padding).
    fn transpose(&self, ct: &[Tensor], x: &[LinearArg]) -> Result<Outs<Option<Tensor>>> {
        let in_shape = x[0].aval().shape;
        let out = self.out_shape();
        let interior: Vec<usize> = self.stride.iter().map(|s| s - 1).collect();
        let hi: Vec<usize> = (0..out.len())
            .map(|i| {
                let used = if out[i] == 0 {
                    0
                } else {
                    (out[i] - 1) * self.stride[i] + 1
                };
                in_shape[i] - self.start[i] - used
            })
            .collect();
        Ok(smallvec![Some(lax::pad(
            &ct[0],
            &self.start,
            &hi,
            &interior,
            0.0,
        )?)])
    }

    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        let x0 = lax::move_batch_to_front(&x[0], dims[0])?;
        let p = Slice {
            start: [0].into_iter().chain(self.start.iter().copied()).collect(),
            limit: [x0.shape()[0]]
                .into_iter()
                .chain(self.limit.iter().copied())
                .collect(),
            stride: [1].into_iter().chain(self.stride.iter().copied()).collect(),
        };
        Ok((smallvec![lax::bind1(&p, &[x0])?], smallvec![Some(0)]))
    }
}
