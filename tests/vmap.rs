//! `vmap` over pytrees: against loops over the batch, the JAX notebook's per-example
//! gradients and batched Hessians, explicit in/out axes, nesting, custom derivatives under
//! vmap, and the errors that teach.

use ferrograd::{
    check_grads, custom_jvp, custom_vjp, grad, hessian, jvp, np, random, vmap, vmap_axes, Tensor,
};

mod common;
use common::{close, panic_text};

/// Row `i` of `x`.
fn row(x: &Tensor, i: usize) -> Tensor {
    x.get(i as i64)
}

#[test]
fn vmap_matches_a_loop_for_a_mixed_function() {
    let x = random::normal(&random::key(1), &[4, 3]);
    let a = random::normal(&random::key(2), &[2, 3]);
    let f = |x: &Tensor| (a.matmul(&x.tanh()) * x.sum()).exp() + x.max();
    let got = vmap(f)(&x);
    let want = np::stack(
        &(0..4)
            .map(|i| f(&row(&x, i)))
            .collect::<Vec<_>>()
            .iter()
            .collect::<Vec<_>>(),
        0,
    );
    close(&got, &want, 1e-12);
}

#[test]
fn per_example_gradients_of_the_notebook() {
    // loss(w, x) = w·x; w = ones(3); X = [x0, 2 x0]
    let w = np::ones(&[3]);
    let x0 = Tensor::from(vec![1.0, 2.0, 3.0]);
    let xs = np::stack(&[&x0, &(2.0 * &x0)], 0);
    let want = Tensor::from([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0]]);
    let loss = |(w, x): &(Tensor, Tensor)| w.dot(x);
    let grad_w = |(w, x): &(Tensor, Tensor)| grad(|w: &Tensor| loss(&(w.clone(), x.clone())))(w);
    // vmap(gradfn)(W, X) with W = stack([w, w]) …
    let ws = np::stack(&[&w, &w], 0);
    close(&vmap(grad_w)(&(ws, xs.clone())), &want, 0.0);
    // … and vmap(gradfn, in_axes=(None, 0))(w, X).
    close(
        &vmap_axes(grad_w, &[None, Some(0)], &[Some(0)])(&(w.clone(), xs.clone())),
        &want,
        0.0,
    );
    // The closure form: the weights captured.
    close(
        &vmap(|x: &Tensor| grad(|w: &Tensor| w.dot(x))(&w))(&xs),
        &want,
        0.0,
    );
}

fn sigmoid(x: &Tensor) -> Tensor {
    0.5 * ((x / 2.0).tanh() + 1.0)
}

/// The notebook's negative log likelihood for one example or a batch (x: (D,) or (N, D)).
fn nll(w: &Tensor, x: &Tensor, y: &Tensor) -> Tensor {
    let p = sigmoid(&x.matmul(w));
    -(p.log() * y + (1.0 - &p).log() * (1.0 - y)).sum()
}

fn logistic_data(n: usize, d: usize) -> (Tensor, Tensor, Tensor) {
    let w = random::normal(&random::key(10), &[d]);
    let x = random::normal(&random::key(11), &[n, d]);
    let y = random::uniform(&random::key(12), &[n])
        .greater(0.5)
        .astype(ferrograd::DType::F64);
    (w, x, y)
}

#[test]
fn logistic_regression_per_example_gradients_and_hessians() {
    let (n, d) = (7, 3);
    let (w, x, y) = logistic_data(n, d);
    let per_example = |(w, x, y): &(Tensor, Tensor, Tensor)| grad(|w: &Tensor| nll(w, x, y))(w);
    let grads = vmap_axes(per_example, &[None, Some(0), Some(0)], &[Some(0)])(&(
        w.clone(),
        x.clone(),
        y.clone(),
    ));
    assert_eq!(grads.shape(), &[n, d]);
    // Their sum is the batch gradient, and the textbook Xᵀ(μ - y).
    let batch = grad(|w: &Tensor| nll(w, &x, &y))(&w);
    close(&grads.sum_axis(0), &batch, 1e-12);
    let mu = sigmoid(&x.matmul(&w));
    close(&batch, &x.t().matmul(&(&mu - &y)), 1e-12);
    // Batched Hessians sum to Xᵀ diag(μ(1-μ)) X.
    let per_h = |(w, x, y): &(Tensor, Tensor, Tensor)| hessian(|w: &Tensor| nll(w, x, y))(w);
    let hs =
        vmap_axes(per_h, &[None, Some(0), Some(0)], &[Some(0)])(&(w.clone(), x.clone(), y.clone()));
    assert_eq!(hs.shape(), &[n, d, d]);
    let s = &mu * (1.0 - &mu);
    let want = x.t().matmul(&(&x * s.expand_dims(1)));
    close(&hs.sum_axis(0), &want, 1e-12);
    close(&hessian(|w: &Tensor| nll(w, &x, &y))(&w), &want, 1e-12);
}

