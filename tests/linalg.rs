//! `ferrograd::linalg`: values against closed forms and reconstructions, derivatives through
//! check_grads (forward and reverse, orders 1 and 2) on batched inputs, f32 forward values,
//! vmap against the batched call, degenerate inputs and error messages.

use ferrograd::linalg::{self, NormOrd, Triangular};
use ferrograd::{check_grads, grad, jvp, np, random, vmap, DType, Tensor};

/// A seeded standard-normal array.
fn randn(seed: u64, shape: &[usize]) -> Tensor {
    random::normal(&random::key(seed), shape)
}

/// Well-conditioned square matrices: noise plus 3·I, shape `[batch.., n, n]`.
fn well_conditioned(seed: u64, batch: &[usize], n: usize) -> Tensor {
    let mut s = batch.to_vec();
    s.extend([n, n]);
    randn(seed, &s) + 3.0 * np::eye(n)
}

/// Symmetric positive-definite matrices `B Bᵀ + n I`.
fn spd(seed: u64, batch: &[usize], n: usize) -> Tensor {
    let mut s = batch.to_vec();
    s.extend([n, n]);
    let b = randn(seed, &s);
    b.matmul(&b.swapaxes(-1, -2)) + (n as f64) * np::eye(n)
}

fn max_diff(a: &Tensor, b: &Tensor) -> f64 {
    assert_eq!(a.shape(), b.shape(), "shapes differ");
    (a - b).abs().max().item()
}

fn assert_close(what: &str, a: &Tensor, b: &Tensor, tol: f64) {
    let d = max_diff(a, b);
    assert!(d <= tol, "{what}: max |difference| {d:e} > {tol:e}");
}

fn mt(x: &Tensor) -> Tensor {
    x.swapaxes(-1, -2)
}

// ---- values ---------------------------------------------------------------------------------

#[test]
fn inverse_solve_and_determinants() {
    let a = well_conditioned(1, &[2], 3);
    let eye = np::eye(3).broadcast_to(&[2, 3, 3]);
    assert_close("A inv(A) = I", &a.matmul(&linalg::inv(&a)), &eye, 1e-14);
    let b = randn(2, &[2, 3, 2]);
    let x = linalg::solve(&a, &b);
    assert_close("A solve(A, B) = B", &a.matmul(&x), &b, 1e-14);
    // A 1-D right-hand side against a batch of matrices broadcasts.
    let v = Tensor::from(vec![1.0, -2.0, 0.5]);
    let xv = linalg::solve(&a, &v);
    assert_eq!(xv.shape(), &[2, 3]);
    assert_close(
        "A x = v",
        &a.matmul(&xv.expand_dims(-1)).squeeze_axis(-1),
        &v.broadcast_to(&[2, 3]),
        1e-14,
    );
    // By cofactors along the first row:
    let m = Tensor::from_vec(vec![2.0, 0.0, 1.0, 1.0, 3.0, 2.0, 1.0, 1.0, 4.0], &[3, 3]);
    // 2(12 − 2) − 0 + 1(1 − 3) = 18
    assert!((linalg::det(&m).item() - 18.0).abs() < 1e-13);
    let (sign, logdet) = linalg::slogdet(&a);
    assert_close(
        "sign·exp(logdet) = det",
        &(&sign * logdet.exp()),
        &linalg::det(&a),
        1e-12,
    );
    // det(A) = product of the eigenvalues for symmetric A.
    let s = spd(3, &[2], 4);
    let w = linalg::eigh(&s).0;
    assert_close("det = Π λ", &linalg::det(&s), &w.prod_axis(-1), 1e-9);
}

