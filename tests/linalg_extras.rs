//! `ferrograd::linalg` beyond the basics: kernels fed strided views (transposed, flipped,
//! broadcast, stepped) read them in place and agree with contiguous copies; `svd_full`
//! (NumPy's `full_matrices=True`); `lstsq_full` (NumPy's four-part `lstsq`).

mod common;

use common::{close, normal, panic_text};
use ferrograd::linalg::{self, Triangular};
use ferrograd::{check_grads, grad, jvp, np, DType, Tensor};
use ndarray::s;

/// A contiguous copy of `x` (same values, row-major storage).
fn contiguous(x: &Tensor) -> Tensor {
    Tensor::from_vec(x.to_vec(), x.shape())
}

/// `b` broadcast to the batch of `a`.
fn like_batch(a: &Tensor, b: &Tensor) -> Tensor {
    let mut shape = a.shape()[..a.ndim() - 2].to_vec();
    shape.extend(b.shape());
    b.broadcast_to(&shape)
}

/// Strided views of well-conditioned 4×4 matrices: negative, zero and stepped strides.
fn strided_views() -> Vec<(&'static str, Tensor)> {
    let g = normal(1, &[4, 4]);
    let a = &g + 4.0 * np::eye(4);
    let wide = normal(2, &[4, 8]);
    vec![
        ("transposed", a.t()),
        ("flipped", np::flip(&a, None)),
        ("stepped", wide.slice(s![.., ..;2]) + 4.0 * np::eye(4)),
        (
            "reversed steps",
            wide.slice(s![.., ..;-2]) + 4.0 * np::eye(4),
        ),
        ("batch broadcast", a.broadcast_to(&[3, 4, 4])),
    ]
}

#[test]
fn kernels_read_strided_views_in_place() {
    let b = normal(3, &[3, 4]).t(); // a transposed right-hand side
    for (what, a) in strided_views() {
        eprintln!("{what}");
        let c = contiguous(&a);
        let (bs, bc) = (like_batch(&a, &b), like_batch(&c, &contiguous(&b)));
        close(&linalg::solve(&a, &bs), &linalg::solve(&c, &bc), 1e-12);
        close(&linalg::det(&a), &linalg::det(&c), 1e-12);
        close(&linalg::inv(&a), &linalg::inv(&c), 1e-12);
        let spd = a.matmul(&a.swapaxes(-1, -2));
        let l = linalg::cholesky(&spd);
        close(&l, &linalg::cholesky(&contiguous(&spd)), 1e-12);
        let tri = Triangular::lower();
        close(
            &linalg::solve_triangular(&a, &bs, tri),
            &linalg::solve_triangular(&c, &bc, tri),
            1e-12,
        );
        let (w, v) = linalg::eigh(&spd);
        let (wc, vc) = linalg::eigh(&contiguous(&spd));
        close(&w, &wc, 1e-12);
        close(&v, &vc, 1e-10);
        let (u, sv, vt) = linalg::svd(&a);
        let (uc, svc, vtc) = linalg::svd(&c);
        close(&sv, &svc, 1e-12);
        close(&u, &uc, 1e-10);
        close(&vt, &vtc, 1e-10);
        let (q, r) = linalg::qr(&a);
        let (qc, rc) = linalg::qr(&c);
        close(&q, &qc, 1e-12);
        close(&r, &rc, 1e-12);
    }
}

fn max_diff(a: &Tensor, b: &Tensor) -> f64 {
    assert_eq!(a.shape(), b.shape(), "shapes differ");
    if a.size() == 0 {
        return 0.0;
    }
    (a - b).abs().max().item()
}

/// `uᵀu = I` on the last two axes.
fn assert_orthogonal(what: &str, u: &Tensor, tol: f64) {
    let n = u.shape()[u.ndim() - 1];
    let d = max_diff(
        &u.swapaxes(-1, -2).matmul(u),
        &np::eye(n).broadcast_to(u.shape()),
    );
    assert!(d <= tol, "{what}: |uᵀu - I| = {d:e}");
}

// ---- svd_full --------------------------------------------------------------------------------

/// The first `k` entries along `axis`.
fn first(x: &Tensor, k: usize, axis: i64) -> Tensor {
    np::split_indices(x, &[k], axis).swap_remove(0)
}

