//! The update rules, one leaf at a time. Hyperparameters are Rust scalars, which take the
//! parameter's dtype (so float32 parameters stay float32); bias corrections and other
//! per-step constants are computed in f64 first: as Rust numbers when the step count is
//! concrete, as 0-d float64 tensors when it is traced (see [`Num`]).
//!
//! With `t` the step number (1 for the first update), `g` the gradient, `p` the parameter
//! and `lr` the schedule's rate at step `t − 1`:
//!
//! | rule | slots | update |
//! | --- | --- | --- |
//! | sgd | momentum `b` if `momentum > 0` | `b ← μ b + g`; `p ← p − lr·b` (Nesterov: `p ← p − lr·(g + μ b)`) |
//! | adam | `m`, `v` | `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`, `p ← p − lr·m̂ / (√v̂ + ε)` with `m̂ = m/(1−β₁ᵗ)`, `v̂ = v/(1−β₂ᵗ)` |
//! | adamw | `m`, `v` | adam's step plus `lr·λ·p` (decoupled weight decay) |
//! | rmsprop | `v` | `v ← ρv + (1−ρ)g²`; `p ← p − lr·g / (√v + ε)` |
//! | adagrad | `s` | `s ← s + g²`; `p ← p − lr·g / (√s + ε)` |
//!
//! These are the formulas of optax (sgd with `trace`, adam, adamw, rmsprop) and PyTorch
//! (sgd's weight decay, adagrad with a zero initial accumulator).

use ferrograd_core::{lax, Result, Tensor};

use super::fused::{self, Formula, Step, Value};
use super::{Num, Optimizer, Schedule};

/// What an optimizer does to one leaf. Implement it to add a rule; [`Optimizer`] does the
/// tree handling, the step count and clipping.
///
/// A rule's step is written once over [`Num`], so that it runs eagerly and under `jit`:
///
/// ```
/// use ferrograd::optim::{Num, OptState, Optimizer, Rule, Schedule, Step};
/// use ferrograd::{jit, Error, Tensor};
/// /// signSGD (Bernstein et al. 2018): p ← p − lr·sign(g).
/// struct SignSgd(Schedule);
/// impl Rule for SignSgd {
///     fn name(&self) -> &'static str {
///         "sign_sgd"
///     }
///     fn learning_rate(&self) -> &Schedule {
///         &self.0
///     }
///     fn num_slots(&self) -> usize {
///         0
///     }
///     fn step<N: Num>(
///         &self,
///         p: &Tensor,
///         g: &Tensor,
///         _slots: &mut [Tensor],
///         step: &Step<N>,
///     ) -> Result<Tensor, Error> {
///         Ok(p - &step.lr.scale(&g.sign()))
///     }
/// }
/// let opt = Optimizer { rule: SignSgd(0.5.into()), clip_norm: None };
/// let p = Tensor::from(vec![1.0, -1.0]);
/// let g = Tensor::from(vec![3.0, -0.1]);
/// let eager = opt.update(&p, &g, opt.init(&p)).0;
/// let step = jit(|(p, g, s): &(Tensor, Tensor, OptState<Tensor>)| opt.update(p, g, s.clone()));
/// let jitted = step(&(p.clone(), g, opt.init(&p))).0;
/// assert_eq!(eager.to_vec(), vec![0.5, -0.5]);
/// assert_eq!(jitted.to_vec(), vec![0.5, -0.5]);
/// ```
pub trait Rule {
    /// The rule's name, for error messages.
    fn name(&self) -> &'static str;
    /// The learning rate schedule.
    fn learning_rate(&self) -> &Schedule;
    /// How many state tensors each parameter has.
    fn num_slots(&self) -> usize;
    /// A slot's initial value for parameter `p` (zeros by default).
    fn init_slot(&self, p: &Tensor) -> Tensor {
        lax::zeros_like(p)
    }
    /// The new parameter, updating `slots` in place; `step` holds the step number `t` (1
    /// first) and the learning rate for this step, as `f64`s when the step count is
    /// concrete and as 0-d float64 tensors when it is traced (a step under `jit`). Written
    /// once over [`Num`], a rule works both ways; it must not read the numbers' values.
    fn step<N: Num>(
        &self,
        p: &Tensor,
        g: &Tensor,
        slots: &mut [Tensor],
        step: &Step<N>,
    ) -> Result<Tensor>;
    /// [`Rule::step`] as one pass over memory, where the rule has such a form and the
    /// tensors allow it (concrete, row-major float leaves, concrete count): the new
    /// parameter, written into `p`'s buffer when nothing else holds it, or `Err(p)` to take
    /// [`Rule::step`] instead (the default). The results must equal [`Rule::step`]'s.
    fn step_fused(
        &self,
        p: Tensor,
        _g: &Tensor,
        _slots: &mut [Tensor],
        _step: &Step,
    ) -> std::result::Result<Tensor, Tensor> {
        Err(p)
    }
}

