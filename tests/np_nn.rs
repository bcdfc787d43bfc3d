//! Tests of the stable neural-network helpers: exact values at ±1000, finite gradients,
//! closed forms, central differences (forward and reverse mode, first and second order),
//! f32, 0-d, size-0 and negative axes.

use ferrograd::{elementwise_grad, grad, jvp, np, vjp, DType, Tensor};
use ferrograd_core::{api::ok, lax};

const LN2: f64 = std::f64::consts::LN_2;

fn close(a: &[f64], b: &[f64], tol: f64) {
    assert_eq!(a.len(), b.len(), "{a:?} vs {b:?}");
    for (x, y) in a.iter().zip(b) {
        assert!(
            (x - y).abs() <= tol * (1.0 + y.abs()),
            "{a:?} vs {b:?} (tol {tol})"
        );
    }
}

/// Sum of all elements (the test's own reduction, through the `reduce_sum` primitive).
fn sum(x: &Tensor) -> Tensor {
    let axes: Vec<usize> = (0..x.ndim()).collect();
    ok(lax::reduce_sum(x, &axes))
}

fn all_finite(x: &Tensor) -> bool {
    x.to_vec().iter().all(|v| v.is_finite())
}

/// Central difference of scalar-valued `f` at `x` (f64), one coordinate at a time.
fn numeric_grad(f: &dyn Fn(&Tensor) -> Tensor, x: &[f64]) -> Vec<f64> {
    let h = 1e-6;
    (0..x.len())
        .map(|i| {
            let mut p = x.to_vec();
            let mut m = x.to_vec();
            p[i] += h;
            m[i] -= h;
            (f(&Tensor::from(p)).item() - f(&Tensor::from(m)).item()) / (2.0 * h)
        })
        .collect()
}

/// Checks reverse (`grad`) and forward (`jvp` along each basis vector) against central
/// differences.
fn check_first_order(f: &dyn Fn(&Tensor) -> Tensor, x: &[f64]) {
    let num = numeric_grad(f, x);
    let rev = grad(f)(&Tensor::from(x.to_vec())).to_vec();
    close(&rev, &num, 1e-7);
    for (i, &n) in num.iter().enumerate() {
        let mut e = vec![0.0; x.len()];
        e[i] = 1.0;
        let (_, d) = jvp(f, &Tensor::from(x.to_vec()), &Tensor::from(e));
        close(&[d.item()], &[n], 1e-7);
    }
}

#[test]
fn sigmoid_and_relu_values_and_gradients() {
    let x = Tensor::from(vec![-1000.0, -1.0, 0.0, 2.0, 1000.0]);
    let s = np::sigmoid(&x).to_vec();
    let s1 = 1.0 / (1.0 + 1f64.exp());
    close(&s, &[0.0, s1, 0.5, 1.0 / (1.0 + (-2f64).exp()), 1.0], 1e-15);
    let ds = elementwise_grad(np::sigmoid)(&x);
    assert!(all_finite(&ds));
    close(
        &ds.to_vec()[1..4],
        &[s1 * (1.0 - s1), 0.25, 0.104993585403507],
        1e-14,
    );
    assert_eq!(ds.to_vec()[0], 0.0);

    assert_eq!(np::relu(&x).to_vec(), vec![0.0, 0.0, 0.0, 2.0, 1000.0]);
    let dr = elementwise_grad(np::relu)(&x).to_vec();
    assert_eq!(dr, vec![0.0, 0.0, 0.5, 1.0, 1.0]); // 0.5 at the tie, as jnp.maximum
    let ri = np::relu(&Tensor::from(vec![-3i64, 4]));
    assert_eq!((ri.dtype(), ri.to_vec()), (DType::I64, vec![0.0, 4.0]));
}

#[test]
fn softplus_is_stable_and_exact() {
    let x = Tensor::from(vec![-1000.0, -30.0, 0.0, 1.5, 1000.0]);
    let y = np::softplus(&x).to_vec();
    close(
        &y,
        &[
            0.0,
            (-30f64).exp().ln_1p(),
            LN2,
            1.5f64.exp().ln_1p(),
            1000.0,
        ],
        1e-15,
    );
    let d = elementwise_grad(np::softplus)(&x);
    let sig = |v: f64| 1.0 / (1.0 + (-v).exp());
    close(
        &d.to_vec(),
        &x.to_vec().iter().map(|&v| sig(v)).collect::<Vec<_>>(),
        1e-15,
    );
    // Second derivative σ(x)(1 - σ(x)), exact at 0 as well.
    let d2 = grad(grad(np::softplus));
    for v in [-1000.0, -2.0, 0.0, 0.7, 1000.0] {
        let got = d2(&Tensor::from(v)).item();
        assert!(got.is_finite());
        close(&[got], &[sig(v) * (1.0 - sig(v))], 1e-14);
    }
    check_first_order(&|t: &Tensor| sum(&np::softplus(t)), &[0.3, -0.4]);
}

