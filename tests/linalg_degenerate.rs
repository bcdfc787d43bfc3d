//! `ferrograd::linalg` at degenerate inputs: derivatives of `det` of orders 2 and 3 at
//! singular matrices (rank n − 1 and n − 2) against closed forms and finite differences, in
//! forward and reverse mode; `slogdet`'s infinite gradient at a singular matrix; NaN in, NaN
//! out for every decomposition, matrix by matrix.

use ferrograd::linalg::{self, Triangular};
use ferrograd::{check_grads, grad, hessian, jacfwd, jacrev, jvp, np, Tensor};

/// A matrix from its rows.
fn m(rows: &[&[f64]]) -> Tensor {
    let v: Vec<f64> = rows.iter().flat_map(|r| r.iter().copied()).collect();
    Tensor::from_vec(v, &[rows.len(), rows[0].len()])
}

/// Singular matrices with exactly zero LU pivots: `(name, matrix)`, ranks n − 1 and n − 2.
fn singular() -> Vec<(&'static str, Tensor)> {
    vec![
        ("2×2 rank 1", m(&[&[1.0, 2.0], &[2.0, 4.0]])),
        ("2×2 rank 0", m(&[&[0.0, 0.0], &[0.0, 0.0]])),
        (
            "3×3 rank 2",
            m(&[&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0], &[1.0, 0.0, 1.0]]),
        ),
        (
            "3×3 rank 1",
            m(&[&[1.0, 2.0, -1.0], &[2.0, 4.0, -2.0], &[3.0, 6.0, -3.0]]),
        ),
        (
            "4×4 rank 3",
            m(&[
                &[4.0, 1.0, 0.0, 2.0],
                &[0.0, 2.0, 1.0, 0.0],
                &[0.0, 0.0, 1.0, 1.0],
                &[4.0, 3.0, 1.0, 2.0],
            ]),
        ),
        (
            "4×4 rank 2",
            m(&[
                &[2.0, 0.0, 1.0, 1.0],
                &[0.0, 1.0, 1.0, -1.0],
                &[2.0, 1.0, 2.0, 0.0],
                &[2.0, -1.0, 0.0, 2.0],
            ]),
        ),
    ]
}

fn det3(a: &[f64]) -> f64 {
    a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6])
        + a[2] * (a[3] * a[7] - a[4] * a[6])
}

/// `D³ det[X, Y, Z]` for 3×3 (a constant): det is multilinear in the columns, so it is the
/// sum over the 6 ways of taking column c from a different one of X, Y, Z.
fn third_derivative_3x3(w: [&[f64]; 3]) -> f64 {
    let perms = [
        [0, 1, 2],
        [0, 2, 1],
        [1, 0, 2],
        [1, 2, 0],
        [2, 0, 1],
        [2, 1, 0],
    ];
    perms
        .iter()
        .map(|p| {
            let cols: Vec<f64> = (0..9).map(|k| w[p[k % 3]][k]).collect();
            det3(&cols)
        })
        .sum()
}

#[test]
fn det_is_singular_exactly_at_the_test_matrices() {
    for (name, a) in singular() {
        assert_eq!(linalg::det(&a).item(), 0.0, "{name}");
    }
}

#[test]
fn det_hessian_of_2x2_is_the_constant_closed_form_at_singular_matrices() {
    // det = a₀₀a₁₁ − a₀₁a₁₀: H[(0,0),(1,1)] = H[(1,1),(0,0)] = 1,
    // H[(0,1),(1,0)] = H[(1,0),(0,1)] = −1, zero elsewhere.
    let mut want = vec![0.0; 16];
    for (i, v) in [(3, 1.0), (12, 1.0), (6, -1.0), (9, -1.0)] {
        want[i] = v;
    }
    let want = Tensor::from_vec(want, &[2, 2, 2, 2]);
    let det = |a: &Tensor| linalg::det(a);
    for (name, a) in singular().into_iter().take(2) {
        let fwd_rev = hessian(det)(&a);
        let rev_rev = jacrev(|a: &Tensor| grad(det)(a))(&a);
        let fwd_fwd = jacfwd(|a: &Tensor| jacfwd(det)(a))(&a);
        for (how, h) in [
            ("fwd∘rev", fwd_rev),
            ("rev∘rev", rev_rev),
            ("fwd∘fwd", fwd_fwd),
        ] {
            assert_eq!(h.shape(), &[2, 2, 2, 2]);
            for (k, (g, w)) in h.to_vec().iter().zip(want.to_vec()).enumerate() {
                assert!(
                    (g - w).abs() < 1e-13,
                    "{name} {how}: H[{k}] = {g}, want {w}"
                );
            }
        }
    }
}

