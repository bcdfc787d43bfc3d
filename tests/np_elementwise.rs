//! NumPy's elementwise functions added for the "first contact" issue: exp2, log2, log10, cbrt,
//! reciprocal, deg2rad/radians, rad2deg/degrees, mod/remainder/fmod, gelu and log_sigmoid.
//! Values are NumPy's (quoted from its documentation, or closed forms); derivatives are
//! checked in both modes at orders 1 and 2; f32, integer, 0-d, empty and broadcast inputs.

use std::f64::consts::{LN_10, LN_2, PI};

use ferrograd::{check_grads, elementwise_grad, grad, np, vmap, DType, Tensor};

fn t(v: &[f64]) -> Tensor {
    Tensor::from(v.to_vec())
}

fn close(a: &[f64], b: &[f64], tol: f64) {
    assert_eq!(a.len(), b.len());
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        let ok = (x - y).abs() <= tol * (1.0 + y.abs()) || (x.is_nan() && y.is_nan());
        assert!(ok, "element {i}: {x} vs {y}");
    }
}

/// A unary function under test.
type Unary = fn(&Tensor) -> Tensor;

/// The unary functions under test, by name.
const UNARY: &[(&str, Unary)] = &[
    ("exp2", np::exp2),
    ("log2", np::log2),
    ("log10", np::log10),
    ("cbrt", np::cbrt),
    ("reciprocal", np::reciprocal),
    ("deg2rad", np::deg2rad),
    ("radians", np::radians),
    ("rad2deg", np::rad2deg),
    ("degrees", np::degrees),
    ("log_sigmoid", np::log_sigmoid),
];

#[test]
fn exp2_is_exact_at_integers() {
    // np.exp2([2, 3]) -> [4., 8.]
    assert_eq!(np::exp2(&t(&[2.0, 3.0])).to_vec(), vec![4.0, 8.0]);
    for k in -1074..=1023 {
        let want = if k >= -1022 {
            2f64.powi(k)
        } else {
            2f64.powi(-1022) * 2f64.powi(k + 1022) // subnormal
        };
        assert_eq!(np::exp2(&Tensor::from(k as f64)).item(), want, "2^{k}");
    }
    assert_eq!(
        np::exp2(&t(&[1024.0, f64::NEG_INFINITY])).to_vec(),
        [f64::INFINITY, 0.0]
    );
    let y = np::exp2(&Tensor::from(vec![3.0f32, -1.0]));
    assert_eq!((y.dtype(), y.to_vec()), (DType::F32, vec![8.0, 0.5]));
}

#[test]
fn logs_are_exact_at_powers_of_their_base() {
    // np.log2([0, 1, 2, 2**4]) -> [-inf, 0., 1., 4.]
    let y = np::log2(&t(&[0.0, 1.0, 2.0, 16.0])).to_vec();
    assert_eq!(y, vec![f64::NEG_INFINITY, 0.0, 1.0, 4.0]);
    for k in -1074..=1023 {
        let x = np::exp2(&Tensor::from(k as f64));
        assert_eq!(np::log2(&x).item(), k as f64, "log2(2^{k})");
    }
    // np.log10([1e-15, -3.]) -> [-15., nan]
    let y = np::log10(&t(&[1e-15, -3.0])).to_vec();
    assert_eq!(y[0], -15.0);
    assert!(y[1].is_nan());
    for k in 0..=22 {
        let x = format!("1e{k}").parse::<f64>().unwrap();
        assert_eq!(np::log10(&Tensor::from(x)).item(), k as f64, "log10(1e{k})");
    }
    let y = np::log10(&Tensor::from(vec![1000.0f32, 0.01]));
    assert_eq!((y.dtype(), y.to_vec()), (DType::F32, vec![3.0, -2.0]));
    let y = np::log2(&Tensor::from(vec![8.0f32]));
    assert_eq!((y.dtype(), y.to_vec()), (DType::F32, vec![3.0]));
}

