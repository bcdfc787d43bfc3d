//! The NumPy array methods that reshape structure: `flip`, `repeat`, `diagonal`, `trace`.
//! Compositions of `rev`, `gather`, `transpose`, `slice` and the masked diagonal sum, so all
//! are differentiable and batchable. `ferrograd::np` has the free-function forms.

use ferrograd_array::shape::normalize_axis;

use super::axes::Axes;
use super::ok;
use crate::lax::linalg as la;
use crate::{lax, DType, Error, Result, Tensor};

fn axis_of(op: &'static str, x: &Tensor, axis: i64) -> Result<usize> {
    if x.ndim() == 0 {
        return Err(Error::rank(
            op,
            "at least one axis",
            x.shape(),
            "a 0-d array has no axis to work along; reshape it to 1-d first",
        ));
    }
    Ok(normalize_axis(op, axis, x.ndim())?)
}

fn repeat_impl(x: &Tensor, repeats: &[usize], axis: Option<i64>) -> Result<Tensor> {
    let (x, axis) = match axis {
        None => (lax::reshape(x, &[x.size()])?, 0),
        Some(a) => (x.clone(), axis_of("repeat", x, a)?),
    };
    let n = x.shape()[axis];
    let reps: Vec<usize> = match repeats.len() {
        1 => vec![repeats[0]; n],
        k if k == n => repeats.to_vec(),
        k => {
            return Err(Error::invalid(
                "repeat",
                format!("{k} repeat counts for an axis of length {n} (give 1 or {n})"),
            ))
        }
    };
    let idx: Vec<i64> = (0..n)
        .flat_map(|i| std::iter::repeat_n(i as i64, reps[i]))
        .collect();
    let len = idx.len();
    x.try_take(&Tensor::from_vec(idx, &[len]), Some(axis as i64))
}

fn diagonal_impl(x: &Tensor, offset: i64, axis1: i64, axis2: i64) -> Result<Tensor> {
    if x.ndim() < 2 {
        return Err(Error::rank(
            "diagonal",
            "at least 2 axes",
            x.shape(),
            "for a vector, make a diagonal matrix with np::diag",
        ));
    }
    if x.dtype() == DType::Bool {
        // The masked sum below needs numbers; bools round-trip exactly through int64.
        let d = diagonal_impl(&lax::convert(x, DType::I64)?, offset, axis1, axis2)?;
        return lax::convert(&d, DType::Bool);
    }
    let a1 = normalize_axis("diagonal", axis1, x.ndim())?;
    let a2 = normalize_axis("diagonal", axis2, x.ndim())?;
    if a1 == a2 {
        return Err(Error::invalid(
            "diagonal",
            format!(
                "axis1 and axis2 are the same axis ({axis1}, {axis2}); give two different axes"
            ),
        ));
    }
    let mut perm: Vec<usize> = (0..x.ndim()).filter(|&a| a != a1 && a != a2).collect();
    perm.extend([a1, a2]);
    let y = lax::transpose(x, &perm)?;
    let r = y.ndim();
    let (m, n) = (y.shape()[r - 2], y.shape()[r - 1]);
    // Offset k > 0 starts at column k, k < 0 at row -k; then the leading square block.
    let (r0, c0) = if offset >= 0 {
        (0, (offset as usize).min(n))
    } else {
        ((offset.unsigned_abs() as usize).min(m), 0)
    };
    let d = (m - r0).min(n - c0);
    let mut start = vec![0; r];
    let mut limit = y.shape().to_vec();
    (start[r - 2], start[r - 1]) = (r0, c0);
    (limit[r - 2], limit[r - 1]) = (r0 + d, c0 + d);
    let sq = lax::slice(&y, &start, &limit, &vec![1; r])?;
    la::diag_part(&sq)
}

impl Tensor {
    /// Reverses the order along `axes` — one axis, several, or `None` for all ([`Axes`]);
    /// NumPy's `np.flip(x, axis)`.
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let x = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[2, 2]);
    /// assert_eq!(x.flip(-1).to_vec(), vec![2.0, 1.0, 4.0, 3.0]);
    /// assert_eq!(x.flip([0, 1]).to_vec(), x.flip(None).to_vec());
    /// ```
    ///
    /// # Panics
    /// If an axis is out of range or repeated.
    #[track_caller]
    pub fn flip(&self, axes: impl Into<Axes>) -> Tensor {
        ok((|| {
            let axes = axes.into().resolve_or_all("flip", self.shape())?;
            lax::rev(self, &axes)
        })())
    }

    /// Each element repeated `repeats` times along `axis` (`None`: of the flattened array);
    /// `repeats` holds one count, or one per element of the axis. NumPy's `x.repeat`.
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let x = Tensor::from(vec![1.0, 2.0, 3.0]);
    /// assert_eq!(x.repeat(&[2], None).to_vec(), vec![1.0, 1.0, 2.0, 2.0, 3.0, 3.0]);
    /// assert_eq!(x.repeat(&[2, 0, 1], Some(0)).to_vec(), vec![1.0, 1.0, 3.0]);
    /// ```
    ///
    /// # Panics
    /// If there is neither one count nor one per element, or the axis is out of range.
    #[track_caller]
    pub fn repeat(&self, repeats: &[usize], axis: Option<i64>) -> Tensor {
        ok(repeat_impl(self, repeats, axis))
    }

    /// The diagonal `offset` (above the main one when positive) of the matrices spanned by
    /// `axis1` and `axis2`, as a new last axis; NumPy's `x.diagonal`.
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let x = Tensor::from_vec((0..6).map(f64::from).collect(), &[2, 3]);
    /// assert_eq!(x.diagonal(1, 0, 1).to_vec(), vec![1.0, 5.0]);
    /// ```
    ///
    /// # Panics
    /// If there are fewer than two axes, or the axes are out of range or equal.
    #[track_caller]
    pub fn diagonal(&self, offset: i64, axis1: i64, axis2: i64) -> Tensor {
        ok(diagonal_impl(self, offset, axis1, axis2))
    }

    /// Fallible [`Tensor::diagonal`].
    ///
    /// # Errors
    /// As [`Tensor::diagonal`] panics.
    pub fn try_diagonal(&self, offset: i64, axis1: i64, axis2: i64) -> Result<Tensor> {
        diagonal_impl(self, offset, axis1, axis2)
    }

    /// The sum of [`Tensor::diagonal`]; NumPy's `x.trace`.
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let x = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[2, 2]);
    /// assert_eq!(x.trace(0, 0, 1).item(), 5.0);
    /// ```
    ///
    /// # Panics
    /// As [`Tensor::diagonal`].
    #[track_caller]
    pub fn trace(&self, offset: i64, axis1: i64, axis2: i64) -> Tensor {
        ok(diagonal_impl(self, offset, axis1, axis2)
            .and_then(|d| lax::reduce_sum(&d, &[d.ndim() - 1])))
    }
}
