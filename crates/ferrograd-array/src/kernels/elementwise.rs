//! Elementwise kernels: map, zip, select and dtype conversion.
//!
//! The fast path works on row-major slices (the compiler vectorises the loop) and splits
//! across threads for large arrays; anything else (transposed or broadcast views) goes through
//! `ndarray::Zip`.

use ndarray::{ArrayD, ArrayViewD, Zip};
use rayon::prelude::*;

use super::PAR_THRESHOLD;
use crate::{Array, DType, Element, Error, Result};

/// `f(x)` for every element of a row-major or strided view.
pub fn map<T: Element, U: Element>(x: ArrayViewD<'_, T>, f: impl Fn(T) -> U + Sync) -> ArrayD<U> {
    if let Some(xs) = x.as_slice() {
        let out: Vec<U> = if xs.len() >= PAR_THRESHOLD {
            xs.par_iter().map(|&v| f(v)).collect()
        } else {
            xs.iter().map(|&v| f(v)).collect()
        };
        return ArrayD::from_shape_vec(x.raw_dim(), out).expect("same size");
    }
    x.map(|&v| f(v))
}

/// `f(a, b)` elementwise for two views of the same shape.
pub fn zip_map<T: Element, U: Element>(
    op: &'static str,
    a: ArrayViewD<'_, T>,
    b: ArrayViewD<'_, T>,
    f: impl Fn(T, T) -> U + Sync + Send,
) -> Result<ArrayD<U>> {
    same_shape(op, a.shape(), b.shape())?;
    if let (Some(xs), Some(ys)) = (a.as_slice(), b.as_slice()) {
        let out: Vec<U> = if xs.len() >= PAR_THRESHOLD {
            xs.par_iter().zip(ys).map(|(&x, &y)| f(x, y)).collect()
        } else {
            xs.iter().zip(ys).map(|(&x, &y)| f(x, y)).collect()
        };
        return Ok(ArrayD::from_shape_vec(a.raw_dim(), out).expect("same size"));
    }
    // A broadcast scalar (every stride 0: `x * 2.0`, `maximum(x, 0)`) against a row-major
    // operand: one slice loop, not a strided walk.
    match (splat(&a), b.as_slice(), a.as_slice(), splat(&b)) {
        (Some(x), Some(ys), _, _) => return Ok(map_slice(&a, ys, |y| f(x, y))),
        (_, _, Some(xs), Some(y)) => return Ok(map_slice(&a, xs, |x| f(x, y))),
        _ => {}
    }
    let z = Zip::from(&a).and(&b);
    Ok(if a.len() >= PAR_THRESHOLD {
        z.par_map_collect(|&x, &y| f(x, y))
    } else {
        z.map_collect(|&x, &y| f(x, y))
    })
}

/// The single value of a non-empty view whose strides are all 0 (a broadcast scalar).
fn splat<T: Copy>(x: &ArrayViewD<'_, T>) -> Option<T> {
    if x.strides().iter().all(|&s| s == 0) {
        x.first().copied()
    } else {
        None
    }
}

/// A row-major operand or a broadcast scalar, read by flat index.
#[derive(Clone, Copy)]
enum Lane<'a, T> {
    Slice(&'a [T]),
    Splat(T),
}

impl<T: Copy> Lane<'_, T> {
    fn at(&self, i: usize) -> T {
        match self {
            Lane::Slice(xs) => xs[i],
            Lane::Splat(x) => *x,
        }
    }
}

fn lane<'a, T: Copy>(x: &'a ArrayViewD<'_, T>) -> Option<Lane<'a, T>> {
    x.as_slice()
        .map(Lane::Slice)
        .or_else(|| splat(x).map(Lane::Splat))
}

/// `f` over a row-major slice, shaped like `like`.
fn map_slice<T: Element, U: Element>(
    like: &ArrayViewD<'_, T>,
    xs: &[T],
    f: impl Fn(T) -> U + Sync + Send,
) -> ArrayD<U> {
    let out: Vec<U> = if xs.len() >= PAR_THRESHOLD {
        xs.par_iter().map(|&x| f(x)).collect()
    } else {
        xs.iter().map(|&x| f(x)).collect()
    };
    ArrayD::from_shape_vec(like.raw_dim(), out).expect("same size")
}

/// Checks that two elementwise operands have equal shapes.
pub fn same_shape(op: &'static str, a: &[usize], b: &[usize]) -> Result<()> {
    if a != b {
        return Err(Error::ShapeMismatch {
            op,
            lhs: a.to_vec(),
            rhs: b.to_vec(),
            hint: "elementwise primitives need equal shapes; broadcast first",
        });
    }
    Ok(())
}

/// Applies a float function, dispatching on the dtype once.
pub fn unary_float(
    op: &'static str,
    x: &Array,
    f32: impl Fn(f32) -> f32 + Sync,
    f64: impl Fn(f64) -> f64 + Sync,
) -> Result<Array> {
    match x.dtype() {
        DType::F32 => Ok(Array::from_ndarray(map(x.view::<f32>(op)?, f32))),
        DType::F64 => Ok(Array::from_ndarray(map(x.view::<f64>(op)?, f64))),
        got => Err(Error::DTypeMismatch {
            op,
            expected: "float32 or float64".into(),
            got,
        }),
    }
}

/// Scalar functions of one binary elementwise operation, per dtype; `None` where the
/// operation is not defined for that dtype. Generic so that fn items (`K::apply::<f64>`) are
/// inlined into the loop instead of called through a pointer per element.
pub struct BinaryFns<F32 = fn(f32, f32) -> f32, F64 = fn(f64, f64) -> f64> {
    pub f32: F32,
    pub f64: F64,
    pub i64: Option<fn(i64, i64) -> i64>,
}

