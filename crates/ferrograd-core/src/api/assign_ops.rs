//! `+= -= *= /=` on `Tensor`, with a tensor (owned or borrowed) or an `f64` / `i64` scalar on
//! the right, and their fallible forms `try_add_assign` … `try_div_assign`.
//!
//! On a param ([`Tensor::param`]) inside [`no_grad`](crate::imperative::no_grad) they update
//! it in place, as PyTorch's `w -= lr * w.grad`: the param keeps its identity, its `.grad`
//! and its place for `zero_grad`, and every clone of it sees the new value (see
//! [`crate::imperative`]). Outside `no_grad` a param refuses them (as PyTorch does). On any
//! other tensor `x -= y` is `x = &x - y`: it rebinds `x`, and other clones keep the old value.
//! The arithmetic is that of the binary operators (promotion, broadcasting), one path for all.

use std::ops::{AddAssign, DivAssign, MulAssign, SubAssign};

use super::ok;
use super::operand::Operand;
use crate::{Result, Tensor};

/// The four impls of one operator: `x op= &t`, `x op= t`, `x op= 2.0`, `x op= 2`.
macro_rules! assign_operator {
    ($Trait:ident, $method:ident, $try_method:ident) => {
        impl $Trait<&Tensor> for Tensor {
            #[track_caller]
            fn $method(&mut self, rhs: &Tensor) {
                ok(self.$try_method(rhs))
            }
        }
        impl $Trait<Tensor> for Tensor {
            #[track_caller]
            fn $method(&mut self, rhs: Tensor) {
                ok(self.$try_method(&rhs))
            }
        }
        impl $Trait<f64> for Tensor {
            #[track_caller]
            fn $method(&mut self, rhs: f64) {
                ok(self.$try_method(rhs))
            }
        }
        impl $Trait<i64> for Tensor {
            #[track_caller]
            fn $method(&mut self, rhs: i64) {
                ok(self.$try_method(rhs))
            }
        }
    };
}

assign_operator!(AddAssign, add_assign, try_add_assign);
assign_operator!(SubAssign, sub_assign, try_sub_assign);
assign_operator!(MulAssign, mul_assign, try_mul_assign);
assign_operator!(DivAssign, div_assign, try_div_assign);

impl Tensor {
    /// Fallible `self += other`; on error `self` is unchanged.
    ///
    /// ```
    /// use ferrograd_core::{imperative::no_grad, Tensor};
    /// let mut w = Tensor::param(vec![1.0, 2.0]);
    /// let alias = w.clone();
    /// no_grad(|| w += 0.5);
    /// assert_eq!(alias.to_vec(), vec![1.5, 2.5]); // one param, seen by every clone
    /// assert!(w.try_add_assign(1.0).is_err()); // recording: refused, as in PyTorch
    /// ```
    ///
    /// # Errors
    /// If the shapes do not broadcast; on a param, if the result does not keep its shape,
    /// if recording is on (outside `no_grad`), or if the right side is traced by a transform.
    pub fn try_add_assign(&mut self, other: impl Operand + Copy) -> Result<()> {
        self.try_update_with("add_assign (+=)", |x| x.try_add(other))
    }

    /// Fallible `self -= other`; on error `self` is unchanged.
    ///
    /// ```
    /// use ferrograd_core::{imperative::no_grad, Tensor};
    /// let mut w = Tensor::param(vec![1.0, 2.0]);
    /// (&w * &w).sum().backward();
    /// let g = w.grad().unwrap();
    /// no_grad(|| w -= &(0.25 * &g)); // w ← w − lr·∇
    /// assert_eq!(w.to_vec(), vec![0.5, 1.0]);
    /// assert!(w.is_leaf() && w.grad().is_some()); // same leaf, same .grad slot
    /// ```
    ///
    /// # Errors
    /// As [`Tensor::try_add_assign`].
    pub fn try_sub_assign(&mut self, other: impl Operand + Copy) -> Result<()> {
        self.try_update_with("sub_assign (-=)", |x| x.try_sub(other))
    }

    /// Fallible `self *= other`; on error `self` is unchanged.
    ///
    /// # Errors
    /// As [`Tensor::try_add_assign`].
    pub fn try_mul_assign(&mut self, other: impl Operand + Copy) -> Result<()> {
        self.try_update_with("mul_assign (*=)", |x| x.try_mul(other))
    }

    /// Fallible `self /= other` (true division, as `/`); on error `self` is unchanged.
    ///
    /// # Errors
    /// As [`Tensor::try_add_assign`].
    pub fn try_div_assign(&mut self, other: impl Operand + Copy) -> Result<()> {
        self.try_update_with("div_assign (/=)", |x| x.try_div(other))
    }
}
