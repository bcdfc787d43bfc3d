//! Forward mode: each tracer carries a primal and a tangent (`None` = symbolic zero).

use std::cell::RefCell;

use smallvec::SmallVec;

use super::{Interpreter, Slot};
use crate::{Primitive, Result, Tangent, Tensor};

/// The jvp interpreter: an arena of (primal, tangent) pairs.
pub struct JvpTrace {
    slot: Slot,
    /// What the user called: `jvp`, or `linearize` (whose tangents are staged).
    name: &'static str,
    arena: RefCell<Vec<(Tensor, Tangent)>>,
}

impl JvpTrace {
    /// A jvp interpreter for `slot` (use with [`super::push`]).
    pub fn new(slot: Slot) -> Self {
        JvpTrace {
            slot,
            name: "jvp",
            // Room for a small function's values without regrowing (each regrowth is an
            // allocation and a copy, a visible share of a scalar gradient's cost).
            arena: RefCell::new(Vec::with_capacity(8)),
        }
    }

    /// A jvp interpreter that calls itself `name` (use with [`super::push`]).
    pub fn named(name: &'static str) -> impl FnOnce(Slot) -> Self {
        move |slot| JvpTrace {
            name,
            ..JvpTrace::new(slot)
        }
    }

    /// A tracer for `primal` with `tangent`.
    pub fn lift(&self, primal: Tensor, tangent: Tangent) -> Tensor {
        let aval = primal.aval();
        let mut arena = self.arena.borrow_mut();
        arena.push((primal, tangent));
        self.slot.tracer(arena.len() - 1, aval)
    }

    /// (primal, tangent) of `x`: its own tracers are unpacked, anything else is a constant.
    pub fn unpack(&self, x: &Tensor) -> (Tensor, Tangent) {
        match self.slot.index_of(x) {
            Some(i) => self.arena.borrow()[i].clone(),
            None => (x.clone(), None),
        }
    }
}

impl Interpreter for JvpTrace {
    fn process(&self, prim: &dyn Primitive, args: &[Tensor]) -> Result<crate::Outs<Tensor>> {
        let mut primals: SmallVec<[Tensor; 4]> = SmallVec::with_capacity(args.len());
        let mut tangents: SmallVec<[Tangent; 4]> = SmallVec::with_capacity(args.len());
        for a in args {
            let (p, t) = self.unpack(a);
            primals.push(p);
            tangents.push(t);
        }
        if tangents.iter().all(Option::is_none) {
            return super::bind(prim, &primals);
        }
        let (outs, out_dots) = prim.jvp(&primals, &tangents)?;
        Ok(outs
            .into_iter()
            .zip(out_dots)
            .map(|(y, t)| self.lift(y, t))
            .collect())
    }

    fn name(&self) -> &'static str {
        self.name
    }

    fn primal_of(&self, x: &Tensor) -> Option<Tensor> {
        self.slot
            .index_of(x)
            .map(|i| self.arena.borrow()[i].0.clone())
    }
}
