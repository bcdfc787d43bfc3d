//! Shape methods that take [`Axes`]: `transpose_axes`/`permute`, `moveaxis`, `expand_dims`,
//! `squeeze_axes`/`squeeze_axis`, with NumPy's one-axis, several-axes and `None` forms. All
//! are a `transpose` or a `reshape`, so all are differentiable and batch.

use super::axes::Axes;
use super::ok;
use crate::{lax, Error, Result, Tensor};

/// The axes of `axes`, refusing `None` where the function has no meaning for it.
fn listed(op: &'static str, axes: &Axes, shape: &[usize], rank: usize) -> Result<Vec<usize>> {
    axes.resolve_in(op, shape, rank)?.ok_or_else(|| {
        Error::invalid(
            op,
            format!("needs one axis or a list of axes, got None (array of shape {shape:?})"),
        )
    })
}

/// NumPy's `transpose(x, axes)`: `None` reverses the axes, otherwise a permutation.
fn permutation(op: &'static str, x: &Tensor, axes: &Axes) -> Result<Vec<usize>> {
    let Some(perm) = axes.resolve(op, x.shape())? else {
        return Ok((0..x.ndim()).rev().collect());
    };
    if perm.len() != x.ndim() {
        return Err(Error::invalid(
            op,
            format!(
                "axes {:?} are not a permutation of the {} axes of shape {:?}; list each axis once",
                axes.as_slice().unwrap_or_default(),
                x.ndim(),
                x.shape()
            ),
        ));
    }
    Ok(perm)
}

fn moveaxis_impl(x: &Tensor, src: &Axes, dst: &Axes) -> Result<Tensor> {
    let r = x.ndim();
    let s = listed("moveaxis", src, x.shape(), r)?;
    let d = listed("moveaxis", dst, x.shape(), r)?;
    if s.len() != d.len() {
        return Err(Error::invalid(
            "moveaxis",
            format!(
                "source {:?} and destination {:?} differ in length (array of shape {:?}); give one destination per source axis",
                src.as_slice().unwrap_or_default(),
                dst.as_slice().unwrap_or_default(),
                x.shape()
            ),
        ));
    }
    // NumPy's construction: the unmoved axes in order, then each moved axis inserted at its
    // destination, in increasing order of destination.
    let mut perm: Vec<usize> = (0..r).filter(|a| !s.contains(a)).collect();
    let mut pairs: Vec<(usize, usize)> = d.into_iter().zip(s).collect();
    pairs.sort_unstable();
    for (dest, source) in pairs {
        perm.insert(dest, source);
    }
    lax::transpose(x, &perm)
}

fn expand_dims_impl(x: &Tensor, axis: &Axes) -> Result<Tensor> {
    let n = axis.as_slice().map_or(0, <[i64]>::len);
    let mut new = listed("expand_dims", axis, x.shape(), x.ndim() + n)?;
    new.sort_unstable();
    let mut old = x.shape().iter();
    let shape: Vec<usize> = (0..x.ndim() + n)
        .map(|a| match new.binary_search(&a) {
            Ok(_) => 1,
            Err(_) => old.next().copied().unwrap_or(1),
        })
        .collect();
    lax::reshape(x, &shape)
}

fn squeeze_impl(x: &Tensor, axes: &Axes) -> Result<Tensor> {
    let drop: Vec<usize> = match axes.resolve("squeeze", x.shape())? {
        None => (0..x.ndim()).filter(|&a| x.shape()[a] == 1).collect(),
        Some(axes) => axes,
    };
    if let Some(&a) = drop.iter().find(|&&a| x.shape()[a] != 1) {
        return Err(Error::invalid(
            "squeeze",
            format!(
                "axis {a} of shape {:?} has length {}, not 1; squeeze only length-1 axes (None removes all of them)",
                x.shape(),
                x.shape()[a]
            ),
        ));
    }
    let shape: Vec<usize> = (0..x.ndim())
        .filter(|a| !drop.contains(a))
        .map(|a| x.shape()[a])
        .collect();
    lax::reshape(x, &shape)
}

