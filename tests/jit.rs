//! `jit`: compiled programs give the eager results; the cache compiles once per structure,
//! shape and dtype; jit composes with the other transforms both ways; what cannot be staged is
//! refused with a message.

mod common;

use common::{close, normal};
use ferrograd::{
    custom_vjp, grad, hessian, jit, jit_with, make_program, np, value_and_grad, vmap, DType,
    JitOptions, Tensor,
};

/// Bit-for-bit equality of values, shape and dtype.
fn same(a: &Tensor, b: &Tensor) {
    assert_eq!((a.shape(), a.dtype()), (b.shape(), b.dtype()));
    let (x, y) = (a.to_vec(), b.to_vec());
    for (i, (p, q)) in x.iter().zip(&y).enumerate() {
        assert!(
            p.to_bits() == q.to_bits() || (p.is_nan() && q.is_nan()),
            "element {i}: {p} vs {q}"
        );
    }
}

/// An elementwise chain with broadcasting, run as one fused loop: the same kernels as eager,
/// so the same bits, in f64 and f32, for small, tiled and multi-threaded sizes.
#[test]
fn elementwise_chains_match_eager_bit_for_bit() {
    let f = |x: &Tensor| ((x * 2.0 + 1.0).tanh() * x.exp() - x.sin()).cos() / (x * x + 1.0);
    let jf = jit(f);
    for n in [0, 1, 7, 256, 1000, 300_001] {
        for dtype in [DType::F64, DType::F32] {
            let x = normal(n as u64, &[n]).astype(dtype);
            same(&jf(&x), &f(&x));
        }
    }
    let s = Tensor::from(0.3);
    same(&jf(&s), &f(&s));
}

/// Row and column broadcasts and a transposed operand feed a loop through their strides.
#[test]
fn broadcast_and_transposed_operands() {
    let f = |(a, row, col): &(Tensor, Tensor, Tensor)| {
        (a * row + col).tanh() * a.t().t() + &a.t().t() * col
    };
    let a = normal(1, &[37, 300]);
    let row = normal(2, &[300]);
    let col = normal(3, &[37, 1]);
    let args = (a.clone(), row, col);
    same(&jit(f)(&args), &f(&args));
    let g = |a: &Tensor| a.t().exp() + 1.0;
    same(&jit(g)(&a), &g(&a));
}

/// A broadcast row whose length divides the tile (read from one tile filled once) and one
/// whose length does not (gathered per tile), over many tiles and both threads, and a
/// broadcast block of two trailing axes.
#[test]
fn broadcast_rows_over_many_tiles() {
    let f = |(a, row): &(Tensor, Tensor)| (a + row).maximum(0.0) * row;
    for (rows, width) in [(1000, 4), (70_001, 8), (999, 3), (5, 256), (3, 512)] {
        let args = (normal(4, &[rows, width]), normal(5, &[width]));
        same(&jit(f)(&args), &f(&args));
    }
    let args = (normal(6, &[600, 8, 4]), normal(7, &[8, 4]));
    same(&jit(f)(&args), &f(&args));
}

/// Sums ending a loop are the eager sums up to rounding (summed in a different order).
#[test]
fn fused_sums_match_eager_sums() {
    let f = |x: &Tensor| ((x.sin() * x).sum(), x.exp().sum());
    let jf = jit(f);
    for n in [1, 300, 70_000, 500_000] {
        let x = normal(7, &[n]);
        let (a, b) = jf(&x);
        let (c, d) = f(&x);
        close(&a, &c, 1e-12);
        close(&b, &d, 1e-12);
    }
}

