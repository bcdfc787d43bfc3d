//! Tests of `ferrograd::random`: Threefry known answers, determinism, independence of split
//! streams, and the moments of the uniform and normal samplers (fixed seeds, so the
//! statistical checks are deterministic; tolerances are several standard errors wide).

use ferrograd::random::{self, threefry2x32, Key};
use ferrograd::DType;

#[test]
fn threefry_matches_random123_known_answers() {
    // Random123's kat_vectors for threefry2x32 with 20 rounds: (counter, key) -> output.
    assert_eq!(threefry2x32([0, 0], [0, 0]), [0x6b20_0159, 0x99ba_4efe]);
    assert_eq!(
        threefry2x32([u32::MAX, u32::MAX], [u32::MAX, u32::MAX]),
        [0x1cb9_96fc, 0xbb00_2be7]
    );
    // The digits of pi: counter (0x243f6a88, 0x85a308d3), key (0x13198a2e, 0x03707344).
    assert_eq!(
        threefry2x32([0x1319_8a2e, 0x0370_7344], [0x243f_6a88, 0x85a3_08d3]),
        [0xc492_3a9c, 0x483d_f7a0]
    );
}

#[test]
fn keys_follow_the_counter_layout() {
    assert_eq!(random::key(0).data(), [0, 0]);
    assert_eq!(random::key((7u64 << 32) | 9).data(), [7, 9]);
    let k = random::key(3);
    let keys = random::split(&k, 4);
    for (i, sub) in keys.iter().enumerate() {
        assert_eq!(sub.data(), threefry2x32(k.data(), [0, i as u32]));
    }
    assert_eq!(random::fold_in(&k, 2), keys[2]);
    assert_eq!(Key::from_data([1, 2]).data(), [1, 2]);
}

#[test]
fn same_key_gives_same_numbers() {
    let k = random::key(123);
    assert_eq!(
        random::uniform(&k, &[7, 3]).to_vec(),
        random::uniform(&k, &[7, 3]).to_vec()
    );
    assert_eq!(
        random::normal(&k, &[50]).to_vec(),
        random::normal(&k, &[50]).to_vec()
    );
    // A sample depends only on its flat position: a prefix of a longer request agrees.
    let long = random::uniform(&k, &[100]).to_vec();
    assert_eq!(random::uniform(&k, &[4, 5]).to_vec(), long[..20].to_vec());
    // The first uniform is the mantissa of the first hash, exactly.
    let [hi, lo] = threefry2x32(k.data(), [0, 0]);
    let bits = ((u64::from(hi) << 32) | u64::from(lo)) >> 12;
    assert_eq!(long[0], bits as f64 * 2f64.powi(-52));
}

fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

fn central_moment(x: &[f64], k: i32) -> f64 {
    let m = mean(x);
    mean(&x.iter().map(|v| (v - m).powi(k)).collect::<Vec<_>>())
}

fn correlation(a: &[f64], b: &[f64]) -> f64 {
    let (ma, mb) = (mean(a), mean(b));
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va * vb).sqrt()
}

#[test]
fn split_streams_are_uncorrelated() {
    let n = 100_000;
    let keys = random::split(&random::key(0), 3);
    let a = random::uniform(&keys[0], &[n]).to_vec();
    let b = random::uniform(&keys[1], &[n]).to_vec();
    let c = random::normal(&keys[2], &[n]).to_vec();
    // Standard error of a correlation is 1/sqrt(n) ~ 0.003.
    assert!(correlation(&a, &b).abs() < 0.01);
    assert!(correlation(&a, &c).abs() < 0.01);
    // Neighbouring elements of one stream, and fold_in streams, are uncorrelated too.
    assert!(correlation(&a[..n - 1], &a[1..]).abs() < 0.01);
    let f = random::uniform(&random::fold_in(&keys[0], 1), &[n]).to_vec();
    assert!(correlation(&a, &f).abs() < 0.01);
    assert_ne!(keys[0], random::key(0));
}

#[test]
fn uniform_moments() {
    let n = 1_000_000;
    let u = random::uniform(&random::key(1), &[n]).to_vec();
    assert!(u.iter().all(|&x| (0.0..1.0).contains(&x)));
    // Standard errors: mean 0.29/sqrt(n) = 3e-4; variance ~ 0.075/sqrt(n) = 7.5e-5.
    assert!((mean(&u) - 0.5).abs() < 1.5e-3, "mean {}", mean(&u));
    assert!((central_moment(&u, 2) - 1.0 / 12.0).abs() < 4e-4);
    let r = random::uniform_range(&random::key(2), &[n], -3.0, 5.0).to_vec();
    assert!(r.iter().all(|&x| (-3.0..5.0).contains(&x)));
    assert!((mean(&r) - 1.0).abs() < 0.012);
    assert!((central_moment(&r, 2) - 64.0 / 12.0).abs() < 0.03);
}

