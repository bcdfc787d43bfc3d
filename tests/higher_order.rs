//! Higher-order and mixed-mode differentiation through the public transforms: derivatives of
//! tanh to order 4 against closed forms, y'' = -y for sin and cos, every nesting of forward
//! and reverse mode, perturbation confusion, linearize, pytrees, aux outputs, and the
//! messages of the two common mistakes (an integer input, a non-scalar output).

use std::collections::BTreeMap;
use std::f64::consts::PI;

use ferrograd::{
    elementwise_grad, grad, grad_with_aux, jvp, linearize, value_and_grad, vjp, Tensor,
};
use ferrograd_core::lax;

fn sum(x: &Tensor) -> Tensor {
    let axes: Vec<usize> = (0..x.ndim()).collect();
    lax::reduce_sum(x, &axes).expect("sum over all axes")
}

fn linspace(a: f64, b: f64, n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| a + (b - a) * i as f64 / (n - 1) as f64)
        .collect()
}

fn assert_close(got: &[f64], want: &[f64], tol: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: lengths differ");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= tol * (1.0 + w.abs()),
            "{what}: element {i} is {g}, expected {w}"
        );
    }
}

/// The first four derivatives of tanh in terms of t = tanh x:
/// d1 = 1 - t², d2 = -2t(1-t²), d3 = -2(1-t²)(1-3t²), d4 = 8t(1-t²)(2-3t²).
fn tanh_derivs(x: f64) -> [f64; 4] {
    let t = x.tanh();
    let s = 1.0 - t * t;
    [
        s,
        -2.0 * t * s,
        -2.0 * s * (1.0 - 3.0 * t * t),
        8.0 * t * s * (2.0 - 3.0 * t * t),
    ]
}

fn tanh_closed_forms(xs: &[f64]) -> Vec<Vec<f64>> {
    (0..4)
        .map(|k| xs.iter().map(|&x| tanh_derivs(x)[k]).collect())
        .collect()
}

#[test]
fn tanh_derivatives_by_nested_elementwise_grad() {
    let xs = linspace(-4.0, 4.0, 1000);
    let x = Tensor::from(xs.clone());
    let d1 = elementwise_grad(|x: &Tensor| x.tanh());
    let d2 = elementwise_grad(&d1);
    let d3 = elementwise_grad(&d2);
    let d4 = elementwise_grad(&d3);
    let want = tanh_closed_forms(&xs);
    assert_close(&d1(&x).to_vec(), &want[0], 1e-12, "tanh'");
    assert_close(&d2(&x).to_vec(), &want[1], 1e-12, "tanh''");
    assert_close(&d3(&x).to_vec(), &want[2], 1e-12, "tanh'''");
    assert_close(&d4(&x).to_vec(), &want[3], 1e-12, "tanh''''");
}

#[test]
fn tanh_derivatives_by_nested_grad_on_scalars() {
    let d1 = grad(|x: &Tensor| x.tanh());
    let d2 = grad(&d1);
    let d3 = grad(&d2);
    let d4 = grad(&d3);
    for x in linspace(-4.0, 4.0, 41) {
        let t = Tensor::from(x);
        let got = [d1(&t).item(), d2(&t).item(), d3(&t).item(), d4(&t).item()];
        assert_close(
            &got,
            &tanh_derivs(x),
            1e-12,
            &format!("tanh derivatives at {x}"),
        );
    }
}

#[test]
fn tanh_derivatives_by_jvp_of_jvp() {
    let xs = linspace(-4.0, 4.0, 1000);
    let x = Tensor::from(xs.clone());
    let ones = Tensor::from(vec![1.0; xs.len()]);
    // An elementwise function's jvp with ones is its derivative at every point.
    let d1 = |x: &Tensor| jvp(|x: &Tensor| x.tanh(), x, &ones).1;
    let d2 = |x: &Tensor| jvp(d1, x, &ones).1;
    let d3 = |x: &Tensor| jvp(d2, x, &ones).1;
    let d4 = |x: &Tensor| jvp(d3, x, &ones).1;
    let want = tanh_closed_forms(&xs);
    assert_close(&d1(&x).to_vec(), &want[0], 1e-12, "tanh' (jvp)");
    assert_close(&d2(&x).to_vec(), &want[1], 1e-12, "tanh'' (jvp)");
    assert_close(&d3(&x).to_vec(), &want[2], 1e-12, "tanh''' (jvp)");
    assert_close(&d4(&x).to_vec(), &want[3], 1e-12, "tanh'''' (jvp)");
}

