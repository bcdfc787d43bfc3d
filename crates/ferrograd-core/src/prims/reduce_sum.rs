//! `reduce_sum { axes }`: sum over the listed axes, which disappear.

use ferrograd_array::{kernels, Array};
use smallvec::smallvec;

use crate::{lax, Aval, BatchDim, LinearArg, Outs, Primitive, Result, Tangent, Tensor};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReduceSum {
    /// Sorted, unique, non-negative.
    pub axes: Vec<usize>,
}

impl Primitive for ReduceSum {
    fn name(&self) -> &'static str {
        "reduce_sum"
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        Ok(smallvec![lax::reduced_aval(
            "reduce_sum",
            &x[0],
            &self.axes
        )?])
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        Ok(smallvec![kernels::reduce_sum(x[0], &self.axes)?])
    }

    fn fusion(&self) -> Option<crate::fusion::Fusion> {
        Some(crate::fusion::Fusion::Sum)
    }

    // Linear: the tangent goes through the same reduction.
    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let t = x_dot[0]
            .as_ref()
            .map(|t| lax::reduce_sum(t, &self.axes))
            .transpose()?;
        Ok((smallvec![lax::reduce_sum(&x[0], &self.axes)?], smallvec![t]))
    }

    // The transpose of a sum is a broadcast back over the summed axes.
    fn transpose(&self, ct: &[Tensor], x: &[LinearArg]) -> Result<Outs<Option<Tensor>>> {
        let shape = x[0].aval().shape;
        let kept: Vec<usize> = (0..shape.len())
            .filter(|a| !self.axes.contains(a))
            .collect();
        Ok(smallvec![Some(lax::broadcast_in_dim(
            &ct[0], &shape, &kept
        )?)])
    }

    // Axes at or after the batch axis shift right by one.
    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        let b = dims[0].expect("batched input");
        let axes: Vec<usize> = self
            .axes
            .iter()
            .map(|&a| if a >= b { a + 1 } else { a })
            .collect();
        let out_b = b - self.axes.iter().filter(|&&a| a < b).count();
        Ok((
            smallvec![lax::reduce_sum(&x[0], &axes)?],
            smallvec![Some(out_b)],
        ))
    }
}
