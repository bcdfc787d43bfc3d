//! Discrete samplers: bernoulli, randint, categorical, choice, permutation.
//!
//! Each is a pure function of a key, like the continuous samplers: element `i` of a request
//! uses the bits hashed from counter `i`, so results do not depend on threads or machines.

use ferrograd_core::api::ok;
use ferrograd_core::{Error, Result, Tensor};

use super::{bits64, numel, open_unit, split, unit_f64, Key};

/// Booleans that are `true` with probability `p` (JAX's `bernoulli`): `uniform < p`.
///
/// ```
/// use ferrograd::random;
/// let b = random::bernoulli(&random::key(0), 0.3, &[10_000]);
/// let frac = b.astype(ferrograd::DType::F64).mean().item();
/// assert!((frac - 0.3).abs() < 0.02);
/// ```
///
/// # Panics
/// If `p` is not in [0, 1]; see [`try_bernoulli`].
#[track_caller]
pub fn bernoulli(key: &Key, p: f64, shape: &[usize]) -> Tensor {
    ok(try_bernoulli(key, p, shape))
}

/// Fallible [`bernoulli`].
pub fn try_bernoulli(key: &Key, p: f64, shape: &[usize]) -> Result<Tensor> {
    if !(0.0..=1.0).contains(&p) {
        return Err(Error::invalid(
            "bernoulli",
            format!("the probability must be in [0, 1], got {p}"),
        ));
    }
    let values: Vec<bool> = (0..numel(shape))
        .map(|i| unit_f64(bits64(key, i)) < p)
        .collect();
    Tensor::try_from_vec(values, shape)
}

/// Integers uniform on `[lo, hi)` as i64 (JAX's `randint`).
///
/// Each sample is the high 64 bits of `bits · (hi − lo)` (Lemire's multiply-shift), whose
/// bias is below `(hi − lo) / 2⁶⁴` — far beneath anything a test can see.
///
/// ```
/// use ferrograd::random;
/// let r = random::randint(&random::key(3), &[1000], -2, 5);
/// assert!(r.to_vec().iter().all(|&v| (-2.0..5.0).contains(&v)));
/// ```
///
/// # Panics
/// If `lo >= hi`; see [`try_randint`].
#[track_caller]
pub fn randint(key: &Key, shape: &[usize], lo: i64, hi: i64) -> Tensor {
    ok(try_randint(key, shape, lo, hi))
}

/// Fallible [`randint`].
pub fn try_randint(key: &Key, shape: &[usize], lo: i64, hi: i64) -> Result<Tensor> {
    if lo >= hi {
        return Err(Error::invalid(
            "randint",
            format!("needs lo < hi, got lo = {lo}, hi = {hi}"),
        ));
    }
    let range = (hi as i128 - lo as i128) as u128;
    let values: Vec<i64> = (0..numel(shape))
        .map(|i| {
            let offset = (u128::from(bits64(key, i)) * range) >> 64;
            (lo as i128 + offset as i128) as i64
        })
        .collect();
    Tensor::try_from_vec(values, shape)
}

/// Standard Gumbel samples as f64: `−ln(−ln u)` with `u` strictly inside (0, 1).
///
/// ```
/// use ferrograd::random;
/// let g = random::gumbel(&random::key(0), &[20_000]);
/// let mean = g.mean().item(); // the Euler–Mascheroni constant
/// assert!((mean - 0.5772156649).abs() < 0.03);
/// ```
pub fn gumbel(key: &Key, shape: &[usize]) -> Tensor {
    ok(Tensor::try_from_vec(
        gumbel_values(key, numel(shape)),
        shape,
    ))
}

fn gumbel_values(key: &Key, n: usize) -> Vec<f64> {
    (0..n).map(|i| -(-open_unit(key, i).ln()).ln()).collect()
}

