//! In-place updates of imperative params (`w -= …` under `no_grad`), the version check that
//! refuses a backward through a graph recorded before an update, optimizers on params, and
//! params shared across threads.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::thread;

use ferrograd::{no_grad, optim, BackwardOptions, DType, Tensor};

/// A least-squares problem with an exact solution: y = X w* + b*, w* = [2, -1], b* = 0.5.
fn problem() -> (Tensor, Tensor) {
    let x = Tensor::from([[1.0, 2.0], [3.0, 1.0], [0.0, 1.0], [2.0, -1.0], [1.0, 1.0]]);
    let w_star = Tensor::from(vec![2.0, -1.0]);
    let y = x.matmul(&w_star) + 0.5;
    (x, y)
}

fn mse(x: &Tensor, y: &Tensor, w: &Tensor, b: &Tensor) -> Tensor {
    (x.matmul(w) + b - y).powi(2).mean()
}

/// The gradient of the mean squared error, by hand: 2/n Xᵀr and 2/n Σr with r = Xw + b − y.
fn hand_grads(x: &Tensor, y: &Tensor, w: &[f64], b: f64) -> (Vec<f64>, f64) {
    let (xs, ys) = (x.to_vec(), y.to_vec());
    let n = ys.len();
    let r: Vec<f64> = (0..n)
        .map(|i| xs[2 * i] * w[0] + xs[2 * i + 1] * w[1] + b - ys[i])
        .collect();
    let gw = (0..2)
        .map(|j| 2.0 / n as f64 * (0..n).map(|i| xs[2 * i + j] * r[i]).sum::<f64>())
        .collect();
    (gw, 2.0 / n as f64 * r.iter().sum::<f64>())
}

/// 100 steps of gradient descent written in place; returns the losses and final params.
fn fit_in_place(lr: f64) -> (Vec<f64>, Tensor, Tensor) {
    let (x, y) = problem();
    let mut w = Tensor::param(vec![0.0, 0.0]);
    let mut b = Tensor::param(0.0);
    let (w_first, b_first) = (w.clone(), b.clone());
    let mut losses = Vec::new();
    for step in 0..100 {
        let (w_now, b_now) = (w.to_vec(), b.item());
        let loss = mse(&x, &y, &w, &b);
        loss.backward();
        losses.push(loss.item());
        let (gw, gb) = (w.grad().expect("w.grad"), b.grad().expect("b.grad"));
        // Fresh each step: equal to this step's gradient, not a sum over steps.
        let (hw, hb) = hand_grads(&x, &y, &w_now, b_now);
        for (g, h) in gw.to_vec().iter().zip(&hw) {
            assert!(
                (g - h).abs() <= 1e-12 * (1.0 + h.abs()),
                "step {step}: {g} vs {h}"
            );
        }
        assert!((gb.item() - hb).abs() <= 1e-12 * (1.0 + hb.abs()));
        no_grad(|| {
            w -= &(lr * &gw);
            b -= &(lr * &gb);
        });
        w.zero_grad();
        b.zero_grad();
        assert!(w.grad().is_none() && b.grad().is_none());
    }
    // The same leaves all along: the handles taken before the loop see the fitted values.
    assert_eq!(w_first.to_vec(), w.to_vec());
    assert_eq!(b_first.item(), b.item());
    assert!(w.is_leaf() && b.is_leaf());
    assert_eq!((w.version(), b.version()), (100, 100));
    (losses, w, b)
}

#[test]
fn in_place_gradient_descent_fits_least_squares() {
    let (losses, w, b) = fit_in_place(0.1);
    assert!(losses.windows(2).all(|l| l[1] < l[0]), "{losses:?}");
    // The optimum: loss 0 at w* = [2, -1], b* = 0.5.
    assert!(
        losses[0] > 1.0 && losses[99] < 1e-4,
        "{} {}",
        losses[0],
        losses[99]
    );
    let wv = w.to_vec();
    assert!(
        (wv[0] - 2.0).abs() < 1e-2 && (wv[1] + 1.0).abs() < 1e-2,
        "{wv:?}"
    );
    assert!((b.item() - 0.5).abs() < 2e-2, "{}", b.item());
}

