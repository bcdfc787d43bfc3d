//! cumsum, cumprod, diff, sort, argsort, top_k, searchsorted, one_hot and the
//! straight-through estimator: values against NumPy/JAX, check_grads (both modes, orders 1–2)
//! on every differentiable one and on the indexing functions, negative axes, f32, 0-d and
//! size-0 inputs, errors.

use ferrograd::{check_grads, grad, np, DType, Idx, Tensor};

fn t(v: &[f64]) -> Tensor {
    Tensor::from(v.to_vec())
}

fn m(v: &[f64], shape: &[usize]) -> Tensor {
    Tensor::from_vec(v.to_vec(), shape)
}

#[test]
fn cumulative_values() {
    let x = m(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]);
    assert_eq!(np::cumsum(&x, -1).to_vec(), vec![1., 3., 6., 4., 9., 15.]);
    assert_eq!(np::cumsum(&x, 0).to_vec(), vec![1., 2., 3., 5., 7., 9.]);
    assert_eq!(np::cumprod(&x, 1).to_vec(), vec![1., 2., 6., 4., 20., 120.]);
    let long: Vec<f64> = (1..=9).map(|v| v as f64 / 2.0).collect();
    let mut want = Vec::new();
    let mut p = 1.0;
    for v in &long {
        p *= v;
        want.push(p);
    }
    let got = np::cumprod(&t(&long), 0).to_vec();
    assert!(got
        .iter()
        .zip(&want)
        .all(|(a, b)| (a - b).abs() < 1e-12 * b.abs()));
    assert_eq!(np::diff(&x, 1, 0).to_vec(), vec![3.0, 3.0, 3.0]);
    assert_eq!(
        np::diff(&t(&[1.0, 4.0, 9.0, 16.0]), 3, 0).to_vec(),
        vec![0.0]
    );
    assert_eq!(np::diff(&x, 0, 1).to_vec(), x.to_vec());
    assert_eq!(np::diff(&t(&[1.0]), 2, 0).shape(), &[0]);
    let b = Tensor::from(vec![true, true, false]);
    assert_eq!(np::cumsum(&b, 0).to_vec(), vec![1.0, 2.0, 2.0]);
    assert_eq!(np::cumsum(&b, 0).dtype(), DType::I64);
    assert_eq!(np::diff(&b, 1, 0).to_vec(), vec![0.0, 1.0]);
    let x32 = Tensor::from(vec![1.0f32, 2.0, 3.0]);
    assert_eq!(np::cumsum(&x32, 0).dtype(), DType::F32);
    assert_eq!(np::cumprod(&x32, 0).to_vec(), vec![1.0, 2.0, 6.0]);
    assert_eq!(np::cumsum(&np::zeros(&[0, 2]), 0).shape(), &[0, 2]);
    assert!(Tensor::from(1.0).try_index(0).is_err());
}

