//! Weight initialisers: pure functions of a [`Key`], a shape and a dtype (the
//! `jax.nn.initializers` family). For a weight of shape `[…, fan_in, fan_out]` the fans are
//! the last two axes times the product of the others (the receptive field), as in JAX; a
//! 1-D shape has `fan_in = fan_out = n`.

use ferrograd_core::api::ok;
use ferrograd_core::{lax, Aval, DType, Tensor};

use crate::random::{self, Key};

/// How to fill a parameter tensor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Init {
    /// All zeros.
    Zeros,
    /// A constant.
    Constant(f64),
    /// Normal with mean 0 and this standard deviation.
    Normal(f64),
    /// Glorot & Bengio (2010): uniform on ±√(6 / (fan_in + fan_out)).
    GlorotUniform,
    /// Glorot & Bengio (2010): normal with variance 2 / (fan_in + fan_out).
    GlorotNormal,
    /// He et al. (2015), for ReLU layers: uniform on ±√(6 / fan_in).
    HeUniform,
    /// He et al. (2015), for ReLU layers: normal with variance 2 / fan_in.
    HeNormal,
    /// LeCun: normal with variance 1 / fan_in (Flax's default for dense layers).
    LecunNormal,
}

impl Init {
    /// A tensor of `shape` and float `dtype` drawn with `key`.
    ///
    /// ```
    /// use ferrograd::{nn::Init, random, DType};
    /// let w = Init::HeNormal.sample(&random::key(0), &[784, 256], DType::F32);
    /// assert_eq!((w.shape(), w.dtype()), (&[784, 256][..], DType::F32));
    /// ```
    ///
    /// # Panics
    /// If `dtype` is not a float dtype.
    #[track_caller]
    pub fn sample(&self, key: &Key, shape: &[usize], dtype: DType) -> Tensor {
        let (fan_in, fan_out) = fans(shape);
        let (fan_in, fan_out) = (fan_in.max(1) as f64, fan_out.max(1) as f64);
        match *self {
            Init::Zeros => constant(shape, 0.0, dtype),
            Init::Constant(c) => constant(shape, c, dtype),
            Init::Normal(std) => normal(key, shape, std, dtype),
            Init::GlorotUniform => uniform(key, shape, (6.0 / (fan_in + fan_out)).sqrt(), dtype),
            Init::GlorotNormal => normal(key, shape, (2.0 / (fan_in + fan_out)).sqrt(), dtype),
            Init::HeUniform => uniform(key, shape, (6.0 / fan_in).sqrt(), dtype),
            Init::HeNormal => normal(key, shape, (2.0 / fan_in).sqrt(), dtype),
            Init::LecunNormal => normal(key, shape, (1.0 / fan_in).sqrt(), dtype),
        }
    }
}

#[track_caller]
fn constant(shape: &[usize], c: f64, dtype: DType) -> Tensor {
    ok(lax::require_float("init", &Aval::new(shape, dtype)));
    Tensor::full_dtype(shape, c, dtype)
}

/// `(fan_in, fan_out)` of a weight shape.
pub fn fans(shape: &[usize]) -> (usize, usize) {
    match shape.len() {
        0 => (1, 1),
        1 => (shape[0], shape[0]),
        n => {
            let receptive: usize = shape[..n - 2].iter().product();
            (shape[n - 2] * receptive, shape[n - 1] * receptive)
        }
    }
}

/// Normal samples with standard deviation `std`, of a float dtype.
#[track_caller]
pub fn normal(key: &Key, shape: &[usize], std: f64, dtype: DType) -> Tensor {
    ok(random::try_normal_dtype(key, shape, dtype)) * std
}

/// Uniform samples on `[-limit, limit)`, of a float dtype.
#[track_caller]
pub fn uniform(key: &Key, shape: &[usize], limit: f64, dtype: DType) -> Tensor {
    ok(random::try_uniform_dtype(key, shape, dtype)) * (2.0 * limit) - limit
}

/// [`Init::GlorotUniform`].
#[track_caller]
pub fn glorot_uniform(key: &Key, shape: &[usize], dtype: DType) -> Tensor {
    Init::GlorotUniform.sample(key, shape, dtype)
}

/// [`Init::GlorotNormal`].
#[track_caller]
pub fn glorot_normal(key: &Key, shape: &[usize], dtype: DType) -> Tensor {
    Init::GlorotNormal.sample(key, shape, dtype)
}

/// [`Init::HeUniform`].
#[track_caller]
pub fn he_uniform(key: &Key, shape: &[usize], dtype: DType) -> Tensor {
    Init::HeUniform.sample(key, shape, dtype)
}

/// [`Init::HeNormal`].
#[track_caller]
pub fn he_normal(key: &Key, shape: &[usize], dtype: DType) -> Tensor {
    Init::HeNormal.sample(key, shape, dtype)
}
