//! In-place updates: what `w -= …` (and `+= *= /=`, [`Tensor::copy_from`]) do to a param,
//! and to every other tensor.

use super::tape::is_grad_enabled;
use crate::api::ok;
use crate::tensor::Repr;
use crate::{Error, Result, Tensor};

impl Tensor {
    /// `self ← f(self)`, the one path of every in-place operation (`op` names it in errors):
    ///
    /// - a param ([`Tensor::param`], [`Tensor::requires_grad`]) inside
    ///   [`no_grad`](super::no_grad) has its value replaced for all its clones, keeping its
    ///   identity, its `.grad` and its place for `zero_grad`; the result must keep its shape
    ///   (its dtype is converted back if promoted);
    /// - a param outside `no_grad` is refused, as in PyTorch;
    /// - any other tensor is rebound: `x op= y` is `x = &x op y`, and other clones keep the
    ///   old value (tensors are values; only a param is a cell).
    ///
    /// On error, `self` is unchanged.
    pub(crate) fn try_update_with(
        &mut self,
        op: &'static str,
        f: impl Fn(&Tensor) -> Result<Tensor>,
    ) -> Result<()> {
        match &self.repr {
            Repr::Tracked(n) if n.leaf => {
                if is_grad_enabled() {
                    return Err(recording_error(op, self));
                }
                n.update(op, f)
            }
            _ => {
                *self = f(self)?;
                Ok(())
            }
        }
    }

    /// Replaces this tensor's value by `src` (broadcast to this shape, converted to this
    /// dtype): PyTorch's `w.copy_(src)`. On a param it is an in-place update, as `w -= …`:
    /// only inside [`no_grad`](super::no_grad), and every clone of the param sees it; on
    /// any other tensor it rebinds this handle.
    ///
    /// ```
    /// use ferrograd_core::{imperative::no_grad, Tensor};
    /// let mut w = Tensor::param(vec![1.0, 2.0]);
    /// let alias = w.clone();
    /// no_grad(|| w.copy_from(&Tensor::from(vec![5.0, 6.0])));
    /// assert_eq!(alias.to_vec(), vec![5.0, 6.0]);
    /// assert!(alias.is_leaf());
    /// ```
    ///
    /// # Panics
    /// As [`Tensor::try_copy_from`].
    #[track_caller]
    pub fn copy_from(&mut self, src: &Tensor) {
        ok(self.try_copy_from(src))
    }

    /// Fallible [`Tensor::copy_from`]; on error `self` is unchanged.
    ///
    /// # Errors
    /// If `src` does not broadcast to this shape, if this is a param and recording is on
    /// (outside `no_grad`), or if `src` is traced by a transform and this is a param.
    pub fn try_copy_from(&mut self, src: &Tensor) -> Result<()> {
        let dtype = self.dtype();
        self.try_update_with("copy_from", |x| {
            let (_, y) = crate::api::broadcast_pair("copy_from", x, src)?;
            if y.dtype() == dtype {
                Ok(y)
            } else {
                crate::lax::convert(&y, dtype)
            }
        })
    }

    /// How many in-place updates this param has had (PyTorch's `w._version`); 0 for every
    /// other tensor. A graph recorded before an update cannot be backpropagated through
    /// after it.
    pub fn version(&self) -> u64 {
        match &self.repr {
            Repr::Tracked(n) => n.version(),
            _ => 0,
        }
    }
}

fn recording_error(op: &'static str, x: &Tensor) -> Error {
    Error::invalid(
        op,
        format!(
            "refusing to update a param (shape {:?}, {}) in place while recording: the update would become part of the param's own history, which PyTorch refuses as well. Write the step inside no_grad, e.g. `no_grad(|| w -= &(lr * &g))`, or let an optimizer do it (`optim::sgd(lr).on_params(vec![w.clone()])`, then `opt.step()`); to compute a new tracked value instead, write `let w2 = &w - …`",
            x.shape(),
            x.dtype()
        ),
    )
}
