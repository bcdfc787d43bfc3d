//! check_grads: passes on correct derivatives to order 3 and fails, with a useful message, on
//! a wrong custom rule.

use ferrograd::{check_grads, check_grads_with, custom_jvp, CheckOptions, Modes, Tensor};
use ferrograd_core::api::ok;
use ferrograd_core::lax;

fn sum(x: &Tensor) -> Tensor {
    ok(lax::reduce_sum(x, &(0..x.ndim()).collect::<Vec<_>>()))
}

fn x0() -> Tensor {
    Tensor::from([[0.3, -1.2, 0.7], [2.0, 0.05, -0.6]])
}

#[test]
fn passes_on_smooth_functions_to_order_3() {
    for order in 1..=3 {
        check_grads(|x: &Tensor| x.tanh(), &x0(), order).unwrap();
        check_grads(|x: &Tensor| x * x.sin(), &x0(), order).unwrap();
        check_grads(|x: &Tensor| x.tanh() * x.exp() * x.sin(), &x0(), order).unwrap();
        // log(sum(exp(x))) + sum(log(1 + x²)), through lax.
        check_grads(
            |x: &Tensor| sum(&x.exp()).log() + sum(&(1.0f64 + x * x).log()),
            &x0(),
            order,
        )
        .unwrap();
    }
}

#[test]
fn passes_on_pytrees_and_converts_f32_to_f64() {
    let f = |(a, b): &(Tensor, Tensor)| (sum(&(a * b.sin())), a.exp());
    let x = (
        Tensor::from(vec![0.5f32, -0.25]),
        Tensor::from(vec![1.0f32, 2.0]),
    );
    check_grads(f, &x, 2).unwrap();
    // 0-d and size-0 inputs.
    check_grads(|x: &Tensor| x.sin() * x, &Tensor::from(0.7), 2).unwrap();
    check_grads(
        |x: &Tensor| x.exp(),
        &Tensor::from_vec(Vec::<f64>::new(), &[0, 3]),
        2,
    )
    .unwrap();
}

/// x² with the wrong tangent 3x·x_dot.
fn wrong_square() -> impl Fn(&Tensor) -> Tensor {
    custom_jvp(
        |x: &Tensor| x * x,
        |x: &Tensor, x_dot: &Tensor| (x * x, 3.0 * x * x_dot),
    )
}

#[test]
fn fails_on_a_wrong_custom_jvp_rule_with_a_useful_message() {
    let f = wrong_square();
    let err = check_grads(&f, &x0(), 1).unwrap_err().to_string();
    assert!(
        err.starts_with("check_grads: JVP, order 1 check failed at output 0, element"),
        "{err}"
    );
    assert!(
        err.contains("expected") && err.contains("got") && err.contains("tolerance"),
        "{err}"
    );
    // Reverse mode transposes the same wrong rule, so it fails as well.
    let rev = CheckOptions {
        modes: Modes::Rev,
        ..CheckOptions::default()
    };
    let err = check_grads_with(&f, &x0(), &rev).unwrap_err().to_string();
    assert!(
        err.contains("VJP, order 1 check failed at ⟨u, J v⟩ vs ⟨Jᵀ u, v⟩"),
        "{err}"
    );
}

#[test]
fn a_rule_right_at_first_order_but_wrong_at_second_fails_at_order_2() {
    // x³ with tangent 3x²·x_dot written as 3·stop_gradient(x)²·x_dot: right values, but its
    // derivative in x is lost.
    let f = custom_jvp(
        |x: &Tensor| x * x * x,
        |x: &Tensor, x_dot: &Tensor| {
            let c = ferrograd::stop_gradient(x);
            (x * x * x, 3.0 * &c * &c * x_dot)
        },
    );
    check_grads(&f, &x0(), 1).unwrap();
    let err = check_grads(&f, &x0(), 2).unwrap_err().to_string();
    assert!(err.contains("JVP of JVP, order 2"), "{err}");
}

#[test]
fn tolerances_and_seeds_are_options() {
    let f = wrong_square();
    let loose = CheckOptions {
        atol: 1e3,
        seed: 7,
        ..CheckOptions::default()
    };
    check_grads_with(&f, &x0(), &loose).unwrap();
}
