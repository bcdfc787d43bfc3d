//! Helpers shared by the integration tests of transforms: comparisons and seeded data.
#![allow(dead_code)] // each test file uses its own subset

use ferrograd::{random, Tensor};

/// Asserts equal shapes and |a - b| ≤ tol·(1 + |b|) elementwise, naming the first bad element.
pub fn close(a: &Tensor, b: &Tensor, tol: f64) {
    assert_eq!(a.shape(), b.shape(), "shapes");
    for (i, (x, y)) in a.to_vec().iter().zip(b.to_vec()).enumerate() {
        assert!(
            (x - y).abs() <= tol * (1.0 + y.abs()),
            "element {i}: {x} vs {y}"
        );
    }
}

/// Standard normal samples from `random::key(seed)`.
pub fn normal(seed: u64, shape: &[usize]) -> Tensor {
    random::normal(&random::key(seed), shape)
}

/// The message of the panic `f` raises (it must panic).
pub fn panic_text(f: impl FnOnce()) -> String {
    let p = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).expect_err("should panic");
    p.downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}
