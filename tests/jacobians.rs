#![allow(clippy::type_complexity)]
//! Jacobians, Hessians and Hessian-vector products: closed forms from the JAX notebook and
//! the autograd tutorial, forward mode against reverse mode, pytree inputs, check_grads.

use ferrograd::{
    check_grads, grad, hessian, hvp, jacfwd, jacrev, np, random, stop_gradient,
    value_and_grad_with_aux, vjp, Tensor,
};

mod common;
use common::{close, normal};

#[test]
fn linear_maps_have_their_matrix_as_jacobian() {
    let a = normal(1, &[4, 3]);
    let x = normal(2, &[3]);
    let f = |x: &Tensor| a.matmul(x);
    close(&jacfwd(f)(&x), &a, 1e-14);
    close(&jacrev(f)(&x), &a, 1e-14);
    // Scalar output: jacrev is the gradient. fun1d(x) = (a x)[0] with a of shape (1, 3).
    let a1 = normal(3, &[1, 3]);
    let g = grad(|x: &Tensor| a1.matmul(x).get(0))(&x);
    close(&g, &a1.reshape(&[3]), 1e-14);
    close(&jacrev(|x: &Tensor| a1.matmul(x).get(0))(&x), &g, 1e-14);
}

#[test]
fn forward_and_reverse_jacobians_agree_on_mixed_functions() {
    let w = normal(4, &[3, 5]);
    let fs: Vec<Box<dyn Fn(&Tensor) -> Tensor>> = vec![
        Box::new(|x: &Tensor| (w.matmul(x).tanh() * x.sum()).exp()),
        Box::new(|x: &Tensor| np::concatenate(&[&x.sin(), &(x * x).cumsum_free()], 0)),
        Box::new(|x: &Tensor| x.reshape(&[5, 1]) * x.cos() - x.max()),
        Box::new(|x: &Tensor| np::stack(&[&x.sigmoid().mean(), &x.dot(x).sqrt()], 0)),
        Box::new(|x: &Tensor| np::where_(&x.greater(0.0), x.powi(3), x.abs()).get(2)),
    ];
    let x = Tensor::from(vec![0.3, -1.2, 0.8, 2.0, -0.4]);
    for (k, f) in fs.iter().enumerate() {
        let (jf, jr) = (jacfwd(f)(&x), jacrev(f)(&x));
        let y = f(&x);
        let want: Vec<usize> = y.shape().iter().chain(x.shape()).copied().collect();
        assert_eq!(jf.shape(), &want[..], "function {k}");
        close(&jf, &jr, 1e-12);
        // And against a column by forward mode on one basis vector.
        let e1 = Tensor::from(vec![0.0, 1.0, 0.0, 0.0, 0.0]);
        let (_, col) = ferrograd::jvp(f, &x, &e1);
        let idx = jf.ndim() - 1;
        close(&jf.take_col(idx, 1), &col, 1e-12);
    }
}

/// Small helpers the test needs on Tensor, written with the public API.
trait TestOps {
    fn cumsum_free(&self) -> Tensor;
    fn take_col(&self, axis: usize, i: usize) -> Tensor;
}

impl TestOps for Tensor {
    // Running sums by a lower-triangular matmul.
    fn cumsum_free(&self) -> Tensor {
        let n = self.shape()[0];
        let l = Tensor::from_vec(
            (0..n * n)
                .map(|k| f64::from(u8::from(k % n <= k / n)))
                .collect(),
            &[n, n],
        );
        l.matmul(self)
    }
    fn take_col(&self, axis: usize, i: usize) -> Tensor {
        let perm: Vec<usize> = std::iter::once(axis)
            .chain((0..self.ndim()).filter(|&a| a != axis))
            .collect();
        self.permute(perm.iter().map(|&p| p as i64).collect::<Vec<_>>())
            .get(i as i64)
    }
}

