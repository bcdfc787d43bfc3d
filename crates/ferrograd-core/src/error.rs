//! The core's error type. Every variant names the operation and, where it helps, the fix.

use ferrograd_array::DType;

/// An error from tracing, a derivative rule or a kernel.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A kernel or shape rule rejected its input.
    #[error(transparent)]
    Array(#[from] ferrograd_array::Error),
    /// A transpose was asked of a primitive that is not linear in that input.
    #[error("{prim} is not linear in the requested input, so it cannot be transposed (is a tangent multiplied by a tangent in a jvp rule?)")]
    NotLinear { prim: &'static str },
    /// A primitive lacks the rule a transform needs.
    #[error("{prim} has no {rule} rule")]
    Unsupported {
        prim: &'static str,
        rule: &'static str,
    },
    /// A traced value was used after the transform that created it returned.
    #[error("{prim}: a traced value escaped the transform that created it (was it stored in a variable outside the function being transformed?); return it from the function instead")]
    TracerLeak { prim: &'static str },
    /// A concrete value was needed but the value is being traced.
    #[error("{op}: needs a concrete value, but the value is traced by a transform; {hint}")]
    ConcreteNeeded {
        op: &'static str,
        hint: &'static str,
    },
    /// Differentiation of something that cannot be differentiated.
    #[error("{op}: {msg}")]
    NotDifferentiable { op: &'static str, msg: String },
    /// A dtype that the operation does not accept.
    #[error("{op}: expected {expected}, got {got}")]
    DType {
        op: &'static str,
        expected: &'static str,
        got: DType,
    },
    /// Any other invalid argument.
    #[error("{op}: {msg}")]
    Invalid { op: &'static str, msg: String },
    /// Reading or writing a file failed, or its contents are not what was asked for
    /// (corrupt, truncated, or of other shapes or dtypes).
    #[error("{op}: {path}: {msg}")]
    Io {
        op: &'static str,
        path: String,
        msg: String,
    },
}

/// Result with the core's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// Shorthand for [`Error::Invalid`].
    pub fn invalid(op: &'static str, msg: impl Into<String>) -> Self {
        Error::Invalid {
            op,
            msg: msg.into(),
        }
    }
}
