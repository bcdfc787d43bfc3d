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
    /// An input with the wrong number of axes (or, for matrix routines, not square): names
    /// what the operation needs, the shape it got and the fix.
    #[error("{op}: needs {expected}, got shape {shape:?}; {fix}")]
    RankMismatch {
        op: &'static str,
        expected: &'static str,
        shape: Vec<usize>,
        fix: &'static str,
    },
    /// Two counts that had to agree did not: tangents and primals, cotangents and outputs,
    /// `in_axes` entries and input leaves, gradients and parameters, a rule's inputs.
    #[error("{op}: {got} {what} but {expected} {of}; {fix}")]
    CountMismatch {
        op: &'static str,
        got: usize,
        what: &'static str,
        expected: usize,
        of: &'static str,
        fix: &'static str,
    },
    /// An operation that needs at least one of something got none.
    #[error("{op}: needs at least one {what}, got none")]
    Empty {
        op: &'static str,
        what: &'static str,
    },
    /// A tensor with one element (a scalar) was needed.
    #[error("{op}: needs a tensor with one element, but this one has shape {shape:?}; {fix}")]
    NotScalar {
        op: &'static str,
        shape: Vec<usize>,
        fix: &'static str,
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

    /// A dtype `op` does not accept: the array layer's [`ferrograd_array::Error::DTypeMismatch`]
    /// (the one dtype error of both crates). `expected` names the accepted dtypes and the fix.
    pub fn dtype(op: &'static str, expected: impl Into<String>, got: DType) -> Self {
        ferrograd_array::Error::DTypeMismatch {
            op,
            expected: expected.into(),
            got,
        }
        .into()
    }

    /// Two shapes that had to agree did not: the array layer's
    /// [`ferrograd_array::Error::ShapeMismatch`].
    pub fn shape_mismatch(
        op: &'static str,
        lhs: &[usize],
        rhs: &[usize],
        hint: &'static str,
    ) -> Self {
        ferrograd_array::Error::ShapeMismatch {
            op,
            lhs: lhs.to_vec(),
            rhs: rhs.to_vec(),
            hint,
        }
        .into()
    }

    /// An axis outside `-rank..rank`: the array layer's
    /// [`ferrograd_array::Error::AxisOutOfRange`].
    pub fn axis_out_of_range(op: &'static str, axis: i64, rank: usize) -> Self {
        ferrograd_array::Error::AxisOutOfRange { op, axis, rank }.into()
    }

    /// Shorthand for [`Error::RankMismatch`].
    pub fn rank(
        op: &'static str,
        expected: &'static str,
        shape: &[usize],
        fix: &'static str,
    ) -> Self {
        Error::RankMismatch {
            op,
            expected,
            shape: shape.to_vec(),
            fix,
        }
    }
}
