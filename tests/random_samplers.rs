//! Statistical and exactness tests of the discrete and extra continuous samplers and the
//! stateful generator. Tolerances are 5 standard errors of the estimate (or χ² critical values
//! at p = 0.001), so each test fails by chance far less often than once in ten thousand
//! runs — and never, since keys are fixed.

use ferrograd::random::{self, Generator};
use ferrograd::{DType, Tensor};

fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

fn var(x: &[f64]) -> f64 {
    let m = mean(x);
    x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (x.len() - 1) as f64
}

/// Pearson's χ² of observed counts against expected probabilities.
fn chi_square(values: &[f64], probs: &[f64]) -> f64 {
    let mut counts = vec![0.0; probs.len()];
    for &v in values {
        counts[v as usize] += 1.0;
    }
    let n = values.len() as f64;
    counts
        .iter()
        .zip(probs)
        .map(|(c, p)| (c - n * p).powi(2) / (n * p))
        .sum()
}

fn std_normal_pdf(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

#[test]
fn bernoulli_frequency_and_edges() {
    let k = random::key(7);
    let b = random::bernoulli(&k, 0.25, &[100_000]);
    assert_eq!(b.dtype(), DType::Bool);
    let f = mean(&b.to_vec());
    let se = (0.25f64 * 0.75 / 100_000.0).sqrt();
    assert!((f - 0.25).abs() < 5.0 * se, "frequency {f}");
    assert!(random::bernoulli(&k, 0.0, &[100])
        .to_vec()
        .iter()
        .all(|&v| v == 0.0));
    assert!(random::bernoulli(&k, 1.0, &[100])
        .to_vec()
        .iter()
        .all(|&v| v == 1.0));
    let e = random::try_bernoulli(&k, 1.5, &[2])
        .unwrap_err()
        .to_string();
    assert!(e.contains("bernoulli") && e.contains("[0, 1]"), "{e}");
}

#[test]
fn randint_is_uniform_on_its_range() {
    let r = random::randint(&random::key(1), &[70_000], -3, 4);
    assert_eq!(r.dtype(), DType::I64);
    let v: Vec<f64> = r.to_vec().iter().map(|x| x + 3.0).collect();
    assert!(v
        .iter()
        .all(|&x| (0.0..7.0).contains(&x) && x.fract() == 0.0));
    // χ² with 6 degrees of freedom: 22.46 at p = 0.001.
    let chi = chi_square(&v, &[1.0 / 7.0; 7]);
    assert!(chi < 22.46, "chi-square {chi}");
    // The full i64 range does not overflow.
    let wide = random::randint(&random::key(2), &[1000], i64::MIN, i64::MAX);
    assert!(wide.to_vec().iter().any(|&x| x < 0.0) && wide.to_vec().iter().any(|&x| x > 0.0));
    assert!(random::try_randint(&random::key(0), &[1], 3, 3).is_err());
    assert_eq!(
        random::randint(&random::key(0), &[0, 4], 0, 2).shape(),
        &[0, 4]
    );
}

#[test]
fn categorical_matches_softmax_of_logits() {
    let logits = Tensor::from(vec![1.0, 2.0, 3.0]);
    let c = random::categorical(&random::key(3), &logits, 60_000);
    assert_eq!(c.shape(), &[60_000]);
    let z: f64 = [1.0f64, 2.0, 3.0].iter().map(|l| l.exp()).sum();
    let p: Vec<f64> = [1.0f64, 2.0, 3.0].iter().map(|l| l.exp() / z).collect();
    // χ² with 2 degrees of freedom: 13.82 at p = 0.001.
    let chi = chi_square(&c.to_vec(), &p);
    assert!(chi < 13.82, "chi-square {chi}");
    // Rows of a batch are sampled independently; -inf logits are never chosen.
    let batch = Tensor::from([[0.0, f64::NEG_INFINITY], [f64::NEG_INFINITY, 0.0]]);
    let s = random::categorical(&random::key(4), &batch, 50);
    assert_eq!(s.shape(), &[50, 2]);
    let v = s.to_vec();
    assert!(v.chunks(2).all(|row| row == [0.0, 1.0]));
    let e =
        random::try_categorical(&random::key(0), &ferrograd::np::zeros(&[2, 0]), 1).unwrap_err();
    assert!(e.to_string().contains("non-empty last axis"), "{e}");
}

#[test]
fn permutations_are_permutations_and_uniform() {
    let p = random::permutation(&random::key(0), 100).to_vec();
    let mut sorted = p.clone();
    sorted.sort_by(f64::total_cmp);
    assert_eq!(sorted, (0..100).map(f64::from).collect::<Vec<_>>());
    // Where item 0 lands, over many keys, is uniform on 0..5.
    let landing: Vec<f64> = (0..20_000)
        .map(|s| {
            let p = random::permutation(&random::fold_in(&random::key(9), s), 5).to_vec();
            p.iter().position(|&v| v == 0.0).expect("0 is present") as f64
        })
        .collect();
    let chi = chi_square(&landing, &[0.2; 5]);
    assert!(chi < 18.47, "chi-square {chi}"); // 4 degrees of freedom, p = 0.001
    assert_eq!(random::permutation(&random::key(0), 0).shape(), &[0]);
}

#[test]
fn shuffle_moves_whole_rows() {
    let x = Tensor::from([[0.0, 10.0], [1.0, 11.0], [2.0, 12.0], [3.0, 13.0]]);
    let y = random::shuffle(&random::key(5), &x).to_vec();
    let mut firsts: Vec<f64> = y.chunks(2).map(|r| r[0]).collect();
    assert!(y.chunks(2).all(|r| r[1] == r[0] + 10.0));
    firsts.sort_by(f64::total_cmp);
    assert_eq!(firsts, vec![0.0, 1.0, 2.0, 3.0]);
    assert!(random::try_shuffle(&random::key(0), &Tensor::from(1.0)).is_err());
}

#[test]
fn choice_with_and_without_replacement() {
    let k = random::key(11);
    let mut picks = random::choice(&k, 50, 20, false, None).to_vec();
    picks.sort_by(f64::total_cmp);
    picks.dedup();
    assert_eq!(picks.len(), 20, "without replacement, no repeats");
    let p = Tensor::from(vec![0.5, 0.0, 0.3, 0.2]);
    let draws = random::choice(&k, 4, 40_000, true, Some(&p)).to_vec();
    assert!(
        draws.iter().all(|&d| d != 1.0),
        "zero-probability item drawn"
    );
    let chi = chi_square(
        &draws
            .iter()
            .filter(|&&d| d != 1.0)
            .map(|&d| if d == 0.0 { 0.0 } else { d - 1.0 })
            .collect::<Vec<_>>(),
        &[0.5, 0.3, 0.2],
    );
    assert!(chi < 13.82, "chi-square {chi}");
    // Weighted without replacement never repeats and never takes a zero-weight item first.
    let w = random::choice(&k, 4, 3, false, Some(&p)).to_vec();
    assert!(w[..2].iter().all(|&d| d != 1.0));
    let e = random::try_choice(&k, 3, 4, false, None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("without replacement"), "{e}");
    let bad = Tensor::from(vec![0.5, 0.6]);
    assert!(random::try_choice(&k, 2, 1, true, Some(&bad)).is_err());
}

#[test]
fn truncated_normal_mean_and_bounds() {
    // Mean of a standard normal truncated to [a, b]: (φ(a) − φ(b)) / (Φ(b) − Φ(a)).
    // The mass Φ(b) − Φ(a), from whichever tail keeps it free of cancellation.
    let tail = |x: f64| 0.5 * libm::erfc(x / std::f64::consts::SQRT_2); // 1 − Φ(x)
    let mass = |a: f64, b: f64| {
        if a > 0.0 {
            tail(a) - tail(b)
        } else {
            tail(-b) - tail(-a)
        }
    };
    for (a, b) in [(-1.0, 2.0), (3.0, 5.0), (-6.0, -4.0), (8.0, 9.0)] {
        let z = random::truncated_normal(&random::key(13), a, b, &[50_000]).to_vec();
        assert!(z.iter().all(|&v| (a..=b).contains(&v)), "out of [{a}, {b}]");
        let want = (std_normal_pdf(a) - std_normal_pdf(b)) / mass(a, b);
        let se = (var(&z) / z.len() as f64).sqrt();
        assert!(
            (mean(&z) - want).abs() < 5.0 * se,
            "[{a}, {b}]: {} vs {want}",
            mean(&z)
        );
    }
    assert!(random::try_truncated_normal(&random::key(0), 1.0, 1.0, &[1]).is_err());
}

#[test]
fn exponential_and_gumbel_moments() {
    let e = random::exponential(&random::key(17), &[50_000]).to_vec();
    assert!(e.iter().all(|&v| v > 0.0 && v.is_finite()));
    assert!((mean(&e) - 1.0).abs() < 5.0 / (50_000f64).sqrt());
    assert!((var(&e) - 1.0).abs() < 0.05);
    let g = random::gumbel(&random::key(19), &[50_000]).to_vec();
    let sd = std::f64::consts::PI / 6f64.sqrt();
    assert!((mean(&g) - 0.577_215_664_901_532_9).abs() < 5.0 * sd / (50_000f64).sqrt());
    assert!((var(&g) - sd * sd).abs() < 0.08);
}

#[test]
fn generator_is_reproducible_and_matches_split_keys() {
    let mut a = Generator::new(42);
    let mut b = Generator::new(42);
    let keys = random::split(&random::key(42), 3);
    let x = a.normal(&[4]);
    assert_eq!(x.to_vec(), b.normal(&[4]).to_vec());
    assert_eq!(x.to_vec(), random::normal(&keys[0], &[4]).to_vec());
    let u = a.uniform(&[3]);
    assert_eq!(u.to_vec(), random::uniform(&keys[1], &[3]).to_vec());
    let i = a.integers(&[5], 0, 3);
    assert_eq!(i.to_vec(), random::randint(&keys[2], &[5], 0, 3).to_vec());
    assert_ne!(a.normal(&[4]).to_vec(), x.to_vec());
}