#[test]
fn ordering_values() {
    let x = m(&[3.0, f64::NAN, 1.0, 2.0, 2.0, -1.0], &[2, 3]);
    let s = np::sort(&x, -1).to_vec();
    assert_eq!((s[0], s[1]), (1.0, 3.0));
    assert!(s[2].is_nan());
    assert_eq!(&s[3..], &[-1.0, 2.0, 2.0]);
    assert_eq!(
        np::argsort(&x, 1).to_vec(),
        vec![2.0, 0.0, 1.0, 2.0, 0.0, 1.0]
    );
    assert_eq!(
        np::argsort(&x, 0).to_vec(),
        vec![1.0, 1.0, 1.0, 0.0, 0.0, 0.0]
    );
    let (v, i) = np::top_k(&m(&[1.0, 5.0, 3.0, 5.0, 0.0, 2.0], &[2, 3]), 2);
    assert_eq!(
        (v.to_vec(), i.to_vec()),
        (vec![5.0, 3.0, 5.0, 2.0], vec![1.0, 2.0, 0.0, 2.0])
    );
    let (v, i) = np::top_k(&t(&[1.0, 2.0]), 0);
    assert_eq!((v.shape(), i.shape()), (&[0][..], &[0][..]));
    let a = t(&[1.0, 2.0, 2.0, 5.0]);
    let q = m(&[2.0, 0.0, 9.0, 5.0], &[2, 2]);
    let r = np::searchsorted(&a, &q, false);
    assert_eq!(
        (r.shape(), r.to_vec()),
        (&[2, 2][..], vec![1.0, 0.0, 4.0, 3.0])
    );
    assert_eq!(
        np::searchsorted(&a, &q, true).to_vec(),
        vec![3.0, 0.0, 4.0, 4.0]
    );
    // integer queries promote against a float array
    assert_eq!(
        np::searchsorted(&a, &Tensor::from(vec![3i64]), false).to_vec(),
        vec![3.0]
    );
    assert_eq!(
        np::searchsorted(&t(&[]), &t(&[1.0]), false).to_vec(),
        vec![0.0]
    );
    let h = np::one_hot(&Tensor::from(vec![0i64, 2, 5, -1]), 3);
    assert_eq!(h.shape(), &[4, 3]);
    assert_eq!(
        h.to_vec(),
        vec![1., 0., 0., 0., 0., 1., 0., 0., 0., 0., 0., 0.]
    );
    let y = m(&[0.1, 0.7, 0.2, 0.5, 0.3, 0.2], &[2, 3]);
    // column 2 ties (0.2, 0.2): the first maximum wins
    assert_eq!(
        np::argmax_one_hot(&y, 0).to_vec(),
        vec![0., 1., 1., 1., 0., 0.]
    );
    assert_eq!(
        np::argmax_one_hot(&y, -1).to_vec(),
        vec![0., 1., 0., 1., 0., 0.]
    );
}

#[test]
fn ordering_errors() {
    let e = Tensor::from(1.0)
        .try_sort_with_indices(0, false)
        .unwrap_err()
        .to_string();
    assert!(e.contains("0-d") && e.contains("reshape"), "{e}");
    let r = std::panic::catch_unwind(|| t(&[1.0, 2.0]).top_k(3));
    let msg = r
        .unwrap_err()
        .downcast::<String>()
        .map(|s| *s)
        .unwrap_or_default();
    assert!(msg.contains("top_k: k = 3") && msg.contains("[2]"), "{msg}");
    let r = std::panic::catch_unwind(|| np::cumsum(&t(&[1.0]), 1));
    let msg = r
        .unwrap_err()
        .downcast::<String>()
        .map(|s| *s)
        .unwrap_or_default();
    assert!(msg.contains("cumsum") && msg.contains("axis 1"), "{msg}");
    let r = std::panic::catch_unwind(|| np::one_hot(&t(&[1.0]), 2));
    assert!(r.is_err());
    let r = std::panic::catch_unwind(|| np::searchsorted(&np::zeros(&[2, 2]), &t(&[1.0]), false));
    let msg = r
        .unwrap_err()
        .downcast::<String>()
        .map(|s| *s)
        .unwrap_or_default();
    assert!(msg.contains("must be 1-d"), "{msg}");
}

#[test]
fn straight_through_estimator() {
    // JAX notebook: f(y) = w·q(y) is 3 with zero gradient; with the STE the gradient is w.
    let w = t(&[1.0, 2.0, 3.0]);
    let y = t(&[0.1, 0.2, 0.7]);
    let f = |y: &Tensor| w.dot(&np::argmax_one_hot(y, -1));
    assert_eq!(
        (f(&y).item(), grad(f)(&y).to_vec()),
        (3.0, vec![0.0, 0.0, 0.0])
    );
    let f_ste = |y: &Tensor| w.dot(&np::straight_through(y, &np::argmax_one_hot(y, -1)));
    assert_eq!(
        (f_ste(&y).item(), grad(f_ste)(&y).to_vec()),
        (3.0, w.to_vec())
    );
}

