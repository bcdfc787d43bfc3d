//! `select(pred, on_true, on_false)`: NumPy's `where`, elementwise with equal shapes.
//! Linear in both branches; the bool predicate carries no tangent.

use ferrograd_array::{kernels, Array, DType};
use smallvec::smallvec;

use crate::fusion::{ArgInfo, Rewrite};
use crate::{lax, Aval, BatchDim, Error, LinearArg, Outs, Primitive, Result, Tangent, Tensor};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Select;

impl Primitive for Select {
    fn name(&self) -> &'static str {
        "select"
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        if x[0].dtype != DType::Bool {
            return Err(Error::dtype(
                "select",
                "a bool condition (make one with a comparison, or astype(DType::Bool))",
                x[0].dtype,
            ));
        }
        if x[0].shape != x[1].shape {
            return Err(Error::shape_mismatch(
                "select",
                &x[0].shape,
                &x[1].shape,
                "the condition and the values must have one shape; broadcast them first",
            ));
        }
        lax::require_same("select", &x[1], &x[2])?;
        Ok(smallvec![x[1].clone()])
    }

    fn fusion(&self) -> Option<crate::fusion::Fusion> {
        Some(crate::fusion::Fusion::Select)
    }

    // A constant condition picks one branch.
    fn simplify(&self, args: &[ArgInfo<'_>]) -> Option<Rewrite> {
        match args[0].splat? {
            0.0 => Some(Rewrite::Atom(args[2].atom.clone())),
            _ => Some(Rewrite::Atom(args[1].atom.clone())),
        }
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        Ok(smallvec![kernels::select(x[0], x[1], x[2])?])
    }

    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let y = lax::select(&x[0], &x[1], &x[2])?;
        let (a, b) = (&x_dot[1], &x_dot[2]);
        let t = if a.is_none() && b.is_none() {
            None
        } else {
            let z = lax::zeros_like(&x[1]);
            Some(lax::select(
                &x[0],
                a.as_ref().unwrap_or(&z),
                b.as_ref().unwrap_or(&z),
            )?)
        };
        Ok((smallvec![y], smallvec![t]))
    }

    // Each branch gets the cotangent where it was chosen, zero elsewhere.
    fn transpose(&self, ct: &[Tensor], x: &[LinearArg]) -> Result<Outs<Option<Tensor>>> {
        let pred = x[0].constant("select")?;
        let z = lax::zeros_like(&ct[0]);
        let on_t = if x[1].is_undef() {
            Some(lax::select(pred, &ct[0], &z)?)
        } else {
            None
        };
        let on_f = if x[2].is_undef() {
            Some(lax::select(pred, &z, &ct[0])?)
        } else {
            None
        };
        Ok(smallvec![None, on_t, on_f])
    }

    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        let (args, d) = lax::align_batch(x, dims)?;
        Ok((
            smallvec![lax::select(&args[0], &args[1], &args[2])?],
            smallvec![d],
        ))
    }
}
