//! `jit(f) == f` on randomly generated programs.
//!
//! A small seeded generator builds programs — a few `let`-bound expression trees over one to
//! three inputs, some of them returned — from a menu of elementwise unary and binary
//! operations, broadcasting against rows, columns and scalars, Rust scalar operands,
//! reductions, matrix products, transposes, reshapes, captured constant arrays and
//! comparisons through `np::where_`. Each program is an [`Expr`](program::Expr) tree,
//! interpreted twice: eagerly on tensors and inside `jit`. Shapes include zero-size
//! dimensions, 0-d values, loops longer than one tile, and (rarely) ones large enough to split
//! across threads.
//!
//! The programs and their eager interpretation live in `jit_random/program.rs`, the generator
//! in `jit_random/generate.rs`; this file holds the checks and the tests.
//!
//! Outputs that no reduction reaches must match bit for bit (the fused loops call the eager
//! kernels); the others to a tolerance scaled by the magnitudes whose sums may be rounded
//! differently. Subsets also check `jit(grad(f)) == grad(f)` and `jit(vmap(f)) == vmap(f)`.
//!
//! A failure names the seed and prints the program (as its `Debug` tree and as Rust code).
//! `JIT_RANDOM_SEED=s` reruns one seed; `JIT_RANDOM_SCALE=k` searches k times as many
//! programs (a few minutes for k = 50).

#[path = "jit_random/generate.rs"]
mod generate;
#[path = "jit_random/program.rs"]
mod program;

use std::panic::{catch_unwind, AssertUnwindSafe};

use ferrograd::{grad, jit, jit_with, vmap, DType, JitOptions, Tensor};

use generate::{generate, size, Info, Mode};
use program::{Program, Rng};

// ---- comparisons -----------------------------------------------------------------------------

/// Equal shapes and dtypes, and values equal bit for bit (`tol` None) or within `tol`;
/// NaNs match NaNs, infinities must be equal.
fn compare_tensors(got: &Tensor, want: &Tensor, tol: Option<f64>) -> Result<(), String> {
    if (got.shape(), got.dtype()) != (want.shape(), want.dtype()) {
        return Err(format!(
            "jit gave {:?}{:?}, eager {:?}{:?}",
            got.dtype(),
            got.shape(),
            want.dtype(),
            want.shape()
        ));
    }
    let (g, w) = (got.to_vec(), want.to_vec());
    for (i, (&p, &q)) in g.iter().zip(&w).enumerate() {
        let ok = match tol {
            _ if p.is_nan() && q.is_nan() => true,
            None => p.to_bits() == q.to_bits(),
            Some(t) => p == q || (p.is_finite() && q.is_finite() && (p - q).abs() <= t),
        };
        if !ok {
            let how = match tol {
                None => "bit for bit".to_string(),
                Some(t) => format!("to {t:e}"),
            };
            return Err(format!(
                "element {i} of {:?}: jit {p:e} vs eager {q:e} (expected equal {how})",
                want.shape()
            ));
        }
    }
    Ok(())
}

/// The relative tolerance of sums in `dtype`.
fn rel(dtype: DType) -> f64 {
    if dtype == DType::F32 {
        1e-5
    } else {
        1e-12
    }
}

/// Bit for bit where no reduction reaches the value, else relative to its scale.
fn tolerance(info: &Info, dtype: DType) -> Option<f64> {
    (!info.is_exact()).then(|| rel(dtype) * (1.0 + info.scale))
}

fn compare_outputs(
    got: &[Tensor],
    want: &[Tensor],
    infos: &[Info],
    p: &Program,
) -> Result<(), String> {
    if got.len() != want.len() {
        return Err(format!("{} outputs vs {}", got.len(), want.len()));
    }
    for (k, ((g, w), info)) in got.iter().zip(want).zip(infos).enumerate() {
        compare_tensors(g, w, tolerance(info, p.dtype))
            .map_err(|e| format!("output {k} (v{}): {e}", p.outputs[k]))?;
    }
    Ok(())
}

// ---- the checks ------------------------------------------------------------------------------