#[test]
fn in_place_loop_equals_the_new_leaf_idiom_bit_for_bit() {
    let lr = 0.1;
    let (losses, w, b) = fit_in_place(lr);
    let (x, y) = problem();
    let mut w_old = Tensor::param(vec![0.0, 0.0]);
    let mut b_old = Tensor::param(0.0);
    let mut losses_old = Vec::new();
    for _ in 0..100 {
        let loss = mse(&x, &y, &w_old, &b_old);
        loss.backward();
        losses_old.push(loss.item());
        let (gw, gb) = (w_old.grad().unwrap(), b_old.grad().unwrap());
        w_old = no_grad(|| &w_old - lr * &gw).requires_grad();
        b_old = no_grad(|| &b_old - lr * &gb).requires_grad();
    }
    assert_eq!(losses, losses_old);
    assert_eq!(w.to_vec(), w_old.to_vec());
    assert_eq!(b.item(), b_old.item());
}

#[test]
fn clones_see_the_update_and_the_param_stays_a_param() {
    let mut w = Tensor::param(vec![1.0, 2.0, 3.0]);
    let alias = w.clone();
    no_grad(|| {
        w += &Tensor::from(vec![1.0, 1.0, 1.0]);
        w *= 2.0;
        w /= &Tensor::from(4.0); // broadcasts
        w -= 1;
    });
    assert_eq!(alias.to_vec(), vec![0.0, 0.5, 1.0]);
    assert_eq!(alias.version(), 4);
    assert!(alias.is_leaf() && alias.is_tracked());
    // Gradients through either handle land in the one .grad.
    (&alias * &w).sum().backward();
    assert_eq!(w.grad().unwrap().to_vec(), vec![0.0, 1.0, 2.0]);
    alias.zero_grad();
    assert!(w.grad().is_none());
}

#[test]
fn in_place_update_keeps_dtype_and_shape() {
    let mut w = Tensor::param(Tensor::from(vec![1.0f32, 2.0]));
    no_grad(|| w -= &Tensor::from(vec![0.5f64, 0.5])); // promoted, converted back
    assert_eq!((w.dtype(), w.to_vec()), (DType::F32, vec![0.5, 1.5]));
    let err = no_grad(|| w.try_add_assign(&Tensor::from([[1.0, 1.0], [1.0, 1.0]])))
        .expect_err("a result of another shape");
    let msg = err.to_string();
    assert!(
        msg.contains("add_assign") && msg.contains("[2, 2]") && msg.contains("[2]"),
        "{msg}"
    );
    assert_eq!(w.to_vec(), vec![0.5, 1.5]);
}

#[test]
fn plain_tensors_rebind() {
    let mut x = Tensor::from(vec![1.0, 2.0]);
    let before = x.clone();
    x -= 1.0;
    x *= &Tensor::from(vec![3.0, 4.0]);
    assert_eq!(x.to_vec(), vec![0.0, 4.0]);
    assert_eq!(before.to_vec(), vec![1.0, 2.0]);
    // A value computed from a param is not a param: `y -= 1` records `y - 1`.
    let w = Tensor::param(3.0);
    let mut y = &w * &w;
    y -= 1.0;
    y.backward();
    assert_eq!((y.item(), w.grad().unwrap().item()), (8.0, 6.0));
}

#[test]
fn in_place_update_while_recording_is_refused() {
    let mut w = Tensor::param(vec![1.0, 2.0]);
    let err = w.try_sub_assign(0.5).expect_err("recording is on");
    let msg = err.to_string();
    assert!(msg.contains("sub_assign (-=)"), "{msg}");
    assert!(
        msg.contains("in place while recording") && msg.contains("no_grad("),
        "{msg}"
    );
    assert!(msg.contains("[2]"), "{msg}");
    let panic = catch_unwind(AssertUnwindSafe(|| w -= 0.5)).expect_err("the operator panics");
    let text = panic.downcast_ref::<String>().expect("a message");
    assert!(text.contains("no_grad"), "{text}");
    assert_eq!(w.to_vec(), vec![1.0, 2.0]);
    assert_eq!(w.version(), 0);
    let err = w.try_copy_from(&Tensor::from(vec![0.0, 0.0])).unwrap_err();
    assert!(err.to_string().contains("copy_from"), "{err}");
}

