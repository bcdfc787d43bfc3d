//! More of NumPy's elementwise functions: exponentials and logarithms in bases 2 and 10, the
//! cube root, the reciprocal, angle conversions, and `mod`. `exp2`, `log2`, `log10` and
//! `cbrt` are primitives (for accuracy); the rest are compositions. All are differentiable in
//! both modes and batch under `vmap`; integer inputs become float64, f32 stays f32.

use ferrograd_core::api::{resolve_pair, Operand};

use crate::Tensor;

/// Elementwise 2^x, exact at integers ([`Tensor::exp2`]).
///
/// ```
/// use ferrograd::np;
/// // np.exp2([2, 3]) -> [4., 8.]
/// assert_eq!(np::exp2(&np::array(vec![2i64, 3])).to_vec(), vec![4.0, 8.0]);
/// ```
#[track_caller]
pub fn exp2(x: &Tensor) -> Tensor {
    x.exp2()
}

/// Elementwise base-2 logarithm ([`Tensor::log2`]).
///
/// ```
/// use ferrograd::np;
/// // np.log2([2**4]) -> [4.]
/// assert_eq!(np::log2(&np::array(vec![16.0])).to_vec(), vec![4.0]);
/// ```
#[track_caller]
pub fn log2(x: &Tensor) -> Tensor {
    x.log2()
}

/// Elementwise base-10 logarithm ([`Tensor::log10`]).
///
/// ```
/// use ferrograd::np;
/// // np.log10([1e-15, -3.]) -> [-15., nan]
/// let y = np::log10(&np::array(vec![1e-15, -3.0])).to_vec();
/// assert_eq!(y[0], -15.0);
/// assert!(y[1].is_nan());
/// ```
#[track_caller]
pub fn log10(x: &Tensor) -> Tensor {
    x.log10()
}

/// Elementwise real cube root ([`Tensor::cbrt`]).
///
/// ```
/// use ferrograd::np;
/// // np.cbrt([1, 8, 27]) -> [1., 2., 3.]
/// assert_eq!(np::cbrt(&np::array(vec![1i64, 8, 27])).to_vec(), vec![1.0, 2.0, 3.0]);
/// ```
#[track_caller]
pub fn cbrt(x: &Tensor) -> Tensor {
    x.cbrt()
}

/// Elementwise 1 / x, integers giving float64 as `jnp.reciprocal` ([`Tensor::reciprocal`]).
///
/// ```
/// use ferrograd::np;
/// // np.reciprocal([1, 2., 3.33]) -> [1., 0.5, 0.3003003]
/// let y = np::reciprocal(&np::array(vec![1.0, 2.0, 3.33]));
/// assert!((y.to_vec()[2] - 0.3003003003003003).abs() < 1e-16);
/// ```
#[track_caller]
pub fn reciprocal(x: &Tensor) -> Tensor {
    x.reciprocal()
}

/// Degrees to radians ([`Tensor::deg2rad`]); the same as [`radians`].
///
/// ```
/// use ferrograd::np;
/// // np.deg2rad(180) -> 3.1415926535897931
/// assert_eq!(np::deg2rad(&np::array(180.0)).item(), std::f64::consts::PI);
/// ```
#[track_caller]
pub fn deg2rad(x: &Tensor) -> Tensor {
    x.deg2rad()
}

/// Degrees to radians: NumPy's other name for [`deg2rad`].
#[track_caller]
pub fn radians(x: &Tensor) -> Tensor {
    x.deg2rad()
}

/// Radians to degrees ([`Tensor::rad2deg`]); the same as [`degrees`].
///
/// ```
/// use ferrograd::np;
/// // np.rad2deg(np.pi/2) -> 90.0
/// assert_eq!(np::rad2deg(&np::array(std::f64::consts::FRAC_PI_2)).item(), 90.0);
/// ```
#[track_caller]
pub fn rad2deg(x: &Tensor) -> Tensor {
    x.rad2deg()
}

/// Radians to degrees: NumPy's other name for [`rad2deg`].
#[track_caller]
pub fn degrees(x: &Tensor) -> Tensor {
    x.rad2deg()
}

/// NumPy's `mod`, another name for [`remainder`](super::remainder): the remainder with the
/// divisor's sign (`mod(-7, 2) = 1`; C's sign convention is [`fmod`](super::fmod)). `mod`
/// is a Rust keyword, hence the underscore.
///
/// ```
/// use ferrograd::np;
/// // np.mod([4, 7], [2, 3]) -> [0, 1]; np.mod(-7, 2) -> 1
/// assert_eq!(np::mod_(&np::array(vec![4i64, 7]), &np::array(vec![2i64, 3])).to_vec(), vec![0.0, 1.0]);
/// assert_eq!(np::mod_(-7.0, &np::array(2.0)).item(), 1.0);
/// ```
#[doc(alias = "mod")]
#[track_caller]
pub fn mod_(a: impl Operand, b: impl Operand) -> Tensor {
    let (a, b) = resolve_pair(a, b);
    a.remainder(&b)
}
