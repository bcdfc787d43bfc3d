//! Free-function forms of the [`Tensor`] methods, under NumPy's names: elementwise math,
//! binary functions taking [`Operand`]s (so `np::maximum(0.0, &x)` works), reductions, shape
//! functions and matrix products. Each is a one-line call of the method; see the method for
//! the details, panics and examples.

use ferrograd_core::api::resolve_pair;
pub use ferrograd_core::api::Operand;
use ferrograd_core::Axes;
use ndarray::SliceInfoElem;

use crate::Tensor;

// ---- elementwise math ----------------------------------------------------------------------

/// Elementwise e^x ([`Tensor::exp`]).
#[track_caller]
pub fn exp(x: &Tensor) -> Tensor {
    x.exp()
}

/// Elementwise natural logarithm ([`Tensor::log`]).
#[track_caller]
pub fn log(x: &Tensor) -> Tensor {
    x.log()
}

/// Elementwise ln(1 + x), accurate for small x ([`Tensor::log1p`]).
#[track_caller]
pub fn log1p(x: &Tensor) -> Tensor {
    x.log1p()
}

/// Elementwise e^x - 1, accurate for small x ([`Tensor::expm1`]).
#[track_caller]
pub fn expm1(x: &Tensor) -> Tensor {
    x.expm1()
}

/// Elementwise square root ([`Tensor::sqrt`]).
#[track_caller]
pub fn sqrt(x: &Tensor) -> Tensor {
    x.sqrt()
}

/// Elementwise sine ([`Tensor::sin`]).
#[track_caller]
pub fn sin(x: &Tensor) -> Tensor {
    x.sin()
}

/// Elementwise cosine ([`Tensor::cos`]).
#[track_caller]
pub fn cos(x: &Tensor) -> Tensor {
    x.cos()
}

/// Elementwise tangent ([`Tensor::tan`]).
#[track_caller]
pub fn tan(x: &Tensor) -> Tensor {
    x.tan()
}

/// Elementwise inverse sine ([`Tensor::arcsin`]).
#[track_caller]
pub fn arcsin(x: &Tensor) -> Tensor {
    x.arcsin()
}

/// Elementwise inverse cosine ([`Tensor::arccos`]).
#[track_caller]
pub fn arccos(x: &Tensor) -> Tensor {
    x.arccos()
}

/// Elementwise inverse tangent ([`Tensor::arctan`]).
#[track_caller]
pub fn arctan(x: &Tensor) -> Tensor {
    x.arctan()
}

/// Elementwise hyperbolic sine ([`Tensor::sinh`]).
#[track_caller]
pub fn sinh(x: &Tensor) -> Tensor {
    x.sinh()
}

/// Elementwise hyperbolic cosine ([`Tensor::cosh`]).
#[track_caller]
pub fn cosh(x: &Tensor) -> Tensor {
    x.cosh()
}

/// Elementwise hyperbolic tangent ([`Tensor::tanh`]).
#[track_caller]
pub fn tanh(x: &Tensor) -> Tensor {
    x.tanh()
}

/// Elementwise inverse hyperbolic sine ([`Tensor::arcsinh`]).
#[track_caller]
pub fn arcsinh(x: &Tensor) -> Tensor {
    x.arcsinh()
}

/// Elementwise inverse hyperbolic cosine ([`Tensor::arccosh`]).
#[track_caller]
pub fn arccosh(x: &Tensor) -> Tensor {
    x.arccosh()
}

/// Elementwise inverse hyperbolic tangent ([`Tensor::arctanh`]).
#[track_caller]
pub fn arctanh(x: &Tensor) -> Tensor {
    x.arctanh()
}

/// Elementwise absolute value ([`Tensor::abs`]).
#[track_caller]
pub fn abs(x: &Tensor) -> Tensor {
    x.abs()
}

/// Elementwise sign (-1, 0 or 1) ([`Tensor::sign`]).
#[track_caller]
pub fn sign(x: &Tensor) -> Tensor {
    x.sign()
}

/// Elementwise floor ([`Tensor::floor`]).
#[track_caller]
pub fn floor(x: &Tensor) -> Tensor {
    x.floor()
}

/// Elementwise ceiling ([`Tensor::ceil`]).
#[track_caller]
pub fn ceil(x: &Tensor) -> Tensor {
    x.ceil()
}

/// Elementwise rounding, half to even ([`Tensor::round`]).
#[track_caller]
pub fn round(x: &Tensor) -> Tensor {
    x.round()
}

