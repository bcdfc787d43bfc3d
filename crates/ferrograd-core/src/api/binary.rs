//! Elementwise methods of two (or three) arguments: maximum, minimum, power, arctan2, clip,
//! comparisons and `where_`. Every one promotes dtypes and broadcasts by NumPy's rules (see
//! `broadcast.rs`), with Rust scalars weakly typed (see [`Operand`]).

use ferrograd_array::kernels::Compare;
use ferrograd_array::shape::broadcast_shapes;
use ferrograd_array::DType;

use super::broadcast::{broadcast_to, elementwise, promote_pair};
use super::ok;
use super::operand::{apply_pair, resolve, resolve_pair, Operand};
use crate::{lax, Result, Tensor};

/// Converts integer and bool tensors to float64 (NumPy's float functions do the same).
pub(crate) fn to_float(x: &Tensor) -> Result<Tensor> {
    if x.dtype().is_float() {
        Ok(x.clone())
    } else {
        lax::convert(x, DType::F64)
    }
}

/// Promotes, broadcasts and converts to float, then applies `f`.
fn float_binary(
    op: &'static str,
    a: &Tensor,
    b: &Tensor,
    f: fn(&Tensor, &Tensor) -> Result<Tensor>,
) -> Result<Tensor> {
    let (a, b) = promote_pair(a, b)?;
    elementwise(op, &to_float(&a)?, &to_float(&b)?, f)
}

fn compare(op: &'static str, a: impl Operand, b: impl Operand, cmp: Compare) -> Result<Tensor> {
    let (a, b) = resolve_pair(a, b);
    let (a, b) = promote_pair(&a, &b)?;
    let (a, b) = super::broadcast::broadcast_pair(op, &a, &b)?;
    lax::compare(&a, &b, cmp)
}

/// `where(cond, a, b)` with promotion of `a`, `b` and broadcasting of all three.
pub(crate) fn where_impl(cond: &Tensor, a: impl Operand, b: impl Operand) -> Result<Tensor> {
    let cond = if cond.dtype() == DType::Bool {
        cond.clone()
    } else {
        // NumPy reads a non-bool condition as `cond != 0`.
        lax::compare(cond, &lax::zeros_like(cond), Compare::Ne)?
    };
    let [a, b] = resolve([a.into_arg(), b.into_arg()]);
    let (a, b) = promote_pair(&a, &b)?;
    let shape = broadcast_shapes("where", a.shape(), b.shape())?;
    let shape = broadcast_shapes("where", cond.shape(), &shape)?;
    lax::select(
        &broadcast_to(&cond, &shape)?,
        &broadcast_to(&a, &shape)?,
        &broadcast_to(&b, &shape)?,
    )
}

impl Tensor {
    /// Elementwise maximum with broadcasting (NaN propagates; ties share the derivative).
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let relu = Tensor::from(vec![-1.0, 0.5]).maximum(0.0);
    /// assert_eq!(relu.to_vec(), vec![0.0, 0.5]);
    /// ```
    ///
    /// # Panics
    /// If the shapes do not broadcast.
    #[track_caller]
    pub fn maximum(&self, other: impl Operand) -> Tensor {
        ok(apply_pair("maximum", self, other, lax::max))
    }

    /// Elementwise minimum with broadcasting.
    ///
    /// # Panics
    /// If the shapes do not broadcast.
    #[track_caller]
    pub fn minimum(&self, other: impl Operand) -> Tensor {
        ok(apply_pair("minimum", self, other, lax::min))
    }

    /// Elementwise `self ^ exponent` with broadcasting, computed in floating point (integer
    /// inputs become float64, like NumPy's `float_power`). Differentiable in both arguments.
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let y = Tensor::from(vec![4.0, 9.0]).power(&Tensor::from(vec![0.5, 2.0]));
    /// assert_eq!(y.to_vec(), vec![2.0, 81.0]);
    /// ```
    ///
    /// # Panics
    /// If the shapes do not broadcast.
    #[track_caller]
    pub fn power(&self, exponent: impl Operand) -> Tensor {
        let (a, b) = resolve_pair(self, exponent);
        ok(float_binary("power", &a, &b, lax::pow))
    }

