//! Algebraic simplification: each equation is offered to its primitive's own rule
//! ([`Primitive::simplify`](ferrograd_core::Primitive::simplify)) with what is known of its
//! arguments — constant values, and the equations that computed them — so the rule table
//! is the primitives' (`x * 1`, `x + 0`, `-(-x)`, transpose of a transpose, reshape chains,
//! broadcast of a broadcast, `x¹`, `select` with a constant condition). An equation replaced
//! by one of its arguments disappears; one rewritten to another equation is offered again.
//! What becomes unused is left to dead-code elimination.

use ferrograd_core::fusion::{ArgInfo, Rewrite};
use ferrograd_core::program::{Atom, Eqn, Program};

/// How many rewrites one equation may go through (each makes it simpler, so few are needed).
const MAX_REWRITES: usize = 4;

/// `prog` with its equations simplified.
pub fn simplify(prog: &Program) -> Program {
    let mut subst: Vec<Option<Atom>> = vec![None; prog.avals.len()];
    // The index in `eqns` of the equation that computes each variable.
    let mut producer: Vec<Option<usize>> = vec![None; prog.avals.len()];
    let resolve = |subst: &[Option<Atom>], a: &Atom| match a {
        Atom::Var(v) => subst[v.0 as usize].clone().unwrap_or_else(|| a.clone()),
        Atom::Const(_) => a.clone(),
    };
    let mut eqns: Vec<Eqn> = Vec::with_capacity(prog.eqns.len());
    'eqns: for e in &prog.eqns {
        let mut e = e.clone();
        e.inputs = e.inputs.iter().map(|a| resolve(&subst, a)).collect();
        if e.outputs.len() == 1 {
            for _ in 0..MAX_REWRITES {
                let rewrite = {
                    let args: Vec<ArgInfo> = e
                        .inputs
                        .iter()
                        .map(|a| arg_info(prog, &eqns, &producer, a))
                        .collect();
                    e.prim.simplify(&args)
                };
                match rewrite {
                    None => break,
                    Some(Rewrite::Atom(a)) => {
                        subst[e.outputs[0].0 as usize] = Some(a);
                        continue 'eqns;
                    }
                    Some(Rewrite::Apply(prim, inputs)) => {
                        e.prim = prim;
                        e.inputs = inputs.into();
                    }
                }
            }
        }
        for v in &e.outputs {
            producer[v.0 as usize] = Some(eqns.len());
        }
        eqns.push(e);
    }
    Program {
        avals: prog.avals.clone(),
        inputs: prog.inputs.clone(),
        eqns,
        outputs: prog.outputs.iter().map(|a| resolve(&subst, a)).collect(),
    }
}

fn arg_info<'a>(
    prog: &Program,
    eqns: &'a [Eqn],
    producer: &[Option<usize>],
    a: &'a Atom,
) -> ArgInfo<'a> {
    match a {
        Atom::Var(v) => {
            let made_by = producer[v.0 as usize].map(|i| &eqns[i]);
            ArgInfo {
                atom: a,
                aval: prog.avals[v.0 as usize].clone(),
                splat: None,
                producer: made_by.map(|e| (&*e.prim, &e.inputs[..])),
                producer_avals: made_by.map_or(Vec::new(), |e| {
                    e.inputs.iter().map(|x| aval_of(prog, x)).collect()
                }),
            }
        }
        Atom::Const(t) => ArgInfo {
            atom: a,
            aval: t.aval(),
            splat: t.plain_array().and_then(splat),
            producer: None,
            producer_avals: Vec::new(),
        },
    }
}

fn aval_of(prog: &Program, a: &Atom) -> ferrograd_core::Aval {
    match a {
        Atom::Var(v) => prog.avals[v.0 as usize].clone(),
        Atom::Const(t) => t.aval(),
    }
}

