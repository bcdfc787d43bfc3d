//! Structured control flow over pytrees — [`cond`], [`switch`], [`while_loop`], [`fori_loop`],
//! [`scan`] (JAX's `lax` forms) — and [`checkpoint`] (JAX's `checkpoint`/`remat`).
//!
//! A Rust `if` or loop on a value works under `grad` and `jvp` (the values are known), but
//! not under `jit` or `vmap`, where a value is abstract or stands for a whole batch. These
//! forms take the branches and loop bodies as functions: each is traced once into a program
//! held by one primitive, which every transform handles as a whole —
//! - eagerly, and under `grad`/`jvp`, it runs the chosen branch or the loop;
//! - under `jit` it is compiled as a real branch or loop (not unrolled): a 5000-step training
//!   loop is one compiled call;
//! - under `vmap`, `cond` with a batched predicate runs both branches and selects per member
//!   (as in JAX), and `while_loop` runs until every member is done, freezing finished ones;
//! - reverse mode goes through all of them; through `while_loop` (which JAX refuses) when its
//!   values are known, i.e. outside `jit` and `vmap`.
//!
//! The functions are traced with abstract values: side effects in them (printing) happen
//! once, at tracing, not at every step. Values they capture from outside are fine, traced or
//! not.

use std::cell::RefCell;

use ferrograd_core::api::ok;
use ferrograd_core::control::{trace, Closed};
use ferrograd_core::interp::bind;
use ferrograd_core::prims::cond::join_branches;
use ferrograd_core::prims::{Cond, Remat, Scan, While};
use ferrograd_core::tree::{leaves, rebuild};
use ferrograd_core::{lax, Aval, DType, Error, Primitive, Result, Tensor, Tree};

/// The avals of a tree's leaves.
fn avals(x: &[Tensor]) -> Vec<Aval> {
    x.iter().map(Tensor::aval).collect()
}

/// Traces `f` on abstract values shaped like `template`'s leaves, keeping its output's
/// structure in `out`.
fn trace_tree<T: Tree, U: Tree>(
    template: &T,
    out: &RefCell<Option<U>>,
    f: impl Fn(&T) -> U,
) -> Result<Closed> {
    trace(&avals(&leaves(template)), |v| {
        let y = f(&rebuild(template, v.to_vec()));
        let ys = leaves(&y);
        let mut slot = out.borrow_mut();
        if let Some(first) = slot.as_ref() {
            if first.tree_def() != y.tree_def() {
                return Err(Error::invalid(
                    "cond",
                    format!(
                        "the branches return different structures: {:?} and {:?}",
                        first.tree_def(),
                        y.tree_def()
                    ),
                ));
            }
        } else {
            *slot = Some(y);
        }
        Ok(ys)
    })
}

/// `[a…, b…, c…]`.
fn concat(parts: &[&[Tensor]]) -> Vec<Tensor> {
    parts.concat()
}

/// Binds a control-flow primitive after checking its shape rule, which eager evaluation
/// would skip: a body returning the wrong shapes is refused however it runs.
fn checked_bind(prim: &dyn Primitive, args: &[Tensor]) -> Result<Vec<Tensor>> {
    prim.shape_rule(&avals(args))?;
    Ok(bind(prim, args)?.into_vec())
}

/// `true_fn(operands)` if `pred` is true, else `false_fn(operands)` (`jax.lax.cond`). `pred`
/// is a 0-d bool (an integer counts as true when nonzero). Both branches must return the same
/// structure of shapes and dtypes.
///
/// ```
/// use ferrograd::{cond, grad, jit, Tensor};
/// // |x| as a branch; under jit the branch is chosen at run time.
/// let f = jit(|x: &Tensor| cond(&x.greater(0.0), |x: &Tensor| x.clone(), |x: &Tensor| -x, x));
/// assert_eq!(f(&Tensor::from(-3.0)).item(), 3.0);
/// assert_eq!(grad(|x: &Tensor| cond(&x.greater(0.0), |x: &Tensor| x * x, |x: &Tensor| -x, x))(&Tensor::from(2.0)).item(), 4.0);
/// ```
///
/// # Panics
/// If `pred` is not 0-d, or the branches return different structures, shapes or dtypes.
#[track_caller]
pub fn cond<T: Tree, U: Tree>(
    pred: &Tensor,
    true_fn: impl Fn(&T) -> U,
    false_fn: impl Fn(&T) -> U,
    operands: &T,
) -> U {
    let index = ok(branch_index("cond", pred, true));
    ok(switch_impl(&index, &[&false_fn, &true_fn], operands))
}