#[test]
fn normal_moments() {
    let n = 1_000_000;
    let z = random::normal(&random::key(3), &[n]).to_vec();
    // Standard errors: mean 1e-3, variance sqrt(2/n) = 1.4e-3, kurtosis sqrt(24/n) = 5e-3.
    assert!(mean(&z).abs() < 5e-3, "mean {}", mean(&z));
    let var = central_moment(&z, 2);
    assert!((var - 1.0).abs() < 7e-3, "variance {var}");
    assert!(central_moment(&z, 3).abs() < 0.015);
    let kurtosis = central_moment(&z, 4) / (var * var);
    assert!((kurtosis - 3.0).abs() < 0.03, "kurtosis {kurtosis}");
    // The tails have the right mass: P(|z| > 1.959964) = 5%, P(z > 3) = 0.135%.
    let beyond_196 = z.iter().filter(|v| v.abs() > 1.959_963_984_540_054).count() as f64;
    assert!((beyond_196 / n as f64 - 0.05).abs() < 1.5e-3);
    let beyond_3 = z.iter().filter(|&&v| v > 3.0).count() as f64;
    assert!((beyond_3 / n as f64 - 0.001_349_898).abs() < 2e-4);
}

#[test]
fn normal_quantile_known_values() {
    // Reference values of the standard normal quantile (to ~16 digits).
    let cases = [
        (0.5, 0.0),
        (0.975, 1.959_963_984_540_054),
        (0.025, -1.959_963_984_540_054),
        (0.841_344_746_068_542_9, 1.0),
        (0.001, -3.090_232_306_167_813_5),
        (1e-10, -6.361_340_902_404_056),
    ];
    for (p, z) in cases {
        let got = random::normal_quantile(p);
        assert!(
            (got - z).abs() <= 1e-13 * z.abs().max(1.0),
            "p = {p}: {got} vs {z}"
        );
    }
    // Deep tails, all three regions of AS 241: the lower-tail mass at the quantile, found by
    // Simpson's rule on the density (relative error ~1e-9 at z = 37), gives back p.
    for p in [0.3, 0.05, 1e-5, 1e-12, 2f64.powi(-53), 1e-300] {
        let z = random::normal_quantile(p);
        let tail = upper_tail(-z);
        assert!(
            (tail - p).abs() < 1e-8 * p,
            "p = {p:e}: z = {z}, mass {tail:e}"
        );
    }
    // Symmetry where 1 - p is exact.
    for p in [0.25, 0.0625, 2f64.powi(-20)] {
        assert_eq!(
            random::normal_quantile(1.0 - p),
            -random::normal_quantile(p)
        );
    }
}

/// Q(x) = ∫ₓ^∞ φ(t) dt for x ≥ 0 by Simpson's rule on [x, x + 12] (the rest is < 1e-30 Q(x)).
fn upper_tail(x: f64) -> f64 {
    let n = 20_000;
    let h = 12.0 / n as f64;
    let phi = |t: f64| (-0.5 * t * t).exp() / (2.0 * std::f64::consts::PI).sqrt();
    let inner: f64 = (1..n)
        .map(|i| phi(x + i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 })
        .sum();
    (phi(x) + inner + phi(x + 12.0)) * h / 3.0
}

#[test]
fn f32_samplers() {
    let k = random::key(5);
    let u = random::uniform_dtype(&k, &[100_000], DType::F32);
    assert_eq!(u.dtype(), DType::F32);
    let u = u.to_vec();
    assert!(u.iter().all(|&x| (0.0..1.0).contains(&x)));
    assert!((mean(&u) - 0.5).abs() < 5e-3);
    let z = random::normal_dtype(&k, &[1000], DType::F32);
    assert_eq!(z.dtype(), DType::F32);
    let z64 = random::normal(&k, &[1000]).to_vec();
    for (a, b) in z.to_vec().iter().zip(&z64) {
        assert_eq!(*a, *b as f32 as f64);
    }
}

#[test]
fn edge_shapes_and_errors() {
    let k = random::key(0);
    assert_eq!(random::normal(&k, &[]).shape(), &[] as &[usize]);
    assert_eq!(random::uniform(&k, &[3, 0]).to_vec(), Vec::<f64>::new());
    assert!(random::try_uniform_dtype(&k, &[2], DType::I64).is_err());
    assert!(random::try_normal_dtype(&k, &[2], DType::Bool).is_err());
    assert!(random::try_uniform_range(&k, &[2], 1.0, 1.0).is_err());
    // A tiny interval stays half-open even when rounding would reach `hi`.
    let hi = 1.0 + f64::EPSILON;
    let r = random::uniform_range(&k, &[1000], 1.0, hi).to_vec();
    assert!(r.iter().all(|&x| x == 1.0));
}
