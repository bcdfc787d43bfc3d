//! Linear algebra: the exercises' linear regression solved with `linalg::pinv` against
//! gradient descent (the tutorial: "both our answers agree to within one tenth of one
//! percent"), and a small showcase of det / solve / eigh / derivatives with their known values.

use ferrograd::linalg::{self, NormOrd};
use ferrograd::{grad, np, random, Tensor};

use crate::header;

fn l2(x: &Tensor) -> f64 {
    linalg::norm(x, NormOrd::Default, None, false).item()
}

pub fn run() {
    showcase();
}

/// Example 3 of the exercises: linear regression by gradient descent against the
/// pseudo-inverse the tutorial uses, the normal equations and lstsq.
pub fn regression() {
    header(
        "linear regression (X: 100×10) — gradient descent vs linalg::pinv and the normal equations",
    );
    let keys = random::split(&random::key(1), 3);
    let x = random::normal(&keys[0], &[100, 10]);
    let true_w = random::normal(&keys[1], &[10]);
    let y = x.dot(&true_w) + 0.1 * random::normal(&keys[2], &[100]);
    let loss = |w: &Tensor| (x.dot(w) - &y).powi(2).sum() / 100.0;
    let grad_loss = grad(loss);
    let mut w_grad = np::zeros(&[10]);
    for _ in 0..100 {
        w_grad = &w_grad - 0.1 * grad_loss(&w_grad);
    }
    let w_pinv = linalg::pinv(&x).dot(&y);
    let w_lstsq = linalg::lstsq(&x, &y, None);
    let w_normal = linalg::solve(&x.t().matmul(&x), &x.t().dot(&y));
    println!(
        "  gradient descent w[..4] = {}",
        w_grad.slice(ndarray::s![..4])
    );
    println!(
        "  pinv(X)·y        w[..4] = {}",
        w_pinv.slice(ndarray::s![..4])
    );
    println!(
        "  relative difference      = {:.2e} (the tutorial: within 1e-3)",
        l2(&(&w_grad - &w_pinv)) / l2(&w_pinv)
    );
    println!(
        "  lstsq, normal equations  = {:.1e}, {:.1e} from pinv (should be ~1e-15)",
        l2(&(&w_lstsq - &w_pinv)),
        l2(&(&w_normal - &w_pinv))
    );
    println!(
        "  |∇loss(w_pinv)|          = {:.1e} (0 at the minimum)\n",
        l2(&grad_loss(&w_pinv))
    );
}

fn showcase() {
    header("det / solve / eigh / derivatives on small matrices with known answers");
    let a = Tensor::from_vec(vec![2.0, 0.0, 1.0, 1.0, 3.0, 2.0, 1.0, 1.0, 4.0], &[3, 3]);
    println!(
        "  det [[2,0,1],[1,3,2],[1,1,4]] = {:.12} (cofactors: 18)",
        linalg::det(&a).item()
    );
    let x = linalg::solve(&a, &Tensor::from(vec![3.0, 6.0, 6.0]));
    println!("  solve(A, [3, 6, 6])           = {x} (should be [1 1 1])");
    let s = Tensor::from_vec(vec![2.0, 1.0, 1.0, 2.0], &[2, 2]);
    let (w, v) = linalg::eigh(&s);
    println!("  eigh [[2,1],[1,2]] values     = {w} (should be [1 3])");
    println!("  eigenvectors (columns)        =\n{v}\n  (should be ±[1 -1]/√2, [1 1]/√2)");
    let g = grad(|a: &Tensor| linalg::slogdet(a).1)(&a);
    let err = (&g - &linalg::inv(&a).t()).abs().max().item();
    println!("  ∇ log|det A| vs inv(A)ᵀ       : max |difference| {err:.1e} (should be ~1e-16)");
    let singular = Tensor::from_vec(vec![1.0, 2.0, 2.0, 4.0], &[2, 2]);
    let g = grad(|a: &Tensor| linalg::det(a))(&singular);
    println!("  ∇ det at singular [[1,2],[2,4]] = {g} (adj(A)ᵀ: [[4 -2] [-2 1]])");
    match linalg::try_solve(&singular, &Tensor::from(vec![1.0, 1.0])) {
        Ok(x) => println!("  try_solve(singular) unexpectedly gave {x}"),
        Err(e) => println!("  try_solve(singular)           = Err: {e}"),
    }
    let z = grad(|x: &Tensor| linalg::norm(x, NormOrd::Default, None, false))(&np::zeros(&[3]));
    println!("  ∇‖x‖ at x = 0                 = {z} (the subgradient 0, not NaN)\n");
}
