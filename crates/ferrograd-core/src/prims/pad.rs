//! `pad { lo, hi, interior, value }`: surround each axis with `lo`/`hi` copies of `value` and
//! put `interior` copies between neighbours. Affine in x; linear when `value` is 0 (then its
//! transpose is a strided slice).

use ferrograd_array::{kernels, Array};
use smallvec::smallvec;

use crate::{lax, Aval, BatchDim, Error, LinearArg, Outs, Primitive, Result, Tangent, Tensor};

#[derive(Debug, Clone, PartialEq)]
pub struct Pad {
    pub lo: Vec<usize>,
    pub hi: Vec<usize>,
    pub interior: Vec<usize>,
    pub value: f64,
}

impl Primitive for Pad {
    fn name(&self) -> &'static str {
        "pad"
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        let s = &x[0].shape;
        if self.lo.len() != s.len() || self.hi.len() != s.len() || self.interior.len() != s.len() {
            return Err(Error::invalid(
                "pad",
                format!("needs one (lo, hi, interior) per axis of shape {s:?}"),
            ));
        }
        let shape: Vec<usize> = (0..s.len())
            .map(|i| self.lo[i] + self.hi[i] + s[i] + self.interior[i] * s[i].saturating_sub(1))
            .collect();
        Ok(smallvec![Aval::new(&shape, x[0].dtype)])
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        Ok(smallvec![kernels::pad(
            x[0],
            &self.lo,
            &self.hi,
            &self.interior,
            self.value,
        )?])
    }

    // The padding value is constant, so the tangent is padded with zeros.
    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let t = x_dot[0]
            .as_ref()
            .map(|t| lax::pad(t, &self.lo, &self.hi, &self.interior, 0.0))
            .transpose()?;
        Ok((
            smallvec![lax::pad(
                &x[0],
                &self.lo,
                &self.hi,
                &self.interior,
                self.value,
            )?],
            smallvec![t],
        ))
    }

    fn transpose(&self, ct: &[Tensor], x: &[LinearArg]) -> Result<Outs<Option<Tensor>>> {
        if self.value != 0.0 {
            return Err(Error::NotLinear { prim: "pad" });
        }
        let in_shape = x[0].aval().shape;
        let stride: Vec<usize> = self.interior.iter().map(|i| i + 1).collect();
        let limit: Vec<usize> = (0..in_shape.len())
            .map(|i| ct[0].shape()[i] - self.hi[i])
            .collect();
        Ok(smallvec![Some(lax::slice(
            &ct[0], &self.lo, &limit, &stride
        )?)])
    }

    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        let x0 = lax::move_batch_to_front(&x[0], dims[0])?;
        let with0 = |v: &[usize]| [0].into_iter().chain(v.iter().copied()).collect::<Vec<_>>();
        Ok((
            smallvec![lax::pad(
                &x0,
                &with0(&self.lo),
                &with0(&self.hi),
                &with0(&self.interior),
                self.value,
            )?],
            smallvec![Some(0)],
        ))
    }
}
