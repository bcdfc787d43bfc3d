//! Losses and metrics. Every loss is a mean over the examples (the leading axes), built from
//! the numerically stable helpers of [`crate::np`], so it is finite for any finite logits
//! and differentiable to any order.

use ferrograd_core::api::ok;
use ferrograd_core::lax;
use ferrograd_core::{DType, Error, Result, Tensor};

use crate::np;

fn same_shape(op: &'static str, a: &Tensor, b: &Tensor, what: &str) -> Result<()> {
    if a.shape() != b.shape() {
        return Err(Error::invalid(
            op,
            format!(
                "the predictions have shape {:?} but the {what} have shape {:?}; they must match (reshape one of them)",
                a.shape(),
                b.shape()
            ),
        ));
    }
    Ok(())
}

/// Mean squared error `mean((pred − target)²)`.
///
/// ```
/// use ferrograd::{nn, Tensor};
/// let l = nn::mse(&Tensor::from(vec![1.0, 2.0]), &Tensor::from(vec![0.0, 4.0]));
/// assert_eq!(l.item(), 2.5);
/// ```
///
/// # Panics
/// If the shapes differ.
#[track_caller]
pub fn mse(pred: &Tensor, target: &Tensor) -> Tensor {
    ok(same_shape("mse", pred, target, "targets"));
    (pred - target).powi(2).mean()
}

/// Cross-entropy between `softmax(logits)` and target distributions over the last axis,
/// averaged over the examples: `mean(−Σ t · log_softmax(logits))` (optax's
/// `softmax_cross_entropy`). Stable for any finite logits.
///
/// # Panics
/// If the shapes differ or `logits` is 0-d.
#[track_caller]
pub fn softmax_cross_entropy(logits: &Tensor, targets: &Tensor) -> Tensor {
    ok(same_shape(
        "softmax_cross_entropy",
        logits,
        targets,
        "targets",
    ));
    let logp = np::log_softmax(logits, -1);
    -(targets * logp).sum_axis(-1).mean()
}

/// Cross-entropy of integer class labels under `softmax(logits)`: logits `[…, C]`, labels
/// `[…]` with values in `0..C`; the mean of `−log softmax(logits)[label]` (PyTorch's
/// `cross_entropy`, optax's `softmax_cross_entropy_with_integer_labels`).
///
/// ```
/// use ferrograd::{nn, Tensor};
/// let logits = Tensor::from([[1000.0, 0.0], [0.0, 0.0]]);
/// let l = nn::cross_entropy_with_logits(&logits, &Tensor::from(vec![0i64, 1]));
/// assert!((l.item() - 0.5 * 2f64.ln()).abs() < 1e-15); // 0 for the first row, ln 2 for the second
/// ```
///
/// # Panics
/// If the labels are not integers in `0..C`, or the shapes do not fit.
#[track_caller]
pub fn cross_entropy_with_logits(logits: &Tensor, labels: &Tensor) -> Tensor {
    let c = *logits.shape().last().unwrap_or(&0);
    if logits.ndim() == 0 || labels.shape() != &logits.shape()[..logits.ndim() - 1] {
        ok::<()>(Err(Error::invalid(
            "cross_entropy_with_logits",
            format!(
                "logits of shape {:?} need labels of shape {:?} (one class index per example), got {:?}",
                logits.shape(),
                logits.shape().get(..logits.ndim().saturating_sub(1)).unwrap_or(&[]),
                labels.shape()
            ),
        )));
    }
    softmax_cross_entropy(logits, &ok(try_one_hot(labels, c, logits.dtype())))
}

/// One-hot rows: `out[…, k] = 1` where `labels[…] == k`, for `k` in `0..n`, of float `dtype`.
///
/// ```
/// use ferrograd::{nn, DType, Tensor};
/// let y = nn::one_hot(&Tensor::from(vec![2i64, 0]), 3, DType::F64);
/// assert_eq!(y.to_vec(), vec![0.0, 0.0, 1.0, 1.0, 0.0, 0.0]);
/// ```
///
/// # Panics
/// See [`try_one_hot`].
#[track_caller]
pub fn one_hot(labels: &Tensor, n: usize, dtype: DType) -> Tensor {
    ok(try_one_hot(labels, n, dtype))
}

