//! The rule-check table run against every primitive (STYLE.md, "Tests"): shape rule vs eval;
//! derivatives vs central differences by `check_grads` (orders 1 and 2, forward and reverse
//! and their nestings); transpose by ⟨ct, J t⟩ = ⟨Jᵀ ct, t⟩, both
//! on the rule itself and through `linearize` + `LinearFn::transpose`; batch rule vs a loop
//! over slices; f32 eval vs f64. Each check runs every row and reports every failing row
//! with its seed; a primitive without a row fails `every_primitive_has_a_row`.

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};

use common::table::{rows, Row};
use common::{close, inner, sample, stack, unstack_one, Domain, Rng};
use ferrograd_core::check::{check_grads_flat, CheckOptions, Modes};
use ferrograd_core::interp::batch::batch_by_loop;
use ferrograd_core::prims::ALL_PRIMITIVES;
use ferrograd_core::transforms::{jvp_flat, linearize_flat};
use ferrograd_core::{lax, Aval, BatchDim, DType, LinearArg, Result, Tensor};

type Check = fn(&Row, &mut Rng) -> std::result::Result<(), String>;

/// Runs `check` on every row with a seed derived from the row index; panics listing every
/// failure (row, avals, seed), including panics inside the rules.
fn run_all(tag: u64, check: Check, filter: impl Fn(&Row) -> bool) {
    let mut failures = Vec::new();
    for (i, row) in rows().iter().enumerate().filter(|(_, r)| filter(r)) {
        let seed = 0x5EED_0000 ^ (tag << 16) ^ i as u64;
        let mut rng = Rng::new(seed);
        let res = catch_unwind(AssertUnwindSafe(|| check(row, &mut rng)))
            .unwrap_or_else(|p| Err(format!("panicked: {}", panic_message(&p))));
        if let Err(e) = res {
            let avals: Vec<String> = row
                .inputs
                .iter()
                .map(|(a, _)| format!("{:?} {}", &a.shape[..], a.dtype))
                .collect();
            failures.push(format!(
                "row {i} `{}` {:?} on {avals:?} (seed {seed:#x}): {e}",
                row.name(),
                row.prim
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn panic_message(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

fn err(e: ferrograd_core::Error) -> String {
    e.to_string()
}

/// Input values drawn from each input's domain.
fn primals(row: &Row, rng: &mut Rng) -> Vec<Tensor> {
    row.inputs.iter().map(|(a, d)| sample(rng, a, *d)).collect()
}

/// Random directions in [-1, 1) shaped like `x`.
fn directions(x: &[Tensor], rng: &mut Rng) -> Vec<Tensor> {
    x.iter()
        .map(|t| sample(rng, &t.aval(), Domain::Range(-1.0, 1.0)))
        .collect()
}

/// Indices of the float inputs (those a derivative is taken with respect to).
fn float_inputs(row: &Row) -> Vec<usize> {
    (0..row.inputs.len())
        .filter(|&i| row.inputs[i].0.dtype.is_float())
        .collect()
}

fn eval(row: &Row, x: &[Tensor]) -> Result<Vec<Tensor>> {
    lax::bind(row.prim.as_ref(), x).map(ferrograd_core::Outs::into_vec)
}

/// The primitive as a function of its float inputs, the others fixed to `x`'s values.
fn of_floats<'a>(row: &'a Row, x: &'a [Tensor]) -> impl Fn(&[Tensor]) -> Result<Vec<Tensor>> + 'a {
    let idx = float_inputs(row);
    move |xf: &[Tensor]| {
        let mut args = x.to_vec();
        for (&i, t) in idx.iter().zip(xf) {
            args[i] = t.clone();
        }
        eval(row, &args)
    }
}

fn pick(x: &[Tensor], idx: &[usize]) -> Vec<Tensor> {
    idx.iter().map(|&i| x[i].clone()).collect()
}

fn all_close(
    what: &str,
    got: &[Tensor],
    want: &[Tensor],
    rtol: f64,
    atol: f64,
) -> std::result::Result<(), String> {
    if got.len() != want.len() {
        return Err(format!(
            "{what}: {} outputs, expected {}",
            got.len(),
            want.len()
        ));
    }
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        close(&format!("{what} (output {k})"), g, w, rtol, atol)?;
    }
    Ok(())
}

#[test]
fn every_primitive_has_a_row() {
    let table = rows();
    let names: Vec<&str> = table.iter().map(Row::name).collect();
    let missing: Vec<&&str> = ALL_PRIMITIVES
        .iter()
        .filter(|n| !names.contains(n))
        .collect();
    let unknown: Vec<&&str> = names
        .iter()
        .filter(|n| !ALL_PRIMITIVES.contains(n))
        .collect();
    assert!(
        missing.is_empty(),
        "primitives without a row in the rule-check table: {missing:?}"
    );
    assert!(
        unknown.is_empty(),
        "rows for primitives not in ALL_PRIMITIVES: {unknown:?}"
    );
    // Rows with `batch: false` are batched by the loop-and-stack fallback; they must be the
    // primitives listed in `LOOP_BATCHED`.
    let mut no_batch: Vec<&str> = table.iter().filter(|r| !r.batch).map(Row::name).collect();
    no_batch.dedup();
    assert_eq!(no_batch, common::table::LOOP_BATCHED);
}

fn shape_check(row: &Row, rng: &mut Rng) -> std::result::Result<(), String> {
    let x = primals(row, rng);
    let avals: Vec<Aval> = row.inputs.iter().map(|(a, _)| a.clone()).collect();
    let want = row.prim.shape_rule(&avals).map_err(err)?;
    let arrays: Vec<&ferrograd_core::Array> =
        x.iter().map(|t| t.as_array().expect("concrete")).collect();
    let got: Vec<Aval> = row
        .prim
        .eval(&arrays)
        .map_err(err)?
        .iter()
        .map(|a| Aval::new(a.shape(), a.dtype()))
        .collect();
    if got[..] != want[..] {
        return Err(format!("shape rule says {want:?}, eval gives {got:?}"));
    }
    Ok(())
}

#[test]
fn shape_rule_matches_eval() {
    run_all(1, shape_check, |_| true);
}

/// `check_grads` options for a row: both modes to order 2, seeded from the row's generator.
/// Rows affine in all their float inputs at once take a large step (central differences
/// are exact for them, and kind to float32 outputs); rows with float32 inputs are checked in
/// float32 (not converted to float64), so that their own code path is the one checked.
fn grads_options(row: &Row, rng: &mut Rng) -> CheckOptions {
    let n = float_inputs(row).len();
    let affine = row.linear.iter().any(|s| s.len() == n);
    let f32_inputs = row.inputs.iter().any(|(a, _)| a.dtype == DType::F32);
    CheckOptions {
        order: 2,
        modes: Modes::Both,
        eps: if affine { 0.5 } else { 1e-5 },
        atol: 1e-6,
        rtol: 1e-6,
        seed: rng.next_u64(),
        in_f64: !f32_inputs,
    }
}

/// Derivatives to order 2 in both modes against central differences, by `check_grads` (the
/// project's one numerical-derivative oracle; integer and boolean inputs are held fixed).
fn grads_check(row: &Row, rng: &mut Rng) -> std::result::Result<(), String> {
    let x = primals(row, rng);
    let idx = float_inputs(row);
    let (xf, f) = (pick(&x, &idx), of_floats(row, &x));
    let v = directions(&xf, rng);
    let (y, _) = jvp_flat(&f, &xf, &v).map_err(err)?;
    all_close(
        "jvp primal vs eval",
        &y,
        &eval(row, &x).map_err(err)?,
        0.0,
        0.0,
    )?;
    let g = |x: &[Tensor]| eval(row, x);
    check_grads_flat(&g, &x, &grads_options(row, rng)).map_err(err)
}

#[test]
fn check_grads_passes_to_order_2() {
    run_all(2, grads_check, |r| r.smooth);
}

/// The identity ⟨ct, J t⟩ = Σᵢ ⟨(Jᵀ ct)ᵢ, tᵢ⟩ for the transpose rule on the inputs in `lin`.
fn transpose_one(row: &Row, lin: &[usize], rng: &mut Rng) -> std::result::Result<(), String> {
    let x = primals(row, rng);
    let t = directions(&x, rng);
    let args: Vec<LinearArg> = (0..x.len())
        .map(|i| match lin.contains(&i) {
            true => LinearArg::Undef(x[i].aval()),
            false => LinearArg::Const(x[i].clone()),
        })
        .collect();
    let at_t: Vec<Tensor> = (0..x.len())
        .map(|i| {
            if lin.contains(&i) {
                t[i].clone()
            } else {
                x[i].clone()
            }
        })
        .collect();
    // With the other inputs held at x, the map is affine in the linear ones (t + b, or a
    // select against a fixed branch): its linear part is f(t, x) - f(0, x).
    let at_0: Vec<Tensor> = (0..x.len())
        .map(|i| {
            if lin.contains(&i) {
                lax::zeros_like(&x[i])
            } else {
                x[i].clone()
            }
        })
        .collect();
    let (f_t, f_0) = (
        eval(row, &at_t).map_err(err)?,
        eval(row, &at_0).map_err(err)?,
    );
    let jt: Vec<Tensor> = f_t
        .iter()
        .zip(&f_0)
        .map(|(a, b)| lax::sub(a, b))
        .collect::<Result<_>>()
        .map_err(err)?;
    let ct = directions(&jt, rng);
    let cts = row.prim.transpose(&ct, &args).map_err(err)?;
    let mut rhs = 0.0;
    for (i, c) in cts.iter().enumerate() {
        match (lin.contains(&i), c) {
            (true, Some(c)) if c.aval() == x[i].aval() => {
                rhs += inner(std::slice::from_ref(c), std::slice::from_ref(&t[i]))
            }
            (true, Some(c)) => {
                return Err(format!(
                    "cotangent {i} is {:?}, input is {:?}",
                    c.aval(),
                    x[i].aval()
                ))
            }
            (true, None) => {}
            (false, Some(_)) => return Err(format!("a cotangent for constant input {i}")),
            (false, None) => {}
        }
    }
    let lhs = inner(&ct, &jt);
    let scale = 1.0 + lhs.abs().max(rhs.abs());
    if (lhs - rhs).abs() > 1e-5 * scale {
        return Err(format!(
            "linear inputs {lin:?}: <ct, J t> = {lhs} but <J^T ct, t> = {rhs}"
        ));
    }
    Ok(())
}

fn transpose_check(row: &Row, rng: &mut Rng) -> std::result::Result<(), String> {
    row.linear
        .iter()
        .try_for_each(|lin| transpose_one(row, lin, rng))
}

#[test]
fn transpose_satisfies_dot_product_identity() {
    run_all(4, transpose_check, |r| !r.linear.is_empty());
}

fn vjp_check(row: &Row, rng: &mut Rng) -> std::result::Result<(), String> {
    let x = primals(row, rng);
    let idx = float_inputs(row);
    let (xf, f) = (pick(&x, &idx), of_floats(row, &x));
    let v = directions(&xf, rng);
    let (_, jv) = jvp_flat(&f, &xf, &v).map_err(err)?;
    let (y, lin) = linearize_flat(&f, &xf).map_err(err)?;
    all_close(
        "linearize primal vs eval",
        &y,
        &eval(row, &x).map_err(err)?,
        0.0,
        0.0,
    )?;
    all_close(
        "linear map vs jvp",
        &lin.apply(&v).map_err(err)?,
        &jv,
        1e-12,
        1e-12,
    )?;
    let ct = directions(&y, rng);
    let cts = lin
        .transpose(&ct.iter().cloned().map(Some).collect::<Vec<_>>())
        .map_err(err)?;
    let (lhs, rhs) = (inner(&ct, &jv), inner(&cts, &v));
    let f32_involved = row.inputs.iter().any(|(a, _)| a.dtype == DType::F32)
        || y.iter().any(|t| t.dtype() == DType::F32);
    let tol = if f32_involved { 1e-6 } else { 1e-9 };
    if (lhs - rhs).abs() > tol * (1.0 + lhs.abs()) {
        return Err(format!("<ct, J v> = {lhs} (jvp) but <vjp(ct), v> = {rhs}"));
    }
    Ok(())
}

#[test]
fn vjp_via_linearize_matches_jvp() {
    run_all(5, vjp_check, |r| r.smooth);
}

fn zero_tangent_check(row: &Row, rng: &mut Rng) -> std::result::Result<(), String> {
    let x = primals(row, rng);
    let idx = float_inputs(row);
    let (xf, f) = (pick(&x, &idx), of_floats(row, &x));
    let v = directions(&xf, rng);
    let (_, t) = jvp_flat(&f, &xf, &v).map_err(err)?;
    for (k, t) in t.iter().enumerate() {
        if t.to_vec().iter().any(|&e| e != 0.0) {
            return Err(format!("output {k} has a nonzero tangent {:?}", t.to_vec()));
        }
    }
    let tangents: Vec<Option<Tensor>> = (0..x.len())
        .map(|i| {
            idx.contains(&i)
                .then(|| v[idx.iter().position(|&j| j == i).expect("index")].clone())
        })
        .collect();
    let (_, rule_t) = row.prim.jvp(&x, &tangents).map_err(err)?;
    if rule_t.iter().any(Option::is_some) {
        return Err("the jvp rule returned a non-symbolic tangent".into());
    }
    Ok(())
}

#[test]
fn non_differentiable_prims_have_zero_tangents() {
    run_all(6, zero_tangent_check, |r| !r.smooth);
}

const B: usize = 3;

/// Calls the batch rule with the inputs stacked along `bdims` and compares every output
/// slice with the primitive evaluated on the corresponding input slices.
fn batch_one(row: &Row, bdims: &[BatchDim], rng: &mut Rng) -> std::result::Result<(), String> {
    let slices: Vec<Vec<Tensor>> = (0..B).map(|_| primals(row, rng)).collect();
    let inputs: Vec<Tensor> = (0..row.inputs.len())
        .map(|i| match bdims[i] {
            Some(d) => stack(&slices.iter().map(|s| s[i].clone()).collect::<Vec<_>>(), d),
            None => slices[0][i].clone(),
        })
        .collect();
    let (outs, out_dims) = if row.batch {
        row.prim.batch(&inputs, bdims).map_err(err)?
    } else {
        batch_by_loop(row.prim.as_ref(), &inputs, bdims, B).map_err(err)?
    };
    for (k, slice) in slices.iter().enumerate() {
        let args: Vec<Tensor> = (0..slice.len())
            .map(|i| {
                if bdims[i].is_some() {
                    slice[i].clone()
                } else {
                    slices[0][i].clone()
                }
            })
            .collect();
        let want = eval(row, &args).map_err(err)?;
        let got: Vec<Tensor> = outs
            .iter()
            .zip(&out_dims)
            .map(|(o, d)| d.map_or(o.clone(), |d| unstack_one(o, d, k)))
            .collect();
        all_close(
            &format!("batch {bdims:?}, slice {k}"),
            &got,
            &want,
            1e-12,
            1e-12,
        )?;
    }
    Ok(())
}

fn batch_check(row: &Row, rng: &mut Rng) -> std::result::Result<(), String> {
    let n = row.inputs.len();
    let last = |i: usize| Some(row.inputs[i].0.shape.len());
    let mut cases: Vec<Vec<BatchDim>> = vec![vec![Some(0); n], (0..n).map(last).collect()];
    if n > 1 {
        cases.push([None].into_iter().chain((1..n).map(last)).collect());
        cases.push(
            (0..n)
                .map(|i| if i == n - 1 { None } else { Some(0) })
                .collect(),
        );
    }
    cases.iter().try_for_each(|c| batch_one(row, c, rng))
}

#[test]
fn batch_rule_matches_loop() {
    run_all(7, batch_check, |_| true);
}

fn f32_check(row: &Row, rng: &mut Rng) -> std::result::Result<(), String> {
    let x = primals(row, rng);
    let want = eval(row, &x).map_err(err)?;
    let x32: Vec<Tensor> = x
        .iter()
        .map(|t| {
            if t.dtype() == DType::F64 {
                lax::convert(t, DType::F32)
            } else {
                Ok(t.clone())
            }
        })
        .collect::<Result<_>>()
        .map_err(err)?;
    let got = eval(row, &x32).map_err(err)?;
    for (g, w) in got.iter().zip(&want) {
        let expected = if w.dtype() == DType::F64 {
            DType::F32
        } else {
            w.dtype()
        };
        if g.dtype() != expected && row.name() != "convert_element_type" {
            return Err(format!(
                "f32 inputs gave {} (f64 inputs gave {})",
                g.dtype(),
                w.dtype()
            ));
        }
    }
    all_close("f32 vs f64", &got, &want, 2e-5, 2e-6)
}

#[test]
fn f32_eval_matches_f64() {
    run_all(8, f32_check, |_| true);
}
