//! Max ulp error of the f32 kernels against the correctly rounded result (the f64 std
//! function rounded to f32), at every level the CPU supports, on dense grids, a strided sweep
//! of all f32 bit patterns, and the edge cases; and partial vectors of every length.

use super::tests::{points, ulps32, FUNCS};
use super::*;

/// The correctly rounded value (up to a rare double rounding; f64 std is within 1 ulp of
/// f64, 2^29 times finer than f32).
fn reference(f: Func, x: f32) -> f32 {
    f.scalar(x as f64) as f32
}

/// Max ulp error, tested at every level (measured: these, on this file's points). Lanes out
/// of the kernels' range use std's f32 function, held to the same bound (glibc's `tanhf` is
/// itself 2 ulp off).
fn bound(f: Func) -> u64 {
    match f {
        Func::Exp | Func::Expm1 | Func::Log => 1,
        Func::Sin | Func::Cos | Func::Tanh => 2,
        Func::Logistic => 3,
    }
}

fn edge_cases() -> Vec<f32> {
    let mut v = vec![
        0.0,
        -0.0,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
        -f32::NAN,
        f32::MIN_POSITIVE,
        -f32::MIN_POSITIVE,
        1e-40, // subnormal
        -1e-40,
        1.4e-45,
        f32::MAX,
        f32::MIN,
        f32::EPSILON,
        // exp: last normal results, overflow, underflow to 0 (and the kernel's range ends).
        88.0,
        88.01,
        88.72,
        88.73,
        -87.0,
        -87.01,
        -87.33,
        -87.34,
        -103.9,
        -104.0,
        // sin/cos: the range ends, π/2 multiples, huge arguments.
        1e4,
        1.0001e4,
        -1e4,
        std::f32::consts::FRAC_PI_2,
        std::f32::consts::PI,
        1e5,
        1e30,
        -1e30,
        // log: negatives, 1 and its neighbours.
        -1.0,
        1.0,
        1.0 + f32::EPSILON,
        1.0 - f32::EPSILON / 2.0,
    ];
    // Around the zeros of sin/cos, where relative error is hardest.
    for k in 1..6400 {
        let z = k as f64 * std::f64::consts::FRAC_PI_2;
        let c = z as f32;
        v.extend([
            c,
            f32::from_bits(c.to_bits() + 1),
            f32::from_bits(c.to_bits() - 1),
        ]);
    }
    v
}

/// The grid for `f`: uniform on its working range, log-spaced magnitudes of both signs
/// (these reach 0, subnormals and ±inf after rounding to f32), and the edge cases.
fn grid(f: Func) -> Vec<f32> {
    let (lo, hi) = match f {
        Func::Exp => (-110.0, 100.0),
        Func::Expm1 => (-20.0, 20.0),
        Func::Log => (0.0, 1e3),
        Func::Sin | Func::Cos => (-1e4, 1e4),
        Func::Tanh => (-10.0, 10.0),
        Func::Logistic => (-110.0, 110.0),
    };
    let mut v: Vec<f32> = points(lo, hi).iter().map(|&x| x as f32).collect();
    v.extend(points(-3.0, 3.0).iter().map(|&x| x as f32));
    v.extend(edge_cases());
    v
}

/// Every 2039th bit pattern: ~2.1 M values of every sign, exponent and NaN payload kind.
fn sweep() -> Vec<f32> {
    (0..=u32::MAX / 2039)
        .map(|i| f32::from_bits(i * 2039))
        .collect()
}

fn check(level: Level, f: Func, xs: &[f32]) {
    let mut got = vec![0.0; xs.len()];
    apply_with(level, f, xs, &mut got);
    let (u, x) = xs
        .iter()
        .zip(&got)
        .map(|(&x, &y)| (ulps32(y, reference(f, x)), x))
        .max_by_key(|p| p.0)
        .unwrap_or((0, 0.0));
    assert!(u <= bound(f), "{level:?} {f:?} f32: {u} ulp at x = {x:e}");
}

#[test]
fn f32_kernels_are_within_their_ulp_bounds() {
    for level in Level::available() {
        for f in FUNCS {
            check(level, f, &grid(f));
        }
    }
}

#[test]
fn f32_kernels_on_a_sweep_of_all_bit_patterns() {
    let xs = sweep();
    for level in Level::available() {
        for f in FUNCS {
            check(level, f, &xs);
        }
    }
}

/// Partial vectors of every length (0..=40) at unaligned starts, full of edge cases: each
/// value gives the same bits as in a long slice, and the long slice is within bounds.
#[test]
fn f32_tails_match_full_vectors() {
    let xs = edge_cases();
    for level in Level::available() {
        for f in FUNCS {
            let mut want = vec![0.0; xs.len()];
            apply_with(level, f, &xs, &mut want);
            check(level, f, &xs);
            for n in 0..=40 {
                let at = n % 5;
                let mut out = vec![0.0; n];
                apply_with(level, f, &xs[at..at + n], &mut out);
                for i in 0..n {
                    let (a, b) = (out[i], want[at + i]);
                    assert!(
                        a.to_bits() == b.to_bits() || a.is_nan() && b.is_nan(),
                        "{level:?} {f:?} len {n}: {a} vs {b} at x = {:e}",
                        xs[at + i]
                    );
                }
            }
        }
    }
}

/// AVX2 and AVX-512 run the same operations per lane, so they agree bit for bit.
#[test]
fn f32_levels_agree_bitwise() {
    let levels: Vec<Level> = Level::available()
        .into_iter()
        .filter(|&l| l != Level::Scalar)
        .collect();
    for f in FUNCS {
        let xs = grid(f);
        let results: Vec<Vec<f32>> = levels
            .iter()
            .map(|&l| {
                let mut out = vec![0.0; xs.len()];
                apply_with(l, f, &xs, &mut out);
                out
            })
            .collect();
        for r in &results[1.min(results.len())..] {
            for i in 0..xs.len() {
                let (a, b) = (r[i], results[0][i]);
                assert!(
                    a.to_bits() == b.to_bits() || a.is_nan() && b.is_nan(),
                    "{f:?}({:e}): {a} vs {b}",
                    xs[i]
                );
            }
        }
    }
}

#[test]
fn f32_large_slices_split_across_threads_agree() {
    let xs: Vec<f32> = (0..crate::kernels::PAR_THRESHOLD + 7)
        .map(|i| i as f32 * 1e-3 - 60.0)
        .collect();
    let whole = map_f32(Func::Tanh, &xs);
    let mut parts = vec![0.0; xs.len()];
    apply_f32(Func::Tanh, &xs, &mut parts);
    assert_eq!(whole, parts);
}