/// The second call with the same shapes runs the cached program; new shapes, dtypes or tree
/// structure compile again, and the reason says what changed.
#[test]
fn cache_hits_and_misses() {
    let j = jit_with(
        |x: &Vec<Tensor>| x.iter().fold(Tensor::from(0.0), |s, t| s + t.sum()),
        JitOptions::default(),
    );
    let x = vec![Tensor::from(vec![1.0, 2.0])];
    assert_eq!(j.call(&x).item(), 3.0);
    assert_eq!(j.call(&x).item(), 3.0);
    assert_eq!(j.compiles(), 1);
    assert_eq!(j.last_recompile_reason(), None);
    assert_eq!(j.call(&vec![Tensor::from(vec![1.0, 2.0, 4.0])]).item(), 7.0);
    assert_eq!(j.compiles(), 2);
    let why = j.last_recompile_reason().unwrap();
    assert!(
        why.contains("leaf 0 changed from float64[2] to float64[3]"),
        "{why}"
    );
    let two = vec![Tensor::from(1.0), Tensor::from(2.0)];
    assert_eq!(j.call(&two).item(), 3.0);
    assert!(j.last_recompile_reason().unwrap().contains("structure"));
    assert_eq!(j.call(&vec![Tensor::from(vec![5.0f32, 6.0])]).item(), 11.0);
    assert_eq!(j.compiles(), 4);
    assert_eq!(j.call(&x).item(), 3.0);
    assert_eq!(j.compiles(), 4);
}

/// `jit(grad(f))`, `grad(jit(f))`, `jit(vmap(f))`, `vmap(jit(f))`, nested jit and
/// `hessian(jit(f))` all equal the transforms without jit.
#[test]
fn jit_composes_with_transforms() {
    let f = |x: &Tensor| (x.tanh() * x.sin()).sum() + (x * x).sum() * 0.5;
    let x = normal(3, &[50]);
    let g = grad(f)(&x);
    close(&jit(grad(f))(&x), &g, 1e-13);
    close(&grad(jit(f))(&x), &g, 1e-13);
    close(&jit(jit(grad(f)))(&x), &g, 1e-13);
    close(&hessian(jit(f))(&x), &hessian(f)(&x), 1e-12);
    close(&jit(hessian(f))(&x), &hessian(f)(&x), 1e-12);
    let xs = normal(4, &[8, 50]);
    let per_row = vmap(grad(f))(&xs);
    close(&jit(vmap(grad(f)))(&xs), &per_row, 1e-13);
    close(&vmap(jit(grad(f)))(&xs), &per_row, 1e-13);
    let (v, g2) = jit(value_and_grad(f))(&x);
    close(&v, &f(&x), 1e-13);
    close(&g2, &g, 1e-13);
}

/// A function closing over values of an enclosing transform runs under that transform.
#[test]
fn jit_inside_grad_closing_over_a_traced_value() {
    let data = normal(5, &[20]);
    let outer = |w: &Tensor| jit(|x: &Tensor| (x * w).sin().sum())(&data);
    let expect = |w: &Tensor| (&data * w).sin().sum();
    let w = Tensor::from(0.7);
    close(&grad(outer)(&w), &grad(expect)(&w), 1e-13);
}

/// A `custom_vjp` function under jit keeps its rule: its gradient is the user's.
#[test]
fn jit_of_a_custom_vjp_function() {
    let clipped = custom_vjp(
        |x: &Tensor| x.sin(),
        |_x: &Tensor, _y: &Tensor, ct: &Tensor| ct * 3.0,
    );
    let x = Tensor::from(vec![0.1, 0.2]);
    same(&jit(&clipped)(&x), &x.sin());
    let g = jit(grad(|x: &Tensor| clipped(x).sum()))(&x);
    assert_eq!(g.to_vec(), vec![3.0, 3.0]);
}

