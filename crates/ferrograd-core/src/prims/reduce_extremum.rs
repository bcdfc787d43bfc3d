//! `reduce_max { axes }` / `reduce_min { axes }`: maximum or minimum over axes.

use ferrograd_array::{kernels, Array};
use smallvec::smallvec;

use crate::{lax, Aval, BatchDim, Outs, Primitive, Result, Tangent, Tensor};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReduceExtremum {
    /// Sorted, unique, non-negative.
    pub axes: Vec<usize>,
    /// `true` for max, `false` for min.
    pub max: bool,
}

impl Primitive for ReduceExtremum {
    fn name(&self) -> &'static str {
        if self.max {
            "reduce_max"
        } else {
            "reduce_min"
        }
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        Ok(smallvec![lax::reduced_aval(
            self.name(),
            &x[0],
            &self.axes
        )?])
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        Ok(smallvec![kernels::reduce_extremum(
            x[0], &self.axes, self.max
        )?])
    }

    // The tangent is the mean of the tangents at the positions that attain the extremum
    // (ties share it equally, as in JAX).
    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let y = lax::bind1(self, &x[..1])?;
        let t = match &x_dot[0] {
            None => None,
            Some(t) => {
                let shape = x[0].shape().to_vec();
                let kept: Vec<usize> = (0..shape.len())
                    .filter(|a| !self.axes.contains(a))
                    .collect();
                let y_b = lax::broadcast_in_dim(&y, &shape, &kept)?;
                let mask = lax::convert(&lax::eq(&x[0], &y_b)?, x[0].dtype())?;
                let count = lax::reduce_sum(&mask, &self.axes)?;
                Some(lax::div(
                    &lax::reduce_sum(&lax::mul(t, &mask)?, &self.axes)?,
                    &count,
                )?)
            }
        };
        Ok((smallvec![y], smallvec![t]))
    }

    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        let x0 = lax::move_batch_to_front(&x[0], dims[0])?;
        let p = ReduceExtremum {
            axes: self.axes.iter().map(|a| a + 1).collect(),
            max: self.max,
        };
        Ok((smallvec![lax::bind1(&p, &[x0])?], smallvec![Some(0)]))
    }
}
