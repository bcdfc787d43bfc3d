//! Optimizers as transformations of gradient pytrees, as in optax: [`sgd`] (with momentum
//! and Nesterov), [`adam`], [`adamw`], [`rmsprop`] and [`adagrad`], with learning-rate
//! [`schedule`]s and gradient clipping by global norm.
//!
//! An optimizer is a value: `init(&params)` makes its state (shaped like the parameters) and
//! `update(&params, &grads, state)` returns the new parameters and state. Parameters may be
//! any [`Tree`]: a tensor, a map, a `Vec`, a `#[derive(Tree)]` struct. The tree handling is
//! written once, in [`Optimizer`]; each rule only says what happens to one leaf. The state,
//! step count included, is tensors and the update reads none of their values, so a whole
//! training step can be jitted (see [`Optimizer::update`]).
//!
//! ```
//! use ferrograd::{grad, optim, Tensor};
//! let loss = |x: &Tensor| (x - 3.0).powi(2).sum();
//! let opt = optim::adam(0.1);
//! let mut x = Tensor::from(vec![0.0, 1.0]);
//! let mut state = opt.init(&x);
//! for _ in 0..500 {
//!     let g = grad(loss)(&x);
//!     (x, state) = opt.update(&x, &g, state);
//! }
//! assert!(loss(&x).item() < 1e-6);
//! ```

mod clip;
mod fit;
mod fused;
mod imperative;
mod num;
mod rules;
pub mod schedule;

pub use clip::{clip_by_global_norm, global_norm, try_clip_by_global_norm};
pub use fit::{fit, fit_with, Fit, FitOptions};
pub use fused::{Formula, Scalar, Step, Value};
pub use imperative::ParamOptimizer;
pub use num::Num;
pub use rules::{adagrad, adam, adamw, rmsprop, sgd, Adagrad, Adam, AdamStep, RmsProp, Rule, Sgd};
pub use schedule::Schedule;

use ferrograd_core::api::ok;
use ferrograd_core::tree::{leaves, rebuild, tree_map};
use ferrograd_core::{lax, DType, Error, Result, Tensor, Tree};

/// An optimizer's state: the number of updates done so far and the rule's per-parameter
/// slots (each shaped like the parameters: Adam's first and second moments, SGD's momentum
/// buffer, …). It is a [`Tree`], so it can be saved with [`crate::io::save`].
#[derive(Debug, Clone, crate::Tree)]
pub struct OptState<T> {
    /// The step count, a 0-d int64 tensor.
    pub count: Tensor,
    /// The slots, in the order the rule documents.
    pub slots: Vec<T>,
}

impl<T> OptState<T> {
    /// The number of updates done so far.
    ///
    /// # Panics
    /// If the count is being traced by a transform.
    #[track_caller]
    pub fn steps(&self) -> u64 {
        ok(self.count.try_item()) as u64
    }
}

/// A rule (what happens to each leaf) with the options common to all rules: global-norm
/// clipping of the gradients before the rule sees them.
#[derive(Debug, Clone)]
pub struct Optimizer<R> {
    /// The update rule and its hyperparameters.
    pub rule: R,
    /// If set, gradients are first clipped to this global norm.
    pub clip_norm: Option<f64>,
}

impl<R: Rule> Optimizer<R> {
    pub(crate) fn new(rule: R) -> Self {
        Optimizer {
            rule,
            clip_norm: None,
        }
    }

    /// Clips the gradients to global norm `max_norm` before each update (see
    /// [`clip_by_global_norm`]).
    ///
    /// # Panics
    /// If `max_norm` is not positive and finite.
    #[track_caller]
    pub fn clip_by_global_norm(mut self, max_norm: f64) -> Self {
        ok(clip::check_max_norm(max_norm));
        self.clip_norm = Some(max_norm);
        self
    }

    /// The state before the first update: count 0 and zero slots shaped like `params`.
    pub fn init<T: Tree + Clone>(&self, params: &T) -> OptState<T> {
        let slots = (0..self.rule.num_slots())
            .map(|_| tree_map(params, |p| self.rule.init_slot(p)))
            .collect();
        OptState {
            count: Tensor::scalar(0i64),
            slots,
        }
    }

