//! `Binary<K>`: elementwise functions of two arguments of equal shape and dtype (the api layer
//! broadcasts and promotes first). Each kind gives its scalar kernel, its jvp and, for the
//! kinds linear in an input, its transpose.

use std::fmt::Debug;

use ferrograd_array::{kernels, Array, Float};
use smallvec::smallvec;

use crate::{lax, Aval, BatchDim, Error, LinearArg, Outs, Primitive, Result, Tangent, Tensor};

/// One elementwise function of two arguments.
pub trait BinaryKind: Clone + Copy + Debug + Default + 'static {
    /// Name in programs and messages.
    const NAME: &'static str;
    /// The scalar function on floats.
    fn apply<T: Float>(a: T, b: T) -> T;
    /// The scalar function on int64, where defined.
    const INT: Option<fn(i64, i64) -> i64> = None;
    /// The output tangent from the input tangents (`y = f(a, b)`).
    fn jvp(a: &Tensor, b: &Tensor, y: &Tensor, a_dot: &Tangent, b_dot: &Tangent)
        -> Result<Tangent>;
    /// Cotangents of the undefined inputs, for kinds linear in them.
    fn transpose(_ct: &Tensor, _a: &LinearArg, _b: &LinearArg) -> Result<[Option<Tensor>; 2]> {
        Err(Error::NotLinear { prim: Self::NAME })
    }
}

/// The primitive of an elementwise function of kind `K`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Binary<K: BinaryKind>(pub K);

impl<K: BinaryKind> Primitive for Binary<K> {
    fn name(&self) -> &'static str {
        K::NAME
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        lax::require_same(K::NAME, &x[0], &x[1])?;
        if !x[0].dtype.is_float() && (K::INT.is_none() || x[0].dtype != ferrograd_array::DType::I64)
        {
            return Err(Error::DType {
                op: K::NAME,
                expected: "a float (or int64 where defined)",
                got: x[0].dtype,
            });
        }
        Ok(smallvec![x[0].clone()])
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        let fns = kernels::BinaryFns {
            f32: K::apply::<f32>,
            f64: K::apply::<f64>,
            i64: K::INT,
        };
        Ok(smallvec![kernels::binary(K::NAME, x[0], x[1], &fns)?])
    }

    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let y = lax::binary::<K>(&x[0], &x[1])?;
        let t = K::jvp(&x[0], &x[1], &y, &x_dot[0], &x_dot[1])?;
        Ok((smallvec![y], smallvec![t]))
    }

    fn transpose(&self, ct: &[Tensor], x: &[LinearArg]) -> Result<Outs<Option<Tensor>>> {
        Ok(K::transpose(&ct[0], &x[0], &x[1])?.into())
    }

    // Elementwise: move both batch axes to the front, then apply.
    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        let (args, d) = lax::align_batch(x, dims)?;
        Ok((
            smallvec![lax::binary::<K>(&args[0], &args[1])?],
            smallvec![d],
        ))
    }
}