/// A rule's [`Rule::step`] and [`Rule::step_fused`] from its [`Formula`].
macro_rules! rule_from_formula {
    () => {
        fn step<N: Num>(
            &self,
            p: &Tensor,
            g: &Tensor,
            s: &mut [Tensor],
            step: &Step<N>,
        ) -> Result<Tensor> {
            let c = self.consts(step);
            Ok(self.apply::<N, Tensor>(&c, p, g, s))
        }
        fn step_fused(
            &self,
            p: Tensor,
            g: &Tensor,
            s: &mut [Tensor],
            step: &Step,
        ) -> std::result::Result<Tensor, Tensor> {
            fused::run(self, step, p, g, s)
        }
    };
}

/// Stochastic gradient descent, optionally with momentum (heavy-ball or Nesterov) and L2
/// weight decay added to the gradient (PyTorch's `weight_decay`).
#[derive(Debug, Clone)]
pub struct Sgd {
    pub lr: Schedule,
    pub momentum: f64,
    pub nesterov: bool,
    pub weight_decay: f64,
}

/// Plain gradient descent `p ← p − lr·g`; add `.momentum(μ)`, `.nesterov(true)`,
/// `.weight_decay(λ)` as needed.
///
/// ```
/// use ferrograd::{optim, Tensor};
/// let opt = optim::sgd(0.1).momentum(0.9);
/// let p = Tensor::from(1.0);
/// let (p, s) = opt.update(&p, &Tensor::from(2.0), opt.init(&p));
/// assert!((p.item() - 0.8).abs() < 1e-15); // b = 2, p = 1 − 0.1·2
/// let (p, _) = opt.update(&p, &Tensor::from(2.0), s);
/// assert!((p.item() - 0.42).abs() < 1e-15); // b = 0.9·2 + 2 = 3.8
/// ```
pub fn sgd(lr: impl Into<Schedule>) -> Optimizer<Sgd> {
    Optimizer::new(Sgd {
        lr: lr.into(),
        momentum: 0.0,
        nesterov: false,
        weight_decay: 0.0,
    })
}

impl Optimizer<Sgd> {
    /// Heavy-ball momentum `μ` (0 turns it off).
    pub fn momentum(mut self, mu: f64) -> Self {
        self.rule.momentum = mu;
        self
    }
    /// Nesterov's momentum (Sutskever et al. 2013's form, as PyTorch and optax).
    pub fn nesterov(mut self, on: bool) -> Self {
        self.rule.nesterov = on;
        self
    }
    /// L2 weight decay `λ`: the gradient becomes `g + λp`.
    pub fn weight_decay(mut self, lambda: f64) -> Self {
        self.rule.weight_decay = lambda;
        self
    }
}

impl Rule for Sgd {
    fn name(&self) -> &'static str {
        "sgd"
    }
    fn learning_rate(&self) -> &Schedule {
        &self.lr
    }
    fn num_slots(&self) -> usize {
        usize::from(self.momentum != 0.0)
    }
    rule_from_formula!();
}

impl Formula for Sgd {
    type Consts<N: Num> = Step<N>;
    fn consts<N: Num>(&self, step: &Step<N>) -> Step<N> {
        step.clone()
    }
    fn apply<N: Num, V: Value<N>>(&self, c: &Step<N>, p: &V, g: &V, s: &mut [V]) -> V {
        let g = if self.weight_decay != 0.0 {
            g.add(&p.scale(self.weight_decay))
        } else {
            g.clone()
        };
        let d = if self.momentum != 0.0 {
            s[0] = s[0].scale(self.momentum).add(&g);
            if self.nesterov {
                g.add(&s[0].scale(self.momentum))
            } else {
                s[0].clone()
            }
        } else {
            g
        };
        p.sub(&d.scale_by(&c.lr))
    }
}