#[test]
fn svd_full_reconstructs_is_orthogonal_and_extends_the_thin_svd() {
    for shape in [&[4, 2][..], &[2, 5], &[3, 4, 2], &[3, 3], &[2, 0, 3]] {
        for dtype in [DType::F64, DType::F32] {
            let tol = if dtype == DType::F32 { 1e-5 } else { 1e-13 };
            let a = normal(10, shape).astype(dtype);
            let (u, s, vt) = linalg::svd_full(&a);
            let nd = a.ndim();
            let (m, n) = (shape[nd - 2], shape[nd - 1]);
            let k = m.min(n);
            assert_eq!(u.shape()[nd - 2..], [m, m]);
            assert_eq!(vt.shape()[nd - 2..], [n, n]);
            assert_eq!((u.dtype(), s.dtype(), vt.dtype()), (dtype, dtype, dtype));
            assert_orthogonal("U", &u, tol);
            assert_orthogonal("V", &vt.swapaxes(-1, -2), tol);
            // a = U[:, :k] diag(s) Vᵀ[:k, :].
            let (uk, vtk) = (first(&u, k, -1), first(&vt, k, -2));
            let back = (&uk * &s.expand_dims(-2)).matmul(&vtk);
            assert!(
                max_diff(&back, &a) <= 10.0 * tol,
                "{shape:?}: reconstruction"
            );
            // The thin SVD is the leading part, signs included.
            let (ut, st, vtt) = linalg::svd(&a);
            assert!(max_diff(&s, &st) <= 10.0 * tol, "{shape:?}: s");
            assert!(max_diff(&uk, &ut) <= 10.0 * tol, "{shape:?}: U[:, :k]");
            assert!(max_diff(&vtk, &vtt) <= 10.0 * tol, "{shape:?}: Vᵀ[:k]");
        }
    }
}

#[test]
fn svd_full_of_square_matrices_checks_grads() {
    let a = normal(11, &[2, 3, 3]);
    check_grads(|a: &Tensor| linalg::svd_full(a), &a, 2).unwrap();
    check_grads(|a: &Tensor| linalg::svd_full(a), &a.astype(DType::F32), 2).unwrap();
}

#[test]
fn svd_full_of_non_square_matrices_refuses_derivatives() {
    let a = normal(12, &[4, 2]);
    for f in [
        Box::new(|a: Tensor| {
            grad(|a: &Tensor| linalg::svd_full(a).0.sum())(&a);
        }) as Box<dyn Fn(Tensor) + std::panic::RefUnwindSafe>,
        Box::new(|a: Tensor| {
            jvp(|a: &Tensor| linalg::svd_full(a).1, &a, &a);
        }),
    ] {
        let m = panic_text(|| f(a.clone()));
        assert!(
            m.contains("svd_full") && m.contains("[4, 2]") && m.contains("linalg::svd"),
            "{m}"
        );
    }
    // Not differentiated: fine under a transform, e.g. as a constant inside grad.
    let g = grad(|x: &Tensor| (x * linalg::svd_full(&a).1.sum()).sum())(&Tensor::from(1.0));
    assert!((g.item() - linalg::svd(&a).1.sum().item()).abs() < 1e-13);
}

// ---- lstsq_full ------------------------------------------------------------------------------

