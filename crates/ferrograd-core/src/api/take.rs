//! `take`, `take_along_axis` and `nonzero` (NumPy's one-argument `where`).

use ferrograd_array::kernels::GatherDims;
use ferrograd_array::shape::normalize_axis;
use ferrograd_array::DType;

use super::index::{check_bounds, int_indices};
use super::ok;
use crate::{interp, lax, Error, Result, Tensor};

fn take_impl(x: &Tensor, idx: &Tensor, axis: Option<i64>) -> Result<Tensor> {
    let idx = int_indices("take", idx)?;
    let (x, axis) = match axis {
        None => (lax::reshape(x, &[x.size()])?, 0),
        Some(a) => (x.clone(), normalize_axis("take", a, x.ndim())?),
    };
    check_bounds("take", &idx, x.shape()[axis], axis, x.shape())?;
    lax::gather(&x, &idx, GatherDims { axis, batch: 0 })
}

fn take_along_impl(x: &Tensor, idx: &Tensor, axis: i64) -> Result<Tensor> {
    let idx = int_indices("take_along_axis", idx)?;
    if idx.ndim() != x.ndim() {
        return Err(Error::shape_mismatch(
            "take_along_axis",
            idx.shape(),
            x.shape(),
            "the indices need the same number of axes as the array (add axes with expand_dims)",
        ));
    }
    let axis = normalize_axis("take_along_axis", axis, x.ndim())?;
    check_bounds("take_along_axis", &idx, x.shape()[axis], axis, x.shape())?;
    // Broadcast every other axis; the indexed axis keeps each side's own length.
    let mut xs = x.shape().to_vec();
    let mut is = idx.shape().to_vec();
    (xs[axis], is[axis]) = (1, 1);
    let common = ferrograd_array::shape::broadcast_shapes("take_along_axis", &xs, &is)?;
    let (mut xt, mut it) = (common.to_vec(), common.to_vec());
    (xt[axis], it[axis]) = (x.shape()[axis], idx.shape()[axis]);
    let all: Vec<usize> = (0..x.ndim()).collect();
    let xb = lax::broadcast_in_dim(x, &xt, &all)?;
    let ib = lax::broadcast_in_dim(&idx, &it, &all)?;
    lax::take_along_axis(&xb, &ib, axis)
}

fn nonzero_impl(x: &Tensor) -> Result<Vec<Tensor>> {
    let v = interp::concrete_value(x).ok_or(Error::ConcreteNeeded {
        op: "nonzero",
        hint: "the number of nonzero elements decides the result's shape, so the values must be known (they are under grad and jvp, not under vmap or staging); use where_(mask, x, 0) or a fixed-size formulation instead",
    })?;
    let shape = v.shape().to_vec();
    if shape.is_empty() {
        return Err(Error::rank(
            "nonzero",
            "at least one axis",
            x.shape(),
            "a 0-d array has no axes to index; reshape it to 1-d first (as NumPy requires)",
        ));
    }
    let vals = v.to_vec();
    let mut cols: Vec<Vec<i64>> = vec![Vec::new(); shape.len()];
    for (flat, _) in vals.iter().enumerate().filter(|(_, &e)| e != 0.0) {
        let mut rem = flat;
        for ax in (0..shape.len()).rev() {
            cols[ax].push((rem % shape[ax]) as i64);
            rem /= shape[ax];
        }
    }
    Ok(cols
        .into_iter()
        .map(|c| {
            let n = c.len();
            Tensor::from_vec(c, &[n])
        })
        .collect())
}

