//! Memory over long imperative training loops (run alone, in release, by `.ci/run`): 20,000
//! steps of each loop style keep the tape bounded and the process's resident memory flat.
//!
//! Resident memory is read from `/proc/self/status` (Linux); elsewhere only the tape is
//! checked. Each style runs in this one test, one after another, so no other test's
//! allocations disturb the reading.

use ferrograd::imperative::tape_len;
use ferrograd::{no_grad, BackwardOptions, Tensor};

const STEPS: usize = 20_000;

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn loss(w: &Tensor, x: &Tensor) -> Tensor {
    (x.matmul(w).tanh() - 0.3).powi(2).mean()
}

#[test]
fn twenty_thousand_steps_of_each_loop_style_keep_memory_flat() {
    let x = Tensor::from_vec((0..256).map(|i| (i as f64 * 0.1).sin()).collect(), &[64, 4]);
    let keep = BackwardOptions {
        retain_graph: true,
        create_graph: false,
    };
    let create = BackwardOptions {
        retain_graph: true,
        create_graph: true,
    };
    type Step<'a> = &'a dyn Fn(&Tensor) -> Option<Tensor>;
    let styles: [(&str, Step); 5] = [
        ("backward", &|w| {
            loss(w, &x).backward();
            w.grad()
        }),
        ("retain_graph", &|w| {
            loss(w, &x).backward_opts(None, keep);
            w.grad()
        }),
        ("create_graph", &|w| {
            loss(w, &x).backward_opts(None, create);
            w.grad()
        }),
        ("grad_of(create_graph) then backward", &|w| {
            let g = w.grad_of(&loss(w, &x), true);
            g.sum().backward();
            Some(g.detach())
        }),
        ("mygrad re-rooting", &|w| {
            let l = loss(w, &x);
            l.backward();
            Some(l.detach())
        }),
    ];
    for (name, step) in styles {
        let w = Tensor::param(vec![0.1, -0.2, 0.3, 0.05]);
        let mut at_1k = None;
        let mut max_tape = 0;
        for i in 0..STEPS {
            let g = step(&w).expect("a gradient");
            assert!(g.to_vec().iter().all(|v| v.is_finite()));
            no_grad(|| w.zero_grad());
            max_tape = max_tape.max(tape_len());
            if i == 1000 {
                at_1k = rss_kib();
            }
        }
        assert!(max_tape < 400, "{name}: the tape grew to {max_tape} rows");
        if let (Some(a), Some(b)) = (at_1k, rss_kib()) {
            // Flat: at most 8 MiB more after 19,000 further steps.
            assert!(
                b <= a + 8 * 1024,
                "{name}: resident memory grew from {a} KiB at step 1000 to {b} KiB"
            );
        }
    }
}