#[test]
fn cbrt_is_real_for_negatives() {
    // np.cbrt([1, 8, 27]) -> [1., 2., 3.]
    assert_eq!(
        np::cbrt(&t(&[1.0, 8.0, 27.0])).to_vec(),
        vec![1.0, 2.0, 3.0]
    );
    assert_eq!(
        np::cbrt(&t(&[-8.0, -27.0, 0.0])).to_vec(),
        vec![-2.0, -3.0, 0.0]
    );
    assert!(np::cbrt(&Tensor::from(-0.0)).item().is_sign_negative());
    let y = np::cbrt(&Tensor::from(vec![-64.0f32, 0.125]));
    assert_eq!((y.dtype(), y.to_vec()), (DType::F32, vec![-4.0, 0.5]));
    // The derivative 1/(3 y²): 1/12 at ±8, and the slope is infinite at 0.
    let d = elementwise_grad(np::cbrt)(&t(&[-8.0, 8.0, 0.0])).to_vec();
    assert_eq!(&d[..2], &[1.0 / 12.0, 1.0 / 12.0]);
    assert_eq!(d[2], f64::INFINITY);
}

#[test]
fn reciprocal_and_angle_conversions() {
    // np.reciprocal([1, 2., 3.33]) -> [1., 0.5, 0.3003003]
    close(
        &np::reciprocal(&t(&[1.0, 2.0, 3.33])).to_vec(),
        &[1.0, 0.5, 0.3003003003003003],
        1e-16,
    );
    // jnp.reciprocal(0.) -> inf; integers become float (jnp.reciprocal(2) -> 0.5)
    assert_eq!(np::reciprocal(&Tensor::from(0.0)).item(), f64::INFINITY);
    let r = np::reciprocal(&Tensor::from(vec![2i64, -4]));
    assert_eq!((r.dtype(), r.to_vec()), (DType::F64, vec![0.5, -0.25]));
    // np.deg2rad(180) -> 3.1415926535897931; np.rad2deg(np.pi/2) -> 90.0
    assert_eq!(np::deg2rad(&Tensor::from(180i64)).item(), PI);
    assert_eq!(np::rad2deg(&Tensor::from(PI / 2.0)).item(), 90.0);
    // np.radians(np.arange(12.) * 30.) -> [0, π/6, π/3, …]; np.degrees of that -> [0, 30, …]
    let deg: Vec<f64> = (0..12).map(|k| 30.0 * k as f64).collect();
    let rad: Vec<f64> = (0..12).map(|k| k as f64 * PI / 6.0).collect();
    close(&np::radians(&t(&deg)).to_vec(), &rad, 1e-15);
    close(&np::degrees(&t(&rad)).to_vec(), &deg, 1e-15);
    let y = np::deg2rad(&Tensor::from(vec![90.0f32]));
    assert_eq!(
        (y.dtype(), y.item()),
        (DType::F32, (PI / 2.0) as f32 as f64)
    );
}

#[test]
fn mod_remainder_and_fmod_follow_numpy_signs() {
    // np.remainder([4, 7], [2, 3]) -> [0, 1]; np.mod is the same function.
    let (a, b) = (Tensor::from(vec![4i64, 7]), Tensor::from(vec![2i64, 3]));
    assert_eq!(np::mod_(&a, &b).to_vec(), vec![0.0, 1.0]);
    assert_eq!(np::mod_(&a, &b).dtype(), DType::I64);
    // np.fmod([-3, -2, -1, 1, 2, 3], 2) -> [-1, 0, -1, 1, 0, 1]
    // np.remainder([-3, -2, -1, 1, 2, 3], 2) -> [1, 0, 1, 1, 0, 1]
    let x = Tensor::from(vec![-3i64, -2, -1, 1, 2, 3]);
    assert_eq!(
        np::fmod(&x, 2).to_vec(),
        vec![-1.0, 0.0, -1.0, 1.0, 0.0, 1.0]
    );
    assert_eq!(np::mod_(&x, 2).to_vec(), vec![1.0, 0.0, 1.0, 1.0, 0.0, 1.0]);
    assert_eq!(np::remainder(&x, 2).to_vec(), np::mod_(&x, 2).to_vec());
    // Floats: np.mod(-7.5, 2) -> 0.5, np.fmod(-7.5, 2) -> -1.5; a negative divisor.
    assert_eq!(np::mod_(-7.5, Tensor::from(2.0)).item(), 0.5);
    assert_eq!(np::fmod(-7.5, Tensor::from(2.0)).item(), -1.5);
    assert_eq!(np::mod_(Tensor::from(7.5f32), -2.0).to_vec(), vec![-0.5]);
    // Broadcasting: (2, 1) against (3,).
    let m = np::mod_(
        Tensor::from_vec(vec![5.0, -5.0], &[2, 1]),
        t(&[2.0, 3.0, -4.0]),
    );
    assert_eq!(m.shape(), &[2, 3]);
    assert_eq!(m.to_vec(), vec![1.0, 2.0, -3.0, 1.0, 1.0, -1.0]);
    // d mod(a, b) = da − floor(a/b) db, away from the jumps.
    let a = t(&[5.3, -5.3, 2.2]);
    let b = t(&[2.0, 2.0, -1.5]);
    check_grads(
        |ab: &(Tensor, Tensor)| np::mod_(&ab.0, &ab.1),
        &(a.clone(), b.clone()),
        2,
    )
    .unwrap();
    check_grads(|ab: &(Tensor, Tensor)| np::fmod(&ab.0, &ab.1), &(a, b), 2).unwrap();
}

