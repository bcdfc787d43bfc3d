//! Optimizers' first steps against hand-computed values, schedules, clipping, trees, errors,
//! and the derivatives of an update step.

use std::collections::BTreeMap;

use ferrograd::optim::{self, schedule};
use ferrograd::{check_grads, grad, optimizers, DType, Tensor, Tree};

fn close(a: f64, b: f64, tol: f64) {
    assert!((a - b).abs() <= tol, "{a} vs {b} (tolerance {tol})");
}

/// Runs `opt` on a 0-d parameter with the given gradients, returning the path of p.
fn path<R: optim::Rule>(opt: &optim::Optimizer<R>, p0: f64, grads: &[f64]) -> Vec<f64> {
    let mut p = Tensor::from(p0);
    let mut s = opt.init(&p);
    let mut out = Vec::new();
    for &g in grads {
        (p, s) = opt.update(&p, &Tensor::from(g), s);
        out.push(p.item());
    }
    out
}

#[test]
fn sgd_plain_momentum_nesterov_and_weight_decay() {
    let p = path(&optim::sgd(0.1), 1.0, &[0.5, -1.0]);
    close(p[0], 0.95, 1e-15);
    close(p[1], 1.05, 1e-15);
    // Heavy ball: b1 = 1, p1 = 0.9; b2 = 0.9 + 3 = 3.9, p2 = 0.9 − 0.39.
    let p = path(&optim::sgd(0.1).momentum(0.9), 1.0, &[1.0, 3.0]);
    close(p[0], 0.9, 1e-15);
    close(p[1], 0.51, 1e-15);
    // Nesterov: d1 = 1 + 0.9·1 = 1.9; b2 = 3.9, d2 = 3 + 0.9·3.9 = 6.51.
    let p = path(
        &optim::sgd(0.1).momentum(0.9).nesterov(true),
        1.0,
        &[1.0, 3.0],
    );
    close(p[0], 0.81, 1e-15);
    close(p[1], 0.81 - 0.651, 1e-15);
    // L2 weight decay: g' = 1 + 0.1·2.
    let p = path(&optim::sgd(0.5).weight_decay(0.1), 2.0, &[1.0]);
    close(p[0], 1.4, 1e-15);
}

#[test]
fn adam_bias_correction_first_two_steps() {
    let p = path(&optim::adam(0.1), 1.0, &[0.5, -1.0]);
    // Step 1: m = 0.05, v = 0.00025; m̂ = 0.5, v̂ = 0.25, so the step is 0.1·0.5/(0.5 + 1e-8).
    close(p[0], 1.0 - 0.1 * 0.5 / (0.5 + 1e-8), 1e-16);
    close(p[0], 0.900_000_002, 1e-15);
    // Step 2: m = 0.045 − 0.1 = −0.055, v = 0.999·0.00025 + 0.001 = 0.00124975.
    let m_hat = -0.055 / (1.0 - 0.81);
    let v_hat: f64 = 0.001_249_75 / (1.0 - 0.998_001);
    close(p[1], p[0] - 0.1 * m_hat / (v_hat.sqrt() + 1e-8), 1e-15);
    close(p[1], 0.936_610_3, 1e-7);
}

#[test]
fn adam_without_bias_correction_would_differ() {
    // Uncorrected, the first step would be 0.1·0.05/(√0.00025) ≈ 0.316: the test above
    // pins the corrected 0.1.
    let p = path(&optim::adam(0.1).betas(0.5, 0.75), 0.0, &[2.0]);
    close(p[0], -0.1 * 2.0 / (2.0 + 1e-8), 1e-15);
}

#[test]
fn adamw_decays_decoupled_from_the_gradient_scale() {
    // adam's part of the first step is 0.5/(0.5 + 1e-8); the decay adds λp = 0.01·2.
    let p = path(&optim::adamw(0.1, 0.01), 2.0, &[0.5]);
    close(p[0], 2.0 - 0.1 * (0.5 / (0.5 + 1e-8) + 0.02), 1e-15);
    // With L2 in the gradient instead, Adam's normalisation would cancel it: ≈ 2 − 0.1.
    let coupled = path(&optim::adam(0.1), 2.0, &[0.5 + 0.02]);
    assert!((coupled[0] - 1.9).abs() < 1e-7 && (p[0] - 1.898).abs() < 1e-7);
}

#[test]
fn rmsprop_and_adagrad_steps() {
    // RMSProp: v1 = 0.1·4 = 0.4; v2 = 0.9·0.4 + 0.1·1 = 0.46.
    let p = path(&optim::rmsprop(0.01), 0.0, &[2.0, -1.0]);
    close(p[0], -0.01 * 2.0 / (0.4f64.sqrt() + 1e-8), 1e-16);
    close(p[1], p[0] + 0.01 / (0.46f64.sqrt() + 1e-8), 1e-16);
    let p = path(&optim::rmsprop(0.01).decay(0.5).eps(0.0), 0.0, &[2.0]);
    close(p[0], -0.01 * 2.0 / 2.0f64.sqrt(), 1e-16);
    // Adagrad: s1 = 9, s2 = 25.
    let p = path(&optim::adagrad(0.5), 1.0, &[3.0, 4.0]);
    close(p[0], 1.0 - 0.5 * 3.0 / (3.0 + 1e-10), 1e-15);
    close(p[1], p[0] - 0.5 * 4.0 / (5.0 + 1e-10), 1e-15);
}

