//! A jitted optimizer step gives the eager step's parameters and state: every rule, with a
//! constant rate and with each built-in schedule, with and without clipping, over 100 steps
//! of least squares on a two-tensor parameter tree, compiled once; schedules' tensor forms
//! equal their Rust forms at whole counts; a closure schedule is refused under jit with a
//! message naming the fix.
//!
//! Two jitted forms are compared with the eager loop. The jitted update alone (gradients
//! computed eagerly and passed in) runs the same operations in the same order and dtype as
//! the eager one-pass kernels, so it is equal bit for bit, except where a value is computed
//! another way: the clipping norm (a sum, whose order a compiled program may change) and
//! `step_decay`'s traced power (`pow`, where the Rust form uses `powi`); those runs are held
//! to 1e-14, relative to the largest element of the tree (parameters or slot) the leaf is
//! in. The jitted training step (gradient and update in one program) sums the gradient in
//! another order too, so its gradients differ from the eager ones in the last bits and the
//! two trajectories drift apart through the dynamics; the rates keep every run away from the
//! regime around the optimum where RMSProp's and Nesterov's steps amplify rounding, and the
//! runs are held to 1e-12 (f64; 1e-5 for f32).

use std::cell::RefCell;

use ferrograd::optim::{self, schedule, OptState, Optimizer, Rule, Schedule};
use ferrograd::{grad, jit, jit_with, DType, JitOptions, Tensor, Tree};

#[derive(Debug, Clone, Tree)]
struct Params {
    w: Tensor,
    b: Tensor,
}

const STEPS: usize = 100;

/// What the jitted function holds.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Jitted {
    /// The update alone; the gradients are computed eagerly and passed in.
    Update,
    /// Gradient and update: the training step.
    Step,
}

fn loss(p: &Params, x: &Tensor, y: &Tensor) -> Tensor {
    (x.dot(&p.w) + &p.b - y).powi(2).mean()
}

/// 16 samples of 3 smooth features and a target not in their span (the loss stays above 0).
fn data(dtype: DType) -> (Tensor, Tensor) {
    let x: Vec<f64> = (0..48).map(|k| (0.7 * k as f64 + 0.3).sin()).collect();
    let y: Vec<f64> = (0..16).map(|i| (0.4 * i as f64).cos() + 0.5).collect();
    (
        Tensor::from_vec(x, &[16, 3]).astype(dtype),
        Tensor::from(y).astype(dtype),
    )
}

fn params0(dtype: DType) -> Params {
    Params {
        w: Tensor::from(vec![0.5, -0.25, 1.0]).astype(dtype),
        b: Tensor::from(-0.5).astype(dtype),
    }
}

fn eager<R: Rule>(opt: &Optimizer<R>, dtype: DType) -> (Params, OptState<Params>) {
    let (x, y) = data(dtype);
    let mut p = params0(dtype);
    let mut s = opt.init(&p);
    for _ in 0..STEPS {
        let g = grad(|p: &Params| loss(p, &x, &y))(&p);
        (p, s) = opt.update(&p, &g, s);
    }
    (p, s)
}

/// `STEPS` calls of the jitted update or step; also returns how many times it compiled.
fn jitted<R: Rule>(
    opt: &Optimizer<R>,
    dtype: DType,
    what: Jitted,
) -> (Params, OptState<Params>, usize) {
    let (x, y) = data(dtype);
    let mut p = params0(dtype);
    let mut s = opt.init(&p);
    if what == Jitted::Update {
        let update = jit_with(
            |(p, g, s): &(Params, Params, OptState<Params>)| opt.update(p, g, s.clone()),
            JitOptions::default(),
        );
        for _ in 0..STEPS {
            let g = grad(|p: &Params| loss(p, &x, &y))(&p);
            (p, s) = update.call(&(p, g, s));
        }
        return (p, s, update.compiles());
    }
    let step = jit_with(
        |(p, s, x, y): &(Params, OptState<Params>, Tensor, Tensor)| {
            let g = grad(|p: &Params| loss(p, x, y))(p);
            opt.update(p, &g, s.clone())
        },
        JitOptions::default(),
    );
    for _ in 0..STEPS {
        (p, s) = step.call(&(p, s, x.clone(), y.clone()));
    }
    (p, s, step.compiles())
}