    /// `self ^ exponent` for a float exponent (same dtype as `self`).
    #[track_caller]
    pub fn powf(&self, exponent: f64) -> Tensor {
        self.power(exponent)
    }

    /// `self ^ n` for an integer `n` of any sign, by repeated multiplication (exact, and
    /// differentiable at 0 for n ≥ 1). Integer inputs become float64.
    #[track_caller]
    pub fn powi(&self, n: i32) -> Tensor {
        ok(to_float(self).and_then(|x| lax::integer_pow(&x, n)))
    }

    /// Elementwise `self * self` (keeps the dtype).
    #[track_caller]
    pub fn square(&self) -> Tensor {
        ok(lax::square(self))
    }

    /// Elementwise arctan(self / other) in the correct quadrant, with broadcasting.
    ///
    /// # Panics
    /// If the shapes do not broadcast.
    #[track_caller]
    pub fn arctan2(&self, other: impl Operand) -> Tensor {
        let (a, b) = resolve_pair(self, other);
        ok(float_binary("arctan2", &a, &b, lax::atan2))
    }

    /// Elementwise `|self|` with the sign of `other` (NumPy's `copysign`), with broadcasting;
    /// integers become float64. The sign of `-0.0` counts.
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let y = Tensor::from(vec![1.0, -2.0, 3.0]).copysign(&Tensor::from(vec![-1.0, 1.0, -0.0]));
    /// assert_eq!(y.to_vec(), vec![-1.0, 2.0, -3.0]);
    /// ```
    ///
    /// # Panics
    /// If the shapes do not broadcast.
    #[track_caller]
    pub fn copysign(&self, other: impl Operand) -> Tensor {
        let (a, b) = resolve_pair(self, other);
        ok(float_binary("copysign", &a, &b, lax::copysign))
    }

    /// Limits values to `[lo, hi]` (scalars or tensors, broadcast): `min(max(x, lo), hi)`.
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let y = Tensor::from(vec![-2.0, 0.5, 3.0]).clip(-1.0, 1.0);
    /// assert_eq!(y.to_vec(), vec![-1.0, 0.5, 1.0]);
    /// ```
    ///
    /// # Panics
    /// If the shapes do not broadcast.
    #[track_caller]
    pub fn clip(&self, lo: impl Operand, hi: impl Operand) -> Tensor {
        self.maximum(lo).minimum(hi)
    }

    /// Elementwise `self < other` as a bool tensor.
    #[track_caller]
    pub fn less(&self, other: impl Operand) -> Tensor {
        ok(compare("less", self, other, Compare::Lt))
    }

    /// Elementwise `self <= other` as a bool tensor.
    #[track_caller]
    pub fn less_equal(&self, other: impl Operand) -> Tensor {
        ok(compare("less_equal", self, other, Compare::Le))
    }

    /// Elementwise `self > other` as a bool tensor.
    #[track_caller]
    pub fn greater(&self, other: impl Operand) -> Tensor {
        ok(compare("greater", self, other, Compare::Gt))
    }

    /// Elementwise `self >= other` as a bool tensor.
    #[track_caller]
    pub fn greater_equal(&self, other: impl Operand) -> Tensor {
        ok(compare("greater_equal", self, other, Compare::Ge))
    }

    /// Elementwise `self == other` as a bool tensor.
    #[track_caller]
    pub fn equal(&self, other: impl Operand) -> Tensor {
        ok(compare("equal", self, other, Compare::Eq))
    }

    /// Elementwise `self != other` as a bool tensor.
    #[track_caller]
    pub fn not_equal(&self, other: impl Operand) -> Tensor {
        ok(compare("not_equal", self, other, Compare::Ne))
    }

