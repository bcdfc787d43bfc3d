//! The program IR: equations over variables, recorded by staging. A program can be run
//! forward ([`Program::eval`]) or, when linear in its inputs, transposed
//! ([`Program::transpose`]) — reverse mode is linearize, then transpose.

use std::fmt;

use smallvec::SmallVec;

use crate::interp::bind;
use crate::{lax, Aval, LinearArg, Outs, PrimRef, Result, Tensor};

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

    /// Runs the program on `inputs` (binding each primitive, so it runs under any transform).
    pub fn eval(&self, inputs: &[Tensor]) -> Result<Vec<Tensor>> {
        let mut env: Vec<Option<Tensor>> = vec![None; self.avals.len()];
        for (v, x) in self.inputs.iter().zip(inputs) {
            env[v.0 as usize] = Some(x.clone());
        }
        let read = |env: &[Option<Tensor>], a: &Atom| match a {
            Atom::Var(v) => env[v.0 as usize]
                .clone()
                .expect("variable defined before use"),
            Atom::Const(t) => t.clone(),
        };
        for eqn in &self.eqns {
            let args: SmallVec<[Tensor; 4]> = eqn.inputs.iter().map(|a| read(&env, a)).collect();
            for (v, y) in eqn.outputs.iter().zip(bind(&*eqn.prim, &args)?) {
                env[v.0 as usize] = Some(y);
            }
        }
        Ok(self.outputs.iter().map(|a| read(&env, a)).collect())
    }

    /// Transposes a program that is linear in its inputs: given cotangents of the outputs
    /// (`None` = zero), returns cotangents of the inputs (`None` = zero).
    pub fn transpose(&self, cts: &[Option<Tensor>]) -> Result<Vec<Option<Tensor>>> {
        self.transpose_tapped(cts, &mut |_, _| Ok(()))
    }

    /// [`Program::transpose`] that also shows `tap` the complete cotangent of every equation
    /// output that receives one, just before it flows into the equation's inputs (the
    /// imperative API stores these as the `.grad` of intermediate tensors). An error from
    /// `tap` stops the walk.
    pub fn transpose_tapped(
        &self,
        cts: &[Option<Tensor>],
        tap: &mut dyn FnMut(Var, &Tensor) -> Result<()>,
    ) -> Result<Vec<Option<Tensor>>> {
        let mut ct_env: Vec<Option<Tensor>> = vec![None; self.avals.len()];
        let add = |slot: &mut Option<Tensor>, ct: Tensor| -> Result<()> {
            *slot = Some(match slot.take() {
                None => ct,
                Some(prev) => lax::add(&prev, &ct)?,
            });
            Ok(())
        };
        for (a, ct) in self.outputs.iter().zip(cts) {
            if let (Atom::Var(v), Some(ct)) = (a, ct) {
                add(&mut ct_env[v.0 as usize], ct.clone())?;
            }
        }
        for eqn in self.eqns.iter().rev() {
            if eqn.outputs.iter().all(|v| ct_env[v.0 as usize].is_none()) {
                continue;
            }
            let mut outs: SmallVec<[Tensor; 2]> = SmallVec::with_capacity(eqn.outputs.len());
            for v in &eqn.outputs {
                let aval = &self.avals[v.0 as usize];
                outs.push(match ct_env[v.0 as usize].take() {
                    Some(ct) => {
                        tap(*v, &ct)?;
                        ct
                    }
                    None => Tensor::zeros_aval(aval),
                });
            }
            let args: SmallVec<[LinearArg; 4]> = eqn
                .inputs
                .iter()
                .map(|a| match a {
                    Atom::Var(v) => LinearArg::Undef(self.avals[v.0 as usize].clone()),
                    Atom::Const(t) => LinearArg::Const(t.clone()),
                })
                .collect();
            let in_cts = eqn.prim.transpose(&outs, &args)?;
            for (a, ct) in eqn.inputs.iter().zip(in_cts) {
                if let (Atom::Var(v), Some(ct)) = (a, ct) {
                    add(&mut ct_env[v.0 as usize], ct)?;
                }
            }
        }
        Ok(self
            .inputs
            .iter()
            .map(|v| ct_env[v.0 as usize].take())
            .collect())
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
            writeln!(
                f,
                "  {} = {} {:?} {}",
                outs.join(", "),
                e.prim.name(),
                e.prim,
                args.join(" ")
            )?;
        }
        let outs: Vec<String> = self.outputs.iter().map(atom).collect();
        write!(f, "  in ({}) }}", outs.join(", "))
    }
}
