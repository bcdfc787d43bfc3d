//! The thread-local tape: a persistent linearization of everything computed from params.
//!
//! Every operation on a tracked tensor runs its primitive's jvp rule with the primal values
//! (computed now) and tangent tracers of a staging interpreter pushed just for that operation,
//! whose equations are appended to one long linear [`Program`] — `linearize` spread over the
//! user's eager code. Each tracked tensor owns one row: its tangent variable, a weak handle on
//! its [`Node`], and how to recompute it (for `create_graph`).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, PoisonError, Weak};

use ferrograd_array::Array;

use crate::interp::stage::StageTrace;
use crate::interp::{self, Interpreter};
use crate::program::{Program, Var};
use crate::tensor::{Node, Repr};
use crate::{lax, Aval, Error, PrimRef, Primitive, Result, Tangent, Tensor};

/// One recorded primitive application, kept to recompute its outputs under `create_graph`.
pub(crate) struct PrimalEqn {
    pub prim: PrimRef,
    /// The argument values (concrete: the tape never holds a strong handle on a node).
    pub args: Vec<Tensor>,
    /// The row of each tracked argument at recording time.
    pub arg_rows: Vec<Option<u32>>,
}

/// How a row came to be.
#[derive(Clone)]
pub(crate) enum Origin {
    /// A program input: a leaf, a tensor whose own history was freed or collected (it starts
    /// afresh here, MyGrad's rule), or a tracked tensor of another thread.
    Root,
    /// Output `output` of a recorded operation.
    Op { eqn: Rc<PrimalEqn>, output: usize },
}

pub(crate) struct Row {
    pub var: Var,
    pub node: Weak<Node>,
    pub origin: Origin,
    /// Set by a `backward` that went through this row without `retain_graph`.
    pub freed: bool,
    /// Recorded while computing a `create_graph` gradient: such a graph exists to be
    /// differentiated, possibly several times (Hessian rows), so passes never free it; it
    /// goes when nothing live reaches it.
    pub retained: bool,
    /// For a root, the version of its node's value it was recorded with (see
    /// `Node::version`): a pass through a root whose node has been updated since is refused.
    pub version: u64,
}

pub(crate) const NO_ROW: u32 = u32::MAX;
static NEXT_TAPE: AtomicU64 = AtomicU64::new(1);

pub(crate) struct Tape {
    /// Unique in the process: a node whose `tape` differs was recorded on another thread.
    pub id: u64,
    /// The linear tape; its inputs are the root rows' tangent variables. Shared with the
    /// staging interpreter that records each operation's tangent work into it.
    pub prog: Rc<RefCell<Program>>,
    pub rows: Vec<Row>,
    /// For each program variable, the row whose tangent it is (`NO_ROW` if none).
    pub var_row: Vec<u32>,
    /// Root rows made here for tracked tensors of other threads, by node address (the row's
    /// weak handle keeps the address from being reused).
    pub foreign: HashMap<usize, u32>,
    /// True while a backward pass has the program out; operations then do not record.
    pub busy: bool,
    /// While positive, rows are marked `retained` (a create_graph pass is recording).
    pub retaining: u32,
    /// While positive, the tape is not compacted (row and variable numbers are in use).
    pub pinned: u32,
    /// Compact when the tape reaches this many rows.
    pub next_sweep: usize,
}

pub(crate) const FIRST_SWEEP: usize = 1 << 12;

impl Tape {
    fn new() -> Self {
        Tape {
            id: NEXT_TAPE.fetch_add(1, Relaxed),
            prog: Rc::default(),
            rows: Vec::new(),
            var_row: Vec::new(),
            foreign: HashMap::new(),
            busy: false,
            retaining: 0,
            pinned: 0,
            next_sweep: FIRST_SWEEP,
        }
    }

    /// The row of `node` to record an operation on its value of `version`: its own while it
    /// can be backpropagated through and holds that version, else a new root for it (the
    /// rows recorded with an older version stay for the graphs that used them, whose
    /// backward passes are then refused).
    pub fn row_of(&mut self, node: &Arc<Node>, version: u64) -> u32 {
        if let Some(r) = self.find_row(node) {
            let row = &self.rows[r as usize];
            if !row.freed && row.version == version {
                return r;
            }
        }
        let r = self.push_root(&node.value, Arc::downgrade(node));
        self.rows[r as usize].version = version;
        if node.tape == self.id {
            node.row.store(r, Relaxed);
        } else {
            self.foreign.insert(Arc::as_ptr(node) as usize, r);
        }
        r
    }

    /// The current row of `node` if it has one (possibly freed), without creating it.
    pub fn find_row(&self, node: &Arc<Node>) -> Option<u32> {
        if node.tape == self.id {
            let r = node.row.load(Relaxed);
            return (r != NO_ROW).then_some(r);
        }
        self.foreign.get(&(Arc::as_ptr(node) as usize)).copied()
    }