/// `jit(f)` on two sets of inputs (a compile, then a cached program) against `f`.
fn check_forward(p: &Program, infos: &[Info], rng: &mut Rng) -> Result<(), String> {
    let f = |xs: &Vec<Tensor>| p.eval(xs);
    let jf = jit_with(f, JitOptions::default());
    for call in 0..2 {
        let xs = p.inputs(rng, None);
        let want = f(&xs);
        let got = jf.call(&xs);
        compare_outputs(&got, &want, infos, p).map_err(|e| format!("call {call}: {e}"))?;
    }
    match jf.compiles() {
        1 => Ok(()),
        n => Err(format!("{n} compiles for two calls with the same shapes")),
    }
}

/// `jit(grad(f))` against `grad(f)`, for `f` the sum of all elements of all outputs.
fn check_grad(p: &Program, infos: &[Info], rng: &mut Rng) -> Result<(), String> {
    let f = |xs: &Vec<Tensor>| {
        p.eval(xs)
            .iter()
            .map(Tensor::sum)
            .reduce(|a, b| a + b)
            .expect("a program has outputs")
    };
    let xs = p.inputs(rng, None);
    let Some((got, want)) = both(|| jit(grad(f))(&xs), || grad(f)(&xs))? else {
        return Ok(());
    };
    // The backward pass sums cotangents over broadcast axes: scale by the largest gradient
    // element times the longest sum, and by the forward values' scales.
    let largest = want
        .iter()
        .flat_map(|t| t.to_vec())
        .filter(|v| v.is_finite())
        .fold(0.0f64, |a, v| a.max(v.abs()));
    let longest = p.inputs.iter().map(|s| size(s)).max().unwrap_or(1).max(1) as f64;
    let forward: f64 = infos.iter().map(|i| i.scale + i.bound).sum();
    let tol = rel(p.dtype) * (1.0 + largest * longest + forward);
    if got.len() != want.len() {
        return Err(format!("{} gradients vs {}", got.len(), want.len()));
    }
    for (k, (g, w)) in got.iter().zip(&want).enumerate() {
        compare_tensors(g, w, Some(tol)).map_err(|e| format!("gradient of x{k}: {e}"))?;
    }
    Ok(())
}

/// `jit(vmap(f))` against `vmap(f)` over a leading batch axis of every input.
fn check_vmap(p: &Program, infos: &[Info], rng: &mut Rng) -> Result<(), String> {
    let f = |xs: &Vec<Tensor>| p.eval(xs);
    let batch = rng.pick(&[1, 2, 3, 4]);
    let xs = p.inputs(rng, Some(batch));
    let Some((got, want)) = both(|| jit(vmap(f))(&xs), || vmap(f)(&xs))? else {
        return Ok(());
    };
    // Each example's reductions are summed over `batch` times as many elements in one call.
    let infos: Vec<Info> = infos
        .iter()
        .map(|i| Info {
            bound: i.bound,
            scale: i.scale * batch as f64,
        })
        .collect();
    compare_outputs(&got, &want, &infos, p).map_err(|e| format!("batch of {batch}: {e}"))
}

/// The jitted and the eager results; `None` when both panic with one message (an eager
/// kernel error, which the jit must report as well).
fn both<U>(
    jitted: impl FnOnce() -> U,
    eager: impl FnOnce() -> U,
) -> Result<Option<(U, U)>, String> {
    let want = catch_unwind(AssertUnwindSafe(eager));
    let got = catch_unwind(AssertUnwindSafe(jitted));
    match (got, want) {
        (Ok(g), Ok(w)) => Ok(Some((g, w))),
        (Err(g), Err(w)) if panic_message(&*g) == panic_message(&*w) => Ok(None),
        (Err(g), Err(w)) => Err(format!(
            "both panicked, jit with {:?}, eager with {:?}",
            panic_message(&*g),
            panic_message(&*w)
        )),
        (Err(g), Ok(_)) => Err(format!("jit panicked: {}", panic_message(&*g))),
        (Ok(_), Err(w)) => Err(format!(
            "eager panicked ({}) but jit returned",
            panic_message(&*w)
        )),
    }
}

fn panic_message(e: &(dyn std::any::Any + Send)) -> String {
    e.downcast_ref::<String>()
        .cloned()
        .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "(no message)".into())
}