/// The global norm of the gradient at the start (f64).
fn first_norm() -> f64 {
    let (x, y) = data(DType::F64);
    let g = grad(|p: &Params| loss(p, &x, &y))(&params0(DType::F64));
    optim::global_norm(&g).item()
}

fn max_abs(t: &Tensor) -> f64 {
    t.to_vec().iter().fold(0.0, |m, v| m.max(v.abs()))
}

/// max |a − b| relative to `scale`.
fn rel_diff(a: &Tensor, b: &Tensor, scale: f64) -> f64 {
    assert_eq!((a.shape(), a.dtype()), (b.shape(), b.dtype()));
    max_abs(&(a - b)) / scale.max(f64::MIN_POSITIVE)
}

fn bits(t: &Tensor) -> Vec<u64> {
    t.to_vec().iter().map(|v| v.to_bits()).collect()
}

/// The parameters, then each slot, as trees.
fn trees_of(p: &Params, s: &OptState<Params>) -> Vec<Params> {
    let mut out = vec![p.clone()];
    out.extend(s.slots.iter().cloned());
    out
}

/// The jitted run equals the eager run within `tol` (0: bit for bit), compiled once, with
/// the count an int64 100; returns the eager parameters.
fn agree<R: Rule>(name: &str, opt: &Optimizer<R>, dtype: DType, what: Jitted, tol: f64) -> Params {
    let name = format!("{name} (jitted {what:?})");
    let (p, s) = eager(opt, dtype);
    let (pj, sj, compiles) = jitted(opt, dtype, what);
    assert_eq!(compiles, 1, "{name}: compiled once over {STEPS} steps");
    assert_eq!(sj.count.dtype(), DType::I64, "{name}");
    assert!(sj.count.shape().is_empty(), "{name}");
    assert_eq!(
        (sj.steps(), s.steps()),
        (STEPS as u64, STEPS as u64),
        "{name}"
    );
    assert_eq!(sj.slots.len(), opt.rule.num_slots(), "{name}");
    // Each leaf's error relative to the largest element of its tree (the parameters, or one
    // slot): a momentum's or moment's element may pass near 0, where its own size is no
    // scale for rounding.
    for (k, (a, b)) in trees_of(&p, &s).iter().zip(&trees_of(&pj, &sj)).enumerate() {
        let scale = max_abs(&a.w).max(max_abs(&a.b));
        for (leaf, x, y) in [("w", &a.w, &b.w), ("b", &a.b, &b.b)] {
            let d = rel_diff(x, y, scale);
            let what = if k == 0 {
                "params".into()
            } else {
                format!("slot {}", k - 1)
            };
            assert!(
                d <= tol,
                "{name}: {what}.{leaf} differs by {d:e} (relative)"
            );
            if tol == 0.0 {
                assert_eq!(bits(x), bits(y), "{name}: {what}.{leaf}");
            }
        }
    }
    // The run did something: the parameters moved from their start.
    let p0 = params0(dtype);
    assert!(
        rel_diff(&p0.w, &p.w, max_abs(&p0.w)) > 1e-3,
        "{name}: no progress"
    );
    p
}