/// A binary arithmetic operation on two arrays of the same shape and dtype.
pub fn binary<F32, F64>(
    op: &'static str,
    a: &Array,
    b: &Array,
    fns: &BinaryFns<F32, F64>,
) -> Result<Array>
where
    F32: Fn(f32, f32) -> f32 + Copy + Sync + Send,
    F64: Fn(f64, f64) -> f64 + Copy + Sync + Send,
{
    same_dtype(op, a, b)?;
    match (a.dtype(), fns.i64) {
        (DType::F32, _) => Ok(Array::from_ndarray(zip_map(
            op,
            a.view(op)?,
            b.view(op)?,
            fns.f32,
        )?)),
        (DType::F64, _) => Ok(Array::from_ndarray(zip_map(
            op,
            a.view(op)?,
            b.view(op)?,
            fns.f64,
        )?)),
        (DType::I64, Some(f)) => Ok(Array::from_ndarray(zip_map(
            op,
            a.view(op)?,
            b.view(op)?,
            f,
        )?)),
        (got, _) => Err(Error::DTypeMismatch {
            op,
            expected: "a numeric dtype this operation supports".into(),
            got,
        }),
    }
}

/// Checks that two operands share a dtype.
pub fn same_dtype(op: &'static str, a: &Array, b: &Array) -> Result<()> {
    if a.dtype() != b.dtype() {
        return Err(Error::DTypeMismatch {
            op,
            expected: a.dtype().name().into(),
            got: b.dtype(),
        });
    }
    Ok(())
}

/// A comparison between elements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Compare {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl Compare {
    fn apply<T: PartialOrd>(self, x: T, y: T) -> bool {
        match self {
            Compare::Lt => x < y,
            Compare::Le => x <= y,
            Compare::Gt => x > y,
            Compare::Ge => x >= y,
            Compare::Eq => x == y,
            Compare::Ne => x != y,
        }
    }
}

/// Elementwise comparison giving a bool array; any dtype.
pub fn compare(op: &'static str, a: &Array, b: &Array, cmp: Compare) -> Result<Array> {
    fn go<T: Element>(op: &'static str, a: &Array, b: &Array, cmp: Compare) -> Result<Array> {
        Ok(Array::from_ndarray(zip_map(
            op,
            a.view::<T>(op)?,
            b.view::<T>(op)?,
            move |x, y| cmp.apply(x, y),
        )?))
    }
    same_dtype(op, a, b)?;
    match a.dtype() {
        DType::Bool => go::<bool>(op, a, b, cmp),
        DType::U32 => go::<u32>(op, a, b, cmp),
        DType::I64 => go::<i64>(op, a, b, cmp),
        DType::F32 => go::<f32>(op, a, b, cmp),
        DType::F64 => go::<f64>(op, a, b, cmp),
    }
}

/// `where(pred, on_true, on_false)` elementwise; all three of one shape.
pub fn select(pred: &Array, on_true: &Array, on_false: &Array) -> Result<Array> {
    const OP: &str = "select";
    fn go<T: Element>(p: &Array, a: &Array, b: &Array) -> Result<Array> {
        let (p, a, b) = (p.view::<bool>(OP)?, a.view::<T>(OP)?, b.view::<T>(OP)?);
        same_shape(OP, p.shape(), a.shape())?;
        same_shape(OP, a.shape(), b.shape())?;
        if let (Some(ps), Some(x), Some(y)) = (p.as_slice(), lane(&a), lane(&b)) {
            let pick = |i: usize, p: bool| if p { x.at(i) } else { y.at(i) };
            let out: Vec<T> = ps.iter().enumerate().map(|(i, &p)| pick(i, p)).collect();
            return Ok(Array::from_ndarray(
                ArrayD::from_shape_vec(p.raw_dim(), out).expect("same size"),
            ));
        }
        Ok(Array::from_ndarray(
            Zip::from(&p)
                .and(&a)
                .and(&b)
                .map_collect(|&p, &x, &y| if p { x } else { y }),
        ))
    }
    same_dtype(OP, on_true, on_false)?;
    match on_true.dtype() {
        DType::Bool => go::<bool>(pred, on_true, on_false),
        DType::U32 => go::<u32>(pred, on_true, on_false),
        DType::I64 => go::<i64>(pred, on_true, on_false),
        DType::F32 => go::<f32>(pred, on_true, on_false),
        DType::F64 => go::<f64>(pred, on_true, on_false),
    }
}

/// Converts to another dtype (floats truncate toward zero into integers, like NumPy's astype).
pub fn convert(x: &Array, dtype: DType) -> Result<Array> {
    fn to<T: Element>(x: &Array) -> Result<Array> {
        fn from<S: Element, T: Element>(x: &Array) -> Result<Array> {
            Ok(Array::from_ndarray(map(x.view::<S>("astype")?, |v| {
                T::from_f64(v.to_f64())
            })))
        }
        match x.dtype() {
            DType::Bool => from::<bool, T>(x),
            DType::U32 => from::<u32, T>(x),
            DType::I64 => from::<i64, T>(x),
            DType::F32 => from::<f32, T>(x),
            DType::F64 => from::<f64, T>(x),
        }
    }
    if x.dtype() == dtype {
        return Ok(x.clone());
    }
    match dtype {
        DType::Bool => to::<bool>(x),
        DType::U32 => to::<u32>(x),
        DType::I64 => to::<i64>(x),
        DType::F32 => to::<f32>(x),
        DType::F64 => to::<f64>(x),
    }
}
