//! [`Operand`]: what a binary method accepts — a tensor or a Rust scalar. A Rust scalar is
//! weakly typed (like a Python scalar in JAX): it takes the dtype of the tensor it meets, so
//! `x_f32.maximum(0.0)` stays float32. A float scalar meeting an integer or bool tensor gives
//! float64, and an integer scalar meeting a bool tensor gives int64, as in NumPy.

use ferrograd_array::DType;

use crate::Tensor;

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
            Arg::Int(v) => Tensor::full_dtype(&[], v as f64, dtype),
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
}