#[test]
fn logsumexp_at_large_values() {
    let x = Tensor::from(vec![1000.0, 1000.0]);
    assert_eq!(np::logsumexp(&x).item(), 1000.0 + LN2);
    let neg = Tensor::from(vec![-1000.0, -1000.0]);
    assert_eq!(np::logsumexp(&neg).item(), -1000.0 + LN2);
    assert_eq!(grad(np::logsumexp)(&x).to_vec(), vec![0.5, 0.5]);
    let mixed = Tensor::from(vec![1000.0, 0.0, -1000.0]);
    assert_eq!(np::logsumexp(&mixed).item(), 1000.0);
    let g = grad(np::logsumexp)(&mixed);
    assert_eq!(g.to_vec(), vec![1.0, 0.0, 0.0]);
    // -inf entries and an all -inf input.
    let ninf = f64::NEG_INFINITY;
    assert_eq!(np::logsumexp(&Tensor::from(vec![ninf, 0.0])).item(), 0.0);
    assert_eq!(np::logsumexp(&Tensor::from(vec![ninf, ninf])).item(), ninf);
}

#[test]
fn logsumexp_gradients_first_and_second_order() {
    let x = [0.3, -1.2, 2.0, 0.5];
    check_first_order(&np::logsumexp, &x);
    // f(t) = lse(a + t b): f'' = Var_p(b) with p = softmax(a + t b).
    let a = Tensor::from(vec![0.3, -1.2, 2.0]);
    let b = Tensor::from(vec![1.0, -0.5, 2.0]);
    let f = |t: &Tensor| np::logsumexp(&(&a + &(&b * t)));
    let t = 0.4;
    let z: Vec<f64> = [0.3 + 0.4, -1.2 - 0.2, 2.0 + 0.8].to_vec();
    let zs: f64 = z.iter().map(|v| v.exp()).sum();
    let p: Vec<f64> = z.iter().map(|v| v.exp() / zs).collect();
    let bv = [1.0, -0.5, 2.0];
    let mean: f64 = p.iter().zip(bv).map(|(p, b)| p * b).sum();
    let var: f64 = p.iter().zip(bv).map(|(p, b)| p * b * b).sum::<f64>() - mean * mean;
    close(&[grad(f)(&Tensor::from(t)).item()], &[mean], 1e-14);
    close(&[grad(grad(f))(&Tensor::from(t)).item()], &[var], 1e-13);
    // Forward over reverse gives the same second derivative.
    let (_, fwd) = jvp(grad(f), &Tensor::from(t), &Tensor::from(1.0));
    close(&[fwd.item()], &[var], 1e-13);
    // At ±1000 with ties, the Hessian row stays finite: p = (1/2, 1/2), b = (1, -1).
    let big = |t: &Tensor| {
        np::logsumexp(&(Tensor::from(vec![1000.0, 1000.0]) + Tensor::from(vec![1.0, -1.0]) * t))
    };
    assert_eq!(grad(grad(big))(&Tensor::from(0.0)).item(), 1.0);
}

#[test]
fn logsumexp_axes_keepdims_negative_axes_and_edge_shapes() {
    let x = Tensor::from([[1.0, 2.0, 3.0], [1000.0, -1000.0, 1000.0]]);
    let r = np::logsumexp_axes(&x, [-1], false);
    let row0 = (1f64.exp() + 2f64.exp() + 3f64.exp()).ln();
    close(&r.to_vec(), &[row0, 1000.0 + LN2], 1e-15);
    let k = np::logsumexp_axes(&x, [1], true);
    assert_eq!(k.shape(), &[2, 1]);
    let c = np::logsumexp_axes(&x, [0], false).to_vec();
    close(&c, &[1000.0, 2.0, 1000.0], 1e-15);
    let all = np::logsumexp_axes(&x, [0, -1], true);
    assert_eq!(all.shape(), &[1, 1]);
    assert_eq!(np::logsumexp_axes(&x, [], false).to_vec(), x.to_vec());
    // The pullback of ones through row logsumexps is the row softmax.
    let (_, pullback) = vjp(|t: &Tensor| np::logsumexp_axes(t, [-1], false), &x);
    let g = pullback(&np::ones(&[2]));
    close(&g.to_vec(), &np::softmax(&x, -1).to_vec(), 1e-15);
    // 0-d and size-0 inputs.
    assert_eq!(np::logsumexp(&Tensor::from(3.5)).item(), 3.5);
    assert_eq!(grad(np::logsumexp)(&Tensor::from(3.5)).item(), 1.0);
    assert_eq!(np::logsumexp(&np::zeros(&[0])).item(), f64::NEG_INFINITY);
    let e = np::logsumexp_axes(&np::zeros(&[0, 3]), [1], false);
    assert_eq!(e.shape(), &[0]);
    let e = np::logsumexp_axes(&np::zeros(&[2, 0]), [1], false);
    assert_eq!(e.to_vec(), vec![f64::NEG_INFINITY; 2]);
}