#[test]
fn triangular_solves_in_every_mode() {
    let a = well_conditioned(4, &[2], 4);
    let b = randn(5, &[2, 4, 3]);
    let low = Tensor::from_vec(
        (0..16)
            .map(|k| f64::from(u8::from(k % 4 <= k / 4)))
            .collect::<Vec<_>>(),
        &[4, 4],
    );
    let eye = np::eye(4);
    let strict_low = &low - &eye;
    for lower in [true, false] {
        for transpose in [false, true] {
            for unit in [false, true] {
                let mask = if lower { low.clone() } else { mt(&low) };
                let t = if unit {
                    let strict = if lower {
                        strict_low.clone()
                    } else {
                        mt(&strict_low)
                    };
                    &a * &strict + &eye
                } else {
                    &a * &mask
                };
                let op_t = if transpose { mt(&t) } else { t };
                let mut opts = if lower {
                    Triangular::lower()
                } else {
                    Triangular::upper()
                };
                if transpose {
                    opts = opts.transposed();
                }
                if unit {
                    opts = opts.unit_diagonal();
                }
                let x = linalg::solve_triangular(&a, &b, opts);
                assert_close(&format!("{opts:?}"), &op_t.matmul(&x), &b, 1e-13);
            }
        }
    }
}

#[test]
fn decompositions_reconstruct() {
    let s = spd(6, &[2], 5);
    let l = linalg::cholesky(&s);
    assert_close("L Lᵀ = A", &l.matmul(&mt(&l)), &s, 1e-13);
    assert_eq!(l.to_vec()[1], 0.0, "upper triangle is zero");
    for shape in [[2, 5, 3], [2, 3, 5], [2, 4, 4]] {
        let a = randn(7, &shape);
        let (q, r) = linalg::qr(&a);
        assert_close("Q R = A", &q.matmul(&r), &a, 1e-13);
        let k = shape[1].min(shape[2]);
        assert_close(
            "QᵀQ = I",
            &mt(&q).matmul(&q),
            &np::eye(k).broadcast_to(&[2, k, k]),
            1e-13,
        );
        let (u, sv, vt) = linalg::svd(&a);
        assert_close(
            "U S Vᵀ = A",
            &(&u * &sv.expand_dims(-2)).matmul(&vt),
            &a,
            1e-13,
        );
        for row in sv.to_vec().chunks(k) {
            assert!(row.windows(2).all(|w| w[0] >= w[1]), "descending: {row:?}");
        }
    }
    let (w, v) = linalg::eigh(&s);
    assert_close(
        "V diag(w) Vᵀ = A",
        &(&v * &w.expand_dims(-2)).matmul(&mt(&v)),
        &s,
        1e-12,
    );
    assert_close(
        "A V = V diag(w)",
        &s.matmul(&v),
        &(&v * &w.expand_dims(-2)),
        1e-12,
    );
}

#[test]
fn pinv_lstsq_and_matrix_power() {
    let x = randn(8, &[2, 6, 3]);
    let p = linalg::pinv(&x);
    let xt = mt(&x);
    let normal = linalg::inv(&xt.matmul(&x)).matmul(&xt);
    assert_close("pinv = (XᵀX)⁻¹Xᵀ", &p, &normal, 1e-13);
    // Rank-deficient: the Penrose conditions.
    let r = randn(9, &[4, 2]).matmul(&randn(10, &[2, 5])); // rank 2
    let pr = linalg::pinv(&r);
    assert_close("A P A = A", &r.matmul(&pr).matmul(&r), &r, 1e-12);
    assert_close("P A P = P", &pr.matmul(&r).matmul(&pr), &pr, 1e-12);
    let ap = r.matmul(&pr);
    assert_close("A P symmetric", &ap, &mt(&ap), 1e-12);
    let y = randn(11, &[2, 6]);
    let w = linalg::lstsq(&x, &y.expand_dims(-1), None).squeeze_axis(-1);
    let want = linalg::solve(&xt.matmul(&x), &xt.matmul(&y.expand_dims(-1))).squeeze_axis(-1);
    assert_close("lstsq = normal equations", &w, &want, 1e-13);
    let a = well_conditioned(12, &[2], 3);
    let a3 = a.matmul(&a).matmul(&a);
    assert_close("A³", &linalg::matrix_power(&a, 3), &a3, 1e-12);
    assert_close(
        "A⁰ = I",
        &linalg::matrix_power(&a, 0),
        &np::eye(3).broadcast_to(&[2, 3, 3]),
        0.0,
    );
    let ai = linalg::inv(&a);
    assert_close(
        "A⁻² = inv(A)²",
        &linalg::matrix_power(&a, -2),
        &ai.matmul(&ai),
        1e-14,
    );
}

