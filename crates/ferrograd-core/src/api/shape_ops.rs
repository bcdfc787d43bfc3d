//! Shape methods: reshape, flatten, transpose, swapaxes, broadcast_to, indexing (`get`,
//! `slice` with ndarray's `s![]`), concatenate and stack; those taking [`Axes`](super::Axes)
//! (permute, moveaxis, expand_dims, squeeze) are in `shape_axes.rs`. All are compositions of
//! the structural primitives, so all are differentiable.

use ferrograd_array::shape::{normalize_axis, size};
use ferrograd_array::DType;
use ndarray::SliceInfoElem;

use super::broadcast::broadcast_to;
use super::ok;
use crate::{lax, Error, Result, Tensor};

/// Resolves a shape with at most one `-1` for a tensor of `n` elements.
fn infer_shape(from: &[usize], shape: &[i64]) -> Result<Vec<usize>> {
    let n = size(from);
    let bad = |why: &str| {
        Error::invalid(
            "reshape",
            format!(
                "cannot reshape an array of shape {from:?} ({n} elements) into {shape:?}: {why}"
            ),
        )
    };
    if shape.iter().filter(|&&d| d == -1).count() > 1 {
        return Err(bad("only one dimension can be -1"));
    }
    if shape.iter().any(|&d| d < -1) {
        return Err(bad("dimensions must be ≥ 0 or -1"));
    }
    let known: usize = shape
        .iter()
        .filter(|&&d| d >= 0)
        .map(|&d| d as usize)
        .product();
    let out: Vec<usize> = if shape.contains(&-1) {
        if known == 0 || !n.is_multiple_of(known) {
            return Err(bad("the -1 dimension cannot be inferred"));
        }
        let fill = n / known;
        shape
            .iter()
            .map(|&d| if d == -1 { fill } else { d as usize })
            .collect()
    } else {
        shape.iter().map(|&d| d as usize).collect()
    };
    if size(&out) != n {
        return Err(bad("the number of elements differs"));
    }
    Ok(out)
}

/// Reverses `axis` (the `rev` primitive).
fn reverse_axis(x: &Tensor, axis: usize) -> Result<Tensor> {
    lax::rev(x, &[axis])
}

/// A possibly negative index into an axis of length `len`, clamped like a NumPy slice bound.
fn clamp_bound(i: isize, len: usize) -> usize {
    let len = len as isize;
    (if i < 0 { i + len } else { i }).clamp(0, len) as usize
}

/// One axis of a slice: (start, limit, stride, reverse) for the `slice` primitive.
fn slice_axis(
    elem: (isize, Option<isize>, isize),
    len: usize,
) -> Result<(usize, usize, usize, bool)> {
    let (start, end, step) = elem;
    if step == 0 {
        return Err(Error::invalid("slice", "a slice step cannot be 0"));
    }
    let lo = clamp_bound(start, len);
    let hi = end.map_or(len, |e| clamp_bound(e, len)).max(lo);
    let k = step.unsigned_abs();
    if step > 0 || hi == lo {
        return Ok((lo, hi, k, false));
    }
    // ndarray's rule: take lo..hi, then walk it backwards from its last element by |step|;
    // so keep the elements congruent to hi - 1 modulo k, then reverse.
    Ok((lo + (hi - 1 - lo) % k, hi, k, true))
}

/// `x[info]` with ndarray's `s![]` semantics (see [`Tensor::slice`]).
fn slice_impl(x: &Tensor, info: &[SliceInfoElem]) -> Result<Tensor> {
    let n_in = info
        .iter()
        .filter(|e| !matches!(e, SliceInfoElem::NewAxis))
        .count();
    if n_in > x.ndim() {
        return Err(Error::invalid(
            "slice",
            format!("{n_in} indices for an array of shape {:?}", x.shape()),
        ));
    }
    let (mut start, mut limit, mut stride) =
        (vec![0; x.ndim()], x.shape().to_vec(), vec![1; x.ndim()]);
    let mut reverse = Vec::new();
    let mut out_shape = Vec::new();
    let mut ax = 0;
    for e in info {
        match *e {
            SliceInfoElem::NewAxis => out_shape.push(1),
            SliceInfoElem::Index(i) => {
                let len = x.shape()[ax] as isize;
                if i < -len || i >= len {
                    return Err(Error::invalid(
                        "slice",
                        format!(
                            "index {i} is out of range for axis {ax} of length {len} (shape {:?})",
                            x.shape()
                        ),
                    ));
                }
                start[ax] = (if i < 0 { i + len } else { i }) as usize;
                limit[ax] = start[ax] + 1;
                ax += 1;
            }
            SliceInfoElem::Slice {
                start: s,
                end,
                step,
            } => {
                let (lo, hi, k, rev) = slice_axis((s, end, step), x.shape()[ax])?;
                (start[ax], limit[ax], stride[ax]) = (lo, hi, k);
                if rev {
                    reverse.push(ax);
                }
                out_shape.push((hi - lo).div_ceil(k));
                ax += 1;
            }
        }
    }
    out_shape.extend_from_slice(&x.shape()[ax..]);
    let mut y = lax::slice(x, &start, &limit, &stride)?;
    for a in reverse {
        y = reverse_axis(&y, a)?;
    }
    lax::reshape(&y, &out_shape)
}

