//! Custom derivatives over pytrees: [`custom_jvp`] (a forward-mode rule, JAX's `custom_jvp`)
//! and [`custom_vjp`] (a reverse-mode rule, autograd's `defvjp` / JAX's `custom_vjp`).
//!
//! Each call of the returned function binds one call primitive
//! (`ferrograd_core::prims::custom_jvp` / `custom_vjp`) over the flat leaves; the wrappers here
//! only flatten and rebuild. The output structure is taken from whichever user function runs
//! first (the function itself, or the rule).
//!
//! The function and the rules must not capture values traced by an enclosing transform; pass
//! such values as (part of) the input instead.

use std::cell::RefCell;
use std::rc::Rc;

use ferrograd_core::api::ok;
use ferrograd_core::interp::bind;
use ferrograd_core::prims::custom_jvp::{CustomFn, CustomJvpCall, FlatFn, RuleFn};
use ferrograd_core::prims::custom_vjp::{BwdFn, CustomVjpCall};
use ferrograd_core::tree::{leaves, rebuild};
use ferrograd_core::{Error, Tensor, Tree};

/// The output of one call, kept for its structure (its leaves are never read).
type Slot<U> = Rc<RefCell<Option<U>>>;

/// `f` on flat leaves, storing its output (for the structure) in `out`.
fn flat_fn<T, U>(f: Rc<dyn Fn(&T) -> U>, x_template: T, out: Slot<U>) -> FlatFn
where
    T: Tree + 'static,
    U: Tree + 'static,
{
    Rc::new(move |xs: &[Tensor]| {
        let y = f(&rebuild(&x_template, xs.to_vec()));
        let y_leaves = leaves(&y);
        *out.borrow_mut() = Some(y);
        Ok(y_leaves)
    })
}

/// Rebuilds flat outputs with the structure recorded in `out`.
fn rebuild_out<U: Tree>(op: &'static str, out: &Slot<U>, ys: Vec<Tensor>) -> Result<U, Error> {
    let template = out.borrow();
    let template = template.as_ref().ok_or_else(|| {
        Error::invalid(op, "the output structure is unknown: no user function ran")
    })?;
    Ok(rebuild(template, ys))
}

/// `f` with its forward-mode derivative given by `jvp_rule(x, x_dot) = (f(x), ∂f(x)·x_dot)`.
///
/// The rule is written with Tensor operations and must be linear in `x_dot`; then reverse mode
/// (`grad`, `vjp`) works too, by transposing the rule's tangent operations, and so do higher
/// derivatives (the rule is differentiated like any other code). Use it for numerical
/// stability or to make a derivative cheaper.
///
/// ```
/// use ferrograd::{custom_jvp, grad, jvp, Tensor};
/// // log(1 + e^x) with the stable derivative sigmoid(x).
/// let log1pexp = custom_jvp(
///     |x: &Tensor| x.exp().log1p(),
///     |x: &Tensor, x_dot: &Tensor| (x.exp().log1p(), x.sigmoid() * x_dot),
/// );
/// let g = grad(&log1pexp)(&Tensor::from(1000.0)); // exp(1000) overflows; the rule does not
/// assert_eq!(g.item(), 1.0);
/// let (_, y_dot) = jvp(&log1pexp, &Tensor::from(0.0), &Tensor::from(2.0));
/// assert_eq!(y_dot.item(), 1.0);
/// ```
///
/// # Panics
/// When called, if the rule's tangents do not match its outputs, or `f` or the rule panics.
pub fn custom_jvp<T, U>(
    f: impl Fn(&T) -> U + 'static,
    jvp_rule: impl Fn(&T, &T) -> (U, U) + 'static,
) -> impl Fn(&T) -> U
where
    T: Tree + Clone + 'static,
    U: Tree + 'static,
{
    let f: Rc<dyn Fn(&T) -> U> = Rc::new(f);
    let rule = Rc::new(jvp_rule);
    move |x: &T| {
        let out: Slot<U> = Rc::default();
        let rule_flat = {
            let (rule, template, out) = (rule.clone(), x.clone(), out.clone());
            Rc::new(move |xs: &[Tensor], ts: &[Tensor]| {
                let (y, y_dot) = rule(
                    &rebuild(&template, xs.to_vec()),
                    &rebuild(&template, ts.to_vec()),
                );
                let flat = (leaves(&y), leaves(&y_dot));
                *out.borrow_mut() = Some(y);
                Ok(flat)
            })
        };
        let prim = CustomJvpCall {
            f: CustomFn::new(flat_fn(f.clone(), x.clone(), out.clone())),
            rule: RuleFn(rule_flat),
        };
        let ys = ok(bind(&prim, &leaves(x)));
        ok(rebuild_out("custom_jvp", &out, ys.into_vec()))
    }
}

/// `f` with its reverse-mode derivative given by `bwd(x, y, ct)`: the cotangent of `x` from
/// the input, the output `y = f(x)`, and the output's cotangent `ct`.
///
/// `bwd` is written with Tensor operations, so it is differentiated again for higher-order
/// reverse mode (grad of grad uses `bwd` at both levels). Under forward mode (`jvp`) there is
/// no forward rule to use, so the function differentiates its forward computation `f` instead.
///
/// ```
/// use ferrograd::{custom_vjp, grad, Tensor};
/// // x² whose reverse-mode derivative is (deliberately) 3x, to show which rule runs.
/// let f = custom_vjp(|x: &Tensor| x * x, |x: &Tensor, _y: &Tensor, ct: &Tensor| 3.0 * x * ct);
/// assert_eq!(grad(&f)(&Tensor::from(2.0)).item(), 6.0);
/// ```
///
/// # Panics
/// When called, if `bwd` returns a value not shaped like `x`, or `f` or `bwd` panics.
pub fn custom_vjp<T, U>(
    f: impl Fn(&T) -> U + 'static,
    bwd: impl Fn(&T, &U, &U) -> T + 'static,
) -> impl Fn(&T) -> U
where
    T: Tree + Clone + 'static,
    U: Tree + 'static,
{
    let f: Rc<dyn Fn(&T) -> U> = Rc::new(f);
    let bwd = Rc::new(bwd);
    move |x: &T| {
        let out: Slot<U> = Rc::default();
        let bwd_flat = {
            let (bwd, template, out) = (bwd.clone(), x.clone(), out.clone());
            Rc::new(move |xs: &[Tensor], ys: &[Tensor], cts: &[Tensor]| {
                let y = rebuild_out("custom_vjp", &out, ys.to_vec())?;
                let ct = rebuild_out("custom_vjp", &out, cts.to_vec())?;
                Ok(leaves(&bwd(&rebuild(&template, xs.to_vec()), &y, &ct)))
            })
        };
        let prim = CustomVjpCall {
            f: CustomFn::new(flat_fn(f.clone(), x.clone(), out.clone())),
            bwd: BwdFn(bwd_flat),
        };
        let ys = ok(bind(&prim, &leaves(x)));
        ok(rebuild_out("custom_vjp", &out, ys.into_vec()))
    }
}
