#![allow(clippy::cloned_ref_to_slice_refs)] // `&[x.clone()]` reads better in these tables
//! Derivatives of the NumPy-like composites against central differences, by `check_grads`:
//! forward and reverse mode, and second order (every nesting) for prod, var, std and matmul. No derivative rule lives in the api layer,
//! so these check that the compositions are right, including at a zero inside `prod`.

use ferrograd_core::check::{check_grads_flat, CheckOptions};
use ferrograd_core::transforms::{jvp_flat, linearize_flat};
use ferrograd_core::{DType, Tensor};
use ndarray::s;

type F = dyn Fn(&[Tensor]) -> Tensor;

/// Deterministic "random" values in [-1, 1].
fn wobbly(n: usize, seed: f64) -> Vec<f64> {
    (0..n).map(|i| (i as f64 * 1.37 + seed).sin()).collect()
}

fn like(x: &Tensor, seed: f64) -> Tensor {
    Tensor::from_vec(wobbly(x.size(), seed), x.shape()).astype(x.dtype())
}

fn close(got: &[f64], want: &[f64], tol: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= tol * (1.0 + w.abs()),
            "{what}[{i}]: got {g}, want {w}"
        );
    }
}

/// `f` as a flat function for `check_grads_flat`.
fn flat(f: &F) -> impl Fn(&[Tensor]) -> ferrograd_core::Result<Vec<Tensor>> + '_ {
    move |v: &[Tensor]| Ok(vec![f(v)])
}

/// Forward and reverse derivatives of `f` at `xs` against central differences
/// (`check_grads`, order 1, both modes).
fn check(name: &str, f: &F, xs: &[Tensor]) {
    let opts = CheckOptions {
        eps: 1e-6,
        atol: 1e-6,
        rtol: 1e-6,
        seed: 3,
        ..CheckOptions::default()
    };
    check_grads_flat(&flat(f), xs, &opts).unwrap_or_else(|e| panic!("{name}: {e}"));
}

/// Second derivatives of `f` at `x` (every nesting of jvp and vjp) against central
/// differences of the first (`check_grads`, order 2).
fn check_second_order(name: &str, f: &'static F, x: &Tensor) {
    let opts = CheckOptions {
        order: 2,
        eps: 1e-5,
        atol: 1e-5,
        rtol: 1e-5,
        seed: 9,
        ..CheckOptions::default()
    };
    check_grads_flat(&flat(f), std::slice::from_ref(x), &opts)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
}

fn mat(shape: &[usize], seed: f64) -> Tensor {
    Tensor::from_vec(wobbly(shape.iter().product(), seed), shape)
}

#[test]
fn reductions_differentiate() {
    let x = mat(&[3, 4], 0.1);
    check("sum_axes", &|v| v[0].sum_axes([0], false), &[x.clone()]);
    check("sum", &|v| v[0].sum(), &[x.clone()]);
    check("mean_axis", &|v| v[0].mean_axis(-1), &[x.clone()]);
    check("max_axis", &|v| v[0].max_axis(0), &[x.clone()]);
    check("min", &|v| v[0].min(), &[x.clone()]);
    check("var", &|v| v[0].var(1), &[x.clone()]);
    check("var_axes", &|v| v[0].var_axes([-1], 0, true), &[x.clone()]);
    check("std_axis", &|v| v[0].std_axis(0, 1), &[x.clone()]);
    check("std", &|v| v[0].std(0), &[x]);
}

#[test]
fn prod_differentiates_at_zeros() {
    let z = Tensor::from(vec![2.0, 0.0, 3.0, -1.5, 0.5]);
    check("prod", &|v| v[0].prod(), &[z.clone()]);
    // d prod / dx_i = prod of the others: only the zero's partial is non-zero.
    let (_, lin) = linearize_flat(|v| Ok(vec![v[0].prod()]), &[z.clone()]).expect("linearize");
    let g = lin
        .transpose(&[Some(Tensor::from(1.0))])
        .expect("transpose");
    assert_eq!(g[0].to_vec(), vec![0.0, -4.5, 0.0, 0.0, 0.0]);
    let two_zeros = Tensor::from_vec(vec![0.0, 1.0, 2.0, 0.0, 3.0, 4.0], &[2, 3]);
    check("prod_axis", &|v| v[0].prod_axis(0), &[two_zeros.clone()]);
    check(
        "prod_axes keepdims",
        &|v| v[0].prod_axes([-1], true),
        &[two_zeros],
    );
    check_second_order("prod", &|v| v[0].prod(), &z);
    check_second_order(
        "prod with two zeros",
        &|v| v[0].prod(),
        &Tensor::from(vec![0.0, 1.5, 0.0, 2.0]),
    );
    check_second_order("var", &|v| v[0].var(1), &mat(&[5], 0.4));
    check_second_order("std", &|v| v[0].std_axis(-1, 0), &mat(&[2, 3], 0.4));
}