/// Promotes every input to the common dtype.
fn promote_all(xs: &[&Tensor]) -> Result<Vec<Tensor>> {
    let dtype = xs.iter().map(|x| x.dtype()).reduce(DType::promote);
    xs.iter()
        .map(|x| lax::convert(x, dtype.unwrap_or(DType::F64)))
        .collect()
}

fn concatenate_impl(xs: &[&Tensor], axis: i64) -> Result<Tensor> {
    let first = xs.first().ok_or(Error::Empty {
        op: "concatenate",
        what: "array",
    })?;
    if first.ndim() == 0 {
        return Err(Error::rank(
            "concatenate",
            "arrays with at least one axis",
            first.shape(),
            "0-d arrays cannot be concatenated (use stack)",
        ));
    }
    let axis = normalize_axis("concatenate", axis, first.ndim())?;
    lax::concatenate(&promote_all(xs)?, axis)
}

fn stack_impl(xs: &[&Tensor], axis: i64) -> Result<Tensor> {
    let first = xs.first().ok_or(Error::Empty {
        op: "stack",
        what: "array",
    })?;
    if let Some(other) = xs.iter().find(|x| x.shape() != first.shape()) {
        return Err(Error::shape_mismatch(
            "stack",
            first.shape(),
            other.shape(),
            "all arrays must have the same shape (use concatenate to join along an existing axis)",
        ));
    }
    let axis = normalize_axis("stack", axis, first.ndim() + 1)?;
    let mut shape = first.shape().to_vec();
    shape.insert(axis, 1);
    let parts = promote_all(xs)?
        .iter()
        .map(|x| lax::reshape(x, &shape))
        .collect::<Result<Vec<_>>>()?;
    lax::concatenate(&parts, axis)
}

