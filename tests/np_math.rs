//! The `np::` free functions: values, weak scalars in either position, and second derivatives
//! of prod (at a zero) and var through nested `grad`, against closed forms.

use ferrograd::{grad, np, DType, Tensor};
use ndarray::s;

#[test]
fn free_functions_match_methods() {
    let x = Tensor::from(vec![-1.0f32, 2.0, 0.5]);
    let r = np::maximum(0.0, &x);
    assert_eq!((r.dtype(), r.to_vec()), (DType::F32, vec![0.0, 2.0, 0.5]));
    assert_eq!(np::minimum(&x, 1).to_vec(), vec![-1.0, 1.0, 0.5]);
    assert_eq!(
        np::power(2.0, &x).to_vec(),
        vec![0.5, 4.0, 2.0_f64.powf(0.5) as f32 as f64]
    );
    assert_eq!(np::subtract(1.0, &x).to_vec(), vec![2.0, -1.0, 0.5]);
    assert_eq!(
        np::divide(Tensor::from(vec![1i64, 3]), 2).to_vec(),
        vec![0.5, 1.5]
    );
    assert_eq!(np::clip(&x, 0.0, 1.0).to_vec(), vec![0.0, 1.0, 0.5]);
    assert_eq!(
        np::where_(&np::less(&x, 0.0), 0.0, &x).to_vec(),
        vec![0.0, 2.0, 0.5]
    );
    assert_eq!(np::exp(&Tensor::from(0.0)).item(), 1.0);
    let m = Tensor::from([[1.0, 2.0], [3.0, 4.0]]);
    assert_eq!(np::sum(&m).item(), 10.0);
    assert_eq!(np::sum_axis(&m, -1).to_vec(), vec![3.0, 7.0]);
    assert_eq!(np::mean_axes(&m, [0], true).shape(), &[1, 2]);
    assert_eq!(np::prod(&m).item(), 24.0);
    assert_eq!(np::var(&m, 0).item(), 1.25);
    assert_eq!(np::argmax_axis(&m, 0).to_vec(), vec![1.0, 1.0]);
    assert_eq!(np::matmul(&m, &m).to_vec(), vec![7.0, 10.0, 15.0, 22.0]);
    assert_eq!(
        np::dot(&m, &Tensor::from(vec![1.0, 1.0])).to_vec(),
        vec![3.0, 7.0]
    );
    assert_eq!(
        np::outer(&m, &Tensor::from(vec![1.0, 2.0])).shape(),
        &[4, 2]
    );
    assert_eq!(np::transpose(&m).to_vec(), vec![1.0, 3.0, 2.0, 4.0]);
    assert_eq!(np::reshape(&m, &[-1]).shape(), &[4]);
    assert_eq!(np::expand_dims(&m, 0).shape(), &[1, 2, 2]);
    assert_eq!(np::squeeze(&np::expand_dims(&m, 0)).shape(), &[2, 2]);
    assert_eq!(np::concatenate(&[&m, &m], 0).shape(), &[4, 2]);
    assert_eq!(np::stack(&[&m, &m], 0).shape(), &[2, 2, 2]);
    assert_eq!(np::slice(&m, s![.., 1]).to_vec(), vec![2.0, 4.0]);
    assert_eq!(np::broadcast_to(&m, &[3, 2, 2]).shape(), &[3, 2, 2]);
}

#[test]
fn second_derivatives_of_prod_and_var() {
    // prod at (2, 0, 3): H = [[0, 3, 0], [3, 0, 2], [0, 2, 0]], so H·1 = (3, 5, 2).
    let g1 = grad(|x: &Tensor| np::prod(x));
    let h1 = grad(|x: &Tensor| np::sum(&g1(x)))(&Tensor::from(vec![2.0, 0.0, 3.0]));
    assert_eq!(h1.to_vec(), vec![3.0, 5.0, 2.0]);
    // var (ddof 0) has Hessian (2/n)(I - 11ᵀ/n); times e_0 with n = 4.
    let g2 = grad(|x: &Tensor| np::var(x, 0));
    let e0 = Tensor::from(vec![1.0, 0.0, 0.0, 0.0]);
    let h2 = grad(|x: &Tensor| np::sum(&(&g2(x) * &e0)))(&Tensor::from(vec![0.3, -1.0, 2.0, 0.7]));
    let want = [0.375, -0.125, -0.125, -0.125];
    for (g, w) in h2.to_vec().iter().zip(want) {
        assert!((g - w).abs() < 1e-14, "{g} vs {w}");
    }
}

/// `copysign` and `fmod` against NumPy's documented values, with derivatives in both modes.
#[test]
fn copysign_and_fmod_match_numpy_and_differentiate() {
    // np.copysign([1, -2, 3, 0], [-1, 1, -0.0, -5]) = [-1, 2, -3, -0].
    let a = Tensor::from(vec![1.0, -2.0, 3.0, 0.0]);
    let b = Tensor::from(vec![-1.0, 1.0, -0.0, -5.0]);
    let y = np::copysign(&a, &b).to_vec();
    assert_eq!(y, vec![-1.0, 2.0, -3.0, 0.0]);
    assert!(y[3].is_sign_negative());
    // Integers become float64; a scalar broadcasts.
    let yi = np::copysign(Tensor::from(vec![2i64, -3]), -1.0);
    assert_eq!((yi.dtype(), yi.to_vec()), (DType::F64, vec![-2.0, -3.0]));
    // np.fmod([-3, -2, -1, 1, 2, 3], 2) = [-1, 0, -1, 1, 0, 1]: the dividend's sign.
    let n = Tensor::from(vec![-3i64, -2, -1, 1, 2, 3]);
    assert_eq!(
        np::fmod(&n, 2).to_vec(),
        vec![-1.0, 0.0, -1.0, 1.0, 0.0, 1.0]
    );
    assert_eq!(np::fmod(&n, 2).dtype(), DType::I64);
    // np.fmod(5, -3) = 2 and np.remainder(5, -3) = -1.
    let five = Tensor::from(5.0);
    assert_eq!(
        (five.fmod(-3.0).item(), five.remainder(-3.0).item()),
        (2.0, -1.0)
    );
    // d copysign(a, b)/da = sign(a) sign(b), d/db = 0; d fmod(a, b)/da = 1, d/db = -trunc(a/b).
    let x = (
        Tensor::from(vec![0.7, -1.3, 2.1]),
        Tensor::from(vec![-0.4, 0.9, 1.7]),
    );
    let g = grad(|(a, b): &(Tensor, Tensor)| np::copysign(a, b).sum())(&x);
    assert_eq!(g.0.to_vec(), vec![-1.0, -1.0, 1.0]);
    assert_eq!(g.1.to_vec(), vec![0.0, 0.0, 0.0]);
    let g = grad(|(a, b): &(Tensor, Tensor)| np::fmod(a, b).sum())(&x);
    assert_eq!(g.0.to_vec(), vec![1.0, 1.0, 1.0]);
    assert_eq!(g.1.to_vec(), vec![1.0, 1.0, -1.0]);
    for f in [
        (|(a, b): &(Tensor, Tensor)| np::copysign(a, b)) as fn(&(Tensor, Tensor)) -> Tensor,
        |(a, b): &(Tensor, Tensor)| np::fmod(a, b),
    ] {
        ferrograd::check_grads(f, &x, 2).unwrap();
    }
}