/// Fallible [`one_hot`].
///
/// # Errors
/// If the labels are not an integer tensor, or (when they are concrete) a label is outside
/// `0..n`.
pub fn try_one_hot(labels: &Tensor, n: usize, dtype: DType) -> Result<Tensor> {
    if !matches!(labels.dtype(), DType::I64 | DType::U32) {
        return Err(Error::dtype(
            "one_hot",
            "integer class labels, int64 or uint32 (convert with astype(DType::I64))",
            labels.dtype(),
        ));
    }
    if let Some(a) = labels.as_array() {
        if let Some(bad) = a
            .to_f64_vec()
            .into_iter()
            .find(|&l| l < 0.0 || l >= n as f64)
        {
            return Err(Error::invalid(
                "one_hot",
                format!("label {bad} is outside the {n} classes 0..{n}"),
            ));
        }
    }
    let classes = Tensor::from((0..n as i64).collect::<Vec<_>>());
    let hit = labels.astype(DType::I64).expand_dims(-1).equal(&classes);
    Ok(hit.astype(dtype))
}

/// Binary cross-entropy of targets `t ∈ [0, 1]` under `sigmoid(logits)`:
/// `mean(softplus(x) − x·t)`, which equals `−mean(t log σ(x) + (1 − t) log(1 − σ(x)))` and
/// stays finite for any finite logits (PyTorch's `binary_cross_entropy_with_logits`).
///
/// ```
/// use ferrograd::{nn, Tensor};
/// let l = nn::binary_cross_entropy_with_logits(&Tensor::from(vec![0.0, -800.0]), &Tensor::from(vec![1.0, 1.0]));
/// assert!((l.item() - (2f64.ln() + 800.0) / 2.0).abs() < 1e-12);
/// ```
///
/// # Panics
/// If the shapes differ.
#[track_caller]
pub fn binary_cross_entropy_with_logits(logits: &Tensor, targets: &Tensor) -> Tensor {
    ok(same_shape(
        "binary_cross_entropy_with_logits",
        logits,
        targets,
        "targets",
    ));
    (np::softplus(logits) - logits * targets).mean()
}

/// `log p` for `p > e⁻¹⁰⁰` and −100 below (PyTorch's clamp), with derivative 0, not NaN,
/// where the clamp is active ([`lax::where_safe`]).
fn clamped_log(p: &Tensor) -> Tensor {
    let floor = (-100f64).exp();
    let clamp = |p: &Tensor| Ok(lax::scalar_like(p, -100.0));
    ok(lax::where_safe(
        &p.greater(floor),
        p,
        [1.0, 1.0],
        lax::log,
        clamp,
    ))
}

/// Binary cross-entropy of targets under probabilities `p`:
/// `−mean(t log p + (1 − t) log(1 − p))`, with each log clamped at −100 as PyTorch does.
/// Prefer [`binary_cross_entropy_with_logits`] when the logits are at hand.
///
/// # Panics
/// If the shapes differ.
#[track_caller]
pub fn binary_cross_entropy(probs: &Tensor, targets: &Tensor) -> Tensor {
    ok(same_shape(
        "binary_cross_entropy",
        probs,
        targets,
        "targets",
    ));
    let one_minus = 1.0 - probs;
    -(targets * clamped_log(probs) + (1.0 - targets) * clamped_log(&one_minus)).mean()
}

/// The fraction of examples whose largest score is at their label: scores `[…, C]`, labels
/// `[…]`.
///
/// ```
/// use ferrograd::{nn, Tensor};
/// let scores = Tensor::from([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]]);
/// assert_eq!(nn::accuracy(&scores, &Tensor::from(vec![1i64, 1, 1])), 2.0 / 3.0);
/// ```
///
/// # Panics
/// See [`try_accuracy`].
#[track_caller]
pub fn accuracy(scores: &Tensor, labels: &Tensor) -> f64 {
    ok(try_accuracy(scores, labels))
}

/// Fallible [`accuracy`].
///
/// # Errors
/// If the shapes do not fit, there are no examples or classes, or the values are traced.
pub fn try_accuracy(scores: &Tensor, labels: &Tensor) -> Result<f64> {
    let n = scores.ndim();
    if n == 0 || labels.shape() != &scores.shape()[..n - 1] || scores.size() == 0 {
        return Err(Error::invalid(
            "accuracy",
            format!(
                "needs scores [..., C] with C > 0 and at least one example, and labels of the leading shape; got scores {:?} and labels {:?}",
                scores.shape(),
                labels.shape()
            ),
        ));
    }
    let pred = scores.argmax_axis(-1);
    pred.equal(labels.astype(DType::I64))
        .astype(DType::F64)
        .mean()
        .try_item()
}
