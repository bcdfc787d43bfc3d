//! `nn`: layers against hand computation, initialisers' statistics and determinism, losses
//! against closed forms (including extreme logits), and derivatives through `check_grads`.

use ferrograd::nn::{self, Activation, Init, LayerInit, Linear, Mlp};
use ferrograd::{
    check_grads, check_grads_with, grad, np, random, CheckOptions, DType, Modes, Tensor,
};

fn close_all(got: &[f64], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= tol * (1.0 + w.abs()),
            "element {i}: {g} vs {w} (tolerance {tol}); got {got:?}"
        );
    }
}

fn layer(w: Vec<f64>, w_shape: [usize; 2], b: Vec<f64>) -> Linear {
    Linear {
        w: Tensor::from_vec(w, &w_shape),
        b: Tensor::from(b),
    }
}

#[test]
fn linear_forward_is_x_w_plus_b() {
    let l = layer(vec![1., 2., 3., 4., 5., 6.], [3, 2], vec![0.5, -1.0]);
    let x = Tensor::from([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]]);
    // x·w = [[1 − 5, 2 − 6], [2 + 3, 4 + 4]], then + b.
    let y = l.forward(&x);
    assert_eq!(y.shape(), &[2, 2]);
    close_all(&y.to_vec(), &[-3.5, -5.0, 5.5, 7.0], 0.0);
    // Leading batch axes pass through: [2, 2, 3] → [2, 2, 2].
    let xb = Tensor::from_vec((0..12).map(f64::from).collect(), &[2, 2, 3]);
    let yb = l.forward(&xb);
    assert_eq!(yb.shape(), &[2, 2, 2]);
    // Row [0, 1, 2]: [0 + 3 + 10, 0 + 4 + 12] + b.
    close_all(&yb.to_vec()[..2], &[13.5, 15.0], 0.0);
    // A single example (1-d input) gives a 1-d output.
    let y1 = l.forward(&Tensor::from(vec![1.0, 1.0, 1.0]));
    assert_eq!(y1.shape(), &[2]);
    close_all(&y1.to_vec(), &[9.5, 11.0], 0.0);
}

#[test]
fn linear_new_shapes_dtype_and_zero_bias() {
    let l = Linear::new(&random::key(3), 5, 4);
    assert_eq!((l.w.shape(), l.b.shape()), (&[5, 4][..], &[4][..]));
    assert_eq!(l.w.dtype(), DType::F64);
    assert!(l.b.to_vec().iter().all(|&b| b == 0.0));
    let limit = (6.0f64 / 9.0).sqrt();
    assert!(l.w.to_vec().iter().all(|w| w.abs() <= limit));
    let init = LayerInit {
        w: Init::HeNormal,
        b: Init::Constant(0.25),
        dtype: DType::F32,
    };
    let l = Linear::with_init(&random::key(3), 5, 4, &init);
    assert_eq!((l.w.dtype(), l.b.dtype()), (DType::F32, DType::F32));
    assert_eq!(l.b.to_vec(), vec![0.25; 4]);
    assert_eq!(
        l.forward(&Tensor::full_dtype(&[7, 5], 1.0, DType::F32))
            .shape(),
        &[7, 4]
    );
}

#[test]
fn mlp_forward_matches_hand_computation() {
    let mlp = Mlp {
        layers: vec![
            layer(vec![1.0, -1.0, 2.0, 0.5], [2, 2], vec![0.0, 1.0]),
            layer(vec![3.0, -2.0], [2, 1], vec![0.5]),
        ],
        activation: Activation::Relu,
    };
    let x = Tensor::from([[1.0, 1.0], [-1.0, 2.0]]);
    // Hidden pre-activations: [1 + 2, −1 + 0.5 + 1] = [3, 0.5] and [−1 + 4, 1 + 1 + 1] = [3, 3];
    // relu keeps them; outputs 3·3 − 2·0.5 + 0.5 = 8.5 and 9 − 6 + 0.5 = 3.5.
    let y = mlp.forward(&x);
    assert_eq!(y.shape(), &[2, 1]);
    close_all(&y.to_vec(), &[8.5, 3.5], 0.0);
    // A negative pre-activation is cut by relu but not by identity; none after the last layer.
    let x = Tensor::from([[-2.0, 0.0]]);
    // Pre-activations [−2, 2 + 1] = [−2, 3]; relu → [0, 3]: 0 − 6 + 0.5.
    close_all(&mlp.forward(&x).to_vec(), &[-5.5], 0.0);
    let lin = Mlp {
        activation: Activation::Identity,
        ..mlp.clone()
    };
    close_all(&lin.forward(&x).to_vec(), &[-6.0 - 6.0 + 0.5], 0.0);
    let tanh = Mlp {
        activation: Activation::Tanh,
        ..mlp
    };
    let want = 3.0 * (-2f64).tanh() - 2.0 * 3f64.tanh() + 0.5;
    close_all(&tanh.forward(&x).to_vec(), &[want], 1e-15);
}

