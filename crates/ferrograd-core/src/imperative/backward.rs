//! Reverse passes over the tape: transposing the recorded linear program (plain `backward`),
//! or re-running the recorded primal operations under `linearize` with the tracked tensors
//! themselves as inputs, so that the gradient is computed by tracked operations and can be
//! differentiated again (`create_graph`).

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use super::tape::{Origin, PrimalEqn, Retain, Tape, TAPE};
use crate::interp::{backward_pass, bind};
use crate::program::{Atom, Program};
use crate::tensor::{Node, Repr};
use crate::transforms::linearize_flat;
use crate::{lax, Error, Result, Tensor};

/// Options of [`Tensor::backward_opts`] (PyTorch's `retain_graph` and `create_graph`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BackwardOptions {
    /// Keep the graph so that it can be backpropagated through again. Without it, the rows
    /// this pass went through are freed, and a later pass that needs them is an error.
    pub retain_graph: bool,
    /// Compute the gradients with tracked operations, so that they can be differentiated
    /// again (Hessian rows, gradient penalties). Implies `retain_graph`, as in PyTorch.
    pub create_graph: bool,
}

/// A gradient computed for one node.
pub(crate) type NodeGrads = Vec<(Arc<Node>, Tensor)>;

/// The node of a tracked tensor, or an error saying how to make one.
pub(crate) fn node_of(op: &'static str, y: &Tensor, what: &str) -> Result<Arc<Node>> {
    match &y.repr {
        Repr::Tracked(n) => Ok(n.clone()),
        Repr::Value(_) => Err(Error::invalid(
            op,
            format!("{what} (shape {:?}) does not depend on any param, so there is nothing to differentiate; create the inputs with Tensor::param(..) or x.requires_grad() before computing it (operations inside no_grad(..) and on detach()ed tensors are not recorded)", y.shape()),
        )),
        Repr::Tracer(_) => Err(Error::invalid(
            op,
            format!("{what} is traced by a transform (grad, jvp, vmap); inside a transform, differentiate with the transform itself, or return the value and call {op} outside"),
        )),
    }
}

/// The cotangent seed for `y`: ones for a single-element `y`, else `seed` (same shape).
pub(crate) fn make_seed(op: &'static str, y: &Tensor, seed: Option<&Tensor>) -> Result<Tensor> {
    let Some(seed) = seed else {
        if y.size() != 1 {
            return Err(Error::NotScalar {
                op,
                shape: y.shape().to_vec(),
                fix: "backward() starts from a loss: pass the cotangent explicitly with y.backward_with(&seed) (a vector-Jacobian product), or reduce first: y.sum().backward() gives the derivative at every point of an elementwise function",
            });
        }
        return Ok(Tensor::full_dtype(y.shape(), 1.0, y.dtype()));
    };
    if seed.shape() != y.shape() {
        return Err(Error::invalid(
            op,
            format!("the seed has shape {:?} but the tensor has shape {:?}; the seed of a vector-Jacobian product has the output's shape", seed.shape(), y.shape()),
        ));
    }
    if seed.dtype() == y.dtype() {
        Ok(seed.clone())
    } else {
        lax::convert(seed, y.dtype())
    }
}

/// Gradients of `<seed, y>` for every live tracked tensor `y` depends on, by transposing the
/// tape. `free` marks the rows gone through as freed.
pub(crate) fn tape_vjp(
    op: &'static str,
    y: &Arc<Node>,
    seed: Tensor,
    free: bool,
) -> Result<NodeGrads> {
    let seed = super::tape::value_of(&seed);
    let Some(lent) = Lent::start(op, y)? else {
        // A leaf: d<seed, y>/dy = seed.
        return Ok(vec![(y.clone(), seed)]);
    };
    let mut tapped: Vec<(u32, Tensor)> = Vec::new();
    let input_cts = backward_pass(lent.prog(), &[Some(seed)], &mut |v, ct| {
        TAPE.with(|t| {
            let t = t.borrow();
            if let Some(r) = t.row_of_var(v) {
                if t.rows[r as usize].freed {
                    return Err(freed_error(op));
                }
                tapped.push((r, ct.clone()));
            }
            Ok(())
        })
    })?;
    let roots: Vec<Option<u32>> = TAPE.with(|t| {
        let t = t.borrow();
        lent.prog()
            .inputs
            .iter()
            .map(|&v| t.row_of_var(v))
            .collect()
    });
    drop(lent);
    let roots = roots.into_iter().zip(input_cts);
    tapped.extend(roots.filter_map(|(r, c)| Some((r?, c?))));
    TAPE.with(|t| {
        let mut t = t.borrow_mut();
        for (r, _) in &tapped {
            check_version(op, &t.rows[*r as usize])?;
        }
        if free {
            for (r, _) in &tapped {
                t.free(*r);
            }
        }
        Ok(tapped
            .into_iter()
            .filter_map(|(r, ct)| t.rows[r as usize].node.upgrade().map(|n| (n, ct)))
            .collect())
    })
}