#[test]
fn schedule_values() {
    assert_eq!(schedule::constant(0.3).at(12345), 0.3);
    let e = schedule::exponential_decay(1.0, 0.5, 10, false);
    close(e.at(5), 0.5f64.sqrt(), 1e-15);
    close(e.at(20), 0.25, 1e-15);
    let st = schedule::exponential_decay(2.0, 0.1, 3, true);
    assert_eq!((st.at(2), st.at(3)), (2.0, 2.0 * 0.1));
    let sd = schedule::step_decay(1.0, 0.5, 2);
    assert_eq!(
        (0..6).map(|t| sd.at(t)).collect::<Vec<_>>(),
        vec![1.0, 1.0, 0.5, 0.5, 0.25, 0.25]
    );
    let c = schedule::cosine_decay(2.0, 100, 0.1);
    close(
        c.at(25),
        2.0 * (0.9 * 0.5 * (1.0 + (std::f64::consts::PI / 4.0).cos()) + 0.1),
        1e-15,
    );
    close(c.at(100), 0.2, 1e-15);
    close(c.at(1000), 0.2, 1e-15);
    let l = schedule::linear(1.0, 0.0, 4);
    assert_eq!((l.at(1), l.at(4), l.at(9)), (0.75, 0.0, 0.0));
    let w = schedule::warmup_cosine_decay(1.0, 4, 8, 0.1);
    assert_eq!((w.at(0), w.at(2), w.at(4)), (0.0, 0.5, 1.0));
    close(w.at(6), 0.55, 1e-15);
    close(w.at(8), 0.1, 1e-15);
    let custom = optim::Schedule::new(|t| 1.0 / (t + 1) as f64);
    assert_eq!(custom.at(3), 0.25);
}

#[test]
#[should_panic(expected = "cosine_decay: decay_steps must be at least 1")]
fn schedule_refuses_zero_steps() {
    schedule::cosine_decay(1.0, 0, 0.0);
}

#[test]
fn optimizers_follow_their_schedule_from_step_zero() {
    // The rate at count 0 is 1, then 0.5, 0.25: p = −1, −1.5, −1.75.
    let opt = optim::sgd(schedule::exponential_decay(1.0, 0.5, 1, true));
    assert_eq!(path(&opt, 0.0, &[1.0, 1.0, 1.0]), vec![-1.0, -1.5, -1.75]);
}

#[test]
fn global_norm_clipping() {
    let g = (Tensor::from(vec![3.0f32, 0.0]), Tensor::from(4.0));
    assert_eq!(optim::global_norm(&g).item(), 5.0);
    let c = optim::clip_by_global_norm(&g, 2.5);
    assert_eq!(c.0.dtype(), DType::F32);
    assert_eq!((c.0.to_vec(), c.1.item()), (vec![1.5, 0.0], 2.0));
    let same = optim::clip_by_global_norm(&g, 5.0);
    assert_eq!((same.0.to_vec(), same.1.item()), (vec![3.0, 0.0], 4.0));
    assert!(optim::try_clip_by_global_norm(&g, 0.0).is_err());
    // Inside an optimizer: sgd with rate 1 steps by exactly the clipped gradient.
    let opt = optim::sgd(1.0).clip_by_global_norm(1.0);
    let p = (Tensor::from(vec![0.0f32, 0.0]), Tensor::from(0.0));
    let (p, _) = opt.update(&p, &g, opt.init(&p));
    assert_eq!(
        (p.0.to_vec(), p.1.item()),
        (vec![-0.6f32 as f64, 0.0], -0.8)
    );
    // A zero gradient stays zero (no 0/0).
    let z = optim::clip_by_global_norm(&Tensor::from(vec![0.0, 0.0]), 1.0);
    assert_eq!(z.to_vec(), vec![0.0, 0.0]);
}

#[derive(Debug, Clone, Tree)]
struct Model {
    w: Tensor,
    extra: BTreeMap<String, Tensor>,
    layers: Vec<(Tensor, Tensor)>,
}