#[test]
fn explicit_out_axes_and_unmapped_outputs() {
    let x = random::normal(&random::key(3), &[4, 3]);
    let c = Tensor::from(vec![1.0, 2.0]);
    // Batch axis last: (3, 4) = the transpose of the default.
    let f = |x: &Tensor| x.sin();
    close(
        &vmap_axes(f, &[Some(0)], &[Some(-1)])(&x),
        &x.sin().t(),
        0.0,
    );
    // Mapping axis 1 of x: each member is a column.
    let col_sums = vmap_axes(|x: &Tensor| x.sum(), &[Some(1)], &[Some(0)])(&x);
    close(&col_sums, &x.sum_axis(0), 1e-14);
    // An output that does not depend on the batch may be unmapped (None) …
    let (a, b) = vmap_axes(
        |x: &Tensor| (x * 2.0, c.clone()),
        &[Some(0)],
        &[Some(0), None],
    )(&x);
    close(&a, &(&x * 2.0), 0.0);
    close(&b, &c, 0.0);
    // … or broadcast along the batch.
    let b2 = vmap(|_x: &Tensor| c.clone())(&x);
    close(&b2, &np::stack(&[&c, &c, &c, &c], 0), 0.0);
}

#[test]
fn nested_vmap_is_an_outer_operation() {
    let a = Tensor::from(vec![1.0, 2.0, 3.0]);
    let b = Tensor::from(vec![-1.0, 0.5]);
    let outer = vmap(|x: &Tensor| vmap(|y: &Tensor| x * y)(&b))(&a);
    close(&outer, &a.outer(&b), 0.0);
    // Three levels: t[i, j, k] = a_i + 10 b_j + 100 c_k
    let c = Tensor::from(vec![1.0, 2.0, 3.0, 4.0]);
    let t =
        vmap(|x: &Tensor| vmap(|y: &Tensor| vmap(|z: &Tensor| x + 10.0 * y + 100.0 * z)(&c))(&b))(
            &a,
        );
    assert_eq!(t.shape(), &[3, 2, 4]);
    let want = a.reshape(&[3, 1, 1]) + 10.0 * b.reshape(&[1, 2, 1]) + 100.0 * c.reshape(&[1, 1, 4]);
    close(&t, &want, 0.0);
}

#[test]
fn three_deep_in_several_orders() {
    let xs = random::normal(&random::key(4), &[5, 3]);
    let f = |x: &Tensor| (x.sin() * x).sum() + x.dot(x).exp() * 0.1;
    // vmap ∘ grad ∘ grad(of a scalar function of one coordinate): d²/dt² of f(x + t e0).
    let second = vmap(|x: &Tensor| {
        grad(|t: &Tensor| grad(|s: &Tensor| f(&(x + s * Tensor::from(vec![1.0, 0.0, 0.0]))))(t))(
            &Tensor::from(0.0),
        )
    })(&xs);
    let h = vmap(hessian(f))(&xs);
    for i in 0..5 {
        assert!((second.get(i as i64).item() - h.get(i as i64).get(0).get(0).item()).abs() < 1e-10);
    }
    // grad ∘ vmap ∘ jvp: g(x) = Σ_batch (∂f(x_b)·v), differentiated.
    let v = Tensor::from(vec![0.3, -0.2, 1.0]);
    let gvj = grad(|xs: &Tensor| vmap(|x: &Tensor| jvp(f, x, &v).1)(xs).sum())(&xs);
    // = per row H(x_b) v
    let hv = vmap(|x: &Tensor| hessian(f)(x).matmul(&v))(&xs);
    close(&gvj, &hv, 1e-10);
    // vmap ∘ vmap ∘ grad
    let xss = random::normal(&random::key(5), &[2, 5, 3]);
    let g2 = vmap(vmap(grad(f)))(&xss);
    for i in 0..2 {
        for j in 0..5 {
            let x = xss.get(i).get(j);
            close(&g2.get(i).get(j), &grad(f)(&x), 1e-12);
        }
    }
    // grad ∘ vmap ∘ vmap
    let gvv = grad(|xss: &Tensor| vmap(vmap(f))(xss).sum())(&xss);
    close(&gvv, &g2, 1e-12);
}