/// The tape's program, lent to a backward pass: while it is out, operations do not record
/// and the tape is not compacted. Dropping it (also when a rule panics) gives it back.
struct Lent(Option<Program>);

impl Lent {
    /// Lends the program with `y`'s row as its output; `None` when `y` is a leaf with no
    /// history (its gradient is the seed itself).
    fn start(op: &'static str, y: &Arc<Node>) -> Result<Option<Lent>> {
        TAPE.with(|t| {
            let mut t = t.borrow_mut();
            let r = match start_row(op, &t, y)? {
                Some(r) => r,
                None => return Ok(None),
            };
            let mut prog = std::mem::take(&mut *t.prog.borrow_mut());
            prog.outputs = vec![Atom::Var(t.rows[r as usize].var)];
            t.busy = true;
            Ok(Some(Lent(Some(prog))))
        })
    }

    fn prog(&self) -> &Program {
        self.0.as_ref().expect("lent until dropped")
    }
}

impl Drop for Lent {
    fn drop(&mut self) {
        if let Some(prog) = self.0.take() {
            TAPE.with(|t| {
                let mut t = t.borrow_mut();
                *t.prog.borrow_mut() = prog;
                t.busy = false;
            });
        }
    }
}

/// The row a backward pass from `y` starts at: `None` for a leaf with no history, an error
/// when `y`'s history was freed or was recorded on another thread.
fn start_row(op: &'static str, t: &Tape, y: &Arc<Node>) -> Result<Option<u32>> {
    if y.tape != t.id && !y.leaf {
        return Err(other_thread_error(op));
    }
    match t.find_row(y) {
        Some(r) if t.rows[r as usize].freed => Err(freed_error(op)),
        Some(r) if matches!(t.rows[r as usize].origin, Origin::Op { .. }) => Ok(Some(r)),
        _ if y.leaf => Ok(None),
        _ => Err(freed_error(op)),
    }
}

fn freed_error(op: &'static str) -> Error {
    Error::invalid(
        op,
        "trying to backpropagate through a graph a second time: an earlier backward() went through part of this computation and freed it; pass BackwardOptions { retain_graph: true, .. } to the earlier y.backward_opts(..) (PyTorch's retain_graph=True) if you need to backpropagate through it twice, or recompute the value",
    )
}

/// Refuses a pass through a root recorded with a value its param no longer holds (PyTorch's
/// version counter): the gradient would be that of the old value, landing in the `.grad` of
/// a param that has moved on.
fn check_version(op: &'static str, row: &super::tape::Row) -> Result<()> {
    if !matches!(row.origin, Origin::Root) {
        return Ok(());
    }
    let Some(n) = row.node.upgrade() else {
        return Ok(());
    };
    let now = n.version();
    if now == row.version {
        return Ok(());
    }
    Err(Error::invalid(
        op,
        format!(
            "a param of shape {:?} ({}) was updated in place (-=, +=, *=, /=, copy_from or an optimizer step) after this graph used its value: the graph holds update {} of it and the param is now at update {now}, so the gradient would be that of a value the param no longer has. Call backward before updating the param, or compute the loss again from the updated param",
            n.value.shape(),
            n.value.dtype(),
            row.version,
        ),
    ))
}

fn other_thread_error(op: &'static str) -> Error {
    Error::invalid(
        op,
        "this tensor was computed on another thread, and each thread records its own graph: call backward (or grad_of) on the thread that computed it; params themselves can be shared, and gradients found on any thread land in the same .grad",
    )
}