#[test]
fn det_second_derivatives_at_singular_matrices_check_grads() {
    // Orders 1 and 2, forward and reverse and each nesting, against central differences.
    for (name, a) in singular() {
        check_grads(|a: &Tensor| linalg::det(a), &a, 2).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    // A batch mixing ranks, with a regular matrix.
    let (s, two) = (singular(), &np::eye(3) * 2.0);
    let stack = np::stack(&[&s[2].1, &s[3].1, &two], 0);
    check_grads(|a: &Tensor| linalg::det(a), &stack, 2).unwrap();
}

#[test]
fn det_third_derivatives_of_3x3_at_singular_matrices() {
    let (x, y, z) = (
        [0.5, -1.0, 2.0, 1.5, 0.0, -0.5, 1.0, 2.0, -2.0],
        [1.0, 0.5, -1.5, -2.0, 1.0, 0.0, 0.5, -1.0, 1.0],
        [-1.0, 2.0, 0.5, 0.0, 1.5, 1.0, -0.5, 1.0, 2.0],
    );
    let want = third_derivative_3x3([&x, &y, &z]);
    let t = |v: &[f64; 9]| Tensor::from_vec(v.to_vec(), &[3, 3]);
    let (tx, ty, tz) = (t(&x), t(&y), t(&z));
    let d1 = |a: &Tensor| jvp(|a: &Tensor| linalg::det(a), a, &tx).1;
    let d2 = |a: &Tensor| jvp(d1, a, &ty).1;
    for (name, a) in singular().into_iter().skip(2).take(2) {
        // Forward over forward over forward.
        let fwd = jvp(d2, &a, &tz).1.item();
        assert!((fwd - want).abs() < 1e-12, "{name} fwd: {fwd} vs {want}");
        // Reverse over forward over forward, and reverse over reverse over reverse: ⟨∇d2, Z⟩.
        let rev = (grad(d2)(&a) * &tz).sum().item();
        assert!((rev - want).abs() < 1e-12, "{name} rev: {rev} vs {want}");
        let g2 = |a: &Tensor| (grad(|a: &Tensor| linalg::det(a))(a) * &tx).sum();
        let g3 = |a: &Tensor| (grad(g2)(a) * &ty).sum();
        let rrr = (grad(g3)(&a) * &tz).sum().item();
        assert!((rrr - want).abs() < 1e-12, "{name} rev³: {rrr} vs {want}");
        // Orders 2 and 3 against finite differences.
        check_grads(grad(|a: &Tensor| linalg::det(a)), &a, 2)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn det_fourth_derivatives_of_4x4_at_rank_2_check_grads() {
    let a = singular()[5].1.clone();
    let h = |a: &Tensor| hessian(|a: &Tensor| linalg::det(a))(a);
    check_grads(h, &a, 2).unwrap();
}

#[test]
fn slogdet_gradient_at_a_singular_matrix_is_infinite_as_in_jax() {
    let logdet = |a: &Tensor| linalg::slogdet(a).1;
    let a = singular()[0].1.clone();
    let inf = f64::INFINITY;
    assert_eq!(grad(logdet)(&a).to_vec(), vec![inf, -inf, -inf, inf]);
    // Forward mode: tr(adj(A) dA) / 0 entry by entry; dA = I gives (4 + 1)/0.
    let (y, t) = jvp(logdet, &a, &np::eye(2));
    assert_eq!((y.item(), t.item()), (-inf, inf));
    // In a stack, the regular matrix keeps its gradient A⁻ᵀ.
    let b = Tensor::from_vec(vec![2.0, 1.0, 1.0, 3.0], &[2, 2]);
    let g = grad(|s: &Tensor| linalg::slogdet(s).1.sum())(&np::stack(&[&a, &b], 0));
    let g = g.to_vec();
    assert_eq!(g[..4], [inf, -inf, -inf, inf]);
    let want = linalg::inv(&b).t().to_vec();
    for (x, w) in g[4..].iter().zip(want) {
        assert!((x - w).abs() < 1e-15, "{g:?}");
    }
    // A zero adjugate entry gives 0/0: adj([[1, 0], [0, 0]]) = [[0, 0], [0, 1]].
    let e = m(&[&[1.0, 0.0], &[0.0, 0.0]]);
    let g = grad(logdet)(&e).to_vec();
    assert!(g[..3].iter().all(|x| x.is_nan()) && g[3] == inf, "{g:?}");
    // Lower rank, and second derivatives: non-finite, never a panic.
    for (name, a) in singular().into_iter().skip(1) {
        let g = grad(logdet)(&a).to_vec();
        assert!(g.iter().all(|x| !x.is_finite()), "{name}: {g:?}");
        let h = hessian(logdet)(&a).to_vec();
        assert!(h.iter().all(|x| !x.is_finite()), "{name}: {h:?}");
    }
}

// ---- NaN in, NaN out ------------------------------------------------------------------------

/// A stack of a regular matrix and one holding `bad` at `[0, 1]` (`rows × cols`).
fn poisoned(rows: usize, cols: usize, bad: f64) -> (Tensor, Tensor) {
    let good: Vec<f64> = (0..rows * cols)
        .map(|k| {
            let (i, j) = (k / cols, k % cols);
            if i == j {
                4.0
            } else {
                1.0 / (1.0 + (i + 2 * j) as f64)
            }
        })
        .collect();
    let mut bad_m = good.clone();
    bad_m[1] = bad;
    let good = Tensor::from_vec(good, &[rows, cols]);
    let stack = np::stack(&[&good, &Tensor::from_vec(bad_m, &[rows, cols])], 0);
    (good, stack)
}

/// Element 0 of the stack equals `alone` (the regular matrix's own result); element 1 is all
/// NaN.
fn check_nan_out(what: &str, out: &Tensor, alone: &Tensor) {
    let k = alone.size();
    let v = out.to_vec();
    assert_eq!(v.len(), 2 * k, "{what}: shape {:?}", out.shape());
    for (g, w) in v[..k].iter().zip(alone.to_vec()) {
        assert!(
            (g - w).abs() < 1e-12,
            "{what}: the regular matrix changed: {g} vs {w}"
        );
    }
    assert!(v[k..].iter().all(|x| x.is_nan()), "{what}: {:?}", &v[k..]);
}

#[test]
fn decompositions_give_nan_for_nan_and_infinite_input() {
    for bad in [f64::NAN, f64::INFINITY] {
        for (r, c) in [(3, 3), (4, 2), (2, 4)] {
            let (g, s) = poisoned(r, c, bad);
            let ((q, rr), (q1, r1)) = (linalg::qr(&s), linalg::qr(&g));
            check_nan_out(&format!("qr q {r}×{c} {bad}"), &q, &q1);
            check_nan_out(&format!("qr r {r}×{c} {bad}"), &rr, &r1);
            let ((u, sv, vt), (u1, s1, vt1)) = (linalg::svd(&s), linalg::svd(&g));
            check_nan_out(&format!("svd u {r}×{c} {bad}"), &u, &u1);
            check_nan_out(&format!("svd s {r}×{c} {bad}"), &sv, &s1);
            check_nan_out(&format!("svd vt {r}×{c} {bad}"), &vt, &vt1);
            let ((u, sv, vt), (u1, s1, vt1)) = (linalg::svd_full(&s), linalg::svd_full(&g));
            check_nan_out(&format!("svd_full u {r}×{c} {bad}"), &u, &u1);
            check_nan_out(&format!("svd_full s {r}×{c} {bad}"), &sv, &s1);
            check_nan_out(&format!("svd_full vt {r}×{c} {bad}"), &vt, &vt1);
            check_nan_out("pinv", &linalg::pinv(&s), &linalg::pinv(&g));
        }
        let (g, s) = poisoned(3, 3, bad);
        let sym = |x: &Tensor| (x + x.swapaxes(-1, -2)) * 0.5;
        let (w, v) = linalg::eigh(&s);
        let (w1, v1) = linalg::eigh(&g);
        check_nan_out(&format!("eigh w {bad}"), &w, &w1);
        check_nan_out(&format!("eigh v {bad}"), &v, &v1);
        let l = linalg::try_cholesky(&sym(&s)).expect("NaN out, not an error");
        check_nan_out(&format!("cholesky {bad}"), &l, &linalg::cholesky(&sym(&g)));
    }
}

#[test]
fn solves_and_determinants_give_nan_for_nan_input() {
    let (g, s) = poisoned(3, 3, f64::NAN);
    let b = Tensor::from(vec![1.0, 2.0, 3.0]);
    check_nan_out("solve", &linalg::solve(&s, &b), &linalg::solve(&g, &b));
    check_nan_out("inv", &linalg::inv(&s), &linalg::inv(&g));
    check_nan_out("det", &linalg::det(&s), &linalg::det(&g));
    let ((sign, log), (sign1, log1)) = (linalg::slogdet(&s), linalg::slogdet(&g));
    check_nan_out("slogdet sign", &sign, &sign1);
    check_nan_out("slogdet log", &log, &log1);
    check_nan_out(
        "lstsq",
        &linalg::lstsq(&s, &b, None),
        &linalg::lstsq(&g, &b, None),
    );
    // The NaN at [0, 1] is in the upper triangle: read by an upper solve, not by a lower one.
    let up = Triangular::upper();
    check_nan_out(
        "solve_triangular (upper)",
        &linalg::solve_triangular(&s, &b, up),
        &linalg::solve_triangular(&g, &b, up),
    );
    let lo = linalg::solve_triangular(&s, &b, Triangular::lower());
    assert!(lo.to_vec().iter().all(|x| x.is_finite()), "{lo}");
    // A NaN where LU would also find a zero pivot: NaN, not "singular".
    let z = m(&[&[f64::NAN, 0.0], &[0.0, 0.0]]);
    let x = linalg::try_solve(&z, &np::ones(&[2])).expect("NaN out, not an error");
    assert!(x.to_vec().iter().all(|x| x.is_nan()), "{x}");
    // The adjugate (det's derivative) too, rather than "the SVD did not converge".
    let gd = grad(|a: &Tensor| linalg::det(a).sum())(&s).to_vec();
    assert!(gd[9..].iter().all(|x| x.is_nan()), "{gd:?}");
}
