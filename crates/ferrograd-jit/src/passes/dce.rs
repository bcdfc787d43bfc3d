//! Dead-code elimination: equations none of whose outputs reach a program output are dropped
//! (every primitive is pure: random numbers come from explicit keys). Variables are kept as
//! they are, so the program's avals and variable numbers do not change.

use ferrograd_core::program::{Atom, Program};

/// `prog` without the equations that no output needs.
pub fn eliminate_dead_code(prog: &Program) -> Program {
    let mut live = vec![false; prog.avals.len()];
    for a in &prog.outputs {
        if let Atom::Var(v) = a {
            live[v.0 as usize] = true;
        }
    }
    let mut keep = vec![false; prog.eqns.len()];
    for (i, e) in prog.eqns.iter().enumerate().rev() {
        if e.outputs.iter().any(|v| live[v.0 as usize]) {
            keep[i] = true;
            for a in &e.inputs {
                if let Atom::Var(v) = a {
                    live[v.0 as usize] = true;
                }
            }
        }
    }
    Program {
        avals: prog.avals.clone(),
        inputs: prog.inputs.clone(),
        eqns: prog
            .eqns
            .iter()
            .zip(keep)
            .filter(|(_, k)| *k)
            .map(|(e, _)| e.clone())
            .collect(),
        outputs: prog.outputs.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::tests::{staged, summary};
    use ferrograd_core::Tensor;

    /// `y = sin(x)` is computed and never used: it goes; `exp(x)` stays.
    #[test]
    fn drops_unused_equations() {
        let p = staged(&[&[3]], |x| {
            let _unused = x[0].sin();
            vec![x[0].exp()]
        });
        assert_eq!(summary(&p), "sin exp");
        assert_eq!(summary(&eliminate_dead_code(&p)), "exp");
    }

    /// An equation feeding a used one is kept, through chains.
    #[test]
    fn keeps_what_outputs_need() {
        let p = staged(&[&[3]], |x| {
            let a = x[0].sin();
            let _dead = a.cos();
            vec![(&a * &a).exp()]
        });
        assert_eq!(summary(&eliminate_dead_code(&p)), "sin mul exp");
        let _ = Tensor::from(1.0);
    }
}