#[test]
fn norms_match_closed_forms() {
    let v = Tensor::from(vec![3.0, -4.0, 0.0, 12.0]);
    let n = |ord: NormOrd| linalg::norm(&v, ord, None, false).item();
    assert_eq!(n(NormOrd::Default), 13.0);
    assert_eq!(n(2.into()), 13.0);
    assert_eq!(n(1.into()), 19.0);
    assert_eq!(n(f64::INFINITY.into()), 12.0);
    assert_eq!(n(f64::NEG_INFINITY.into()), 0.0);
    assert_eq!(n(0.into()), 3.0);
    let p3 = (27.0f64 + 64.0 + 1728.0).powf(1.0 / 3.0);
    assert!((n(3.into()) - p3).abs() < 1e-13);
    // [[1, -2], [3, 4]]: column sums 4, 6; row sums 3, 7; s² = 15 ± √125 (AᵀA = [[10, 10], [10, 20]]).
    let m = Tensor::from_vec(vec![1.0, -2.0, 3.0, 4.0], &[2, 2]);
    let mn = |ord: NormOrd| linalg::norm(&m, ord, None, false).item();
    let (s1, s2) = ((15.0 + 125f64.sqrt()).sqrt(), (15.0 - 125f64.sqrt()).sqrt());
    assert!((mn(NormOrd::Fro) - 30f64.sqrt()).abs() < 1e-14);
    assert!((mn(NormOrd::Default) - 30f64.sqrt()).abs() < 1e-14);
    assert!((mn(NormOrd::Nuc) - (s1 + s2)).abs() < 1e-13);
    assert!((mn(2.into()) - s1).abs() < 1e-13);
    assert!((mn((-2).into()) - s2).abs() < 1e-13);
    assert_eq!(mn(1.into()), 6.0);
    assert_eq!(mn((-1).into()), 4.0);
    assert_eq!(mn(f64::INFINITY.into()), 7.0);
    assert_eq!(mn(f64::NEG_INFINITY.into()), 3.0);
    // Axes, negative axes, keepdims, and the flattened default of a 3-D array.
    let x = randn(13, &[2, 3, 4]);
    let rows = linalg::norm(&x, NormOrd::Default, [-1], true);
    assert_eq!(rows.shape(), &[2, 3, 1]);
    assert_close(
        "vector norms",
        &rows,
        &x.square().sum_axes([2], true).sqrt(),
        1e-14,
    );
    let mats = linalg::norm(&x, 1, [0, 2], false);
    assert_eq!(mats.shape(), &[3]);
    let want = x.abs().sum_axis(0).max_axis(1); // columns of the (axis 0, axis 2) matrix
    assert_close("matrix 1-norm over axes (0, 2)", &mats, &want, 1e-14);
    let all = linalg::norm(&x, NormOrd::Default, None, true);
    assert_eq!(all.shape(), &[1, 1, 1]);
    assert!((all.item() - x.square().sum().sqrt().item()).abs() < 1e-13);
}

// ---- derivatives ----------------------------------------------------------------------------

