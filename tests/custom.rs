//! Custom derivatives: the autograd tutorial's logsumexp with a custom VJP, and custom JVP
//! rules, under forward mode, reverse mode and their nestings.

use ferrograd::{
    check_grads, check_grads_with, custom_jvp, custom_vjp, grad, jvp, vjp, CheckOptions, Modes,
    Tensor,
};
use ferrograd_core::api::ok;
use ferrograd_core::lax;

fn all_axes(x: &Tensor) -> Vec<usize> {
    (0..x.ndim()).collect()
}

fn sum(x: &Tensor) -> Tensor {
    ok(lax::reduce_sum(x, &all_axes(x)))
}

/// Numerically stable log(sum(exp(x))), as in the tutorial.
fn logsumexp(x: &Tensor) -> Tensor {
    let max_x = ok(lax::reduce_extremum(x, &all_axes(x), true));
    &max_x + sum(&(x - &max_x).exp()).log()
}

/// The tutorial's `make_grad_logsumexp`: g * exp(x - ans).
fn logsumexp_bwd(x: &Tensor, ans: &Tensor, g: &Tensor) -> Tensor {
    g * (x - ans).exp()
}

fn example_func(lse: &dyn Fn(&Tensor) -> Tensor, y: &Tensor) -> Tensor {
    sum(&lse(&(y * y)))
}

fn y0() -> Tensor {
    Tensor::from(vec![0.3, -1.1, 0.05, 0.8, 1.7, -0.4])
}

fn assert_close(a: &Tensor, b: &Tensor, tol: f64) {
    assert_eq!(a.shape(), b.shape());
    for (x, y) in a.to_vec().iter().zip(b.to_vec()) {
        assert!((x - y).abs() <= tol, "{:?} vs {:?}", a.to_vec(), b.to_vec());
    }
}

#[test]
fn tutorial_logsumexp_gradient_matches_the_plain_composite() {
    let custom = custom_vjp(logsumexp, logsumexp_bwd);
    let g_custom = grad(|y: &Tensor| example_func(&custom, y))(&y0());
    let g_plain = grad(|y: &Tensor| example_func(&logsumexp, y))(&y0());
    assert_close(&g_custom, &g_plain, 1e-12);
    // Closed form: d/dy logsumexp(y²) = 2y · softmax(y²).
    let z = &y0() * &y0();
    let soft = (&z - logsumexp(&z)).exp();
    assert_close(&g_custom, &(2.0 * &y0() * soft), 1e-12);
}

#[test]
fn tutorial_logsumexp_passes_check_grads_to_order_3() {
    let custom = custom_vjp(logsumexp, logsumexp_bwd);
    for order in 1..=3 {
        check_grads(|y: &Tensor| example_func(&custom, y), &y0(), order).unwrap();
    }
}

#[test]
fn forward_mode_through_custom_vjp_differentiates_f() {
    let custom = custom_vjp(logsumexp, logsumexp_bwd);
    let v = Tensor::from(vec![1.0, 0.5, -2.0, 0.0, 0.25, 1.0]);
    let (y, y_dot) = jvp(|y: &Tensor| example_func(&custom, y), &y0(), &v);
    let (y_p, y_dot_p) = jvp(|y: &Tensor| example_func(&logsumexp, y), &y0(), &v);
    assert!((y.item() - y_p.item()).abs() < 1e-14);
    assert!((y_dot.item() - y_dot_p.item()).abs() < 1e-12);
}

/// x² whose reverse rule is deliberately 3x: shows which rule each mode uses.
fn marked_square() -> impl Fn(&Tensor) -> Tensor {
    custom_vjp(
        |x: &Tensor| x * x,
        |x: &Tensor, _y: &Tensor, ct: &Tensor| 3.0 * x * ct,
    )
}

#[test]
fn custom_vjp_rule_is_used_in_reverse_mode_at_every_level() {
    let f = marked_square();
    let x = Tensor::from(2.0);
    assert_eq!(grad(&f)(&x).item(), 6.0);
    // d/dx (3x) = 3, from differentiating bwd.
    assert_eq!(grad(grad(&f))(&x).item(), 3.0);
    let (_, pullback) = vjp(&f, &Tensor::from(vec![1.0, -2.0]));
    assert_eq!(
        pullback(&Tensor::from(vec![1.0, 1.0])).to_vec(),
        vec![3.0, -6.0]
    );
    // Forward mode differentiates f itself: 2x.
    assert_eq!(jvp(&f, &x, &Tensor::from(1.0)).1.item(), 4.0);
    // Forward over forward: d/dx (2x) = 2.
    let d = |x: &Tensor| jvp(&f, x, &Tensor::from(1.0)).1;
    assert_eq!(jvp(d, &x, &Tensor::from(1.0)).1.item(), 2.0);
    // Reverse over forward differentiates J_f(x)·v = 2x·v with the forward rule: 2.
    assert_eq!(grad(d)(&x).item(), 2.0);
    // Forward over reverse: d/dx (3x) = 3.
    assert_eq!(jvp(grad(&f), &x, &Tensor::from(1.0)).1.item(), 3.0);
}

