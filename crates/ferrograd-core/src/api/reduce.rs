//! Reductions: sum, mean, prod, max, min, var, std, argmax, argmin. Each comes as a full
//! reduction (`sum()`), over one axis (`sum_axis(ax)`) and over several axes with keepdims
//! (`sum_axes(axes, keepdims)`, taking any [`Axes`]: `0`, `[0, -1]`, `None` for all). Axes may
//! be negative; an empty axis list reduces nothing.

use ferrograd_array::DType;

use super::axes::Axes;

use super::binary::to_float;
use super::ok;
use crate::{lax, Result, Tensor};

/// Which reduction.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Sum,
    Mean,
    Prod,
    Max,
    Min,
}

/// Normalised axes, sorted; `None` means all.
fn axes_of(op: &'static str, x: &Tensor, axes: &Axes) -> Result<Vec<usize>> {
    axes.resolve_or_all(op, x.shape())
}

/// Number of elements in the reduced axes.
fn count(x: &Tensor, axes: &[usize]) -> usize {
    axes.iter().map(|&a| x.shape()[a]).product()
}

/// Bool and uint32 sums and products count in int64. NumPy counts bools in int64 and uint32
/// in uint64; ferrograd has no uint64, and int64 gives NumPy's value for every uint32 sum of
/// fewer than 2³¹ elements (a uint32 accumulator would wrap past 4294967295). Products wrap
/// modulo 2⁶⁴ in both, read as signed here.
fn numeric(x: &Tensor) -> Result<Tensor> {
    match x.dtype() {
        DType::Bool | DType::U32 => lax::convert(x, DType::I64),
        _ => Ok(x.clone()),
    }
}

/// Moves `axes` to the end and flattens them into one: shape (kept..., n).
fn gather_axes(x: &Tensor, axes: &[usize]) -> Result<Tensor> {
    let kept: Vec<usize> = (0..x.ndim()).filter(|a| !axes.contains(a)).collect();
    let perm: Vec<usize> = kept.iter().chain(axes).copied().collect();
    let mut shape: Vec<usize> = kept.iter().map(|&a| x.shape()[a]).collect();
    shape.push(count(x, axes));
    lax::reshape(&lax::transpose(x, &perm)?, &shape)
}

/// Product over `axes` as a pairwise tree: O(log n) multiplications of the even and odd
/// halves, so zeros need no division and the result is differentiable to any order.
fn prod_tree(x: &Tensor, axes: &[usize]) -> Result<Tensor> {
    let mut y = gather_axes(&numeric(x)?, axes)?;
    let last = y.ndim() - 1;
    let kept_shape = y.shape()[..last].to_vec();
    if y.shape()[last] == 0 {
        // The empty product is 1 (a constant: the input has no elements to vary).
        return Ok(Tensor::full_dtype(&kept_shape, 1.0, y.dtype()));
    }
    while y.shape()[last] > 1 {
        let n = y.shape()[last];
        if !n.is_multiple_of(2) {
            let mut hi = vec![0; y.ndim()];
            hi[last] = 1;
            let zeros = vec![0; y.ndim()];
            y = lax::pad(&y, &zeros, &hi, &zeros, 1.0)?;
        }
        let n = y.shape()[last];
        let start_even = vec![0; y.ndim()];
        let mut start_odd = start_even.clone();
        start_odd[last] = 1;
        let limit = y.shape().to_vec();
        let mut stride = vec![1; y.ndim()];
        stride[last] = 2;
        let even = lax::slice(&y, &start_even, &limit, &stride)?;
        let odd = lax::slice(&y, &start_odd, &limit, &stride)?;
        debug_assert_eq!(even.shape()[last], n / 2);
        y = lax::mul(&even, &odd)?;
    }
    lax::reshape(&y, &kept_shape)
}

