//! `lax`: one function per primitive, with exact-shape semantics (no broadcasting or dtype
//! promotion — the NumPy-like API above does that). Derivative rules are written with these,
//! so rules are themselves differentiable. Also the small helpers rules share.

mod indexing;
pub use indexing::*;
pub mod linalg;

use ferrograd_array::kernels::{Compare as Cmp, DotDims};
use ferrograd_array::{Array, DType};

pub use crate::interp::{bind, bind1};
use crate::prims::binary_kinds::{Add, Atan2, CopySign, Div, Max, Min, Mul, Pow, Rem, Sub};
use crate::prims::unary_kinds::{
    Abs, Cos, Cosh, Exp, Floor, Log, Neg, Round, Sign, Sin, Sinh, Sqrt,
};
use crate::prims::*;
use crate::{Aval, BatchDim, Error, Result, Tensor};

mod calculus;
mod special;
pub use calculus::*;
pub use special::*;

/// Applies the elementwise function of kind `K`.
pub fn unary<K: UnaryKind>(x: &Tensor) -> Result<Tensor> {
    bind1(&Unary(K::default()), std::slice::from_ref(x))
}

/// Applies the elementwise function of two arguments of kind `K`.
pub fn binary<K: BinaryKind>(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    bind1(&Binary(K::default()), &[a.clone(), b.clone()])
}

pub fn neg(x: &Tensor) -> Result<Tensor> {
    unary::<Neg>(x)
}
pub fn exp(x: &Tensor) -> Result<Tensor> {
    unary::<Exp>(x)
}
pub fn log(x: &Tensor) -> Result<Tensor> {
    unary::<Log>(x)
}
pub fn sqrt(x: &Tensor) -> Result<Tensor> {
    unary::<Sqrt>(x)
}
pub fn sin(x: &Tensor) -> Result<Tensor> {
    unary::<Sin>(x)
}
pub fn cos(x: &Tensor) -> Result<Tensor> {
    unary::<Cos>(x)
}
pub fn sinh(x: &Tensor) -> Result<Tensor> {
    unary::<Sinh>(x)
}
pub fn cosh(x: &Tensor) -> Result<Tensor> {
    unary::<Cosh>(x)
}
pub fn sign(x: &Tensor) -> Result<Tensor> {
    unary::<Sign>(x)
}
pub fn abs(x: &Tensor) -> Result<Tensor> {
    unary::<Abs>(x)
}
pub fn floor(x: &Tensor) -> Result<Tensor> {
    unary::<Floor>(x)
}
pub fn round(x: &Tensor) -> Result<Tensor> {
    unary::<Round>(x)
}
pub fn add(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    binary::<Add>(a, b)
}
pub fn sub(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    binary::<Sub>(a, b)
}
pub fn mul(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    binary::<Mul>(a, b)
}
pub fn div(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    binary::<Div>(a, b)
}
/// The remainder of truncating division (sign of `a`; see [`Rem`]).
pub fn rem(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    binary::<Rem>(a, b)
}
pub fn pow(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    binary::<Pow>(a, b)
}
pub fn max(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    binary::<Max>(a, b)
}
pub fn min(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    binary::<Min>(a, b)
}
pub fn atan2(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    binary::<Atan2>(a, b)
}
pub fn copysign(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    binary::<CopySign>(a, b)
}

/// `x * x`.
pub fn square(x: &Tensor) -> Result<Tensor> {
    mul(x, x)
}

/// Elementwise comparison.
pub fn compare(a: &Tensor, b: &Tensor, cmp: Cmp) -> Result<Tensor> {
    bind1(&Compare { cmp }, &[a.clone(), b.clone()])
}
pub fn eq(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    compare(a, b, Cmp::Eq)
}
pub fn lt(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    compare(a, b, Cmp::Lt)
}
pub fn gt(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    compare(a, b, Cmp::Gt)
}

/// `where(pred, on_true, on_false)` with equal shapes.
pub fn select(pred: &Tensor, on_true: &Tensor, on_false: &Tensor) -> Result<Tensor> {
    bind1(&Select, &[pred.clone(), on_true.clone(), on_false.clone()])
}

/// astype.
pub fn convert(x: &Tensor, dtype: DType) -> Result<Tensor> {
    if x.dtype() == dtype {
        return Ok(x.clone());
    }
    bind1(&ConvertElementType { dtype }, std::slice::from_ref(x))
}

/// Reinserts the reduced `axes` of an input of shape `in_shape` into `y` as length-1 axes
/// (NumPy's `keepdims=True`).
pub fn keep_dims(y: &Tensor, in_shape: &[usize], axes: &[usize]) -> Result<Tensor> {
    let shape: Vec<usize> = (0..in_shape.len())
        .map(|a| if axes.contains(&a) { 1 } else { in_shape[a] })
        .collect();
    reshape(y, &shape)
}