#[test]
fn shapes_and_indexing_differentiate() {
    let x = mat(&[2, 3, 4], 0.2);
    check("reshape", &|v| v[0].reshape(&[4, -1]).get(1), &[x.clone()]);
    check("slice", &|v| v[0].slice(s![-1, 1..;2, ..;-1]), &[x.clone()]);
    check(
        "permute",
        &|v| v[0].permute([2, 0, 1]).expand_dims(0).squeeze(),
        &[x.clone()],
    );
    check(
        "moveaxis",
        &|v| v[0].moveaxis(0, -1).swapaxes(0, 1),
        &[x.clone()],
    );
    let y = mat(&[2, 1, 4], 0.7);
    check(
        "concatenate",
        &|v| Tensor::concatenate(&[&v[0], &v[1]], 1),
        &[x.clone(), y],
    );
    check(
        "stack",
        &|v| Tensor::stack(&[&v[0], &v[1]], -1),
        &[x.clone(), x.clone()],
    );
    check("broadcast_to", &|v| v[0].broadcast_to(&[3, 2, 3, 4]), &[x]);
}

#[test]
fn products_differentiate() {
    check(
        "matmul batch",
        &|v| v[0].matmul(&v[1]),
        &[mat(&[2, 1, 3, 4], 0.1), mat(&[5, 4, 2], 0.5)],
    );
    check(
        "matmul vec",
        &|v| v[0].matmul(&v[1]),
        &[mat(&[4], 0.1), mat(&[3, 4, 2], 0.5)],
    );
    check(
        "dot",
        &|v| v[0].dot(&v[1]),
        &[mat(&[2, 3], 0.1), mat(&[4, 3, 2], 0.5)],
    );
    check(
        "dot vec",
        &|v| v[0].dot(&v[1]),
        &[mat(&[2, 3], 0.1), mat(&[3], 0.5)],
    );
    check(
        "inner",
        &|v| v[0].inner(&v[1]),
        &[mat(&[2, 3], 0.1), mat(&[3], 0.5)],
    );
    check(
        "outer",
        &|v| v[0].outer(&v[1]),
        &[mat(&[2, 2], 0.1), mat(&[3], 0.5)],
    );
    check_second_order("matmul square", &|v| v[0].matmul(&v[0]), &mat(&[3, 3], 0.2));
}

#[test]
fn binary_functions_differentiate() {
    let a = mat(&[3, 1], 0.1);
    let b = mat(&[4], 1.1);
    check(
        "maximum broadcast",
        &|v| v[0].maximum(&v[1]),
        &[a.clone(), b.clone()],
    );
    check("minimum scalar", &|v| v[0].minimum(0.2), &[b.clone()]);
    check("clip", &|v| v[0].clip(-0.5, &v[1]), &[a.clone(), b.clone()]);
    let pos = &mat(&[3, 1], 0.3).abs() + 0.5;
    check("power", &|v| v[0].power(&v[1]), &[pos, b.clone()]);
    check("powi", &|v| v[0].powi(3), &[a.clone()]);
    check("arctan2", &|v| v[0].arctan2(&v[1]), &[a.clone(), b.clone()]);
    check(
        "where",
        &|v| Tensor::where_(&v[0].greater(0.0), &v[0], v[1].square()),
        &[a, b],
    );
}

#[test]
fn float32_forward_matches() {
    let x = mat(&[3, 4], 0.1).astype(DType::F32);
    let t = like(&x, 0.5);
    let f = |v: &[Tensor]| {
        Ok(vec![
            v[0].prod_axis(-1),
            v[0].var_axis(0, 1),
            v[0].matmul(&v[0].t()),
        ])
    };
    let (y, jt) = jvp_flat(f, std::slice::from_ref(&x), std::slice::from_ref(&t)).expect("jvp");
    let x64 = x.astype(DType::F64);
    let t64 = t.astype(DType::F64);
    let (y64, jt64) = jvp_flat(f, &[x64], &[t64]).expect("jvp");
    for i in 0..3 {
        assert_eq!(y[i].dtype(), DType::F32);
        close(&y[i].to_vec(), &y64[i].to_vec(), 1e-5, "f32 value");
        close(&jt[i].to_vec(), &jt64[i].to_vec(), 1e-5, "f32 tangent");
    }
}
