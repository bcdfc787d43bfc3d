//! Sub-programs, for the control-flow primitives (`cond`, `while_loop`, `scan`, `remat`):
//! tracing a user's function into a closed program, and the program-to-program transforms
//! their rules are written with — forward mode, partial evaluation (splitting a program into
//! the part computable now and the part linear in tangents), transposition and batching.
//!
//! Each transform traces the original program under the ordinary interpreters, so a
//! control-flow rule reuses every other primitive's rules instead of repeating them.

use std::cell::RefCell;
use std::rc::Rc;

use ferrograd_array::Array;

use crate::interp::jvp::JvpTrace;
use crate::interp::{eval_program, push, transpose_partial};
use crate::program::{Atom, Program, Var};
use crate::tensor::Repr;
use crate::transforms::{stage_flat, stage_flat_named, vmap_flat};
use crate::{lax, Aval, BatchDim, Error, Outs, Primitive, Result, Tangent, Tensor};

/// A function traced into a program whose constants are all plain arrays. The values of
/// enclosing transforms it captured (tracers, and tensors on the imperative tape) became the
/// program's leading inputs and are listed in `consts`: a primitive holding the program takes
/// them as operands, so the enclosing transforms see them (closure conversion).
#[derive(Debug, Clone)]
pub struct Closed {
    pub program: Rc<Program>,
    pub consts: Vec<Tensor>,
}

/// Traces `f` on abstract inputs of `avals` into a [`Closed`] program.
pub fn trace(avals: &[Aval], f: impl FnOnce(&[Tensor]) -> Result<Vec<Tensor>>) -> Result<Closed> {
    let mut prog = stage_flat(f, avals)?;
    let mut consts: Vec<Tensor> = Vec::new();
    let mut lifted: Vec<Var> = Vec::new();
    let mut lift = |a: &mut Atom, avals: &mut Vec<Aval>| {
        let Atom::Const(t) = a else { return };
        if t.plain_array().is_some() {
            return;
        }
        let v = match consts.iter().position(|c| same_value(c, t)) {
            Some(i) => lifted[i],
            None => {
                avals.push(t.aval());
                let v = Var(avals.len() as u32 - 1);
                consts.push(t.clone());
                lifted.push(v);
                v
            }
        };
        *a = Atom::Var(v);
    };
    let Program {
        avals,
        eqns,
        outputs,
        ..
    } = &mut prog;
    for e in eqns.iter_mut() {
        for a in e.inputs.iter_mut() {
            lift(a, avals);
        }
    }
    for a in outputs.iter_mut() {
        lift(a, avals);
    }
    let mut inputs = lifted;
    inputs.extend_from_slice(&prog.inputs);
    prog.inputs = inputs;
    Ok(Closed {
        program: Rc::new(prog),
        consts,
    })
}

/// True when two tensors are the same traced or recorded value.
fn same_value(a: &Tensor, b: &Tensor) -> bool {
    match (&a.repr, &b.repr) {
        (Repr::Tracer(x), Repr::Tracer(y)) => {
            (x.level, x.owner, x.index) == (y.level, y.owner, y.index)
        }
        (Repr::Tracked(x), Repr::Tracked(y)) => std::sync::Arc::ptr_eq(x, y),
        _ => false,
    }
}

/// The avals of a program's inputs.
pub fn in_avals(p: &Program) -> Vec<Aval> {
    p.inputs
        .iter()
        .map(|v| p.avals[v.0 as usize].clone())
        .collect()
}

/// The avals of a program's outputs.
pub fn out_avals(p: &Program) -> Vec<Aval> {
    p.outputs
        .iter()
        .map(|a| match a {
            Atom::Var(v) => p.avals[v.0 as usize].clone(),
            Atom::Const(t) => t.aval(),
        })
        .collect()
}

/// Evaluates a control-flow primitive eagerly: its sub-programs run op by op.
pub fn eval_subs(prim: &dyn Primitive, x: &[&Array]) -> Result<Outs<Array>> {
    let subs = prim.sub_programs();
    prim.eval_with(x, &mut |k, args| eval_program(&subs[k], args))
}

/// The arrays of values computed from concrete inputs.
pub fn arrays(op: &'static str, ys: Vec<Tensor>) -> Result<Outs<Array>> {
    ys.into_iter()
        .map(|t| {
            t.into_plain_array().map_err(|_| {
                Error::invalid(
                    op,
                    "a sub-program returned a traced value for concrete inputs",
                )
            })
        })
        .collect()
}

/// Concrete arrays as tensors (a control-flow primitive's evaluation works on tensors).
pub fn tensors(x: &[&Array]) -> Vec<Tensor> {
    x.iter().map(|a| Tensor::from_array((*a).clone())).collect()
}

/// The tangents `given` where `mask` is set, zeros (shaped like `vals`) where it is set but
/// none was given: a loop's tangent carry must exist from its first step.
pub fn instantiated(given: &[Tangent], vals: &[Tensor], mask: &[bool]) -> Vec<Tensor> {
    given
        .iter()
        .zip(vals)
        .zip(mask)
        .filter(|(_, &m)| m)
        .map(|((t, v), _)| t.clone().unwrap_or_else(|| lax::zeros_like(v)))
        .collect()
}