#[test]
fn hessian_of_a_quadratic_form_is_a_plus_a_transpose() {
    let a = normal(5, &[4, 4]);
    let x = normal(6, &[4]);
    let quad = |x: &Tensor| x.dot(&a.matmul(x));
    close(&grad(quad)(&x), &(&a + &a.t()).matmul(&x), 1e-12);
    let h = hessian(quad)(&x);
    close(&h, &(&a + &a.t()), 1e-12);
    close(&jacfwd(jacrev(quad))(&x), &h, 1e-12);
    close(&jacrev(jacrev(quad))(&x), &h, 1e-12);
    close(&jacfwd(jacfwd(quad))(&x), &h, 1e-12);
}

#[test]
fn vjp_of_wx_is_u_x_transpose() {
    let (m, n) = (2, 3);
    let w = normal(7, &[m, n]);
    let x = normal(8, &[n]);
    let u = normal(9, &[m]);
    // f1(x) = W x: J = W, uᵀJ = Wᵀu.
    let j1 = jacfwd(|x: &Tensor| w.matmul(x))(&x);
    close(&j1, &w, 1e-14);
    let (_, pb) = vjp(|x: &Tensor| w.matmul(x), &x);
    close(&pb(&u), &u.matmul(&j1), 1e-14);
    close(&pb(&u), &w.t().matmul(&u), 1e-14);
    // f2(W) = W x: J has shape (2, 2, 3) and uᵀJ = u xᵀ.
    let f2 = |w: &Tensor| w.matmul(&x);
    let j2 = jacfwd(f2)(&w);
    assert_eq!(j2.shape(), &[2, 2, 3]);
    let tmp1 = u
        .reshape(&[1, 2])
        .matmul(&j2.reshape(&[2, 6]))
        .reshape(&[2, 3]);
    let (_, pb2) = vjp(f2, &w);
    close(&pb2(&u), &tmp1, 1e-14);
    close(&tmp1, &u.outer(&x), 1e-14);
    close(&jacrev(f2)(&w), &j2, 1e-14);
}

#[test]
fn td_update_with_stop_gradient() {
    let value_fn = |theta: &Tensor, s: &Tensor| theta.dot(s);
    let s_prev = Tensor::from(vec![1.0, 2.0, -1.0]);
    let r_t = Tensor::from(1.0);
    let s_t = Tensor::from(vec![2.0, 1.0, 0.0]);
    let td_loss = |theta: &Tensor| {
        let v_prev = value_fn(theta, &s_prev);
        let target = &r_t + value_fn(theta, &s_t);
        0.5 * (stop_gradient(&target) - v_prev).powi(2)
    };
    let theta = Tensor::from(vec![0.1, -0.1, 0.0]);
    close(
        &grad(td_loss)(&theta),
        &Tensor::from(vec![-1.2, -2.4, 1.2]),
        1e-14,
    );
}

#[test]
fn straight_through_estimator() {
    let w = Tensor::from(vec![1.0, 2.0, 3.0]);
    let quantize = |y: &Tensor| {
        let i = y.argmax().astype(ferrograd::DType::F64);
        np::arange(0.0, 3.0, 1.0)
            .equal(&i)
            .astype(ferrograd::DType::F64)
    };
    let y_soft = Tensor::from(vec![0.1, 0.2, 0.7]);
    let f = |y: &Tensor| w.dot(&quantize(y));
    assert_eq!(f(&y_soft).item(), 3.0);
    assert_eq!(grad(f)(&y_soft).to_vec(), vec![0.0, 0.0, 0.0]);
    let f_ste = |y: &Tensor| w.dot(&(y + stop_gradient(&(quantize(y) - y))));
    assert_eq!(f_ste(&y_soft).item(), 3.0);
    assert_eq!(grad(f_ste)(&y_soft).to_vec(), vec![1.0, 2.0, 3.0]);
}

#[test]
fn value_and_grad_with_aux_of_the_notebook() {
    let f = |(x, y): &(Tensor, Tensor)| (x * x + y, Tensor::from(42.0));
    let ((v, aux), (gx, gy)) = value_and_grad_with_aux(f)(&(Tensor::from(2.0), Tensor::from(3.0)));
    assert_eq!(
        (v.item(), aux.item(), gx.item(), gy.item()),
        (7.0, 42.0, 4.0, 1.0)
    );
}

