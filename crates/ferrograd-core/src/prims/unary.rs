//! `Unary<K>`: the elementwise functions of one argument. Each kind gives its name, its scalar
//! kernel and its derivative; the rules shared by all of them are written once, here.

use std::fmt::Debug;

use ferrograd_array::kernels::{self, vmath, UnaryInts};
use ferrograd_array::{Array, Float};
use smallvec::smallvec;

use crate::fusion::{ArgInfo, Fusion, Rewrite};
use crate::{lax, Aval, BatchDim, Error, LinearArg, Outs, Primitive, Result, Tangent, Tensor};

/// One elementwise function: name, scalar kernel, derivative.
pub trait UnaryKind: Clone + Copy + Debug + Default + 'static {
    /// Name in programs and messages.
    const NAME: &'static str;
    /// True for the linear kinds (`neg`): an elementwise linear map is diagonal, so it is its
    /// own transpose and its tangent is itself applied to the input tangent.
    const LINEAR: bool = false;
    /// True when `f(f(x)) = x` (`neg`), which the jit's simplifier removes.
    const INVOLUTION: bool = false;
    /// The vectorised array kernel for this function, where one exists.
    const VECTOR: Option<ferrograd_array::kernels::vmath::Func> = None;
    /// The scalar function on floats.
    fn apply<T: Float>(x: T) -> T;
    /// The scalar functions on int64 and uint32, where defined (wrapping, as NumPy).
    const INTS: UnaryInts = UnaryInts::NONE;
    /// `dy/dx` given `x` and `y = f(x)`, written with `lax` ops; `None` when it is zero almost
    /// everywhere (piecewise-constant functions).
    fn deriv(x: &Tensor, y: &Tensor) -> Result<Option<Tensor>>;
}

/// The primitive of an elementwise function of kind `K`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Unary<K: UnaryKind>(pub K);

impl<K: UnaryKind> Primitive for Unary<K> {
    fn name(&self) -> &'static str {
        K::NAME
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        K::INTS.support().check(K::NAME, x[0].dtype)?;
        Ok(smallvec![x[0].clone()])
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        Ok(smallvec![kernels::unary(
            K::NAME,
            x[0],
            K::VECTOR,
            K::apply::<f32>,
            K::apply::<f64>,
            &K::INTS,
        )?])
    }

    // d f(x) = f'(x) dx.
    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let y = lax::unary::<K>(&x[0])?;
        if K::LINEAR {
            return Ok((
                smallvec![y],
                smallvec![lax::unary::<K>(x_dot[0].as_ref().expect("a tangent"))?.into()],
            ));
        }
        let t = match (&x_dot[0], K::deriv(&x[0], &y)?) {
            (Some(t), Some(d)) => Some(lax::mul(t, &d)?),
            _ => None,
        };
        Ok((smallvec![y], smallvec![t]))
    }

    fn transpose(&self, ct: &[Tensor], _x: &[LinearArg]) -> Result<Outs<Option<Tensor>>> {
        if !K::LINEAR {
            return Err(Error::NotLinear { prim: K::NAME });
        }
        Ok(smallvec![Some(lax::unary::<K>(&ct[0])?)])
    }

    // Elementwise: the batch axis passes through.
    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        Ok((smallvec![lax::unary::<K>(&x[0])?], smallvec![dims[0]]))
    }

    // f(f(x)) = x for an involution.
    fn simplify(&self, args: &[ArgInfo<'_>]) -> Option<Rewrite> {
        match args[0].producer {
            Some((p, a)) if K::INVOLUTION && p.as_any().is::<Self>() => {
                Some(Rewrite::Atom(a[0].clone()))
            }
            _ => None,
        }
    }

    fn fusion(&self) -> Option<Fusion> {
        let cost = if K::LINEAR {
            1
        } else {
            vmath::TRANSCENDENTAL_COST
        };
        Some(Fusion::Unary {
            cost,
            f32: tile_f32::<K>,
            f64: tile_f64::<K>,
        })
    }
}

/// `K` over one tile of a fused loop: the same vector kernel as eager evaluation, where the
/// kind has one, so that jit and eager results agree bit for bit.
fn tile_f64<K: UnaryKind>(x: &[f64], out: &mut [f64]) {
    match K::VECTOR {
        Some(f) => vmath::apply_f64(f, x, out),
        None => out.iter_mut().zip(x).for_each(|(o, &x)| *o = K::apply(x)),
    }
}

/// [`tile_f64`] in f32.
fn tile_f32<K: UnaryKind>(x: &[f32], out: &mut [f32]) {
    match K::VECTOR {
        Some(f) => vmath::apply_f32(f, x, out),
        None => out.iter_mut().zip(x).for_each(|(o, &x)| *o = K::apply(x)),
    }
}