/// A constant rate and every built-in schedule, with `lr` as the peak rate; each has a
/// boundary, a floor or its end inside the 100 steps.
fn schedules(lr: f64) -> Vec<(&'static str, Schedule)> {
    vec![
        ("constant", lr.into()),
        (
            "exponential",
            schedule::exponential_decay(lr, 0.5, 25, false),
        ),
        ("staircase", schedule::exponential_decay(lr, 0.5, 25, true)),
        ("step_decay", schedule::step_decay(lr, 0.3, 30)),
        ("cosine", schedule::cosine_decay(lr, 80, 0.1)),
        ("linear", schedule::linear(lr, 0.1 * lr, 60)),
        (
            "warmup",
            schedule::linear_warmup(10, schedule::cosine_decay(lr, 50, 0.0)),
        ),
        (
            "warmup_cosine",
            schedule::warmup_cosine_decay(lr, 10, 70, 0.1 * lr),
        ),
        (
            "new_traced",
            Schedule::new_traced(
                move |t| lr / (1.0 + t as f64 / 10.0),
                move |t| lr / (t / 10.0 + 1.0),
            ),
        ),
    ]
}

/// Every schedule, with and without clipping to half the first gradient's norm, with the
/// update jitted and with the training step jitted.
fn every_schedule<R: Rule + Clone>(name: &str, lr: f64, make: impl Fn(Schedule) -> Optimizer<R>) {
    for (sname, s) in schedules(lr) {
        let opt = make(s);
        let clipped = opt.clone().clip_by_global_norm(0.5 * first_norm());
        let (name, name_c) = (
            format!("{name}, {sname}"),
            format!("{name}, {sname}, clipped"),
        );
        let exact = if sname == "step_decay" { 1e-14 } else { 0.0 };
        agree(&name, &opt, DType::F64, Jitted::Update, exact);
        agree(&name_c, &clipped, DType::F64, Jitted::Update, 1e-14);
        agree(&name, &opt, DType::F64, Jitted::Step, 1e-12);
        agree(&name_c, &clipped, DType::F64, Jitted::Step, 1e-12);
    }
}

/// Clipping to half the first gradient's norm halves the first SGD step.
#[test]
fn clipping_acts_on_the_runs() {
    let opt = optim::sgd(0.1);
    let clipped = opt.clone().clip_by_global_norm(0.5 * first_norm());
    let (x, y) = data(DType::F64);
    let p0 = params0(DType::F64);
    let g = grad(|p: &Params| loss(p, &x, &y))(&p0);
    let step = |o: &Optimizer<optim::Sgd>| {
        let (p, _) = o.update(&p0, &g, o.init(&p0));
        &p.w - &p0.w
    };
    let (full, half) = (step(&opt), step(&clipped));
    assert!(rel_diff(&(&full * 0.5), &half, max_abs(&full)) < 1e-15);
}

#[test]
fn sgd_jitted_equals_eager() {
    every_schedule("sgd", 0.1, optim::sgd);
    every_schedule("sgd momentum", 0.05, |s| optim::sgd(s).momentum(0.9));
    every_schedule("sgd nesterov", 0.01, |s| {
        optim::sgd(s).momentum(0.9).nesterov(true)
    });
    every_schedule("sgd weight decay", 0.1, |s| {
        optim::sgd(s).momentum(0.5).weight_decay(0.01)
    });
}

#[test]
fn adam_jitted_equals_eager() {
    every_schedule("adam", 0.05, optim::adam);
}

#[test]
fn adamw_jitted_equals_eager() {
    every_schedule("adamw", 0.05, |s| optim::adamw(s, 0.1));
}

#[test]
fn rmsprop_jitted_equals_eager() {
    every_schedule("rmsprop", 0.002, optim::rmsprop);
}

#[test]
fn adagrad_jitted_equals_eager() {
    every_schedule("adagrad", 0.2, optim::adagrad);
}

