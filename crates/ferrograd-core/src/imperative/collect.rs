//! Compacting the tape: dropping every row that no live tensor can backpropagate through.
//!
//! A backward pass can start from a live tracked tensor whose row was not freed, and goes
//! through the rows its tangent depends on. Everything else — rows of dropped tensors that
//! nothing live was computed from, freed rows that no live row depends on, roots nothing
//! uses — is dead weight. Compaction keeps exactly the linear program's equations that the
//! live rows' tangents need (dead-code elimination seeded at those rows), renumbers its
//! variables and rows, and tells each surviving node its new row. A node whose row is
//! dropped gets none; if it is used again it starts afresh as a root, which only happens to
//! tensors that could not have been backpropagated through anyway (freed ones).
//!
//! Without this, loops that keep graphs (`retain_graph`, `create_graph`) grew the tape, and
//! the time of each backward pass, without bound.

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::atomic::Ordering::Relaxed;

use super::tape::{Origin, PrimalEqn, Row, Tape, FIRST_SWEEP, NO_ROW};
use crate::program::{Atom, Eqn, Program, Var};

impl Tape {
    /// Drops the rows that no live tensor can backpropagate through (see the module docs).
    /// Does nothing while a backward pass or a recording holds row or variable numbers.
    pub fn collect(&mut self) {
        if self.busy || self.pinned > 0 {
            return;
        }
        let needed = self.needed_vars();
        let (prog, new_var) = compact_program(&self.prog.borrow(), &needed);
        let new_row = self.renumber_rows(&new_var);
        let mut eqns: HashMap<*const PrimalEqn, Rc<PrimalEqn>> = HashMap::new();
        for row in &mut self.rows {
            if let Origin::Op { eqn, .. } = &mut row.origin {
                let moved = eqns
                    .entry(Rc::as_ptr(eqn))
                    .or_insert_with(|| Rc::new(remap_eqn(eqn, &new_row)));
                *eqn = moved.clone();
            }
        }
        self.var_row = vec![NO_ROW; prog.avals.len()];
        self.foreign.clear();
        for (r, row) in self.rows.iter().enumerate() {
            self.var_row[row.var.0 as usize] = r as u32;
            if let (Origin::Root, Some(n)) = (&row.origin, row.node.upgrade()) {
                if n.tape != self.id {
                    self.foreign
                        .insert(std::sync::Arc::as_ptr(&n) as usize, r as u32);
                }
            }
        }
        *self.prog.borrow_mut() = prog;
        self.next_sweep = (2 * self.rows.len()).max(FIRST_SWEEP);
    }

    /// The variables a backward pass from any live, unfreed row could reach.
    fn needed_vars(&self) -> Vec<bool> {
        let prog = self.prog.borrow();
        let mut needed = vec![false; prog.avals.len()];
        for row in &self.rows {
            let live = row.node.strong_count() > 0;
            if live && !row.freed && matches!(row.origin, Origin::Op { .. }) {
                needed[row.var.0 as usize] = true;
            }
        }
        for eqn in prog.eqns.iter().rev() {
            if eqn.outputs.iter().any(|v| needed[v.0 as usize]) {
                for a in &eqn.inputs {
                    if let Atom::Var(v) = a {
                        needed[v.0 as usize] = true;
                    }
                }
            }
        }
        needed
    }

    /// Keeps the rows whose variable survived, in order, and moves their nodes' rows with
    /// them. Returns each old row's new number (`NO_ROW`: dropped).
    fn renumber_rows(&mut self, new_var: &[u32]) -> Vec<u32> {
        let old = std::mem::take(&mut self.rows);
        let mut new_row = vec![NO_ROW; old.len()];
        for (r, row) in old.into_iter().enumerate() {
            let v = new_var[row.var.0 as usize];
            let kept = v != NO_ROW;
            if kept {
                new_row[r] = self.rows.len() as u32;
            }
            // A node may have had several rows (a freed one, then a root): only the one it
            // points at moves it.
            if let Some(n) = row.node.upgrade() {
                if n.tape == self.id && n.row.load(Relaxed) == r as u32 {
                    n.row.store(new_row[r], Relaxed);
                }
            }
            if kept {
                self.rows.push(Row { var: Var(v), ..row });
            }
        }
        new_row
    }
}

/// The equations of `prog` that compute a needed variable, with variables renumbered
/// densely; inputs that are not needed are dropped. Returns the program and each old
/// variable's new number (`NO_ROW` where dropped).
fn compact_program(prog: &Program, needed: &[bool]) -> (Program, Vec<u32>) {
    let mut new_var = vec![NO_ROW; prog.avals.len()];
    let mut out = Program::with_capacity(prog.eqns.len() / 2);
    let renew = |out: &mut Program, new_var: &mut [u32], v: Var| {
        let n = out.new_var(prog.avals[v.0 as usize].clone());
        new_var[v.0 as usize] = n.0;
        n
    };
    for &v in &prog.inputs {
        if needed[v.0 as usize] {
            let n = renew(&mut out, &mut new_var, v);
            out.inputs.push(n);
        }
    }
    for eqn in &prog.eqns {
        if !eqn.outputs.iter().any(|v| needed[v.0 as usize]) {
            continue;
        }
        let inputs = eqn
            .inputs
            .iter()
            .map(|a| match a {
                Atom::Var(v) => Atom::Var(Var(new_var[v.0 as usize])),
                Atom::Const(c) => Atom::Const(c.clone()),
            })
            .collect();
        let outputs = eqn
            .outputs
            .iter()
            .map(|&v| renew(&mut out, &mut new_var, v))
            .collect();
        out.eqns.push(Eqn {
            prim: eqn.prim.clone(),
            inputs,
            outputs,
        });
    }
    (out, new_var)
}

/// `eqn` with its argument rows renumbered; a dropped argument row becomes a constant (its
/// recorded value), which is exact: nothing live depends on that argument's tangent.
fn remap_eqn(eqn: &PrimalEqn, new_row: &[u32]) -> PrimalEqn {
    PrimalEqn {
        prim: eqn.prim.clone(),
        args: eqn.args.clone(),
        arg_rows: eqn
            .arg_rows
            .iter()
            .map(|r| r.map(|r| new_row[r as usize]).filter(|&r| r != NO_ROW))
            .collect(),
    }
}
