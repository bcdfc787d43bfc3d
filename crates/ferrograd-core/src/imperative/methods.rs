//! The imperative methods of [`Tensor`]: `param`, `backward`, `grad`, `zero_grad`, `detach`,
//! `grad_of`.

use std::sync::PoisonError;

use super::backward::{make_seed, node_of, replay_vjp, tape_vjp, BackwardOptions};
use super::tape::{accumulate, new_leaf, TAPE};
use crate::api::ok;
use crate::tensor::Repr;
use crate::transforms::check_differentiable;
use crate::{lax, Error, Result, Tensor};

impl Tensor {
    /// A leaf tensor that records what is computed from it, so that
    /// [`backward`](Tensor::backward) can fill its [`grad`](Tensor::grad) (PyTorch's
    /// `torch.tensor(.., requires_grad=True)`, MyGrad's `mg.tensor`).
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let x = Tensor::param(5.0);
    /// let y = &x * &x;
    /// y.backward();
    /// assert_eq!(x.grad().map(|g| g.item()), Some(10.0));
    /// assert_eq!(x.item(), 5.0); // its value reads like any tensor's
    /// ```
    ///
    /// # Panics
    /// If the value is not floating point, or is traced by a transform ([`Tensor::try_param`]).
    #[track_caller]
    pub fn param(value: impl Into<Tensor>) -> Tensor {
        ok(Self::try_param(value))
    }

    /// Fallible [`Tensor::param`].
    pub fn try_param(value: impl Into<Tensor>) -> Result<Tensor> {
        let x: Tensor = value.into();
        check_differentiable("param", &x)?;
        let a = match &x.repr {
            // A param's current value, read without lending it (see `Tensor::as_array`).
            Repr::Tracked(n) => n.current(),
            _ => x.try_array("param")?.clone(),
        };
        Ok(new_leaf(a))
    }

    /// A new leaf with this tensor's value that records what is computed from it (PyTorch's
    /// `requires_grad_()`). See [`Tensor::param`].
    ///
    /// # Panics
    /// If the tensor is not floating point, or is traced by a transform.
    #[track_caller]
    pub fn requires_grad(&self) -> Tensor {
        ok(Self::try_param(self))
    }

    /// True for a param and for everything computed from one while recording
    /// (PyTorch's `x.requires_grad`).
    pub fn is_tracked(&self) -> bool {
        matches!(self.repr, Repr::Tracked(_))
    }

    /// True for tensors made by [`Tensor::param`] / [`Tensor::requires_grad`].
    pub fn is_leaf(&self) -> bool {
        matches!(&self.repr, Repr::Tracked(n) if n.leaf)
    }

    /// Backpropagates from this one-element tensor: adds `d self / d t` to the
    /// [`grad`](Tensor::grad) of every tracked `t` it was computed from that is still alive
    /// (params and intermediate tensors alike, as in MyGrad), then frees the graph it went
    /// through. Use [`backward_opts`](Tensor::backward_opts) to keep the graph or to make
    /// the gradients differentiable.
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let x = Tensor::param(vec![2.0, -4.0, 1.0, 3.0]);
    /// (&x * &x).sum().backward();
    /// assert_eq!(x.grad().map(|g| g.to_vec()), Some(vec![4.0, -8.0, 2.0, 6.0]));
    /// ```
    ///
    /// # Panics
    /// See [`Tensor::try_backward`].
    #[track_caller]
    pub fn backward(&self) {
        ok(self.try_backward())
    }

    /// Fallible [`Tensor::backward`].
    ///
    /// # Errors
    /// If the tensor has more than one element, does not depend on a param, or its graph
    /// was freed by an earlier backward pass.
    pub fn try_backward(&self) -> Result<()> {
        self.try_backward_opts(None, BackwardOptions::default())
    }

    /// Backpropagates the cotangent `seed` (same shape as `self`): every tracked `t` gets
    /// `seedᵀ · d self / d t` added to its grad — a vector-Jacobian product.
    ///
    /// # Panics
    /// If `seed`'s shape differs from `self`'s, or as [`Tensor::try_backward`].
    #[track_caller]
    pub fn backward_with(&self, seed: &Tensor) {
        ok(self.try_backward_opts(Some(seed), BackwardOptions::default()))
    }

    /// [`Tensor::backward`] (`seed: None`) or [`Tensor::backward_with`] with options:
    /// `retain_graph` keeps the graph for another pass; `create_graph` records the gradient
    /// computation so that the gradients can be differentiated again.
    ///
    /// ```
    /// use ferrograd_core::{imperative::BackwardOptions, Tensor};
    /// let x = Tensor::param(3.0);
    /// let y = &x * &x * &x;
    /// let keep = BackwardOptions { retain_graph: true, create_graph: true };
    /// y.backward_opts(None, keep); // x.grad = 3x² = 27, itself differentiable
    /// let g = x.grad().expect("filled by backward");
    /// x.zero_grad();
    /// g.backward(); // x.grad = 6x = 18
    /// assert_eq!(x.grad().map(|g| g.item()), Some(18.0));
    /// ```
    ///
    /// # Panics
    /// As [`Tensor::backward_with`] and [`Tensor::backward`].
    #[track_caller]
    pub fn backward_opts(&self, seed: Option<&Tensor>, opts: BackwardOptions) {
        ok(self.try_backward_opts(seed, opts))
    }

