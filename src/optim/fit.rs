//! A training loop: value and gradient of the loss, an optimizer step, the loss recorded
//! and shown on a progress bar (hidden off a terminal).

use ferrograd_core::{Result, Tensor, Tree};

use super::{OptState, Optimizer, Rule};
use crate::progress::Progress;
use crate::transforms::value_and_grad;

/// Options of [`fit_with`].
#[derive(Debug, Clone)]
pub struct FitOptions {
    /// Number of optimizer steps.
    pub steps: usize,
    /// The progress bar's title.
    pub title: String,
    /// Show a progress bar (only drawn when stdout and stderr are terminals).
    pub progress: bool,
}

impl FitOptions {
    /// `steps` steps, with a progress bar titled "training".
    pub fn steps(steps: usize) -> Self {
        FitOptions {
            steps,
            title: "training".to_string(),
            progress: true,
        }
    }
}

/// What [`fit`] returns.
#[derive(Debug, Clone)]
pub struct Fit<T> {
    /// The parameters after the last step.
    pub params: T,
    /// The optimizer state after the last step (to continue training).
    pub state: OptState<T>,
    /// The loss at the parameters before each step: `losses[i]` is the loss after `i` steps.
    pub losses: Vec<f64>,
}

/// Minimises `loss` from `params` with `steps` steps of `opt`, showing a progress bar with
/// the loss.
///
/// ```
/// use ferrograd::{optim, Tensor};
/// let loss = |w: &Tensor| (w - 2.0).powi(2).sum();
/// let fit = optim::fit(loss, Tensor::from(vec![0.0, 5.0]), &optim::sgd(0.25), 20);
/// assert_eq!(fit.losses.len(), 20);
/// assert!(fit.losses[19] < 1e-9 && fit.params.to_vec().iter().all(|w| (w - 2.0).abs() < 1e-5));
/// ```
///
/// # Panics
/// If `loss` does not return a scalar, or the optimizer refuses the gradients.
#[track_caller]
pub fn fit<T: Tree + Clone, R: Rule>(
    loss: impl Fn(&T) -> Tensor,
    params: T,
    opt: &Optimizer<R>,
    steps: usize,
) -> Fit<T> {
    ferrograd_core::api::ok(fit_with(loss, params, opt, &FitOptions::steps(steps)))
}

/// [`fit`] with options.
///
/// # Errors
/// If the optimizer refuses the gradients (see [`Optimizer::try_update`]) or the loss is
/// traced.
pub fn fit_with<T: Tree + Clone, R: Rule>(
    loss: impl Fn(&T) -> Tensor,
    params: T,
    opt: &Optimizer<R>,
    opts: &FitOptions,
) -> Result<Fit<T>> {
    let bar = if opts.progress {
        Progress::new(opts.steps as u64, &opts.title)
    } else {
        Progress::hidden(opts.steps as u64)
    };
    let step = value_and_grad(loss);
    let mut state = opt.init(&params);
    let mut params = params;
    let mut losses = Vec::with_capacity(opts.steps);
    for _ in 0..opts.steps {
        let (l, g) = step(&params);
        let l = l.try_item()?;
        (params, state) = opt.try_update(&params, &g, state)?;
        losses.push(l);
        bar.step(l);
    }
    bar.finish();
    Ok(Fit {
        params,
        state,
        losses,
    })
}
