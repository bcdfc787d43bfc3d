//! `copy`: the identity, as a primitive of its own (JAX's `copy_p`). A program can then give a
//! value a new variable without changing it: the imperative tape needs one per tensor, even
//! where a rule passes an input tangent through unchanged (`x + c`), so that each tensor's
//! `.grad` counts only its own uses.

use ferrograd_array::Array;
use smallvec::smallvec;

use crate::{lax, Aval, BatchDim, LinearArg, Outs, Primitive, Result, Tangent, Tensor};

/// Not named `Copy`, which would shadow the trait wherever primitives are glob-imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct CopyValue;

impl Primitive for CopyValue {
    fn name(&self) -> &'static str {
        "copy"
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        Ok(smallvec![x[0].clone()])
    }

    // Arrays are immutable and shared: the copy is another handle on the same storage.
    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        Ok(smallvec![x[0].clone()])
    }

    // Linear: d copy(x) = copy(dx).
    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let t = x_dot[0].as_ref().map(lax::copy).transpose()?;
        Ok((smallvec![lax::copy(&x[0])?], smallvec![t]))
    }

    // The transpose of the identity is the identity.
    fn transpose(&self, ct: &[Tensor], x: &[LinearArg]) -> Result<Outs<Option<Tensor>>> {
        Ok(smallvec![x[0].is_undef().then(|| ct[0].clone())])
    }

    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        Ok((smallvec![lax::copy(&x[0])?], smallvec![dims[0]]))
    }
}