#[test]
fn gelu_matches_its_closed_forms() {
    let xs = [-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0];
    let x = t(&xs);
    // Exact: x Φ(x) (x * scipy.stats.norm.cdf(x)).
    let want: Vec<f64> = xs
        .iter()
        .map(|&v| v * np::ndtr(&Tensor::from(v)).item())
        .collect();
    close(&np::gelu(&x, false).to_vec(), &want, 1e-15);
    // jax.nn.gelu(1., approximate=False) -> 0.8413447; approximate=True -> 0.8411920
    close(
        &np::gelu(&Tensor::from(1.0), false).to_vec(),
        &[0.8413447460685429],
        1e-15,
    );
    close(
        &np::gelu(&Tensor::from(1.0), true).to_vec(),
        &[0.8411919906082768],
        1e-15,
    );
    let c = (2.0 / PI).sqrt();
    let approx: Vec<f64> = xs
        .iter()
        .map(|&v: &f64| 0.5 * v * (1.0 + (c * (v + 0.044715 * v.powi(3))).tanh()))
        .collect();
    close(&np::gelu(&x, true).to_vec(), &approx, 1e-15);
    // The tails: no NaN, the exact form keeps its relative accuracy far left.
    // At -30, 1 + erf(x/√2) is exactly 0; erfc keeps x Φ(x) ≈ -1.5e-196.
    let far = np::gelu(&t(&[-30.0, 1000.0]), false).to_vec();
    assert!(far[0] < -1e-197 && far[0] > -1e-195, "{}", far[0]);
    assert_eq!(far[1], 1000.0);
    assert_eq!(
        np::gelu(&t(&[-1000.0, 1000.0]), true).to_vec(),
        vec![0.0, 1000.0]
    );
    // gelu'(0) = Φ(0) = 1/2 in both forms; f32 stays f32.
    for approximate in [false, true] {
        let g = grad(move |x: &Tensor| np::gelu(x, approximate))(&Tensor::from(0.0));
        assert_eq!(g.item(), 0.5);
        let y = np::gelu(&Tensor::from(vec![1.0f32]), approximate);
        assert_eq!(y.dtype(), DType::F32);
        check_grads(move |x: &Tensor| np::gelu(x, approximate), &x, 2).unwrap();
    }
}

#[test]
fn log_sigmoid_is_stable() {
    let y = np::log_sigmoid(&t(&[-1000.0, 0.0, 1000.0])).to_vec();
    assert_eq!(y, vec![-1000.0, -LN_2, 0.0]);
    let xs = [-5.0, -1.0, 0.3, 4.0];
    let want: Vec<f64> = xs.iter().map(|&v: &f64| -(1.0 + (-v).exp()).ln()).collect();
    close(&np::log_sigmoid(&t(&xs)).to_vec(), &want, 1e-15);
    // d log σ(x) = σ(−x).
    let d = elementwise_grad(np::log_sigmoid)(&t(&xs)).to_vec();
    let s: Vec<f64> = xs.iter().map(|&v: &f64| 1.0 / (1.0 + v.exp())).collect();
    close(&d, &s, 1e-15);
    assert_eq!(
        np::log_sigmoid(&Tensor::from(vec![2.0f32])).dtype(),
        DType::F32
    );
    assert_eq!(
        np::log_sigmoid(&Tensor::from(vec![2i64])).dtype(),
        DType::F64
    );
}