/// Adam (Kingma & Ba 2015), and AdamW's decoupled weight decay when `weight_decay > 0`
/// (Loshchilov & Hutter 2019).
#[derive(Debug, Clone)]
pub struct Adam {
    pub lr: Schedule,
    pub b1: f64,
    pub b2: f64,
    pub eps: f64,
    pub weight_decay: f64,
}

/// Adam with β₁ = 0.9, β₂ = 0.999, ε = 1e-8; change them with `.betas(b1, b2)`, `.eps(e)`.
/// Slots: the first moment `m`, then the second `v`.
///
/// ```
/// use ferrograd::{optim, Tensor};
/// // The first step moves every coordinate by about lr, whatever the gradient's scale:
/// // m̂ = g and v̂ = g², so the step is lr·g/(|g| + ε).
/// let opt = optim::adam(0.01);
/// let p = Tensor::from(vec![1.0, 1.0]);
/// let (p, _) = opt.update(&p, &Tensor::from(vec![1000.0, -0.001]), opt.init(&p));
/// let v = p.to_vec();
/// assert!((v[0] - 0.99).abs() < 1e-12 && (v[1] - 1.01).abs() < 1e-7);
/// ```
pub fn adam(lr: impl Into<Schedule>) -> Optimizer<Adam> {
    Optimizer::new(Adam {
        lr: lr.into(),
        b1: 0.9,
        b2: 0.999,
        eps: 1e-8,
        weight_decay: 0.0,
    })
}

/// AdamW: Adam plus decoupled weight decay `p ← p − lr·λ·p` (not added to the gradient, so
/// not rescaled by the second moment). Slots as [`adam`].
pub fn adamw(lr: impl Into<Schedule>, weight_decay: f64) -> Optimizer<Adam> {
    let mut opt = adam(lr);
    opt.rule.weight_decay = weight_decay;
    opt
}

impl Optimizer<Adam> {
    /// The moment decay rates β₁ and β₂.
    pub fn betas(mut self, b1: f64, b2: f64) -> Self {
        self.rule.b1 = b1;
        self.rule.b2 = b2;
        self
    }
    /// The ε added to √v̂.
    pub fn eps(mut self, eps: f64) -> Self {
        self.rule.eps = eps;
        self
    }
}

impl Rule for Adam {
    fn name(&self) -> &'static str {
        if self.weight_decay != 0.0 {
            "adamw"
        } else {
            "adam"
        }
    }
    fn learning_rate(&self) -> &Schedule {
        &self.lr
    }
    fn num_slots(&self) -> usize {
        2
    }
    rule_from_formula!();
}

/// Adam's per-step constants: the learning rate and the bias corrections 1 − βᵗ.
#[derive(Debug, Clone, Copy)]
pub struct AdamStep<N = f64> {
    lr: N,
    correct1: N,
    correct2: N,
}

impl Formula for Adam {
    type Consts<N: Num> = AdamStep<N>;
    fn consts<N: Num>(&self, step: &Step<N>) -> AdamStep<N> {
        // Bias corrections: the moments start at 0, so they are too small by 1 − βᵗ.
        AdamStep {
            lr: step.lr.clone(),
            correct1: step.t.pow_of(self.b1).rsub_c(1.0),
            correct2: step.t.pow_of(self.b2).rsub_c(1.0),
        }
    }
    fn apply<N: Num, V: Value<N>>(&self, c: &AdamStep<N>, p: &V, g: &V, s: &mut [V]) -> V {
        let (b1, b2) = (self.b1, self.b2);
        s[0] = s[0].scale(b1).add(&g.scale(1.0 - b1));
        s[1] = s[1].scale(b2).add(&g.scale(1.0 - b2).mul(g));
        let m_hat = s[0].div_by(&c.correct1);
        let v_hat = s[1].div_by(&c.correct2);
        let mut d = m_hat.div(&v_hat.sqrt().add_scalar(self.eps));
        if self.weight_decay != 0.0 {
            d = d.add(&p.scale(self.weight_decay));
        }
        p.sub(&d.scale_by(&c.lr))
    }
}