#[test]
fn gradients_of_cumulative_and_ordering_ops() {
    let x = m(&[0.3, -1.2, 0.0, 2.0, 0.7, -0.4], &[2, 3]);
    check_grads(|x: &Tensor| np::cumsum(x, -1), &x, 2).unwrap();
    check_grads(|x: &Tensor| np::cumsum(x, 0), &x, 2).unwrap();
    // cumprod through an exact zero, and along a longer axis (three scan rounds)
    check_grads(|x: &Tensor| np::cumprod(x, 1), &x, 2).unwrap();
    let long = t(&[0.5, -1.1, 0.9, 0.0, 1.3, -0.7, 1.2]);
    check_grads(|x: &Tensor| np::cumprod(x, 0), &long, 2).unwrap();
    check_grads(|x: &Tensor| np::diff(x, 2, -1), &long, 2).unwrap();
    check_grads(|x: &Tensor| np::diff(x, 1, 0), &x, 2).unwrap();
    check_grads(|x: &Tensor| np::sort(x, -1) * t(&[1.0, 2.0, 3.0]), &x, 2).unwrap();
    check_grads(|x: &Tensor| np::sort(x, 0).sin(), &x, 2).unwrap();
    check_grads(|x: &Tensor| np::top_k(x, 2).0.powi(2), &x, 2).unwrap();
    // (straight_through is deliberately not the derivative of its forward value, so it is
    // checked by hand in `straight_through_estimator`, not against finite differences.)
    // hand-derived: d/dx Σ_k k·cumsum(x)_k = reversed cumsum of (1, 2, 3) = (6, 5, 3)
    let g = grad(|x: &Tensor| (np::cumsum(x, 0) * t(&[1.0, 2.0, 3.0])).sum())(&t(&[4., 5., 6.]));
    assert_eq!(g.to_vec(), vec![6.0, 5.0, 3.0]);
    // sort routes each cotangent back to where its value came from
    let g = grad(|x: &Tensor| (np::sort(x, 0) * t(&[1.0, 2.0, 3.0])).sum())(&t(&[5., 4., 6.]));
    assert_eq!(g.to_vec(), vec![2.0, 1.0, 3.0]);
}

#[test]
fn gradients_of_indexing_functions() {
    let x = m(
        &[
            0.3, -1.2, 0.5, 2.0, 0.7, -0.4, 1.1, 0.9, -0.2, 0.1, 0.6, -0.8,
        ],
        &[3, 4],
    );
    let i = Tensor::from(vec![2i64, 0, 2, -1]);
    check_grads(
        |x: &Tensor| x.index(&[Idx::step(.., -2), Idx::from(-1)]).sin(),
        &x,
        2,
    )
    .unwrap();
    check_grads(
        |x: &Tensor| x.index(&[Idx::from(&i), Idx::range(1..)]).powi(2),
        &x,
        2,
    )
    .unwrap();
    let j = Tensor::from(vec![3i64, 3, 0, 1]);
    check_grads(
        |x: &Tensor| x.index(&[Idx::from(&i), Idx::from(&j)]).exp(),
        &x,
        2,
    )
    .unwrap();
    check_grads(|x: &Tensor| x.index(x.greater(0.4)).powi(3), &x, 2).unwrap();
    check_grads(|x: &Tensor| np::take(x, &i, Some(-1)).tanh(), &x, 2).unwrap();
    check_grads(|x: &Tensor| np::take(x, &i, None).tanh(), &x, 2).unwrap();
    let order = np::argsort(&x, 0);
    check_grads(|x: &Tensor| np::take_along_axis(x, &order, 0).sin(), &x, 2).unwrap();
    let x32 = x.astype(DType::F32);
    let y = x32.index(&[Idx::from(&i), Idx::step(.., -1)]);
    assert_eq!(y.dtype(), DType::F32);
    let g = grad(|x: &Tensor| x.index(&[Idx::from(&i), Idx::step(.., -1)]).sum())(&x32);
    assert_eq!(g.dtype(), DType::F32);
    // row 2 is taken twice, row 0 once, row 2 (as -1) again: 3 for row 2, 1 for row 0
    assert_eq!(&g.to_vec()[..4], &[1.0; 4]);
    assert_eq!(&g.to_vec()[8..], &[3.0; 4]);
}