#[test]
fn solves_and_inverses_check_grads() {
    let a = well_conditioned(20, &[2], 3);
    let b = randn(21, &[2, 3, 2]);
    check_grads(|a: &Tensor| linalg::inv(a), &a, 2).unwrap();
    check_grads(
        |(a, b): &(Tensor, Tensor)| linalg::solve(a, b),
        &(a.clone(), b.clone()),
        2,
    )
    .unwrap();
    check_grads(|a: &Tensor| linalg::det(a), &a, 2).unwrap();
    check_grads(|a: &Tensor| linalg::slogdet(a).1, &a, 2).unwrap();
    for n in [-2, 3] {
        check_grads(|a: &Tensor| linalg::matrix_power(a, n), &a, 2).unwrap();
    }
    for opts in [
        Triangular::lower(),
        Triangular::upper().transposed(),
        Triangular::lower().unit_diagonal().transposed(),
    ] {
        let f = move |(a, b): &(Tensor, Tensor)| linalg::solve_triangular(a, b, opts);
        check_grads(f, &(a.clone(), b.clone()), 2).unwrap();
    }
}

#[test]
fn decompositions_check_grads() {
    let s = spd(22, &[2], 3);
    check_grads(|a: &Tensor| linalg::cholesky(a), &s, 2).unwrap();
    check_grads(|a: &Tensor| linalg::eigh(a), &s, 2).unwrap();
    let a = randn(23, &[2, 3, 3]);
    check_grads(|a: &Tensor| linalg::qr(a), &a, 2).unwrap();
    check_grads(|a: &Tensor| linalg::svd(a), &a, 2).unwrap();
    // Singular values away from 0, so that central differences (eps 1e-4) resolve pinv ~ 1/s.
    let tall = randn(24, &[2, 4, 3]) + 2.0 * np::eye_nm(4, 3, 0);
    check_grads(|a: &Tensor| linalg::pinv(a), &tall, 2).unwrap();
    let y = randn(25, &[2, 4, 2]);
    check_grads(
        |(a, b): &(Tensor, Tensor)| linalg::lstsq(a, b, None),
        &(tall, y),
        2,
    )
    .unwrap();
}

#[test]
fn norms_check_grads() {
    let v = randn(26, &[2, 3, 3]);
    for ord in [2.0, 1.0, f64::INFINITY, f64::NEG_INFINITY, 3.0, 0.5, 0.0] {
        let f = move |x: &Tensor| linalg::norm(x, ord, [-1], false);
        check_grads(f, &v, 2).unwrap_or_else(|e| panic!("vector ord {ord}: {e}"));
    }
    let matrix_ords = [
        NormOrd::Fro,
        NormOrd::Nuc,
        NormOrd::P(1.0),
        NormOrd::P(-1.0),
        NormOrd::P(2.0),
        NormOrd::P(-2.0),
        NormOrd::P(f64::INFINITY),
        NormOrd::P(f64::NEG_INFINITY),
    ];
    for ord in matrix_ords {
        let f = move |x: &Tensor| linalg::norm(x, ord, [-2, -1], true);
        check_grads(f, &v, 2).unwrap_or_else(|e| panic!("matrix ord {ord:?}: {e}"));
    }
}

#[test]
fn norm_at_zero_has_subgradient_zero() {
    let z = np::zeros(&[3]);
    for ord in [
        NormOrd::Default,
        NormOrd::P(2.0),
        NormOrd::P(3.0),
        NormOrd::P(0.5),
    ] {
        let f = move |x: &Tensor| linalg::norm(x, ord, None, false);
        let g = grad(f)(&z);
        assert_eq!(g.to_vec(), vec![0.0; 3], "{ord:?}");
        let (y, y_dot) = jvp(f, &z, &np::ones(&[3]));
        assert_eq!((y.item(), y_dot.item()), (0.0, 0.0), "{ord:?}");
    }
    let zm = np::zeros(&[2, 2]);
    let g = grad(|x: &Tensor| linalg::norm(x, NormOrd::Fro, None, false))(&zm);
    assert_eq!(g.to_vec(), vec![0.0; 4]);
    // A batch where one row is zero: finite everywhere.
    let x = Tensor::from_vec(vec![0.0, 0.0, 3.0, 4.0], &[2, 2]);
    let g = grad(|x: &Tensor| linalg::norm(x, 2, [1], false).sum())(&x);
    let want = Tensor::from_vec(vec![0.0, 0.0, 0.6, 0.8], &[2, 2]);
    assert_close("grad of row norms", &g, &want, 1e-15);
}

