//! Errors found by a transform name the transform the user called and the line where it was
//! made (`grad (made at tests/transform_errors.rs:12): …`), not the flat transform underneath
//! nor the library's file. Transforms called directly (`jvp`, `vjp`, `linearize`, `hvp`) also
//! panic at the user's line; a closure cannot be `#[track_caller]` on stable Rust, so the
//! functions that transforms return panic in the library, with the line in the message.

use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;

use ferrograd::{
    elementwise_grad, grad, grad_argnums, grad_with_aux, hessian, hessian_argnums, hvp, jacfwd,
    jacfwd_argnums, jacrev, jacrev_argnums, jvp, jvp_argnums, linearize, np, value_and_grad,
    value_and_grad_argnums, value_and_grad_with_aux, vjp, vjp_argnums, vmap, vmap_args, vmap_axes,
    Arg, Tensor,
};

thread_local! {
    static LOCATION: RefCell<String> = const { RefCell::new(String::new()) };
    static EXPECTED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The panic message of `f` and the `file:line` the panic was raised at.
fn panic_of(f: impl FnOnce()) -> (String, String) {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if let Some(l) = info.location() {
                LOCATION.with(|s| *s.borrow_mut() = format!("{}:{}", l.file(), l.line()));
            }
            // Quiet for the panics the tests expect; others (failed asserts) print.
            if !EXPECTED.with(|e| e.get()) {
                previous(info);
            }
        }));
    });
    EXPECTED.with(|e| e.set(true));
    let p = catch_unwind(AssertUnwindSafe(f));
    EXPECTED.with(|e| e.set(false));
    let p = p.expect_err("should panic");
    let msg = p
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default();
    (msg, LOCATION.with(|s| s.borrow().clone()))
}

/// `msg` names `what`, made (or called) at `line` of this file.
fn names(msg: &str, what: &str, verb: &str, line: u32) {
    let want = format!("{what} ({verb} at tests/transform_errors.rs:{line}): ");
    assert!(msg.starts_with(&want), "want `{want}` in: {msg}");
}

fn ints() -> Tensor {
    Tensor::from(vec![1i64, 2])
}

#[test]
fn grad_of_an_int_input_names_grad_and_its_line() {
    let (g, line) = (grad(|x: &Tensor| x.sum()), line!());
    let (msg, _) = panic_of(|| drop(g(&ints())));
    names(&msg, "grad", "made", line);
    // Not the flat transform underneath, and with the article right.
    assert!(!msg.contains("linearize"), "{msg}");
    assert!(
        msg.contains("cannot differentiate with respect to an int64 input"),
        "{msg}"
    );
}

#[test]
fn grad_family_and_elementwise_grad() {
    let vector = Tensor::from(vec![1.0, 2.0]);
    let (g, line) = (value_and_grad(|x: &Tensor| x * 2.0), line!());
    let (msg, _) = panic_of(|| drop(g(&vector)));
    names(&msg, "value_and_grad", "made", line);
    assert!(msg.contains("scalar"), "{msg}");
    let (g, line) = (grad_with_aux(|x: &Tensor| (x.sum(), ())), line!());
    names(
        &panic_of(|| drop(g(&ints()))).0,
        "grad_with_aux",
        "made",
        line,
    );
    let (g, line) = (value_and_grad_with_aux(|x: &Tensor| (x.sum(), ())), line!());
    let (msg, _) = panic_of(|| drop(g(&ints())));
    names(&msg, "value_and_grad_with_aux", "made", line);
    let (g, line) = (elementwise_grad(|x: &Tensor| x * 2.0), line!());
    names(
        &panic_of(|| drop(g(&ints()))).0,
        "elementwise_grad",
        "made",
        line,
    );
}

#[test]
fn jvp_vjp_and_linearize_panic_at_the_call() {
    let x = Tensor::from(vec![1.0, 2.0]);
    let line = line!() + 1;
    let (msg, at) = panic_of(|| drop(jvp(|x: &Tensor| x * 2.0, &x, &ints())));
    names(&msg, "jvp", "called", line);
    assert_eq!(at, format!("tests/transform_errors.rs:{line}"));
    let line = line!() + 1;
    let (msg, at) = panic_of(|| drop(linearize(|x: &Tensor| x * 2.0, &ints())));
    names(&msg, "linearize", "called", line);
    assert_eq!(at, format!("tests/transform_errors.rs:{line}"));
    // The pullback refuses a cotangent of the wrong shape, naming vjp and where it was called.
    let (line, (_, pullback)) = (line!(), vjp(|x: &Tensor| x * 2.0, &x));
    let (msg, _) = panic_of(|| drop(pullback(&Tensor::from(vec![1.0, 2.0, 3.0]))));
    names(&msg, "vjp", "called", line);
    assert!(msg.contains("cotangent"), "{msg}");
    let line = line!() + 1;
    let (msg, at) = panic_of(|| drop(hvp(|x: &Tensor| x.sum(), &ints(), &ints())));
    names(&msg, "hvp", "called", line);
    assert_eq!(at, format!("tests/transform_errors.rs:{line}"));
}

