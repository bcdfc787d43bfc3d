//! Tensors shared across threads: transforms and the imperative tape running on several
//! threads at once give the single-thread results, gradients accumulated into one shared
//! param from many threads are all counted, and values traced on one thread are refused on
//! another.

use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Barrier};
use std::thread;

use ferrograd::{grad, hessian, vjp, vmap, Tensor};

const THREADS: usize = 8;

fn loss(w: &Tensor, x: &Tensor) -> Tensor {
    (x.matmul(w).tanh() - 0.5).powi(2).sum()
}

fn data() -> (Tensor, Tensor) {
    let x = Tensor::from_vec((0..12).map(|i| (i as f64 * 0.37).sin()).collect(), &[4, 3]);
    let w = Tensor::from(vec![0.3, -0.7, 1.1]);
    (w, x)
}

/// grad, vmap of grad, hessian and backward, each computed on 8 threads at once (many times,
/// released together by a barrier), equal bit for bit to the same work on this thread.
#[test]
fn transforms_and_backward_on_eight_threads_match_one_thread() {
    let (w, x) = data();
    let work = |w: &Tensor, x: &Tensor| -> Vec<Vec<f64>> {
        let g = grad(|w: &Tensor| loss(w, x))(w);
        let per_row = vmap(|row: &Tensor| grad(|w: &Tensor| loss(w, row))(w))(x);
        let h = hessian(|w: &Tensor| loss(w, x))(w);
        let p = Tensor::param(w.clone());
        loss(&p, x).backward();
        let bw = p.grad().expect("backward filled the grad");
        vec![g.to_vec(), per_row.to_vec(), h.to_vec(), bw.to_vec()]
    };
    let want = work(&w, &x);
    let barrier = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|_| {
            let (w, x, barrier, want) = (w.clone(), x.clone(), barrier.clone(), want.clone());
            thread::spawn(move || {
                barrier.wait();
                for _ in 0..50 {
                    assert_eq!(work(&w, &x), want);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().expect("a worker thread panicked");
    }
}

/// Eight threads each run 200 backward passes into one shared param: every pass counts.
#[test]
fn concurrent_backward_into_a_shared_param_loses_nothing() {
    let w = Tensor::param(vec![0.5, -1.5, 2.0]);
    let one_pass = [1.0, -3.0, 4.0]; // d/dw Σ w² = 2w
    let barrier = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|_| {
            let (w, barrier) = (w.clone(), barrier.clone());
            thread::spawn(move || {
                barrier.wait();
                for _ in 0..200 {
                    (&w * &w).sum().backward();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().expect("a worker thread panicked");
    }
    let total = (THREADS * 200) as f64;
    let want: Vec<f64> = one_pass.iter().map(|g| g * total).collect();
    assert_eq!(w.grad().expect("filled").to_vec(), want);
}

/// A tracer leaked out of `grad` on one thread is refused inside `grad` on another, as it is
/// on its own thread — never read as the other thread's input.
#[test]
fn a_tracer_from_another_thread_is_refused() {
    let leaked = thread::spawn(|| {
        let leak = RefCell::new(None);
        let _ = grad(|x: &Tensor| {
            *leak.borrow_mut() = Some(x.clone());
            x * x
        })(&Tensor::from(3.0));
        leak.into_inner().expect("captured")
    })
    .join()
    .expect("thread");
    let result = std::panic::catch_unwind(|| grad(|y: &Tensor| y * &leaked)(&Tensor::from(2.0)));
    let err = result.expect_err("the leaked tracer must be refused");
    let msg = err.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(msg.contains("escaped"), "{msg}");
    // And on the same thread too (the reference behaviour).
    let leak = RefCell::new(None);
    let _ = grad(|x: &Tensor| {
        *leak.borrow_mut() = Some(x.clone());
        x * x
    })(&Tensor::from(3.0));
    let leak = leak.into_inner().expect("captured");
    let same = std::panic::catch_unwind(|| grad(|y: &Tensor| y * &leak)(&Tensor::from(2.0)));
    assert!(same.is_err());
}

/// `backward` of a tensor recorded on another thread says so (not "freed").
#[test]
fn backward_of_a_tensor_recorded_on_another_thread_names_the_thread_rule() {
    let w = Tensor::param(2.0);
    let w2 = w.clone();
    let y = thread::spawn(move || &w2 * &w2).join().expect("thread");
    let err = y.try_backward().expect_err("recorded on another thread");
    let msg = err.to_string();
    assert!(
        msg.contains("another thread") && !msg.contains("second time"),
        "{msg}"
    );
    // On its own thread it works, and the grad lands in the shared param.
    let w3 = w.clone();
    thread::spawn(move || {
        let y = &w3 * &w3;
        y.backward();
    })
    .join()
    .expect("thread");
    assert_eq!(w.grad().map(|g| g.item()), Some(4.0));
}

/// The pullback of `vjp` checks each cotangent against its output, by position.
#[test]
fn vjp_pullback_checks_cotangent_shapes_and_dtypes() {
    let x = Tensor::from(vec![1.0, 2.0]);
    let (y, pullback) = vjp(|x: &Tensor| (x * 2.0, x.sum()), &x);
    assert_eq!(y.1.item(), 3.0);
    let good = pullback(&(Tensor::from(vec![1.0, 1.0]), Tensor::from(1.0)));
    assert_eq!(good.to_vec(), vec![3.0, 3.0]);
    for bad in [
        (Tensor::from(vec![1.0, 1.0]), Tensor::from(vec![1.0, 1.0])),
        (Tensor::from(vec![1.0, 1.0, 1.0]), Tensor::from(1.0)),
        (Tensor::from(vec![1.0f32, 1.0]), Tensor::from(1.0)),
    ] {
        let err = catch_unwind(AssertUnwindSafe(|| pullback(&bad))).expect_err("wrong cotangent");
        let msg = err.downcast_ref::<String>().cloned().unwrap_or_default();
        assert!(msg.contains("cotangent") && msg.contains("output"), "{msg}");
    }
}