#[test]
fn mlp_new_sizes_params_and_keys() {
    let m = Mlp::new(&random::key(0), &[784, 256, 256, 10], Activation::Relu);
    let shapes: Vec<_> = m.layers.iter().map(|l| l.w.shape().to_vec()).collect();
    assert_eq!(shapes, vec![vec![784, 256], vec![256, 256], vec![256, 10]]);
    assert_eq!(
        m.num_params(),
        784 * 256 + 256 + 256 * 256 + 256 + 256 * 10 + 10
    );
    assert_eq!(m.forward(&np::zeros(&[3, 784])).shape(), &[3, 10]);
    // Each layer has its own key: no two layers of equal shape share weights.
    let m = Mlp::new(&random::key(0), &[4, 4, 4], Activation::Tanh);
    assert_ne!(m.layers[0].w.to_vec(), m.layers[1].w.to_vec());
    // The same key gives the same network.
    let again = Mlp::new(&random::key(0), &[4, 4, 4], Activation::Tanh);
    assert_eq!(m.layers[1].w.to_vec(), again.layers[1].w.to_vec());
}

#[test]
#[should_panic(expected = "Mlp")]
fn mlp_needs_two_sizes() {
    Mlp::new(&random::key(0), &[3], Activation::Relu);
}

/// Sample mean and (population) variance.
fn moments(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
    (mean, var)
}

/// Checks mean 0 and variance `var` within 5 standard errors; `kurt` = E[x⁴]/σ⁴ (3 for a
/// normal, 9/5 for a uniform), so the variance estimate's standard error is
/// σ²·√((kurt − 1)/n).
fn check_moments(w: &Tensor, var: f64, kurt: f64, what: &str) {
    let v = w.to_vec();
    let n = v.len() as f64;
    let (m, s2) = moments(&v);
    assert!(m.abs() < 5.0 * (var / n).sqrt(), "{what}: mean {m}");
    let se = var * ((kurt - 1.0) / n).sqrt();
    assert!(
        (s2 - var).abs() < 5.0 * se,
        "{what}: variance {s2} vs {var} (se {se})"
    );
}

#[test]
fn initialisers_have_the_documented_statistics() {
    let shape = [300, 200];
    let (fi, fo) = (300.0, 200.0);
    for dtype in [DType::F32, DType::F64] {
        let key = random::key(11);
        let s = |init: Init| {
            let w = init.sample(&key, &shape, dtype);
            assert_eq!((w.shape(), w.dtype()), (&shape[..], dtype));
            w
        };
        let gu = (6.0f64 / (fi + fo)).sqrt();
        let hu = (6.0f64 / fi).sqrt();
        for (init, limit) in [(Init::GlorotUniform, gu), (Init::HeUniform, hu)] {
            let w = s(init);
            assert!(w.to_vec().iter().all(|x| x.abs() <= limit), "{init:?}");
            check_moments(&w, limit * limit / 3.0, 1.8, &format!("{init:?} {dtype}"));
        }
        for (init, var) in [
            (Init::GlorotNormal, 2.0 / (fi + fo)),
            (Init::HeNormal, 2.0 / fi),
            (Init::LecunNormal, 1.0 / fi),
            (Init::Normal(0.3), 0.09),
        ] {
            check_moments(&s(init), var, 3.0, &format!("{init:?} {dtype}"));
        }
        assert!(s(Init::Zeros).to_vec().iter().all(|&x| x == 0.0));
        assert!(s(Init::Constant(-1.5)).to_vec().iter().all(|&x| x == -1.5));
    }
}

