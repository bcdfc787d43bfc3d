//! Learning-rate schedules: functions from the step count (the number of updates done so
//! far, starting at 0) to a learning rate. The formulas are optax's, whose names they keep.
//!
//! Each built-in schedule is one formula over [`Num`], evaluated with Rust arithmetic on a
//! concrete count ([`Schedule::at`]) and with tensor operations on a count tensor
//! ([`Schedule::at_tensor`]), which is what an optimizer step under `jit` does. The two agree
//! exactly at whole counts where the formula's pieces are exact (floors, boundaries,
//! `min`), and otherwise up to the rounding of the tensor kernels.

use std::f64::consts::PI;
use std::fmt;
use std::sync::Arc;

use ferrograd_core::api::ok;
use ferrograd_core::{lax, DType, Error, Result, Tensor};

use super::num::Num;

/// A schedule's Rust closure of the count.
pub(crate) type EagerFn = dyn Fn(u64) -> f64 + Send + Sync;
/// A schedule's tensor form: the rate at a 0-d float64 count tensor.
pub(crate) type TracedFn = dyn Fn(&Tensor) -> Tensor + Send + Sync;

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
pub struct Schedule(Arc<Kind>);

/// The schedules, as data: each is evaluated by one formula over [`Num`] in
/// [`Schedule::eval`].
enum Kind {
    Custom {
        eager: Arc<EagerFn>,
        traced: Option<Arc<TracedFn>>,
    },
    Constant(f64),
    Exponential {
        init: f64,
        rate: f64,
        steps: u64,
        staircase: bool,
    },
    StepDecay {
        init: f64,
        gamma: f64,
        step_size: u64,
    },
    Cosine {
        init: f64,
        steps: u64,
        alpha: f64,
    },
    Linear {
        init: f64,
        end: f64,
        steps: u64,
    },
    Warmup {
        steps: u64,
        after: Schedule,
    },
}

impl Schedule {
    fn of(kind: Kind) -> Self {
        Schedule(Arc::new(kind))
    }

    /// A schedule from any function of the step count. It has no tensor form, so an
    /// optimizer using it refuses to step on a traced count (a step under `jit`): for that,
    /// use [`Schedule::new_traced`] or a built-in schedule.
    pub fn new(f: impl Fn(u64) -> f64 + Send + Sync + 'static) -> Self {
        Schedule::of(Kind::Custom {
            eager: Arc::new(f),
            traced: None,
        })
    }

    /// A schedule from a function of the step count and the same function as tensor
    /// operations, which takes the count as a 0-d float64 tensor and returns the rate as a
    /// 0-d float tensor. The tensor form is what an optimizer step under `jit` uses.
    ///
    /// ```
    /// use ferrograd::optim::Schedule;
    /// use ferrograd::Tensor;
    /// let s = Schedule::new_traced(|t| 1.0 / (t + 1) as f64, |t| 1.0 / (t + 1.0));
    /// assert_eq!(s.at(3), 0.25);
    /// assert_eq!(s.at_tensor(&Tensor::from(3.0)).item(), 0.25);
    /// ```
    pub fn new_traced(
        f: impl Fn(u64) -> f64 + Send + Sync + 'static,
        f_tensor: impl Fn(&Tensor) -> Tensor + Send + Sync + 'static,
    ) -> Self {
        Schedule::of(Kind::Custom {
            eager: Arc::new(f),
            traced: Some(Arc::new(f_tensor)),
        })
    }

    /// The learning rate at step `count`.
    pub fn at(&self, count: u64) -> f64 {
        // f64 arithmetic cannot fail; only the tensor form of a closure can.
        ok(self.eval(&(count as f64)))
    }

    /// The learning rate at the count given as a 0-d tensor (any numeric dtype), computed
    /// with tensor operations, so the count may be traced: a 0-d float64 tensor.
    ///
    /// ```
    /// use ferrograd::optim::schedule;
    /// use ferrograd::Tensor;
    /// let s = schedule::step_decay(1.0, 0.5, 10);
    /// assert_eq!(s.at_tensor(&Tensor::scalar(25i64)).item(), s.at(25));
    /// ```
    ///
    /// # Panics
    /// As [`Schedule::try_at_tensor`] fails.
    #[track_caller]
    pub fn at_tensor(&self, count: &Tensor) -> Tensor {
        ok(self.try_at_tensor(count))
    }

    /// Fallible [`Schedule::at_tensor`].
    ///
    /// # Errors
    /// If `count` is not a 0-d numeric tensor, or the schedule was made by
    /// [`Schedule::new`] (a Rust closure, with no tensor form).
    pub fn try_at_tensor(&self, count: &Tensor) -> Result<Tensor> {
        if !count.shape().is_empty() || count.dtype() == DType::Bool {
            return Err(Error::invalid(
                "Schedule::at_tensor",
                format!(
                    "the count must be a 0-d numeric tensor, got {} {:?}",
                    count.dtype(),
                    count.shape()
                ),
            ));
        }
        self.eval(&lax::convert(count, DType::F64)?)
    }

    /// The rate at count `t`, one formula per schedule for both kinds of numbers.
    fn eval<N: Num>(&self, t: &N) -> Result<N> {
        Ok(match &*self.0 {
            Kind::Custom { eager, traced } => {
                return N::custom_rate(eager.as_ref(), traced.as_deref(), t);
            }
            Kind::Constant(v) => N::constant(*v),
            Kind::Exponential {
                init,
                rate,
                steps,
                staircase,
            } => {
                let p = t.div_c(*steps as f64);
                let p = if *staircase { p.floor() } else { p };
                p.pow_of(*rate).mul_c(*init)
            }
            // ⌊t / s⌋ in f64 is the integer quotient for counts below 2^53.
            Kind::StepDecay {
                init,
                gamma,
                step_size,
            } => t
                .div_c(*step_size as f64)
                .floor()
                .powi_of(*gamma)
                .mul_c(*init),
            Kind::Cosine { init, steps, alpha } => {
                let frac = t.min_c(*steps as f64).div_c(*steps as f64);
                let wave = frac.mul_c(PI).cos().add_c(1.0);
                wave.mul_c((1.0 - alpha) * 0.5).add_c(*alpha).mul_c(*init)
            }
            Kind::Linear { init, end, steps } => {
                let frac = t.min_c(*steps as f64).div_c(*steps as f64);
                frac.mul_c(end - init).add_c(*init)
            }
            Kind::Warmup { steps, after } => {
                let w = *steps as f64;
                let ramp = t.mul_c(after.at(0)).div_c(w);
                // Clamped at 0 so that `after` is never asked below its first step.
                let rest = after.eval(&t.sub_c(w).max_c(0.0))?;
                t.select_lt(w, ramp, rest)
            }
        })
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
    Schedule::of(Kind::Constant(value))
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
    Schedule::of(Kind::Exponential {
        init,
        rate,
        steps: transition_steps,
        staircase,
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
    Schedule::of(Kind::StepDecay {
        init,
        gamma,
        step_size,
    })
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
    Schedule::of(Kind::Cosine {
        init,
        steps: decay_steps,
        alpha,
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
    Schedule::of(Kind::Linear { init, end, steps })
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
    Schedule::of(Kind::Warmup {
        steps: warmup_steps,
        after,
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
