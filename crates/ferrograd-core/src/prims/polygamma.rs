//! `polygamma { n }`: ψ⁽ⁿ⁾(x), the n-th derivative of the digamma function (n = 0 is ψ
//! itself), elementwise. A primitive of its own (not a `Unary` kind) because of its order
//! parameter; its derivative is the next order: d ψ⁽ⁿ⁾(x) = ψ⁽ⁿ⁺¹⁾(x) dx.

use ferrograd_array::{kernels, special, Array};
use smallvec::smallvec;

use crate::{lax, Aval, BatchDim, Outs, Primitive, Result, Tangent, Tensor};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Polygamma {
    /// The order of the derivative of ψ.
    pub n: u32,
}

impl Primitive for Polygamma {
    fn name(&self) -> &'static str {
        "polygamma"
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        lax::require_float("polygamma", &x[0])?;
        Ok(smallvec![x[0].clone()])
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        let n = self.n;
        Ok(smallvec![kernels::unary_float(
            "polygamma",
            x[0],
            None,
            |v: f32| special::polygamma(n, f64::from(v)) as f32,
            |v: f64| special::polygamma(n, v),
        )?])
    }

    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let y = lax::polygamma(self.n, &x[0])?;
        let d = lax::polygamma(self.n + 1, &x[0])?;
        Ok((smallvec![y], smallvec![lax::scale_tangent(&x_dot[0], &d)?]))
    }

    // Elementwise: the batch axis passes through.
    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        Ok((
            smallvec![lax::polygamma(self.n, &x[0])?],
            smallvec![dims[0]],
        ))
    }
}