#[test]
fn initialiser_free_functions_and_fans() {
    let key = random::key(5);
    let shape = [64, 32];
    for (f, init) in [
        (
            nn::glorot_uniform as fn(&_, &[usize], DType) -> Tensor,
            Init::GlorotUniform,
        ),
        (nn::glorot_normal, Init::GlorotNormal),
        (nn::he_uniform, Init::HeUniform),
        (nn::he_normal, Init::HeNormal),
    ] {
        let a = f(&key, &shape, DType::F64);
        assert_eq!(a.to_vec(), init.sample(&key, &shape, DType::F64).to_vec());
    }
    assert_eq!(nn::fans(&[]), (1, 1));
    assert_eq!(nn::fans(&[7]), (7, 7));
    assert_eq!(nn::fans(&[3, 5]), (3, 5));
    // A conv kernel [kh, kw, c_in, c_out]: receptive field 3·3.
    assert_eq!(nn::fans(&[3, 3, 16, 32]), (144, 288));
    let u = nn::uniform(&key, &[10_000], 0.5, DType::F64).to_vec();
    assert!(u.iter().all(|x| (-0.5..0.5).contains(x)));
    check_moments(&Tensor::from(u), 0.25 / 3.0, 1.8, "uniform(0.5)");
}

#[test]
fn initialisers_are_deterministic_by_key() {
    for init in [Init::GlorotUniform, Init::HeNormal, Init::Normal(1.0)] {
        for dtype in [DType::F32, DType::F64] {
            let a = init.sample(&random::key(42), &[8, 9], dtype).to_vec();
            let b = init.sample(&random::key(42), &[8, 9], dtype).to_vec();
            let c = init.sample(&random::key(43), &[8, 9], dtype).to_vec();
            assert_eq!(a, b, "{init:?} {dtype}: same key, same values");
            assert_ne!(a, c, "{init:?} {dtype}: another key, other values");
        }
    }
    // 0-d and size-0 shapes.
    assert_eq!(
        Init::HeNormal
            .sample(&random::key(0), &[], DType::F64)
            .shape(),
        &[] as &[usize]
    );
    assert_eq!(
        Init::GlorotUniform
            .sample(&random::key(0), &[0, 4], DType::F32)
            .size(),
        0
    );
}

#[test]
#[should_panic(expected = "init")]
fn initialiser_refuses_integer_dtype() {
    Init::Zeros.sample(&random::key(0), &[2], DType::I64);
}

#[test]
fn mse_closed_form() {
    let p = Tensor::from([[1.0, -2.0], [0.5, 3.0]]);
    let t = Tensor::from([[0.0, 0.0], [0.5, 1.0]]);
    assert_eq!(nn::mse(&p, &t).item(), (1.0 + 4.0 + 0.0 + 4.0) / 4.0);
    // d/dp = 2 (p − t) / n.
    let g = grad(|p: &Tensor| nn::mse(p, &t))(&p);
    close_all(&g.to_vec(), &[0.5, -1.0, 0.0, 1.0], 1e-15);
    let p32 = p.astype(DType::F32);
    let l32 = nn::mse(&p32, &t.astype(DType::F32));
    assert_eq!((l32.dtype(), l32.item()), (DType::F32, 2.25));
}

#[test]
#[should_panic(expected = "mse")]
fn mse_refuses_mismatched_shapes() {
    nn::mse(&np::zeros(&[3]), &np::zeros(&[3, 1]));
}

fn logsumexp(v: &[f64]) -> f64 {
    let m = v.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    m + v.iter().map(|x| (x - m).exp()).sum::<f64>().ln()
}