/// `branches[index](operands)` (`jax.lax.switch`); an index out of range is clamped to the
/// first or last branch, as in JAX.
///
/// ```
/// use ferrograd::{switch, Tensor};
/// let f = |i: i64, x: &Tensor| {
///     switch(&Tensor::from(i), &[&|x: &Tensor| x.sin(), &|x: &Tensor| x.cos(), &|x: &Tensor| x * 2.0], x)
/// };
/// assert_eq!(f(2, &Tensor::from(1.5)).item(), 3.0);
/// assert_eq!(f(7, &Tensor::from(1.5)).item(), 3.0); // clamped to the last branch
/// ```
///
/// # Panics
/// If `index` is not a 0-d integer, there are no branches, or they return different
/// structures, shapes or dtypes.
#[track_caller]
pub fn switch<T: Tree, U: Tree>(index: &Tensor, branches: &[&dyn Fn(&T) -> U], operands: &T) -> U {
    let index = ok(branch_index("switch", index, false));
    ok(switch_impl(&index, branches, operands))
}

/// The branch index as a 0-d int64: a bool predicate (or, for `cond`, any nonzero integer)
/// is 1 when true.
fn branch_index(op: &'static str, x: &Tensor, predicate: bool) -> Result<Tensor> {
    if x.ndim() != 0 {
        return Err(Error::invalid(
            op,
            format!("the {} must be 0-d, got shape {:?}; reduce it first (.any(), .all(), .sum()) or use np::where_ to choose elementwise", if predicate { "predicate" } else { "index" }, x.shape()),
        ));
    }
    match x.dtype() {
        DType::Bool => lax::convert(x, DType::I64),
        DType::I64 | DType::U32 if predicate => {
            let nonzero = lax::compare(
                x,
                &lax::zeros_like(x),
                ferrograd_array::kernels::Compare::Ne,
            )?;
            lax::convert(&nonzero, DType::I64)
        }
        DType::I64 | DType::U32 => lax::convert(x, DType::I64),
        d => Err(Error::invalid(
            op,
            format!(
                "the {} must be a bool or an integer, got {d}; compare it first (x.greater(0.0))",
                if predicate { "predicate" } else { "index" }
            ),
        )),
    }
}

fn switch_impl<T: Tree, U: Tree>(
    index: &Tensor,
    branches: &[&dyn Fn(&T) -> U],
    operands: &T,
) -> Result<U> {
    if branches.is_empty() {
        return Err(Error::invalid(
            "switch",
            "no branches given; pass at least one function",
        ));
    }
    let out = RefCell::new(None);
    let closed = branches
        .iter()
        .map(|b| trace_tree(operands, &out, b))
        .collect::<Result<Vec<_>>>()?;
    let (branches, consts) = join_branches(closed);
    let ops = leaves(operands);
    let ys = checked_bind(
        &Cond { branches },
        &concat(&[std::slice::from_ref(index), &consts, &ops]),
    )?;
    let template = out.into_inner().expect("a branch ran");
    Ok(rebuild(&template, ys))
}

/// `while cond_fn(carry) { carry = body_fn(carry) }`, returning the final carry
/// (`jax.lax.while_loop`). `cond_fn` returns a 0-d bool; `body_fn` returns a carry of the same
/// structure, shapes and dtypes.
///
/// ```
/// use ferrograd::{while_loop, Tensor};
/// // Newton's method for √2, until the step is small.
/// let (x, step) = while_loop(
///     |(_, step): &(Tensor, Tensor)| step.abs().greater(1e-12),
///     |(x, _): &(Tensor, Tensor)| {
///         let next = (x + 2.0 / x) * 0.5;
///         (next.clone(), next - x)
///     },
///     (Tensor::from(1.0), Tensor::from(1.0)),
/// );
/// assert!((x.item() - 2f64.sqrt()).abs() < 1e-15 && step.item().abs() <= 1e-12);
/// ```
///
/// # Panics
/// If `cond_fn` does not return a 0-d bool, or `body_fn` changes the carry's shapes or dtypes.
#[track_caller]
pub fn while_loop<T: Tree>(
    cond_fn: impl Fn(&T) -> Tensor,
    body_fn: impl Fn(&T) -> T,
    init: T,
) -> T {
    ok(while_impl(cond_fn, body_fn, &init))
}