impl Tensor {
    /// Permutes the axes: output axis `i` is input axis `axes[i]` (negative axes allowed);
    /// `None` reverses them, as [`Tensor::transpose`]. NumPy's `np.transpose(x, axes)`.
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let x = Tensor::from_vec(vec![0.0; 24], &[2, 3, 4]);
    /// assert_eq!(x.transpose_axes([1, -1, 0]).shape(), &[3, 4, 2]);
    /// assert_eq!(x.transpose_axes(None).shape(), &[4, 3, 2]);
    /// ```
    ///
    /// # Panics
    /// If `axes` is not a permutation of the axes.
    #[track_caller]
    pub fn transpose_axes(&self, axes: impl Into<Axes>) -> Tensor {
        let axes = axes.into();
        ok(permutation("transpose", self, &axes).and_then(|p| lax::transpose(self, &p)))
    }

    /// [`Tensor::transpose_axes`] under PyTorch's name (and the Array API's `permute_dims`).
    ///
    /// # Panics
    /// If `axes` is not a permutation of the axes.
    #[track_caller]
    pub fn permute(&self, axes: impl Into<Axes>) -> Tensor {
        let axes = axes.into();
        ok(permutation("permute", self, &axes).and_then(|p| lax::transpose(self, &p)))
    }

    /// Moves axes `src` to positions `dst`, keeping the order of the others; one axis or
    /// equally long lists of them (NumPy's `np.moveaxis(x, source, destination)`).
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let x = Tensor::from_vec(vec![0.0; 60], &[3, 4, 5]);
    /// assert_eq!(x.moveaxis(0, -1).shape(), &[4, 5, 3]);
    /// assert_eq!(x.moveaxis([0, 1], [-1, -2]).shape(), &[5, 4, 3]);
    /// ```
    ///
    /// # Panics
    /// If an axis is out of range or repeated, or the lists differ in length.
    #[track_caller]
    pub fn moveaxis(&self, src: impl Into<Axes>, dst: impl Into<Axes>) -> Tensor {
        ok(moveaxis_impl(self, &src.into(), &dst.into()))
    }

    /// Inserts length-1 axes at positions `axis` of the result (one or several; negative
    /// counts from the result's end). NumPy's `np.expand_dims(x, axis)`.
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let x = Tensor::from_vec(vec![0.0; 12], &[3, 4]);
    /// assert_eq!(x.expand_dims(-1).shape(), &[3, 4, 1]);
    /// assert_eq!(x.expand_dims([0, -1]).shape(), &[1, 3, 4, 1]);
    /// ```
    ///
    /// # Panics
    /// If an axis is out of range for `ndim + (number of axes)` axes, or repeated.
    #[track_caller]
    pub fn expand_dims(&self, axis: impl Into<Axes>) -> Tensor {
        ok(expand_dims_impl(self, &axis.into()))
    }

    /// Removes every length-1 axis (NumPy's `x.squeeze()`).
    #[track_caller]
    pub fn squeeze(&self) -> Tensor {
        ok(squeeze_impl(self, &Axes::NONE))
    }

    /// Removes one axis, which must have length 1.
    ///
    /// # Panics
    /// If the axis is out of range or its length is not 1.
    #[track_caller]
    pub fn squeeze_axis(&self, axis: i64) -> Tensor {
        ok(squeeze_impl(self, &axis.into()))
    }

    /// Removes the listed axes, each of length 1; `None` removes every length-1 axis
    /// (NumPy's `np.squeeze(x, axis)`).
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let x = Tensor::from_vec(vec![0.0; 3], &[1, 3, 1, 1]);
    /// assert_eq!(x.squeeze_axes([0, -1]).shape(), &[3, 1]);
    /// assert_eq!(x.squeeze_axes(None).shape(), &[3]);
    /// ```
    ///
    /// # Panics
    /// If an axis is out of range, repeated, or not of length 1.
    #[track_caller]
    pub fn squeeze_axes(&self, axes: impl Into<Axes>) -> Tensor {
        ok(squeeze_impl(self, &axes.into()))
    }
}