#[test]
fn vmap_errors_name_vmap_and_its_line() {
    let (v, line) = (vmap(|x: &Tensor| x * 2.0), line!());
    let (msg, _) = panic_of(|| drop(v(&Tensor::from(1.0))));
    names(&msg, "vmap", "made", line);
    assert!(msg.contains("0-d"), "{msg}");
    let f = |p: &(Tensor, Tensor)| &p.0 + &p.1;
    let (v, line) = (vmap_axes(f, &[Some(0)], &[Some(0)]), line!());
    let (msg, _) = panic_of(|| drop(v(&(np::zeros(&[2]), np::zeros(&[2])))));
    names(&msg, "vmap_axes", "made", line);
    assert!(msg.contains("one entry per leaf"), "{msg}");
    let (v, line) = (vmap_args(|a: &Tensor, b: &Tensor| a + b, Some(0)), line!());
    let (msg, _) = panic_of(|| drop(v(&np::zeros(&[2]), &np::zeros(&[3]))));
    names(&msg, "vmap_args", "made", line);
    assert!(msg.contains("different batch sizes"), "{msg}");
}

#[test]
fn jacobians_and_hessian_name_themselves() {
    let (j, line) = (jacfwd(|x: &Tensor| x * 2.0), line!());
    names(&panic_of(|| drop(j(&ints()))).0, "jacfwd", "made", line);
    let (j, line) = (jacrev(|x: &Tensor| x * 2.0), line!());
    names(&panic_of(|| drop(j(&ints()))).0, "jacrev", "made", line);
    // hessian is jacfwd of grad: either part's error is reported as hessian's.
    let (h, line) = (hessian(|x: &Tensor| x * 2.0), line!());
    let (msg, _) = panic_of(|| drop(h(&Tensor::from(vec![1.0, 2.0]))));
    names(&msg, "hessian", "made", line);
    assert!(msg.contains("scalar"), "{msg}");
}

#[test]
fn argnums_forms_name_themselves() {
    let f = |a: &Tensor, b: &Tensor| (a * b).sum();
    let (x, n) = (Tensor::from(vec![1.0, 2.0]), ints());
    let (g, line) = (grad_argnums(f, Arg::<1>), line!());
    names(
        &panic_of(|| drop(g(&x, &n))).0,
        "grad_argnums",
        "made",
        line,
    );
    let (g, line) = (value_and_grad_argnums(f, Arg::<1>), line!());
    let (msg, _) = panic_of(|| drop(g(&x, &n)));
    names(&msg, "value_and_grad_argnums", "made", line);
    let (j, line) = (jacfwd_argnums(f, Arg::<1>), line!());
    names(
        &panic_of(|| drop(j(&x, &n))).0,
        "jacfwd_argnums",
        "made",
        line,
    );
    let (j, line) = (jacrev_argnums(f, Arg::<1>), line!());
    names(
        &panic_of(|| drop(j(&x, &n))).0,
        "jacrev_argnums",
        "made",
        line,
    );
    let (h, line) = (hessian_argnums(f, Arg::<1>), line!());
    names(
        &panic_of(|| drop(h(&x, &n))).0,
        "hessian_argnums",
        "made",
        line,
    );
    let line = line!() + 1;
    let (msg, at) = panic_of(|| drop(jvp_argnums(f, Arg::<1>, (&x, &n), &n)));
    names(&msg, "jvp_argnums", "called", line);
    assert_eq!(at, format!("tests/transform_errors.rs:{line}"));
    let line = line!() + 1;
    let (msg, _) = panic_of(|| drop(vjp_argnums(f, Arg::<1>, (&x, &n))));
    names(&msg, "vjp_argnums", "called", line);
}

#[test]
fn a_traced_value_names_its_transform_in_debug() {
    let seen = RefCell::new(Vec::new());
    let record = |x: &Tensor| seen.borrow_mut().push(format!("{x:?}"));
    let x = Tensor::from(vec![1.0, 2.0, 3.0]);
    jvp(
        |x: &Tensor| {
            record(x);
            x * 2.0
        },
        &x,
        &x,
    );
    grad(|x: &Tensor| {
        record(x);
        x.sum()
    })(&x);
    vmap(|x: &Tensor| {
        record(x);
        x * 2.0
    })(&np::zeros(&[4, 3]));
    ferrograd::jit(|x: &Tensor| {
        record(x);
        x * 2.0
    })(&x);
    assert_eq!(
        seen.into_inner(),
        [
            "Traced<float64[3]> (jvp)",
            // grad is linearize, then transpose.
            "Traced<float64[3]> (linearize)",
            "Traced<float64[3]> (vmap)",
            "Traced<float64[3]> (jit)",
        ]
    );
    // Display shows the aval only.
    jvp(
        |x: &Tensor| {
            assert_eq!(format!("{x}"), "Traced<float64[3]>");
            x * 2.0
        },
        &x,
        &x,
    );
}
