//! The compiled form of a program and its executor: a schedule of kernels and fused loops over
//! a table of values, each value dropped right after its last reader, so its buffer goes back
//! to the buffer cache for the next step (and the next call) to reuse.

use std::fmt;

use ferrograd_core::program::{Atom, Program};
use ferrograd_core::{Array, PrimRef, Result, Tensor};
use smallvec::SmallVec;

use crate::fuse::schedule;
use crate::tiles::{Few, FusedLoop, LoopArg, TileOp};

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
    /// For each loop input, whether the loop may take it over (it is a variable read for the
    /// last time there, once, and the loop allows an output over it).
    donate: Vec<Vec<bool>>,
    outputs: Vec<Operand>,
    /// For each step running a control-flow primitive, its sub-programs compiled (a loop's
    /// body is optimised and compiled once, then run at every iteration).
    subs: Vec<Vec<Executable>>,
    /// The value table of the last call, emptied, for the next call to reuse.
    spare_env: std::cell::RefCell<Vec<Option<Array>>>,
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
        let subs = steps.iter().map(compile_subs).collect();
        let donate = steps
            .iter()
            .zip(&free_after)
            .map(|(s, free)| donations(s, free))
            .collect();
        Some(Executable {
            donate,
            inputs: program.inputs.iter().map(|v| v.0).collect(),
            program,
            consts: consts.arrays,
            steps,
            free_after,
            outputs,
            subs,
            spare_env: Default::default(),
        })
    }

    /// Runs the program on `args` (one per program input, of its aval: the caller checks).
    ///
    /// # Errors
    /// What a kernel reports (a singular matrix, an index out of range).
    pub fn run(&self, args: &[Array]) -> Result<Vec<Array>> {
        // The table of values is kept between calls (a loop body runs once per iteration);
        // taken out while running, so a nested call of the same program gets its own.
        let mut env = self.spare_env.take();
        env.resize(self.program.avals.len(), None);
        for (v, a) in self.inputs.iter().zip(args) {
            env[*v as usize] = Some(a.clone());
        }
        let steps = self.steps.iter().zip(&self.subs);
        for ((step, subs), (free, donate)) in steps.zip(self.free_after.iter().zip(&self.donate)) {
            // The loop's inputs that nothing reads after it, taken out of the table so that
            // it may write an output over one of them.
            let mut owned: SmallVec<[Option<Array>; 4]> = match step {
                Step::Loop { inputs, .. } => inputs
                    .iter()
                    .zip(donate)
                    .map(|(o, &d)| match (o, d) {
                        (Operand::Var(v), true) => env[*v as usize].take(),
                        _ => None,
                    })
                    .collect(),
                Step::Kernel { .. } => SmallVec::new(),
            };
            let read = |o: &Operand| -> &Array {
                match o {
                    Operand::Var(v) => env[*v as usize]
                        .as_ref()
                        .expect("the schedule computes each value before its readers"),
                    Operand::Const(c) => &self.consts[*c as usize],
                }
            };
            // A kernel's results and a loop's, each in its own inline vector (no copy between).
            let (kernel, fused, outputs) = match step {
                Step::Kernel {
                    prim,
                    inputs,
                    outputs,
                } => {
                    let args: SmallVec<[&Array; 4]> = inputs.iter().map(read).collect();
                    let y = if subs.is_empty() {
                        prim.eval(&args)?
                    } else {
                        prim.eval_with(&args, &mut |k, x| run_sub(&subs[k], x))?
                    };
                    (Some(y), None, &outputs[..])
                }
                Step::Loop {
                    body,
                    inputs,
                    outputs,
                } => {
                    let args: Few<LoopArg<'_>> = inputs
                        .iter()
                        .zip(owned.iter_mut())
                        .map(|(o, own)| match own.take() {
                            Some(a) => LoopArg::Owned(a),
                            None => LoopArg::Borrowed(read(o)),
                        })
                        .collect();
                    (None, Some(body.run(args)), &outputs[..])
                }
            };
            let results = kernel
                .into_iter()
                .flatten()
                .chain(fused.into_iter().flatten());
            for (v, y) in outputs.iter().zip(results) {
                env[*v as usize] = Some(y);
            }
            for v in free {
                env[*v as usize] = None;
            }
        }
        let outputs = self
            .outputs
            .iter()
            .map(|o| match o {
                Operand::Var(v) => env[*v as usize]
                    .clone()
                    .expect("outputs are computed and kept"),
                Operand::Const(c) => self.consts[*c as usize].clone(),
            })
            .collect();
        env.iter_mut().for_each(|e| *e = None);
        self.spare_env.replace(env);
        Ok(outputs)
    }
}