impl Tensor {
    /// Elements at integer positions `idx` along `axis` (`None`: of the flattened array);
    /// the result has shape `x.shape[..axis] ++ idx.shape ++ x.shape[axis+1..]`. Negative
    /// positions count from the end. Differentiable in `x` (repeated positions add up).
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let x = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]);
    /// let i = Tensor::from(vec![2i64, -3]);
    /// assert_eq!(x.take(&i, Some(1)).to_vec(), vec![3.0, 1.0, 6.0, 4.0]);
    /// assert_eq!(x.take(&i, None).to_vec(), vec![3.0, 4.0]);
    /// ```
    ///
    /// # Panics
    /// On a position out of bounds (the message names it, the axis and the shape), an axis
    /// out of range, or float indices.
    #[track_caller]
    pub fn take(&self, idx: &Tensor, axis: Option<i64>) -> Tensor {
        ok(take_impl(self, idx, axis))
    }

    /// Fallible [`Tensor::take`].
    ///
    /// # Errors
    /// As listed under [`Tensor::take`]'s panics.
    pub fn try_take(&self, idx: &Tensor, axis: Option<i64>) -> Result<Tensor> {
        take_impl(self, idx, axis)
    }

    /// NumPy's `take_along_axis`: `out[.., j, ..] = x[.., idx[.., j, ..], ..]` along `axis`,
    /// the other axes broadcast between `x` and `idx` (pairs with `argsort`/`argmax` output).
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let x = Tensor::from_vec(vec![3.0, 1.0, 2.0, 9.0, 7.0, 8.0], &[2, 3]);
    /// let order = x.argsort(-1);
    /// assert_eq!(x.take_along_axis(&order, -1).to_vec(), vec![1.0, 2.0, 3.0, 7.0, 8.0, 9.0]);
    /// ```
    ///
    /// # Panics
    /// If the ranks differ, the other axes do not broadcast, or a position is out of bounds.
    #[track_caller]
    pub fn take_along_axis(&self, idx: &Tensor, axis: i64) -> Tensor {
        ok(take_along_impl(self, idx, axis))
    }

    /// Fallible [`Tensor::take_along_axis`].
    ///
    /// # Errors
    /// As listed under [`Tensor::take_along_axis`]'s panics.
    pub fn try_take_along_axis(&self, idx: &Tensor, axis: i64) -> Result<Tensor> {
        take_along_impl(self, idx, axis)
    }

    /// Positions of the nonzero (true) elements: one int64 array per axis (NumPy's `nonzero`
    /// and one-argument `where`), in row-major order. Needs concrete values — it works under
    /// `grad` and `jvp` (the values are known there) but not under `vmap`.
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let m = Tensor::from_vec(vec![false, true, true, false], &[2, 2]);
    /// let ij = m.nonzero();
    /// assert_eq!((ij[0].to_vec(), ij[1].to_vec()), (vec![0.0, 1.0], vec![1.0, 0.0]));
    /// ```
    ///
    /// # Panics
    /// For a 0-d array, or traced values (see [`Tensor::try_nonzero`]).
    #[doc(alias = "where")]
    #[track_caller]
    pub fn nonzero(&self) -> Vec<Tensor> {
        ok(nonzero_impl(self))
    }

    /// Fallible [`Tensor::nonzero`].
    ///
    /// # Errors
    /// [`Error::ConcreteNeeded`] when the values are traced; invalid for a 0-d array.
    pub fn try_nonzero(&self) -> Result<Vec<Tensor>> {
        nonzero_impl(self)
    }

    /// NumPy's `argwhere`: an int64 `[count, ndim]` array of the nonzero positions.
    ///
    /// # Panics
    /// As [`Tensor::nonzero`].
    #[track_caller]
    pub fn argwhere(&self) -> Tensor {
        let cols = self.nonzero();
        let n = cols.first().map_or(0, Tensor::size);
        let parts: Vec<Tensor> = cols.iter().map(|c| c.reshape(&[n as i64, 1])).collect();
        let refs: Vec<&Tensor> = parts.iter().collect();
        match refs.is_empty() {
            true => Tensor::full_dtype(&[0, 0], 0.0, DType::I64),
            false => Tensor::concatenate(&refs, 1),
        }
    }
}
