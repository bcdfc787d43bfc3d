//! Progress bars for long work (training loops, long examples), drawn with indicatif on
//! stderr with the current loss. A bar is hidden unless both stdout and stderr are
//! terminals, so logs, pipes and CI stay clean.
//!
//! ```
//! use ferrograd::progress::Progress;
//! let bar = Progress::new(100, "training");
//! for i in 0..100 {
//!     bar.step(1.0 / (i + 1) as f64);
//! }
//! bar.finish();
//! ```

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar showing `done/total`, the rate, the time left and the latest loss.
#[derive(Debug, Clone)]
pub struct Progress {
    bar: ProgressBar,
}

/// True when both stdout and stderr are terminals (a person is watching).
pub fn on_terminal() -> bool {
    std::io::stdout().is_terminal() && std::io::stderr().is_terminal()
}

impl Progress {
    /// A bar for `total` steps, titled `title`; hidden unless [`on_terminal`].
    pub fn new(total: u64, title: &str) -> Self {
        let target = if on_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        Self::with_target(total, title, target)
    }

    /// A bar that never draws (for tests, or to silence a helper).
    pub fn hidden(total: u64) -> Self {
        Self::with_target(total, "", ProgressDrawTarget::hidden())
    }

    fn with_target(total: u64, title: &str, target: ProgressDrawTarget) -> Self {
        let bar = ProgressBar::with_draw_target(Some(total), target);
        // The template is a constant, so it parses; fall back to the default style anyway.
        let style = ProgressStyle::with_template(
            "{prefix} [{bar:30}] {pos}/{len} {per_sec} eta {eta} {msg}",
        )
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.set_prefix(title.to_string());
        Progress { bar }
    }

    /// True if nothing is drawn.
    pub fn is_hidden(&self) -> bool {
        self.bar.is_hidden()
    }

    /// One step done, with the loss after it.
    pub fn step(&self, loss: f64) {
        if !self.bar.is_hidden() {
            self.bar.set_message(format!("loss {loss:.4}"));
        }
        self.bar.inc(1);
    }

    /// Steps done so far.
    pub fn position(&self) -> u64 {
        self.bar.position()
    }

    /// Leaves the finished bar on screen.
    pub fn finish(&self) {
        self.bar.finish();
    }
}
