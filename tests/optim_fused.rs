//! The optimizers' one-pass updates of concrete parameters against the same rules run as
//! tensor operations (traced under `jvp`, which cannot take the one-pass path): equal bit
//! for bit, in f32 and f64, with every option; and in place when nothing else holds a buffer.

use ferrograd::optim::{self, Optimizer, Rule};
use ferrograd::{jvp, np, random, DType, Tensor};

fn bits(t: &Tensor) -> Vec<u64> {
    t.to_vec().iter().map(|v| v.to_bits()).collect()
}

/// Three steps of `opt` on a (300,) parameter (f32 or f64, large enough to split across
/// threads when `n` is), eagerly and with the values traced by `jvp` (which runs the
/// tensor-operation form); returns whether all steps agreed bit for bit.
fn same_as_traced<R: Rule>(opt: &Optimizer<R>, dtype: DType, n: usize) {
    let keys = random::split(&random::key(7), 4);
    let p0 = random::normal_dtype(&keys[0], &[n], dtype);
    let grads: Vec<Tensor> = (1..4)
        .map(|i| random::normal_dtype(&keys[i], &[n], dtype))
        .collect();
    // Eager: the one-pass form.
    let (mut p, mut s) = (p0.clone(), opt.init(&p0));
    for g in &grads {
        (p, s) = opt.update(&p, g, s);
    }
    // Traced: p is a jvp primal, so every leaf is a tracer and the rule runs as operations.
    let traced = |x: &Tensor| {
        let (mut p, mut s) = (x.clone(), opt.init(x));
        for g in &grads {
            (p, s) = opt.update(&p, g, s);
        }
        p
    };
    let (p_ops, _) = jvp(traced, &p0, &np::zeros_like(&p0));
    assert_eq!(p.dtype(), dtype);
    assert_eq!(bits(&p), bits(&p_ops), "{} {dtype}", opt.rule.name());
}

#[test]
fn one_pass_updates_equal_the_tensor_operations_bit_for_bit() {
    for dtype in [DType::F32, DType::F64] {
        for n in [300, 100_000] {
            same_as_traced(&optim::sgd(0.1), dtype, n);
            same_as_traced(&optim::sgd(0.1).momentum(0.9), dtype, n);
            same_as_traced(&optim::sgd(0.1).momentum(0.9).nesterov(true), dtype, n);
            same_as_traced(&optim::sgd(0.1).momentum(0.5).weight_decay(0.01), dtype, n);
            same_as_traced(&optim::adam(0.01), dtype, n);
            same_as_traced(&optim::adamw(0.01, 0.1), dtype, n);
            same_as_traced(&optim::rmsprop(0.01), dtype, n);
            same_as_traced(&optim::adagrad(0.5), dtype, n);
        }
    }
}

#[test]
fn update_owned_writes_over_buffers_nothing_else_holds() {
    let opt = optim::adam(0.01);
    let g = Tensor::from(vec![0.5; 4096]);
    let p = Tensor::from(vec![1.0; 4096]);
    // The first step: `init`'s zero slots are broadcasts of one zero, so it writes new ones.
    let (p, state) = opt.update_owned(p, &g, opt.init(&Tensor::from(vec![1.0; 4096])));
    let addr = |t: &Tensor| {
        t.as_array()
            .unwrap()
            .row_major_slice::<f64>()
            .unwrap()
            .as_ptr()
    };
    let (p_addr, m_addr) = (addr(&p), addr(&state.slots[0]));
    let (p1, s1) = opt.update_owned(p, &g, state);
    assert_eq!(addr(&p1), p_addr, "the parameter's buffer is reused");
    assert_eq!(
        addr(&s1.slots[0]),
        m_addr,
        "the first moment's buffer is reused"
    );
    // Adam moves every coordinate by lr while the gradient is constant.
    assert!(p1.to_vec().iter().all(|&v| (v - 0.98).abs() < 1e-9));
    // A clone kept by the caller keeps its value: the update then writes a new buffer.
    let keep = p1.clone();
    let (p2, _) = opt.update_owned(p1, &g, s1);
    assert_ne!(addr(&p2), addr(&keep));
    assert!(keep.to_vec().iter().all(|&v| (v - 0.98).abs() < 1e-9));
    // The borrowing form never writes over its input.
    let (p3, _) = opt.update(&keep, &g, opt.init(&keep));
    assert_ne!(addr(&p3), addr(&keep));
    assert!(keep.to_vec().iter().all(|&v| (v - 0.98).abs() < 1e-9));
}

#[test]
fn strided_parameters_take_the_operation_path() {
    // A transposed parameter is not row-major: the update runs as operations, same values.
    let opt = optim::sgd(0.5).momentum(0.9);
    let p = Tensor::from_vec((0..6).map(f64::from).collect(), &[2, 3]).transpose();
    let g = np::ones_like(&p);
    let (p1, _) = opt.update(&p, &g, opt.init(&p));
    let want: Vec<f64> = [0., 3., 1., 4., 2., 5.].iter().map(|v| v - 0.5).collect();
    assert_eq!(p1.to_vec(), want);
}
