//! `Binary<K>`: elementwise functions of two arguments of equal shape and dtype (the api layer
//! broadcasts and promotes first). Each kind gives its scalar kernels, its two partial
//! derivatives (from which the shared jvp is built) and, for the kinds linear in an input, its
//! transpose.

use std::fmt::Debug;

use ferrograd_array::kernels::{self, BinaryInts};
use ferrograd_array::{Array, Float};
use smallvec::smallvec;

use crate::fusion::{ArgInfo, Fusion, Rewrite};
use crate::{lax, Aval, BatchDim, Error, LinearArg, Outs, Primitive, Result, Tangent, Tensor};

/// One elementwise function of two arguments.
pub trait BinaryKind: Clone + Copy + Debug + Default + 'static {
    /// Name in programs and messages.
    const NAME: &'static str;
    /// The scalar function on floats.
    fn apply<T: Float>(a: T, b: T) -> T;
    /// The scalar functions on int64, uint32 and bool, where defined (wrapping, as NumPy).
    const INTS: BinaryInts = BinaryInts::NONE;
    /// `e` with `f(a, e) = a` for every `a` (0 for add and sub, 1 for mul and div), which the
    /// jit's simplifier removes.
    const RIGHT_IDENTITY: Option<f64> = None;
    /// `e` with `f(e, b) = b` for every `b`.
    const LEFT_IDENTITY: Option<f64> = None;
    /// `∂y/∂a` at `(a, b)`, with `y = f(a, b)`, written with `lax` ops; `None` when it is
    /// zero almost everywhere.
    fn partial_a(a: &Tensor, b: &Tensor, y: &Tensor) -> Result<Option<Tensor>>;
    /// `∂y/∂b`, as [`BinaryKind::partial_a`].
    fn partial_b(a: &Tensor, b: &Tensor, y: &Tensor) -> Result<Option<Tensor>>;
    /// The output tangent `∂y/∂a · ȧ + ∂y/∂b · ḃ`, each partial computed only when its input
    /// has a tangent (JAX's `defjvp(p, rule_a, rule_b)`). Kinds override it where fewer
    /// tangent operations do (each is recorded and transposed under reverse mode).
    fn jvp(
        a: &Tensor,
        b: &Tensor,
        y: &Tensor,
        a_dot: &Tangent,
        b_dot: &Tangent,
    ) -> Result<Tangent> {
        let ta = match a_dot {
            Some(t) => times(t, Self::partial_a(a, b, y)?)?,
            None => None,
        };
        let tb = match b_dot {
            Some(t) => times(t, Self::partial_b(a, b, y)?)?,
            None => None,
        };
        lax::add_tangents(ta, tb)
    }
    /// Cotangents of the undefined inputs, for kinds linear in them.
    fn transpose(_ct: &Tensor, _a: &LinearArg, _b: &LinearArg) -> Result<[Option<Tensor>; 2]> {
        Err(Error::NotLinear { prim: Self::NAME })
    }
}

/// `t · d`, or zero when the partial `d` is zero.
fn times(t: &Tensor, d: Option<Tensor>) -> Result<Tangent> {
    d.map(|d| lax::mul(t, &d)).transpose()
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
        K::INTS.support().check(K::NAME, x[0].dtype)?;
        Ok(smallvec![x[0].clone()])
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        let fns = kernels::BinaryFns {
            f32: K::apply::<f32>,
            f64: K::apply::<f64>,
            ints: K::INTS,
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

    // `x op e = x` and `e op x = x` for the kind's identities.
    fn simplify(&self, args: &[ArgInfo<'_>]) -> Option<Rewrite> {
        if K::RIGHT_IDENTITY.is_some() && args[1].splat == K::RIGHT_IDENTITY {
            return Some(Rewrite::Atom(args[0].atom.clone()));
        }
        if K::LEFT_IDENTITY.is_some() && args[0].splat == K::LEFT_IDENTITY {
            return Some(Rewrite::Atom(args[1].atom.clone()));
        }
        None
    }

    fn fusion(&self) -> Option<Fusion> {
        Some(Fusion::Binary {
            f32: tile::<K, f32>,
            f64: tile::<K, f64>,
        })
    }
}

/// `K` over one tile of a fused loop (inlined, so the simple kinds vectorise).
fn tile<K: BinaryKind, T: Float>(a: &[T], b: &[T], out: &mut [T]) {
    for ((o, &a), &b) in out.iter_mut().zip(a).zip(b) {
        *o = K::apply(a, b);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prims::binary_kinds::*;
    use crate::prims::unary_kinds::{Exp, Neg};
    use crate::prims::Unary;
    use ferrograd_array::DType;

    /// The shape rule (what `vmap` and staging check) and the kernel (what eager evaluation
    /// runs) accept the same dtypes, and refuse the others with the same message.
    #[test]
    fn shape_rule_and_kernel_agree_on_every_dtype() {
        let prims: Vec<Box<dyn Primitive>> = vec![
            Box::new(Binary(Add)),
            Box::new(Binary(Sub)),
            Box::new(Binary(Mul)),
            Box::new(Binary(Div)),
            Box::new(Binary(Rem)),
            Box::new(Binary(Pow)),
            Box::new(Binary(Max)),
            Box::new(Binary(Min)),
            Box::new(Binary(Atan2)),
            Box::new(Unary(Neg)),
            Box::new(Unary(Exp)),
        ];
        for p in &prims {
            for d in [DType::F32, DType::F64, DType::I64, DType::U32, DType::Bool] {
                let x = Array::full(&[2], 1.0, d);
                let n = if p.name() == "neg" || p.name() == "exp" {
                    1
                } else {
                    2
                };
                let avals = vec![Aval::new(&[2], d); n];
                let args = vec![&x; n];
                let rule = p.shape_rule(&avals).map(|a| a[0].dtype);
                let eval = p.eval(&args).map(|y| y[0].dtype());
                match (rule, eval) {
                    (Ok(r), Ok(e)) => assert_eq!((r, e), (d, d), "{} on {d}", p.name()),
                    (Err(r), Err(e)) => {
                        assert_eq!(r.to_string(), e.to_string(), "{} on {d}", p.name());
                        assert!(r.to_string().contains(".astype(DType::"), "{r}");
                    }
                    (r, e) => panic!("{} on {d}: rule {r:?}, kernel {e:?}", p.name()),
                }
            }
        }
    }

    /// Integer division and remainder truncate, and give 0 for a zero divisor, never a panic.
    #[test]
    fn integer_division_by_zero_is_zero() {
        let a = Array::from_vec(&[4], vec![7i64, -7, i64::MIN, 3]).unwrap();
        let b = Array::from_vec(&[4], vec![2i64, 2, -1, 0]).unwrap();
        let q = Binary(Div).eval(&[&a, &b]).unwrap();
        let r = Binary(Rem).eval(&[&a, &b]).unwrap();
        let ints = |x: &Array| {
            x.view::<i64>("test")
                .unwrap()
                .iter()
                .copied()
                .collect::<Vec<_>>()
        };
        assert_eq!(ints(&q[0]), vec![3, -3, i64::MIN, 0]);
        assert_eq!(ints(&r[0]), vec![1, -1, 0, 0]);
        let u = Array::from_vec(&[2], vec![7u32, 7]).unwrap();
        let v = Array::from_vec(&[2], vec![0u32, 3]).unwrap();
        let q = Binary(Div).eval(&[&u, &v]).unwrap();
        assert_eq!(q[0].to_f64_vec(), vec![0.0, 2.0]);
    }
}