    /// One step: the new parameters and state, from the gradients `grads` (shaped like
    /// `params`) of the loss at `params`.
    ///
    /// The step can be jitted: the state, the step count included, is tensors, and the
    /// update reads none of their values. With a concrete count (eager use) the per-step
    /// numbers (learning rate, bias corrections) are Rust numbers; with a traced count they
    /// are the same formulas as tensor operations on it, so `jit` compiles the whole step
    /// (gradient, clipping, schedule, update) once and runs it at every count. A schedule
    /// made by [`Schedule::new`] (a Rust closure) has no tensor form: under `jit` use
    /// [`Schedule::new_traced`] or a built-in schedule.
    ///
    /// ```
    /// use ferrograd::optim::{self, schedule, OptState};
    /// use ferrograd::{grad, jit_with, JitOptions, Tensor};
    /// // Least squares for w·x + b.
    /// type Params = (Tensor, Tensor);
    /// let loss = |(w, b): &Params, x: &Tensor, y: &Tensor| (x.dot(w) + b - y).powi(2).mean();
    /// let x = Tensor::from([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]);
    /// let y = Tensor::from(vec![1.0, -1.0, 0.0]);
    ///
    /// let opt = optim::adam(schedule::cosine_decay(0.1, 300, 0.01)).clip_by_global_norm(1.0);
    /// let step = jit_with(
    ///     |(p, s, x, y): &(Params, OptState<Params>, Tensor, Tensor)| {
    ///         let g = grad(|p: &Params| loss(p, x, y))(p);
    ///         opt.update(p, &g, s.clone())
    ///     },
    ///     JitOptions::default(),
    /// );
    /// let mut p: Params = (Tensor::from(vec![0.0, 0.0]), Tensor::from(0.0));
    /// let mut s = opt.init(&p);
    /// for _ in 0..300 {
    ///     (p, s) = step.call(&(p, s, x.clone(), y.clone()));
    /// }
    /// assert_eq!(step.compiles(), 1);
    /// assert_eq!(s.steps(), 300);
    /// assert!(loss(&p, &x, &y).item() < 1e-3);
    /// ```
    ///
    /// # Panics
    /// If `grads` or `state` do not match `params` (see [`Optimizer::try_update`]).
    #[track_caller]
    pub fn update<T: Tree + Clone>(
        &self,
        params: &T,
        grads: &T,
        state: OptState<T>,
    ) -> (T, OptState<T>) {
        ok(self.try_update(params, grads, state))
    }

    /// [`Optimizer::update`] taking the parameters by value: each parameter whose buffer
    /// nothing else holds (no clone of it is alive) is updated in place, as are the state's
    /// slots (which every form takes by value). The results are those of
    /// [`Optimizer::update`], bit for bit.
    ///
    /// ```
    /// use ferrograd::{grad, optim, Tensor};
    /// let loss = |x: &Tensor| (x - 3.0).powi(2).sum();
    /// let opt = optim::adam(0.1);
    /// let mut x = Tensor::from(vec![0.0, 1.0]);
    /// let mut state = opt.init(&x);
    /// for _ in 0..500 {
    ///     let g = grad(loss)(&x);
    ///     (x, state) = opt.update_owned(x, &g, state);
    /// }
    /// assert!(loss(&x).item() < 1e-6);
    /// ```
    ///
    /// # Panics
    /// As [`Optimizer::update`].
    #[track_caller]
    pub fn update_owned<T: Tree + Clone>(
        &self,
        params: T,
        grads: &T,
        state: OptState<T>,
    ) -> (T, OptState<T>) {
        ok(self.try_update_owned(params, grads, state))
    }

    /// Fallible [`Optimizer::update`].
    ///
    /// # Errors
    /// If the trees have different numbers of leaves, a gradient's shape or dtype differs
    /// from its parameter's, a parameter is not a float tensor, or the count is traced and
    /// the learning rate is a [`Schedule::new`] closure (which has no tensor form).
    pub fn try_update<T: Tree + Clone>(
        &self,
        params: &T,
        grads: &T,
        state: OptState<T>,
    ) -> Result<(T, OptState<T>)> {
        self.try_update_owned(params.clone(), grads, state)
    }