/// The reduction of `kind` over normalised `axes` (no keepdims).
fn reduce(kind: Kind, x: &Tensor, axes: &[usize]) -> Result<Tensor> {
    if axes.is_empty() {
        return match kind {
            Kind::Mean => to_float(x),
            Kind::Sum | Kind::Prod => numeric(x),
            Kind::Max | Kind::Min => Ok(x.clone()),
        };
    }
    match kind {
        Kind::Sum => lax::reduce_sum(&numeric(x)?, axes),
        Kind::Mean => {
            let x = to_float(x)?;
            let s = lax::reduce_sum(&x, axes)?;
            // An empty mean is 0/0 = NaN, as NumPy.
            lax::div(&s, &lax::scalar_like(&s, count(&x, axes) as f64))
        }
        Kind::Prod => prod_tree(x, axes),
        Kind::Max | Kind::Min => lax::reduce_extremum(x, axes, kind == Kind::Max),
    }
}

/// Reduction entry point: normalise axes, reduce, optionally keep dims.
fn reduce_keep(
    op: &'static str,
    kind: Kind,
    x: &Tensor,
    axes: Axes,
    keepdims: bool,
) -> Result<Tensor> {
    let axes = axes_of(op, x, &axes)?;
    let y = reduce(kind, x, &axes)?;
    if keepdims {
        lax::keep_dims(&y, x.shape(), &axes)
    } else {
        Ok(y)
    }
}

/// Variance with `ddof` delta degrees of freedom, two-pass: mean((x - mean)²) · n/(n - ddof).
fn variance(x: &Tensor, axes: Axes, ddof: usize, keepdims: bool) -> Result<Tensor> {
    let x = to_float(x)?;
    let axes = axes_of("var", &x, &axes)?;
    let m = lax::keep_dims(&reduce(Kind::Mean, &x, &axes)?, x.shape(), &axes)?;
    let m = super::broadcast::broadcast_to(&m, x.shape())?;
    let d = lax::sub(&x, &m)?;
    let v = reduce(Kind::Mean, &lax::square(&d)?, &axes)?;
    let n = count(&x, &axes) as f64;
    // n - ddof ≤ 0 gives inf or NaN, as NumPy.
    let v = lax::mul(&v, &lax::scalar_like(&v, n / (n - ddof as f64)))?;
    if keepdims {
        lax::keep_dims(&v, x.shape(), &axes)
    } else {
        Ok(v)
    }
}

/// Index of the first extremum along `axis`, or in the flattened tensor when `None`.
fn arg_ext(op: &'static str, x: &Tensor, axis: Axes, max: bool) -> Result<Tensor> {
    match axis.resolve_one(op, x.shape())? {
        None => lax::arg_extremum(&lax::reshape(x, &[x.size()])?, 0, max),
        Some(a) => lax::arg_extremum(x, a, max),
    }
}

impl Tensor {
    /// Sum of all elements (a 0-d tensor). Bool and uint32 sums count in int64 (NumPy: int64
    /// and uint64); int64 sums wrap on overflow, as NumPy.
    #[track_caller]
    pub fn sum(&self) -> Tensor {
        ok(reduce_keep("sum", Kind::Sum, self, Axes::NONE, false))
    }

    /// Sum along one axis (negative counts from the end), which disappears.
    ///
    /// # Panics
    /// If the axis is out of range.
    #[track_caller]
    pub fn sum_axis(&self, axis: i64) -> Tensor {
        ok(reduce_keep("sum", Kind::Sum, self, axis.into(), false))
    }

    /// Sum along `axes` — one axis, several (`[0, -1]`; an empty list reduces nothing) or
    /// `None` for all ([`Axes`]); `keepdims` keeps them as length-1 axes. NumPy's
    /// `x.sum(axis, keepdims=keepdims)`.
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let x = Tensor::from([[1.0, 2.0], [3.0, 4.0]]);
    /// let s = x.sum_axes(&[-1], true);
    /// assert_eq!(s.shape(), &[2, 1]);
    /// assert_eq!(s.to_vec(), vec![3.0, 7.0]);
    /// assert_eq!(x.sum_axes(None, true).to_vec(), vec![10.0]);
    /// ```
    ///
    /// # Panics
    /// If an axis is out of range or repeated.
    #[track_caller]
    pub fn sum_axes(&self, axes: impl Into<Axes>, keepdims: bool) -> Tensor {
        ok(reduce_keep("sum", Kind::Sum, self, axes.into(), keepdims))
    }