/// What the replay of `y`'s history needs, copied out of the tape.
struct History {
    /// The recorded operations `y` depends on, oldest first: (row, equation, output index).
    ops: Vec<(u32, Rc<PrimalEqn>, usize)>,
    /// The rows that become inputs of the replay, with their tensors.
    roots: Vec<(u32, Tensor)>,
    y_row: u32,
}

/// Collects `y`'s history back to its roots (leaves, re-rooted tensors, and `cut`); `None`
/// when `y` is a leaf that is not on the tape (its gradient is the seed itself).
fn history(op: &'static str, y: &Arc<Node>, cut: Option<&Arc<Node>>) -> Result<Option<History>> {
    TAPE.with(|t| {
        let t = t.borrow();
        let y_row = match start_row(op, &t, y)? {
            Some(r) => r,
            // A leaf with a root row here is replayed from it (it is its own input).
            None => match t.find_row(y) {
                Some(r) => r,
                None => return Ok(None),
            },
        };
        let cut_row = cut.and_then(|c| t.find_row(c));
        let mut seen = vec![false; t.rows.len()];
        let (mut ops, mut roots) = (Vec::new(), Vec::new());
        let mut stack = vec![y_row];
        while let Some(r) = stack.pop() {
            if std::mem::replace(&mut seen[r as usize], true) {
                continue;
            }
            let row = &t.rows[r as usize];
            match (&row.origin, Some(r) == cut_row) {
                (Origin::Op { eqn, output }, false) => {
                    if row.freed {
                        return Err(freed_error(op));
                    }
                    ops.push((r, eqn.clone(), *output));
                    stack.extend(eqn.arg_rows.iter().flatten().copied());
                }
                // A root nobody holds any more keeps its recorded value as a constant.
                _ => {
                    check_version(op, row)?;
                    if let Some(n) = row.node.upgrade() {
                        roots.push((
                            r,
                            Tensor {
                                repr: Repr::Tracked(n),
                            },
                        ));
                    }
                }
            }
        }
        ops.sort_by_key(|o| o.0);
        Ok(Some(History { ops, roots, y_row }))
    })
}

/// Gradients of `<seed, y>` for `y`'s roots (and `cut`), computed by re-running `y`'s history
/// under `linearize` with tracked inputs: the results are tracked, hence differentiable.
pub(crate) fn replay_vjp(
    op: &'static str,
    y: &Arc<Node>,
    cut: Option<&Arc<Node>>,
    seed: Tensor,
) -> Result<NodeGrads> {
    let Some(h) = history(op, y, cut)? else {
        return Ok(vec![(y.clone(), seed)]);
    };
    let inputs: Vec<Tensor> = h.roots.iter().map(|(_, x)| x.clone()).collect();
    let replay = |xs: &[Tensor]| replay_history(op, &h, xs);
    // The gradient's graph is recorded to be differentiated: passes keep it (see `Row`).
    let _retain = Retain::enter();
    let (_, lin) = linearize_flat(replay, &inputs)?;
    let cts = lin.transpose(&[Some(seed)])?;
    Ok(h.roots
        .into_iter()
        .zip(cts)
        .filter_map(|((_, x), ct)| match x.repr {
            Repr::Tracked(n) => Some((n, ct)),
            _ => None,
        })
        .collect())
}

/// Recomputes `y` from new values `xs` of its roots (binding each recorded primitive, so
/// the surrounding `linearize` sees the work).
fn replay_history(op: &'static str, h: &History, xs: &[Tensor]) -> Result<Vec<Tensor>> {
    let mut env: HashMap<u32, Tensor> = h
        .roots
        .iter()
        .map(|(r, _)| *r)
        .zip(xs.iter().cloned())
        .collect();
    // Several outputs of one equation are recomputed once.
    let mut done: HashMap<*const PrimalEqn, crate::Outs<Tensor>> = HashMap::new();
    for (row, eqn, output) in &h.ops {
        let outs = match done.entry(Rc::as_ptr(eqn)) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => {
                let args: Vec<Tensor> = eqn
                    .args
                    .iter()
                    .zip(&eqn.arg_rows)
                    .map(|(a, r)| {
                        r.and_then(|r| env.get(&r).cloned())
                            .unwrap_or_else(|| a.clone())
                    })
                    .collect();
                e.insert(bind(&*eqn.prim, &args)?)
            }
        };
        env.insert(*row, outs[*output].clone());
    }
    Ok(vec![env.remove(&h.y_row).ok_or_else(|| freed_error(op))?])
}
