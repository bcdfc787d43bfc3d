//! A small neural-network toolkit: [`Linear`] layers, an [`Mlp`] with an [`Activation`],
//! initialisers taking [`random`](crate::random) keys ([`Init`]), and losses ([`mse`],
//! [`cross_entropy_with_logits`], [`binary_cross_entropy_with_logits`], …) with
//! [`accuracy`].
//!
//! Layers are `#[derive(Tree)]` structs, so `grad` of a loss returns gradients shaped like
//! the model and every optimizer of [`crate::optim`] updates them directly:
//!
//! ```
//! use ferrograd::{grad, nn, optim, random, Tensor};
//! let model = nn::Mlp::new(&random::key(0), &[1, 8, 1], nn::Activation::Tanh);
//! let x = Tensor::from_vec(vec![-1.0, 0.0, 1.0], &[3, 1]);
//! let y = Tensor::from_vec(vec![1.0, 0.0, 1.0], &[3, 1]);
//! let loss = |m: &nn::Mlp| nn::mse(&m.forward(&x), &y);
//! let g = grad(loss)(&model);
//! assert_eq!(g.layers[0].w.shape(), &[1, 8]);
//! let opt = optim::adam(0.05);
//! let before = loss(&model).item();
//! let after = loss(&optim::fit(loss, model, &opt, 100).params).item();
//! assert!(after < 0.1 * before);
//! ```

mod init;
mod loss;

pub use init::{fans, glorot_normal, glorot_uniform, he_normal, he_uniform, normal, uniform, Init};
pub use loss::{
    accuracy, binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy_with_logits,
    mse, one_hot, softmax_cross_entropy, try_accuracy, try_one_hot,
};

use ferrograd_core::{DType, Tensor};

use crate::np;
use crate::random::{self, Key};
use crate::Tree;

/// An elementwise nonlinearity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Activation {
    /// `x` unchanged.
    Identity,
    /// `max(x, 0)` ([`np::relu`]).
    Relu,
    /// `tanh x`.
    Tanh,
    /// `1 / (1 + e^-x)`.
    Sigmoid,
    /// `log(1 + e^x)` ([`np::softplus`], stable).
    Softplus,
}

impl Activation {
    /// The activation applied to every element of `x`.
    pub fn apply(&self, x: &Tensor) -> Tensor {
        match self {
            Activation::Identity => x.clone(),
            Activation::Relu => np::relu(x),
            Activation::Tanh => x.tanh(),
            Activation::Sigmoid => x.sigmoid(),
            Activation::Softplus => np::softplus(x),
        }
    }
}

/// How [`Linear::with_init`] and [`Mlp::with_init`] fill a layer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LayerInit {
    /// The weight initialiser.
    pub w: Init,
    /// The bias initialiser.
    pub b: Init,
    /// The parameters' dtype.
    pub dtype: DType,
}

impl Default for LayerInit {
    /// Glorot-uniform weights, zero biases, float64 (Keras's defaults for dense layers).
    fn default() -> Self {
        LayerInit {
            w: Init::GlorotUniform,
            b: Init::Zeros,
            dtype: DType::F64,
        }
    }
}

/// A dense layer `y = x·w + b`, with `w` of shape `[d_in, d_out]` and `b` of `[d_out]`;
/// `x` is `[…, d_in]` (any leading batch axes).
#[derive(Debug, Clone, Tree)]
pub struct Linear {
    pub w: Tensor,
    pub b: Tensor,
}

impl Linear {
    /// A layer with [`LayerInit::default`] parameters.
    ///
    /// ```
    /// use ferrograd::{nn::Linear, random, Tensor};
    /// let layer = Linear::new(&random::key(0), 3, 2);
    /// assert_eq!(layer.forward(&Tensor::from_vec(vec![0.0; 12], &[4, 3])).shape(), &[4, 2]);
    /// ```
    pub fn new(key: &Key, d_in: usize, d_out: usize) -> Self {
        Self::with_init(key, d_in, d_out, &LayerInit::default())
    }

    /// A layer with the given initialisers and dtype.
    ///
    /// # Panics
    /// If the dtype is not a float dtype.
    #[track_caller]
    pub fn with_init(key: &Key, d_in: usize, d_out: usize, init: &LayerInit) -> Self {
        let keys = random::split(key, 2);
        Linear {
            w: init.w.sample(&keys[0], &[d_in, d_out], init.dtype),
            b: init.b.sample(&keys[1], &[d_out], init.dtype),
        }
    }

    /// `x·w + b`.
    ///
    /// # Panics
    /// If `x`'s last axis is not `d_in`.
    #[track_caller]
    pub fn forward(&self, x: &Tensor) -> Tensor {
        x.matmul(&self.w) + &self.b
    }
}

/// A multilayer perceptron: [`Linear`] layers with `activation` between them (none after the
/// last, so the output is unbounded: logits or a regression value).
#[derive(Debug, Clone, Tree)]
pub struct Mlp {
    pub layers: Vec<Linear>,
    #[tree(skip)]
    pub activation: Activation,
}

impl Mlp {
    /// Layers of sizes `sizes[0] → sizes[1] → … → sizes[n-1]` with [`LayerInit::default`]
    /// parameters, each layer's key folded in from `key` by its index.
    ///
    /// # Panics
    /// If `sizes` has fewer than two entries.
    #[track_caller]
    pub fn new(key: &Key, sizes: &[usize], activation: Activation) -> Self {
        Self::with_init(key, sizes, activation, &LayerInit::default())
    }

    /// [`Mlp::new`] with the given initialisers and dtype.
    ///
    /// # Panics
    /// If `sizes` has fewer than two entries, or the dtype is not a float dtype.
    #[track_caller]
    pub fn with_init(key: &Key, sizes: &[usize], activation: Activation, init: &LayerInit) -> Self {
        assert!(
            sizes.len() >= 2,
            "Mlp: needs at least an input and an output size, got sizes {sizes:?}"
        );
        let layers = sizes
            .windows(2)
            .enumerate()
            .map(|(i, d)| Linear::with_init(&random::fold_in(key, i as u32), d[0], d[1], init))
            .collect();
        Mlp { layers, activation }
    }

    /// The network's output for inputs `x` of shape `[…, sizes[0]]`.
    #[track_caller]
    pub fn forward(&self, x: &Tensor) -> Tensor {
        let mut h = x.clone();
        for (i, layer) in self.layers.iter().enumerate() {
            h = layer.forward(&h);
            if i + 1 < self.layers.len() {
                h = self.activation.apply(&h);
            }
        }
        h
    }

    /// The number of scalar parameters.
    pub fn num_params(&self) -> usize {
        self.layers.iter().map(|l| l.w.size() + l.b.size()).sum()
    }
}