/// Samples category indices (i64) from unnormalised log-probabilities along the last axis
/// of `logits` (JAX's `categorical`): the result has `logits`' shape without its last axis.
/// Uses the Gumbel-max trick: `argmax(logits + gumbel)` is distributed as `softmax(logits)`.
///
/// ```
/// use ferrograd::{random, Tensor};
/// let logits = Tensor::from(vec![0.0, f64::NEG_INFINITY, 0.0]);
/// let c = random::categorical(&random::key(1), &logits, 100);
/// assert!(c.to_vec().iter().all(|&k| k == 0.0 || k == 2.0));
/// ```
///
/// `num_samples` draws are taken per row; the result's shape is
/// `[num_samples, ...logits.shape[..-1]]`.
///
/// # Panics
/// If `logits` is traced, not float, 0-d, or has an empty last axis; see
/// [`try_categorical`].
#[track_caller]
pub fn categorical(key: &Key, logits: &Tensor, num_samples: usize) -> Tensor {
    ok(try_categorical(key, logits, num_samples))
}

/// Fallible [`categorical`].
pub fn try_categorical(key: &Key, logits: &Tensor, num_samples: usize) -> Result<Tensor> {
    let logits = logits.try_array("categorical")?;
    if !logits.dtype().is_float() {
        return Err(Error::dtype(
            "categorical",
            "float logits (convert with astype(DType::F64))",
            logits.dtype(),
        ));
    }
    let shape = logits.shape();
    let Some((&k, batch)) = shape.split_last().filter(|(&k, _)| k > 0) else {
        return Err(Error::invalid(
            "categorical",
            format!("logits need a non-empty last axis (the categories), got shape {shape:?}"),
        ));
    };
    let rows = numel(batch);
    let values = Tensor::from_array(logits.clone()).to_vec();
    let g = gumbel_values(key, num_samples * rows * k);
    let out: Vec<i64> = (0..num_samples * rows)
        .map(|s| {
            let row = &values[(s % rows) * k..(s % rows + 1) * k];
            let noise = &g[s * k..(s + 1) * k];
            argmax((0..k).map(|j| row[j] + noise[j])) as i64
        })
        .collect();
    let out_shape: Vec<usize> = std::iter::once(num_samples)
        .chain(batch.iter().copied())
        .collect();
    Tensor::try_from_vec(out, &out_shape)
}

fn argmax(values: impl Iterator<Item = f64>) -> usize {
    let mut best = (0, f64::NEG_INFINITY);
    for (j, v) in values.enumerate() {
        if v > best.1 {
            best = (j, v);
        }
    }
    best.0
}

/// A random ordering of `0..n` as i64 (JAX's `permutation` of an integer): the indices
/// sorted by 64 random bits each (ties, which have probability ~n²/2⁶⁵, by index).
///
/// ```
/// use ferrograd::random;
/// let mut p = random::permutation(&random::key(0), 5).to_vec();
/// p.sort_by(f64::total_cmp);
/// assert_eq!(p, vec![0.0, 1.0, 2.0, 3.0, 4.0]);
/// ```
pub fn permutation(key: &Key, n: usize) -> Tensor {
    ok(Tensor::try_from_vec(permuted_indices(key, n), &[n]))
}

fn permuted_indices(key: &Key, n: usize) -> Vec<i64> {
    let mut idx: Vec<(u64, i64)> = (0..n).map(|i| (bits64(key, i), i as i64)).collect();
    idx.sort_unstable();
    idx.into_iter().map(|(_, i)| i).collect()
}

/// The rows (axis-0 slices) of `x` in a random order (JAX's `permutation` of an array).
///
/// ```
/// use ferrograd::{random, Tensor};
/// let x = Tensor::from([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
/// let y = random::shuffle(&random::key(0), &x);
/// assert_eq!(y.shape(), &[3, 2]);
/// assert_eq!(y.sum().item(), 21.0);
/// ```
///
/// # Panics
/// If `x` is 0-d or traced; see [`try_shuffle`].
#[track_caller]
pub fn shuffle(key: &Key, x: &Tensor) -> Tensor {
    ok(try_shuffle(key, x))
}