    /// NumPy's `where(cond, a, b)`: `a` where `cond` is true, else `b`, with `a` and `b`
    /// promoted and all three broadcast. A non-bool `cond` means `cond != 0`. Differentiable
    /// in `a` and `b`.
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let x = Tensor::from(vec![-1.0, 2.0]);
    /// let y = Tensor::where_(&x.greater(0.0), &x, 0.0);
    /// assert_eq!(y.to_vec(), vec![0.0, 2.0]);
    /// ```
    ///
    /// # Panics
    /// If the shapes do not broadcast.
    #[doc(alias = "where")]
    #[track_caller]
    pub fn where_(cond: &Tensor, a: impl Operand, b: impl Operand) -> Tensor {
        ok(where_impl(cond, a, b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_methods_broadcast_and_promote() {
        let a = Tensor::from_vec(vec![1.0, 5.0, -3.0], &[3, 1]);
        let b = Tensor::from(vec![0.0, 2.0, 4.0, 6.0]);
        let m = a.maximum(&b);
        assert_eq!(m.shape(), &[3, 4]);
        assert_eq!(
            m.to_vec(),
            vec![1., 2., 4., 6., 5., 5., 5., 6., 0., 2., 4., 6.]
        );
        let i = Tensor::from(vec![1i64, 7]);
        assert_eq!(i.minimum(3).dtype(), DType::I64);
        assert_eq!(i.minimum(3).to_vec(), vec![1.0, 3.0]);
        assert_eq!(i.power(2).to_vec(), vec![1.0, 49.0]);
        assert_eq!(i.powi(-1).to_vec(), vec![1.0, 1.0 / 7.0]);
        let f = Tensor::from(vec![2.0f32, -1.0]);
        assert_eq!(f.powf(3.0).dtype(), DType::F32);
        assert_eq!(f.powf(3.0).to_vec(), vec![8.0, -1.0]);
        assert_eq!(f.square().to_vec(), vec![4.0, 1.0]);
        let t = Tensor::from(1.0).arctan2(-1.0).item();
        assert!((t - 3.0 * std::f64::consts::FRAC_PI_4).abs() < 1e-15);
    }

    #[test]
    fn comparisons_and_where() {
        let x = Tensor::from(vec![1.0, 2.0, 3.0]);
        assert_eq!(x.less(2.0).dtype(), DType::Bool);
        assert_eq!(x.less(2.0).to_vec(), vec![1.0, 0.0, 0.0]);
        assert_eq!(x.less_equal(2.0).to_vec(), vec![1.0, 1.0, 0.0]);
        assert_eq!(x.greater(2.0).to_vec(), vec![0.0, 0.0, 1.0]);
        assert_eq!(x.greater_equal(2).to_vec(), vec![0.0, 1.0, 1.0]);
        assert_eq!(x.equal(2.0).to_vec(), vec![0.0, 1.0, 0.0]);
        assert_eq!(x.not_equal(2.0).to_vec(), vec![1.0, 0.0, 1.0]);
        let c = Tensor::from_vec(vec![true, false], &[2, 1]);
        let w = Tensor::where_(&c, &x, -1.0);
        assert_eq!(w.shape(), &[2, 3]);
        assert_eq!(w.to_vec(), vec![1., 2., 3., -1., -1., -1.]);
        let w = Tensor::where_(&Tensor::from(vec![0i64, 3]), 1.0, 2.0);
        assert_eq!(w.to_vec(), vec![2.0, 1.0]);
        assert_eq!(
            x.clip(1.5, Tensor::from(vec![2.5])).to_vec(),
            vec![1.5, 2.0, 2.5]
        );
    }

    #[test]
    fn mismatched_shapes_name_both() {
        let r = std::panic::catch_unwind(|| {
            Tensor::from(vec![1.0, 2.0]).maximum(Tensor::from(vec![1.0, 2.0, 3.0]))
        });
        let e = r.expect_err("must panic");
        let msg = e.downcast_ref::<String>().cloned().unwrap_or_default();
        assert!(msg.contains("[2]") && msg.contains("[3]"), "{msg}");
    }
}