/// The compiled sub-programs of a kernel step's primitive; none when it has none, or when
/// one cannot be compiled (the primitive then runs them through the interpreter).
fn compile_subs(step: &Step) -> Vec<Executable> {
    let Step::Kernel { prim, .. } = step else {
        return Vec::new();
    };
    prim.sub_programs()
        .iter()
        .map(|p| Executable::new(crate::optimize(p)))
        .collect::<Option<Vec<_>>>()
        .unwrap_or_default()
}

/// Runs a compiled sub-program on the values a control-flow primitive passes.
fn run_sub(exe: &Executable, x: &[Tensor]) -> Result<Vec<Tensor>> {
    let args: SmallVec<[Array; 8]> = x
        .iter()
        .map(|t| {
            t.plain_array()
                .cloned()
                .expect("a control-flow primitive passes its sub-programs plain values")
        })
        .collect();
    Ok(exe
        .run(&args)?
        .into_iter()
        .map(Tensor::from_array)
        .collect())
}

/// Which inputs of a loop step it may take over: variables freed after it, read once by it,
/// that some output may be written over.
fn donations(step: &Step, free: &[u32]) -> Vec<bool> {
    let Step::Loop { body, inputs, .. } = step else {
        return Vec::new();
    };
    inputs
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let Operand::Var(v) = o else { return false };
            free.contains(v)
                && inputs.iter().filter(|x| *x == o).count() == 1
                && body.donatable.iter().any(|&(_, j)| j as usize == i)
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::tests::staged;

    /// The loop of `exp(x) * 2 + x`, and an input it owns: its output is written over the
    /// input's buffer (the same allocation comes back), with the values of a fresh output.
    #[test]
    fn a_loop_writes_over_an_input_it_owns() {
        let p = staged(&[&[1000]], |x| vec![&(&x[0].exp() * 2.0) + &x[0]]);
        let exe = Executable::new(crate::optimize(&p)).expect("compiles");
        let (body, inputs) = exe
            .steps
            .iter()
            .find_map(|s| match s {
                Step::Loop { body, inputs, .. } => Some((body, inputs)),
                Step::Kernel { .. } => None,
            })
            .expect("a fused loop");
        // The loop's arguments: `x` as given, the constant 2 from the program.
        let args = |x: Array| {
            let mut x = Some(x);
            inputs
                .iter()
                .map(|o| match o {
                    Operand::Var(_) => LoopArg::Owned(x.take().expect("one variable input")),
                    Operand::Const(c) => LoopArg::Borrowed(&exe.consts[*c as usize]),
                })
                .collect()
        };
        let x: Vec<f64> = (0..1000).map(|i| i as f64 / 1000.0).collect();
        let want: Vec<f64> = x.iter().map(|v| v.exp() * 2.0 + v).collect();
        let fresh = |x: &[f64]| Array::from_vec(&[1000], x.to_vec()).unwrap();
        // The vector exp is within an ulp or two of std's.
        let near = |a: &Array| {
            let worst = a
                .to_f64_vec()
                .iter()
                .zip(&want)
                .map(|(a, b)| (a - b).abs() / b)
                .fold(0.0, f64::max);
            assert!(worst < 1e-15, "relative error {worst}");
        };
        let owned = fresh(&x);
        let at = owned.row_major_slice::<f64>().unwrap().as_ptr();
        let out = body.run(args(owned));
        assert_eq!(out[0].row_major_slice::<f64>().unwrap().as_ptr(), at);
        near(&out[0]);
        // Borrowed, or held elsewhere too: a new buffer, the input untouched.
        let kept = fresh(&x);
        let out = body.run(args(kept.clone()));
        assert_ne!(
            out[0].row_major_slice::<f64>().unwrap().as_ptr(),
            kept.row_major_slice::<f64>().unwrap().as_ptr()
        );
        assert_eq!(kept.to_f64_vec(), x);
        near(&out[0]);
        // Through the executor: the input is the caller's, so it is never written.
        let xs = fresh(&x);
        let y = exe.run(std::slice::from_ref(&xs)).unwrap();
        assert_eq!(xs.to_f64_vec(), x);
        near(&y[0]);
    }
}