#[test]
fn backward_through_a_graph_recorded_before_an_update_is_refused() {
    let mut w = Tensor::param(vec![1.0, 2.0]);
    let x = Tensor::from(vec![3.0, 4.0]);
    let loss = (&w * &x).sum();
    no_grad(|| w -= 0.5);
    let err = loss.try_backward().expect_err("the graph used the old w");
    let msg = err.to_string();
    assert!(msg.contains("backward"), "{msg}");
    assert!(
        msg.contains("a param of shape [2] (float64) was updated in place"),
        "{msg}"
    );
    assert!(
        msg.contains("holds update 0") && msg.contains("now at update 1"),
        "{msg}"
    );
    assert!(msg.contains("compute the loss again"), "{msg}");
    assert!(w.grad().is_none(), "nothing was accumulated");
    // Linear uses count too (PyTorch refuses only saved values; here any use).
    let sum = (&w + &x).sum();
    no_grad(|| w *= 2.0);
    assert!(sum.try_backward().is_err());
    // Also on the create_graph path, and through grad_of.
    let cube = w.powi(3).sum();
    let keep = BackwardOptions {
        retain_graph: true,
        create_graph: true,
    };
    no_grad(|| w += 1.0);
    let err = catch_unwind(AssertUnwindSafe(|| cube.backward_opts(None, keep))).unwrap_err();
    assert!(err
        .downcast_ref::<String>()
        .unwrap()
        .contains("updated in place"));
    let sq = (&w * &w).sum();
    no_grad(|| w += 1.0);
    assert!(w.try_grad_of(&sq, false).is_err());
    // A graph recorded after the update is fine, and so is backward before it.
    let fresh = (&w * &x).sum();
    fresh.backward();
    assert_eq!(w.grad().unwrap().to_vec(), vec![3.0, 4.0]);
}

#[test]
fn retained_graph_then_update_then_backward_is_refused() {
    let mut w = Tensor::param(2.0);
    let loss = &w * &w;
    let keep = BackwardOptions {
        retain_graph: true,
        create_graph: false,
    };
    loss.backward_opts(None, keep);
    assert_eq!(w.grad().unwrap().item(), 4.0);
    no_grad(|| w -= 1.0);
    let err = loss.try_backward().unwrap_err();
    assert!(err.to_string().contains("shape [] (float64)"), "{err}");
    assert_eq!(
        w.grad().unwrap().item(),
        4.0,
        "unchanged by the refused pass"
    );
}

/// Runs `opt` on params and the functional optimizer side by side for `steps` steps of the
/// least-squares problem; every value is compared with `==`. Both sides get the same
/// gradients (computed by the same backward on the same values), and a param step *is*
/// `Optimizer::update`, so they agree bit for bit.
fn check_against_functional<R: optim::Rule + Clone>(
    opt: optim::Optimizer<R>,
    steps: usize,
) -> Tensor {
    let (x, y) = problem();
    let w = Tensor::param(vec![0.0, 0.0]);
    let b = Tensor::param(0.0);
    let mut on_params = opt.clone().on_params(vec![w.clone(), b.clone()]);
    let mut p = (Tensor::from(vec![0.0, 0.0]), Tensor::from(0.0));
    let mut state = opt.init(&p);
    for _ in 0..steps {
        mse(&x, &y, &w, &b).backward();
        on_params.step();
        on_params.zero_grad();
        let (pw, pb) = (p.0.requires_grad(), p.1.requires_grad());
        mse(&x, &y, &pw, &pb).backward();
        let g = (pw.grad().unwrap(), pb.grad().unwrap());
        (p, state) = opt.update(&p, &g, state);
        assert_eq!(w.to_vec(), p.0.to_vec());
        assert_eq!(b.item(), p.1.item());
        assert!(w.grad().is_none());
    }
    for (s, f) in on_params.state().slots.iter().zip(&state.slots) {
        assert_eq!(s[0].to_vec(), f.0.to_vec());
        assert_eq!(s[1].to_vec(), f.1.to_vec());
    }
    assert_eq!(on_params.state().steps(), steps as u64);
    mse(&x, &y, &w, &b)
}