    fn push_root(&mut self, value: &Array, node: Weak<Node>) -> u32 {
        let mut prog = self.prog.borrow_mut();
        let v = prog.new_var(Aval::new(value.shape(), value.dtype()));
        prog.inputs.push(v);
        drop(prog);
        self.push_row(v, node, Origin::Root)
    }

    fn push_row(&mut self, var: Var, node: Weak<Node>, origin: Origin) -> u32 {
        let r = self.rows.len() as u32;
        self.rows.push(Row {
            var,
            node,
            origin,
            freed: false,
            retained: self.retaining > 0,
            version: 0,
        });
        self.var_row.resize(self.prog.borrow().avals.len(), NO_ROW);
        self.var_row[var.0 as usize] = r;
        r
    }

    /// The row whose tangent is `v`, if any.
    pub fn row_of_var(&self, v: Var) -> Option<u32> {
        self.var_row
            .get(v.0 as usize)
            .copied()
            .filter(|&r| r != NO_ROW)
    }

    /// Marks a row as gone through by a pass that does not keep the graph.
    pub fn free(&mut self, r: u32) {
        let row = &mut self.rows[r as usize];
        row.freed |= matches!(row.origin, Origin::Op { .. }) && !row.retained;
    }
}

thread_local! {
    pub(crate) static TAPE: RefCell<Tape> = RefCell::new(Tape::new());
    static NO_GRAD: Cell<u32> = const { Cell::new(0) };
}

/// Restores the recording state when a [`super::no_grad`] scope ends (also on panic).
pub(crate) struct NoGradGuard;

impl NoGradGuard {
    pub fn enter() -> Self {
        NO_GRAD.with(|c| c.set(c.get() + 1));
        NoGradGuard
    }
}

impl Drop for NoGradGuard {
    fn drop(&mut self) {
        NO_GRAD.with(|c| c.set(c.get() - 1));
    }
}

/// `node.grad += g` (the first gradient is stored as it is), under one lock held across the
/// read, the add and the write, so that passes on several threads all count.
pub(crate) fn accumulate(node: &Node, g: Tensor) -> Result<()> {
    let mut slot = node.grad.lock().unwrap_or_else(PoisonError::into_inner);
    let new = match slot.take() {
        None => g,
        Some(old) => lax::add(&old, &g)?,
    };
    *slot = Some(new);
    Ok(())
}

/// A scope (ended also by a panic) in which this thread's tape is not compacted.
pub(crate) struct Pin;

impl Pin {
    pub fn enter() -> Self {
        TAPE.with(|t| t.borrow_mut().pinned += 1);
        Pin
    }
}

impl Drop for Pin {
    fn drop(&mut self) {
        TAPE.with(|t| t.borrow_mut().pinned -= 1);
    }
}

/// A scope (ended also by a panic) whose recorded rows are kept by later passes.
pub(crate) struct Retain;

impl Retain {
    pub fn enter() -> Self {
        TAPE.with(|t| t.borrow_mut().retaining += 1);
        Retain
    }
}

impl Drop for Retain {
    fn drop(&mut self) {
        TAPE.with(|t| t.borrow_mut().retaining -= 1);
    }
}

/// False inside [`super::no_grad`].
pub fn is_grad_enabled() -> bool {
    NO_GRAD.with(|c| c.get() == 0)
}

/// How many tensors this thread's tape currently records (rows, including roots). Rows that
/// no live tensor can backpropagate through are dropped after each backward pass and, while
/// recording, whenever the tape has doubled; so it drops back to zero once nothing recorded
/// can be differentiated through any more, and a number that keeps growing means tracked
/// results are kept alive.
pub fn tape_len() -> usize {
    TAPE.with(|t| t.borrow().rows.len())
}

/// The tape as an interpreter: `bind` hands it operations on tracked values once no
/// transform above claims them.
struct TapeInterp;

impl Interpreter for TapeInterp {
    fn process(&self, prim: &dyn Primitive, args: &[Tensor]) -> Result<crate::Outs<Tensor>> {
        process(prim, args)
    }
}

/// A new leaf holding `value`.
pub(crate) fn new_leaf(value: Array) -> Tensor {
    // Tracked values start here, so the tape is in place before `bind` meets one.
    interp::install_base(&TapeInterp);
    TAPE.with(|t| {
        let mut t = t.borrow_mut();
        let row = t.push_root(&value, Weak::new());
        let node = Node::new(value, t.id, row, true);
        t.rows[row as usize].node = Arc::downgrade(&node);
        Tensor {
            repr: Repr::Tracked(node),
        }
    })
}