/// RMSProp (Tieleman & Hinton 2012).
#[derive(Debug, Clone)]
pub struct RmsProp {
    pub lr: Schedule,
    pub decay: f64,
    pub eps: f64,
}

/// RMSProp with decay ρ = 0.9 and ε = 1e-8 (optax's defaults); `.decay(ρ)`, `.eps(e)`.
/// Slot: the running mean of g².
///
/// ```
/// use ferrograd::{optim, Tensor};
/// let opt = optim::rmsprop(0.01);
/// let p = Tensor::from(0.0);
/// let (p, _) = opt.update(&p, &Tensor::from(2.0), opt.init(&p));
/// // v = 0.1·4, so p = −0.01·2/√0.4
/// assert!((p.item() + 0.02 / 0.4f64.sqrt()).abs() < 1e-9);
/// ```
pub fn rmsprop(lr: impl Into<Schedule>) -> Optimizer<RmsProp> {
    Optimizer::new(RmsProp {
        lr: lr.into(),
        decay: 0.9,
        eps: 1e-8,
    })
}

impl Optimizer<RmsProp> {
    /// The decay ρ of the running mean of g².
    pub fn decay(mut self, rho: f64) -> Self {
        self.rule.decay = rho;
        self
    }
    /// The ε added to √v.
    pub fn eps(mut self, eps: f64) -> Self {
        self.rule.eps = eps;
        self
    }
}

impl Rule for RmsProp {
    fn name(&self) -> &'static str {
        "rmsprop"
    }
    fn learning_rate(&self) -> &Schedule {
        &self.lr
    }
    fn num_slots(&self) -> usize {
        1
    }
    rule_from_formula!();
}

impl Formula for RmsProp {
    type Consts<N: Num> = Step<N>;
    fn consts<N: Num>(&self, step: &Step<N>) -> Step<N> {
        step.clone()
    }
    fn apply<N: Num, V: Value<N>>(&self, c: &Step<N>, p: &V, g: &V, s: &mut [V]) -> V {
        s[0] = s[0]
            .scale(self.decay)
            .add(&g.scale(1.0 - self.decay).mul(g));
        p.sub(&g.scale_by(&c.lr).div(&s[0].sqrt().add_scalar(self.eps)))
    }
}

/// Adagrad (Duchi, Hazan & Singer 2011).
#[derive(Debug, Clone)]
pub struct Adagrad {
    pub lr: Schedule,
    pub eps: f64,
}

/// Adagrad with a zero initial accumulator and ε = 1e-10 (PyTorch's defaults); `.eps(e)`.
/// Slot: the sum of g².
///
/// ```
/// use ferrograd::{optim, Tensor};
/// let opt = optim::adagrad(0.5);
/// let p = Tensor::from(1.0);
/// let (p, s) = opt.update(&p, &Tensor::from(3.0), opt.init(&p));
/// assert!((p.item() - 0.5).abs() < 1e-9); // 1 − 0.5·3/3
/// let (p, _) = opt.update(&p, &Tensor::from(4.0), s);
/// assert!((p.item() - 0.1).abs() < 1e-9); // 0.5 − 0.5·4/5
/// ```
pub fn adagrad(lr: impl Into<Schedule>) -> Optimizer<Adagrad> {
    Optimizer::new(Adagrad {
        lr: lr.into(),
        eps: 1e-10,
    })
}

impl Optimizer<Adagrad> {
    /// The ε added to √s.
    pub fn eps(mut self, eps: f64) -> Self {
        self.rule.eps = eps;
        self
    }
}

impl Rule for Adagrad {
    fn name(&self) -> &'static str {
        "adagrad"
    }
    fn learning_rate(&self) -> &Schedule {
        &self.lr
    }
    fn num_slots(&self) -> usize {
        1
    }
    rule_from_formula!();
}

impl Formula for Adagrad {
    type Consts<N: Num> = Step<N>;
    fn consts<N: Num>(&self, step: &Step<N>) -> Step<N> {
        step.clone()
    }
    fn apply<N: Num, V: Value<N>>(&self, c: &Step<N>, p: &V, g: &V, s: &mut [V]) -> V {
        s[0] = s[0].add(&g.mul(g));
        p.sub(&g.scale_by(&c.lr).div(&s[0].sqrt().add_scalar(self.eps)))
    }
}