#[test]
#[should_panic(expected = "logsumexp")]
fn logsumexp_rejects_bad_axis() {
    np::logsumexp_axes(&np::zeros(&[2, 3]), [2], false);
}

#[test]
fn softmax_values_rows_and_stability() {
    assert_eq!(
        np::softmax(&Tensor::from(vec![1000.0, 0.0]), 0).to_vec(),
        vec![1.0, 0.0]
    );
    let x = Tensor::from([[1.0, 2.0, 3.0], [-1000.0, 0.0, 1000.0], [5.0, 5.0, 5.0]]);
    let p = np::softmax(&x, -1);
    for row in p.to_vec().chunks(3) {
        close(&[row.iter().sum::<f64>()], &[1.0], 1e-15);
    }
    let e: Vec<f64> = [1f64, 2.0, 3.0].iter().map(|v| v.exp()).collect();
    let s: f64 = e.iter().sum();
    close(&p.to_vec()[..3], &[e[0] / s, e[1] / s, e[2] / s], 1e-15);
    close(
        &p.to_vec()[3..],
        &[0.0, 0.0, 1.0, 1. / 3., 1. / 3., 1. / 3.],
        1e-15,
    );
    // Columns (axis 0 = -2) sum to 1 as well.
    let q = np::softmax(&x, -2).to_vec();
    for j in 0..3 {
        close(&[q[j] + q[3 + j] + q[6 + j]], &[1.0], 1e-15);
    }
    let g = elementwise_grad(|t: &Tensor| np::softmax(t, 1))(&x);
    assert!(all_finite(&g));
    // Σ_i ∂p_i/∂x_j = 0, since Σ p = 1.
    close(&g.to_vec(), &[0.0; 9], 1e-12);
    let p32 = np::softmax(&x.astype(DType::F32), 1);
    assert_eq!(p32.dtype(), DType::F32);
    close(&p32.to_vec(), &p.to_vec(), 1e-6);
    assert_eq!(np::softmax(&np::zeros(&[0, 4]), 1).shape(), &[0, 4]);
    assert_eq!(np::softmax(&np::zeros(&[3, 0]), 1).shape(), &[3, 0]);
}

#[test]
fn softmax_jacobian_matches_closed_form() {
    let x = [0.2, -0.7, 1.3];
    let xt = Tensor::from(x.to_vec());
    let p = np::softmax(&xt, 0).to_vec();
    let w = Tensor::from(vec![1.0, 2.0, -1.5]);
    // Reverse: wᵀ J with J = diag(p) - p pᵀ.
    let (_, pullback) = vjp(|t: &Tensor| np::softmax(t, 0), &xt);
    let wv = [1.0, 2.0, -1.5];
    let pw: f64 = p.iter().zip(wv).map(|(p, w)| p * w).sum();
    let expect: Vec<f64> = (0..3).map(|i| p[i] * (wv[i] - pw)).collect();
    close(&pullback(&w).to_vec(), &expect, 1e-15);
    // Forward: J w (J is symmetric).
    let (_, t) = jvp(|t: &Tensor| np::softmax(t, 0), &xt, &w);
    close(&t.to_vec(), &expect, 1e-15);
    check_first_order(&|t: &Tensor| sum(&(np::softmax(t, 0) * &w)), &x);
}