/// Elementwise square x * x ([`Tensor::square`]).
#[track_caller]
pub fn square(x: &Tensor) -> Tensor {
    x.square()
}

/// Elementwise `x ^ n` for an integer `n` ([`Tensor::powi`]).
#[track_caller]
pub fn powi(x: &Tensor, n: i32) -> Tensor {
    x.powi(n)
}

/// Elementwise negation.
#[track_caller]
pub fn negative(x: &Tensor) -> Tensor {
    -x
}

// ---- binary functions (tensors or weakly typed Rust scalars, broadcasting) ----------------

/// Elementwise a + b, with broadcasting.
#[track_caller]
pub fn add(a: impl Operand, b: impl Operand) -> Tensor {
    let (a, b) = resolve_pair(a, b);
    &a + &b
}

/// Elementwise a - b, with broadcasting.
#[track_caller]
pub fn subtract(a: impl Operand, b: impl Operand) -> Tensor {
    let (a, b) = resolve_pair(a, b);
    &a - &b
}

/// Elementwise a * b, with broadcasting.
#[track_caller]
pub fn multiply(a: impl Operand, b: impl Operand) -> Tensor {
    let (a, b) = resolve_pair(a, b);
    &a * &b
}

/// Elementwise a / b (true division: integers give float64), with broadcasting.
#[track_caller]
pub fn divide(a: impl Operand, b: impl Operand) -> Tensor {
    let (a, b) = resolve_pair(a, b);
    &a / &b
}

/// Elementwise floor division, rounding toward -∞ ([`Tensor::floor_divide`]).
#[track_caller]
pub fn floor_divide(a: impl Operand, b: impl Operand) -> Tensor {
    let (a, b) = resolve_pair(a, b);
    a.floor_divide(&b)
}

/// Elementwise remainder with the divisor's sign ([`Tensor::remainder`]).
#[doc(alias = "mod")]
#[track_caller]
pub fn remainder(a: impl Operand, b: impl Operand) -> Tensor {
    let (a, b) = resolve_pair(a, b);
    a.remainder(&b)
}

/// Elementwise maximum ([`Tensor::maximum`]).
///
/// ```
/// use ferrograd::{np, Tensor};
/// let x = Tensor::from(vec![-1.0f32, 3.0]);
/// assert_eq!(np::maximum(0.0, &x).to_vec(), vec![0.0, 3.0]);
/// ```
#[track_caller]
pub fn maximum(a: impl Operand, b: impl Operand) -> Tensor {
    let (a, b) = resolve_pair(a, b);
    a.maximum(&b)
}

/// Elementwise minimum ([`Tensor::minimum`]).
#[track_caller]
pub fn minimum(a: impl Operand, b: impl Operand) -> Tensor {
    let (a, b) = resolve_pair(a, b);
    a.minimum(&b)
}

/// Elementwise `a ^ b` in floating point ([`Tensor::power`]).
#[track_caller]
pub fn power(a: impl Operand, b: impl Operand) -> Tensor {
    let (a, b) = resolve_pair(a, b);
    a.power(&b)
}

/// Elementwise arctan(a / b) in the correct quadrant ([`Tensor::arctan2`]).
#[track_caller]
pub fn arctan2(a: impl Operand, b: impl Operand) -> Tensor {
    let (a, b) = resolve_pair(a, b);
    a.arctan2(&b)
}

/// Elementwise `|a|` with the sign of `b` ([`Tensor::copysign`]).
#[track_caller]
pub fn copysign(a: impl Operand, b: impl Operand) -> Tensor {
    let (a, b) = resolve_pair(a, b);
    a.copysign(&b)
}

/// Elementwise `a / b`'s remainder with the sign of `a` (C's `fmod`; NumPy's `fmod`), as
/// opposed to [`remainder`], which takes the sign of `b`: `fmod(-7, 2) = -1`,
/// `remainder(-7, 2) = 1`. Integer `fmod` by zero is 0, float `fmod` by zero NaN.
///
/// ```
/// use ferrograd::{np, Tensor};
/// let a = Tensor::from(vec![-7i64, 7, -7]);
/// assert_eq!(np::fmod(&a, 2).to_vec(), vec![-1.0, 1.0, -1.0]);
/// assert_eq!(np::remainder(&a, 2).to_vec(), vec![1.0, 1.0, 1.0]);
/// ```
#[track_caller]
pub fn fmod(a: impl Operand, b: impl Operand) -> Tensor {
    let (a, b) = resolve_pair(a, b);
    a.fmod(&b)
}