#[test]
fn degenerate_spectra_stay_exact_where_defined() {
    // Repeated eigenvalues (A = I): Σλ = tr A and Σλ² = ‖A‖² still differentiate exactly.
    let eye = np::eye(3);
    let g = grad(|a: &Tensor| linalg::eigh(a).0.sum())(&eye);
    assert_close("d tr/dA", &g, &eye, 1e-14);
    let g = grad(|a: &Tensor| linalg::eigh(a).0.square().sum())(&eye);
    assert_close("d ‖A‖²/dA", &g, &(2.0 * &eye), 1e-14);
    // pinv at the identity (all singular values equal): d pinv = −dA, as for inv.
    let e = randn(30, &[3, 3]);
    let (_, d_pinv) = jvp(|a: &Tensor| linalg::pinv(a), &eye, &e);
    assert_close("d pinv(I)", &d_pinv, &(-&e), 1e-13);
    // pinv of a rank-deficient matrix: Golub–Pereyra's derivative vs central differences.
    // A rank-1 curve A(h) = (u + h du)(v + h dv)ᵀ: Golub–Pereyra's derivative (exact for
    // constant rank) vs central differences along it.
    let (u, du) = (randn(31, &[2, 4, 1]), randn(32, &[2, 4, 1]));
    let (v, dv) = (randn(33, &[2, 3, 1]), randn(34, &[2, 3, 1]));
    let at = |h: f64| (&u + h * &du).matmul(&mt(&(&v + h * &dv)));
    let tangent = du.matmul(&mt(&v)) + u.matmul(&mt(&dv));
    let (_, t) = jvp(|a: &Tensor| linalg::pinv(a), &at(0.0), &tangent);
    let h = 1e-5;
    let fd = (linalg::pinv(&at(h)) - linalg::pinv(&at(-h))) / (2.0 * h);
    assert_close(
        "d pinv at rank 1",
        &t,
        &fd,
        1e-6 * (1.0 + fd.abs().max().item()),
    );
    // det of a singular matrix: the derivative is the adjugate (transposed), finite.
    let s = Tensor::from_vec(vec![1.0, 2.0, 2.0, 4.0], &[2, 2]);
    let g = grad(|a: &Tensor| linalg::det(a))(&s);
    assert_close(
        "d det",
        &g,
        &Tensor::from_vec(vec![4.0, -2.0, -2.0, 1.0], &[2, 2]),
        1e-13,
    );
}

// ---- f32, vmap, errors ----------------------------------------------------------------------

#[test]
fn float32_forward_values() {
    let a = well_conditioned(40, &[2], 4);
    let a32 = a.astype(DType::F32);
    let close = |what: &str, x: Tensor, want: Tensor| {
        assert_eq!(x.dtype(), DType::F32, "{what}");
        assert_close(
            what,
            &x.astype(DType::F64),
            &want,
            1e-4 * (1.0 + want.abs().max().item()),
        );
    };
    close("inv", linalg::inv(&a32), linalg::inv(&a));
    close("det", linalg::det(&a32), linalg::det(&a));
    let s = spd(41, &[2], 4);
    let s32 = s.astype(DType::F32);
    close("cholesky", linalg::cholesky(&s32), linalg::cholesky(&s));
    close("eigh", linalg::eigh(&s32).0, linalg::eigh(&s).0);
    close("svd", linalg::svd(&a32).1, linalg::svd(&a).1);
    close("qr", linalg::qr(&a32).1, linalg::qr(&a).1);
    close("pinv", linalg::pinv(&a32), linalg::pinv(&a));
    close(
        "norm nuc",
        linalg::norm(&a32, NormOrd::Nuc, [-2, -1], false),
        linalg::norm(&a, NormOrd::Nuc, [-2, -1], false),
    );
    let b = randn(42, &[2, 4, 1]);
    close(
        "solve",
        linalg::solve(&a32, &b.astype(DType::F32)),
        linalg::solve(&a, &b),
    );
}

