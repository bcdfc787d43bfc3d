//! Staging: operations on this interpreter's tracers are recorded into a [`Program`] instead
//! of being computed; operations on anything else run right away (partial evaluation). Under
//! `linearize` this records the tangent computation, which `transpose` then walks backwards.
//!
//! The program is the interpreter's own, or one shared with its owner: the imperative tape
//! stages every operation's tangent work into its one long program that way.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use smallvec::SmallVec;

use super::{Interpreter, Slot};
use crate::program::{Atom, Eqn, Program, Var};
use crate::{Aval, Primitive, Result, Tensor};

/// The staging interpreter: builds a program.
pub struct StageTrace {
    slot: Slot,
    sink: Sink,
    /// What the user called: `jit`, `linearize` (the tangent program), `backward` (the tape).
    name: &'static str,
}

/// Where the equations go.
enum Sink {
    Own(RefCell<Program>),
    Shared(Rc<RefCell<Program>>),
}

impl StageTrace {
    /// A staging interpreter for `slot` with a program of its own (use with [`super::push`]).
    pub fn new(slot: Slot) -> Self {
        StageTrace {
            slot,
            sink: Sink::Own(RefCell::new(Program::with_capacity(8))),
            name: "jit",
        }
    }

    /// A staging interpreter with a program of its own that calls itself `name`.
    pub fn named(name: &'static str) -> impl FnOnce(Slot) -> Self {
        move |slot| StageTrace {
            name,
            ..StageTrace::new(slot)
        }
    }

    /// A staging interpreter for `slot` that appends to `prog`, which its owner keeps.
    pub fn sharing(prog: Rc<RefCell<Program>>) -> impl FnOnce(Slot) -> Self {
        move |slot| StageTrace {
            slot,
            sink: Sink::Shared(prog),
            name: "backward",
        }
    }

    fn prog(&self) -> &RefCell<Program> {
        match &self.sink {
            Sink::Own(p) => p,
            Sink::Shared(p) => p,
        }
    }

    /// Where this interpreter sits on the stack.
    pub fn slot(&self) -> Slot {
        self.slot
    }

    /// A new program input of `aval`, as a tracer.
    pub fn input(&self, aval: Aval) -> Tensor {
        let mut p = self.prog().borrow_mut();
        let v = p.new_var(aval.clone());
        p.inputs.push(v);
        self.slot.tracer(v.0 as usize, aval)
    }

    /// A tracer for the existing variable `v` of the program (of aval `aval`).
    pub fn tracer_of(&self, v: Var, aval: Aval) -> Tensor {
        self.slot.tracer(v.0 as usize, aval)
    }

    /// The variable of `x` if it is traced here.
    pub fn var_of(&self, x: &Tensor) -> Option<Var> {
        self.slot.index_of(x).map(|i| Var(i as u32))
    }

    /// The atom for `x`: a variable if traced here, else a constant.
    pub fn atom(&self, x: &Tensor) -> Atom {
        match self.var_of(x) {
            Some(v) => Atom::Var(v),
            None => Atom::Const(x.clone()),
        }
    }

    /// The program recorded so far, with `outputs` as its outputs.
    pub fn finish(&self, outputs: Vec<Atom>) -> Program {
        let mut p = self.prog().take();
        p.outputs = outputs;
        p
    }
}

impl Interpreter for StageTrace {
    fn name(&self) -> &'static str {
        self.name
    }

    // `linearize` and `backward` record tangents; `jit` records whole functions.
    fn records_linear(&self) -> bool {
        self.name != "jit"
    }

    fn process(&self, prim: &dyn Primitive, args: &[Tensor]) -> Result<crate::Outs<Tensor>> {
        let avals: SmallVec<[Aval; 4]> = args.iter().map(Tensor::aval).collect();
        let out_avals = prim.shape_rule(&avals)?;
        let inputs = args.iter().map(|a| self.atom(a)).collect();
        let mut p = self.prog().borrow_mut();
        let mut outputs = crate::Outs::with_capacity(out_avals.len());
        let mut tracers = crate::Outs::with_capacity(out_avals.len());
        for a in out_avals {
            let v = p.new_var(a.clone());
            outputs.push(v);
            tracers.push(self.slot.tracer(v.0 as usize, a));
        }
        p.eqns.push(Eqn {
            prim: prim.to_ref(),
            inputs,
            outputs,
        });
        Ok(tracers)
    }
}

thread_local! {
    /// How many `jit` traces are running on this thread (for the messages of refused reads).
    static JIT_DEPTH: Cell<u32> = const { Cell::new(0) };
}

/// Runs `f` (which stages a function for `jit`) with [`jit_active`] true.
pub fn under_jit<R>(f: impl FnOnce() -> R) -> R {
    struct Restore;
    impl Drop for Restore {
        fn drop(&mut self) {
            JIT_DEPTH.with(|d| d.set(d.get() - 1));
        }
    }
    JIT_DEPTH.with(|d| d.set(d.get() + 1));
    let _restore = Restore;
    f()
}

/// True while `jit` is tracing a function on this thread.
pub fn jit_active() -> bool {
    JIT_DEPTH.with(|d| d.get() > 0)
}
