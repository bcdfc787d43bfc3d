//! The autograd tutorial's array-assignment loop, `vals[i] = A[i,:] @ x`, which autograd
//! refuses ("setting an array element with a sequence"): here the in-place form on a `mut`
//! binding and the functional `x.at(i).set(v)` both differentiate, in reverse and forward
//! mode, and agree with the closed-form gradient ∂/∂x Σᵢ (A x)ᵢ = Aᵀ 1, ∂/∂A = 1 xᵀ.

use ferrograd::{check_grads, grad, jvp, np, random, vmap, DType, Tensor};

use crate::{header, max_abs_diff};

/// The tutorial's `f2`, with NumPy's in-place assignment (`vals.set(i, ..)` rebinds `vals`).
fn f2(a: &Tensor, x: &Tensor) -> Tensor {
    let n = a.shape()[0];
    let mut vals = Tensor::full_dtype(&[n], 0.0, DType::F64);
    for i in 0..n as i64 {
        vals.set(i, a.get(i).dot(x)); // vals[i] = A[i,:] @ x
    }
    np::sum(&vals)
}

/// The same loop written functionally (JAX's `vals.at[i].set(..)`).
fn f2_at(a: &Tensor, x: &Tensor) -> Tensor {
    let n = a.shape()[0];
    let vals = (0..n as i64).fold(Tensor::full_dtype(&[n], 0.0, DType::F64), |v, i| {
        v.at(i).set(a.get(i).dot(x))
    });
    np::sum(&vals)
}

pub fn run() {
    header("array assignment in a loop: vals[i] = A[i,:] @ x (autograd cannot)");
    let a = Tensor::from([[1.0, 2.0], [3.0, 4.0]]);
    let x = Tensor::from(vec![1.0, 2.0]);
    println!("  f2(x) = {:.2}   (tutorial: 16.00)", f2(&a, &x).item());
    let g = grad(|x: &Tensor| f2(&a, x))(&x);
    println!(
        "  grad f2 = {:?}   (closed form Aᵀ1 = [4.0, 6.0])",
        g.to_vec()
    );

    // The tutorial's f3 setting: A is 100×2 random.
    let a = random::normal(&random::key(3), &[100, 2]);
    let ones = Tensor::full_dtype(&[100], 1.0, DType::F64);
    let closed = a.transpose().matmul(&ones);
    let g_set = grad(|x: &Tensor| f2(&a, x))(&x);
    let g_at = grad(|x: &Tensor| f2_at(&a, x))(&x);
    println!(
        "  A 100×2: grad via set = {:?}, via at().set = {:?}, closed form = {:?} (max diff {:.1e})",
        g_set.to_vec(),
        g_at.to_vec(),
        closed.to_vec(),
        max_abs_diff(&g_set, &closed).max(max_abs_diff(&g_at, &closed))
    );
    // Gradient with respect to the matrix: each row receives x.
    let g_a = grad(|a: &Tensor| f2(a, &x))(&a);
    let want_a = np::outer(&ones, &x);
    println!(
        "  ∂f/∂A = 1 xᵀ: max diff {:.1e} (should be 0)",
        max_abs_diff(&g_a, &want_a)
    );
    // Forward mode: the directional derivative along v is 1ᵀ A v.
    let v = Tensor::from(vec![0.5, -1.0]);
    let (_, dir) = jvp(|x: &Tensor| f2(&a, x), &x, &v);
    println!(
        "  jvp along v: {:.12} (closed form 1ᵀAv = {:.12})",
        dir.item(),
        np::dot(&closed, &v).item()
    );
    // vmap over a batch of x: one value per row of xs, equal to sum(A @ x).
    let xs = random::normal(&random::key(4), &[5, 2]);
    let batched = vmap(|x: &Tensor| f2(&a, x))(&xs);
    let want = xs.matmul(&closed);
    println!(
        "  vmap over 5 inputs: max diff from xs @ Aᵀ1 = {:.1e}",
        max_abs_diff(&batched, &want)
    );
    let small = a.slice(ndarray::s![..4, ..]);
    let ok = check_grads(
        |p: &(Tensor, Tensor)| f2(&p.0, &p.1),
        &(small, x.clone()),
        2,
    );
    println!("  check_grads (both modes, orders 1-2) on (A, x): {ok:?}\n");
}
