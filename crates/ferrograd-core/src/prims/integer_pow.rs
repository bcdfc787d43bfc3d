//! `integer_pow { n }`: x^n for an integer n (any sign), exact by repeated multiplication.

use ferrograd_array::{kernels, Array};
use smallvec::smallvec;

use crate::fusion::{ArgInfo, Rewrite};
use crate::{lax, Aval, BatchDim, Outs, Primitive, Result, Tangent, Tensor};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IntegerPow {
    pub n: i32,
}

impl Primitive for IntegerPow {
    fn name(&self) -> &'static str {
        "integer_pow"
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        lax::require_float("integer_pow", &x[0])?;
        Ok(smallvec![x[0].clone()])
    }

    fn fusion(&self) -> Option<crate::fusion::Fusion> {
        Some(crate::fusion::Fusion::Powi(self.n))
    }

    // x¹ = x.
    fn simplify(&self, args: &[ArgInfo<'_>]) -> Option<Rewrite> {
        (self.n == 1).then(|| Rewrite::Atom(args[0].atom.clone()))
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        let n = self.n;
        Ok(smallvec![kernels::unary_float(
            "integer_pow",
            x[0],
            None,
            move |v: f32| v.powi(n),
            move |v: f64| v.powi(n),
        )?])
    }

    // d x^n = n x^(n-1) dx
    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let y = lax::integer_pow(&x[0], self.n)?;
        let t = match (&x_dot[0], self.n) {
            (None, _) | (_, 0) => None,
            (Some(t), 1) => Some(t.clone()),
            (Some(t), n) => {
                let d = lax::mul(
                    &lax::scalar_like(&x[0], n as f64),
                    &lax::integer_pow(&x[0], n - 1)?,
                )?;
                Some(lax::mul(t, &d)?)
            }
        };
        Ok((smallvec![y], smallvec![t]))
    }

    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        Ok((
            smallvec![lax::integer_pow(&x[0], self.n)?],
            smallvec![dims[0]],
        ))
    }
}
