//! The imperative API (MyGrad / PyTorch style): params, backward, .grad accumulation,
//! zero_grad, no_grad, detach, retain_graph, create_graph, grad_of, and mixing with `grad`.

use ferrograd::imperative::tape_len;
use ferrograd::{grad, jvp, no_grad, np, BackwardOptions, Tensor};

const KEEP: BackwardOptions = BackwardOptions {
    retain_graph: true,
    create_graph: false,
};
const CREATE: BackwardOptions = BackwardOptions {
    retain_graph: true,
    create_graph: true,
};

fn close(a: &[f64], b: &[f64], tol: f64) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| (x - y).abs() <= tol * (1.0 + y.abs()))
}

fn grad_vec(x: &Tensor) -> Vec<f64> {
    x.grad().expect("backward filled x.grad()").to_vec()
}

#[test]
fn mygrad_square_at_five() {
    let x = Tensor::param(5.0);
    assert!(x.grad().is_none(), "no grad before any backward");
    let fx = x.powi(2);
    assert_eq!(fx.item(), 25.0);
    fx.backward();
    assert_eq!(x.grad().map(|g| g.item()), Some(10.0));
    // Everything in the graph got its gradient, as in MyGrad: d fx / d fx = 1.
    assert_eq!(fx.grad().map(|g| g.item()), Some(1.0));
}

#[test]
fn vectorised_derivative_and_backward_with_ones() {
    let x = Tensor::param(vec![2.0, -4.0, 1.0, 3.0]);
    let fx = &x * &x;
    assert_eq!(fx.to_vec(), vec![4.0, 16.0, 1.0, 9.0]);
    fx.backward_with(&np::ones_like(&fx));
    assert_eq!(grad_vec(&x), vec![4.0, -8.0, 2.0, 6.0]);
    let err = (&x * &x).try_backward().expect_err("non-scalar backward");
    assert!(err.to_string().contains("backward_with"), "{err}");
}

#[test]
fn grads_accumulate_across_backward_calls_and_zero_grad_clears() {
    let x = Tensor::param(3.0);
    (&x * &x).backward();
    assert_eq!(x.grad().map(|g| g.item()), Some(6.0));
    // A second graph from the same leaf adds to .grad, as in PyTorch.
    (&x * &x * &x).backward();
    assert_eq!(x.grad().map(|g| g.item()), Some(6.0 + 27.0));
    x.zero_grad();
    assert!(x.grad().is_none());
    (2.0 * &x).backward();
    assert_eq!(x.grad().map(|g| g.item()), Some(2.0));
    // Backpropagating one retained graph twice accumulates twice.
    x.zero_grad();
    let y = x.sin();
    y.backward_opts(None, KEEP);
    y.backward_opts(None, KEEP);
    assert!((x.grad().expect("grad").item() - 2.0 * 3.0f64.cos()).abs() < 1e-15);
}

#[test]
fn backward_with_is_a_vector_jacobian_product() {
    // y = A x, so seedᵀ dy/dx = Aᵀ seed.
    let a = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[3, 2]);
    let x = Tensor::param(vec![0.5, -1.0]);
    let y = a.matmul(&x);
    let seed = Tensor::from(vec![1.0, -2.0, 0.5]);
    y.backward_with(&seed);
    assert_eq!(grad_vec(&x), vec![1.0 - 6.0 + 2.5, 2.0 - 8.0 + 3.0]);
    // And elementwise: seed · f'(x) for f = exp.
    let z = Tensor::param(vec![0.0, 1.0]);
    z.exp().backward_with(&Tensor::from(vec![3.0, 2.0]));
    assert!(close(&grad_vec(&z), &[3.0, 2.0 * 1f64.exp()], 1e-15));
    let err = z
        .exp()
        .try_backward_opts(Some(&Tensor::from(1.0)), KEEP)
        .expect_err("shape");
    assert!(err.to_string().contains("seed has shape"), "{err}");
}

#[test]
fn several_params_and_pytorch_complicated_example() {
    // z = xᵀ A x + sin(y)ᵀ x, A symmetric: dz/dA = x xᵀ, dz/dx = 2 A x + sin y, dz/dy = cos(y) x.
    let a = Tensor::param(Tensor::from_vec(vec![1.0, 2.0, 2.0, 1.0], &[2, 2]));
    let x = Tensor::param(Tensor::from_vec(vec![1.0, 2.0], &[2, 1]));
    let y = Tensor::param(Tensor::from_vec(vec![1.0, 1.0], &[2, 1]));
    let z = x.t().matmul(&a).matmul(&x) + y.sin().t().matmul(&x);
    z.backward();
    assert_eq!(grad_vec(&a), vec![1.0, 2.0, 2.0, 4.0]);
    let s = 1f64.sin();
    assert!(close(&grad_vec(&x), &[10.0 + s, 8.0 + s], 1e-15));
    let c = 1f64.cos();
    assert!(close(&grad_vec(&y), &[c, 2.0 * c], 1e-15));
}