#[test]
fn log_softmax_matches_log_of_softmax() {
    let x = Tensor::from([[0.5, -1.0, 2.0], [3.0, 3.0, -4.0]]);
    let a = np::log_softmax(&x, -1).to_vec();
    let b = np::softmax(&x, -1).log().to_vec();
    close(&a, &b, 1e-15);
    let big = np::log_softmax(&Tensor::from(vec![1000.0, 0.0, -1000.0]), 0);
    assert_eq!(big.to_vec(), vec![0.0, -1000.0, -2000.0]);
    let g = elementwise_grad(|t: &Tensor| np::log_softmax(t, 0))(&Tensor::from(vec![
        1000.0, 0.0, -1000.0,
    ]));
    // Σ_i ∂(x_i - lse)/∂x_j = 1 - n p_j with p = (1, 0, 0).
    assert_eq!(g.to_vec(), vec![-2.0, 1.0, 1.0]);
    check_first_order(
        &|t: &Tensor| sum(&(np::log_softmax(t, 0) * Tensor::from(vec![1.0, -2.0]))),
        &[0.1, 0.9],
    );
}

#[test]
#[should_panic(expected = "softmax")]
fn softmax_of_0d_panics_with_axis_message() {
    np::softmax(&Tensor::from(1.0), -1);
}

#[test]
fn sinc_values_and_derivatives() {
    use std::f64::consts::PI;
    let xs = [0.0, 0.5, 1.0, -0.1, 0.1, 2.5, 1e-9];
    let y = np::sinc(&Tensor::from(xs.to_vec())).to_vec();
    let closed = |x: f64| {
        if x == 0.0 {
            1.0
        } else {
            (PI * x).sin() / (PI * x)
        }
    };
    assert_eq!(y[0], 1.0);
    close(
        &y,
        &xs.iter().map(|&x| closed(x)).collect::<Vec<_>>(),
        1e-15,
    );
    // d/dx sinc = (πx cos πx - sin πx) / (π x²).
    let dclosed = |x: f64| (PI * x * (PI * x).cos() - (PI * x).sin()) / (PI * x * x);
    let d = grad(np::sinc);
    assert_eq!(d(&Tensor::from(0.0)).item(), 0.0);
    close(&[d(&Tensor::from(0.5)).item()], &[-4.0 / PI], 1e-15);
    for x in [0.1, -0.15, 0.2, 0.7, 3.3] {
        close(&[d(&Tensor::from(x)).item()], &[dclosed(x)], 1e-12);
    }
    // Second derivative at 0 is -π²/3; forward mode agrees with reverse.
    let d2 = grad(grad(np::sinc))(&Tensor::from(0.0)).item();
    close(&[d2], &[-PI * PI / 3.0], 1e-15);
    let (_, f) = jvp(np::sinc, &Tensor::from(0.5), &Tensor::from(1.0));
    close(&[f.item()], &[-4.0 / PI], 1e-15);
    // Across the series/direct boundary (|πx| = 0.5) derivatives match central differences.
    let b = 0.5 / PI;
    check_first_order(&|t: &Tensor| sum(&np::sinc(t)), &[b * 0.999, -b * 1.001]);
}

#[test]
fn helpers_handle_f32_0d_and_empty() {
    let x = Tensor::from(vec![-1000.0f32, 0.0, 1000.0]);
    let fs: [fn(&Tensor) -> Tensor; 4] = [np::sigmoid, np::relu, np::softplus, np::sinc];
    for f in fs {
        let y = f(&x);
        assert_eq!(y.dtype(), DType::F32);
        assert!(all_finite(&y));
        let g = elementwise_grad(f)(&x);
        assert_eq!(g.dtype(), DType::F32);
        assert!(all_finite(&g));
        assert_eq!(f(&Tensor::from(0.5)).shape(), &[] as &[usize]);
        assert_eq!(f(&np::zeros(&[0])).shape(), &[0]);
    }
    assert_eq!(
        np::softplus(&x).to_vec(),
        vec![0.0, LN2 as f32 as f64, 1000.0]
    );
    let l = np::logsumexp(&Tensor::from(vec![1000.0f32, 1000.0]));
    assert_eq!(
        (l.dtype(), l.item()),
        (DType::F32, (1000.0f32 + 2f32.ln()) as f64)
    );
    let g = grad(np::logsumexp)(&Tensor::from(vec![1.0f32, 2.0]));
    let e = 1.0 / (1.0 + 1f64.exp());
    close(&g.to_vec(), &[e, 1.0 - e], 1e-6);
    // Integers are promoted to float64.
    assert_eq!(
        np::softmax(&Tensor::from(vec![1i64, 1]), 0).to_vec(),
        vec![0.5, 0.5]
    );
    assert_eq!(np::sinc(&Tensor::from(vec![0i64, 1])).dtype(), DType::F64);
}
