//! Constant folding: an equation whose arguments are all constants is computed now, when its
//! arguments and results are small (at most [`MAX_ELEMENTS`] elements stored each, as XLA
//! folds only small constants; a broadcast of a scalar stores one): larger work on captured
//! arrays stays in the program, so that a compiled call does what an eager one does, and a
//! compile stays quick.

use ferrograd_core::program::{Atom, Program};
use ferrograd_core::{Array, Tensor};
use smallvec::SmallVec;

/// The largest argument or result, in elements, that is folded.
pub const MAX_ELEMENTS: usize = 64;

/// `prog` with its small all-constant equations computed.
pub fn fold_constants(prog: &Program) -> Program {
    let mut value: Vec<Option<Tensor>> = vec![None; prog.avals.len()];
    let resolve = |value: &[Option<Tensor>], a: &Atom| match a {
        Atom::Var(v) => match &value[v.0 as usize] {
            Some(t) => Atom::Const(t.clone()),
            None => a.clone(),
        },
        Atom::Const(_) => a.clone(),
    };
    let mut eqns = Vec::with_capacity(prog.eqns.len());
    for e in &prog.eqns {
        let mut e = e.clone();
        e.inputs = e.inputs.iter().map(|a| resolve(&value, a)).collect();
        if let Some(outs) = try_fold(&e.prim, &e.inputs) {
            for (v, y) in e.outputs.iter().zip(outs) {
                value[v.0 as usize] = Some(Tensor::from_array(y));
            }
            continue;
        }
        eqns.push(e);
    }
    Program {
        avals: prog.avals.clone(),
        inputs: prog.inputs.clone(),
        eqns,
        outputs: prog.outputs.iter().map(|a| resolve(&value, a)).collect(),
    }
}

/// The results of `prim` on `inputs` when all are small plain constants.
fn try_fold(prim: &ferrograd_core::PrimRef, inputs: &[Atom]) -> Option<SmallVec<[Array; 2]>> {
    if inputs.is_empty() {
        return None;
    }
    let mut args: SmallVec<[&Array; 4]> = SmallVec::new();
    for a in inputs {
        match a {
            Atom::Const(t) => match t.plain_array() {
                Some(x) if x.size() <= MAX_ELEMENTS => args.push(x),
                _ => return None,
            },
            Atom::Var(_) => return None,
        }
    }
    // A primitive that fails here fails again when the program runs, where the error is
    // reported with the call: leave it in. Broadcasts of small constants are folded too:
    // their results are views that store no more than their arguments.
    let outs = prim.eval(&args).ok()?;
    outs.iter()
        .all(|y| y.stored_len() <= MAX_ELEMENTS)
        .then_some(outs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::tests::summary;

    /// `x * (2 * 3)`, written by hand (staging computes constant work right away, so such
    /// equations come from other passes): the constant product is computed at compile time.
    #[test]
    fn folds_small_constant_work() {
        use ferrograd_core::prims::binary_kinds::Mul;
        use ferrograd_core::prims::Binary;
        use ferrograd_core::program::{Eqn, Var};
        use ferrograd_core::{Aval, DType, PrimitiveClone};
        let mut p = Program::default();
        let x = p.new_var(Aval::new(&[], DType::F64));
        let c = p.new_var(Aval::new(&[], DType::F64));
        let y = p.new_var(Aval::new(&[], DType::F64));
        p.inputs.push(x);
        let mul = Binary(Mul);
        let eqn = |inputs: Vec<Atom>, out: Var| Eqn {
            prim: mul.to_ref(),
            inputs: inputs.into(),
            outputs: smallvec::smallvec![out],
        };
        p.eqns.push(eqn(
            vec![
                Atom::Const(Tensor::from(2.0)),
                Atom::Const(Tensor::from(3.0)),
            ],
            c,
        ));
        p.eqns.push(eqn(vec![Atom::Var(x), Atom::Var(c)], y));
        p.outputs.push(Atom::Var(y));
        let q = fold_constants(&p);
        assert_eq!(summary(&q), "mul");
        match &q.eqns[0].inputs[1] {
            Atom::Const(c) => assert_eq!(c.item(), 6.0),
            a => panic!("expected the folded constant, got {a:?}"),
        }
    }
}