#[test]
fn intermediate_tensors_get_their_own_gradients() {
    let x = Tensor::param(vec![1.0, 2.0]);
    // `x + 1` passes x's tangent through unchanged: y still needs a gradient of its own.
    let y = &x + 1.0;
    let z = (&y * &x).sum();
    z.backward();
    assert_eq!(grad_vec(&y), vec![1.0, 2.0]); // dz/dy = x
    assert_eq!(grad_vec(&x), vec![3.0, 5.0]); // dz/dx = y + x = 2x + 1
}

#[test]
fn no_grad_records_nothing() {
    let w = Tensor::param(2.0);
    assert!(ferrograd::is_grad_enabled());
    let y = no_grad(|| {
        assert!(!ferrograd::is_grad_enabled());
        &w * 3.0
    });
    assert!(ferrograd::is_grad_enabled());
    assert!(!y.is_tracked());
    assert_eq!(y.item(), 6.0);
    let err = y.try_backward().expect_err("untracked");
    assert!(
        err.to_string().contains("does not depend on any param"),
        "{err}"
    );
    // Transforms still work inside no_grad.
    let g = no_grad(|| grad(|x: &Tensor| x * x)(&Tensor::from(4.0)));
    assert_eq!(g.item(), 8.0);
}

#[test]
fn detach_cuts_the_graph() {
    let x = Tensor::param(3.0);
    let y = x.detach() * &x; // d/dx = detach(x) = 3, not 2x
    assert!(!x.detach().is_tracked());
    y.backward();
    assert_eq!(x.grad().map(|g| g.item()), Some(3.0));
}

#[test]
fn reusing_a_freed_graph_is_an_error_that_explains_it() {
    let x = Tensor::param(2.0);
    let y = &x * &x;
    let z = &y * 3.0; // recorded before y's graph is freed
    y.backward();
    let err = y.try_backward().expect_err("second backward");
    let msg = err.to_string();
    assert!(
        msg.contains("second time") && msg.contains("retain_graph"),
        "{msg}"
    );
    let err = z.try_backward().expect_err("z needs y's freed graph");
    assert!(err.to_string().contains("retain_graph"), "{err}");
    // With retain_graph the same works.
    let x = Tensor::param(2.0);
    let y = &x * &x;
    let z = &y * 3.0;
    y.backward_opts(None, KEEP);
    z.backward();
    assert_eq!(x.grad().map(|g| g.item()), Some(4.0 + 12.0));
}

#[test]
fn mygrad_gradient_descent_written_with_backward() {
    let printed = [
        4.2, 6.48, 7.392, 7.7568, 7.90272, 7.961088, 7.9844352, 7.99377408, 7.99750963, 7.99900385,
    ];
    let mut x = Tensor::param(-1.5);
    for (step, p) in printed.iter().enumerate() {
        let f = (&x - 8.0).powi(2);
        f.backward();
        // Everything recorded was freed by the pass: the tape gave its memory back.
        assert_eq!(tape_len(), 0);
        x = &x - 0.3 * x.grad().expect("f.backward() filled x.grad()");
        assert!(
            (x.item() - p).abs() <= 5e-9 * p.abs(),
            "step {}: {} vs printed {p}",
            step + 1,
            x.item()
        );
    }
    assert!((x.item() - (8.0 - 9.5 * 0.4f64.powi(10))).abs() < 1e-12);
}

/// The PyTorch tutorial's `Hessian(f, x)`: g = grad(f(x), x, create_graph=True), then
/// g.backward(e_i, retain_graph=True) gives row i in x.grad.
fn hessian_by_rows(f: impl Fn(&Tensor) -> Tensor, x: &Tensor) -> Vec<Vec<f64>> {
    let g = x.grad_of(&f(x), true);
    let d = x.size();
    let mut rows = Vec::new();
    for i in 0..d {
        let mut e = vec![0.0; d];
        e[i] = 1.0;
        g.backward_opts(Some(&Tensor::from(e)), KEEP);
        rows.push(grad_vec(x));
        x.zero_grad();
    }
    rows
}