fn while_impl<T: Tree>(
    cond_fn: impl Fn(&T) -> Tensor,
    body_fn: impl Fn(&T) -> T,
    init: &T,
) -> Result<T> {
    let carry = leaves(init);
    let c = trace(&avals(&carry), |v| {
        Ok(vec![cond_fn(&rebuild(init, v.to_vec()))])
    })?;
    let b = trace(&avals(&carry), |v| {
        Ok(leaves(&body_fn(&rebuild(init, v.to_vec()))))
    })?;
    let prim = While::new(c.program, b.program, c.consts.len(), b.consts.len());
    let ys = checked_bind(&prim, &concat(&[&c.consts, &b.consts, &carry]))?;
    Ok(rebuild(init, ys))
}

/// `body(i, carry)` for `i` in `lower..upper`, returning the final carry
/// (`jax.lax.fori_loop`). `i` is a 0-d int64. With its fixed number of steps it is a
/// [`scan`], so reverse mode goes through it under `jit` too.
///
/// ```
/// use ferrograd::{fori_loop, jit, Tensor};
/// // Σ i² for i < 10, as one compiled loop.
/// let f = jit(|x: &Tensor| fori_loop(0, 10, |i, acc: &Tensor| acc + i.astype(ferrograd::DType::F64).square(), x.clone()));
/// assert_eq!(f(&Tensor::from(0.0)).item(), 285.0);
/// ```
#[track_caller]
pub fn fori_loop<T: Tree>(lower: i64, upper: i64, body: impl Fn(&Tensor, &T) -> T, init: T) -> T {
    let steps = (upper - lower).max(0) as usize;
    let one = Tensor::from(1i64);
    let step = |(i, c): &(Tensor, T), _: &()| -> ((Tensor, T), ()) {
        let next = ok(lax::add(i, &one));
        ((next, body(i, c)), ())
    };
    let options = ScanOptions {
        length: Some(steps),
        reverse: false,
    };
    ok(scan_impl(step, (Tensor::from(lower), init), &(), options))
        .0
         .1
}

/// Options of [`scan_with`]: the number of steps (needed when there are no `xs`), and
/// whether to run from the last element to the first (the `ys` keep the `xs`' order).
#[derive(Debug, Clone, Copy, Default)]
pub struct ScanOptions {
    pub length: Option<usize>,
    pub reverse: bool,
}

/// `(carry, y_i) = f(carry, x_i)` over the leading axis of every leaf of `xs`, returning the
/// final carry and the `y_i` stacked along a new leading axis (`jax.lax.scan`).
///
/// ```
/// use ferrograd::{scan, Tensor};
/// // A running sum.
/// let (total, sums) = scan(|c: &Tensor, x: &Tensor| (c + x, c + x), Tensor::from(0.0), &Tensor::from(vec![1.0, 2.0, 3.0]));
/// assert_eq!(total.item(), 6.0);
/// assert_eq!(sums.to_vec(), vec![1.0, 3.0, 6.0]);
/// ```
///
/// # Panics
/// If the leaves of `xs` have different leading lengths, `f` changes the carry's shapes or
/// dtypes, or returns `y`s of different structures.
#[track_caller]
pub fn scan<C: Tree, X: Tree, Y: Tree>(f: impl Fn(&C, &X) -> (C, Y), init: C, xs: &X) -> (C, Y) {
    ok(scan_impl(f, init, xs, ScanOptions::default()))
}

