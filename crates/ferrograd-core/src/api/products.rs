//! Matrix products with NumPy's semantics — matmul, dot, inner, outer — each lowered to one
//! `dot_general` (outer to a broadcast multiply). Integer operands are multiplied in float64
//! and converted back (exact below 2^53), since the gemm kernel is float-only.

use ferrograd_array::kernels::DotDims;
use ferrograd_array::shape::broadcast_shapes;
use ferrograd_array::DType;

use super::broadcast::{broadcast_to, elementwise, promote_pair};
use super::ok;
use crate::{lax, Error, Result, Tensor};

fn shape_error(op: &'static str, a: &Tensor, b: &Tensor, hint: &'static str) -> Error {
    ferrograd_array::Error::ShapeMismatch {
        op,
        lhs: a.shape().to_vec(),
        rhs: b.shape().to_vec(),
        hint,
    }
    .into()
}

/// Runs a contraction on promoted float operands; integer results are converted back.
fn contract(a: &Tensor, b: &Tensor, dims: &DotDims) -> Result<Tensor> {
    let (a, b) = promote_pair(a, b)?;
    let dtype = a.dtype();
    if dtype.is_float() {
        return lax::dot_general(&a, &b, dims);
    }
    let f = DType::F64;
    let y = lax::dot_general(&lax::convert(&a, f)?, &lax::convert(&b, f)?, dims)?;
    lax::convert(
        &y,
        if dtype == DType::Bool {
            DType::I64
        } else {
            dtype
        },
    )
}

fn matmul_impl(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    if a.ndim() == 0 || b.ndim() == 0 {
        return Err(shape_error(
            "matmul",
            a,
            b,
            "matmul needs at least 1-D operands; use * for scalars",
        ));
    }
    // A 1-D operand is contracted directly (its only axis with the other's matmul axis), so a
    // matrix–vector product is one `dot_general`, with no reshapes around it to run or to
    // differentiate.
    if a.ndim() == 1 || b.ndim() == 1 {
        let ca = a.ndim() - 1;
        let cb = b.ndim().saturating_sub(2);
        if a.shape()[ca] != b.shape()[cb] {
            return Err(shape_error(
                "matmul",
                a,
                b,
                "the last axis of the lhs must match the second-to-last axis of the rhs (the only axis of a 1-D operand)",
            ));
        }
        let dims = DotDims {
            lhs_contract: vec![ca],
            rhs_contract: vec![cb],
            lhs_batch: vec![],
            rhs_batch: vec![],
        };
        return contract(a, b, &dims);
    }
    let a2 = if a.ndim() == 1 {
        lax::reshape(a, &[1, a.shape()[0]])?
    } else {
        a.clone()
    };
    let b2 = if b.ndim() == 1 {
        lax::reshape(b, &[b.shape()[0], 1])?
    } else {
        b.clone()
    };
    let (ra, rb) = (a2.ndim(), b2.ndim());
    let (m, k) = (a2.shape()[ra - 2], a2.shape()[ra - 1]);
    let (k2, n) = (b2.shape()[rb - 2], b2.shape()[rb - 1]);
    if k != k2 {
        return Err(shape_error(
            "matmul",
            a,
            b,
            "the last axis of the lhs must match the second-to-last axis of the rhs",
        ));
    }
    let batch =
        broadcast_shapes("matmul", &a2.shape()[..ra - 2], &b2.shape()[..rb - 2]).map_err(|_| {
            shape_error(
                "matmul",
                a,
                b,
                "the batch axes (all but the last two) must broadcast",
            )
        })?;
    let nb = batch.len();
    let a3 = broadcast_to(&a2, &[batch.as_slice(), &[m, k]].concat())?;
    let b3 = broadcast_to(&b2, &[batch.as_slice(), &[k, n]].concat())?;
    let dims = DotDims {
        lhs_contract: vec![nb + 1],
        rhs_contract: vec![nb],
        lhs_batch: (0..nb).collect(),
        rhs_batch: (0..nb).collect(),
    };
    let y = contract(&a3, &b3, &dims)?;
    let mut shape = batch.to_vec();
    if a.ndim() > 1 {
        shape.push(m);
    }
    if b.ndim() > 1 {
        shape.push(n);
    }
    lax::reshape(&y, &shape)
}