/// The 0-d integer value of `x` if it is known now (see [`crate::interp::concrete_value`]).
pub fn known_int(x: &Tensor) -> Option<i64> {
    let v = crate::interp::concrete_value(x)?.value()?;
    Some(v.to_f64_vec()[0] as i64)
}

/// `(y, y_dot)` of `prog` at `x` with tangents `x_dot` (`None` = zero), in a forward-mode
/// interpreter of its own: callable from inside any rule.
pub fn jvp_run(
    prog: &Program,
    x: &[Tensor],
    x_dot: &[Tangent],
) -> Result<(Vec<Tensor>, Vec<Tangent>)> {
    let (trace, _guard) = push(JvpTrace::new);
    let inputs: Vec<Tensor> = x
        .iter()
        .zip(x_dot)
        .map(|(x, t)| trace.lift(x.clone(), t.clone()))
        .collect();
    let outs = eval_program(prog, &inputs)?;
    Ok(outs.iter().map(|y| trace.unpack(y)).unzip())
}

/// The forward-mode program of `prog`: inputs `[x…, x_dot…]` with a tangent only for the
/// inputs where `nz`, outputs `[y…, y_dot…]` with a tangent for each output whose tangent is
/// nonzero or `force`d (zeros then). Returns the program and which outputs have tangents.
/// A program `for_reverse` will be split by [`partial_eval`]: control flow inside it then
/// keeps its primal and tangent work apart too.
pub fn jvp_program(
    prog: &Program,
    nz: &[bool],
    force: &[bool],
    for_reverse: bool,
) -> Result<(Program, Vec<bool>)> {
    let x_avals = in_avals(prog);
    let n = x_avals.len();
    let mut avals = x_avals.clone();
    avals.extend(picked(&x_avals, nz));
    let out_nz = RefCell::new(Vec::new());
    let p = stage_flat_named(
        if for_reverse { "linearize" } else { "jit" },
        |v| {
            let (x, t) = v.split_at(n);
            let x_dot = spread(t, nz);
            let (mut y, y_dot) = jvp_run(prog, x, &x_dot)?;
            let mut has = Vec::with_capacity(y.len());
            let mut tangents = Vec::new();
            for (i, (yi, d)) in y.iter().zip(y_dot).enumerate() {
                let keep = d.is_some() || force.get(i).copied().unwrap_or(false);
                has.push(keep);
                if keep {
                    tangents.push(d.unwrap_or_else(|| lax::zeros_like(yi)));
                }
            }
            *out_nz.borrow_mut() = has;
            y.extend(tangents);
            Ok(y)
        },
        &avals,
    )?;
    Ok((p, out_nz.into_inner()))
}

/// The entries of `xs` where `mask` is set.
pub fn picked<T: Clone>(xs: &[T], mask: &[bool]) -> Vec<T> {
    xs.iter()
        .zip(mask)
        .filter(|(_, &m)| m)
        .map(|(x, _)| x.clone())
        .collect()
}

/// `Some` of the next of `given` where `mask` is set, `None` elsewhere.
pub fn spread(given: &[Tensor], mask: &[bool]) -> Vec<Tangent> {
    let mut it = given.iter();
    mask.iter()
        .map(|&m| if m { it.next().cloned() } else { None })
        .collect()
}

/// A program split by [`partial_eval`].
#[derive(Debug)]
pub struct Split {
    /// Known inputs → the known outputs, then the residuals.
    pub known: Program,
    /// The residuals, then the unknown inputs → the unknown outputs.
    pub unknown: Program,
    /// The residuals: variables of both programs (they share the numbering).
    pub residuals: Vec<Var>,
}

