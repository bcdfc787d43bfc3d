//! The JAX autodiff notebook and the autograd tutorial ("autodiff in practice"): gradients of
//! several arguments in one pass, value_and_grad with aux, Jacobians both ways, Hessians, the
//! d = 50,000 Hessian-vector product, logistic regression (gradient, Hessian, per-example
//! gradients with vmap), TD(0) with stop_gradient and the straight-through estimator.

use std::time::Instant;

use ferrograd::{
    grad, hessian, hvp, jacfwd, jacrev, np, random, stop_gradient, value_and_grad,
    value_and_grad_with_aux, vjp, vmap, vmap_axes, DType, Tensor,
};

use crate::{header, max_abs_diff};

pub fn run() {
    autograd_in_practice();
    notebook_derivatives();
    jacobians_both_ways();
    hessians();
    hessian_vector_product();
    logistic_regression();
    per_example_gradients();
    td_zero();
    straight_through();
}

/// The autograd tutorial: f1's gradient against central differences, value_and_grad, and the
/// gradients of f(A, x, y) = xᵀAx + sin(y)ᵀx with respect to all three arguments in one pass.
fn autograd_in_practice() {
    header("autograd in practice: f1(x) = ln x0 + x0 x1 − sin x1, and f(A, x, y) in one pass");
    let f1 = |x: &Tensor| x.get(0).log() + x.get(0) * x.get(1) - x.get(1).sin();
    println!(
        "  grad f1([1, 2]) = {:.8} (tutorial: [3. 1.41614684])",
        grad(f1)(&Tensor::from(vec![1.0, 2.0]))
    );
    let x = Tensor::from(vec![4.0, 3.0]);
    let h = 1e-5;
    let fd: Vec<f64> = (0..2)
        .map(|i| {
            let e = np::eye(2).get(i) * h;
            ((f1(&(&x + &e)) - f1(&(&x - &e))) / (2.0 * h)).item()
        })
        .collect();
    let (v, g) = value_and_grad(f1)(&x);
    println!(
        "  at [4, 3]: value_and_grad = ({:.8}, {g:.7}); central differences {:.7} (tutorial: [3.25 4.9899925])",
        v.item(),
        Tensor::from(fd)
    );
    let f =
        |(a, x, y): &(Tensor, Tensor, Tensor)| x.t().matmul(&a.matmul(x)) + y.sin().t().matmul(x);
    let args = (
        Tensor::from([[1.0, 2.0], [2.0, 1.0]]),
        Tensor::from([[1.0], [2.0]]),
        Tensor::from([[1.0], [1.0]]),
    );
    let (val, (ga, gx, gy)) = value_and_grad(|a: &(Tensor, Tensor, Tensor)| f(a).sum())(&args);
    println!("  f(A, x, y) = {:.8} (tutorial: 15.52441295)", val.item());
    println!("  ∂f/∂A = {ga} (tutorial: [[1 2] [2 4]])");
    println!(
        "  ∂f/∂x = {:.8} (tutorial: [10.84147098 8.84147098])",
        gx.reshape(&[-1])
    );
    println!(
        "  ∂f/∂y = {:.8} (tutorial: [0.54030231 1.08060461])\n",
        gy.reshape(&[-1])
    );
}

/// The notebook's first cells: four derivatives of a cubic, partials, and has_aux.
fn notebook_derivatives() {
    header("JAX notebook: derivatives, partials, value_and_grad with aux");
    let f = |x: &Tensor| x.powi(3) + 2.0 * x.powi(2) - 3.0 * x + 1.0;
    let d1 = grad(f);
    let d2 = grad(&d1);
    let d3 = grad(&d2);
    let d4 = grad(&d3);
    let one = Tensor::from(1.0);
    println!(
        "  f', f'', f''', f'''' of x³ + 2x² − 3x + 1 at 1: {} {} {} {} (should be 4 10 6 0)",
        d1(&one),
        d2(&one),
        d3(&one),
        d4(&one)
    );
    // f(x, y) = x² + y with aux output 42; gradients with respect to both arguments.
    let g = |(x, y): &(Tensor, Tensor)| (x * x + y, Tensor::from(42.0));
    let ((v, aux), (gx, gy)) = value_and_grad_with_aux(g)(&(Tensor::from(2.0), Tensor::from(3.0)));
    println!(
        "  value_and_grad(has_aux) at (2, 3): value {v}, aux {aux}, ∂x {gx}, ∂y {gy} (should be 7 42 4 1)\n"
    );
}

