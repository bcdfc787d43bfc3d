//! Helpers shared by the rule-check tests: a tiny deterministic generator, input domains,
//! tolerant comparison, inner products, and stacking/unstacking along a batch axis.

pub mod table;
pub mod table_control;
pub mod table_indexing;
pub mod table_linalg;
pub mod table_special;

use ferrograd_core::{lax, Aval, Tensor};

/// SplitMix64: a tiny, fast, deterministic generator (the seed is printed on failure).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [lo, hi).
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.uniform()
    }
}

/// Where a primitive's input values are drawn from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Domain {
    /// Uniform in [lo, hi).
    Range(f64, f64),
    /// Magnitude uniform in [lo, hi), random sign: stays away from a kink or pole at 0.
    AwayFromZero(f64, f64),
    /// Integers in -2..=2 as floats, so that comparisons see ties.
    SmallInts,
    /// Random booleans.
    Bool,
    /// Stacks of symmetric positive definite matrices (last two axes): `M Mᵀ / n + I` with `M`
    /// uniform in [-1, 1).
    Spd,
    /// Stacks of well-conditioned square matrices: uniform in [-1, 1) plus `n I`.
    Invertible,
    /// Stacks of square matrices of rank `n - d` (`B Cᵀ`, `B` and `C` `n × (n - d)` uniform
    /// in [-1, 1)): singular, exactly representable rank aside from rounding.
    RankDeficient(usize),
}

/// Row-major values of a stack of `n × n` matrices from `f(rng, n)` per matrix.
fn matrices(rng: &mut Rng, aval: &Aval, f: fn(&mut Rng, usize) -> Vec<f64>) -> Vec<f64> {
    let s: &[usize] = &aval.shape;
    let n = s[s.len() - 1];
    let count: usize = s[..s.len() - 2].iter().product();
    (0..count).flat_map(|_| f(rng, n)).collect()
}

fn spd(rng: &mut Rng, n: usize) -> Vec<f64> {
    let m: Vec<f64> = (0..n * n).map(|_| rng.range(-1.0, 1.0)).collect();
    (0..n * n)
        .map(|k| {
            let (i, j) = (k / n, k % n);
            let dot: f64 = (0..n).map(|l| m[i * n + l] * m[j * n + l]).sum();
            dot / n as f64 + f64::from(u8::from(i == j))
        })
        .collect()
}

fn invertible(rng: &mut Rng, n: usize) -> Vec<f64> {
    (0..n * n)
        .map(|k| rng.range(-1.0, 1.0) + if k / n == k % n { n as f64 } else { 0.0 })
        .collect()
}

fn rank_deficient(rng: &mut Rng, n: usize, d: usize) -> Vec<f64> {
    let r = n.saturating_sub(d);
    let b: Vec<f64> = (0..n * r).map(|_| rng.range(-1.0, 1.0)).collect();
    let c: Vec<f64> = (0..n * r).map(|_| rng.range(-1.0, 1.0)).collect();
    (0..n * n)
        .map(|k| {
            let (i, j) = (k / n, k % n);
            (0..r).map(|l| b[i * r + l] * c[j * r + l]).sum()
        })
        .collect()
}

/// A tensor of `aval` with values from `domain`.
pub fn sample(rng: &mut Rng, aval: &Aval, domain: Domain) -> Tensor {
    let n = aval.size();
    let shape: &[usize] = &aval.shape;
    let t = match domain {
        Domain::Bool => {
            let v: Vec<bool> = (0..n).map(|_| rng.uniform() < 0.5).collect();
            return Tensor::from_vec(v, shape);
        }
        Domain::Range(lo, hi) => (0..n).map(|_| rng.range(lo, hi)).collect::<Vec<f64>>(),
        Domain::AwayFromZero(lo, hi) => (0..n)
            .map(|_| {
                let m = rng.range(lo, hi);
                if rng.uniform() < 0.5 {
                    -m
                } else {
                    m
                }
            })
            .collect(),
        Domain::SmallInts => (0..n).map(|_| (rng.next_u64() % 5) as f64 - 2.0).collect(),
        Domain::Spd => matrices(rng, aval, spd),
        Domain::Invertible => matrices(rng, aval, invertible),
        Domain::RankDeficient(d) => {
            let s: &[usize] = &aval.shape;
            let n = s[s.len() - 1];
            let count: usize = s[..s.len() - 2].iter().product();
            (0..count).flat_map(|_| rank_deficient(rng, n, d)).collect()
        }
    };
    lax::convert(&Tensor::from_vec(t, shape), aval.dtype).expect("float conversion")
}

/// Checks `got ≈ want` elementwise: `|g - w| <= atol + rtol |w|` (NaNs must match).
pub fn close(what: &str, got: &Tensor, want: &Tensor, rtol: f64, atol: f64) -> Result<(), String> {
    if got.shape() != want.shape() {
        return Err(format!(
            "{what}: shape {:?} != expected {:?}",
            got.shape(),
            want.shape()
        ));
    }
    let (g, w) = (got.to_vec(), want.to_vec());
    for (i, (a, b)) in g.iter().zip(&w).enumerate() {
        let ok = (a.is_nan() && b.is_nan()) || (a - b).abs() <= atol + rtol * b.abs();
        if !ok {
            return Err(format!(
                "{what}: element {i} is {a}, expected {b} (|diff| {:e})\n got  {g:?}\n want {w:?}",
                (a - b).abs()
            ));
        }
    }
    Ok(())
}

/// `Σ a·b` over all elements of all pairs, in f64.
pub fn inner(a: &[Tensor], b: &[Tensor]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| {
            x.to_vec()
                .iter()
                .zip(y.to_vec())
                .map(|(p, q)| p * q)
                .sum::<f64>()
        })
        .sum()
}

/// Stacks equal-shaped `slices` along a new axis `axis`.
pub fn stack(slices: &[Tensor], axis: usize) -> Tensor {
    let parts: Vec<Tensor> = slices
        .iter()
        .map(|s| {
            let mut shape = s.shape().to_vec();
            shape.insert(axis, 1);
            lax::reshape(s, &shape).expect("reshape")
        })
        .collect();
    lax::concatenate(&parts, axis).expect("concatenate")
}

/// Slice `k` of `x` along `axis`, with that axis removed.
pub fn unstack_one(x: &Tensor, axis: usize, k: usize) -> Tensor {
    let n = x.ndim();
    let mut start = vec![0; n];
    let mut limit = x.shape().to_vec();
    start[axis] = k;
    limit[axis] = k + 1;
    let s = lax::slice(x, &start, &limit, &vec![1; n]).expect("slice");
    let mut shape = x.shape().to_vec();
    shape.remove(axis);
    lax::reshape(&s, &shape).expect("reshape")
}