/// f32 parameters stay f32; the jitted update is exact, the jitted step within f32 rounding
/// carried through the dynamics.
#[test]
fn float32_parameters_jitted_equal_eager() {
    let opt = optim::adam(schedule::warmup_cosine_decay(0.05, 10, 70, 0.005));
    let p = agree("adam f32", &opt, DType::F32, Jitted::Update, 0.0);
    assert_eq!((p.w.dtype(), p.b.dtype()), (DType::F32, DType::F32));
    agree("adam f32", &opt, DType::F32, Jitted::Step, 1e-5);
    let clipped = opt.clip_by_global_norm(0.5 * first_norm());
    agree(
        "adam f32, clipped",
        &clipped,
        DType::F32,
        Jitted::Update,
        1e-6,
    );
    agree(
        "adam f32, clipped",
        &clipped,
        DType::F32,
        Jitted::Step,
        1e-5,
    );
}

/// The tensor form of each schedule, run eagerly and jitted, at whole counts: equal to the
/// Rust form bit for bit where its pieces are exact (floors, boundaries, `min`, and the
/// powers of 0.5 a staircase takes), and to rounding elsewhere.
#[test]
fn schedules_tensor_forms_equal_their_rust_forms() {
    let exact = [
        ("constant", schedule::constant(0.3)),
        ("staircase", schedule::exponential_decay(2.0, 0.5, 7, true)),
        ("step_decay", schedule::step_decay(1.0, 0.5, 30)),
        ("linear", schedule::linear(1.0, 0.0, 4)),
        (
            "warmup",
            schedule::linear_warmup(16, schedule::constant(0.5)),
        ),
    ];
    for (name, s) in exact {
        let f = jit(|c: &Tensor| s.at_tensor(c));
        for c in 0..200u64 {
            let want = s.at(c).to_bits();
            let eager = s.at_tensor(&Tensor::scalar(c as i64)).item().to_bits();
            let jitted = f(&Tensor::scalar(c as i64)).item().to_bits();
            assert_eq!((eager, jitted), (want, want), "{name} at {c}");
        }
    }
    for (name, s) in schedules(0.1) {
        let f = jit(|c: &Tensor| s.at_tensor(c));
        for c in 0..200u64 {
            let want = s.at(c);
            for got in [
                s.at_tensor(&Tensor::scalar(c as f64)).item(),
                f(&Tensor::scalar(c as i64)).item(),
            ] {
                assert!(
                    (got - want).abs() <= 1e-15 * want.abs(),
                    "{name} at {c}: {got} vs {want}"
                );
            }
        }
    }
}

const REFUSAL: &str = "Schedule::new: this schedule is a Rust closure of the step count (a \
     u64) and has no tensor form, which a traced count needs (the optimizer step runs under \
     jit or another transform of its state); make it with Schedule::new_traced(f, f_tensor) \
     to give its tensor form too, use a schedule from optim::schedule, or run the optimizer \
     step outside jit";

/// A `Schedule::new` closure works eagerly and is refused under jit, by `try_update` with
/// this error.
#[test]
fn closure_schedule_is_refused_under_jit() {
    let opt = optim::sgd(Schedule::new(|t| 0.1 / (t + 1) as f64));
    let p = params0(DType::F64);
    let s = opt.init(&p);
    let (p1, _) = opt.update(&p, &p, s.clone());
    assert_eq!(p1.b.item(), -0.5 + 0.1 * 0.5);
    let err = RefCell::new(None);
    let step = jit(
        |(p, s): &(Params, OptState<Params>)| match opt.try_update(p, p, s.clone()) {
            Ok((p, _)) => p,
            Err(e) => {
                *err.borrow_mut() = Some(e.to_string());
                p.clone()
            }
        },
    );
    step(&(p, s));
    assert_eq!(err.borrow().as_deref(), Some(REFUSAL));
}

/// `update` panics with the same message.
#[test]
#[should_panic(expected = "Schedule::new: this schedule is a Rust closure of the step count")]
fn closure_schedule_panics_under_jit_in_update() {
    let opt = optim::adam(Schedule::new(|_| 0.1));
    let p = params0(DType::F64);
    let step = jit(|(p, s): &(Params, OptState<Params>)| opt.update(p, p, s.clone()).0);
    step(&(p.clone(), opt.init(&p)));
}
