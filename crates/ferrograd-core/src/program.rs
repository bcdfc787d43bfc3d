//! The program IR: equations over variables, recorded by staging. Data only: running a
//! program forward ([`crate::interp::eval_program`]) or, when it is linear in its inputs,
//! transposing it ([`crate::interp::backward_pass`]) belongs to the interpreter layer —
//! reverse mode is linearize, then transpose.

use std::fmt;

use crate::{Aval, Outs, PrimRef, Tensor};

/// A variable of a program (an index into its avals).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Var(pub u32);

/// An equation argument: a variable, or a constant captured while tracing.
#[derive(Debug, Clone)]
pub enum Atom {
    Var(Var),
    Const(Tensor),
}

/// `outputs = prim(inputs)`.
#[derive(Debug, Clone)]
pub struct Eqn {
    pub prim: PrimRef,
    pub inputs: Outs<Atom>,
    pub outputs: Outs<Var>,
}

/// A straight-line program.
#[derive(Debug, Clone, Default)]
pub struct Program {
    pub avals: Vec<Aval>,
    pub inputs: Vec<Var>,
    pub eqns: Vec<Eqn>,
    pub outputs: Vec<Atom>,
}

impl Program {
    /// An empty program with room for about `n` equations (and twice as many variables).
    pub fn with_capacity(n: usize) -> Self {
        Program {
            avals: Vec::with_capacity(2 * n),
            inputs: Vec::new(),
            eqns: Vec::with_capacity(n),
            outputs: Vec::new(),
        }
    }

    /// Allocates a variable of `aval`.
    pub fn new_var(&mut self, aval: Aval) -> Var {
        self.avals.push(aval);
        Var(self.avals.len() as u32 - 1)
    }
}

impl fmt::Display for Program {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let var = |v: &Var| format!("v{}", v.0);
        let atom = |a: &Atom| match a {
            Atom::Var(v) => var(v),
            Atom::Const(t) => format!("const{:?}", t.shape()),
        };
        let ins: Vec<String> = self.inputs.iter().map(var).collect();
        writeln!(f, "{{ lambda {} .", ins.join(", "))?;
        for e in &self.eqns {
            let outs: Vec<String> = e.outputs.iter().map(var).collect();
            let args: Vec<String> = e.inputs.iter().map(atom).collect();
            // Parameters as `Debug` shows them, without the type's name: `{ axes: [0] }`.
            let debug = format!("{:?}", &*e.prim);
            let params = debug.find('{').map_or("", |i| &debug[i..]);
            writeln!(
                f,
                "  {} = {}{} {}",
                outs.join(", "),
                e.prim.name(),
                params,
                args.join(" ")
            )?;
        }
        let outs: Vec<String> = self.outputs.iter().map(atom).collect();
        write!(f, "  in ({}) }}", outs.join(", "))
    }
}