#[test]
fn cross_entropy_closed_form_and_gradient() {
    let rows = [[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [-1.0, 0.5, 0.25]];
    let labels = [2i64, 0, 1];
    let logits = Tensor::from(rows);
    let y = Tensor::from(labels.to_vec());
    let want: f64 = rows
        .iter()
        .zip(labels)
        .map(|(r, l)| logsumexp(r) - r[l as usize])
        .sum::<f64>()
        / 3.0;
    close_all(
        &[nn::cross_entropy_with_logits(&logits, &y).item()],
        &[want],
        1e-15,
    );
    // d/dz = (softmax(z) − onehot) / n.
    let g = grad(|z: &Tensor| nn::cross_entropy_with_logits(z, &y))(&logits).to_vec();
    let mut want_g = Vec::new();
    for (r, l) in rows.iter().zip(labels) {
        let lse = logsumexp(r);
        for (k, z) in r.iter().enumerate() {
            want_g.push(((z - lse).exp() - f64::from(k as u8 == l as u8)) / 3.0);
        }
    }
    close_all(&g, &want_g, 1e-15);
    // Soft targets equal to the one-hot rows give the same loss.
    let onehot = nn::one_hot(&y, 3, DType::F64);
    let soft = nn::softmax_cross_entropy(&logits, &onehot).item();
    close_all(&[soft], &[want], 1e-15);
    // Mixed soft targets: −Σ t log p.
    let t = Tensor::from([[0.5, 0.5, 0.0], [0.2, 0.3, 0.5], [1.0, 0.0, 0.0]]);
    let tv = t.to_vec();
    let mut want_soft = 0.0;
    for (i, r) in rows.iter().enumerate() {
        let lse = logsumexp(r);
        want_soft -= (0..3).map(|k| tv[3 * i + k] * (r[k] - lse)).sum::<f64>() / 3.0;
    }
    close_all(
        &[nn::softmax_cross_entropy(&logits, &t).item()],
        &[want_soft],
        1e-15,
    );
}

#[test]
fn cross_entropy_is_finite_at_extreme_logits() {
    let logits = Tensor::from([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 0.0]]);
    let y = Tensor::from(vec![0i64, 0]);
    // Row 1 is certain and right (loss 0); row 2 is certain and wrong (loss 2000).
    let l = nn::cross_entropy_with_logits(&logits, &y);
    close_all(&[l.item()], &[1000.0], 1e-15);
    let g = grad(|z: &Tensor| nn::cross_entropy_with_logits(z, &y))(&logits).to_vec();
    assert!(g.iter().all(|x| x.is_finite()), "{g:?}");
    close_all(&g, &[0.0, 0.0, 0.0, -0.5, 0.5, 0.0], 1e-15);
    for dtype in [DType::F32, DType::F64] {
        let l = nn::cross_entropy_with_logits(&logits.astype(dtype), &y);
        assert_eq!(l.dtype(), dtype);
        close_all(&[l.item()], &[1000.0], 1e-7);
    }
    // Labels of the wrong shape, or out of range, are refused.
    let bad = std::panic::catch_unwind(|| {
        nn::cross_entropy_with_logits(&logits, &Tensor::from(vec![0i64, 1, 2]))
    });
    assert!(bad.is_err());
    let bad = std::panic::catch_unwind(|| {
        nn::cross_entropy_with_logits(&logits, &Tensor::from(vec![0i64, 3]))
    });
    assert!(bad.is_err());
}

