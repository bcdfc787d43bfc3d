//! Times the `gemm` crate against faer's matmul on the shapes of ferrograd's workloads (W8's
//! MLP products, some with a transposed operand, and W9's squares), on one thread and on
//! all, and prints GFLOP/s. `dot_general` uses `gemm`; this shows whether faer would be
//! faster for some shape class.
//!
//! Run with `cargo run --release -p ferrograd-array --example gemm_vs_faer`.

use std::time::Instant;

use faer::{MatMut, MatRef};

/// Median seconds of `f` over enough runs to take about a quarter of a second.
fn time(mut f: impl FnMut()) -> f64 {
    f();
    let t0 = Instant::now();
    f();
    let once = t0.elapsed().as_secs_f64().max(1e-7);
    let runs = ((0.25 / once) as usize).clamp(3, 2000);
    let mut ts: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .collect();
    ts.sort_by(f64::total_cmp);
    ts[runs / 2]
}

/// One shape: `c (m×n) = op(a) · op(b)`, with `a` stored k×m when `ta` (read transposed) and
/// `b` stored n×k when `tb`.
fn compare<T: faer::traits::ComplexField + Copy + num_traits::Float + Send + Sync + 'static>(
    name: &str,
    m: usize,
    k: usize,
    n: usize,
    ta: bool,
    tb: bool,
) {
    let a: Vec<T> = (0..m * k)
        .map(|i| T::from((i % 17) as f64 * 0.1).unwrap())
        .collect();
    let b: Vec<T> = (0..k * n)
        .map(|i| T::from((i % 13) as f64 * 0.1).unwrap())
        .collect();
    let mut c = vec![T::zero(); m * n];
    // Element strides (row, column) of op(a) and op(b).
    let (a_rs, a_cs) = if ta { (1, m as isize) } else { (k as isize, 1) };
    let (b_rs, b_cs) = if tb { (1, k as isize) } else { (n as isize, 1) };
    let flops = 2.0 * (m * n * k) as f64;
    let threads = rayon::current_num_threads();
    let mut row = format!("{name:<34}");
    for par_threads in [1, threads] {
        let t_gemm = time(|| unsafe {
            let par = if par_threads == 1 {
                gemm::Parallelism::None
            } else {
                gemm::Parallelism::Rayon(par_threads)
            };
            gemm::gemm(
                m,
                n,
                k,
                c.as_mut_ptr(),
                1,
                n as isize,
                false,
                a.as_ptr(),
                a_cs,
                a_rs,
                b.as_ptr(),
                b_cs,
                b_rs,
                T::zero(),
                T::one(),
                false,
                false,
                false,
                par,
            )
        });
        let t_faer = time(|| unsafe {
            let par = if par_threads == 1 {
                faer::Par::Seq
            } else {
                faer::Par::rayon(par_threads)
            };
            let am = MatRef::<T>::from_raw_parts(a.as_ptr(), m, k, a_rs, a_cs);
            let bm = MatRef::<T>::from_raw_parts(b.as_ptr(), k, n, b_rs, b_cs);
            let cm = MatMut::<T>::from_raw_parts_mut(c.as_mut_ptr(), m, n, n as isize, 1);
            faer::linalg::matmul::matmul(cm, faer::Accum::Replace, am, bm, T::one(), par);
        });
        // The output's columns split into one block per thread, each a one-thread gemm.
        let t_split = time(|| {
            let per = n.div_ceil(par_threads);
            let (cp, ap, bp) = (
                c.as_mut_ptr() as usize,
                a.as_ptr() as usize,
                b.as_ptr() as usize,
            );
            rayon::scope(|s| {
                for t in 0..par_threads {
                    let j0 = (t * per).min(n);
                    let nj = per.min(n - j0);
                    s.spawn(move |_| unsafe {
                        gemm::gemm(
                            m,
                            nj,
                            k,
                            (cp as *mut T).add(j0),
                            1,
                            n as isize,
                            false,
                            ap as *const T,
                            a_cs,
                            a_rs,
                            (bp as *const T).offset(j0 as isize * b_cs),
                            b_cs,
                            b_rs,
                            T::zero(),
                            T::one(),
                            false,
                            false,
                            false,
                            gemm::Parallelism::None,
                        )
                    });
                }
            });
        });
        row += &format!(
            " | {par_threads} thr: gemm {:6.1} faer {:6.1} split {:6.1}",
            flops / t_gemm / 1e9,
            flops / t_faer / 1e9,
            flops / t_split / 1e9
        );
    }
    println!("{row}  (GFLOP/s)");
}

fn main() {
    compare::<f32>("W8 x·W 128×784×256 f32", 128, 784, 256, false, false);
    compare::<f32>("W8 xᵀ·dh 784×128×256 f32 (aᵀ)", 784, 128, 256, true, false);
    compare::<f32>("W8 dh·Wᵀ 128×256×784 f32 (bᵀ)", 128, 256, 784, false, true);
    compare::<f32>("W8 h·W3 128×256×10 f32", 128, 256, 10, false, false);
    compare::<f64>("64³ f64", 64, 64, 64, false, false);
    compare::<f64>("W9 500³ f64", 500, 500, 500, false, false);
    compare::<f32>("W9 2048³ f32", 2048, 2048, 2048, false, false);
}
