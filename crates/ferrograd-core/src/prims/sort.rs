//! `sort { axis, descending }`: stable sort along an axis, with two outputs — the sorted
//! values and the int64 positions they came from (argsort). NaNs sort last either way.
//! The values' tangent is the input tangent gathered by those positions.

use ferrograd_array::{kernels, Array, DType};
use smallvec::smallvec;

use crate::{lax, Aval, BatchDim, Error, Outs, Primitive, Result, Tangent, Tensor};

/// The error for sorting a 0-d array (shared with the API, whose eager path skips the shape
/// rule).
pub(crate) fn zero_d_error(shape: &[usize]) -> Error {
    Error::rank(
        "sort",
        "at least one axis",
        shape,
        "a 0-d array cannot be sorted along an axis; reshape it to 1-d first",
    )
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Sort {
    pub axis: usize,
    pub descending: bool,
}

impl Primitive for Sort {
    fn name(&self) -> &'static str {
        "sort"
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        let rank = x[0].shape.len();
        if rank == 0 {
            return Err(zero_d_error(&x[0].shape));
        }
        if self.axis >= rank {
            return Err(Error::axis_out_of_range("sort", self.axis as i64, rank));
        }
        Ok(smallvec![x[0].clone(), Aval::new(&x[0].shape, DType::I64)])
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        let (v, i) = kernels::sort(x[0], self.axis, self.descending)?;
        Ok(smallvec![v, i])
    }

    // A sort is a data-dependent permutation: y = P x, so dy = P dx.
    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let out = lax::bind(self, &x[..1])?;
        let t = x_dot[0]
            .as_ref()
            .map(|t| lax::take_along_axis(t, &out[1], self.axis))
            .transpose()?;
        Ok((out, smallvec![t, None]))
    }

    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        let x0 = lax::move_batch_to_front(&x[0], dims[0])?;
        let p = Sort {
            axis: self.axis + 1,
            descending: self.descending,
        };
        Ok((lax::bind(&p, &[x0])?, smallvec![Some(0), Some(0)]))
    }
}