#[test]
fn adam_on_params_equals_the_functional_update() {
    let loss = check_against_functional(optim::adam(0.05), 500);
    assert!(loss.item() < 1e-3, "{}", loss.item());
    check_against_functional(optim::adam(0.05).clip_by_global_norm(1.0), 50);
}

#[test]
fn sgd_with_momentum_on_params_equals_the_functional_update() {
    let loss = check_against_functional(optim::sgd(0.05).momentum(0.9), 200);
    assert!(loss.item() < 1e-6, "{}", loss.item());
    check_against_functional(optim::sgd(0.05).momentum(0.9).nesterov(true), 20);
}

#[test]
fn params_without_a_gradient_are_skipped() {
    let w = Tensor::param(vec![1.0, 1.0]);
    let unused = Tensor::param(5.0);
    let mut opt = optim::sgd(0.5)
        .momentum(0.9)
        .on_params((w.clone(), unused.clone()));
    (&w * &w).sum().backward();
    opt.step();
    assert_eq!(w.to_vec(), vec![0.0, 0.0]);
    assert_eq!((unused.item(), unused.version()), (5.0, 0));
    assert_eq!(opt.state().slots[0][1].item(), 0.0);
    let err = optim::adam(0.1)
        .try_on_params(vec![&w * 2.0])
        .expect_err("not a param");
    assert!(err.to_string().contains("not a param"), "{err}");
}

#[test]
fn a_reader_sees_only_written_values() {
    const N: usize = 2000;
    const LEN: usize = 256;
    let w = Tensor::param(vec![0.0; LEN]);
    let mut writer = w.clone();
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let (w, done) = (w.clone(), done.clone());
        thread::spawn(move || {
            let mut last = 0.0;
            let mut reads = 0usize;
            while !done.load(std::sync::atomic::Ordering::Acquire) || reads == 0 {
                // By value (detach) and by reference (to_vec goes through as_array).
                for v in [w.detach().to_vec(), w.to_vec()] {
                    let k = v[0];
                    assert!(v.iter().all(|&e| e == k), "a torn read: {v:?}");
                    assert!(k.fract() == 0.0 && (0.0..=N as f64).contains(&k), "{k}");
                    assert!(k >= last, "went back from {last} to {k}");
                    last = k;
                }
                reads += 1;
            }
            reads
        })
    };
    for k in 1..=N {
        if k % 2 == 0 {
            no_grad(|| writer += 1.0);
        } else {
            let next = Tensor::from(vec![k as f64; LEN]);
            no_grad(|| writer.copy_from(&next));
        }
    }
    done.store(true, std::sync::atomic::Ordering::Release);
    assert!(reader.join().expect("reader") > 0);
    assert_eq!(w.to_vec(), vec![N as f64; LEN]);
}

#[test]
fn concurrent_updates_all_count() {
    let w = Tensor::param(vec![0.0; 8]);
    let threads: Vec<_> = (0..2)
        .map(|_| {
            let mut w = w.clone();
            thread::spawn(move || {
                for _ in 0..500 {
                    no_grad(|| w += 1.0);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("writer");
    }
    assert_eq!(w.to_vec(), vec![1000.0; 8]);
    assert_eq!(w.version(), 1000);
}

/// The rows proposed for the PyTorch table of the guide, run.
#[test]
fn pytorch_table_rows() {
    // with torch.no_grad(): w -= lr * w.grad; w.copy_(v); w._version
    let mut w = Tensor::param(vec![1.0, 2.0]);
    (&w * &w).sum().backward();
    let g = w.grad().unwrap();
    no_grad(|| w -= &(0.25 * &g));
    assert_eq!((w.to_vec(), w.version()), (vec![0.5, 1.0], 1));
    no_grad(|| w.copy_from(&Tensor::from(vec![1.0, 2.0])));
    assert_eq!(w.to_vec(), vec![1.0, 2.0]);
    w.zero_grad();
    // opt = torch.optim.SGD([w], lr=0.5); loss.backward(); opt.step(); opt.zero_grad()
    let mut opt = optim::sgd(0.5).on_params(vec![w.clone()]);
    (&w * &w).sum().backward();
    opt.step();
    opt.zero_grad();
    assert_eq!(w.to_vec(), vec![0.0, 0.0]);
    assert!(w.grad().is_none());
}