#[test]
fn custom_derivatives_under_vmap() {
    // A custom_jvp with a deliberately distinct rule (3x instead of 2x) so we see it is used.
    let sq = custom_jvp(
        |x: &Tensor| x * x,
        |x: &Tensor, t: &Tensor| (x * x, 3.0 * x * t),
    );
    let xs = Tensor::from(vec![1.0, 2.0, -1.0]);
    close(&vmap(&sq)(&xs), &(&xs * &xs), 0.0);
    close(&vmap(grad(|x: &Tensor| sq(x)))(&xs), &(3.0 * &xs), 0.0);
    close(
        &grad(|x: &Tensor| vmap(&sq)(x).sum())(&xs),
        &(3.0 * &xs),
        0.0,
    );
    let (_, t) = jvp(|x: &Tensor| vmap(&sq)(x), &xs, &np::ones(&[3]));
    close(&t, &(3.0 * &xs), 0.0);
    // custom_vjp: bwd = 5 x ct.
    let cv = custom_vjp(
        |x: &Tensor| x * x,
        |x: &Tensor, _y: &Tensor, ct: &Tensor| 5.0 * x * ct,
    );
    close(&vmap(grad(|x: &Tensor| cv(x)))(&xs), &(5.0 * &xs), 0.0);
    close(
        &grad(|x: &Tensor| vmap(&cv)(x).sum())(&xs),
        &(5.0 * &xs),
        0.0,
    );
    // Forward mode through custom_vjp differentiates f itself (2x).
    let (_, t) = jvp(|x: &Tensor| vmap(&cv)(x), &xs, &np::ones(&[3]));
    close(&t, &(2.0 * &xs), 0.0);
    // Second order under vmap: d²(x² via bwd 5x)/dx² = 5.
    close(
        &vmap(grad(grad(|x: &Tensor| cv(x))))(&xs),
        &np::full(&[3], 5.0),
        0.0,
    );
}

#[test]
fn vmap_passes_check_grads() {
    let xs = random::normal(&random::key(6), &[3, 2]);
    let a = Tensor::from([[1.0, -0.5], [0.3, 2.0]]);
    check_grads(vmap(|x: &Tensor| a.matmul(&x.tanh()).sin()), &xs, 2).unwrap();
    let f = vmap_axes(
        |(w, x): &(Tensor, Tensor)| (w * x).sum().exp(),
        &[None, Some(0)],
        &[Some(0)],
    );
    check_grads(f, &(Tensor::from(vec![0.2, -0.1]), xs.clone()), 2).unwrap();
}

#[test]
fn reading_a_batched_value_names_the_fixes_that_exist() {
    let xs = Tensor::from(vec![1.0, -2.0]);
    let msg = panic_text(|| {
        vmap(|x: &Tensor| if x.item() > 0.0 { x.clone() } else { -x })(&xs);
    });
    // The hint names the structured forms that replace a Rust branch or loop.
    for word in ["item", "vmap", "np::where_", "cond", "while_loop", "scan"] {
        assert!(msg.contains(word), "{word} missing from: {msg}");
    }
    let msg = panic_text(|| {
        vmap(|x: &Tensor| Tensor::from(x.to_vec()))(&xs);
    });
    assert!(
        msg.contains("to_vec") && msg.contains("np::where_"),
        "{msg}"
    );
    // The fix: a select.
    let abs = vmap(|x: &Tensor| np::where_(&x.greater(0.0), x, -x))(&xs);
    close(&abs, &xs.abs(), 0.0);
}