/// Applies `prim` to arguments of which at least one is tracked (and none is a tracer).
fn process(prim: &dyn Primitive, args: &[Tensor]) -> Result<crate::Outs<Tensor>> {
    // Each param's value is read once, with its version, so that the row recorded for it
    // matches the value used even if another thread updates it meanwhile.
    let (primals, versions): (Vec<Tensor>, smallvec::SmallVec<[u64; 4]>) = args
        .iter()
        .map(|a| match &a.repr {
            Repr::Tracked(n) => {
                let (v, version) = n.snapshot();
                (Tensor::from_array(v), version)
            }
            _ => (a.clone(), 0),
        })
        .unzip();
    let rows = TAPE.with(|t| {
        let mut t = t.borrow_mut();
        if t.busy || !is_grad_enabled() {
            return None;
        }
        if t.rows.len() >= t.next_sweep {
            t.collect();
        }
        let rows: Vec<Option<(u32, Var)>> = args
            .iter()
            .zip(&versions)
            .map(|(a, &version)| match &a.repr {
                Repr::Tracked(n) => {
                    let r = t.row_of(n, version);
                    Some((r, t.rows[r as usize].var))
                }
                _ => None,
            })
            .collect();
        Some((rows, t.prog.clone()))
    });
    let Some((rows, prog)) = rows else {
        return interp::eval(prim, &primals);
    };
    // The rows and variables just looked up must stay where they are until the outputs'
    // rows are pushed (a custom rule could record on the tape in between).
    let _pin = Pin::enter();
    let (outs, out_vars) = linearize_one(prim, &primals, &rows, prog)?;
    if out_vars.iter().all(Option::is_none) {
        return Ok(outs);
    }
    let eqn = Rc::new(PrimalEqn {
        prim: prim.to_ref(),
        args: primals,
        arg_rows: rows.iter().map(|r| r.map(|(r, _)| r)).collect(),
    });
    TAPE.with(|t| {
        let mut t = t.borrow_mut();
        outs.into_iter()
            .zip(out_vars)
            .enumerate()
            .map(|(i, (y, v))| match v {
                None => Ok(y),
                Some(v) => {
                    let origin = Origin::Op {
                        eqn: eqn.clone(),
                        output: i,
                    };
                    let value = concrete(prim, y)?;
                    let row = t.push_row(v, Weak::new(), origin);
                    let node = Node::new(value, t.id, row, false);
                    t.rows[row as usize].node = Arc::downgrade(&node);
                    Ok(Tensor {
                        repr: Repr::Tracked(node),
                    })
                }
            })
            .collect()
    })
}

/// Runs `prim`'s jvp rule on the primal values with tangents staged onto the tape's program
/// `prog`. Returns the outputs and, for each, the fresh tangent variable that is its row's
/// (`None`: no tangent).
fn linearize_one(
    prim: &dyn Primitive,
    primals: &[Tensor],
    rows: &[Option<(u32, Var)>],
    prog: Rc<RefCell<Program>>,
) -> Result<(crate::Outs<Tensor>, Vec<Option<Var>>)> {
    let first_new = prog.borrow().avals.len();
    let (stage, _guard) = interp::push(StageTrace::sharing(prog));
    let tangents: Vec<Tangent> = rows
        .iter()
        .zip(primals)
        .map(|(r, p)| r.map(|(_, v)| stage.tracer_of(v, p.aval())))
        .collect();
    let (outs, out_dots) = prim.jvp(primals, &tangents)?;
    let mut vars: Vec<Option<Var>> = Vec::with_capacity(outs.len());
    for t in out_dots.iter() {
        // A tangent that does not depend on the inputs is zero: nothing to track.
        let Some(mut v) = t.as_ref().and_then(|t| stage.var_of(t)) else {
            vars.push(None);
            continue;
        };
        // Rules may pass an input tangent through unchanged (`x + c`); every tensor needs a
        // variable of its own so that its `.grad` counts only its own uses.
        if (v.0 as usize) < first_new || vars.contains(&Some(v)) {
            let copy = lax::copy(t.as_ref().expect("has a variable"))?;
            v = stage
                .var_of(&copy)
                .ok_or(Error::TracerLeak { prim: prim.name() })?;
        }
        vars.push(Some(v));
    }
    Ok((outs, vars))
}

/// The value of a tracked tensor as a plain one; other tensors unchanged.
pub(crate) fn value_of(x: &Tensor) -> Tensor {
    match &x.repr {
        Repr::Tracked(n) => Tensor::from_array(n.current()),
        _ => x.clone(),
    }
}

/// The array of an output computed from concrete values.
fn concrete(prim: &dyn Primitive, y: Tensor) -> Result<Array> {
    match y.repr {
        Repr::Value(a) => Ok(a),
        _ => Err(Error::invalid(
            prim.name(),
            "a rule computed a tracked or traced value from concrete inputs: a custom function captures a param or a traced value; pass it as an argument instead",
        )),
    }
}