/// Sum over sorted, unique axes (no-op for none).
pub fn reduce_sum(x: &Tensor, axes: &[usize]) -> Result<Tensor> {
    if axes.is_empty() {
        return Ok(x.clone());
    }
    bind1(
        &ReduceSum {
            axes: axes.to_vec(),
        },
        std::slice::from_ref(x),
    )
}

/// Maximum (`max`) or minimum over sorted, unique axes.
pub fn reduce_extremum(x: &Tensor, axes: &[usize], max: bool) -> Result<Tensor> {
    bind1(
        &ReduceExtremum {
            axes: axes.to_vec(),
            max,
        },
        std::slice::from_ref(x),
    )
}

/// Index of the first maximum (`max`) or minimum along `axis`.
pub fn arg_extremum(x: &Tensor, axis: usize, max: bool) -> Result<Tensor> {
    bind1(&ArgExtremum { axis, max }, std::slice::from_ref(x))
}

/// Input axis i becomes output axis `dims[i]` of `shape` (no-op when shapes are equal).
pub fn broadcast_in_dim(x: &Tensor, shape: &[usize], dims: &[usize]) -> Result<Tensor> {
    if x.shape() == shape {
        return Ok(x.clone());
    }
    bind1(
        &BroadcastInDim {
            shape: shape.to_vec(),
            dims: dims.to_vec(),
        },
        std::slice::from_ref(x),
    )
}

/// Row-major reshape (no-op when the shape is unchanged).
pub fn reshape(x: &Tensor, shape: &[usize]) -> Result<Tensor> {
    if x.shape() == shape {
        return Ok(x.clone());
    }
    bind1(
        &Reshape {
            shape: shape.to_vec(),
        },
        std::slice::from_ref(x),
    )
}

/// Permutes axes (no-op for the identity).
pub fn transpose(x: &Tensor, perm: &[usize]) -> Result<Tensor> {
    if perm.iter().enumerate().all(|(i, &p)| i == p) && perm.len() == x.ndim() {
        return Ok(x.clone());
    }
    bind1(
        &Transpose {
            perm: perm.to_vec(),
        },
        std::slice::from_ref(x),
    )
}

/// `x[start:limit:stride]` on every axis.
pub fn slice(x: &Tensor, start: &[usize], limit: &[usize], stride: &[usize]) -> Result<Tensor> {
    bind1(
        &Slice {
            start: start.to_vec(),
            limit: limit.to_vec(),
            stride: stride.to_vec(),
        },
        std::slice::from_ref(x),
    )
}

/// Reverses the listed axes (sorted, unique; no-op for none).
pub fn rev(x: &Tensor, axes: &[usize]) -> Result<Tensor> {
    if axes.is_empty() {
        return Ok(x.clone());
    }
    bind1(
        &Rev {
            axes: axes.to_vec(),
        },
        std::slice::from_ref(x),
    )
}

/// Pads with `value`: `lo`/`hi` per axis, `interior` between elements.
pub fn pad(
    x: &Tensor,
    lo: &[usize],
    hi: &[usize],
    interior: &[usize],
    value: f64,
) -> Result<Tensor> {
    bind1(
        &Pad {
            lo: lo.to_vec(),
            hi: hi.to_vec(),
            interior: interior.to_vec(),
            value,
        },
        std::slice::from_ref(x),
    )
}

/// Joins along `axis`.
pub fn concatenate(xs: &[Tensor], axis: usize) -> Result<Tensor> {
    bind1(&Concatenate { axis }, xs)
}

/// General contraction (see [`DotGeneral`]).
pub fn dot_general(a: &Tensor, b: &Tensor, dims: &DotDims) -> Result<Tensor> {
    bind1(&DotGeneral { dims: dims.clone() }, &[a.clone(), b.clone()])
}

/// x^n for integer n.
pub fn integer_pow(x: &Tensor, n: i32) -> Result<Tensor> {
    bind1(&IntegerPow { n }, std::slice::from_ref(x))
}

/// The identity with a zero derivative.
pub fn stop_gradient(x: &Tensor) -> Result<Tensor> {
    bind1(&StopGradient, std::slice::from_ref(x))
}

/// The same value under a new name: a program records a new variable for it.
pub fn copy(x: &Tensor) -> Result<Tensor> {
    bind1(&CopyValue, std::slice::from_ref(x))
}

// ---- constants -------------------------------------------------------------------------

/// A constant with `x`'s shape and dtype, every element `v` (a zero-copy broadcast).
pub fn scalar_like(x: &Tensor, v: f64) -> Tensor {
    let a = Array::full(&[], v, x.dtype());
    Tensor::from_array(
        a.broadcast_in_dim(x.shape(), &[])
            .expect("a 0-d array broadcasts to any shape"),
    )
}

/// Zeros with `x`'s shape and dtype.
pub fn zeros_like(x: &Tensor) -> Tensor {
    scalar_like(x, 0.0)
}

