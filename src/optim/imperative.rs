//! Optimizers on imperative params, PyTorch's way: the optimizer holds the params, reads
//! their `.grad()` and updates them in place ([`ParamOptimizer`]).
//!
//! A step is [`Optimizer::update`] itself — the same rule, clipping, schedule and step count,
//! run on the params' current values and gradients — followed by an in-place update of each
//! param ([`Tensor::copy_from`] under `no_grad`). So the params follow the functional
//! optimizer bit for bit, and every rule, built-in or user-written, works here unchanged.

use ferrograd_core::api::ok;
use ferrograd_core::imperative::no_grad;
use ferrograd_core::tree::leaves;
use ferrograd_core::{Error, Result, Tensor, Tree};

use super::{OptState, Optimizer, Rule};

/// An optimizer bound to a set of imperative params: [`ParamOptimizer::step`] updates them
/// in place from their gradients, [`ParamOptimizer::zero_grad`] clears the gradients. Made
/// by [`Optimizer::on_params`].
///
/// A step is [`Optimizer::update`] itself — the same rule, clipping, schedule and step
/// count, on the params' current values and gradients — followed by an in-place update of
/// each param ([`Tensor::copy_from`] under `no_grad`): the params follow the functional
/// optimizer bit for bit, and every [`Rule`] works here unchanged.
///
/// ```
/// use ferrograd::{optim, Tensor};
/// let w = Tensor::param(vec![0.0, 0.0]);
/// let mut opt = optim::adam(0.1).on_params(vec![w.clone()]);
/// for _ in 0..300 {
///     let loss = (&w - &Tensor::from(vec![1.0, -2.0])).powi(2).sum();
///     loss.backward();
///     opt.step(); // updates w in place: this `w` sees it
///     opt.zero_grad();
/// }
/// assert!(w.to_vec().iter().zip([1.0, -2.0]).all(|(a, b)| (a - b).abs() < 1e-3));
/// assert!(w.is_leaf());
/// ```
#[derive(Debug)]
pub struct ParamOptimizer<R> {
    opt: Optimizer<R>,
    /// Clones of the params (each a shared cell: updating them updates the caller's).
    params: Vec<Tensor>,
    state: OptState<Vec<Tensor>>,
}

impl<R: Rule> Optimizer<R> {
    /// This optimizer on imperative params (PyTorch's `torch.optim.Adam(params, lr)`):
    /// `params` is any tree of params ([`Tensor::param`] / [`Tensor::requires_grad`]), e.g.
    /// `vec![w.clone(), b.clone()]`; the optimizer keeps the clones, which share the params'
    /// values. See [`ParamOptimizer`] for the loop.
    ///
    /// # Panics
    /// If a leaf of `params` is not a param (see [`Optimizer::try_on_params`]).
    #[track_caller]
    pub fn on_params<T: Tree>(self, params: T) -> ParamOptimizer<R> {
        ok(self.try_on_params(params))
    }

    /// Fallible [`Optimizer::on_params`].
    ///
    /// # Errors
    /// If a leaf of `params` is not a param: a plain tensor, or a tensor computed from params
    /// (which has no value of its own to update).
    pub fn try_on_params<T: Tree>(self, params: T) -> Result<ParamOptimizer<R>> {
        let params = leaves(&params);
        for (i, p) in params.iter().enumerate() {
            if !p.is_leaf() {
                return Err(Error::invalid(
                    self.rule.name(),
                    format!("leaf {i} (shape {:?}) is not a param: an optimizer on params updates tensors made by Tensor::param(..) or x.requires_grad(); for plain tensors use the functional opt.update(&params, &grads, state)", p.shape()),
                ));
            }
        }
        let values: Vec<Tensor> = params.iter().map(Tensor::detach).collect();
        let state = self.init(&values);
        Ok(ParamOptimizer {
            opt: self,
            params,
            state,
        })
    }
}

impl<R: Rule> ParamOptimizer<R> {
    /// One update of every param that has a gradient (PyTorch's `opt.step()`): the values
    /// [`Optimizer::update`] gives from the params' values and `.grad()`s, written into the
    /// params in place. A param with no gradient (`grad()` is `None`) is skipped, value and
    /// slots, as in PyTorch; the step count is the optimizer's (as in optax), so it still
    /// advances. Gradients are read, not cleared: call [`ParamOptimizer::zero_grad`].
    ///
    /// # Panics
    /// As [`ParamOptimizer::try_step`].
    #[track_caller]
    pub fn step(&mut self) {
        ok(self.try_step())
    }

    /// Fallible [`ParamOptimizer::step`]; an error of the update leaves the params and the
    /// state as they were.
    ///
    /// # Errors
    /// As [`Optimizer::try_update`] (e.g. a gradient whose dtype differs from its param's).
    pub fn try_step(&mut self) -> Result<()> {
        let has_grad: Vec<(usize, Tensor)> = self
            .params
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.grad().map(|g| (i, g.detach())))
            .collect();
        let (idx, grads): (Vec<usize>, Vec<Tensor>) = has_grad.into_iter().unzip();
        let values: Vec<Tensor> = idx.iter().map(|&i| self.params[i].detach()).collect();
        let state = OptState {
            count: self.state.count.clone(),
            slots: (self.state.slots.iter())
                .map(|s| idx.iter().map(|&i| s[i].clone()).collect())
                .collect(),
        };
        let (new, state) = self.opt.try_update_owned(values, &grads, state)?;
        no_grad(|| {
            idx.iter()
                .zip(&new)
                .try_for_each(|(&i, v)| self.params[i].try_copy_from(v))
        })?;
        self.state.count = state.count;
        for (all, some) in self.state.slots.iter_mut().zip(state.slots) {
            for (&i, s) in idx.iter().zip(some) {
                all[i] = s;
            }
        }
        Ok(())
    }

    /// Clears every param's gradient (PyTorch's `opt.zero_grad()`, which sets them to
    /// `None`).
    pub fn zero_grad(&self) {
        self.params.iter().for_each(Tensor::zero_grad);
    }

    /// The params (clones sharing the caller's values).
    pub fn params(&self) -> &[Tensor] {
        &self.params
    }

    /// The optimizer state: the step count and the rule's slots, one per param.
    pub fn state(&self) -> &OptState<Vec<Tensor>> {
        &self.state
    }

    /// The optimizer (rule and clipping).
    pub fn optimizer(&self) -> &Optimizer<R> {
        &self.opt
    }
}
