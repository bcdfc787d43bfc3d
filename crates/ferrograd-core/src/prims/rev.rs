//! `rev { axes }`: reverses the order of the elements along each listed axis (NumPy's `flip`).
//! Linear; it is its own transpose.

use ferrograd_array::{kernels, Array};
use smallvec::smallvec;

use crate::{lax, Aval, BatchDim, Error, LinearArg, Outs, Primitive, Result, Tangent, Tensor};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Rev {
    /// Sorted, unique, non-negative.
    pub axes: Vec<usize>,
}

impl Primitive for Rev {
    fn name(&self) -> &'static str {
        "rev"
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        let rank = x[0].shape.len();
        if let Some(&bad) = self.axes.iter().find(|&&a| a >= rank) {
            return Err(ferrograd_array::Error::AxisOutOfRange {
                op: "rev",
                axis: bad as i64,
                rank,
            }
            .into());
        }
        if self.axes.windows(2).any(|w| w[0] >= w[1]) {
            return Err(Error::invalid(
                "rev",
                format!("axes {:?} must be sorted and unique", self.axes),
            ));
        }
        Ok(smallvec![x[0].clone()])
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        Ok(smallvec![kernels::rev(x[0], &self.axes)?])
    }

    // Linear: the tangent is reversed the same way.
    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let t = x_dot[0]
            .as_ref()
            .map(|t| lax::rev(t, &self.axes))
            .transpose()?;
        Ok((smallvec![lax::rev(&x[0], &self.axes)?], smallvec![t]))
    }

    // A reversal is a permutation that is its own inverse.
    fn transpose(&self, ct: &[Tensor], _x: &[LinearArg]) -> Result<Outs<Option<Tensor>>> {
        Ok(smallvec![Some(lax::rev(&ct[0], &self.axes)?)])
    }

    // Axes at or after the batch axis shift right by one; the batch axis stays where it is.
    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        let Some(b) = dims[0] else {
            return Err(Error::invalid(
                "vmap",
                "rev's batch rule needs a batched input",
            ));
        };
        let axes: Vec<usize> = self
            .axes
            .iter()
            .map(|&a| if a >= b { a + 1 } else { a })
            .collect();
        Ok((smallvec![lax::rev(&x[0], &axes)?], smallvec![Some(b)]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reverses_each_listed_axis() {
        let x = Tensor::from_vec((0..6).map(f64::from).collect(), &[2, 3]);
        assert_eq!(
            lax::rev(&x, &[1]).unwrap().to_vec(),
            vec![2.0, 1.0, 0.0, 5.0, 4.0, 3.0]
        );
        assert_eq!(
            lax::rev(&x, &[0, 1]).unwrap().to_vec(),
            vec![5.0, 4.0, 3.0, 2.0, 1.0, 0.0]
        );
        assert!(lax::rev(&x, &[2]).is_err());
        let e = Tensor::from_vec(Vec::<f64>::new(), &[0, 2]);
        assert_eq!(lax::rev(&e, &[0]).unwrap().shape(), &[0, 2]);
    }
}