    /// Mean of all elements; integer inputs give float64. The mean of nothing is NaN.
    #[track_caller]
    pub fn mean(&self) -> Tensor {
        ok(reduce_keep("mean", Kind::Mean, self, Axes::NONE, false))
    }

    /// Mean along one axis.
    ///
    /// # Panics
    /// If the axis is out of range.
    #[track_caller]
    pub fn mean_axis(&self, axis: i64) -> Tensor {
        ok(reduce_keep("mean", Kind::Mean, self, axis.into(), false))
    }

    /// Mean along `axes`, optionally keeping them as length-1 axes.
    ///
    /// # Panics
    /// If an axis is out of range or repeated.
    #[track_caller]
    pub fn mean_axes(&self, axes: impl Into<Axes>, keepdims: bool) -> Tensor {
        ok(reduce_keep("mean", Kind::Mean, self, axes.into(), keepdims))
    }

    /// Product of all elements (1 for none). Computed as a pairwise tree of multiplications,
    /// so it is exact at zeros and differentiable there to any order. Bool and uint32 products
    /// count in int64; integer products wrap on overflow, as NumPy.
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// assert_eq!(Tensor::from(vec![2.0, 0.0, 3.0]).prod().item(), 0.0);
    /// ```
    #[track_caller]
    pub fn prod(&self) -> Tensor {
        ok(reduce_keep("prod", Kind::Prod, self, Axes::NONE, false))
    }

    /// Product along one axis.
    ///
    /// # Panics
    /// If the axis is out of range.
    #[track_caller]
    pub fn prod_axis(&self, axis: i64) -> Tensor {
        ok(reduce_keep("prod", Kind::Prod, self, axis.into(), false))
    }

    /// Product along `axes`, optionally keeping them as length-1 axes.
    ///
    /// # Panics
    /// If an axis is out of range or repeated.
    #[track_caller]
    pub fn prod_axes(&self, axes: impl Into<Axes>, keepdims: bool) -> Tensor {
        ok(reduce_keep("prod", Kind::Prod, self, axes.into(), keepdims))
    }

    /// Largest element (NaN propagates; ties share the derivative equally).
    ///
    /// # Panics
    /// If the tensor is empty.
    #[track_caller]
    pub fn max(&self) -> Tensor {
        ok(reduce_keep("max", Kind::Max, self, Axes::NONE, false))
    }

    /// Largest element along one axis.
    ///
    /// # Panics
    /// If the axis is out of range or has length 0.
    #[track_caller]
    pub fn max_axis(&self, axis: i64) -> Tensor {
        ok(reduce_keep("max", Kind::Max, self, axis.into(), false))
    }

    /// Largest element along `axes`, optionally keeping them as length-1 axes.
    ///
    /// # Panics
    /// If an axis is out of range, repeated, or of length 0.
    #[track_caller]
    pub fn max_axes(&self, axes: impl Into<Axes>, keepdims: bool) -> Tensor {
        ok(reduce_keep("max", Kind::Max, self, axes.into(), keepdims))
    }

    /// Smallest element.
    ///
    /// # Panics
    /// If the tensor is empty.
    #[track_caller]
    pub fn min(&self) -> Tensor {
        ok(reduce_keep("min", Kind::Min, self, Axes::NONE, false))
    }

    /// Smallest element along one axis.
    ///
    /// # Panics
    /// If the axis is out of range or has length 0.
    #[track_caller]
    pub fn min_axis(&self, axis: i64) -> Tensor {
        ok(reduce_keep("min", Kind::Min, self, axis.into(), false))
    }