/// Elementwise `a < b` (bool).
#[track_caller]
pub fn less(a: impl Operand, b: impl Operand) -> Tensor {
    let (a, b) = resolve_pair(a, b);
    a.less(&b)
}

/// Elementwise `a <= b` (bool).
#[track_caller]
pub fn less_equal(a: impl Operand, b: impl Operand) -> Tensor {
    let (a, b) = resolve_pair(a, b);
    a.less_equal(&b)
}

/// Elementwise `a > b` (bool).
#[track_caller]
pub fn greater(a: impl Operand, b: impl Operand) -> Tensor {
    let (a, b) = resolve_pair(a, b);
    a.greater(&b)
}

/// Elementwise `a >= b` (bool).
#[track_caller]
pub fn greater_equal(a: impl Operand, b: impl Operand) -> Tensor {
    let (a, b) = resolve_pair(a, b);
    a.greater_equal(&b)
}

/// Elementwise `a == b` (bool).
#[track_caller]
pub fn equal(a: impl Operand, b: impl Operand) -> Tensor {
    let (a, b) = resolve_pair(a, b);
    a.equal(&b)
}

/// Elementwise `a != b` (bool).
#[track_caller]
pub fn not_equal(a: impl Operand, b: impl Operand) -> Tensor {
    let (a, b) = resolve_pair(a, b);
    a.not_equal(&b)
}

/// Limits `x` to `[lo, hi]` ([`Tensor::clip`]).
#[track_caller]
pub fn clip(x: &Tensor, lo: impl Operand, hi: impl Operand) -> Tensor {
    x.clip(lo, hi)
}

/// `a` where `cond`, else `b`, all broadcast ([`Tensor::where_`]).
#[doc(alias = "where")]
#[track_caller]
pub fn where_(cond: &Tensor, a: impl Operand, b: impl Operand) -> Tensor {
    Tensor::where_(cond, a, b)
}

// ---- reductions ----------------------------------------------------------------------------

/// Sum of all elements ([`Tensor::sum`]).
#[track_caller]
pub fn sum(x: &Tensor) -> Tensor {
    x.sum()
}

/// Sum along one axis ([`Tensor::sum_axis`]).
#[track_caller]
pub fn sum_axis(x: &Tensor, axis: i64) -> Tensor {
    x.sum_axis(axis)
}

/// Sum along one axis, several, or all (`None`; any [`Axes`]), keeping them on request
/// ([`Tensor::sum_axes`]).
#[track_caller]
pub fn sum_axes(x: &Tensor, axes: impl Into<Axes>, keepdims: bool) -> Tensor {
    x.sum_axes(axes, keepdims)
}

/// Mean of all elements ([`Tensor::mean`]).
#[track_caller]
pub fn mean(x: &Tensor) -> Tensor {
    x.mean()
}

/// Mean along one axis ([`Tensor::mean_axis`]).
#[track_caller]
pub fn mean_axis(x: &Tensor, axis: i64) -> Tensor {
    x.mean_axis(axis)
}

/// Mean along one axis, several, or all (`None`; any [`Axes`]), keeping them on request
/// ([`Tensor::mean_axes`]).
#[track_caller]
pub fn mean_axes(x: &Tensor, axes: impl Into<Axes>, keepdims: bool) -> Tensor {
    x.mean_axes(axes, keepdims)
}

/// Product of all elements ([`Tensor::prod`]).
#[track_caller]
pub fn prod(x: &Tensor) -> Tensor {
    x.prod()
}

/// Product along one axis ([`Tensor::prod_axis`]).
#[track_caller]
pub fn prod_axis(x: &Tensor, axis: i64) -> Tensor {
    x.prod_axis(axis)
}

/// Product along one axis, several, or all (`None`; any [`Axes`]), keeping them on request
/// ([`Tensor::prod_axes`]).
#[track_caller]
pub fn prod_axes(x: &Tensor, axes: impl Into<Axes>, keepdims: bool) -> Tensor {
    x.prod_axes(axes, keepdims)
}

/// Maximum of all elements ([`Tensor::max`]).
#[track_caller]
pub fn max(x: &Tensor) -> Tensor {
    x.max()
}

/// Maximum along one axis ([`Tensor::max_axis`]).
#[track_caller]
pub fn max_axis(x: &Tensor, axis: i64) -> Tensor {
    x.max_axis(axis)
}

