//! Cumulative and ordering methods: cumsum, cumprod, diff, sort, argsort, top_k,
//! searchsorted, and one_hot / argmax_one_hot / straight_through for quantisation.
//! cumsum and sort are primitives; the rest are compositions of primitives.

use ferrograd_array::shape::normalize_axis;
use ferrograd_array::DType;

use super::axes::Axes;
use super::ok;
use crate::{lax, Error, Result, Tensor};

/// Bools count as int64 in sums (NumPy's rule).
fn summable(x: &Tensor) -> Result<Tensor> {
    match x.dtype() {
        DType::Bool => lax::convert(x, DType::I64),
        _ => Ok(x.clone()),
    }
}

/// The array a scan runs over and its axis: NumPy's `axis=None` scans the flattened array.
fn scan_axis(op: &'static str, x: &Tensor, axis: &Axes) -> Result<(Tensor, usize)> {
    match axis.resolve_one(op, x.shape())? {
        None => Ok((lax::reshape(x, &[x.size()])?, 0)),
        Some(a) => Ok((x.clone(), a)),
    }
}

fn cumsum_impl(x: &Tensor, axis: &Axes) -> Result<Tensor> {
    let (x, axis) = scan_axis("cumsum", x, axis)?;
    lax::cumsum(&summable(&x)?, axis, false)
}

/// Hillis–Steele scan: after step k each element holds the product of the 2^k elements
/// ending at it. log2(n) slice/pad/multiply rounds; exact derivatives, zeros included.
fn cumprod_impl(x: &Tensor, axis: &Axes) -> Result<Tensor> {
    let (x, axis) = scan_axis("cumprod", x, axis)?;
    let mut y = summable(&x)?;
    let n = y.shape()[axis];
    let r = y.ndim();
    let mut k = 1;
    while k < n {
        let mut limit = y.shape().to_vec();
        limit[axis] = n - k;
        let head = lax::slice(&y, &vec![0; r], &limit, &vec![1; r])?;
        let mut lo = vec![0; r];
        lo[axis] = k;
        let shifted = lax::pad(&head, &lo, &vec![0; r], &vec![0; r], 1.0)?;
        y = lax::mul(&y, &shifted)?;
        k *= 2;
    }
    Ok(y)
}

fn diff_impl(x: &Tensor, n: usize, axis: i64) -> Result<Tensor> {
    let axis = normalize_axis("diff", axis, x.ndim())?;
    let r = x.ndim();
    let mut y = x.clone();
    for _ in 0..n {
        let len = y.shape()[axis];
        if len == 0 {
            break;
        }
        let (mut lo, mut hi) = (vec![0; r], y.shape().to_vec());
        lo[axis] = 1;
        let upper = lax::slice(&y, &lo, &hi, &vec![1; r])?;
        hi[axis] = len - 1;
        let lower = lax::slice(&y, &vec![0; r], &hi, &vec![1; r])?;
        y = match y.dtype() {
            DType::Bool => lax::compare(&upper, &lower, ferrograd_array::kernels::Compare::Ne)?,
            _ => lax::sub(&upper, &lower)?,
        };
    }
    Ok(y)
}

fn sort_impl(x: &Tensor, axis: i64, descending: bool) -> Result<(Tensor, Tensor)> {
    // Eager evaluation runs the kernel, not the shape rule, so the rank is checked here too,
    // with the shape rule's error.
    if x.ndim() == 0 {
        return Err(crate::prims::sort::zero_d_error(x.shape()));
    }
    let axis = normalize_axis("sort", axis, x.ndim())?;
    lax::sort(x, axis, descending)
}

fn top_k_impl(x: &Tensor, k: usize) -> Result<(Tensor, Tensor)> {
    let n = x.shape().last().copied().unwrap_or(0);
    if x.ndim() == 0 || k > n {
        return Err(Error::invalid(
            "top_k",
            format!(
                "k = {k} is more than the last axis holds (shape {:?}); top_k needs 0 <= k <= {n} along the last axis",
                x.shape()
            ),
        ));
    }
    let (v, i) = lax::sort(x, x.ndim() - 1, true)?;
    let r = x.ndim();
    let mut limit = x.shape().to_vec();
    limit[r - 1] = k;
    let cut = |t: &Tensor| lax::slice(t, &vec![0; r], &limit, &vec![1; r]);
    Ok((cut(&v)?, cut(&i)?))
}

