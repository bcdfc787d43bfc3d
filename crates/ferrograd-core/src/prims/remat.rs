//! `remat { body }`: a function whose intermediates reverse mode recomputes instead of
//! storing (`jax.checkpoint`). Evaluated, it is just its body.
//!
//! Rules:
//! - jvp: forward mode of the body. Under reverse mode it is split so that only the inputs
//!   are kept: the outputs are computed now by the body alone, and the tangents by a `remat`
//!   of the body's forward-mode program, recorded with the inputs as its only constants;
//! - transpose: the known inputs' part of the program runs forward again (the
//!   recomputation), then the rest is transposed (`interp::transpose_partial`);
//! - batch: a `remat` of the batched body.

use std::fmt;
use std::rc::Rc;

use ferrograd_array::Array;
use smallvec::smallvec;

use crate::control::{self, arrays, avals_of, in_avals, jvp_program, out_avals, spread};
use crate::interp::{bind, is_recorded, transpose_partial};
use crate::program::Program;
use crate::{
    Aval, BatchDim, Error, LinearArg, Outs, Primitive, Result, SubRunner, Tangent, Tensor,
};

/// A function recomputed, not stored, by reverse mode.
#[derive(Clone)]
pub struct Remat {
    pub body: Rc<Program>,
}

impl fmt::Debug for Remat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Remat {{ equations: {} }}", self.body.eqns.len())
    }
}

impl Remat {
    fn call(body: Program, x: &[Tensor]) -> Result<Outs<Tensor>> {
        bind(
            &Remat {
                body: Rc::new(body),
            },
            x,
        )
    }
}

impl Primitive for Remat {
    fn name(&self) -> &'static str {
        "remat"
    }

    // Holds a program, which `Debug` does not show.
    fn identity(&self) -> Option<String> {
        None
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        if in_avals(&self.body) != x {
            return Err(Error::invalid(
                "checkpoint",
                "the inputs do not match the function's",
            ));
        }
        Ok(out_avals(&self.body).into_iter().collect())
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        control::eval_subs(self, x)
    }

    fn sub_programs(&self) -> &[Rc<Program>] {
        std::slice::from_ref(&self.body)
    }

    fn eval_with(&self, x: &[&Array], run: &mut SubRunner<'_>) -> Result<Outs<Array>> {
        let x: Vec<Tensor> = control::tensors(x);
        arrays("checkpoint", run(0, &x)?)
    }

    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let nz: Vec<bool> = x_dot.iter().map(Option::is_some).collect();
        let dots: Vec<Tensor> = x_dot.iter().flatten().cloned().collect();
        let recorded = dots.iter().any(is_recorded);
        let (jvp, has) = jvp_program(&self.body, &nz, &[], recorded)?;
        let args = [x, &dots].concat();
        let n_out = has.len();
        if !recorded {
            let outs = Remat::call(jvp, &args)?;
            let (y, y_dot) = outs.split_at(n_out);
            return Ok((
                y.iter().cloned().collect(),
                spread(y_dot, &has).into_iter().collect(),
            ));
        }
        let y = bind(self, x)?;
        // The tangents alone: what they need of the primal work is recomputed.
        let tangents_only: Vec<usize> =
            (n_out..n_out + has.iter().filter(|&&h| h).count()).collect();
        let jvp = control::reorder_outputs(jvp, &tangents_only);
        let y_dot = Remat::call(jvp, &args)?;
        Ok((y, spread(&y_dot, &has).into_iter().collect()))
    }

    fn transpose(&self, ct: &[Tensor], x: &[LinearArg]) -> Result<Outs<Option<Tensor>>> {
        let known: Vec<Option<Tensor>> = x
            .iter()
            .map(|a| match a {
                LinearArg::Const(t) => Some(t.clone()),
                LinearArg::Undef(_) => None,
            })
            .collect();
        let cts: Vec<Option<Tensor>> = ct.iter().cloned().map(Some).collect();
        let mut x_ct = transpose_partial(&self.body, &known, &cts)?.into_iter();
        Ok(known
            .iter()
            .map(|k| {
                if k.is_some() {
                    None
                } else {
                    x_ct.next().flatten()
                }
            })
            .collect())
    }

    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        let body = control::batch_program(&self.body, &avals_of(x), dims)?;
        let y = Remat::call(body, x)?;
        let n = y.len();
        Ok((y, smallvec![Some(0); n]))
    }
}