/// Maximum along one axis, several, or all (`None`; any [`Axes`]), keeping them on request
/// ([`Tensor::max_axes`]).
#[track_caller]
pub fn max_axes(x: &Tensor, axes: impl Into<Axes>, keepdims: bool) -> Tensor {
    x.max_axes(axes, keepdims)
}

/// Minimum of all elements ([`Tensor::min`]).
#[track_caller]
pub fn min(x: &Tensor) -> Tensor {
    x.min()
}

/// Minimum along one axis ([`Tensor::min_axis`]).
#[track_caller]
pub fn min_axis(x: &Tensor, axis: i64) -> Tensor {
    x.min_axis(axis)
}

/// Minimum along one axis, several, or all (`None`; any [`Axes`]), keeping them on request
/// ([`Tensor::min_axes`]).
#[track_caller]
pub fn min_axes(x: &Tensor, axes: impl Into<Axes>, keepdims: bool) -> Tensor {
    x.min_axes(axes, keepdims)
}

/// Variance of all elements with `ddof` delta degrees of freedom ([`Tensor::var`]).
#[track_caller]
pub fn var(x: &Tensor, ddof: usize) -> Tensor {
    x.var(ddof)
}

/// Variance along one axis ([`Tensor::var_axis`]).
#[track_caller]
pub fn var_axis(x: &Tensor, axis: i64, ddof: usize) -> Tensor {
    x.var_axis(axis, ddof)
}

/// Variance along one axis, several, or all (`None`; any [`Axes`]), keeping them on request
/// ([`Tensor::var_axes`]).
#[track_caller]
pub fn var_axes(x: &Tensor, axes: impl Into<Axes>, ddof: usize, keepdims: bool) -> Tensor {
    x.var_axes(axes, ddof, keepdims)
}

/// Standard deviation of all elements with `ddof` delta degrees of freedom ([`Tensor::std`]).
#[track_caller]
pub fn std(x: &Tensor, ddof: usize) -> Tensor {
    x.std(ddof)
}

/// Standard deviation along one axis ([`Tensor::std_axis`]).
#[track_caller]
pub fn std_axis(x: &Tensor, axis: i64, ddof: usize) -> Tensor {
    x.std_axis(axis, ddof)
}

/// Standard deviation along one axis, several, or all (`None`; any [`Axes`]), keeping them on request
/// ([`Tensor::std_axes`]).
#[track_caller]
pub fn std_axes(x: &Tensor, axes: impl Into<Axes>, ddof: usize, keepdims: bool) -> Tensor {
    x.std_axes(axes, ddof, keepdims)
}

/// Index of the first maximum of the flattened tensor ([`Tensor::argmax`]).
#[track_caller]
pub fn argmax(x: &Tensor) -> Tensor {
    x.argmax()
}

/// Indices of the first maximum along an axis ([`Tensor::argmax_axis`]).
#[track_caller]
pub fn argmax_axis(x: &Tensor, axis: i64) -> Tensor {
    x.argmax_axis(axis)
}

/// Index of the first minimum of the flattened tensor ([`Tensor::argmin`]).
#[track_caller]
pub fn argmin(x: &Tensor) -> Tensor {
    x.argmin()
}

/// Indices of the first minimum along an axis ([`Tensor::argmin_axis`]).
#[track_caller]
pub fn argmin_axis(x: &Tensor, axis: i64) -> Tensor {
    x.argmin_axis(axis)
}

// ---- shapes ---------------------------------------------------------------------------------

/// The elements with a new shape, one dimension may be `-1` ([`Tensor::reshape`]).
#[track_caller]
pub fn reshape(x: &Tensor, shape: &[i64]) -> Tensor {
    x.reshape(shape)
}

/// The elements as a 1-D tensor ([`Tensor::flatten`]).
#[track_caller]
pub fn flatten(x: &Tensor) -> Tensor {
    x.flatten()
}

/// Reverses the axes ([`Tensor::transpose`]); for a permutation use [`transpose_axes`].
#[track_caller]
pub fn transpose(x: &Tensor) -> Tensor {
    x.transpose()
}

/// NumPy's `transpose(x, axes)`: permutes the axes, `None` reversing them
/// ([`Tensor::transpose_axes`]).
///
/// ```
/// use ferrograd::np;
/// let x = np::zeros(&[2, 3, 4]);
/// assert_eq!(np::transpose_axes(&x, [1, 2, 0]).shape(), &[3, 4, 2]);
/// assert_eq!(np::transpose_axes(&x, None).shape(), &[4, 3, 2]);
/// ```
#[track_caller]
pub fn transpose_axes(x: &Tensor, axes: impl Into<Axes>) -> Tensor {
    x.transpose_axes(axes)
}