fn searchsorted_impl(a: &Tensor, v: &Tensor, right: bool) -> Result<Tensor> {
    if a.ndim() != 1 {
        return Err(Error::invalid(
            "searchsorted",
            format!(
                "the sorted array must be 1-d, got shape {:?} (index a row first)",
                a.shape()
            ),
        ));
    }
    let (a, v) = super::broadcast::promote_pair(a, v)?;
    let flat = lax::reshape(&v, &[v.size()])?;
    lax::reshape(&lax::searchsorted(&a, &flat, right)?, v.shape())
}

fn one_hot_impl(x: &Tensor, n: usize) -> Result<Tensor> {
    if x.dtype().is_float() || x.dtype() == DType::Bool {
        return Err(Error::dtype(
            "one_hot",
            "integer class labels (convert with astype(DType::I64))",
            x.dtype(),
        ));
    }
    let x = lax::convert(x, DType::I64)?;
    let mut shape = x.shape().to_vec();
    shape.push(n);
    let dims: Vec<usize> = (0..x.ndim()).collect();
    let xb = lax::broadcast_in_dim(&x, &shape, &dims)?;
    let classes = Tensor::from_vec((0..n as i64).collect::<Vec<_>>(), &[n]);
    let cb = lax::broadcast_in_dim(&classes, &shape, &[x.ndim()])?;
    lax::convert(&lax::eq(&xb, &cb)?, DType::F64)
}

fn argmax_one_hot_impl(y: &Tensor, axis: i64) -> Result<Tensor> {
    let ax = normalize_axis("argmax_one_hot", axis, y.ndim())?;
    let n = y.shape()[ax];
    let best = lax::arg_extremum(y, ax, true)?;
    let h = lax::convert(&one_hot_impl(&best, n)?, y.dtype())?;
    let r = y.ndim();
    let perm: Vec<usize> = (0..ax).chain([r - 1]).chain(ax..r - 1).collect();
    lax::transpose(&h, &perm)
}

impl Tensor {
    /// Running sum along `axis`, or over the flattened array (a 1-d result) for `None`, as
    /// NumPy's `x.cumsum(axis)`; bools count as int64. Linear; its gradient is the reversed
    /// running sum of the cotangent.
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let x = Tensor::from(vec![1.0, 2.0, 3.0]);
    /// assert_eq!(x.cumsum(0).to_vec(), vec![1.0, 3.0, 6.0]);
    /// let m = Tensor::from([[1.0, 2.0], [3.0, 4.0]]);
    /// assert_eq!(m.cumsum(None).to_vec(), vec![1.0, 3.0, 6.0, 10.0]);
    /// ```
    ///
    /// # Panics
    /// If `axis` is out of range (a 0-d array has none: pass `None`) or several axes are
    /// given.
    #[track_caller]
    pub fn cumsum(&self, axis: impl Into<Axes>) -> Tensor {
        ok(cumsum_impl(self, &axis.into()))
    }

    /// Running product along `axis`, or over the flattened array for `None` (NumPy's
    /// `x.cumprod(axis)`), by a log-depth scan of multiplies (exact derivatives, also where
    /// elements are zero).
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let x = Tensor::from(vec![1.0, 2.0, 0.0, 4.0]);
    /// assert_eq!(x.cumprod(0).to_vec(), vec![1.0, 2.0, 0.0, 0.0]);
    /// let m = Tensor::from([[1.0, 2.0], [3.0, 4.0]]);
    /// assert_eq!(m.cumprod(None).to_vec(), vec![1.0, 2.0, 6.0, 24.0]);
    /// ```
    ///
    /// # Panics
    /// If `axis` is out of range or several axes are given.
    #[track_caller]
    pub fn cumprod(&self, axis: impl Into<Axes>) -> Tensor {
        ok(cumprod_impl(self, &axis.into()))
    }

    /// The `n`-th forward difference along `axis`: `x[1:] - x[:-1]`, `n` times (bools: `!=`).
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let x = Tensor::from(vec![1.0, 4.0, 9.0, 16.0]);
    /// assert_eq!(x.diff(1, 0).to_vec(), vec![3.0, 5.0, 7.0]);
    /// assert_eq!(x.diff(2, -1).to_vec(), vec![2.0, 2.0]);
    /// ```
    ///
    /// # Panics
    /// If `axis` is out of range.
    #[track_caller]
    pub fn diff(&self, n: usize, axis: i64) -> Tensor {
        ok(diff_impl(self, n, axis))
    }

