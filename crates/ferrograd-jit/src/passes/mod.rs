//! Optimisation passes over a [`Program`], each a function from program to program in its own
//! file. [`optimize`] runs them in order.

mod cse;
mod dce;
pub(crate) mod fold;
mod simplify;

pub use cse::eliminate_common_subexpressions;
pub use dce::eliminate_dead_code;
pub use fold::fold_constants;
pub use simplify::simplify;

use ferrograd_core::program::Program;

/// The passes in order: constants first (folding makes constants the simplifier can read),
/// then algebraic simplification and folding what it exposed (a `select` on a constant
/// condition leaves work on constants), merging equal equations, and dropping what no output
/// needs.
pub fn optimize(prog: &Program) -> Program {
    let p = fold_constants(prog);
    let p = simplify(&p);
    let p = fold_constants(&p);
    let p = eliminate_common_subexpressions(&p);
    eliminate_dead_code(&p)
}

#[cfg(test)]
pub(crate) mod tests {
    use ferrograd_core::program::Program;
    use ferrograd_core::transforms::stage_flat;
    use ferrograd_core::{Aval, DType, Tensor};

    /// The program of `f` on f64 inputs of `shapes`.
    pub fn staged(shapes: &[&[usize]], f: impl FnOnce(&[Tensor]) -> Vec<Tensor>) -> Program {
        let avals: Vec<Aval> = shapes.iter().map(|s| Aval::new(s, DType::F64)).collect();
        stage_flat(|x| Ok(f(x)), &avals).expect("stages")
    }

    /// The names of the program's primitives, in order.
    pub fn summary(p: &Program) -> String {
        let names: Vec<&str> = p.eqns.iter().map(|e| e.prim.name()).collect();
        names.join(" ")
    }
}
