//! [`Operand`]: what a binary method or operator accepts — a tensor or a Rust scalar. A Rust
//! scalar is weakly typed (like a Python scalar in JAX and NumPy 2): it takes the dtype of the
//! tensor it meets, so `x_f32.maximum(0.0)` and `&x_f32 * 2.0` stay float32. A float scalar
//! never becomes an integer: meeting an integer or bool tensor it gives float64
//! (`&x_i64 + 0.5` is `[1.5, 2.5]`), as in NumPy, JAX and PyTorch. An integer scalar meeting a
//! bool tensor gives int64. Meeting a uint32 tensor it stays uint32 when uint32 holds it, and
//! otherwise (negative, or 2³² and up) gives int64, so that the result is the true one:
//! `x_u32 + (-1)` is int64 `x - 1` and `x_u32 > -1` is all true (NumPy 1 did the same; NumPy 2
//! and JAX raise an OverflowError instead). This is the one implementation of the rule:
//! methods, operators and the `np` functions all go through [`resolve`].

use ferrograd_array::{kernels, Array, DType};

use super::broadcast::elementwise;
use crate::{Result, Tensor};

/// An argument of a binary operation before its dtype is settled.
#[derive(Debug, Clone)]
pub enum Arg {
    /// A tensor: its dtype is kept (and promoted with the other operand's).
    Tensor(Tensor),
    /// A Rust float: takes the other operand's float dtype, else float64.
    Float(f64),
    /// A Rust integer: takes the other operand's dtype, else int64.
    Int(i64),
}

/// A value usable as an operand of a binary method: `&Tensor`, `Tensor`, `f64`, `f32`, `i64`
/// or `i32`.
///
/// ```
/// use ferrograd_core::{DType, Tensor};
/// let x = Tensor::from(vec![-1.0f32, 2.0]);
/// let y = x.maximum(0.0); // the scalar becomes float32
/// assert_eq!(y.dtype(), DType::F32);
/// assert_eq!(y.to_vec(), vec![0.0, 2.0]);
/// ```
pub trait Operand {
    /// The argument, with its dtype not yet settled.
    fn into_arg(self) -> Arg;
}

impl Operand for &Tensor {
    fn into_arg(self) -> Arg {
        Arg::Tensor(self.clone())
    }
}
impl Operand for Tensor {
    fn into_arg(self) -> Arg {
        Arg::Tensor(self)
    }
}
impl Operand for &&Tensor {
    fn into_arg(self) -> Arg {
        Arg::Tensor((*self).clone())
    }
}
impl Operand for Arg {
    fn into_arg(self) -> Arg {
        self
    }
}
impl Operand for f64 {
    fn into_arg(self) -> Arg {
        Arg::Float(self)
    }
}
impl Operand for f32 {
    fn into_arg(self) -> Arg {
        Arg::Float(self as f64)
    }
}
impl Operand for i64 {
    fn into_arg(self) -> Arg {
        Arg::Int(self)
    }
}
impl Operand for i32 {
    fn into_arg(self) -> Arg {
        Arg::Int(self as i64)
    }
}

impl Arg {
    /// The dtype a weak scalar takes next to a tensor of `dtype` (or next to another scalar).
    fn weak_dtype(&self, other: Option<DType>) -> DType {
        match (self, other) {
            (Arg::Float(_), Some(d)) if d.is_float() => d,
            (Arg::Float(_), _) => DType::F64,
            (Arg::Int(_), Some(DType::Bool)) => DType::I64,
            (Arg::Int(v), Some(DType::U32)) if u32::try_from(*v).is_err() => DType::I64,
            (Arg::Int(_), Some(d)) => d,
            (Arg::Int(_), None) => DType::I64,
            (Arg::Tensor(t), _) => t.dtype(),
        }
    }

    /// The tensor's dtype, if this is a tensor.
    fn strong_dtype(&self) -> Option<DType> {
        match self {
            Arg::Tensor(t) => Some(t.dtype()),
            _ => None,
        }
    }

    /// The dtype this argument contributes when it meets only other scalars.
    fn scalar_kind(&self) -> DType {
        self.weak_dtype(None)
    }

    /// This argument as a tensor, a scalar taking `dtype`.
    fn into_tensor(self, dtype: DType) -> Tensor {
        match self {
            Arg::Tensor(t) => t,
            Arg::Float(v) => Tensor::full_dtype(&[], v, dtype),
            // Through the integer conversion: exact for int64 (no trip through f64).
            Arg::Int(v) => Tensor::from_array(
                kernels::convert(&Array::scalar(v), dtype)
                    .expect("a 0-d int64 array converts to every dtype"),
            ),
        }
    }
}

