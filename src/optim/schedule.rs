//! Learning-rate schedules: functions from the step count (the number of updates done so
//! far, starting at 0) to a learning rate. The formulas are optax's, whose names they keep.

use std::f64::consts::PI;
use std::fmt;
use std::sync::Arc;

use ferrograd_core::api::ok;
use ferrograd_core::{Error, Result};

/// A learning rate as a function of the step count. Cheap to clone; a plain `f64` converts
/// into a constant schedule, so every optimizer takes either.
///
/// ```
/// use ferrograd::optim::schedule::{self, Schedule};
/// let s: Schedule = 0.1.into();
/// assert_eq!(s.at(1000), 0.1);
/// let s = schedule::exponential_decay(1.0, 0.5, 10, true);
/// assert_eq!((s.at(9), s.at(10), s.at(25)), (1.0, 0.5, 0.25));
/// ```
#[derive(Clone)]
pub struct Schedule(Arc<dyn Fn(u64) -> f64 + Send + Sync>);

impl Schedule {
    /// A schedule from any function of the step count.
    pub fn new(f: impl Fn(u64) -> f64 + Send + Sync + 'static) -> Self {
        Schedule(Arc::new(f))
    }

    /// The learning rate at step `count`.
    pub fn at(&self, count: u64) -> f64 {
        (self.0)(count)
    }
}

impl fmt::Debug for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Schedule(at 0: {})", self.at(0))
    }
}

impl From<f64> for Schedule {
    fn from(v: f64) -> Self {
        constant(v)
    }
}

fn positive(op: &'static str, what: &str, n: u64) -> Result<()> {
    if n == 0 {
        return Err(Error::invalid(
            op,
            format!("{what} must be at least 1, got 0"),
        ));
    }
    Ok(())
}

/// The same rate at every step.
pub fn constant(value: f64) -> Schedule {
    Schedule::new(move |_| value)
}

/// `init · rate^(count / transition_steps)`; with `staircase` the exponent is rounded down,
/// so the rate drops by `rate` every `transition_steps` steps (optax's `exponential_decay`).
///
/// # Panics
/// If `transition_steps` is 0.
#[track_caller]
pub fn exponential_decay(init: f64, rate: f64, transition_steps: u64, staircase: bool) -> Schedule {
    ok(positive(
        "exponential_decay",
        "transition_steps",
        transition_steps,
    ));
    Schedule::new(move |t| {
        let p = t as f64 / transition_steps as f64;
        init * rate.powf(if staircase { p.floor() } else { p })
    })
}

/// PyTorch's `StepLR`: `init · gamma^⌊count / step_size⌋`.
///
/// ```
/// use ferrograd::optim::schedule;
/// let s = schedule::step_decay(0.1, 0.1, 30);
/// assert_eq!(s.at(29), 0.1);
/// assert!((s.at(30) - 0.01).abs() < 1e-17); // 0.1 · 0.1, rounded
/// ```
///
/// # Panics
/// If `step_size` is 0.
#[track_caller]
pub fn step_decay(init: f64, gamma: f64, step_size: u64) -> Schedule {
    ok(positive("step_decay", "step_size", step_size));
    Schedule::new(move |t| init * gamma.powi((t / step_size) as i32))
}

/// Cosine decay from `init` to `alpha · init` over `decay_steps`, then constant:
/// `init · ((1 − α) · ½(1 + cos(π · min(t, T) / T)) + α)` (optax's `cosine_decay_schedule`).
///
/// ```
/// use ferrograd::optim::schedule;
/// let s = schedule::cosine_decay(1.0, 100, 0.0);
/// assert_eq!(s.at(0), 1.0);
/// assert!((s.at(50) - 0.5).abs() < 1e-15);
/// assert_eq!(s.at(100), 0.0);
/// ```
///
/// # Panics
/// If `decay_steps` is 0.
#[track_caller]
pub fn cosine_decay(init: f64, decay_steps: u64, alpha: f64) -> Schedule {
    ok(positive("cosine_decay", "decay_steps", decay_steps));
    Schedule::new(move |t| {
        let frac = t.min(decay_steps) as f64 / decay_steps as f64;
        init * ((1.0 - alpha) * 0.5 * (1.0 + (PI * frac).cos()) + alpha)
    })
}

/// A straight line from `init` to `end` over `steps`, then `end` (optax's
/// `linear_schedule`).
///
/// # Panics
/// If `steps` is 0.
#[track_caller]
pub fn linear(init: f64, end: f64, steps: u64) -> Schedule {
    ok(positive("linear", "steps", steps));
    Schedule::new(move |t| init + (end - init) * (t.min(steps) as f64 / steps as f64))
}

/// A linear warmup from 0 over `warmup_steps`, then `after` started afresh: the rate is
/// `after(0) · t / warmup_steps` for `t < warmup_steps`, and `after(t − warmup_steps)` from
/// then on (optax's `join_schedules` of a linear ramp and `after`).
///
/// ```
/// use ferrograd::optim::schedule;
/// let s = schedule::linear_warmup(10, schedule::constant(0.5));
/// assert_eq!((s.at(0), s.at(5), s.at(10), s.at(99)), (0.0, 0.25, 0.5, 0.5));
/// ```
///
/// # Panics
/// If `warmup_steps` is 0.
#[track_caller]
pub fn linear_warmup(warmup_steps: u64, after: Schedule) -> Schedule {
    ok(positive("linear_warmup", "warmup_steps", warmup_steps));
    Schedule::new(move |t| {
        if t < warmup_steps {
            after.at(0) * t as f64 / warmup_steps as f64
        } else {
            after.at(t - warmup_steps)
        }
    })
}

/// A linear warmup from 0 to `peak` over `warmup_steps`, then a cosine decay from `peak` to
/// `end` that reaches it at step `decay_steps` (counted from the start, warmup included),
/// as optax's `warmup_cosine_decay_schedule` with `init_value = 0`.
///
/// ```
/// use ferrograd::optim::schedule;
/// let s = schedule::warmup_cosine_decay(1.0, 10, 110, 0.0);
/// assert_eq!((s.at(5), s.at(10), s.at(110)), (0.5, 1.0, 0.0));
/// assert!((s.at(60) - 0.5).abs() < 1e-15);
/// ```
///
/// # Panics
/// If `warmup_steps` is 0 or `decay_steps <= warmup_steps`.
#[track_caller]
pub fn warmup_cosine_decay(peak: f64, warmup_steps: u64, decay_steps: u64, end: f64) -> Schedule {
    if decay_steps <= warmup_steps {
        ok::<()>(Err(Error::invalid(
            "warmup_cosine_decay",
            format!("decay_steps ({decay_steps}) must exceed warmup_steps ({warmup_steps}): the decay ends at step decay_steps, counted from the start"),
        )));
    }
    let alpha = if peak == 0.0 { 0.0 } else { end / peak };
    linear_warmup(
        warmup_steps,
        cosine_decay(peak, decay_steps - warmup_steps, alpha),
    )
}
