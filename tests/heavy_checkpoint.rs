//! Reverse-mode memory through a long `scan` (run alone, in release, by `.ci/run`): 10,000
//! steps whose body makes 10 intermediate arrays of 1,000 elements. Without `checkpoint`
//! reverse mode keeps what each step's derivative needs of those intermediates; with the
//! body checkpointed it keeps only each step's carry (its input) and recomputes the rest.
//! Residual bytes are counted by `residual_bytes` (the linearization's stored buffers).

use ferrograd::{checkpoint, grad, residual_bytes, scan_with, ScanOptions, Tensor};

const STEPS: usize = 10_000;
const N: usize = 1_000;

/// Ten intermediates of N elements, each one's derivative reading the one before.
fn body(h: &Tensor) -> Tensor {
    let mut a = h.clone();
    for k in 0..10 {
        a = (&a * (0.9 + 0.01 * k as f64)).sin();
    }
    a
}

fn chain(x: &Tensor, step: &dyn Fn(&Tensor) -> Tensor) -> Tensor {
    let options = ScanOptions {
        length: Some(STEPS),
        reverse: false,
    };
    let (h, ()) = scan_with(|h: &Tensor, _: &()| (step(h), ()), x.clone(), &(), options);
    h.sum()
}

#[test]
fn checkpointing_a_scan_body_keeps_only_the_carries() {
    let x = Tensor::from_vec((0..N).map(|i| (i as f64 * 0.01).cos()).collect(), &[N]);
    let plain = |x: &Tensor| chain(x, &body);
    let remat = checkpoint(body);
    let checkpointed = |x: &Tensor| chain(x, &remat);
    let carries = STEPS * N * 8;
    let (without, with) = (residual_bytes(plain, &x), residual_bytes(checkpointed, &x));
    println!(
        "residual bytes: {without} without checkpoint, {with} with ({} per-step carries)",
        carries
    );
    // With checkpoint: the stacked carries (the body's inputs), and nothing per intermediate.
    assert!(
        with >= carries && with <= carries + carries / 100,
        "{with} vs {carries}"
    );
    // Without: each of the 10 sines keeps the cosine of its argument, per step.
    assert!(without >= 9 * carries, "{without} vs {carries}");
    // The gradients agree.
    let (g, g_remat) = (grad(plain)(&x), grad(checkpointed)(&x));
    let diff = (&g - &g_remat).abs().max().item();
    assert!(diff == 0.0, "checkpointed gradient differs by {diff}");
}