#[test]
fn bad_axes_and_sizes_are_explained() {
    let a = np::ones(&[3, 2]);
    let b = np::ones(&[4, 2]);
    let msg = panic_text(|| {
        vmap(|(a, b): &(Tensor, Tensor)| a + b)(&(a.clone(), b.clone()));
    });
    assert!(
        msg.contains("different batch sizes") && msg.contains("size 3") && msg.contains("size 4"),
        "{msg}"
    );
    let msg = panic_text(|| {
        vmap_axes(|a: &Tensor| a.sin(), &[Some(2)], &[Some(0)])(&a);
    });
    assert!(
        msg.contains("in_axes[0] = 2 is out of range") && msg.contains("[3, 2]"),
        "{msg}"
    );
    let msg = panic_text(|| {
        vmap_axes(|a: &Tensor| a.sin(), &[Some(0)], &[Some(5)])(&a);
    });
    assert!(msg.contains("out_axes[0] = 5 is out of range"), "{msg}");
    let msg = panic_text(|| {
        vmap(|a: &Tensor| a.sin())(&Tensor::from(1.0));
    });
    assert!(msg.contains("0-d"), "{msg}");
    let msg = panic_text(|| {
        vmap_axes(|a: &Tensor| a.sin(), &[None], &[Some(0)])(&a);
    });
    assert!(msg.contains("no input is mapped"), "{msg}");
    let msg = panic_text(|| {
        vmap_axes(|a: &Tensor| a.sin(), &[Some(0), None], &[Some(0)])(&a);
    });
    assert!(msg.contains("one entry per leaf"), "{msg}");
    let msg = panic_text(|| {
        vmap_axes(|a: &Tensor| a.sin(), &[Some(0)], &[None])(&a);
    });
    assert!(msg.contains("output 0 is batched"), "{msg}");
}

#[test]
fn size_zero_batches_and_f32() {
    let empty = np::zeros(&[0, 3]);
    let y = vmap(|x: &Tensor| x.sin().sum())(&empty);
    assert_eq!(y.shape(), &[0]);
    let x32 = Tensor::from([[1.0f32, 2.0], [3.0, 4.0]]);
    let g = vmap(grad(|x: &Tensor| (x * x).sum()))(&x32);
    assert_eq!(g.dtype(), ferrograd::DType::F32);
    assert_eq!(g.to_vec(), vec![2.0, 4.0, 6.0, 8.0]);
}

#[test]
fn errors_inside_other_transforms_still_teach() {
    let xs = Tensor::from(vec![1.0, -2.0]);
    // Branching on a batched value under grad, inside vmap.
    let msg = panic_text(|| {
        vmap(grad(|x: &Tensor| if x.item() > 0.0 { x * x } else { -x }))(&xs);
    });
    for word in ["vmap", "np::where_", "cond"] {
        assert!(msg.contains(word), "{word} missing from: {msg}");
    }
    // The same function written with a select works, and its gradient is 2x or -1.
    let g = vmap(grad(|x: &Tensor| np::where_(&x.greater(0.0), x * x, -x)))(&xs);
    close(&g, &Tensor::from(vec![2.0, -1.0]), 0.0);
    // Mismatched sizes along different mapped axes name both inputs' shapes.
    let a = np::ones(&[3, 2]);
    let b = np::ones(&[2, 4]);
    let msg = panic_text(|| {
        vmap_axes(
            |(a, b): &(Tensor, Tensor)| a.sum() + b.sum(),
            &[Some(0), Some(1)],
            &[Some(0)],
        )(&(a.clone(), b.clone()));
    });
    assert!(
        msg.contains("[3, 2]") && msg.contains("[2, 4]") && msg.contains("along axis 1"),
        "{msg}"
    );
    // A negative axis beyond the rank, and the range it must lie in.
    let msg = panic_text(|| {
        vmap_axes(|a: &Tensor| a.sin(), &[Some(-3)], &[Some(0)])(&a);
    });
    assert!(
        msg.contains("in_axes[0] = -3 is out of range") && msg.contains("-2..2"),
        "{msg}"
    );
    // Inner vmap sizes that disagree with each other inside an outer vmap.
    let msg = panic_text(|| {
        vmap(|x: &Tensor| vmap(|(p, q): &(Tensor, Tensor)| p * q)(&(x.clone(), np::ones(&[5]))))(
            &np::ones(&[2, 4]),
        );
    });
    assert!(msg.contains("size 4") && msg.contains("size 5"), "{msg}");
}