    /// Fallible [`Optimizer::update_owned`].
    ///
    /// # Errors
    /// As [`Optimizer::try_update`].
    pub fn try_update_owned<T: Tree + Clone>(
        &self,
        params: T,
        grads: &T,
        state: OptState<T>,
    ) -> Result<(T, OptState<T>)> {
        let p = leaves(&params);
        let mut g = leaves(grads);
        check_leaves(self.rule.name(), self.rule.num_slots(), &p, &g, &state)?;
        if let Some(max) = self.clip_norm {
            g = clip::clip_leaves(&g, max)?;
        }
        // The trees are dropped once their leaves are taken out, so that a leaf nobody
        // else holds can be updated in place.
        let mut slots: Vec<Vec<Tensor>> = state.slots.iter().map(leaves).collect();
        drop(state.slots);
        let template = rebuild(&params, vec![Tensor::scalar(0.0); p.len()]);
        drop(params);
        let (new_p, count) = if state.count.is_concrete() {
            // Rust numbers, and the one-pass form where the leaves allow it.
            let count = state.count.try_item()? as u64;
            let step = Step {
                t: (count + 1) as f64,
                lr: self.rule.learning_rate().at(count),
            };
            let new_p = each_leaf(p, &g, &mut slots, |p, g, s| {
                match self.rule.step_fused(p, g, s, &step) {
                    Ok(p) => Ok(p),
                    Err(p) => self.rule.step(&p, g, s, &step),
                }
            })?;
            (new_p, Tensor::scalar(count as i64 + 1))
        } else {
            // Traced (a step under jit): the same numbers as tensor operations on the count.
            let count = lax::convert(&state.count, DType::F64)?;
            let step = Step {
                t: lax::add_scalar(&count, 1.0)?,
                lr: self.rule.learning_rate().try_at_tensor(&count)?,
            };
            let new_p = each_leaf(p, &g, &mut slots, |p, g, s| self.rule.step(&p, g, s, &step))?;
            (new_p, lax::add_scalar(&state.count, 1.0)?)
        };
        let state = OptState {
            count,
            slots: slots.into_iter().map(|l| rebuild(&template, l)).collect(),
        };
        Ok((rebuild(&template, new_p), state))
    }
}

/// The new parameters from `step` on each leaf `p[i]`, its gradient `g[i]` and its slots
/// `slots[k][i]` (updated in place, and moved out during the call so that a buffer nobody
/// else holds can be written over).
fn each_leaf(
    p: Vec<Tensor>,
    g: &[Tensor],
    slots: &mut [Vec<Tensor>],
    mut step: impl FnMut(Tensor, &Tensor, &mut [Tensor]) -> Result<Tensor>,
) -> Result<Vec<Tensor>> {
    let mut new_p = Vec::with_capacity(p.len());
    for (i, p) in p.into_iter().enumerate() {
        let mut s: Vec<Tensor> = slots
            .iter_mut()
            .map(|sl| std::mem::replace(&mut sl[i], Tensor::scalar(0.0)))
            .collect();
        new_p.push(step(p, &g[i], &mut s)?);
        for (sl, v) in slots.iter_mut().zip(s) {
            sl[i] = v;
        }
    }
    Ok(new_p)
}

/// Refuses mismatched trees with a message naming the optimizer and the leaf.
fn check_leaves<T: Tree>(
    op: &'static str,
    num_slots: usize,
    p: &[Tensor],
    g: &[Tensor],
    s: &OptState<T>,
) -> Result<()> {
    if p.len() != g.len() {
        return Err(Error::CountMismatch {
            op,
            got: g.len(),
            what: "gradient leaves",
            expected: p.len(),
            of: "parameter leaves",
            fix: "pass the gradient of the loss with respect to these parameters",
        });
    }
    for (i, (p, g)) in p.iter().zip(g).enumerate() {
        lax::require_float(op, &p.aval())?;
        if p.shape() != g.shape() || p.dtype() != g.dtype() {
            return Err(Error::invalid(
                op,
                format!(
                    "leaf {i}: the parameter is {} {:?} but its gradient is {} {:?}",
                    p.dtype(),
                    p.shape(),
                    g.dtype(),
                    g.shape()
                ),
            ));
        }
    }
    if s.slots.len() != num_slots {
        return Err(Error::invalid(
            op,
            format!("the state has {} slots but {op} keeps {num_slots}; make the state with this optimizer's init(&params)", s.slots.len()),
        ));
    }
    for (k, slot) in s.slots.iter().enumerate() {
        let n = leaves(slot).len();
        if n != p.len() {
            return Err(Error::invalid(
                op,
                format!("state slot {k} has {n} leaves but the parameters have {}; make the state with init(&params)", p.len()),
            ));
        }
    }
    if s.count.dtype() != DType::I64 || !s.count.shape().is_empty() {
        return Err(Error::invalid(
            op,
            "the state's count must be a 0-d int64 tensor (as made by init)",
        ));
    }
    Ok(())
}
