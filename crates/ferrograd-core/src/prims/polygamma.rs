//! `polygamma { n }`: ψ⁽ⁿ⁾(x), the n-th derivative of the digamma function (n = 0 is ψ
//! itself), elementwise. A primitive of its own (not a `Unary` kind) because of its order
//! parameter; its derivative is the next order: d ψ⁽ⁿ⁾(x) = ψ⁽ⁿ⁺¹⁾(x) dx.

use ferrograd_array::{kernels, special, Array};

use crate::{lax, Aval, BatchDim, Primitive, Result, Tangent, Tensor};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Polygamma {
    /// The order of the derivative of ψ.
    pub n: u32,
}

impl Primitive for Polygamma {
    fn name(&self) -> &'static str {
        "polygamma"
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Vec<Aval>> {
        lax::require_float("polygamma", &x[0])?;
        Ok(vec![x[0].clone()])
    }

    fn eval(&self, x: &[&Array]) -> Result<Vec<Array>> {
        let n = self.n;
        Ok(vec![kernels::unary_float(
            "polygamma",
            x[0],
            |v: f32| special::polygamma(n, f64::from(v)) as f32,
            |v: f64| special::polygamma(n, v),
        )?])
    }

    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Vec<Tensor>, Vec<Tangent>)> {
        let y = lax::polygamma(self.n, &x[0])?;
        let d = lax::polygamma(self.n + 1, &x[0])?;
        Ok((vec![y], vec![lax::scale_tangent(&x_dot[0], &d)?]))
    }

    // Elementwise: the batch axis passes through.
    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Vec<Tensor>, Vec<BatchDim>)> {
        Ok((vec![lax::polygamma(self.n, &x[0])?], vec![dims[0]]))
    }
}
