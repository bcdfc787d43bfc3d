//! Max ulp error of the f64 vector kernels against std, on many points and the edge cases,
//! at every level the CPU supports (AVX-512, AVX2, scalar); shared helpers for the f32 tests.

use super::*;

/// Every function with a kernel.
pub(super) const FUNCS: [Func; 7] = [
    Func::Exp,
    Func::Expm1,
    Func::Log,
    Func::Sin,
    Func::Cos,
    Func::Tanh,
    Func::Logistic,
];

/// Distance in units in the last place; NaN against NaN and equal infinities are 0.
pub(super) fn ulps64(a: f64, b: f64) -> u64 {
    if a.is_nan() && b.is_nan() || a == b {
        return 0;
    }
    if a.is_nan() || b.is_nan() || a.is_infinite() || b.is_infinite() {
        return u64::MAX;
    }
    let key = |x: f64| {
        let i = x.to_bits() as i64;
        if i < 0 {
            i64::MIN - i
        } else {
            i
        }
    };
    key(a).abs_diff(key(b))
}

pub(super) fn ulps32(a: f32, b: f32) -> u64 {
    if a.is_nan() && b.is_nan() || a == b {
        return 0;
    }
    if a.is_nan() || b.is_nan() || a.is_infinite() || b.is_infinite() {
        return u64::MAX;
    }
    let key = |x: f32| {
        let i = x.to_bits() as i32 as i64;
        if i < 0 {
            i32::MIN as i64 - i
        } else {
            i
        }
    };
    key(a).abs_diff(key(b))
}

/// A deterministic spread of points: uniform in [-lo, hi], log-spaced magnitudes of both
/// signs, and the edge cases.
pub(super) fn points(lo: f64, hi: f64) -> Vec<f64> {
    let mut s = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut v: Vec<f64> = (0..40_000).map(|_| lo + (hi - lo) * next()).collect();
    for k in -1074..1024 {
        let m = 2f64.powi(k.min(1023)) * (1.0 + next());
        v.extend([m, -m]);
    }
    v.extend([
        0.0,
        -0.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        f64::MIN_POSITIVE,
        5e-324,
        -5e-324,
        1e-310,
        f64::MAX,
        -f64::MAX,
        709.78,
        709.79,
        -708.4,
        -745.1,
        -746.0,
        1e5,
        1e6,
        1e22,
        std::f64::consts::PI,
        std::f64::consts::FRAC_PI_2,
    ]);
    v
}

fn worst64(level: Level, f: Func, xs: &[f64]) -> (u64, f64) {
    let mut got = vec![0.0; xs.len()];
    apply_with(level, f, xs, &mut got);
    xs.iter()
        .zip(&got)
        .map(|(&x, &y)| (ulps64(y, f.scalar(x)), x))
        .max_by_key(|p| p.0)
        .unwrap()
}

#[test]
fn f64_kernels_are_within_a_few_ulp_of_std() {
    let cases = [
        (Func::Exp, -750.0, 750.0, 2),
        (Func::Expm1, -5.0, 5.0, 2),
        (Func::Log, 0.0, 1e3, 2),
        (Func::Sin, -50.0, 50.0, 2),
        (Func::Cos, -50.0, 50.0, 2),
        (Func::Tanh, -5.0, 5.0, 3),
        (Func::Logistic, -40.0, 40.0, 3),
    ];
    for level in Level::available() {
        for (f, lo, hi, max) in cases {
            let (u, x) = worst64(level, f, &points(lo, hi));
            assert!(u <= max, "{level:?} {f:?}: {u} ulp at x = {x:e}");
        }
        // sin/cos on large arguments still inside the in-register reduction.
        for f in [Func::Sin, Func::Cos] {
            let (u, x) = worst64(level, f, &points(-1e5, 1e5));
            assert!(u <= 2, "{level:?} {f:?}: {u} ulp at x = {x:e}");
        }
    }
}

#[test]
fn special_values_match_std_exactly() {
    let specials = [
        0.0,
        -0.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        1e300,
        -1e300,
    ];
    for level in Level::available() {
        for f in FUNCS {
            // Lengths 1..=17 exercise the partial-vector paths of every width too.
            for n in 1..=17 {
                let xs: Vec<f64> = (0..n).map(|i| specials[i % specials.len()]).collect();
                let mut got = vec![0.0; n];
                apply_with(level, f, &xs, &mut got);
                for (&x, &y) in xs.iter().zip(&got) {
                    let want = f.scalar(x);
                    assert!(
                        y.to_bits() == want.to_bits() || (y.is_nan() && want.is_nan()),
                        "{level:?} {f:?}({x}) = {y}, std {want}"
                    );
                }
            }
        }
    }
}

/// The widths compute lane by lane with the same operations, so they agree bit for bit; and
/// a value gives the same result wherever it sits (full vector, padded or masked tail).
#[test]
fn f64_levels_and_tails_agree_bitwise() {
    let xs = points(-30.0, 30.0);
    for f in FUNCS {
        let mut want = vec![0.0; xs.len()];
        apply_with(Level::best(), f, &xs, &mut want);
        for level in Level::available()
            .into_iter()
            .filter(|&l| l != Level::Scalar)
        {
            let mut got = vec![0.0; xs.len()];
            apply_with(level, f, &xs, &mut got);
            let same = |a: f64, b: f64| a.to_bits() == b.to_bits() || a.is_nan() && b.is_nan();
            for i in 0..xs.len() {
                assert!(same(got[i], want[i]), "{level:?} {f:?}({:e})", xs[i]);
            }
            // Windows ending among the edge cases at the end of `xs`, at unaligned starts.
            for n in 0..=40 {
                let at = xs.len() - n - 1 - n % 3;
                let mut out = vec![0.0; n];
                apply_with(level, f, &xs[at..at + n], &mut out);
                for i in 0..n {
                    assert!(same(out[i], want[at + i]), "{level:?} {f:?} len {n}");
                }
            }
        }
    }
}

#[test]
fn large_slices_split_across_threads_agree() {
    let xs: Vec<f64> = (0..crate::kernels::PAR_THRESHOLD + 7)
        .map(|i| i as f64 * 1e-3 - 60.0)
        .collect();
    let whole = map_f64(Func::Sin, &xs);
    let mut parts = vec![0.0; xs.len()];
    apply_f64(Func::Sin, &xs, &mut parts);
    assert_eq!(whole, parts);
}