#[test]
fn derivatives_in_both_modes_to_order_two() {
    let pos = t(&[0.3, 1.0, 2.5]);
    let both = t(&[-2.0, -0.4, 0.7, 1.9]);
    let cases: [(&str, Unary, &Tensor); 10] = [
        ("exp2", np::exp2, &both),
        ("log2", np::log2, &pos),
        ("log10", np::log10, &pos),
        ("cbrt", np::cbrt, &both),
        ("reciprocal", np::reciprocal, &both),
        ("deg2rad", np::deg2rad, &both),
        ("radians", np::radians, &both),
        ("rad2deg", np::rad2deg, &both),
        ("degrees", np::degrees, &both),
        ("log_sigmoid", np::log_sigmoid, &both),
    ];
    for (name, f, x) in cases {
        check_grads(f, x, 2).unwrap_or_else(|e| panic!("{name}: {e}"));
        // A non-diagonal use too: f feeds a reduction.
        check_grads(move |x: &Tensor| (f(x) * x).sum(), x, 2)
            .unwrap_or_else(|e| panic!("{name} in a sum: {e}"));
    }
    // Closed-form first derivatives.
    let x = t(&[0.5, 2.0]);
    let d = elementwise_grad(np::exp2)(&x).to_vec();
    close(&d, &[LN_2 * 2f64.sqrt(), LN_2 * 4.0], 1e-15);
    let d = elementwise_grad(np::log2)(&x).to_vec();
    close(&d, &[1.0 / (0.5 * LN_2), 1.0 / (2.0 * LN_2)], 1e-15);
    let d = elementwise_grad(np::log10)(&x).to_vec();
    close(&d, &[1.0 / (0.5 * LN_10), 1.0 / (2.0 * LN_10)], 1e-15);
    let d = elementwise_grad(np::reciprocal)(&x).to_vec();
    close(&d, &[-4.0, -0.25], 1e-15);
    assert_eq!(
        elementwise_grad(np::deg2rad)(&x).to_vec(),
        vec![PI / 180.0; 2]
    );
}

#[test]
fn zero_d_empty_broadcast_integer_and_batched_inputs() {
    let m = Tensor::from_vec(vec![0.5, 1.0, 2.0, 4.0, 8.0, 3.0], &[2, 3]);
    for (name, f) in UNARY {
        // 0-d in, 0-d out; empty in, empty out, with the shape kept.
        assert_eq!(f(&Tensor::from(2.0)).shape(), &[] as &[usize], "{name}");
        let e = f(&Tensor::from_vec(Vec::<f64>::new(), &[0, 2]));
        assert_eq!(e.shape(), &[0, 2], "{name}");
        // A broadcast (strided, zero-copy) input gives the values of a materialised one.
        let row = t(&[0.5, 1.0, 2.0]);
        let b = f(&row.broadcast_to(&[2, 3]));
        assert_eq!(
            b.to_vec(),
            f(&np::stack(&[&row, &row], 0)).to_vec(),
            "{name}"
        );
        // Integer inputs become float64, with the float values.
        let ints = Tensor::from(vec![1i64, 2, 4]);
        let yi = f(&ints);
        assert_eq!(yi.dtype(), DType::F64, "{name}");
        assert_eq!(yi.to_vec(), f(&t(&[1.0, 2.0, 4.0])).to_vec(), "{name}");
        // vmap over rows equals the function of the whole; so does vmap of its gradient.
        let v = vmap(*f)(&m);
        assert_eq!(v.to_vec(), f(&m).to_vec(), "{name} under vmap");
        let g = vmap(grad(move |r: &Tensor| f(r).sum()))(&m);
        let want = elementwise_grad(*f)(&m);
        close(&g.to_vec(), &want.to_vec(), 1e-15);
    }
    // f32 in, f32 out, with f32-rounded values, and f32 gradients.
    let x32 = Tensor::from(vec![0.5f32, 1.5, 3.0]);
    let x64 = t(&[0.5, 1.5, 3.0]);
    for (name, f) in UNARY {
        let (y32, y64) = (f(&x32), f(&x64));
        assert_eq!(y32.dtype(), DType::F32, "{name}");
        close(&y32.to_vec(), &y64.to_vec(), 1e-6);
        let g = elementwise_grad(*f)(&x32);
        assert_eq!(g.dtype(), DType::F32, "{name}'");
        close(&g.to_vec(), &elementwise_grad(*f)(&x64).to_vec(), 1e-6);
    }
    // The composites with two inputs and with an option batch too.
    let v = vmap(|r: &Tensor| np::mod_(r, 3.0))(&m);
    assert_eq!(v.to_vec(), np::mod_(&m, 3.0).to_vec());
    for approximate in [false, true] {
        let v = vmap(move |r: &Tensor| np::gelu(r, approximate))(&m);
        assert_eq!(v.to_vec(), np::gelu(&m, approximate).to_vec());
    }
}
