//! `searchsorted { right }`: insertion points of values `v` (`[..., m]`) into `a` (`[..., n]`,
//! sorted along its last axis, same leading axes); int64, so it carries no tangent.

use ferrograd_array::{kernels, Array, DType};
use smallvec::smallvec;

use crate::{lax, Aval, BatchDim, Error, Outs, Primitive, Result, Tangent, Tensor};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SearchSorted {
    /// NumPy's `side='right'`: the last position that keeps `a` sorted.
    pub right: bool,
}

impl Primitive for SearchSorted {
    fn name(&self) -> &'static str {
        "searchsorted"
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        let (a, v) = (&x[0].shape, &x[1].shape);
        if a.is_empty() || v.is_empty() || a[..a.len() - 1] != v[..v.len() - 1] {
            return Err(Error::invalid(
                "searchsorted",
                format!(
                    "sorted array {:?} and values {:?} need at least one axis and the same leading axes",
                    &a[..],
                    &v[..]
                ),
            ));
        }
        lax::require_same_dtype("searchsorted", &x[0], &x[1])?;
        Ok(smallvec![Aval::new(v, DType::I64)])
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        Ok(smallvec![kernels::searchsorted(x[0], x[1], self.right)?])
    }

    // Piecewise constant in both inputs.
    fn jvp(&self, x: &[Tensor], _x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        Ok((lax::bind(self, x)?, smallvec![None]))
    }

    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        let a = lax::all_batch_to_front(x, dims)?;
        Ok((lax::bind(self, &a)?, smallvec![Some(0)]))
    }
}