/// Dead code is removed, repeated work done once, and elementwise work fused; the printed
/// program shows all three stages.
#[test]
fn make_program_shows_the_passes() {
    let p = make_program(|x: &Tensor| {
        let _unused = x.cos();
        (x.sin() + x.sin()).exp()
    })(&Tensor::from(vec![1.0, 2.0]));
    let names = |prog: &ferrograd_core::program::Program| {
        prog.eqns
            .iter()
            .map(|e| e.prim.name())
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(names(&p.staged), "cos sin sin add exp");
    assert_eq!(names(&p.optimised), "sin add exp");
    let schedule = p.schedule.clone().unwrap();
    assert!(
        schedule.contains("fused_loop[float64[2]] { sin add exp }"),
        "{schedule}"
    );
    let text = p.to_string();
    assert!(text.contains("staged:") && text.contains("optimised:") && text.contains("compiled:"));
}

/// Reading a traced value is refused at trace time with a message about jit.
#[test]
fn reading_values_under_jit_is_refused() {
    let err = std::panic::catch_unwind(|| {
        jit(
            |x: &Tensor| {
                if x.sum().item() > 0.0 {
                    x.clone()
                } else {
                    -x
                }
            },
        )(&Tensor::from(vec![1.0]))
    })
    .unwrap_err();
    let msg = err.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(msg.contains("item") && msg.contains("under jit"), "{msg}");
    assert!(msg.contains("np::where_"), "{msg}");
}

/// Matrix products, reductions over some axes, integer ops and indexing run as kernels
/// between fused loops, with the eager results.
#[test]
fn kernels_between_loops() {
    let f = |(w, x): &(Tensor, Tensor)| {
        let h = (x.matmul(w) + 1.0).tanh();
        let m = h.sum_axis(0);
        let idx = np::argmax(&m);
        (h.exp().sum_axis(-1), m, idx)
    };
    let args = (normal(1, &[10, 4]), normal(2, &[32, 10]));
    let (a, b, c) = jit(f)(&args);
    let (d, e, g) = f(&args);
    same(&a, &d);
    same(&b, &e);
    same(&c, &g);
}

/// 0-d and zero-size arguments.
#[test]
fn scalars_and_empty_arrays() {
    let f = |x: &Tensor| (x.exp() * 2.0).sum();
    same(&jit(f)(&Tensor::from(1.5)), &f(&Tensor::from(1.5)));
    let empty = np::zeros(&[0, 3]);
    same(&jit(f)(&empty), &f(&empty));
    let g = |x: &Tensor| x.exp() + x;
    same(&jit(g)(&empty), &g(&empty));
}

/// Comparisons and selects fuse (a mask in the loop's float type); a comparison read outside
/// the loop is stored as bools. relu's derivative (`maximum`'s jvp) is such a chain.
#[test]
fn comparisons_and_selects_fuse() {
    let f = |x: &Tensor| {
        let mask = x.greater(0.25);
        let y = np::where_(&mask, x * 2.0, x.powi(3));
        (y.maximum(0.0), mask)
    };
    let x = normal(11, &[40, 30]);
    let (a, m) = jit(f)(&x);
    let (b, n) = f(&x);
    same(&a, &b);
    assert_eq!(m.dtype(), DType::Bool);
    same(&m, &n);
    let relu_grad = grad(|x: &Tensor| x.maximum(0.0).powi(2).sum());
    same(&jit(&relu_grad)(&x), &relu_grad(&x));
    let p = make_program(f)(&x);
    let schedule = p.schedule.unwrap();
    assert!(
        schedule.contains("{ gt store_mask mul integer_pow select maximum }"),
        "{schedule}"
    );
}

/// Library functions beyond the elementwise ones run under jit with their eager results:
/// linear algebra, einsum, softmax and cross-entropy, random numbers from a captured key.
#[test]
fn library_functions_under_jit() {
    use ferrograd::{linalg, random};
    let a = normal(21, &[6, 6]) + np::eye(6) * 6.0;
    let b = normal(22, &[6, 2]);
    let f = |(a, b): &(Tensor, Tensor)| {
        let x = linalg::solve(a, b);
        let (sign, logdet) = linalg::slogdet(a);
        let e = np::einsum("ij,jk->ik", &[a, &x]);
        let p = np::softmax(&e, -1);
        (x, sign * logdet, p)
    };
    let args = (a, b);
    let (x, d, p) = jit(f)(&args);
    let (y, e, q) = f(&args);
    close(&x, &y, 1e-13);
    close(&d, &e, 1e-13);
    close(&p, &q, 1e-13);
    let key = random::key(3);
    let g = |x: &Tensor| x + random::normal(&key, &[4]);
    same(&jit(g)(&np::zeros(&[4])), &g(&np::zeros(&[4])));
}

/// Sums over the non-empty axis of an array with an empty one give empty results, eagerly and
/// under jit (the reduction kernel once divided its work into chunks of zero elements).
#[test]
fn reductions_with_an_empty_axis() {
    let x = np::zeros(&[3, 0]);
    assert_eq!(x.sum_axis(0).shape(), &[0]);
    assert_eq!(jit(|x: &Tensor| x.sum_axis(0))(&x).shape(), &[0]);
    assert_eq!(x.sum_axis(1).to_vec(), vec![0.0; 3]);
    let g = jit(grad(|x: &Tensor| (x.sum_axis(0).exp()).sum()))(&x);
    assert_eq!(g.shape(), &[3, 0]);
}