impl Tensor {
    /// The same elements in row-major order with a new shape; one dimension may be `-1`
    /// (inferred).
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let x = Tensor::from(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    /// assert_eq!(x.reshape(&[-1, 3]).shape(), &[2, 3]);
    /// ```
    ///
    /// # Panics
    /// If the element counts differ or `-1` cannot be inferred (see [`Tensor::try_reshape`]).
    #[track_caller]
    pub fn reshape(&self, shape: &[i64]) -> Tensor {
        ok(self.try_reshape(shape))
    }

    /// Fallible [`Tensor::reshape`].
    ///
    /// # Errors
    /// If the element counts differ, there are several `-1`, or `-1` cannot be inferred.
    pub fn try_reshape(&self, shape: &[i64]) -> Result<Tensor> {
        lax::reshape(self, &infer_shape(self.shape(), shape)?)
    }

    /// The elements as a 1-D tensor (row-major).
    #[track_caller]
    pub fn flatten(&self) -> Tensor {
        ok(lax::reshape(self, &[self.size()]))
    }

    /// Reverses the order of the axes (NumPy's `x.T`; for 2-D the matrix transpose). For
    /// NumPy's `transpose(axes)` see [`Tensor::transpose_axes`].
    #[track_caller]
    pub fn transpose(&self) -> Tensor {
        let perm: Vec<usize> = (0..self.ndim()).rev().collect();
        ok(lax::transpose(self, &perm))
    }

    /// Short for [`Tensor::transpose`] (reverses the axes).
    #[track_caller]
    pub fn t(&self) -> Tensor {
        self.transpose()
    }

    /// Exchanges two axes.
    ///
    /// # Panics
    /// If an axis is out of range.
    #[track_caller]
    pub fn swapaxes(&self, a: i64, b: i64) -> Tensor {
        ok((|| {
            let a = normalize_axis("swapaxes", a, self.ndim())?;
            let b = normalize_axis("swapaxes", b, self.ndim())?;
            let mut perm: Vec<usize> = (0..self.ndim()).collect();
            perm.swap(a, b);
            lax::transpose(self, &perm)
        })())
    }

    /// Broadcasts to `shape` by NumPy's rule (a zero-copy view; its derivative sums back).
    ///
    /// # Panics
    /// If the shape is not reachable by broadcasting.
    #[track_caller]
    pub fn broadcast_to(&self, shape: &[usize]) -> Tensor {
        ok(broadcast_to(self, shape))
    }

    /// `x[i]`: the sub-tensor at index `i` of axis 0 (negative counts from the end); the axis
    /// disappears.
    ///
    /// # Panics
    /// If the tensor is 0-d or `i` is out of range.
    #[track_caller]
    pub fn get(&self, i: i64) -> Tensor {
        ok(slice_impl(self, &[SliceInfoElem::Index(i as isize)]))
    }

    /// Basic indexing with ndarray's [`s!`](ndarray::s) macro: ranges with steps, single
    /// indices (which drop their axis) and `NewAxis`; negative bounds count from the end,
    /// axes not mentioned are kept whole. Range bounds are clamped like NumPy's; an index out
    /// of range is an error.
    ///
    /// A negative step follows ndarray, not NumPy: `s![a..b;-k]` takes `a..b` and walks it
    /// backwards from its last element (NumPy's `x[b-1:a-1:-k]`, so `s![..;-1]` reverses like
    /// `x[::-1]`).
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// use ndarray::s;
    /// let x = Tensor::from_vec((0..12).map(|v| v as f64).collect(), &[3, 4]);
    /// let y = x.slice(s![1.., ..;2]);
    /// assert_eq!(y.shape(), &[2, 2]);
    /// assert_eq!(y.to_vec(), vec![4.0, 6.0, 8.0, 10.0]);
    /// assert_eq!(x.slice(s![-1, ..;-1]).to_vec(), vec![11.0, 10.0, 9.0, 8.0]);
    /// ```
    ///
    /// # Panics
    /// On an index out of range, a zero step, or more indices than axes (see
    /// [`Tensor::try_slice`]).
    #[track_caller]
    pub fn slice<I: AsRef<[SliceInfoElem]>>(&self, info: I) -> Tensor {
        ok(self.try_slice(info))
    }

    /// Fallible [`Tensor::slice`].
    ///
    /// # Errors
    /// On an index out of range, a zero step, or more indices than axes.
    pub fn try_slice<I: AsRef<[SliceInfoElem]>>(&self, info: I) -> Result<Tensor> {
        slice_impl(self, info.as_ref())
    }

    /// Joins tensors along an existing axis, promoting to their common dtype.
    ///
    /// # Panics
    /// If the list is empty, the tensors are 0-d, or their other axes differ.
    #[track_caller]
    pub fn concatenate(xs: &[&Tensor], axis: i64) -> Tensor {
        ok(concatenate_impl(xs, axis))
    }

    /// Fallible [`Tensor::concatenate`].
    ///
    /// # Errors
    /// If the list is empty, the tensors are 0-d, or their other axes differ.
    pub fn try_concatenate(xs: &[&Tensor], axis: i64) -> Result<Tensor> {
        concatenate_impl(xs, axis)
    }

    /// Joins equal-shape tensors along a new axis, promoting to their common dtype.
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let (a, b) = (Tensor::from(vec![1.0, 2.0]), Tensor::from(vec![3.0, 4.0]));
    /// let s = Tensor::stack(&[&a, &b], -1);
    /// assert_eq!(s.shape(), &[2, 2]);
    /// assert_eq!(s.to_vec(), vec![1.0, 3.0, 2.0, 4.0]);
    /// ```
    ///
    /// # Panics
    /// If the list is empty or the shapes differ.
    #[track_caller]
    pub fn stack(xs: &[&Tensor], axis: i64) -> Tensor {
        ok(stack_impl(xs, axis))
    }
}