/// Permutes the axes, the Array API's name for NumPy's `transpose(x, axes)`
/// ([`Tensor::permute`]).
#[track_caller]
pub fn permute_dims(x: &Tensor, axes: impl Into<Axes>) -> Tensor {
    x.permute(axes)
}

/// Exchanges two axes ([`Tensor::swapaxes`]).
#[track_caller]
pub fn swapaxes(x: &Tensor, a: i64, b: i64) -> Tensor {
    x.swapaxes(a, b)
}

/// Moves axes to new positions: one axis, or equal lists ([`Tensor::moveaxis`]).
///
/// ```
/// use ferrograd::np;
/// let x = np::zeros(&[3, 4, 5]);
/// assert_eq!(np::moveaxis(&x, [0, 1], [-1, -2]).shape(), &[5, 4, 3]);
/// ```
#[track_caller]
pub fn moveaxis(x: &Tensor, src: impl Into<Axes>, dst: impl Into<Axes>) -> Tensor {
    x.moveaxis(src, dst)
}

/// Inserts length-1 axes, one or several ([`Tensor::expand_dims`]).
///
/// ```
/// use ferrograd::np;
/// assert_eq!(np::expand_dims(&np::zeros(&[3]), [0, 2]).shape(), &[1, 3, 1]);
/// ```
#[track_caller]
pub fn expand_dims(x: &Tensor, axis: impl Into<Axes>) -> Tensor {
    x.expand_dims(axis)
}

/// Removes every length-1 axis ([`Tensor::squeeze`]).
#[track_caller]
pub fn squeeze(x: &Tensor) -> Tensor {
    x.squeeze()
}

/// Removes one length-1 axis ([`Tensor::squeeze_axis`]).
#[track_caller]
pub fn squeeze_axis(x: &Tensor, axis: i64) -> Tensor {
    x.squeeze_axis(axis)
}

/// NumPy's `squeeze(x, axis)`: removes the listed length-1 axes, or all of them for `None`
/// ([`Tensor::squeeze_axes`]).
///
/// ```
/// use ferrograd::np;
/// let x = np::zeros(&[1, 3, 1]);
/// assert_eq!(np::squeeze_axes(&x, -1).shape(), &[1, 3]);
/// assert_eq!(np::squeeze_axes(&x, None).shape(), &[3]);
/// ```
#[track_caller]
pub fn squeeze_axes(x: &Tensor, axes: impl Into<Axes>) -> Tensor {
    x.squeeze_axes(axes)
}

/// Broadcasts to a shape by NumPy's rule ([`Tensor::broadcast_to`]).
#[track_caller]
pub fn broadcast_to(x: &Tensor, shape: &[usize]) -> Tensor {
    x.broadcast_to(shape)
}

/// Basic indexing with ndarray's `s![]` ([`Tensor::slice`]).
#[track_caller]
pub fn slice<I: AsRef<[SliceInfoElem]>>(x: &Tensor, info: I) -> Tensor {
    x.slice(info)
}

/// Joins tensors along an existing axis ([`Tensor::concatenate`]).
#[track_caller]
pub fn concatenate(xs: &[&Tensor], axis: i64) -> Tensor {
    Tensor::concatenate(xs, axis)
}

/// Joins equal-shape tensors along a new axis ([`Tensor::stack`]).
#[track_caller]
pub fn stack(xs: &[&Tensor], axis: i64) -> Tensor {
    Tensor::stack(xs, axis)
}

// ---- products -------------------------------------------------------------------------------

/// Matrix product with batch broadcasting ([`Tensor::matmul`]).
#[track_caller]
pub fn matmul(a: &Tensor, b: &Tensor) -> Tensor {
    a.matmul(b)
}

/// NumPy's `dot` ([`Tensor::dot`]).
#[track_caller]
pub fn dot(a: &Tensor, b: &Tensor) -> Tensor {
    a.dot(b)
}

/// Contraction of the last axes ([`Tensor::inner`]).
#[track_caller]
pub fn inner(a: &Tensor, b: &Tensor) -> Tensor {
    a.inner(b)
}

/// Outer product of the flattened inputs ([`Tensor::outer`]).
#[track_caller]
pub fn outer(a: &Tensor, b: &Tensor) -> Tensor {
    a.outer(b)
}