#[test]
fn hessian_rows_by_create_graph() {
    // The tutorial's f(x) = x0² + x0 x1 at (1, 2): H = [[2, 1], [1, 0]].
    let f = |x: &Tensor| x.powi(2).dot(&Tensor::from(vec![1.0, 0.0])) + x.prod();
    let x = Tensor::param(vec![1.0, 2.0]);
    assert_eq!(hessian_by_rows(f, &x), vec![vec![2.0, 1.0], vec![1.0, 0.0]]);

    // A harder one against nested functional `grad`: f(x) = Σ sin(x_i) x_0 + Σ x_i³.
    let f =
        |x: &Tensor| x.sin().sum() * x.dot(&Tensor::from(vec![1.0, 0.0, 0.0])) + x.powi(3).sum();
    let x0: Vec<f64> = vec![0.3, -1.2, 2.0];
    let x = Tensor::param(x0.clone());
    let rows = hessian_by_rows(f, &x);
    for (i, row) in rows.iter().enumerate() {
        let mut e = vec![0.0; 3];
        e[i] = 1.0;
        let ei = Tensor::from(e);
        let want = grad(|x: &Tensor| grad(f)(x).dot(&ei))(&Tensor::from(x0.clone())).to_vec();
        assert!(close(row, &want, 1e-13), "row {i}: {row:?} vs {want:?}");
    }
    // Closed form of row 0: H_00 = 2 cos x0 - x0 sin x0 + 6 x0, H_0j = cos xj.
    let (a, b, c) = (x0[0], x0[1], x0[2]);
    let row0 = [2.0 * a.cos() - a * a.sin() + 6.0 * a, b.cos(), c.cos()];
    assert!(close(&rows[0], &row0, 1e-13), "{:?}", rows[0]);
}

#[test]
fn create_graph_backward_gives_differentiable_grads() {
    let x = Tensor::param(1.5);
    let y = x.exp() * &x; // y' = e^x (1 + x), y'' = e^x (2 + x), y''' = e^x (3 + x)
    y.backward_opts(None, CREATE);
    let g1 = x.grad().expect("grad");
    assert!(g1.is_tracked());
    x.zero_grad();
    g1.backward_opts(None, CREATE);
    let g2 = x.grad().expect("grad");
    x.zero_grad();
    g2.backward();
    let e = 1.5f64.exp();
    assert!((g1.item() - e * 2.5).abs() < 1e-13);
    assert!((g2.item() - e * 3.5).abs() < 1e-13);
    assert!((x.grad().expect("grad").item() - e * 4.5).abs() < 1e-13);
}

#[test]
fn grad_of_leaves_grad_untouched() {
    let x = Tensor::param(vec![0.1, 0.7]);
    let y = x.sin().sum();
    let g = x.grad_of(&y, false);
    assert!(!g.is_tracked());
    assert!(close(&g.to_vec(), &[0.1f64.cos(), 0.7f64.cos()], 1e-15));
    assert!(x.grad().is_none() && y.grad().is_none());
    // Third derivative by grad_of of grad_of: d³ sin = -cos.
    let x = Tensor::param(0.4);
    let d1 = x.grad_of(&x.sin(), true);
    let d2 = x.grad_of(&d1, true);
    let d3 = x.grad_of(&d2, false);
    assert!((d3.item() + 0.4f64.cos()).abs() < 1e-15);
    // With respect to an intermediate tensor, and zeros when unused.
    let x = Tensor::param(2.0);
    let h = &x * 3.0;
    let y = &h * &h;
    assert_eq!(h.grad_of(&y, true).item(), 12.0);
    assert_eq!(Tensor::param(1.0).grad_of(&y, false).item(), 0.0);
    let err = x.try_grad_of(&y, false).expect_err("y's graph was freed");
    assert!(err.to_string().contains("retain_graph"), "{err}");
}

#[test]
fn params_inside_functional_transforms() {
    // A param is a constant to `grad`; what grad returns is tracked w.r.t. the param.
    let p = Tensor::param(0.8);
    let x0: f64 = 1.3;
    let g = grad(|x: &Tensor| (x * &p).sin())(&Tensor::from(x0));
    assert!(g.is_tracked());
    let pv: f64 = 0.8;
    assert!((g.item() - pv * (x0 * pv).cos()).abs() < 1e-15);
    g.backward(); // d/dp [p cos(x p)] = cos(x p) - x p sin(x p)
    let want = (x0 * pv).cos() - x0 * pv * (x0 * pv).sin();
    assert!((p.grad().expect("grad").item() - want).abs() < 1e-15);

    // grad of a function at a param: f'(p) recorded on the tape, so backward gives f''(p).
    let q = Tensor::param(0.5);
    let d = grad(|x: &Tensor| x.powi(4))(&q);
    assert!((d.item() - 4.0 * 0.125).abs() < 1e-15);
    d.backward();
    assert!((q.grad().expect("grad").item() - 12.0 * 0.25).abs() < 1e-15);

    // jvp through a param-dependent function, then backward through the tangent.
    let w = Tensor::param(2.0);
    let (y, t) = jvp(
        |x: &Tensor| x * x * &w,
        &Tensor::from(3.0),
        &Tensor::from(1.0),
    );
    assert_eq!((y.item(), t.item()), (18.0, 12.0));
    t.backward(); // t = 2 x w, dt/dw = 2x
    assert_eq!(w.grad().map(|g| g.item()), Some(6.0));
}