/// The one value of all of `x`'s elements, if they are equal: read from storage for a
/// broadcast scalar, by comparing elements for small arrays.
fn splat(x: &ferrograd_core::Array) -> Option<f64> {
    if let Some(v) = x.splat_value() {
        return Some(v);
    }
    if x.size() > crate::passes::fold::MAX_ELEMENTS {
        return None;
    }
    let v = x.to_f64_vec();
    let first = *v.first()?;
    v.iter()
        .all(|y| y.to_bits() == first.to_bits())
        .then_some(first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::eliminate_dead_code;
    use crate::passes::tests::{staged, summary};
    use ferrograd_core::lax;

    fn simplified(p: &Program) -> String {
        summary(&eliminate_dead_code(&simplify(p)))
    }

    /// `x * 1 + 0`, `-(-x)` and `x¹` are `x`; the program's output is its input.
    #[test]
    fn identities_disappear() {
        let one = ferrograd_core::Tensor::from(vec![1.0, 1.0]);
        let p = staged(&[&[2]], move |x| {
            let y = lax::mul(&x[0], &one).unwrap();
            let z = lax::add(&y, &lax::zeros_like(&y)).unwrap();
            vec![lax::integer_pow(&lax::neg(&lax::neg(&z).unwrap()).unwrap(), 1).unwrap()]
        });
        assert_eq!(summary(&p), "mul add neg neg integer_pow", "{p}");
        let q = simplify(&p);
        assert_eq!(simplified(&p), "", "{q}");
        assert!(matches!(q.outputs[0], Atom::Var(v) if v == q.inputs[0]));
    }

    /// Two transposes that cancel vanish; two that do not become one; reshape and broadcast
    /// chains become one equation.
    #[test]
    fn chains_collapse() {
        let p = staged(&[&[2, 3, 4]], |x| {
            let t = lax::transpose(&lax::transpose(&x[0], &[1, 0, 2]).unwrap(), &[1, 0, 2]);
            let u = lax::transpose(&lax::transpose(&x[0], &[1, 2, 0]).unwrap(), &[1, 2, 0]);
            let r = lax::reshape(&lax::reshape(&x[0], &[6, 4]).unwrap(), &[24]).unwrap();
            let b = lax::broadcast_in_dim(&r, &[5, 24], &[1]).unwrap();
            let b = lax::broadcast_in_dim(&b, &[3, 5, 24], &[1, 2]).unwrap();
            vec![t.unwrap(), u.unwrap(), b]
        });
        let q = eliminate_dead_code(&simplify(&p));
        assert_eq!(summary(&q), "transpose reshape broadcast_in_dim", "{q}");
        assert!(matches!(q.outputs[0], Atom::Var(v) if v == q.inputs[0]));
        let shown = q.to_string();
        assert!(shown.contains("perm: [2, 0, 1]"), "{shown}");
        assert!(shown.contains("dims: [2]"), "{shown}");
    }

    /// `select` with a constant condition is the chosen branch.
    #[test]
    fn constant_conditions_pick_a_branch() {
        let yes = ferrograd_core::Tensor::from(vec![true, true]);
        let p = staged(&[&[2], &[2]], move |x| {
            vec![lax::select(&yes, &x[0], &x[1]).unwrap()]
        });
        let q = simplify(&p);
        assert_eq!(summary(&eliminate_dead_code(&q)), "");
        assert!(matches!(q.outputs[0], Atom::Var(v) if v == q.inputs[0]));
    }

    /// The transpose of a matrix product is the product with its operands swapped, computing
    /// the same values.
    #[test]
    fn transposed_products_swap_operands() {
        let f = |x: &[ferrograd_core::Tensor]| vec![x[0].matmul(&x[1]).t()];
        let p = staged(&[&[3, 4], &[4, 5]], f);
        let q = eliminate_dead_code(&simplify(&p));
        assert_eq!(summary(&q), "dot_general", "{q}");
        let a =
            ferrograd_core::Tensor::from_vec((0..12).map(f64::from).collect::<Vec<_>>(), &[3, 4]);
        let b =
            ferrograd_core::Tensor::from_vec((0..20).map(f64::from).collect::<Vec<_>>(), &[4, 5]);
        let got = ferrograd_core::interp::eval_program(&q, &[a.clone(), b.clone()]).unwrap();
        assert_eq!(got[0].shape(), &[5, 3]);
        assert_eq!(got[0].to_vec(), f(&[a, b])[0].to_vec());
    }
}
