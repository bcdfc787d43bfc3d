//! The data and functions of the workloads W1–W9 of PERFORMANCE.md (as the peers' scripts in
//! `shared/peers/` define them), shared by the benchmarks that time them eagerly, under
//! vmap and under jit. Each bench uses only some of them.
#![allow(dead_code)]

use std::collections::BTreeMap;

use ferrograd::nn::{self, Activation, Init, LayerInit};
use ferrograd::{random, DType, Tensor};

/// `n` evenly spaced points from `lo` to `hi` inclusive (NumPy's `linspace`).
pub fn linspace(lo: f64, hi: f64, n: usize) -> Tensor {
    let step = (hi - lo) / (n - 1) as f64;
    Tensor::from((0..n).map(|i| lo + step * i as f64).collect::<Vec<_>>())
}

/// W1/W2: the autograd tutorial's tanh, written with exp: (1 − e⁻ˣ) / (1 + e⁻ˣ).
pub fn tanh_by_hand(x: &Tensor) -> Tensor {
    let y = (-x).exp();
    (1.0 - &y) / (1.0 + &y)
}

/// W3: X (100×10) and y = X w* + noise, from fixed keys.
pub fn regression_data() -> (Tensor, Tensor) {
    let keys = random::split(&random::key(0), 3);
    let x = random::normal(&keys[0], &[100, 10]);
    let w_true = random::normal(&keys[1], &[10]);
    let y = x.matmul(&w_true) + 0.1 * random::normal(&keys[2], &[100]);
    (x, y)
}

/// W3's mean squared error of `w`.
pub fn regression_loss(x: &Tensor, y: &Tensor, w: &Tensor) -> Tensor {
    (x.matmul(w) - y).powi(2).sum() / x.shape()[0] as f64
}

/// W4's parameters by name.
pub type Params = BTreeMap<String, Tensor>;

/// W4: the autograd tutorial's 1-4-4-1 relu net on t = x³ − 20x + 10 + N(0, 4²) at 1000
/// points in [−5, 5].
pub struct Net {
    /// The points as a (1000, 1) batch.
    pub inputs: Tensor,
    pub targets: Tensor,
    pub init: Params,
}

impl Net {
    pub fn new() -> Self {
        let keys = random::split(&random::key(1), 7);
        let xs = linspace(-5.0, 5.0, 1000);
        let targets = &xs * &xs * &xs - 20.0 * &xs + 10.0 + 4.0 * random::normal(&keys[0], &[1000]);
        let shapes: [(&str, &[usize]); 6] = [
            ("W1", &[1, 4]),
            ("b1", &[4]),
            ("W2", &[4, 4]),
            ("b2", &[4]),
            ("W3", &[4, 1]),
            ("b3", &[1]),
        ];
        let init = shapes
            .iter()
            .zip(&keys[1..])
            .map(|((name, shape), k)| (name.to_string(), random::normal(k, shape)))
            .collect();
        Net {
            inputs: xs.reshape(&[1000, 1]),
            targets,
            init,
        }
    }

    /// Half the mean squared error of the net with parameters `p`.
    pub fn loss(&self, p: &Params) -> Tensor {
        let relu = |x: &Tensor| x.maximum(0.0);
        let h1 = relu(&(self.inputs.matmul(&p["W1"]) + &p["b1"]));
        let h2 = relu(&(h1.matmul(&p["W2"]) + &p["b2"]));
        let out = (h2.matmul(&p["W3"]) + &p["b3"]).reshape(&[1000]);
        (0.5 * (out - &self.targets).powi(2)).sum() / 1000.0
    }
}

/// W5: `A` (10 × 50,000), the point `x` (all 2.0) and the direction `v`.
pub fn hvp_data() -> (Tensor, Tensor, Tensor) {
    let d = 50_000;
    let a = random::uniform(&random::key(1), &[10, d]);
    (
        a,
        Tensor::from(vec![2.0; d]),
        random::uniform(&random::key(2), &[d]),
    )
}

/// W6: logistic-regression weights (100), inputs (1000×100) and 0/1 labels.
pub fn logreg_data() -> (Tensor, Tensor, Tensor) {
    let (n, d) = (1000, 100);
    let w = random::normal(&random::key(3), &[d]) * 0.1;
    let x = random::normal(&random::key(4), &[n, d]);
    let y = random::uniform(&random::key(5), &[n])
        .greater(0.5)
        .astype(DType::F64);
    (w, x, y)
}

pub fn sigmoid(x: &Tensor) -> Tensor {
    0.5 * ((x / 2.0).tanh() + 1.0)
}

/// W6's negative log-likelihood.
pub fn nll(w: &Tensor, x: &Tensor, y: &Tensor) -> Tensor {
    let p = sigmoid(&x.matmul(w));
    -(p.log() * y + (1.0 - &p).log() * (1.0 - y)).sum()
}

/// W7: W (200×200, scaled by 1/√200) and x (200), for the Jacobian of tanh(W x).
pub fn jacobian_data() -> (Tensor, Tensor) {
    let n = 200;
    let w = random::normal(&random::key(6), &[n, n]) * (1.0 / (n as f64).sqrt());
    (w, random::normal(&random::key(7), &[n]))
}

/// W8: the 784-256-256-10 relu MLP in f32, a batch of 128 inputs and their labels.
pub fn mlp_data() -> (nn::Mlp, Tensor, Tensor) {
    let keys = random::split(&random::key(8), 3);
    let init = LayerInit {
        w: Init::HeNormal,
        b: Init::Zeros,
        dtype: DType::F32,
    };
    let model = nn::Mlp::with_init(&keys[0], &[784, 256, 256, 10], Activation::Relu, &init);
    let x = random::normal_dtype(&keys[1], &[128, 784], DType::F32);
    let labels = (random::uniform(&keys[2], &[128]) * 10.0)
        .floor()
        .astype(DType::I64);
    (model, x, labels)
}

/// W9: two f64 500×500 matrices.
pub fn matmul_data() -> (Tensor, Tensor) {
    (
        random::normal(&random::key(9), &[500, 500]),
        random::normal(&random::key(10), &[500, 500]),
    )
}