#[test]
fn vmap_equals_the_batched_call() {
    let a = well_conditioned(50, &[3], 3);
    let b = randn(51, &[3, 3, 2]);
    let s = spd(52, &[3], 3);
    assert_close(
        "inv",
        &vmap(|a: &Tensor| linalg::inv(a))(&a),
        &linalg::inv(&a),
        1e-14,
    );
    assert_close(
        "det",
        &vmap(|a: &Tensor| linalg::det(a))(&a),
        &linalg::det(&a),
        1e-13,
    );
    let solve = vmap(|(a, b): &(Tensor, Tensor)| linalg::solve(a, b));
    assert_close(
        "solve",
        &solve(&(a.clone(), b.clone())),
        &linalg::solve(&a, &b),
        1e-14,
    );
    let chol = vmap(|a: &Tensor| linalg::cholesky(a));
    assert_close("cholesky", &chol(&s), &linalg::cholesky(&s), 1e-14);
    assert_close(
        "eigh",
        &vmap(|a: &Tensor| linalg::eigh(a).1)(&s),
        &linalg::eigh(&s).1,
        1e-13,
    );
    assert_close(
        "svd",
        &vmap(|a: &Tensor| linalg::svd(a).0)(&a),
        &linalg::svd(&a).0,
        1e-13,
    );
    assert_close(
        "pinv",
        &vmap(|a: &Tensor| linalg::pinv(a))(&a),
        &linalg::pinv(&a),
        1e-13,
    );
    let nrm = |x: &Tensor| linalg::norm(x, 2, None, false);
    assert_close(
        "norm",
        &vmap(nrm)(&a),
        &linalg::norm(&a, 2, [-2, -1], false),
        1e-13,
    );
    // Per-example gradients of log det under vmap equal the batched gradient (A⁻ᵀ).
    let g = vmap(grad(|a: &Tensor| linalg::slogdet(a).1))(&a);
    assert_close("vmap grad logdet", &g, &mt(&linalg::inv(&a)), 1e-13);
}

fn panic_message(f: impl FnOnce() + std::panic::UnwindSafe) -> String {
    let e = std::panic::catch_unwind(f).expect_err("should panic");
    e.downcast_ref::<String>().cloned().unwrap_or_default()
}

#[test]
fn errors_name_the_op_and_shapes() {
    let m = panic_message(|| {
        linalg::inv(&np::zeros(&[2, 3]));
    });
    assert!(m.contains("inv") && m.contains("[2, 3]"), "{m}");
    let m = panic_message(|| {
        linalg::solve(&np::eye(3), &np::ones(&[2]));
    });
    assert!(
        m.contains("solve") && m.contains("[3, 3]") && m.contains("[2]"),
        "{m}"
    );
    let m = panic_message(|| {
        linalg::det(&np::ones(&[3]));
    });
    assert!(m.contains("det") && m.contains("[3]"), "{m}");
    let m = panic_message(|| {
        linalg::norm(&np::ones(&[3]), NormOrd::Fro, None, false);
    });
    assert!(m.contains("norm") && m.contains("two axes"), "{m}");
    // Data errors come back from the try_ variants.
    let singular = Tensor::from_vec(vec![1.0, 2.0, 2.0, 4.0], &[2, 2]);
    let e = linalg::try_solve(&singular, &np::ones(&[2])).unwrap_err();
    assert!(e.to_string().contains("singular"), "{e}");
    assert!(linalg::try_inv(&singular).is_err());
    assert!(linalg::try_cholesky(&-np::eye(2)).is_err());
    let (sign, logdet) = linalg::slogdet(&singular);
    assert_eq!((sign.item(), logdet.item()), (0.0, f64::NEG_INFINITY));
}
