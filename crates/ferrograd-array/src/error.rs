//! The array layer's error type: every variant names the operation and what was wrong.

use crate::DType;

/// An error from an array kernel or a shape rule.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Two shapes that had to agree did not.
    #[error("{op}: shapes {lhs:?} and {rhs:?} are incompatible; {hint}")]
    ShapeMismatch {
        op: &'static str,
        lhs: Vec<usize>,
        rhs: Vec<usize>,
        hint: &'static str,
    },
    /// An axis outside `-rank..rank`.
    #[error("{op}: axis {axis} is out of range for an array of rank {rank} (valid: {lo}..{rank})", lo = -(*rank as i64))]
    AxisOutOfRange {
        op: &'static str,
        axis: i64,
        rank: usize,
    },
    /// An operation received a dtype it cannot work on.
    #[error("{op}: expected {expected}, got {got}")]
    DTypeMismatch {
        op: &'static str,
        expected: String,
        got: DType,
    },
    /// An operation that is not defined for a dtype (NumPy raises `TypeError` for these): names
    /// the dtypes it is defined for and the conversion that makes the call work.
    #[error("{op}: not defined for {got} (defined for {supported}); convert with .astype(DType::{fix:?})")]
    UnsupportedDType {
        op: &'static str,
        got: DType,
        supported: String,
        fix: DType,
    },
    /// A failure that depends on the data, not on shapes or dtypes: a singular matrix, one
    /// that is not positive definite, an iteration that did not converge (NumPy's
    /// `LinAlgError`). The `try_` functions of `ferrograd::linalg` return it.
    #[error("{op}: {msg}")]
    LinAlg { op: &'static str, msg: String },
    /// Any other invalid argument, with its explanation.
    #[error("{op}: {msg}")]
    Invalid { op: &'static str, msg: String },
}

/// Result with the array layer's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// The one error for a dtype an operation is not defined for: names `op`, `got`, the
    /// dtypes in `supported` and the conversion to make (int64 where it is supported, else
    /// float64).
    pub fn unsupported(op: &'static str, got: DType, supported: &[DType]) -> Self {
        let order = [DType::F32, DType::F64, DType::I64, DType::U32, DType::Bool];
        let names: Vec<&str> = order
            .iter()
            .filter(|d| supported.contains(d))
            .map(|d| d.name())
            .collect();
        Error::UnsupportedDType {
            op,
            got,
            supported: names.join(", "),
            fix: if supported.contains(&DType::I64) {
                DType::I64
            } else {
                DType::F64
            },
        }
    }

    /// Shorthand for [`Error::Invalid`].
    pub fn invalid(op: &'static str, msg: impl Into<String>) -> Self {
        Error::Invalid {
            op,
            msg: msg.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{kernels, Array};

    #[test]
    fn every_dispatch_family_gives_the_same_unsupported_dtype_error() {
        let flags = Array::from_vec(&[2], vec![true, false]).unwrap();
        let e = kernels::reduce_sum(&flags, &[0]).unwrap_err().to_string();
        assert_eq!(
            e,
            "reduce_sum: not defined for bool (defined for float32, float64, int64, uint32); \
             convert with .astype(DType::I64)"
        );
        let ints = Array::from_vec(&[1, 1], vec![4i64]).unwrap();
        let e = kernels::decomp::cholesky(&ints).unwrap_err().to_string();
        assert_eq!(
            e,
            "cholesky: not defined for int64 (defined for float32, float64); \
             convert with .astype(DType::F64)"
        );
        let matmul = kernels::DotDims {
            lhs_contract: vec![1],
            rhs_contract: vec![0],
            lhs_batch: vec![],
            rhs_batch: vec![],
        };
        let words = Array::from_vec(&[1, 1], vec![4u32]).unwrap();
        let e = kernels::dot_general(&words, &words, &matmul)
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "dot_general: not defined for uint32 (defined for float32, float64, int64); \
             convert with .astype(DType::I64)"
        );
    }
}
