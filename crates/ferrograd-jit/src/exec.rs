//! The compiled form of a program and its executor: a schedule of kernels and fused loops over
//! a table of values, each value dropped right after its last reader, so its buffer goes back
//! to the buffer cache for the next step (and the next call) to reuse.

use std::fmt;

use ferrograd_core::program::{Atom, Program};
use ferrograd_core::{Array, PrimRef, Result};
use smallvec::SmallVec;

use crate::fuse::schedule;
use crate::tiles::{FusedLoop, TileOp};

/// Where a step reads a value: the table of variables, or the program's constants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operand {
    Var(u32),
    Const(u32),
}

/// The program's constants, as plain arrays.
pub(crate) struct Consts {
    pub arrays: Vec<Array>,
}

impl Consts {
    /// The operand for `a`, adding a constant to the table.
    pub fn operand(&mut self, a: &Atom) -> Operand {
        match a {
            Atom::Var(v) => Operand::Var(v.0),
            Atom::Const(t) => {
                let x = t
                    .plain_array()
                    .expect("Executable::new checked that constants are plain arrays");
                self.arrays.push(x.clone());
                Operand::Const(self.arrays.len() as u32 - 1)
            }
        }
    }
}

/// One step of a compiled program.
pub(crate) enum Step {
    /// A primitive run by its own kernel.
    Kernel {
        prim: PrimRef,
        inputs: SmallVec<[Operand; 4]>,
        outputs: SmallVec<[u32; 2]>,
    },
    /// A fused loop; its outputs are its stored values, then its sums.
    Loop {
        body: FusedLoop,
        inputs: Vec<Operand>,
        outputs: Vec<u32>,
    },
}

/// An optimised program compiled for the CPU: run it with [`Executable::run`].
pub struct Executable {
    program: Program,
    consts: Vec<Array>,
    inputs: Vec<u32>,
    steps: Vec<Step>,
    /// Variables read for the last time by each step.
    free_after: Vec<Vec<u32>>,
    outputs: Vec<Operand>,
}

impl Executable {
    /// Compiles an (optimised) program; `None` when one of its constants is not a plain
    /// array (a value of an enclosing transform, captured while tracing), which only the
    /// interpreters can handle.
    pub fn new(program: Program) -> Option<Executable> {
        let plain = |a: &Atom| match a {
            Atom::Const(t) => t.plain_array().is_some(),
            Atom::Var(_) => true,
        };
        let all_plain = program.eqns.iter().all(|e| e.inputs.iter().all(plain))
            && program.outputs.iter().all(plain);
        if !all_plain {
            return None;
        }
        let mut consts = Consts { arrays: Vec::new() };
        let steps = schedule(&program, &mut consts);
        let outputs: Vec<Operand> = program.outputs.iter().map(|a| consts.operand(a)).collect();
        let free_after = liveness(&steps, program.avals.len(), &outputs);
        Some(Executable {
            inputs: program.inputs.iter().map(|v| v.0).collect(),
            program,
            consts: consts.arrays,
            steps,
            free_after,
            outputs,
        })
    }

    /// The optimised program this was compiled from.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// Number of fused loops and of kernels in the schedule.
    pub fn counts(&self) -> (usize, usize) {
        let loops = self
            .steps
            .iter()
            .filter(|s| matches!(s, Step::Loop { .. }))
            .count();
        (loops, self.steps.len() - loops)
    }

    /// Runs the program on `args` (one per program input, of its aval: the caller checks).
    ///
    /// # Errors
    /// What a kernel reports (a singular matrix, an index out of range).
    pub fn run(&self, args: &[Array]) -> Result<Vec<Array>> {
        let mut env: Vec<Option<Array>> = vec![None; self.program.avals.len()];
        for (v, a) in self.inputs.iter().zip(args) {
            env[*v as usize] = Some(a.clone());
        }
        for (step, free) in self.steps.iter().zip(&self.free_after) {
            let read = |o: &Operand| -> &Array {
                match o {
                    Operand::Var(v) => env[*v as usize]
                        .as_ref()
                        .expect("the schedule computes each value before its readers"),
                    Operand::Const(c) => &self.consts[*c as usize],
                }
            };
            let (results, outputs): (SmallVec<[Array; 2]>, &[u32]) = match step {
                Step::Kernel {
                    prim,
                    inputs,
                    outputs,
                } => {
                    let args: SmallVec<[&Array; 4]> = inputs.iter().map(read).collect();
                    (prim.eval(&args)?, outputs)
                }
                Step::Loop {
                    body,
                    inputs,
                    outputs,
                } => {
                    let args: SmallVec<[&Array; 4]> = inputs.iter().map(read).collect();
                    (body.run(&args).into(), outputs)
                }
            };
            for (v, y) in outputs.iter().zip(results) {
                env[*v as usize] = Some(y);
            }
            for v in free {
                env[*v as usize] = None;
            }
        }
        Ok(self
            .outputs
            .iter()
            .map(|o| match o {
                Operand::Var(v) => env[*v as usize]
                    .clone()
                    .expect("outputs are computed and kept"),
                Operand::Const(c) => self.consts[*c as usize].clone(),
            })
            .collect())
    }
}

/// For each step, the variables it reads or writes for the last time (never the outputs).
fn liveness(steps: &[Step], n_vars: usize, outputs: &[Operand]) -> Vec<Vec<u32>> {
    let mut last: Vec<Option<usize>> = vec![None; n_vars];
    for (i, s) in steps.iter().enumerate() {
        let (ins, outs): (&[Operand], &[u32]) = match s {
            Step::Kernel {
                inputs, outputs, ..
            } => (inputs, outputs),
            Step::Loop {
                inputs, outputs, ..
            } => (inputs, outputs),
        };
        for o in ins {
            if let Operand::Var(v) = o {
                last[*v as usize] = Some(i);
            }
        }
        for v in outs {
            last[*v as usize].get_or_insert(i);
        }
    }
    for o in outputs {
        if let Operand::Var(v) = o {
            last[*v as usize] = None;
        }
    }
    let mut free = vec![Vec::new(); steps.len()];
    for (v, l) in last.iter().enumerate() {
        if let Some(i) = l {
            free[*i].push(v as u32);
        }
    }
    free
}

impl fmt::Display for Executable {
    /// The schedule: each fused loop with its operations, each kernel by name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let operand = |o: &Operand| match o {
            Operand::Var(v) => format!("v{v}"),
            Operand::Const(c) => format!("const{:?}", self.consts[*c as usize].shape()),
        };
        let list = |xs: &[Operand]| xs.iter().map(operand).collect::<Vec<_>>().join(" ");
        let vars = |vs: &[u32]| {
            vs.iter()
                .map(|v| format!("v{v}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        for s in &self.steps {
            match s {
                Step::Kernel {
                    prim,
                    inputs,
                    outputs,
                } => writeln!(f, "  {} = {} {}", vars(outputs), prim.name(), list(inputs))?,
                Step::Loop {
                    body,
                    inputs,
                    outputs,
                } => {
                    let names: Vec<&str> = body.ops.iter().map(TileOp::name).collect();
                    writeln!(
                        f,
                        "  {} = fused_loop[{}{:?}] {{ {} }} {}",
                        vars(outputs),
                        body.dtype,
                        body.shape,
                        names.join(" "),
                        list(inputs)
                    )?
                }
            }
        }
        Ok(())
    }
}
