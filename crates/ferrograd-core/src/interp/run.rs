//! Running a [`Program`]: forward, binding each equation's primitive (so a program runs under
//! whatever transforms are active: JAX's `eval_jaxpr`), or — for a program linear in its
//! inputs — backwards, applying each equation's transpose rule (JAX's `backward_pass`).
//! Reverse mode is linearize, then [`backward_pass`].

use smallvec::SmallVec;

use super::bind;
use crate::program::{Atom, Program, Var};
use crate::{lax, LinearArg, Result, Tensor};

/// Runs `prog` on `inputs`, binding each primitive.
pub fn eval_program(prog: &Program, inputs: &[Tensor]) -> Result<Vec<Tensor>> {
    let mut env: Vec<Option<Tensor>> = vec![None; prog.avals.len()];
    for (v, x) in prog.inputs.iter().zip(inputs) {
        env[v.0 as usize] = Some(x.clone());
    }
    let read = |env: &[Option<Tensor>], a: &Atom| match a {
        Atom::Var(v) => env[v.0 as usize]
            .clone()
            .expect("variable defined before use"),
        Atom::Const(t) => t.clone(),
    };
    for eqn in &prog.eqns {
        let args: SmallVec<[Tensor; 4]> = eqn.inputs.iter().map(|a| read(&env, a)).collect();
        for (v, y) in eqn.outputs.iter().zip(bind(&*eqn.prim, &args)?) {
            env[v.0 as usize] = Some(y);
        }
    }
    Ok(prog.outputs.iter().map(|a| read(&env, a)).collect())
}

/// Transposes a program that is linear in its inputs: given cotangents of the outputs
/// (`None` = zero), returns cotangents of the inputs (`None` = zero).
pub fn transpose_program(prog: &Program, cts: &[Option<Tensor>]) -> Result<Vec<Option<Tensor>>> {
    backward_pass(prog, cts, &mut |_, _| Ok(()))
}

/// [`transpose_program`] that also shows `tap` the complete cotangent of every equation
/// output that receives one, just before it flows into the equation's inputs (the imperative
/// API stores these as the `.grad` of intermediate tensors). An error from `tap` stops the
/// walk.
pub fn backward_pass(
    prog: &Program,
    cts: &[Option<Tensor>],
    tap: &mut dyn FnMut(Var, &Tensor) -> Result<()>,
) -> Result<Vec<Option<Tensor>>> {
    let known = vec![None; prog.avals.len()];
    walk_back(prog, &known, cts, tap)
}

/// Transposes `prog` with respect to the inputs whose `known` entry is `None`, the others
/// given: the equations that read only known values are run forward first (a checkpointed
/// function recomputes its intermediates here), then the rest, linear in the unknown inputs,
/// are transposed. Returns one cotangent per unknown input (`None` = zero), in order.
pub fn transpose_partial(
    prog: &Program,
    known: &[Option<Tensor>],
    cts: &[Option<Tensor>],
) -> Result<Vec<Option<Tensor>>> {
    let mut env: Vec<Option<Tensor>> = vec![None; prog.avals.len()];
    for (v, k) in prog.inputs.iter().zip(known) {
        env[v.0 as usize] = k.clone();
    }
    for eqn in &prog.eqns {
        let args: Option<SmallVec<[Tensor; 4]>> = eqn
            .inputs
            .iter()
            .map(|a| match a {
                Atom::Var(v) => env[v.0 as usize].clone(),
                Atom::Const(t) => Some(t.clone()),
            })
            .collect();
        if let Some(args) = args {
            for (v, y) in eqn.outputs.iter().zip(bind(&*eqn.prim, &args)?) {
                env[v.0 as usize] = Some(y);
            }
        }
    }
    let cts = walk_back(prog, &env, cts, &mut |_, _| Ok(()))?;
    Ok(cts
        .into_iter()
        .zip(known)
        .filter(|(_, k)| k.is_none())
        .map(|(c, _)| c)
        .collect())
}

/// The backward walk: equations whose outputs are all `known` were run forward and are
/// skipped; known values enter the others' transpose rules as constants.
fn walk_back(
    prog: &Program,
    known: &[Option<Tensor>],
    cts: &[Option<Tensor>],
    tap: &mut dyn FnMut(Var, &Tensor) -> Result<()>,
) -> Result<Vec<Option<Tensor>>> {
    let mut ct_env: Vec<Option<Tensor>> = vec![None; prog.avals.len()];
    let add = |slot: &mut Option<Tensor>, ct: Tensor| -> Result<()> {
        *slot = Some(match slot.take() {
            None => ct,
            Some(prev) => lax::add(&prev, &ct)?,
        });
        Ok(())
    };
    let is_known = |v: &Var| known[v.0 as usize].is_some();
    for (a, ct) in prog.outputs.iter().zip(cts) {
        if let (Atom::Var(v), Some(ct)) = (a, ct) {
            if !is_known(v) {
                add(&mut ct_env[v.0 as usize], ct.clone())?;
            }
        }
    }
    for eqn in prog.eqns.iter().rev() {
        if eqn.outputs.iter().all(|v| ct_env[v.0 as usize].is_none()) {
            continue;
        }
        let mut outs: SmallVec<[Tensor; 2]> = SmallVec::with_capacity(eqn.outputs.len());
        for v in &eqn.outputs {
            let aval = &prog.avals[v.0 as usize];
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
                Atom::Var(v) => match &known[v.0 as usize] {
                    Some(t) => LinearArg::Const(t.clone()),
                    None => LinearArg::Undef(prog.avals[v.0 as usize].clone()),
                },
                Atom::Const(t) => LinearArg::Const(t.clone()),
            })
            .collect();
        let in_cts = eqn.prim.transpose(&outs, &args)?;
        for (a, ct) in eqn.inputs.iter().zip(in_cts) {
            if let (Atom::Var(v), Some(ct)) = (a, ct) {
                if !is_known(v) {
                    add(&mut ct_env[v.0 as usize], ct)?;
                }
            }
        }
    }
    Ok(prog
        .inputs
        .iter()
        .map(|v| ct_env[v.0 as usize].take())
        .collect())
}