#[test]
fn sin_and_cos_solve_y_double_prime_equals_minus_y() {
    let xs = linspace(-2.0 * PI, 2.0 * PI, 1000);
    let x = Tensor::from(xs.clone());
    let sin2 = elementwise_grad(elementwise_grad(|x: &Tensor| x.sin()));
    let cos2 = elementwise_grad(elementwise_grad(|x: &Tensor| x.cos()));
    let minus_sin: Vec<f64> = xs.iter().map(|x| -x.sin()).collect();
    let minus_cos: Vec<f64> = xs.iter().map(|x| -x.cos()).collect();
    assert_close(&sin2(&x).to_vec(), &minus_sin, 1e-14, "sin''");
    assert_close(&cos2(&x).to_vec(), &minus_cos, 1e-14, "cos''");
}

/// Type-checks `grad(grad(f))` for a plain `Fn(&Tensor) -> Tensor`.
fn second_derivative(f: impl Fn(&Tensor) -> Tensor) -> impl Fn(&Tensor) -> Tensor {
    grad(grad(f))
}

/// f(x) = x³ sin x, f'' = 6x sin x + 6x² cos x - x³ sin x.
fn cubic_sin(x: &Tensor) -> Tensor {
    x * x * x * x.sin()
}

fn cubic_sin_dd(x: f64) -> f64 {
    6.0 * x * x.sin() + 6.0 * x * x * x.cos() - x * x * x * x.sin()
}

#[test]
fn mixed_nestings_agree_on_the_second_derivative() {
    let one = Tensor::from(1.0);
    for x0 in [-1.7, -0.3, 0.0, 0.8, 2.5] {
        let x = Tensor::from(x0);
        let want = cubic_sin_dd(x0);
        let grad_grad = second_derivative(cubic_sin)(&x).item();
        let jvp_of_grad = jvp(grad(cubic_sin), &x, &one).1.item();
        let grad_of_jvp = grad(|x: &Tensor| jvp(cubic_sin, x, &one).1)(&x).item();
        let vjp_of_vjp = {
            let first = |x: &Tensor| vjp(cubic_sin, x).1(&one);
            vjp(first, &x).1(&one).item()
        };
        let jvp_of_jvp = jvp(|x: &Tensor| jvp(cubic_sin, x, &one).1, &x, &one)
            .1
            .item();
        for (name, got) in [
            ("grad(grad)", grad_grad),
            ("jvp(grad)", jvp_of_grad),
            ("grad(jvp)", grad_of_jvp),
            ("vjp(vjp)", vjp_of_vjp),
            ("jvp(jvp)", jvp_of_jvp),
        ] {
            assert!(
                (got - want).abs() < 1e-12,
                "{name} at {x0}: {got} vs {want}"
            );
        }
    }
}

#[test]
fn no_perturbation_confusion() {
    // d/dx [x · d/dy (x + y)] at y = 1 is d/dx [x · 1] = 1 (JAX's test; a system that
    // confuses the two perturbations answers 2).
    let f = |x: &Tensor| {
        let inner = grad(|y: &Tensor| x + y)(&Tensor::from(1.0));
        x * &inner
    };
    assert_eq!(grad(f)(&Tensor::from(1.0)).item(), 1.0);
    // The same in forward mode.
    let one = Tensor::from(1.0);
    let g = |x: &Tensor| x * jvp(|y: &Tensor| x + y, &one, &one).1;
    assert_eq!(jvp(g, &one, &one).1.item(), 1.0);
}