/// Fallible [`shuffle`].
pub fn try_shuffle(key: &Key, x: &Tensor) -> Result<Tensor> {
    x.try_array("shuffle")?;
    if x.ndim() == 0 {
        return Err(Error::rank(
            "shuffle",
            "at least one axis",
            x.shape(),
            "a 0-d array cannot be shuffled; reshape it to 1-d",
        ));
    }
    let rows: Vec<Tensor> = permuted_indices(key, x.shape()[0])
        .into_iter()
        .map(|i| x.get(i))
        .collect();
    if rows.is_empty() {
        return Ok(x.clone());
    }
    Ok(Tensor::stack(&rows.iter().collect::<Vec<_>>(), 0))
}

/// `size` draws from `0..n` (JAX's `choice` of an integer), with or without replacement,
/// uniform or with probabilities `p` (which must sum to 1), as i64.
///
/// ```
/// use ferrograd::random;
/// let mut picks = random::choice(&random::key(0), 10, 10, false, None).to_vec();
/// picks.sort_by(f64::total_cmp);
/// assert_eq!(picks, (0..10).map(f64::from).collect::<Vec<_>>());
/// ```
///
/// # Panics
/// On invalid arguments; see [`try_choice`].
#[track_caller]
pub fn choice(key: &Key, n: usize, size: usize, replace: bool, p: Option<&Tensor>) -> Tensor {
    ok(try_choice(key, n, size, replace, p))
}

/// Fallible [`choice`]: errors when `size > n` without replacement, when `p` does not have
/// `n` non-negative entries summing to 1, or when `n` is 0 and `size` is not.
pub fn try_choice(
    key: &Key,
    n: usize,
    size: usize,
    replace: bool,
    p: Option<&Tensor>,
) -> Result<Tensor> {
    if n == 0 && size > 0 {
        return Err(Error::Empty {
            op: "choice",
            what: "item to choose from",
        });
    }
    if !replace && size > n {
        return Err(Error::invalid(
            "choice",
            format!("cannot take {size} items from {n} without replacement; pass replace = true or a smaller size"),
        ));
    }
    let Some(p) = p else {
        return Ok(if replace {
            try_randint(key, &[size], 0, n.max(1) as i64)?
        } else {
            let picks: Vec<i64> = permuted_indices(key, n).into_iter().take(size).collect();
            Tensor::try_from_vec(picks, &[size])?
        });
    };
    let logp = checked_log_probabilities(p, n)?;
    if replace {
        let c = try_categorical(key, &Tensor::from_vec(logp, &[n]), size)?;
        return Ok(c);
    }
    // Without replacement: the `size` largest of log p + Gumbel noise (the Gumbel-top-k
    // trick; Kool, van Hoof & Welling, ICML 2019), drawn under a subkey.
    let g = gumbel_values(&split(key, 1)[0], n);
    let mut order: Vec<(f64, i64)> = logp
        .iter()
        .zip(&g)
        .enumerate()
        .map(|(i, (l, g))| (l + g, i as i64))
        .collect();
    order.sort_by(|a, b| b.0.total_cmp(&a.0));
    let picks: Vec<i64> = order.into_iter().take(size).map(|(_, i)| i).collect();
    Tensor::try_from_vec(picks, &[size])
}

fn checked_log_probabilities(p: &Tensor, n: usize) -> Result<Vec<f64>> {
    p.try_array("choice")?;
    let ok_shape = p.shape() == [n];
    let values = if ok_shape { p.to_vec() } else { Vec::new() };
    let sum: f64 = values.iter().sum();
    if !ok_shape || values.iter().any(|&v| v < 0.0 || v.is_nan()) || (sum - 1.0).abs() > 1e-6 {
        return Err(Error::invalid(
            "choice",
            format!(
                "p must be {n} non-negative probabilities summing to 1, got shape {:?} with sum {sum}",
                p.shape()
            ),
        ));
    }
    Ok(values.into_iter().map(f64::ln).collect())
}