/// Generates and checks `count` programs from seed `first` on (every `f32_every`th in f32);
/// panics naming every failing seed, with the first failures' programs.
fn run(mode: Mode, first: u64, count: u64, f32_every: u64) {
    let env = |name: &str| -> Option<u64> { std::env::var(name).ok()?.parse().ok() };
    // JIT_RANDOM_SCALE=k runs k times as many programs (a longer search); JIT_RANDOM_SEED=s
    // runs only seed `s` (each test in its own mode).
    let seeds = match env("JIT_RANDOM_SEED") {
        Some(s) => s..s + 1,
        None => first..first + count * env("JIT_RANDOM_SCALE").unwrap_or(1),
    };
    let mut failures = Vec::new();
    for seed in seeds {
        let dtype = if f32_every > 0 && seed.is_multiple_of(f32_every) {
            DType::F32
        } else {
            DType::F64
        };
        let (p, infos) = generate(seed, mode, dtype);
        // Eager evaluation first: a panic there is a bug of this generator.
        let mut rng = Rng::new(seed ^ 0xDA7A);
        let eager = catch_unwind(AssertUnwindSafe(|| {
            p.eval(&p.inputs(&mut rng, None));
        }));
        if let Err(e) = eager {
            panic!(
                "seed {seed}: the generator built a program that fails eagerly: {}\n{}\n{p:#?}",
                panic_message(&*e),
                p.code()
            );
        }
        let mut rng = Rng::new(seed ^ 0x1234_5678);
        let result = catch_unwind(AssertUnwindSafe(|| match mode {
            Mode::Forward => check_forward(&p, &infos, &mut rng),
            Mode::Grad => check_grad(&p, &infos, &mut rng),
            Mode::Vmap => check_vmap(&p, &infos, &mut rng),
        }));
        let err = match result {
            Ok(Ok(())) => continue,
            Ok(Err(e)) => e,
            Err(e) => format!("panicked: {}", panic_message(&*e)),
        };
        failures.push((seed, err, p));
    }
    if failures.is_empty() {
        return;
    }
    let seeds: Vec<u64> = failures.iter().map(|(s, _, _)| *s).collect();
    let mut msg = format!(
        "{mode:?}: jit differs from eager on {} random programs, seeds {seeds:?}\n",
        failures.len()
    );
    for (seed, err, p) in failures.iter().take(3) {
        msg += &format!(
            "\n--- seed {seed} ({:?}): {err}\n{}\n{p:#?}\n",
            p.dtype,
            p.code()
        );
    }
    panic!("{msg}");
}

/// f64 programs compiled with `jit`, called twice (compile, then cache hit) on fresh inputs.
#[test]
fn random_programs_f64() {
    run(Mode::Forward, 0, 800, 0);
}

/// f32 programs: the same kernels in single precision, Rust scalars staying weakly typed.
#[test]
fn random_programs_f32() {
    run(Mode::Forward, 1_000_000, 400, 1);
}

/// `jit(grad(f))` equals `grad(f)` for `f` summing the outputs (a quarter of them in f32).
#[test]
fn random_programs_grad() {
    run(Mode::Grad, 2_000_000, 400, 4);
}

/// `jit(vmap(f))` equals `vmap(f)` over a batch axis in front of every input.
#[test]
fn random_programs_vmap() {
    run(Mode::Vmap, 3_000_000, 400, 4);
}

/// The generator itself: it is deterministic, and it builds every kind of expression.
#[test]
fn generator_covers_the_menu() {
    let a = format!("{:?}", generate(7, Mode::Forward, DType::F64).0);
    let b = format!("{:?}", generate(7, Mode::Forward, DType::F64).0);
    assert_eq!(a, b);
    let all: String = (0..320)
        .map(|s| format!("{:?}", generate(s, Mode::Forward, DType::F64).0))
        .collect();
    for name in [
        "Input", "Let", "Const", "Exp", "Sin", "Cos", "Tanh", "LogAbs1", "SqrtAbs", "Neg",
        "Square", "Add", "Sub", "RSub", "Mul", "DivSq", "DivAbs", "Max", "Min", "Sum", "Mean",
        "Axis0", "AxisLast", "Matmul", "T(", "Reshape", "Where", "Lt", "Le", "Gt", "Ge", "Scalar",
    ] {
        assert!(all.contains(name), "no {name} in 320 programs");
    }
}