#[test]
fn linearize_equals_jvp_for_several_tangents() {
    let f = |x: &Tensor| x.sin() * x.exp() + x * x;
    let x = Tensor::from(vec![0.3, -1.2, 2.0, 0.0]);
    let (y, lin) = linearize(f, &x);
    assert_eq!(y.to_vec(), f(&x).to_vec());
    for t in [
        vec![1.0, 0.0, 0.0, 0.0],
        vec![0.5, -2.0, 1.5, 3.0],
        vec![0.0; 4],
        vec![-1.0, 1.0, -1.0, 1.0],
    ] {
        let t = Tensor::from(t);
        assert_close(
            &lin(&t).to_vec(),
            &jvp(f, &x, &t).1.to_vec(),
            1e-15,
            "linearize vs jvp",
        );
    }
}

#[test]
fn grad_over_a_tuple() {
    // f(a, b) = Σ a·b + Σ a², so ∇a = b + 2a, ∇b = a.
    let f = |(a, b): &(Tensor, Tensor)| sum(&(a * b)) + sum(&(a * a));
    let (a, b) = (Tensor::from(vec![1.0, 2.0]), Tensor::from(vec![3.0, -4.0]));
    let (ga, gb) = grad(f)(&(a, b));
    assert_eq!(ga.to_vec(), vec![5.0, 0.0]);
    assert_eq!(gb.to_vec(), vec![1.0, 2.0]);
}

#[test]
fn grad_over_a_vec() {
    // f(xs) = x0 · x1 · x2 (scalars), ∇ = (x1 x2, x0 x2, x0 x1).
    let f = |xs: &Vec<Tensor>| &xs[0] * &xs[1] * &xs[2];
    let xs = vec![Tensor::from(2.0), Tensor::from(3.0), Tensor::from(5.0)];
    let g: Vec<f64> = grad(f)(&xs).iter().map(Tensor::item).collect();
    assert_eq!(g, vec![15.0, 10.0, 6.0]);
}

#[test]
fn grad_over_a_map() {
    // A linear model's squared error: E = Σ (w x + b - t)², dE/dw = Σ 2 r x, dE/db = Σ 2 r.
    let x = Tensor::from(vec![0.0, 1.0, 2.0]);
    let t = Tensor::from(vec![1.0, 3.0, 4.0]);
    let cost = |p: &BTreeMap<String, Tensor>| {
        let r = &p["w"] * &x + &p["b"] - &t;
        sum(&(&r * &r))
    };
    let params: BTreeMap<String, Tensor> = [("w", 2.0), ("b", 0.5)]
        .into_iter()
        .map(|(k, v)| (k.to_string(), Tensor::from(v)))
        .collect();
    let (value, g) = value_and_grad(cost)(&params);
    // Residuals: 2·0+0.5-1 = -0.5, 2+0.5-3 = -0.5, 4+0.5-4 = 0.5.
    assert_eq!(value.item(), 0.75);
    assert_eq!(g.keys().collect::<Vec<_>>(), vec!["b", "w"]);
    assert_eq!(g["w"].item(), 2.0 * (-0.5 * 0.0 - 0.5 * 1.0 + 0.5 * 2.0));
    assert_eq!(g["b"].item(), 2.0 * (-0.5 - 0.5 + 0.5));
}

#[test]
fn grad_with_aux_returns_the_aux_output() {
    let f = |x: &Tensor| {
        let y = x * x * x;
        (sum(&y), y)
    };
    let x = Tensor::from(vec![1.0, -2.0]);
    let (g, aux) = grad_with_aux(f)(&x);
    assert_eq!(g.to_vec(), vec![3.0, 12.0]);
    assert_eq!(aux.to_vec(), vec![1.0, -8.0]);
}

#[test]
#[should_panic(expected = "astype")]
fn differentiating_an_integer_input_says_to_convert_it() {
    grad(|x: &Tensor| x * x)(&Tensor::from(3i64));
}

#[test]
#[should_panic(expected = "elementwise_grad")]
fn grad_of_a_non_scalar_output_points_to_elementwise_grad() {
    grad(|x: &Tensor| x * x)(&Tensor::from(vec![1.0, 2.0]));
}