/// Jacobians by forward and reverse mode; the vjp of W ↦ W x is u xᵀ.
fn jacobians_both_ways() {
    header("Jacobians both ways: jacfwd (one vmapped jvp) and jacrev (one vmapped vjp)");
    let keys = random::split(&random::key(30), 5);
    let a = random::normal(&keys[0], &[4, 3]);
    let x = random::normal(&keys[1], &[3]);
    let lin = |x: &Tensor| a.matmul(x);
    let (jf, jr) = (jacfwd(lin)(&x), jacrev(lin)(&x));
    println!(
        "  f(x) = A x, A 4×3: |jacfwd − A| = {:.1e}, |jacrev − A| = {:.1e} (should be 0)",
        max_abs_diff(&jf, &a),
        max_abs_diff(&jr, &a)
    );
    let w = random::normal(&keys[2], &[2, 3]);
    let u = random::normal(&keys[3], &[2]);
    let f2 = |w: &Tensor| w.matmul(&x);
    let j2 = jacfwd(f2)(&w);
    let (_, pullback) = vjp(f2, &w);
    println!(
        "  f2(W) = W x: Jacobian shape {:?} (should be [2, 2, 3]); |vjp(u) − u xᵀ| = {:.1e} (should be 0)",
        j2.shape(),
        max_abs_diff(&pullback(&u), &u.outer(&x))
    );
    let big = random::normal(&keys[4], &[50, 50]) * (1.0 / 50f64.sqrt());
    let z = random::normal(&random::key(31), &[50]);
    let g = |x: &Tensor| big.matmul(x).tanh();
    let t = big.matmul(&z).tanh();
    let want = (1.0 - &t * &t).expand_dims(1) * &big;
    println!(
        "  f(x) = tanh(W x), W 50×50: |jacfwd − jacrev| = {:.1e}, |jacrev − diag(1 − tanh²) W| = {:.1e}\n",
        max_abs_diff(&jacfwd(g)(&z), &jacrev(g)(&z)),
        max_abs_diff(&jacrev(g)(&z), &want)
    );
}

/// The Hessian of the quadratic form xᵀAx is A + Aᵀ, by hessian and by jacfwd(jacrev).
fn hessians() {
    header("Hessians: xᵀ A x has Hessian A + Aᵀ (hessian = jacfwd ∘ grad, and jacfwd ∘ jacrev)");
    let keys = random::split(&random::key(32), 2);
    let a = random::normal(&keys[0], &[4, 4]);
    let x = random::normal(&keys[1], &[4]);
    let quad = |x: &Tensor| x.dot(&a.matmul(x));
    let h1 = hessian(quad)(&x);
    let h2 = jacfwd(jacrev(quad))(&x);
    println!("  hessian(quad) =\n{h1:.4}");
    println!("  A + Aᵀ =\n{:.4}", &a + &a.t());
    println!(
        "  |hessian − (A + Aᵀ)| = {:.1e}, |jacfwd(jacrev) − hessian| = {:.1e} (should be ~1e-15)\n",
        max_abs_diff(&h1, &(&a + &a.t())),
        max_abs_diff(&h2, &h1)
    );
}

/// The autograd tutorial's f3(x) = Σ_i A[i,:]·sin(x) at d = 50,000: its Hessian would have
/// 2.5·10⁹ entries; the product with r needs none of them. H = diag(−sin(x) ⊙ Σ_i A[i,:]).
fn hessian_vector_product() {
    header("Hessian-vector product at d = 50,000: f3(x) = Σ A sin(x), A 10×50,000");
    let d = 50_000;
    let keys = random::split(&random::key(33), 2);
    let a = random::uniform(&keys[0], &[10, d]);
    let x = np::full(&[d], 2.0);
    let r = random::uniform(&keys[1], &[d]);
    let f3 = |x: &Tensor| a.matmul(&x.sin()).sum();
    let _ = hvp(f3, &x, &r); // warm-up
    let start = Instant::now();
    let hv = hvp(f3, &x, &r);
    let took = start.elapsed();
    let want = -x.sin() * a.sum_axis(0) * &r;
    println!(
        "  hvp(f3, x, r) in {took:.2?} (autograd's hessian_vector_product: 25.5 ms in the tutorial)"
    );
    println!(
        "  first entries {:.6}\n  closed form   {:.6}",
        hv.slice(ndarray::s![..4]),
        want.slice(ndarray::s![..4])
    );
    println!(
        "  max |hvp − (−sin x ⊙ Σ_i A[i,:] ⊙ r)| = {:.1e} (should be ~1e-15)\n",
        max_abs_diff(&hv, &want)
    );
}

fn sigmoid(x: &Tensor) -> Tensor {
    0.5 * ((x / 2.0).tanh() + 1.0)
}

/// The notebook's negative log likelihood, for one example (x: (D,)) or a batch (N, D).
fn nll(w: &Tensor, x: &Tensor, y: &Tensor) -> Tensor {
    let p = sigmoid(&x.matmul(w));
    -(p.log() * y + (1.0 - &p).log() * (1.0 - y)).sum()
}

