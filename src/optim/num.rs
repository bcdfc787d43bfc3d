//! [`Num`]: the numbers of one optimizer step (the step number, the learning rate, Adam's
//! bias corrections) as Rust `f64`s when the step count is concrete, and as 0-d float64
//! tensors when a transform traces it (an update under `jit`, say). Schedules and the rules'
//! per-step constants are written once over `Num`, so a traced step computes with tensor
//! operations what an eager step computes with Rust arithmetic, operation for operation.

use ferrograd_core::{DType, Error, Result, Tensor};

use super::schedule::{EagerFn, TracedFn};

/// A per-step number: `f64`, or a 0-d float64 [`Tensor`] (which a transform may trace).
/// Implemented for these two types only. Every method is one operation of the same name on
/// both, so an expression over `Num` gives the same value either way (up to the rounding of
/// the tensor kernels where they differ from Rust's, e.g. [`Num::powi_of`]).
pub trait Num: sealed::Sealed + Clone + Send + Sync + 'static {
    /// The constant `v`.
    fn constant(v: f64) -> Self;
    /// `self + c`.
    fn add_c(&self, c: f64) -> Self;
    /// `self − c`.
    fn sub_c(&self, c: f64) -> Self;
    /// `c − self`.
    fn rsub_c(&self, c: f64) -> Self;
    /// `c · self`.
    fn mul_c(&self, c: f64) -> Self;
    /// `self / c`.
    fn div_c(&self, c: f64) -> Self;
    /// `min(self, c)`.
    fn min_c(&self, c: f64) -> Self;
    /// `max(self, c)`.
    fn max_c(&self, c: f64) -> Self;
    /// `⌊self⌋`.
    fn floor(&self) -> Self;
    /// `cos(self)`.
    fn cos(&self) -> Self;
    /// `base^self`.
    fn pow_of(&self, base: f64) -> Self;
    /// `base^self` for an integer-valued `self`: by repeated multiplication (`powi`) for
    /// `f64`, by `pow` for a tensor (a traced exponent has no integer power), which can
    /// differ in the last bit.
    fn powi_of(&self, base: f64) -> Self;
    /// `then` where `self < c`, else `otherwise` (a select: both are computed).
    fn select_lt(&self, c: f64, then: Self, otherwise: Self) -> Self;
    /// `self · x`, with `self` converted to `x`'s dtype (as a Rust scalar operand is).
    fn scale(&self, x: &Tensor) -> Tensor;
    /// `x / self`, with `self` converted to `x`'s dtype.
    fn inv_scale(&self, x: &Tensor) -> Tensor;
}

pub(crate) mod sealed {
    use super::*;

    /// What `Num` needs of its two types beyond arithmetic; not implementable outside.
    pub trait Sealed: Sized {
        /// The rate of a schedule given as closures at the count `t`: the Rust closure for
        /// a concrete count, the tensor form (an error without one) for a tensor count.
        fn custom_rate(eager: &EagerFn, traced: Option<&TracedFn>, t: &Self) -> Result<Self>;
    }
}

impl sealed::Sealed for f64 {
    fn custom_rate(eager: &EagerFn, _: Option<&TracedFn>, t: &f64) -> Result<f64> {
        // Counts are whole numbers below 2^53 here, so the conversion is exact.
        Ok(eager(*t as u64))
    }
}

impl Num for f64 {
    fn constant(v: f64) -> f64 {
        v
    }
    fn add_c(&self, c: f64) -> f64 {
        self + c
    }
    fn sub_c(&self, c: f64) -> f64 {
        self - c
    }
    fn rsub_c(&self, c: f64) -> f64 {
        c - self
    }
    fn mul_c(&self, c: f64) -> f64 {
        c * self
    }
    fn div_c(&self, c: f64) -> f64 {
        self / c
    }
    fn min_c(&self, c: f64) -> f64 {
        self.min(c)
    }
    fn max_c(&self, c: f64) -> f64 {
        self.max(c)
    }
    fn floor(&self) -> f64 {
        f64::floor(*self)
    }
    fn cos(&self) -> f64 {
        f64::cos(*self)
    }
    fn pow_of(&self, base: f64) -> f64 {
        base.powf(*self)
    }
    fn powi_of(&self, base: f64) -> f64 {
        base.powi(*self as i32)
    }
    fn select_lt(&self, c: f64, then: f64, otherwise: f64) -> f64 {
        if *self < c {
            then
        } else {
            otherwise
        }
    }
    fn scale(&self, x: &Tensor) -> Tensor {
        *self * x
    }
    fn inv_scale(&self, x: &Tensor) -> Tensor {
        x / *self
    }
}

impl sealed::Sealed for Tensor {
    fn custom_rate(_: &EagerFn, traced: Option<&TracedFn>, t: &Tensor) -> Result<Tensor> {
        let Some(f) = traced else {
            return Err(Error::invalid(
                "Schedule::new",
                "this schedule is a Rust closure of the step count (a u64) and has no tensor \
                 form, which a traced count needs (the optimizer step runs under jit or \
                 another transform of its state); make it with Schedule::new_traced(f, \
                 f_tensor) to give its tensor form too, use a schedule from optim::schedule, \
                 or run the optimizer step outside jit",
            ));
        };
        let rate = f(t);
        if !rate.shape().is_empty() || !rate.dtype().is_float() {
            return Err(Error::invalid(
                "Schedule::new_traced",
                format!(
                    "the tensor form must return the rate as a 0-d float tensor, got {} {:?}",
                    rate.dtype(),
                    rate.shape()
                ),
            ));
        }
        Ok(rate.astype(DType::F64))
    }
}

impl Num for Tensor {
    fn constant(v: f64) -> Tensor {
        Tensor::scalar(v)
    }
    fn add_c(&self, c: f64) -> Tensor {
        self + c
    }
    fn sub_c(&self, c: f64) -> Tensor {
        self - c
    }
    fn rsub_c(&self, c: f64) -> Tensor {
        c - self
    }
    fn mul_c(&self, c: f64) -> Tensor {
        c * self
    }
    fn div_c(&self, c: f64) -> Tensor {
        self / c
    }
    fn min_c(&self, c: f64) -> Tensor {
        self.minimum(c)
    }
    fn max_c(&self, c: f64) -> Tensor {
        self.maximum(c)
    }
    fn floor(&self) -> Tensor {
        Tensor::floor(self)
    }
    fn cos(&self) -> Tensor {
        Tensor::cos(self)
    }
    fn pow_of(&self, base: f64) -> Tensor {
        Tensor::scalar(base).power(self)
    }
    fn powi_of(&self, base: f64) -> Tensor {
        self.pow_of(base)
    }
    fn select_lt(&self, c: f64, then: Tensor, otherwise: Tensor) -> Tensor {
        Tensor::where_(&self.less(c), then, otherwise)
    }
    fn scale(&self, x: &Tensor) -> Tensor {
        x * &self.astype(x.dtype())
    }
    fn inv_scale(&self, x: &Tensor) -> Tensor {
        x / &self.astype(x.dtype())
    }
}
