//! Max ulp error of the vector kernels against std, on many points and the edge cases.

use super::*;

/// Distance in units in the last place; NaN against NaN and equal infinities are 0.
fn ulps64(a: f64, b: f64) -> u64 {
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

fn ulps32(a: f32, b: f32) -> u64 {
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
fn points(lo: f64, hi: f64) -> Vec<f64> {
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

fn worst64(f: Func, xs: &[f64]) -> (u64, f64) {
    let got = map_f64(f, xs);
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
    for (f, lo, hi, max) in cases {
        let (u, x) = worst64(f, &points(lo, hi));
        assert!(u <= max, "{f:?}: {u} ulp at x = {x:e}");
    }
    // sin/cos on large arguments still inside the in-register reduction.
    for f in [Func::Sin, Func::Cos] {
        let (u, x) = worst64(f, &points(-1e5, 1e5));
        assert!(u <= 2, "{f:?}: {u} ulp at x = {x:e}");
    }
}

#[test]
fn f32_kernels_are_within_one_ulp_of_the_rounded_f64_function() {
    for (f, lo, hi) in [
        (Func::Exp, -110.0, 100.0),
        (Func::Expm1, -5.0, 5.0),
        (Func::Log, 0.0, 1e3),
        (Func::Sin, -1e3, 1e3),
        (Func::Cos, -1e3, 1e3),
        (Func::Tanh, -10.0, 10.0),
        (Func::Logistic, -100.0, 100.0),
    ] {
        let xs: Vec<f32> = points(lo, hi).iter().map(|&x| x as f32).collect();
        let got = map_f32(f, &xs);
        for (&x, &y) in xs.iter().zip(&got) {
            // Against the f64 function rounded to f32 (glibc's f32 functions are ~1 ulp).
            let u = ulps32(y, f.scalar(x as f64) as f32);
            assert!(u <= 1, "{f:?} f32: {u} ulp at x = {x:e}");
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
    for f in [
        Func::Exp,
        Func::Expm1,
        Func::Log,
        Func::Sin,
        Func::Cos,
        Func::Tanh,
        Func::Logistic,
    ] {
        // Lengths 1..=9 exercise the remainder paths too.
        for n in 1..=9 {
            let xs: Vec<f64> = (0..n).map(|i| specials[i % specials.len()]).collect();
            for (&x, &y) in xs.iter().zip(&map_f64(f, &xs)) {
                let want = f.scalar(x);
                assert!(
                    y.to_bits() == want.to_bits() || (y.is_nan() && want.is_nan()),
                    "{f:?}({x}) = {y}, std {want}"
                );
            }
        }
    }
}

#[test]
fn large_slices_split_across_threads_agree() {
    let xs: Vec<f64> = (0..PAR_THRESHOLD + 7)
        .map(|i| i as f64 * 1e-3 - 60.0)
        .collect();
    let whole = map_f64(Func::Sin, &xs);
    let mut parts = vec![0.0; xs.len()];
    apply_f64(Func::Sin, &xs, &mut parts);
    assert_eq!(whole, parts);
}