/// [`scan`] with a given length (for a scan over no `xs`) or in reverse.
///
/// ```
/// use ferrograd::{scan_with, ScanOptions, Tensor};
/// let (_, ys) = scan_with(|c: &Tensor, x: &Tensor| (c + x, c + x), Tensor::from(0.0),
///     &Tensor::from(vec![1.0, 2.0, 3.0]), ScanOptions { reverse: true, ..Default::default() });
/// assert_eq!(ys.to_vec(), vec![6.0, 5.0, 3.0]); // sums from the end
/// ```
#[track_caller]
pub fn scan_with<C: Tree, X: Tree, Y: Tree>(
    f: impl Fn(&C, &X) -> (C, Y),
    init: C,
    xs: &X,
    options: ScanOptions,
) -> (C, Y) {
    ok(scan_impl(f, init, xs, options))
}

fn scan_impl<C: Tree, X: Tree, Y: Tree>(
    f: impl Fn(&C, &X) -> (C, Y),
    init: C,
    xs: &X,
    options: ScanOptions,
) -> Result<(C, Y)> {
    let x_leaves = leaves(xs);
    let length = scan_length(&x_leaves, options.length)?;
    let carry = leaves(&init);
    let nc = carry.len();
    let step_avals: Vec<Aval> = x_leaves
        .iter()
        .map(|x| Aval::new(&x.shape()[1..], x.dtype()))
        .collect();
    let out: RefCell<Option<Y>> = RefCell::new(None);
    let body = trace(&[avals(&carry), step_avals].concat(), |v| {
        let (c, y) = f(
            &rebuild(&init, v[..nc].to_vec()),
            &rebuild(xs, v[nc..].to_vec()),
        );
        let mut l = leaves(&c);
        l.extend(leaves(&y));
        *out.borrow_mut() = Some(y);
        Ok(l)
    })?;
    let prim = Scan {
        body: body.program,
        length,
        reverse: options.reverse,
        n_consts: body.consts.len(),
        n_carry: nc,
    };
    let mut ys = checked_bind(&prim, &concat(&[&body.consts, &carry, &x_leaves]))?;
    let stacked = ys.split_off(nc);
    let template = out.into_inner().expect("the body ran");
    Ok((rebuild(&init, ys), rebuild(&template, stacked)))
}

/// The scan's length: the leading length shared by the `xs`, or the one given.
fn scan_length(xs: &[Tensor], given: Option<usize>) -> Result<usize> {
    let mut length = given;
    for x in xs {
        let Some(&n) = x.shape().first() else {
            return Err(Error::invalid("scan", "an xs leaf is 0-d; scan runs over the leading axis of each xs leaf, so each needs one"));
        };
        match length {
            Some(m) if m != n => {
                return Err(Error::invalid(
                    "scan",
                    format!("the xs have leading length {n} (shape {:?}), but the scan's length is {m}; every xs leaf must have the same leading length (and match ScanOptions::length if given)", x.shape()),
                ))
            }
            _ => length = Some(n),
        }
    }
    length.ok_or_else(|| {
        Error::invalid("scan", "the number of steps is unknown: there are no xs; give it with scan_with(.., ScanOptions { length: Some(n), .. })")
    })
}

/// `f`, with reverse mode storing only its inputs and recomputing its intermediates when
/// the gradient is taken (`jax.checkpoint`): less memory for more computation. Use it on a
/// long chain's steps, such as a [`scan`] body, to bound the memory of its backward pass.
///
/// ```
/// use ferrograd::{checkpoint, grad, Tensor};
/// let f = checkpoint(|x: &Tensor| x.sin().exp());
/// let g = grad(|x: &Tensor| f(x))(&Tensor::from(0.5));
/// assert!((g.item() - 0.5f64.cos() * 0.5f64.sin().exp()).abs() < 1e-15);
/// ```
pub fn checkpoint<T: Tree, U: Tree>(f: impl Fn(&T) -> U) -> impl Fn(&T) -> U {
    move |x: &T| {
        let out = RefCell::new(None);
        let body = ok(trace_tree(x, &out, &f));
        let ys = ok(checked_bind(
            &Remat { body: body.program },
            &concat(&[&body.consts, &leaves(x)]),
        ));
        rebuild(&out.into_inner().expect("the function ran"), ys)
    }
}
