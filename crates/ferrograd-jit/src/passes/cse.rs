//! Common-subexpression elimination: an equation that applies the same primitive (same
//! [`identity`](ferrograd_core::Primitive::identity)) to the same arguments as an earlier one
//! is dropped, and its outputs are read from the earlier one. Constants count as the same
//! argument when they are equal single values; larger constants only when they are one
//! variable, which they never are, so they are never merged (comparing them would cost a pass
//! over their data at every compile).

use std::collections::HashMap;

use ferrograd_core::program::{Atom, Program, Var};

/// What an argument is, for comparing equations.
#[derive(PartialEq, Eq, Hash)]
enum ArgKey {
    Var(u32),
    /// A one-element constant: its shape, dtype and value.
    Scalar(Vec<usize>, ferrograd_core::DType, u64),
    /// A constant that equals only itself: its position in the program.
    Unique(usize, usize),
}

/// `prog` with repeated computations done once.
pub fn eliminate_common_subexpressions(prog: &Program) -> Program {
    let mut rename: Vec<Var> = (0..prog.avals.len() as u32).map(Var).collect();
    let renamed = |rename: &[Var], a: &Atom| match a {
        Atom::Var(v) => Atom::Var(rename[v.0 as usize]),
        Atom::Const(t) => Atom::Const(t.clone()),
    };
    let mut seen: HashMap<(String, Vec<ArgKey>), Vec<Var>> = HashMap::new();
    let mut eqns = Vec::with_capacity(prog.eqns.len());
    for (i, e) in prog.eqns.iter().enumerate() {
        let mut e = e.clone();
        e.inputs = e.inputs.iter().map(|a| renamed(&rename, a)).collect();
        if let Some(id) = e.prim.identity() {
            let args = e.inputs.iter().enumerate();
            let key = (id, args.map(|(j, a)| arg_key(a, i, j)).collect());
            if let Some(outs) = seen.get(&key) {
                for (v, w) in e.outputs.iter().zip(outs) {
                    rename[v.0 as usize] = *w;
                }
                continue;
            }
            seen.insert(key, e.outputs.to_vec());
        }
        eqns.push(e);
    }
    Program {
        avals: prog.avals.clone(),
        inputs: prog.inputs.clone(),
        eqns,
        outputs: prog.outputs.iter().map(|a| renamed(&rename, a)).collect(),
    }
}

fn arg_key(a: &Atom, eqn: usize, arg: usize) -> ArgKey {
    match a {
        Atom::Var(v) => ArgKey::Var(v.0),
        Atom::Const(t) => match t.plain_array() {
            Some(x) if x.size() == 1 && x.dtype().is_float() => {
                ArgKey::Scalar(x.shape().to_vec(), x.dtype(), x.to_f64_vec()[0].to_bits())
            }
            _ => ArgKey::Unique(eqn, arg),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::tests::{staged, summary};

    /// `sin(x)` twice is computed once, and both uses read it.
    #[test]
    fn merges_equal_equations() {
        let p = staged(&[&[3]], |x| vec![&x[0].sin() + &x[0].sin()]);
        assert_eq!(summary(&p), "sin sin add");
        let q = eliminate_common_subexpressions(&p);
        assert_eq!(summary(&q), "sin add");
        let add = &q.eqns[1];
        assert!(matches!((&add.inputs[0], &add.inputs[1]), (Atom::Var(a), Atom::Var(b)) if a == b));
    }

    /// Different parameters (sums over different axes) are different computations.
    #[test]
    fn keeps_equations_that_differ() {
        let p = staged(&[&[2, 3]], |x| vec![x[0].sum_axis(0), x[0].sum_axis(1)]);
        assert_eq!(
            summary(&eliminate_common_subexpressions(&p)),
            summary(&p),
            "{p}"
        );
    }

    /// Equal scalar constants make equal arguments: `x * 2` twice is one product.
    #[test]
    fn merges_equal_scalar_constants() {
        let p = staged(&[&[]], |x| vec![&(&x[0] * 2.0) + &(&x[0] * 2.0)]);
        let q = eliminate_common_subexpressions(&p);
        assert_eq!(summary(&q), "mul add", "{p}");
    }

    /// One-element constants of different shapes are different arguments: `exp` of a `[1]`
    /// and of a `[1, 1]` constant are two computations.
    #[test]
    fn constants_of_different_shapes_differ() {
        use ferrograd_core::prims::unary_kinds::Exp;
        use ferrograd_core::prims::Unary;
        use ferrograd_core::program::Eqn;
        use ferrograd_core::{Aval, DType, PrimitiveClone, Tensor};
        let mut p = Program::default();
        let one = |shape: &[usize]| Atom::Const(Tensor::from_vec(vec![0.5], shape));
        for shape in [&[1][..], &[1, 1]] {
            let v = p.new_var(Aval::new(shape, DType::F64));
            p.eqns.push(Eqn {
                prim: Unary(Exp).to_ref(),
                inputs: smallvec::smallvec![one(shape)],
                outputs: smallvec::smallvec![v],
            });
            p.outputs.push(Atom::Var(v));
        }
        assert_eq!(summary(&eliminate_common_subexpressions(&p)), "exp exp");
    }
}