    /// Sorted along `axis` (stable; NaNs last). Differentiable: the gradient is routed back
    /// through the sorting permutation.
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let x = Tensor::from(vec![3.0, 1.0, 2.0]);
    /// assert_eq!(x.sort(-1).to_vec(), vec![1.0, 2.0, 3.0]);
    /// ```
    ///
    /// # Panics
    /// For a 0-d array or an axis out of range.
    #[track_caller]
    pub fn sort(&self, axis: i64) -> Tensor {
        ok(sort_impl(self, axis, false)).0
    }

    /// The int64 positions that sort `axis` (stable, so ties keep their order).
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let x = Tensor::from(vec![3.0, 1.0, 2.0, 1.0]);
    /// assert_eq!(x.argsort(0).to_vec(), vec![1.0, 3.0, 2.0, 0.0]);
    /// ```
    ///
    /// # Panics
    /// As [`Tensor::sort`].
    #[track_caller]
    pub fn argsort(&self, axis: i64) -> Tensor {
        ok(sort_impl(self, axis, false)).1
    }

    /// `(values, positions)` sorted along `axis`, ascending or descending (ties keep their
    /// order either way).
    ///
    /// # Errors
    /// For a 0-d array or an axis out of range.
    pub fn try_sort_with_indices(&self, axis: i64, descending: bool) -> Result<(Tensor, Tensor)> {
        sort_impl(self, axis, descending)
    }

    /// The `k` largest entries along the last axis, largest first, and their int64
    /// positions (JAX's `lax.top_k`; ties go to the lower position). Differentiable in the
    /// values.
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let x = Tensor::from(vec![1.0, 5.0, 3.0, 5.0]);
    /// let (v, i) = x.top_k(2);
    /// assert_eq!((v.to_vec(), i.to_vec()), (vec![5.0, 5.0], vec![1.0, 3.0]));
    /// ```
    ///
    /// # Panics
    /// If `k` exceeds the last axis, or the array is 0-d.
    #[track_caller]
    pub fn top_k(&self, k: usize) -> (Tensor, Tensor) {
        ok(top_k_impl(self, k))
    }

    /// Insertion points (int64, shaped like `v`) of `v` into this sorted 1-d array: the first
    /// (`right = false`, NumPy's `side='left'`) or last position keeping it sorted.
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let a = Tensor::from(vec![1.0, 2.0, 2.0, 5.0]);
    /// let v = Tensor::from(vec![2.0, 0.0, 9.0]);
    /// assert_eq!(a.searchsorted(&v, false).to_vec(), vec![1.0, 0.0, 4.0]);
    /// assert_eq!(a.searchsorted(&v, true).to_vec(), vec![3.0, 0.0, 4.0]);
    /// ```
    ///
    /// # Panics
    /// If this array is not 1-d.
    #[track_caller]
    pub fn searchsorted(&self, v: &Tensor, right: bool) -> Tensor {
        ok(searchsorted_impl(self, v, right))
    }

    /// One-hot float64 encoding of integer labels along a new last axis of length `n`
    /// (labels outside `0..n` give an all-zero row, as in JAX).
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let y = Tensor::from(vec![2i64, 0]).one_hot(3);
    /// assert_eq!(y.to_vec(), vec![0.0, 0.0, 1.0, 1.0, 0.0, 0.0]);
    /// ```
    ///
    /// # Panics
    /// For float or bool labels.
    #[track_caller]
    pub fn one_hot(&self, n: usize) -> Tensor {
        ok(one_hot_impl(self, n))
    }

    /// Hard quantisation: 1 at the (first) maximum along `axis`, 0 elsewhere, in this
    /// tensor's dtype. Its derivative is zero; pair it with [`Tensor::straight_through`].
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let y = Tensor::from(vec![0.1, 0.2, 0.7]);
    /// assert_eq!(y.argmax_one_hot(-1).to_vec(), vec![0.0, 0.0, 1.0]);
    /// ```
    ///
    /// # Panics
    /// If `axis` is out of range or the axis is empty.
    #[track_caller]
    pub fn argmax_one_hot(&self, axis: i64) -> Tensor {
        ok(argmax_one_hot_impl(self, axis))
    }

    /// The straight-through estimator: `q` in the forward pass, the identity's derivative
    /// in the backward pass (`self + stop_gradient(q - self)`).
    ///
    /// # Panics
    /// If the shapes differ.
    #[track_caller]
    pub fn straight_through(&self, q: &Tensor) -> Tensor {
        let d = ok(lax::stop_gradient(&(q - self)));
        self + &d
    }
}