    /// Fallible [`Tensor::backward_opts`].
    pub fn try_backward_opts(&self, seed: Option<&Tensor>, opts: BackwardOptions) -> Result<()> {
        let y = node_of("backward", self, "the tensor to backpropagate from")?;
        let seed = make_seed("backward", self, seed)?;
        let free = !(opts.retain_graph || opts.create_graph);
        let grads = if opts.create_graph {
            replay_vjp("backward", &y, None, seed)?
        } else {
            tape_vjp("backward", &y, seed, free)?
        };
        for (node, g) in grads {
            accumulate(&node, g)?;
        }
        TAPE.with(|t| t.borrow_mut().collect());
        Ok(())
    }

    /// The gradient accumulated by backward passes, or `None` before the first one (and after
    /// [`zero_grad`](Tensor::zero_grad)); always `None` for untracked tensors.
    pub fn grad(&self) -> Option<Tensor> {
        match &self.repr {
            Repr::Tracked(n) => n
                .grad
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone(),
            _ => None,
        }
    }

    /// Clears the accumulated gradient (PyTorch's `zero_grad(set_to_none=True)`): the next
    /// backward pass starts from nothing, and [`grad`](Tensor::grad) is `None` until then.
    pub fn zero_grad(&self) {
        if let Repr::Tracked(n) = &self.repr {
            *n.grad.lock().unwrap_or_else(PoisonError::into_inner) = None;
        }
    }

    /// The same value, cut off from the tape: nothing computed from it is recorded. Under a
    /// transform it is [`lax::stop_gradient`].
    ///
    /// # Panics
    /// Never for concrete tensors.
    #[track_caller]
    pub fn detach(&self) -> Tensor {
        match &self.repr {
            Repr::Tracked(n) => Tensor::from_array(n.current()),
            Repr::Value(_) => self.clone(),
            Repr::Tracer(_) => ok(lax::stop_gradient(self)),
        }
    }

    /// `d y / d self` for a one-element `y`, without touching any `.grad` (PyTorch's
    /// `torch.autograd.grad(y, self, create_graph=..)[0]`). With `create_graph` the result is
    /// tracked, so it can be differentiated again, and the graph is kept; without it, the
    /// graph `y` came through is freed. Zeros when `y` does not depend on `self`.
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let x = Tensor::param(2.0);
    /// let y = x.sin();
    /// let dy = x.grad_of(&y, true); // cos x, tracked
    /// let d2y = x.grad_of(&dy, false); // -sin x
    /// assert!((d2y.item() + 2.0f64.sin()).abs() < 1e-15);
    /// assert!(x.grad().is_none());
    /// ```
    ///
    /// # Panics
    /// See [`Tensor::try_grad_of`].
    #[track_caller]
    pub fn grad_of(&self, y: &Tensor, create_graph: bool) -> Tensor {
        ok(self.try_grad_of(y, create_graph))
    }

    /// Fallible [`Tensor::grad_of`].
    ///
    /// # Errors
    /// If `self` is not tracked, `y` has more than one element or does not depend on a
    /// param, or `y`'s graph was freed.
    pub fn try_grad_of(&self, y: &Tensor, create_graph: bool) -> Result<Tensor> {
        let x = node_of(
            "grad_of",
            self,
            "the tensor to differentiate with respect to",
        )?;
        let yn = node_of("grad_of", y, "the tensor to differentiate")?;
        let seed = make_seed("grad_of", y, None).map_err(|_| {
            Error::NotScalar {
                op: "grad_of",
                shape: y.shape().to_vec(),
                fix: "x.grad_of(&y, ..) differentiates a y with one element: reduce it first (y.sum()), or use y.backward_with(&seed) for a vector-Jacobian product",
            }
        })?;
        let grads = if create_graph {
            replay_vjp("grad_of", &yn, Some(&x), seed)?
        } else {
            tape_vjp("grad_of", &yn, seed, true)?
        };
        let mut found: Option<Tensor> = None;
        for (_, g) in grads
            .into_iter()
            .filter(|(n, _)| std::sync::Arc::ptr_eq(n, &x))
        {
            found = Some(match found {
                None => g,
                Some(f) => lax::add(&f, &g)?,
            });
        }
        TAPE.with(|t| t.borrow_mut().collect());
        Ok(found.unwrap_or_else(|| lax::zeros_like(self)))
    }
}