#[test]
fn hessian_vector_product_at_d_50000_without_the_hessian() {
    // The tutorial's f3(x) = Σ_i A[i,:]·sin(x): H = diag(-sin(x) ⊙ Σ_i A[i,:]).
    let d = 50_000;
    let a = random::uniform(&random::key(20), &[10, d]);
    let x = np::full(&[d], 2.0);
    let r = random::uniform(&random::key(21), &[d]);
    let f3 = |x: &Tensor| a.matmul(&x.sin()).sum();
    let hv = hvp(f3, &x, &r);
    let want = -x.sin() * a.sum_axis(0) * &r;
    close(&hv, &want, 1e-12);
    // Small case: hvp equals the Hessian times v.
    let a_small = normal(22, &[3, 4]);
    let g = |x: &Tensor| a_small.matmul(&x.sin()).sum() + x.dot(x).powi(2);
    let (x4, v4) = (normal(23, &[4]), normal(24, &[4]));
    close(&hvp(g, &x4, &v4), &hessian(g)(&x4).matmul(&v4), 1e-12);
}

#[test]
fn jacobians_of_pytree_inputs_are_blocks_per_leaf() {
    let f = |(a, b): &(Tensor, Tensor)| (a.matmul(b)).tanh().reshape(&[-1]);
    let a = normal(30, &[2, 3]);
    let b = normal(31, &[3, 2]);
    let (ja, jb) = jacfwd(f)(&(a.clone(), b.clone()));
    let (ra, rb) = jacrev(f)(&(a.clone(), b.clone()));
    assert_eq!(ja.shape(), &[4, 2, 3]);
    assert_eq!(jb.shape(), &[4, 3, 2]);
    close(&ja, &ra, 1e-12);
    close(&jb, &rb, 1e-12);
    close(
        &ja,
        &jacfwd(|a: &Tensor| f(&(a.clone(), b.clone())))(&a),
        1e-14,
    );
    close(
        &jb,
        &jacrev(|b: &Tensor| f(&(a.clone(), b.clone())))(&b),
        1e-14,
    );
    // hvp over a tree.
    let g = |(a, b): &(Tensor, Tensor)| (a.matmul(b).sin()).sum();
    let v = (normal(32, &[2, 3]), normal(33, &[3, 2]));
    let (ha, hb) = hvp(g, &(a.clone(), b.clone()), &v);
    assert_eq!(
        (ha.shape(), hb.shape()),
        (&[2usize, 3][..], &[3usize, 2][..])
    );
}

#[test]
fn edge_shapes_and_dtypes() {
    // 0-d input and output.
    let j = jacfwd(|x: &Tensor| x.sin())(&Tensor::from(0.5));
    assert!(j.shape().is_empty() && (j.item() - 0.5f64.cos()).abs() < 1e-15);
    close(&jacrev(|x: &Tensor| x.sin())(&Tensor::from(0.5)), &j, 0.0);
    // Size-0 input.
    let e = jacfwd(|x: &Tensor| x * 2.0)(&np::zeros(&[0]));
    assert_eq!(e.shape(), &[0, 0]);
    assert_eq!(jacrev(|x: &Tensor| x.sum())(&np::zeros(&[0])).shape(), &[0]);
    // f32 stays f32.
    let x = Tensor::from(vec![1.0f32, 2.0]);
    let h = hessian(|x: &Tensor| (x * x * x).sum())(&x);
    assert_eq!(h.dtype(), ferrograd::DType::F32);
    assert_eq!(h.to_vec(), vec![6.0, 0.0, 0.0, 12.0]);
}

#[test]
fn jacobian_functions_pass_check_grads() {
    let w = normal(40, &[3, 3]);
    let x = normal(41, &[3]);
    let f = |x: &Tensor| w.matmul(x).tanh();
    check_grads(jacfwd(f), &x, 2).unwrap();
    check_grads(jacrev(f), &x, 2).unwrap();
    let s = |x: &Tensor| (w.matmul(x).sin() * x).sum();
    check_grads(hessian(s), &x, 1).unwrap();
    let v = normal(42, &[3]);
    check_grads(|x: &Tensor| hvp(s, x, &v), &x, 2).unwrap();
}
