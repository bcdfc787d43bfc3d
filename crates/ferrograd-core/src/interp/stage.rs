//! Staging: operations on this interpreter's tracers are recorded into a [`Program`] instead
//! of being computed; operations on anything else run right away (partial evaluation). Under
//! `linearize` this records the tangent computation, which `transpose` then walks backwards.

use std::cell::RefCell;

use smallvec::SmallVec;

use super::{Interpreter, Slot};
use crate::program::{Atom, Eqn, Program, Var};
use crate::{Aval, Primitive, Result, Tensor};

/// The staging interpreter: builds a program.
pub struct StageTrace {
    slot: Slot,
    prog: RefCell<Program>,
}

impl StageTrace {
    /// A staging interpreter for `slot` (use with [`super::push`]).
    pub fn new(slot: Slot) -> Self {
        StageTrace {
            slot,
            prog: RefCell::new(Program::with_capacity(8)),
        }
    }

    /// A new program input of `aval`, as a tracer.
    pub fn input(&self, aval: Aval) -> Tensor {
        let mut p = self.prog.borrow_mut();
        let v = p.new_var(aval.clone());
        p.inputs.push(v);
        self.slot.tracer(v.0 as usize, aval)
    }

    /// The atom for `x`: a variable if traced here, else a constant.
    pub fn atom(&self, x: &Tensor) -> Atom {
        match self.slot.index_of(x) {
            Some(i) => Atom::Var(Var(i as u32)),
            None => Atom::Const(x.clone()),
        }
    }

    /// The program recorded so far, with `outputs` as its outputs.
    pub fn finish(&self, outputs: Vec<Atom>) -> Program {
        let mut p = self.prog.take();
        p.outputs = outputs;
        p
    }
}

impl Interpreter for StageTrace {
    fn process(&self, prim: &dyn Primitive, args: &[Tensor]) -> Result<crate::Outs<Tensor>> {
        let avals: SmallVec<[Aval; 4]> = args.iter().map(Tensor::aval).collect();
        let out_avals = prim.shape_rule(&avals)?;
        let inputs = args.iter().map(|a| self.atom(a)).collect();
        let mut p = self.prog.borrow_mut();
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