fn softplus(x: f64) -> f64 {
    x.max(0.0) + (-x.abs()).exp().ln_1p()
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

#[test]
fn binary_cross_entropy_with_logits_closed_form_and_extremes() {
    let x = [1000.0, -1000.0, 0.0, 2.0, -3.0];
    let t = [0.0, 1.0, 0.5, 1.0, 0.25];
    let want = x
        .iter()
        .zip(&t)
        .map(|(x, t)| softplus(*x) - x * t)
        .sum::<f64>()
        / 5.0;
    // The first two are certain and wrong: 1000 each.
    close_all(
        &[want],
        &[(2000.0 + 2f64.ln() + softplus(2.0) - 2.0 + softplus(-3.0) + 0.75) / 5.0],
        1e-15,
    );
    let (xs, ts) = (Tensor::from(x.to_vec()), Tensor::from(t.to_vec()));
    let l = nn::binary_cross_entropy_with_logits(&xs, &ts);
    close_all(&[l.item()], &[want], 1e-15);
    // d/dx = (σ(x) − t) / n, finite at ±1000.
    let g = grad(|x: &Tensor| nn::binary_cross_entropy_with_logits(x, &ts))(&xs).to_vec();
    let want_g: Vec<f64> = x
        .iter()
        .zip(&t)
        .map(|(x, t)| (sigmoid(*x) - t) / 5.0)
        .collect();
    close_all(&g, &want_g, 1e-15);
    let l32 = nn::binary_cross_entropy_with_logits(&xs.astype(DType::F32), &ts.astype(DType::F32));
    assert_eq!(l32.dtype(), DType::F32);
    close_all(&[l32.item()], &[want], 1e-6);
}

#[test]
fn binary_cross_entropy_closed_form_and_clamp() {
    let p = Tensor::from(vec![0.2, 0.9, 0.5]);
    let t = Tensor::from(vec![0.0, 1.0, 0.25]);
    let want = -(0.8f64.ln() + 0.9f64.ln() + 0.25 * 0.5f64.ln() + 0.75 * 0.5f64.ln()) / 3.0;
    close_all(&[nn::binary_cross_entropy(&p, &t).item()], &[want], 1e-15);
    // d/dp = (p − t) / (p (1 − p) n).
    let g = grad(|p: &Tensor| nn::binary_cross_entropy(p, &t))(&p).to_vec();
    let want_g: Vec<f64> = [(0.2, 0.0), (0.9, 1.0), (0.5, 0.25)]
        .iter()
        .map(|(p, t)| (p - t) / (p * (1.0 - p) * 3.0))
        .collect();
    close_all(&g, &want_g, 1e-14);
    // Certain and wrong: each log is clamped at −100 (PyTorch), and the gradient is finite.
    let p = Tensor::from(vec![0.0, 1.0]);
    let t = Tensor::from(vec![1.0, 0.0]);
    assert_eq!(nn::binary_cross_entropy(&p, &t).item(), 100.0);
    let g = grad(|p: &Tensor| nn::binary_cross_entropy(p, &t))(&p).to_vec();
    assert!(g.iter().all(|x| x.is_finite()), "{g:?}");
}

#[test]
fn accuracy_counts_argmax_hits() {
    let scores = Tensor::from([
        [0.1, 0.9, 0.0],
        [0.8, 0.1, 0.1],
        [0.2, 0.3, 0.5],
        [0.0, 0.0, 1.0],
    ]);
    let labels = Tensor::from(vec![1i64, 0, 0, 2]);
    assert_eq!(nn::accuracy(&scores, &labels), 0.75);
    // Leading batch axes: [2, 2, 3] scores with [2, 2] labels.
    let s = scores.reshape(&[2, 2, 3]);
    assert_eq!(nn::accuracy(&s, &labels.reshape(&[2, 2])), 0.75);
    // Extreme logits do not disturb argmax.
    let ext = Tensor::from([[1000.0, -1000.0], [-1000.0, 1000.0]]);
    assert_eq!(nn::accuracy(&ext, &Tensor::from(vec![0i64, 0])), 0.5);
    assert!(nn::try_accuracy(&scores, &Tensor::from(vec![1i64, 0])).is_err());
    assert!(nn::try_accuracy(&np::zeros(&[0, 3]), &Tensor::from(Vec::<i64>::new())).is_err());
    assert!(nn::try_accuracy(&Tensor::from(1.0), &Tensor::from(0i64)).is_err());
}

#[test]
fn one_hot_rows_and_errors() {
    let y = nn::one_hot(&Tensor::from(vec![1i64, 0, 2]), 3, DType::F32);
    assert_eq!((y.shape(), y.dtype()), (&[3, 3][..], DType::F32));
    assert_eq!(y.to_vec(), vec![0., 1., 0., 1., 0., 0., 0., 0., 1.]);
    assert!(nn::try_one_hot(&Tensor::from(vec![3i64]), 3, DType::F64).is_err());
    assert!(nn::try_one_hot(&Tensor::from(vec![-1i64]), 3, DType::F64).is_err());
    assert!(nn::try_one_hot(&Tensor::from(vec![1.0]), 3, DType::F64).is_err());
}

#[test]
fn losses_pass_check_grads_orders_1_and_2() {
    let z = Tensor::from([[0.3, -1.2, 2.0], [1.5, 0.1, -0.4]]);
    let t = Tensor::from([[0.2, 0.5, 0.3], [0.0, 1.0, 0.0]]);
    let labels = Tensor::from(vec![2i64, 1]);
    let probs = Tensor::from([[0.3, 0.6, 0.2], [0.7, 0.45, 0.8]]);
    for order in [1, 2] {
        check_grads(|p: &Tensor| nn::mse(p, &t), &z, order).unwrap();
        check_grads(|p: &Tensor| nn::mse(&t, p), &z, order).unwrap();
        check_grads(
            |z: &Tensor| nn::cross_entropy_with_logits(z, &labels),
            &z,
            order,
        )
        .unwrap();
        check_grads(|z: &Tensor| nn::softmax_cross_entropy(z, &t), &z, order).unwrap();
        // Linear in the targets, too.
        check_grads(|t: &Tensor| nn::softmax_cross_entropy(&z, t), &t, order).unwrap();
        check_grads(
            |z: &Tensor| nn::binary_cross_entropy_with_logits(z, &t),
            &z,
            order,
        )
        .unwrap();
        check_grads(
            |t: &Tensor| nn::binary_cross_entropy_with_logits(&z, t),
            &t,
            order,
        )
        .unwrap();
        check_grads(|p: &Tensor| nn::binary_cross_entropy(p, &t), &probs, order).unwrap();
        // Both arguments at once, as a tuple tree.
        check_grads(
            |(p, q): &(Tensor, Tensor)| nn::mse(p, q),
            &(z.clone(), t.clone()),
            order,
        )
        .unwrap();
    }
    // Each mode on its own (Both also checks the nestings).
    for modes in [Modes::Fwd, Modes::Rev] {
        let opts = CheckOptions {
            order: 2,
            modes,
            ..CheckOptions::default()
        };
        check_grads_with(
            |z: &Tensor| nn::cross_entropy_with_logits(z, &labels),
            &z,
            &opts,
        )
        .unwrap();
        check_grads_with(
            |z: &Tensor| nn::binary_cross_entropy_with_logits(z, &t),
            &z,
            &opts,
        )
        .unwrap();
    }
}

#[test]
fn mlp_forward_passes_check_grads_in_its_parameters() {
    let x = Tensor::from([[0.5, -1.0], [1.5, 0.25], [-0.3, 0.8]]);
    let init = LayerInit {
        w: Init::GlorotNormal,
        b: Init::Normal(0.1),
        dtype: DType::F64,
    };
    for act in [Activation::Tanh, Activation::Sigmoid, Activation::Softplus] {
        let m = Mlp::with_init(&random::key(1), &[2, 3, 2], act, &init);
        for order in [1, 2] {
            check_grads(|m: &Mlp| m.forward(&x), &m, order).unwrap();
        }
        // The input, too, and a loss of the whole network.
        check_grads(|x: &Tensor| m.forward(x), &x, 2).unwrap();
        let labels = Tensor::from(vec![0i64, 1, 1]);
        check_grads(
            |m: &Mlp| nn::cross_entropy_with_logits(&m.forward(&x), &labels),
            &m,
            2,
        )
        .unwrap();
    }
    // Relu away from its kink.
    let m = Mlp::with_init(&random::key(2), &[2, 4, 1], Activation::Relu, &init);
    check_grads(|m: &Mlp| m.forward(&x), &m, 1).unwrap();
}

#[test]
fn mlp_grad_is_shaped_like_the_model_in_f32() {
    let init = LayerInit {
        dtype: DType::F32,
        ..LayerInit::default()
    };
    let m = Mlp::with_init(&random::key(0), &[3, 5, 2], Activation::Relu, &init);
    let x = random::normal_dtype(&random::key(1), &[4, 3], DType::F32);
    let labels = Tensor::from(vec![0i64, 1, 1, 0]);
    let g = grad(|m: &Mlp| nn::cross_entropy_with_logits(&m.forward(&x), &labels))(&m);
    for (gl, ml) in g.layers.iter().zip(&m.layers) {
        assert_eq!((gl.w.shape(), gl.w.dtype()), (ml.w.shape(), DType::F32));
        assert_eq!((gl.b.shape(), gl.b.dtype()), (ml.b.shape(), DType::F32));
    }
    assert_eq!(g.activation, Activation::Relu);
    // The output bias's gradient sums (softmax − onehot) / n over the batch: its entries sum to 0.
    let gb = g.layers[1].b.to_vec();
    assert!((gb[0] + gb[1]).abs() < 1e-6, "{gb:?}");
}