#[test]
fn custom_vjp_with_a_wrong_rule_fails_reverse_checks_only() {
    let f = marked_square();
    let x = Tensor::from(vec![0.5, -1.5]);
    let opts = |modes| CheckOptions {
        order: 2,
        modes,
        ..CheckOptions::default()
    };
    check_grads_with(&f, &x, &opts(Modes::Fwd)).unwrap();
    let err = check_grads_with(&f, &x, &opts(Modes::Rev)).unwrap_err();
    assert!(err.to_string().contains("VJP, order 1"), "{err}");
}

#[test]
fn custom_vjp_over_pytrees() {
    // f(a, b) = (a·b, a + b) with its exact reverse rule.
    let f = custom_vjp(
        |(a, b): &(Tensor, Tensor)| (a * b, a + b),
        |(a, b): &(Tensor, Tensor), _y: &(Tensor, Tensor), (c1, c2): &(Tensor, Tensor)| {
            (c1 * b + c2, c1 * a + c2)
        },
    );
    let x = (Tensor::from(vec![1.0, 2.0]), Tensor::from(vec![-3.0, 0.5]));
    let loss = |x: &(Tensor, Tensor)| {
        let (p, s) = f(x);
        sum(&(&p * &s))
    };
    // d/da (ab(a+b)) = 2ab + b², d/db = a² + 2ab.
    let (ga, gb) = grad(loss)(&x);
    assert_eq!(ga.to_vec(), vec![-6.0 + 9.0, 2.0 + 0.25]);
    assert_eq!(gb.to_vec(), vec![1.0 - 6.0, 4.0 + 2.0]);
    check_grads(loss, &x, 2).unwrap();
}

/// log(1 + e^x) with the stable derivative sigmoid(x).
fn log1pexp() -> impl Fn(&Tensor) -> Tensor {
    custom_jvp(
        |x: &Tensor| x.exp().log1p(),
        |x: &Tensor, x_dot: &Tensor| (x.exp().log1p(), x.sigmoid() * x_dot),
    )
}

#[test]
fn custom_jvp_under_jvp_grad_and_grad_of_grad() {
    let f = log1pexp();
    let x = Tensor::from(0.3);
    let s = 1.0 / (1.0 + (-0.3f64).exp());
    assert_eq!(f(&x).item(), 0.3f64.exp().ln_1p());
    assert!((jvp(&f, &x, &Tensor::from(2.0)).1.item() - 2.0 * s).abs() < 1e-15);
    assert!((grad(&f)(&x).item() - s).abs() < 1e-15);
    assert!((grad(grad(&f))(&x).item() - s * (1.0 - s)).abs() < 1e-15);
    // The rule is what makes x = 1000 finite: exp(1000) overflows.
    assert_eq!(grad(&f)(&Tensor::from(1000.0)).item(), 1.0);
    assert_eq!(grad(grad(&f))(&Tensor::from(1000.0)).item(), 0.0);
    check_grads(&f, &Tensor::from(vec![-2.0, 0.1, 3.0]), 3).unwrap();
}

#[test]
fn custom_jvp_square_to_third_order() {
    let f = custom_jvp(
        |x: &Tensor| x * x,
        |x: &Tensor, x_dot: &Tensor| (x * x, 2.0 * x * x_dot),
    );
    let x = Tensor::from(vec![1.5, -2.0]);
    assert_eq!(
        jvp(&f, &x, &Tensor::from(vec![1.0, 1.0])).1.to_vec(),
        vec![3.0, -4.0]
    );
    let g = grad(|x: &Tensor| sum(&f(x)));
    assert_eq!(g(&x).to_vec(), vec![3.0, -4.0]);
    let gg = grad(|x: &Tensor| sum(&g(x)));
    assert_eq!(gg(&x).to_vec(), vec![2.0, 2.0]);
    let ggg = grad(|x: &Tensor| sum(&gg(x)));
    assert_eq!(ggg(&x).to_vec(), vec![0.0, 0.0]);
}

#[test]
fn custom_jvp_works_in_f32() {
    let f = log1pexp();
    let x = Tensor::from(vec![0.3f32, -1.0]);
    let g = grad(|x: &Tensor| sum(&f(x)))(&x);
    assert_eq!(g.dtype(), ferrograd::DType::F32);
    let expect = [0.3f32, -1.0].map(|v| 1.0 / (1.0 + (-v).exp()));
    for (a, b) in g.to_vec().iter().zip(expect) {
        assert!((a - b as f64).abs() < 1e-6);
    }
}

#[test]
#[should_panic(expected = "captures a value traced by an enclosing transform")]
fn capturing_a_traced_value_is_reported() {
    let _ = grad(|w: &Tensor| {
        let w = w.clone();
        let f = custom_jvp(
            move |x: &Tensor| x * &w,
            |x: &Tensor, x_dot: &Tensor| (x.clone(), x_dot.clone()),
        );
        f(&Tensor::from(1.0))
    })(&Tensor::from(2.0));
}
