//! `ferrograd::linalg` beyond the basics: kernels fed strided views (transposed, flipped,
//! broadcast, stepped) read them in place and agree with contiguous copies.

mod common;

use common::{close, normal};
use ferrograd::linalg::{self, Triangular};
use ferrograd::{np, Tensor};
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