/// `x + v`.
pub fn add_scalar(x: &Tensor, v: f64) -> Result<Tensor> {
    add(x, &scalar_like(x, v))
}

/// `v - x`.
pub fn sub_from_scalar(v: f64, x: &Tensor) -> Result<Tensor> {
    sub(&scalar_like(x, v), x)
}

/// `1 / x`.
pub fn one_over(x: &Tensor) -> Result<Tensor> {
    div(&scalar_like(x, 1.0), x)
}

// ---- checks shared by shape rules --------------------------------------------------------

/// Rejects non-float inputs.
pub fn require_float(op: &'static str, x: &Aval) -> Result<()> {
    if !x.dtype.is_float() {
        return Err(Error::dtype(
            op,
            "float32 or float64 (convert with astype)",
            x.dtype,
        ));
    }
    Ok(())
}

/// Requires equal dtypes.
pub fn require_same_dtype(op: &'static str, a: &Aval, b: &Aval) -> Result<()> {
    if a.dtype != b.dtype {
        return Err(Error::dtype(
            op,
            format!(
                "{}, the dtype of the first operand (dtypes differ: convert one with astype)",
                a.dtype
            ),
            b.dtype,
        ));
    }
    Ok(())
}

/// Requires equal shapes and dtypes (elementwise primitives; broadcasting happens above).
pub fn require_same(op: &'static str, a: &Aval, b: &Aval) -> Result<()> {
    if a.shape != b.shape {
        return Err(ferrograd_array::Error::ShapeMismatch {
            op,
            lhs: a.shape.to_vec(),
            rhs: b.shape.to_vec(),
            hint: "elementwise primitives need equal shapes; broadcast first",
        }
        .into());
    }
    require_same_dtype(op, a, b)
}

/// The aval after reducing sorted, unique `axes`.
pub fn reduced_aval(op: &'static str, x: &Aval, axes: &[usize]) -> Result<Aval> {
    if let Some(&bad) = axes.iter().find(|&&a| a >= x.shape.len()) {
        return Err(ferrograd_array::Error::AxisOutOfRange {
            op,
            axis: bad as i64,
            rank: x.shape.len(),
        }
        .into());
    }
    let shape: Vec<usize> = (0..x.shape.len())
        .filter(|a| !axes.contains(a))
        .map(|a| x.shape[a])
        .collect();
    Ok(Aval::new(&shape, x.dtype))
}

// ---- batch helpers ---------------------------------------------------------------------------

/// Moves the batch axis of a batched value to the front.
pub fn move_batch_to_front(x: &Tensor, bdim: BatchDim) -> Result<Tensor> {
    match bdim {
        Some(0) => Ok(x.clone()),
        Some(b) => {
            let mut perm = vec![b];
            perm.extend((0..x.ndim()).filter(|&a| a != b));
            transpose(x, &perm)
        }
        None => Err(Error::invalid(
            "vmap",
            "an unbatched value reached a rule that expects a batched one",
        )),
    }
}

/// Every argument with its batch axis first; unbatched ones are broadcast along a new one.
pub fn all_batch_to_front(x: &[Tensor], dims: &[BatchDim]) -> Result<Vec<Tensor>> {
    let size = x
        .iter()
        .zip(dims)
        .find_map(|(x, d)| d.map(|d| x.shape()[d]))
        .ok_or_else(|| Error::invalid("vmap", "no batched argument"))?;
    x.iter()
        .zip(dims)
        .map(|(x, &d)| match d {
            Some(_) => move_batch_to_front(x, d),
            None => {
                let mut shape = vec![size];
                shape.extend_from_slice(x.shape());
                broadcast_in_dim(x, &shape, &(1..=x.ndim()).collect::<Vec<_>>())
            }
        })
        .collect()
}

/// For elementwise rules: all arguments batched along one axis; returns that axis. When the
/// batched arguments already share an axis it is kept (no transposes), and unbatched ones are
/// broadcast along it (a zero-copy view); otherwise every batch axis moves to the front.
pub fn align_batch(x: &[Tensor], dims: &[BatchDim]) -> Result<(Vec<Tensor>, BatchDim)> {
    let mut batched = x.iter().zip(dims).filter_map(|(x, d)| d.map(|d| (x, d)));
    let Some((first, b)) = batched.next() else {
        return Err(Error::invalid("vmap", "no batched argument"));
    };
    if b == 0 || batched.any(|(_, d)| d != b) {
        return Ok((all_batch_to_front(x, dims)?, Some(0)));
    }
    let size = first.shape()[b];
    let args = x
        .iter()
        .zip(dims)
        .map(|(x, d)| match d {
            Some(_) => Ok(x.clone()),
            None => {
                let mut shape = x.shape().to_vec();
                shape.insert(b, size);
                let keep: Vec<usize> = (0..=x.ndim()).filter(|&a| a != b).collect();
                broadcast_in_dim(x, &shape, &keep)
            }
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((args, Some(b)))
}