    /// Smallest element along `axes`, optionally keeping them as length-1 axes.
    ///
    /// # Panics
    /// If an axis is out of range, repeated, or of length 0.
    #[track_caller]
    pub fn min_axes(&self, axes: impl Into<Axes>, keepdims: bool) -> Tensor {
        ok(reduce_keep("min", Kind::Min, self, axes.into(), keepdims))
    }

    /// Variance of all elements: `mean((x - mean(x))²) · n / (n - ddof)` (two-pass). `ddof = 1`
    /// gives the unbiased sample variance. Integer inputs give float64.
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let x = Tensor::from(vec![1.0, 2.0, 3.0, 4.0]);
    /// assert_eq!(x.var(0).item(), 1.25);
    /// assert!((x.var(1).item() - 5.0 / 3.0).abs() < 1e-15);
    /// ```
    #[track_caller]
    pub fn var(&self, ddof: usize) -> Tensor {
        ok(variance(self, Axes::NONE, ddof, false))
    }

    /// Variance along one axis.
    ///
    /// # Panics
    /// If the axis is out of range.
    #[track_caller]
    pub fn var_axis(&self, axis: i64, ddof: usize) -> Tensor {
        ok(variance(self, axis.into(), ddof, false))
    }

    /// Variance along `axes`, optionally keeping them as length-1 axes.
    ///
    /// # Panics
    /// If an axis is out of range or repeated.
    #[track_caller]
    pub fn var_axes(&self, axes: impl Into<Axes>, ddof: usize, keepdims: bool) -> Tensor {
        ok(variance(self, axes.into(), ddof, keepdims))
    }

    /// Standard deviation of all elements: `sqrt(var(ddof))`.
    #[track_caller]
    pub fn std(&self, ddof: usize) -> Tensor {
        self.var(ddof).sqrt()
    }

    /// Standard deviation along one axis.
    ///
    /// # Panics
    /// If the axis is out of range.
    #[track_caller]
    pub fn std_axis(&self, axis: i64, ddof: usize) -> Tensor {
        self.var_axis(axis, ddof).sqrt()
    }

    /// Standard deviation along `axes`, optionally keeping them as length-1 axes.
    ///
    /// # Panics
    /// If an axis is out of range or repeated.
    #[track_caller]
    pub fn std_axes(&self, axes: impl Into<Axes>, ddof: usize, keepdims: bool) -> Tensor {
        self.var_axes(axes, ddof, keepdims).sqrt()
    }

    /// Index (int64, 0-d) of the first maximum in the flattened tensor, as NumPy.
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let x = Tensor::from([[1.0, 9.0], [9.0, 3.0]]);
    /// assert_eq!(x.argmax().item(), 1.0);
    /// assert_eq!(x.argmax_axis(0).to_vec(), vec![1.0, 0.0]);
    /// ```
    ///
    /// # Panics
    /// If the tensor is empty.
    #[track_caller]
    pub fn argmax(&self) -> Tensor {
        ok(arg_ext("argmax", self, Axes::NONE, true))
    }

    /// Indices of the first maxima along `axis`.
    ///
    /// # Panics
    /// If the axis is out of range or has length 0.
    #[track_caller]
    pub fn argmax_axis(&self, axis: i64) -> Tensor {
        ok(arg_ext("argmax", self, axis.into(), true))
    }

    /// Index of the first minimum in the flattened tensor.
    ///
    /// # Panics
    /// If the tensor is empty.
    #[track_caller]
    pub fn argmin(&self) -> Tensor {
        ok(arg_ext("argmin", self, Axes::NONE, false))
    }

    /// Indices of the first minima along `axis`.
    ///
    /// # Panics
    /// If the axis is out of range or has length 0.
    #[track_caller]
    pub fn argmin_axis(&self, axis: i64) -> Tensor {
        ok(arg_ext("argmin", self, axis.into(), false))
    }
}