#[test]
fn lstsq_full_matches_closed_forms() {
    // Lines through (0, 1), (1, 2), (2, 4) and (0, 1), (1, 3), (2, 5): c = (5/6, 3/2) with
    // residual 1/6, and c = (1, 2) exactly. AᵀA = [[3, 3], [3, 5]], so s² = 4 ± √10.
    let a = Tensor::from_vec(vec![1.0, 0.0, 1.0, 1.0, 1.0, 2.0], &[3, 2]);
    let b = Tensor::from_vec(vec![1.0, 1.0, 2.0, 3.0, 4.0, 5.0], &[3, 2]);
    for dtype in [DType::F64, DType::F32] {
        let tol = if dtype == DType::F32 { 1e-5 } else { 1e-13 };
        let (x, res, rank, s) = linalg::lstsq_full(&a.astype(dtype), &b.astype(dtype), None);
        let want_x = Tensor::from_vec(vec![5.0 / 6.0, 1.0, 1.5, 2.0], &[2, 2]);
        assert!(max_diff(&x.astype(DType::F64), &want_x) < tol, "x");
        assert_eq!(res.shape(), &[2]);
        assert!(max_diff(&res.astype(DType::F64), &Tensor::from(vec![1.0 / 6.0, 0.0])) < tol);
        assert_eq!(
            (rank.dtype(), rank.shape(), rank.to_vec()),
            (DType::I64, &[][..], vec![2.0])
        );
        let r10 = 10f64.sqrt();
        let want_s = Tensor::from(vec![(4.0 + r10).sqrt(), (4.0 - r10).sqrt()]);
        assert!(max_diff(&s.astype(DType::F64), &want_s) < tol, "s");
        assert_eq!((x.dtype(), res.dtype(), s.dtype()), (dtype, dtype, dtype));
    }
    // A 1-D right-hand side: one residual, shape [1].
    let (_, res, _, _) = linalg::lstsq_full(&a, &Tensor::from(vec![1.0, 2.0, 4.0]), None);
    assert_eq!(res.shape(), &[1]);
    assert!((res.item() - 1.0 / 6.0).abs() < 1e-13);
}

#[test]
fn lstsq_full_residuals_are_empty_unless_tall_and_full_rank() {
    // Rank 1 (equal columns): s = (√6, 0), residuals empty, x the minimum-norm solution.
    let ones = np::ones(&[3, 2]);
    let y = Tensor::from(vec![1.0, 2.0, 3.0]);
    let (x, res, rank, s) = linalg::lstsq_full(&ones, &y, None);
    assert_eq!((res.shape(), rank.item()), (&[0][..], 1.0));
    assert!(max_diff(&s, &Tensor::from(vec![6f64.sqrt(), 0.0])) < 1e-14);
    assert!(max_diff(&x, &Tensor::from(vec![1.0, 1.0])) < 1e-14); // mean 2, split evenly
                                                                  // Wide: exact solutions, no residuals, rank 2.
    let wide = normal(30, &[2, 3]);
    let (x, res, rank, _) = linalg::lstsq_full(&wide, &Tensor::from(vec![1.0, -1.0]), None);
    assert_eq!((res.shape(), rank.item()), (&[0][..], 2.0));
    assert!(max_diff(&wide.matmul(&x), &Tensor::from(vec![1.0, -1.0])) < 1e-13);
    // A batch with one rank-deficient member: no residuals for any, ranks per member.
    let batch = np::stack(&[&normal(31, &[3, 2]), &ones], 0);
    let (_, res, rank, _) = linalg::lstsq_full(&batch, &normal(32, &[2, 3, 1]), None);
    assert_eq!((res.shape(), rank.to_vec()), (&[2, 0][..], vec![2.0, 1.0]));
    // rcond decides the rank: s = (√6·..., tiny) with a cut above the tiny one.
    let near = Tensor::from_vec(vec![1.0, 1.0, 1.0, 1.0 + 1e-9, 1.0, 1.0], &[3, 2]);
    assert_eq!(linalg::lstsq_full(&near, &y, None).2.item(), 2.0);
    assert_eq!(linalg::lstsq_full(&near, &y, Some(1e-6)).2.item(), 1.0);
}

#[test]
fn lstsq_full_batched_residuals_and_grads() {
    // Residuals = bᵀb - bᵀA (AᵀA)⁻¹ Aᵀ b per column.
    let a = normal(33, &[2, 5, 3]);
    let b = normal(34, &[2, 5, 2]);
    let (_, res, rank, _) = linalg::lstsq_full(&a, &b, None);
    assert_eq!(rank.to_vec(), vec![3.0, 3.0]);
    let atb = a.swapaxes(-1, -2).matmul(&b);
    let proj = (&atb * &linalg::solve(&a.swapaxes(-1, -2).matmul(&a), &atb)).sum_axis(-2);
    let want = (&b * &b).sum_axis(-2) - proj;
    assert!(max_diff(&res, &want) < 1e-12, "residuals");
    let f = |(a, b): &(Tensor, Tensor)| {
        let (x, res, _, s) = linalg::lstsq_full(a, b, None);
        (x, res, s)
    };
    check_grads(f, &(a.clone(), b.clone()), 2).unwrap();
    check_grads(f, &(a.astype(DType::F32), b.astype(DType::F32)), 2).unwrap();
}