/// Logistic regression: the gradient is Xᵀ(μ − y), the Hessian Xᵀ diag(μ(1 − μ)) X, and
/// per-example gradients (vmap with the weights unmapped) sum to the batch gradient.
fn logistic_regression() {
    header("logistic regression (N = 100, D = 3): gradient, Hessian, per-example gradients");
    let (n, d) = (100, 3);
    let keys = random::split(&random::key(34), 3);
    let w = random::normal(&keys[0], &[d]);
    let x = random::normal(&keys[1], &[n, d]);
    let y = random::uniform(&keys[2], &[n])
        .greater(0.5)
        .astype(DType::F64);
    let mu = sigmoid(&x.matmul(&w));
    let g = grad(|w: &Tensor| nll(w, &x, &y))(&w);
    println!(
        "  loss {:.6}; grad {g:.6}\n  textbook Xᵀ(μ − y) {:.6}",
        nll(&w, &x, &y).item(),
        x.t().matmul(&(&mu - &y))
    );
    let h = hessian(|w: &Tensor| nll(w, &x, &y))(&w);
    let want_h = x.t().matmul(&(&x * (&mu * (1.0 - &mu)).expand_dims(1)));
    println!(
        "  |hessian − Xᵀ diag(μ(1 − μ)) X| = {:.1e} (should be ~1e-14)",
        max_abs_diff(&h, &want_h)
    );
    // JAX's vmap(grad(loss), in_axes=(None, 0, 0)): one batched pass, not N gradients.
    let per_example = vmap_axes(
        |(w, x, y): &(Tensor, Tensor, Tensor)| grad(|w: &Tensor| nll(w, x, y))(w),
        &[None, Some(0), Some(0)],
        &[Some(0)],
    );
    let grads = per_example(&(w.clone(), x.clone(), y.clone()));
    println!(
        "  per-example gradients: shape {:?} (should be [{n}, {d}]); |Σ_n − batch gradient| = {:.1e}",
        grads.shape(),
        max_abs_diff(&grads.sum_axis(0), &g)
    );
    println!(
        "  |per-example − x_n (μ_n − y_n)| = {:.1e} (should be ~1e-15)",
        max_abs_diff(&grads, &(&x * (&mu - &y).expand_dims(1)))
    );
    let per_h = vmap_axes(
        |(w, x, y): &(Tensor, Tensor, Tensor)| hessian(|w: &Tensor| nll(w, x, y))(w),
        &[None, Some(0), Some(0)],
        &[Some(0)],
    );
    let hs = per_h(&(w.clone(), x.clone(), y.clone()));
    println!(
        "  batched Hessians vmap(hessian): shape {:?} (should be [{n}, {d}, {d}]); |Σ_n − Hessian| = {:.1e}\n",
        hs.shape(),
        max_abs_diff(&hs.sum_axis(0), &h)
    );
}

/// The notebook's per-example gradients of w·x with w = ones(3), X = [x0, 2 x0].
fn per_example_gradients() {
    header("per-example gradients of loss(w, x) = w·x, w = ones(3), X = [x0, 2 x0]");
    let w = np::ones(&[3]);
    let x0 = Tensor::from(vec![1.0, 2.0, 3.0]);
    let xs = np::stack(&[&x0, &(2.0 * &x0)], 0);
    let grad_w = |(w, x): &(Tensor, Tensor)| grad(|w: &Tensor| w.dot(x))(w);
    let ws = np::stack(&[&w, &w], 0);
    println!(
        "  vmap(gradfn)(W, X)           = {}",
        vmap(grad_w)(&(ws, xs.clone()))
    );
    let unmapped = vmap_axes(grad_w, &[None, Some(0)], &[Some(0)])(&(w.clone(), xs.clone()));
    println!("  vmap(gradfn, (None, 0))(w, X) = {unmapped}");
    let captured = vmap(|x: &Tensor| grad(|w: &Tensor| w.dot(x))(&w))(&xs);
    println!("  w captured by the closure     = {captured}");
    println!("  should be                       [[1, 2, 3], [2, 4, 6]]\n");
}

/// TD(0): the pseudo-loss ½(SG(r + v(s_t)) − v(s_{t−1}))², whose gradient is the TD update.
fn td_zero() {
    header("TD(0) update with stop_gradient");
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
    println!(
        "  td_update(theta) = {} (notebook: [-1.2 -2.4 1.2])\n",
        grad(td_loss)(&theta)
    );
}

/// The straight-through estimator: y + SG(q(y) − y) is q(y) forward and y backward.
fn straight_through() {
    header("straight-through estimator for a one-hot quantizer");
    let w = Tensor::from(vec![1.0, 2.0, 3.0]);
    let quantize = |y: &Tensor| {
        let i = y.argmax().astype(DType::F64);
        np::arange(0.0, 3.0, 1.0).equal(&i).astype(DType::F64)
    };
    let y_soft = Tensor::from(vec![0.1, 0.2, 0.7]);
    let f = |y: &Tensor| w.dot(&quantize(y));
    let f_ste = |y: &Tensor| w.dot(&(y + stop_gradient(&(quantize(y) - y))));
    println!(
        "  quantize(y_soft) = {} (notebook: [0 0 1])",
        quantize(&y_soft)
    );
    println!(
        "  f(y) = {}, grad f = {} (notebook: 3 and [0 0 0])",
        f(&y_soft),
        grad(f)(&y_soft)
    );
    println!(
        "  f_ste(y) = {}, grad f_ste = {} (notebook: 3 and [1 2 3])\n",
        f_ste(&y_soft),
        grad(f_ste)(&y_soft)
    );
}