/// Settles the dtypes of several arguments: tensors keep theirs (promotion happens later);
/// scalars take the promoted dtype of the tensors by the weak rule, or, among scalars only,
/// float64 if any is a float, else int64.
pub fn resolve<const N: usize>(args: [Arg; N]) -> [Tensor; N] {
    let strong = args
        .iter()
        .filter_map(Arg::strong_dtype)
        .reduce(DType::promote);
    let weak = match strong {
        Some(d) => args
            .iter()
            .filter(|a| a.strong_dtype().is_none())
            .map(|a| a.weak_dtype(Some(d)))
            .fold(d, DType::promote),
        None => args
            .iter()
            .map(Arg::scalar_kind)
            .reduce(DType::promote)
            .unwrap_or(DType::F64),
    };
    args.map(|a| a.into_tensor(weak))
}

/// [`resolve`] for a pair.
pub fn resolve_pair(a: impl Operand, b: impl Operand) -> (Tensor, Tensor) {
    let [a, b] = resolve([a.into_arg(), b.into_arg()]);
    (a, b)
}

/// An operator between a tensor and a Rust scalar (`scalar_first` for `2.0 - x`), by the same
/// rule as [`apply_pair`]. A float scalar next to a float tensor — most arithmetic in
/// numerical code — takes the tensor's dtype directly, without the general resolution's
/// argument lists and tensor clones, which cost a measurable share of a scalar gradient.
pub fn apply_scalar(
    op: &'static str,
    t: &Tensor,
    s: Arg,
    scalar_first: bool,
    f: fn(&Tensor, &Tensor) -> Result<Tensor>,
) -> Result<Tensor> {
    if let (Arg::Float(v), true) = (&s, t.dtype().is_float()) {
        let c = Tensor::full_dtype(&[], *v, t.dtype());
        return if scalar_first {
            elementwise(op, &c, t, f)
        } else {
            elementwise(op, t, &c, f)
        };
    }
    if scalar_first {
        apply_pair(op, s, t, f)
    } else {
        apply_pair(op, t, s, f)
    }
}

/// Settles the operands' dtypes by the weak rule, promotes, broadcasts and applies the
/// equal-shape operation `f`: the path of every binary method and operator.
pub fn apply_pair(
    op: &'static str,
    a: impl Operand,
    b: impl Operand,
    f: fn(&Tensor, &Tensor) -> Result<Tensor>,
) -> Result<Tensor> {
    let (a, b) = resolve_pair(a, b);
    elementwise(op, &a, &b, f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_are_weakly_typed() {
        let x = Tensor::from(vec![1.0f32, 2.0]);
        let (a, b) = resolve_pair(&x, 2.0);
        assert_eq!((a.dtype(), b.dtype()), (DType::F32, DType::F32));
        let i = Tensor::from(vec![1i64, 2]);
        let (_, b) = resolve_pair(0.5, &i);
        assert_eq!(b.dtype(), DType::I64);
        let (a, _) = resolve_pair(0.5, &i);
        assert_eq!((a.dtype(), a.item()), (DType::F64, 0.5));
        let (_, b) = resolve_pair(&i, 3);
        assert_eq!(b.dtype(), DType::I64);
        let (a, b) = resolve_pair(1, 2.5);
        assert_eq!((a.dtype(), b.dtype()), (DType::F64, DType::F64));
    }

    #[test]
    fn integer_scalars_convert_exactly() {
        let u = Tensor::from_vec(vec![1u32], &[1]);
        let (_, b) = resolve_pair(&u, 7);
        assert_eq!((b.dtype(), b.item()), (DType::U32, 7.0));
        // Out of uint32's range: int64, which the tensor is promoted to.
        let (_, b) = resolve_pair(&u, -1);
        assert_eq!((b.dtype(), b.item()), (DType::I64, -1.0));
        let (a, _) = resolve_pair(1i64 << 32, &u);
        assert_eq!((a.dtype(), a.item()), (DType::I64, 4294967296.0));
        let i = Tensor::from(vec![0i64]);
        let big = (1i64 << 53) + 1;
        let (_, b) = resolve_pair(&i, big);
        assert_eq!(b.to_ndarray::<i64>().first(), Some(&big));
    }
}
