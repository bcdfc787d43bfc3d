//! ravel / unravel: round trips and gradients through them.

use std::collections::BTreeMap;

use ferrograd::{grad, ravel, unravel, DType, Tensor};
use ferrograd_core::api::ok;
use ferrograd_core::lax;

fn sum(x: &Tensor) -> Tensor {
    ok(lax::reduce_sum(x, &(0..x.ndim()).collect::<Vec<_>>()))
}

fn params() -> BTreeMap<String, Tensor> {
    let mut m = BTreeMap::new();
    m.insert(
        "w".to_string(),
        Tensor::from([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
    );
    m.insert("b".to_string(), Tensor::from(vec![7.0f32, 8.0]));
    m.insert("s".to_string(), Tensor::from(9.0));
    m.insert(
        "e".to_string(),
        Tensor::from_vec(Vec::<f64>::new(), &[0, 2]),
    );
    m
}

#[test]
fn round_trip_restores_shapes_and_dtypes() {
    let p = params();
    let (v, un) = ravel(&p);
    // Keys sorted: b, e, s, w; the float32 leaf is promoted to the common float64.
    assert_eq!(v.dtype(), DType::F64);
    assert_eq!(
        v.to_vec(),
        vec![7.0, 8.0, 9.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    );
    assert_eq!(un.len(), 9);
    let q = un.apply(&v);
    for (k, x) in &p {
        assert_eq!(q[k].shape(), x.shape(), "{k}");
        assert_eq!(q[k].dtype(), x.dtype(), "{k}");
        assert_eq!(q[k].to_vec(), x.to_vec(), "{k}");
    }
    let r = unravel(&un, &(&v * 2.0));
    assert_eq!(r["w"].to_vec(), vec![2.0, 4.0, 6.0, 8.0, 10.0, 12.0]);
}

#[test]
fn empty_and_single_leaf_trees() {
    let (v, un) = ravel(&());
    assert_eq!((v.shape(), v.dtype()), (&[0usize][..], DType::F64));
    un.apply(&v);
    let (v, un) = ravel(&Tensor::from([[1.0f32, 2.0]]));
    assert_eq!((v.shape(), v.dtype()), (&[2usize][..], DType::F32));
    assert_eq!(un.apply(&v).shape(), &[1, 2]);
}

#[test]
fn wrong_vector_is_rejected() {
    let (_, un) = ravel(&params());
    let err = un.try_apply(&Tensor::from(vec![1.0, 2.0])).unwrap_err();
    assert!(
        err.to_string().contains("expected a vector of shape [9]"),
        "{err}"
    );
}

#[test]
fn gradient_through_unravel_is_the_raveled_gradient() {
    let loss = |p: &BTreeMap<String, Tensor>| {
        sum(&(&p["w"] * &p["w"]).sin()) + sum(&p["b"].exp()).astype(DType::F64) * &p["s"]
    };
    let p = params();
    let (v, un) = ravel(&p);
    let g_vec = grad(|v: &Tensor| loss(&un.apply(v)))(&v);
    let (g_tree_raveled, _) = ravel(&grad(loss)(&p));
    let (a, b) = (g_vec.to_vec(), g_tree_raveled.to_vec());
    assert_eq!(a.len(), b.len());
    for (a, b) in a.iter().zip(&b) {
        assert!((a - b).abs() < 1e-5 * (1.0 + b.abs()), "{a} vs {b}");
    }
    // d/ds = sum(exp(b)).
    assert!((a[2] - (7.0f64.exp() + 8.0f64.exp())).abs() < 1e-2);
}