#[test]
fn any_tree_keeps_structure_and_dtype() {
    let model = Model {
        w: Tensor::from([[1.0f32, 2.0], [3.0, 4.0]]),
        extra: BTreeMap::from([("scale".to_string(), Tensor::from(0.5))]),
        layers: vec![(Tensor::from(vec![1.0, -1.0]), Tensor::from(2.0f32))],
    };
    let loss = |m: &Model| {
        (m.w.astype(DType::F64).sum() * &m.extra["scale"]).powi(2)
            + (&m.layers[0].0 * m.layers[0].1.astype(DType::F64)).sum()
    };
    let opt = optim::adam(0.01);
    let mut state = opt.init(&model);
    assert_eq!(state.slots.len(), 2);
    assert_eq!(state.slots[0].w.shape(), &[2, 2]);
    let mut m = model.clone();
    for _ in 0..3 {
        let g = grad(loss)(&m);
        (m, state) = opt.update(&m, &g, state);
    }
    assert_eq!(state.steps(), 3);
    assert_eq!(m.tree_def(), model.tree_def());
    assert_eq!(m.w.dtype(), DType::F32);
    assert_eq!(m.layers[0].1.dtype(), DType::F32);
    // Every coordinate with a nonzero gradient moved by about 3·lr (Adam's steps ~ lr).
    let dw = (&m.w - &model.w).to_vec();
    assert!(dw.iter().all(|d| (d + 0.03).abs() < 1e-4), "{dw:?}");
}

#[test]
fn mismatched_gradients_and_states_are_errors() {
    let p = Tensor::from(vec![1.0, 2.0]);
    let opt = optim::sgd(0.1).momentum(0.9);
    let e = opt
        .try_update(&p, &Tensor::from(vec![1.0, 2.0, 3.0]), opt.init(&p))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("sgd") && e.contains("[3]") && e.contains("[2]"),
        "{e}"
    );
    let adam_state = optim::adam(0.1).init(&p);
    let e = opt.try_update(&p, &p, adam_state).unwrap_err().to_string();
    assert!(e.contains("2 slots") && e.contains("keeps 1"), "{e}");
    let ints = Tensor::from(vec![1i64, 2]);
    assert!(opt.try_update(&ints, &ints, opt.init(&ints)).is_err());
}

#[test]
fn update_steps_are_differentiable() {
    // Differentiating through an update (as in meta-learning): d/dp of the new parameters.
    let x = Tensor::from(vec![0.7, -1.3, 2.1]);
    let g_of = |p: &Tensor| p.sin() + p * p;
    let adam = optim::adam(0.1);
    let f = |p: &Tensor| {
        let s = adam.init(p);
        let (p1, s) = adam.update(p, &g_of(p), s);
        adam.update(&p1, &g_of(&p1), s).0
    };
    check_grads(f, &x, 2).unwrap();
    let sgd = optim::sgd(0.1)
        .momentum(0.9)
        .nesterov(true)
        .weight_decay(0.01);
    check_grads(|p: &Tensor| sgd.update(p, &g_of(p), sgd.init(p)).0, &x, 2).unwrap();
    let rms = optim::rmsprop(0.1);
    check_grads(|p: &Tensor| rms.update(p, &g_of(p), rms.init(p)).0, &x, 2).unwrap();
    let ada = optim::adagrad(0.1);
    check_grads(|p: &Tensor| ada.update(p, &g_of(p), ada.init(p)).0, &x, 2).unwrap();
    check_grads(|g: &Tensor| optim::clip_by_global_norm(g, 1.0), &x, 2).unwrap();
    check_grads(|g: &Tensor| optim::global_norm(g), &x, 2).unwrap();
}

#[test]
fn autograd_sgd_matches_its_formula() {
    // autograd's loop: v ← 0.9v − 0.1g, x ← x + 0.5v, for f(x) = x², g = 2x.
    let df = grad(|x: &Tensor| x.powi(2).sum());
    let mut calls = Vec::new();
    let x = optimizers::sgd(
        |x: &Tensor, _| df(x),
        &Tensor::from(vec![1.0]),
        2,
        0.5,
        0.9,
        |x, i, g| calls.push((i, x.to_vec()[0], g.to_vec()[0])),
    );
    // i = 0: g = 2, v = −0.2, x = 0.9. i = 1: g = 1.8, v = −0.18 − 0.18 = −0.36, x = 0.72.
    assert_eq!(calls.len(), 2);
    close(calls[1].1, 0.9, 1e-15);
    close(calls[1].2, 1.8, 1e-15);
    close(x.to_vec()[0], 0.72, 1e-15);
}

#[test]
fn fit_records_losses_and_hides_its_bar_in_tests() {
    assert!(!ferrograd::progress::on_terminal() || std::env::var_os("CI").is_none());
    assert!(ferrograd::progress::Progress::hidden(3).is_hidden());
    let loss = |w: &Tensor| (w - 1.0).powi(2).sum();
    let fit = optim::fit(loss, Tensor::from(vec![3.0]), &optim::sgd(0.25), 3);
    // w: 3 → 2 → 1.5 → 1.25, losses recorded before each step.
    assert_eq!(fit.losses, vec![4.0, 1.0, 0.25]);
    assert_eq!(fit.params.to_vec(), vec![1.25]);
    assert_eq!(fit.state.steps(), 3);
}
