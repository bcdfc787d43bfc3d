//! The integer and bool forms of the elementwise kernels, and the one check of which dtypes an
//! elementwise operation is defined for.
//!
//! Integer arithmetic follows NumPy's results: it wraps on overflow (`0u32 - 1` is
//! 4294967295, `-i64::MIN` is `i64::MIN`), and integer division or remainder by zero gives 0
//! (NumPy gives 0 too, with a warning; ferrograd has no warnings). Floats are always defined;
//! their kernels live with the callers ([`super::binary`], [`super::unary`]).

use super::elementwise::{map, zip_map};
use crate::{Array, DType, Element, Error, Result};

/// Which non-float dtypes an elementwise operation is defined for (floats always are).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Support {
    pub i64: bool,
    pub u32: bool,
    pub bool: bool,
}

impl Support {
    /// Whether the operation is defined for `dtype`.
    pub fn has(self, dtype: DType) -> bool {
        match dtype {
            DType::F32 | DType::F64 => true,
            DType::I64 => self.i64,
            DType::U32 => self.u32,
            DType::Bool => self.bool,
        }
    }

    /// `Ok` for a supported dtype; otherwise the error that names `op`, `dtype`, the dtypes
    /// the operation is defined for and the conversion to make (int64 where it is defined
    /// and the input is an integer or bool, else float64).
    pub fn check(self, op: &'static str, dtype: DType) -> Result<()> {
        if self.has(dtype) {
            return Ok(());
        }
        let all = [DType::F32, DType::F64, DType::I64, DType::U32, DType::Bool];
        let supported: Vec<DType> = all.into_iter().filter(|&d| self.has(d)).collect();
        Err(Error::unsupported(op, dtype, &supported))
    }
}

/// Integer and bool forms of a binary elementwise operation; `None` where it is not defined.
#[derive(Debug, Clone, Copy)]
pub struct BinaryInts {
    pub i64: Option<fn(i64, i64) -> i64>,
    pub u32: Option<fn(u32, u32) -> u32>,
    pub bool: Option<fn(bool, bool) -> bool>,
}

impl BinaryInts {
    /// Defined for floats only.
    pub const NONE: BinaryInts = BinaryInts {
        i64: None,
        u32: None,
        bool: None,
    };

    /// The dtypes these forms cover.
    pub fn support(&self) -> Support {
        Support {
            i64: self.i64.is_some(),
            u32: self.u32.is_some(),
            bool: self.bool.is_some(),
        }
    }
}

/// Integer forms of a unary elementwise operation; `None` where it is not defined.
#[derive(Debug, Clone, Copy)]
pub struct UnaryInts {
    pub i64: Option<fn(i64) -> i64>,
    pub u32: Option<fn(u32) -> u32>,
}

impl UnaryInts {
    /// Defined for floats only.
    pub const NONE: UnaryInts = UnaryInts {
        i64: None,
        u32: None,
    };

    /// The dtypes these forms cover (no unary operation is defined for bool).
    pub fn support(&self) -> Support {
        Support {
            i64: self.i64.is_some(),
            u32: self.u32.is_some(),
            bool: false,
        }
    }
}

/// `f(a, b)` for integer or bool operands of one shape and dtype; the error of
/// [`Support::check`] where `ints` has no form for the dtype.
pub(super) fn binary_ints(
    op: &'static str,
    a: &Array,
    b: &Array,
    ints: &BinaryInts,
) -> Result<Array> {
    fn go<T: Element>(op: &'static str, a: &Array, b: &Array, f: fn(T, T) -> T) -> Result<Array> {
        if let (Some(x), Some(y)) = (a.as_scalar::<T>(), b.as_scalar::<T>()) {
            return Ok(Array::scalar(f(x, y)));
        }
        Ok(Array::from_ndarray(zip_map(
            op,
            a.view(op)?,
            b.view(op)?,
            f,
        )?))
    }
    // The forms are given per dtype (integer wrapping, bool logic), so this picks one by
    // dtype rather than through `dispatch!`; the error is `Error::unsupported`'s.
    match (a.dtype(), ints) {
        (DType::I64, BinaryInts { i64: Some(f), .. }) => go(op, a, b, *f),
        (DType::U32, BinaryInts { u32: Some(f), .. }) => go(op, a, b, *f),
        (DType::Bool, BinaryInts { bool: Some(f), .. }) => go(op, a, b, *f),
        (got, _) => ints
            .support()
            .check(op, got)
            .and_then(|()| Err(Error::invalid(op, format!("{got} has no integer kernel")))),
    }
}

/// `f(x)` for an integer operand; the error of [`Support::check`] where `ints` has no form
/// for its dtype.
pub(super) fn unary_ints(op: &'static str, x: &Array, ints: &UnaryInts) -> Result<Array> {
    fn go<T: Element>(op: &'static str, x: &Array, f: fn(T) -> T) -> Result<Array> {
        if let Some(v) = x.as_scalar::<T>() {
            return Ok(Array::scalar(f(v)));
        }
        Ok(Array::from_ndarray(map(x.view::<T>(op)?, f)))
    }
    // Per-dtype forms, as in `binary_ints`.
    match (x.dtype(), ints) {
        (DType::I64, UnaryInts { i64: Some(f), .. }) => go(op, x, *f),
        (DType::U32, UnaryInts { u32: Some(f), .. }) => go(op, x, *f),
        (got, _) => ints
            .support()
            .check(op, got)
            .and_then(|()| Err(Error::invalid(op, format!("{got} has no integer kernel")))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUB: BinaryInts = BinaryInts {
        i64: Some(i64::wrapping_sub),
        u32: Some(u32::wrapping_sub),
        bool: None,
    };

    #[test]
    fn integer_forms_wrap_and_scalars_take_the_fast_path() {
        let a = Array::from_vec(&[2], vec![0u32, 5]).unwrap();
        let b = Array::from_vec(&[2], vec![1u32, 2]).unwrap();
        let d = binary_ints("sub", &a, &b, &SUB).unwrap();
        assert_eq!(d.dtype(), DType::U32);
        assert_eq!(d.to_f64_vec(), vec![4294967295.0, 3.0]);
        let s = binary_ints("sub", &Array::scalar(i64::MIN), &Array::scalar(1i64), &SUB);
        assert_eq!(s.unwrap().as_scalar::<i64>(), Some(i64::MAX));
        let neg = UnaryInts {
            i64: Some(i64::wrapping_neg),
            u32: Some(u32::wrapping_neg),
        };
        let n = unary_ints("neg", &Array::scalar(1u32), &neg).unwrap();
        assert_eq!(n.as_scalar::<u32>(), Some(u32::MAX));
    }

    #[test]
    fn missing_forms_name_the_op_the_dtype_and_the_fix() {
        let t = Array::from_vec(&[1], vec![true]).unwrap();
        let e = binary_ints("sub", &t, &t, &SUB).unwrap_err().to_string();
        assert_eq!(
            e,
            "sub: not defined for bool (defined for float32, float64, int64, uint32); \
             convert with .astype(DType::I64)"
        );
        let i = Array::scalar(3i64);
        let e = unary_ints("exp", &i, &UnaryInts::NONE)
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "exp: not defined for int64 (defined for float32, float64); \
             convert with .astype(DType::F64)"
        );
    }
}
