//! The training toolkit: the autograd tutorial's 1-4-4-1 regression network written with
//! `nn`, trained by `optim::adam` with a progress bar, saved and reloaded with `io`, and the
//! tutorials' figures drawn with `plot` under `target/tour-plots/`.

use std::path::{Path, PathBuf};

use ferrograd::nn::{self, Activation, Init, LayerInit};
use ferrograd::{io, np, optim, plot, random, DType, Tensor};

use crate::header;

/// Where the figures go: `target/tour-plots` of this checkout.
fn out_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/tour-plots")
}

pub fn run() {
    let dir = out_dir();
    if let Err(e) = std::fs::create_dir_all(&dir) {
        println!(
            "  cannot create {}: {e}; skipping the training section\n",
            dir.display()
        );
        return;
    }
    let losses = train_regression(&dir);
    figures(&dir, &losses);
}

/// The tutorial's data: t = x³ − 20x + 10 + N(0, 4²) on 1000 points of [−5, 5].
fn data() -> (Tensor, Tensor) {
    let keys = random::split(&random::key(4), 7);
    let x = np::linspace(-5.0, 5.0, 1000);
    let t = x.powi(3) - 20.0 * &x + 10.0 + 4.0 * random::normal(&keys[0], &[1000]);
    (x.reshape(&[1000, 1]), t.reshape(&[1000, 1]))
}

fn train_regression(dir: &Path) -> Vec<f64> {
    header("training toolkit: the 1-4-4-1 ReLU regression with nn::Mlp and optim::adam");
    let (inputs, t) = data();
    let init = LayerInit {
        w: Init::HeNormal,
        b: Init::Normal(1.0),
        dtype: DType::F64,
    };
    let model = nn::Mlp::with_init(&random::key(40), &[1, 4, 4, 1], Activation::Relu, &init);
    // The tutorial's loss: half the mean squared error.
    let loss = |m: &nn::Mlp| 0.5 * nn::mse(&m.forward(&inputs), &t);
    println!("  initial loss {:.4}", loss(&model).item());
    let start = std::time::Instant::now();
    let fit = optim::fit(loss, model, &optim::adam(0.02), 5000);
    let fin = loss(&fit.params).item();
    println!(
        "  loss after 5000 adam steps: {fin:.4} in {:.2?} (the noise alone gives 0.5·4² = 8; the tutorial's SGD with momentum ended at 8.64)",
        start.elapsed()
    );
    for i in [0, 1000, 2000, 4000] {
        println!("    step {i:4}: {:.4}", fit.losses[i]);
    }
    save_and_reload(dir, &fit.params, fin, &loss);
    fit_figure(dir, &fit.params);
    fit.losses
}

fn save_and_reload(dir: &Path, model: &nn::Mlp, fin: f64, loss: &impl Fn(&nn::Mlp) -> Tensor) {
    let path = dir.join("regression.safetensors");
    let fresh = nn::Mlp::new(&random::key(0), &[1, 4, 4, 1], Activation::Relu);
    match io::save(&path, model).and_then(|()| io::load(&path, &fresh)) {
        Ok(back) => println!(
            "  saved to {} and loaded back: loss {:.4} (should be {fin:.4}, bit for bit)",
            path.display(),
            loss(&back).item()
        ),
        Err(e) => println!("  saving failed: {e}"),
    }
    let wider = nn::Mlp::new(&random::key(0), &[1, 8, 1], Activation::Relu);
    match io::load(&path, &wider) {
        Err(e) => println!("  loading it into a 1-8-1 network is refused: {e}"),
        Ok(_) => println!("  loading it into a 1-8-1 network was accepted (it should not be)"),
    }
}

/// Saves a figure as PNG (with the `png` feature) and SVG, and says where.
fn save(fig: &plot::Figure, dir: &Path, name: &str) {
    let mut written = Vec::new();
    for ext in ["png", "svg"] {
        let path = dir.join(format!("{name}.{ext}"));
        match fig.save(&path) {
            Ok(()) => written.push(path.display().to_string()),
            Err(e) => println!("  {name}.{ext}: {e}"),
        }
    }
    if !written.is_empty() {
        println!("  wrote {}", written.join(" and "));
    }
}

fn fit_figure(dir: &Path, model: &nn::Mlp) {
    let (inputs, t) = data();
    // The curves on a grid finer than the figure's pixels, so they read as curves.
    let n = 2000;
    let x = np::linspace(-5.0, 5.0, n);
    let truth = x.powi(3) - 20.0 * &x + 10.0;
    let pred = model.forward(&x.reshape(&[n as i64, 1])).reshape(&[-1]);
    let fig = plot::Figure::new("1-4-4-1 ReLU network fitted to noisy samples of a cubic")
        .labels("x", "t")
        .scatter("data (1000 samples)", &inputs.to_vec(), &t.to_vec())
        .line("x³ − 20x + 10", &x.to_vec(), &truth.to_vec(), false)
        .line("network", &x.to_vec(), &pred.to_vec(), true);
    save(&fig, dir, "regression_fit");
}

fn figures(dir: &Path, losses: &[f64]) {
    header("figures: tanh's derivatives, MyGrad's f and df/dx, the loss curve");
    // The autodiff exercises' figure: tanh and four derivatives on [−4, 4].
    let mut fig = plot::derivatives(|x: &Tensor| x.tanh(), -4.0, 4.0, 1000, 4)
        .title("tanh and its first four derivatives (elementwise_grad, nested)");
    fig.size = (1000, 700);
    save(&fig, dir, "tanh_derivatives");
    // MyGrad's plot_func_and_deriv: f(x) = 100 sin(2x) cos(x) e^(−x/3) on [0, 10].
    let f = |x: &Tensor| (2.0 * x).sin() * x.cos() * (-x / 3.0).exp() * 100.0;
    let fig = plot::derivatives(f, 0.0, 10.0, 10_000, 1).title("MyGrad: f(x) and df/dx");
    save(&fig, dir, "mygrad_f_and_derivative");
    save(&plot::loss_curve(losses), dir, "loss_curve");
    println!(
        "  (open the PNGs: df/dx is 0 where f is flat; tanh's derivatives alternate in parity)\n"
    );
}