fn dot_impl(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    if a.ndim() == 0 || b.ndim() == 0 {
        return elementwise("dot", a, b, lax::mul);
    }
    // a's last axis meets b's only axis (1-D) or its second-to-last axis.
    let ca = a.ndim() - 1;
    let cb = if b.ndim() == 1 { 0 } else { b.ndim() - 2 };
    contract_pair(
        "dot",
        a,
        b,
        (ca, cb),
        "the last axis of a must match the second-to-last axis of b (the only axis for 1-D b)",
    )
}

/// Contracts axis `ca` of `a` with axis `cb` of `b` (no batch axes), after checking lengths.
fn contract_pair(
    op: &'static str,
    a: &Tensor,
    b: &Tensor,
    (ca, cb): (usize, usize),
    hint: &'static str,
) -> Result<Tensor> {
    if a.shape()[ca] != b.shape()[cb] {
        return Err(shape_error(op, a, b, hint));
    }
    let dims = DotDims {
        lhs_contract: vec![ca],
        rhs_contract: vec![cb],
        lhs_batch: vec![],
        rhs_batch: vec![],
    };
    contract(a, b, &dims)
}

fn inner_impl(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    if a.ndim() == 0 || b.ndim() == 0 {
        return elementwise("inner", a, b, lax::mul);
    }
    let (ca, cb) = (a.ndim() - 1, b.ndim() - 1);
    contract_pair(
        "inner",
        a,
        b,
        (ca, cb),
        "the last axes must have equal lengths",
    )
}

fn outer_impl(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    // outer(a, b)[i, j] = a.flat[i] * b.flat[j]: a column times a row, by broadcasting.
    let col = lax::reshape(a, &[a.size(), 1])?;
    let row = lax::reshape(b, &[1, b.size()])?;
    elementwise("outer", &col, &row, lax::mul)
}

impl Tensor {
    /// Matrix product with NumPy's `matmul` rules: the last two axes are matrices, the others
    /// are batch axes that broadcast; a 1-D lhs is a row vector and a 1-D rhs a column vector,
    /// and that added axis is removed from the result.
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let a = Tensor::full_dtype(&[2, 1, 3, 4], 1.0, ferrograd_core::DType::F64);
    /// let b = Tensor::full_dtype(&[5, 4, 2], 1.0, ferrograd_core::DType::F64);
    /// let c = a.matmul(&b);
    /// assert_eq!(c.shape(), &[2, 5, 3, 2]);
    /// assert_eq!(c.to_vec()[0], 4.0);
    /// ```
    ///
    /// # Panics
    /// If an operand is 0-d, the inner lengths differ, or the batch axes do not broadcast
    /// (see [`Tensor::try_matmul`]).
    #[track_caller]
    pub fn matmul(&self, other: &Tensor) -> Tensor {
        ok(self.try_matmul(other))
    }

    /// Fallible [`Tensor::matmul`].
    ///
    /// # Errors
    /// If an operand is 0-d, the inner lengths differ, or the batch axes do not broadcast.
    pub fn try_matmul(&self, other: &Tensor) -> Result<Tensor> {
        matmul_impl(self, other)
    }

    /// NumPy's `dot`: a product for 0-d operands, the inner product of two vectors, the matrix
    /// product of two matrices; otherwise it contracts the last axis of `self` with the only
    /// axis of a 1-D `other` or the second-to-last axis of `other`.
    ///
    /// # Panics
    /// If the contracted lengths differ.
    #[track_caller]
    pub fn dot(&self, other: &Tensor) -> Tensor {
        ok(dot_impl(self, other))
    }

    /// NumPy's `inner`: contracts the last axes of both (a product for 0-d operands).
    ///
    /// # Panics
    /// If the last axes differ in length.
    #[track_caller]
    pub fn inner(&self, other: &Tensor) -> Tensor {
        ok(inner_impl(self, other))
    }

    /// NumPy's `outer`: `out[i, j] = self.flat[i] * other.flat[j]`.
    #[track_caller]
    pub fn outer(&self, other: &Tensor) -> Tensor {
        ok(outer_impl(self, other))
    }
}