#[test]
fn f32_params_give_f32_grads() {
    let x = Tensor::param(Tensor::from(vec![1.0f32, 2.0]));
    (&x * &x).sum().backward();
    let g = x.grad().expect("grad");
    assert_eq!(g.dtype(), ferrograd::DType::F32);
    assert_eq!(g.to_vec(), vec![2.0, 4.0]);
}

#[test]
fn integer_params_are_refused() {
    let err = Tensor::try_param(Tensor::from(vec![1i64, 2])).expect_err("int param");
    assert!(err.to_string().contains("astype"), "{err}");
}

#[test]
fn params_work_on_other_threads() {
    let w = Tensor::param(vec![1.0, -2.0]);
    let w2 = w.clone();
    std::thread::spawn(move || (&w2 * &w2).sum().backward())
        .join()
        .expect("thread");
    assert_eq!(grad_vec(&w), vec![2.0, -4.0]);
    (&w * 3.0).sum().backward();
    assert_eq!(grad_vec(&w), vec![5.0, -1.0]);
}

#[test]
fn evaluation_without_no_grad_does_not_leak() {
    let w = Tensor::param(vec![0.5; 64]);
    for _ in 0..3000 {
        let y = (&w * 2.0).sum(); // recorded, never backpropagated, dropped
        assert!(y.is_tracked());
    }
    assert!(tape_len() < 2 * 4096 + 10, "tape grew to {}", tape_len());
}

/// Hessian rows from one create_graph gradient, each row with a plain `backward` (no
/// `retain_graph`): the gradient's own graph is kept while the gradient lives, so every row is
/// right — never an empty `.grad`.
#[test]
fn rows_of_a_create_graph_gradient_each_backward_without_retain() {
    let x = Tensor::param(vec![1.0, 2.0]);
    // f = x0² x1 + x1³: H = [[2 x1, 2 x0], [2 x0, 6 x1]] = [[4, 2], [2, 12]].
    let f = |x: &Tensor| x.get(0).powi(2) * x.get(1) + x.get(1).powi(3);
    let g = x.grad_of(&f(&x), true);
    g.get(0).backward();
    assert_eq!(grad_vec(&x), vec![4.0, 2.0]);
    x.zero_grad();
    g.get(1).backward();
    assert_eq!(grad_vec(&x), vec![2.0, 12.0]);
    x.zero_grad();
    g.sum().backward();
    assert_eq!(grad_vec(&x), vec![6.0, 14.0]);
}

/// Training loops that keep graphs (`retain_graph`, `create_graph`, `grad_of` with
/// create_graph then backward) hold only what live tensors can reach: the tape stays small
/// over thousands of steps.
#[test]
fn retaining_loops_keep_a_bounded_tape() {
    let x = Tensor::from_vec((0..8).map(|i| i as f64 / 8.0).collect(), &[8]);
    let step_loss = |w: &Tensor| ((&x * w).tanh() - 0.3).powi(2).sum();
    type Step<'a> = &'a dyn Fn(&Tensor);
    let styles: [(&str, Step); 4] = [
        ("retain_graph", &|w| step_loss(w).backward_opts(None, KEEP)),
        ("create_graph", &|w| {
            step_loss(w).backward_opts(None, CREATE)
        }),
        ("grad_of then backward", &|w| {
            let g = w.grad_of(&step_loss(w), true);
            g.sum().backward();
        }),
        ("kept losses, one backward each", &|w| {
            let l = step_loss(w);
            l.backward_opts(None, KEEP);
            l.backward();
        }),
    ];
    for (name, step) in styles {
        let w = Tensor::param(0.5);
        let mut peak = 0;
        for i in 0..3000 {
            step(&w);
            if i >= 100 {
                peak = peak.max(tape_len());
            }
            w.zero_grad();
        }
        assert!(peak < 200, "{name}: the tape grew to {peak} rows");
    }
}

/// A panic inside a backward pass (a custom rule's) does not break the thread's tape.
#[test]
fn a_panicking_backward_leaves_the_tape_usable() {
    let bad = ferrograd::custom_vjp(
        |x: &Tensor| x * 2.0,
        |_: &Tensor, _: &Tensor, _: &Tensor| -> Tensor { panic!("user backward failed") },
    );
    let w = Tensor::param(1.0);
    let y = bad(&w);
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| y.backward()));
    assert!(caught.is_err());
    let z = &w * &w;
    z.backward();
    assert_eq!(w.grad().map(|g| g.item()), Some(2.0));
}