/// Partial evaluation: splits `prog` into what its `known_in` inputs determine and the rest.
/// Equations reading only known values go to the known program; values it computes that the
/// other equations (or the `unknown_out` outputs) read are its residuals. Outputs not marked
/// in `unknown_out` must be known. Under forward mode with unknown tangents this is
/// linearization: the unknown program is linear in the tangents.
pub fn partial_eval(prog: &Program, known_in: &[bool], unknown_out: &[bool]) -> Result<Split> {
    let mut known = vec![false; prog.avals.len()];
    for (v, &k) in prog.inputs.iter().zip(known_in) {
        known[v.0 as usize] = k;
    }
    let is_known = |known: &[bool], a: &Atom| match a {
        Atom::Var(v) => known[v.0 as usize],
        Atom::Const(_) => true,
    };
    let (mut k_eqns, mut u_eqns) = (Vec::new(), Vec::new());
    for e in &prog.eqns {
        if e.inputs.iter().all(|a| is_known(&known, a)) {
            for v in &e.outputs {
                known[v.0 as usize] = true;
            }
            k_eqns.push(e.clone());
        } else {
            u_eqns.push(e.clone());
        }
    }
    let mut residuals: Vec<Var> = Vec::new();
    let mut note = |a: &Atom| {
        if let Atom::Var(v) = a {
            if known[v.0 as usize] && !residuals.contains(v) {
                residuals.push(*v);
            }
        }
    };
    for e in &u_eqns {
        e.inputs.iter().for_each(&mut note);
    }
    let mut k_outs = Vec::new();
    let mut u_outs = Vec::new();
    for (a, &u) in prog.outputs.iter().zip(unknown_out) {
        if u {
            note(a);
            u_outs.push(a.clone());
        } else if is_known(&known, a) {
            k_outs.push(a.clone());
        } else {
            return Err(Error::invalid(
                "partial_eval",
                "an output expected to be known depends on an unknown input (a bug in a control-flow rule)",
            ));
        }
    }
    k_outs.extend(residuals.iter().map(|v| Atom::Var(*v)));
    let (k_in, u_in): (Vec<Var>, Vec<Var>) = {
        let mut k = Vec::new();
        let mut u = residuals.clone();
        for (v, &kn) in prog.inputs.iter().zip(known_in) {
            if kn {
                k.push(*v)
            } else {
                u.push(*v)
            }
        }
        (k, u)
    };
    let part = |inputs, eqns, outputs| Program {
        avals: prog.avals.clone(),
        inputs,
        eqns,
        outputs,
    };
    Ok(Split {
        known: part(k_in, k_eqns, k_outs),
        unknown: part(u_in, u_eqns, u_outs),
        residuals,
    })
}

/// The transposed program of `prog` with respect to its inputs not marked `known`: inputs
/// `[known values…, output cotangents…]`, outputs the cotangents of the other inputs
/// (zeros where none flows).
pub fn transpose_program(prog: &Program, known: &[bool]) -> Result<Program> {
    let x_avals = in_avals(prog);
    let mut avals = picked(&x_avals, known);
    let n_known = avals.len();
    avals.extend(out_avals(prog));
    stage_flat(
        |v| {
            let (k, ct) = v.split_at(n_known);
            let mut k = k.iter();
            let known_vals: Vec<Option<Tensor>> = known
                .iter()
                .map(|&kn| if kn { k.next().cloned() } else { None })
                .collect();
            let cts: Vec<Option<Tensor>> = ct.iter().cloned().map(Some).collect();
            let x_ct = transpose_partial(prog, &known_vals, &cts)?;
            let unknown_avals = x_avals.iter().zip(known).filter(|(_, &kn)| !kn);
            Ok(x_ct
                .into_iter()
                .zip(unknown_avals)
                .map(|(c, (a, _))| c.unwrap_or_else(|| Tensor::zeros_aval(a)))
                .collect())
        },
        &avals,
    )
}

/// The batched program of `prog`: inputs of `avals` (batch axes included) batched along
/// `dims`, every output batched along axis 0 (an output that does not depend on a batched
/// input is broadcast). At least one input must be batched.
pub fn batch_program(prog: &Program, avals: &[Aval], dims: &[BatchDim]) -> Result<Program> {
    let axes: Vec<Option<i64>> = dims.iter().map(|d| d.map(|d| d as i64)).collect();
    stage_flat(
        |x| vmap_flat(|v| eval_program(prog, v), x, &axes, &[Some(0)]),
        avals,
    )
}

/// `prog` with its inputs in the order `order` gives (indices into the current inputs).
pub fn reorder_inputs(mut prog: Program, order: &[usize]) -> Program {
    prog.inputs = order.iter().map(|&i| prog.inputs[i]).collect();
    prog
}

/// `prog` with its outputs in the order `order` gives (indices into the current outputs).
pub fn reorder_outputs(mut prog: Program, order: &[usize]) -> Program {
    prog.outputs = order.iter().map(|&i| prog.outputs[i].clone()).collect();
    prog
}

/// `prog` taking extra, unread inputs of `avals`, placed from input position `at` on.
pub fn insert_unused(mut prog: Program, at: usize, avals: &[Aval]) -> Program {
    let added: Vec<Var> = avals.iter().map(|a| prog.new_var(a.clone())).collect();
    prog.inputs.splice(at..at, added);
    prog
}

/// `x` with a batch axis of `size` at the front: moved there, or broadcast when unbatched.
pub fn batched_at_front(x: &Tensor, d: BatchDim, size: usize) -> Result<Tensor> {
    match d {
        Some(_) => lax::move_batch_to_front(x, d),
        None => {
            let mut shape = vec![size];
            shape.extend_from_slice(x.shape());
            let dims: Vec<usize> = (1..shape.len()).collect();
            lax::broadcast_in_dim(x, &shape, &dims)
        }
    }
}

/// The batch size: the length of the first batched argument's batch axis.
pub fn batch_size(x: &[Tensor], dims: &[BatchDim]) -> Result<usize> {
    x.iter()
        .zip(dims)
        .find_map(|(x, d)| d.map(|d| x.shape()[d]))
        .ok_or_else(|| Error::invalid("vmap", "no batched argument"))
}

/// The avals of `x` as they are (batch axes included).
pub fn avals_of(x: &[Tensor]) -> Vec<Aval> {
    x.iter().map(Tensor::aval).collect()
}
