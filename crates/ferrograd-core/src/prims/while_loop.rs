//! `while_loop { cond, body }`: `while cond(carry) { carry = body(carry) }` (`lax.while_loop`).
//! Inputs: the cond program's captured values, the body's, then the carry; outputs: the
//! final carry. `cond` returns a 0-d bool.
//!
//! Rules:
//! - jvp: with every input known now (eager values, or forward mode over them), the loop
//!   runs here, the body in forward mode each step: under reverse mode the tape then holds
//!   each step's linear work, so `grad` goes through a while loop (JAX refuses it). Inputs
//!   not known now (under `jit` or `vmap`): one loop over carry and tangent, for forward
//!   mode; reverse mode is refused there, as the number of steps to record is unknown;
//! - batch: the carry is batched; the loop runs while any member's condition holds, and a
//!   member whose condition is false keeps its carry (it is frozen).

use std::fmt;
use std::rc::Rc;

use ferrograd_array::Array;
use smallvec::smallvec;

use crate::control::{
    self, arrays, avals_of, batched_at_front, in_avals, jvp_program, out_avals, picked, spread,
};
use crate::interp::{bind, concrete_value, eval_program, is_recorded};
use crate::program::Program;
use crate::{
    lax, Aval, BatchDim, DType, Error, Outs, Primitive, Result, SubRunner, Tangent, Tensor,
};

/// A loop while a condition on the carry holds.
#[derive(Clone)]
pub struct While {
    /// The condition, `[cond consts, carry] → 0-d bool`, and the body,
    /// `[body consts, carry] → carry`.
    pub programs: [Rc<Program>; 2],
    pub n_cond_consts: usize,
    pub n_body_consts: usize,
}

impl fmt::Debug for While {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "While {{ cond consts: {}, body consts: {} }}",
            self.n_cond_consts, self.n_body_consts
        )
    }
}

impl While {
    /// A loop of `cond` and `body` taking that many captured values each.
    pub fn new(
        cond: Rc<Program>,
        body: Rc<Program>,
        n_cond_consts: usize,
        n_body_consts: usize,
    ) -> Self {
        While {
            programs: [cond, body],
            n_cond_consts,
            n_body_consts,
        }
    }

    fn cond(&self) -> &Program {
        &self.programs[0]
    }

    fn body(&self) -> &Program {
        &self.programs[1]
    }

    /// Forward mode with the loop run here, the body in forward mode each step.
    fn jvp_unrolled(
        &self,
        x: &[Tensor],
        x_dot: &[Tangent],
    ) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let (c, b, carry) = self.parts(x);
        let (_, b_dot, carry_dot) = self.parts(x_dot);
        let mut carry = carry.to_vec();
        let mut carry_dot = carry_dot.to_vec();
        while truth(&eval_program(self.cond(), &joined(c, &carry))?[0])? {
            let dots: Vec<Tangent> = b_dot.iter().chain(&carry_dot).cloned().collect();
            (carry, carry_dot) = control::jvp_run(self.body(), &joined(b, &carry), &dots)?;
        }
        Ok((carry.into_iter().collect(), carry_dot.into_iter().collect()))
    }

    /// Splits inputs into (cond consts, body consts, carry).
    fn parts<'a, T>(&self, x: &'a [T]) -> (&'a [T], &'a [T], &'a [T]) {
        let (c, rest) = x.split_at(self.n_cond_consts);
        let (b, carry) = rest.split_at(self.n_body_consts);
        (c, b, carry)
    }
}

fn joined(a: &[Tensor], b: &[Tensor]) -> Vec<Tensor> {
    let mut v = a.to_vec();
    v.extend_from_slice(b);
    v
}

/// The 0-d bool a condition returned, read now.
fn truth(pred: &Tensor) -> Result<bool> {
    concrete_value(pred)
        .and_then(|p| p.value())
        .map(|a| a.to_f64_vec()[0] != 0.0)
        .ok_or_else(|| Error::invalid("while_loop", "the condition's value is not known"))
}

impl Primitive for While {
    fn name(&self) -> &'static str {
        "while_loop"
    }

    // Holds programs, which `Debug` does not show.
    fn identity(&self) -> Option<String> {
        None
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        let (c, b, carry) = self.parts(x);
        let pred = out_avals(self.cond());
        if pred.len() != 1 || pred[0].dtype != DType::Bool || !pred[0].shape.is_empty() {
            return Err(Error::invalid(
                "while_loop",
                format!("the condition must return one 0-d bool, got {pred:?}; reduce it with .any() or .all(), or compare a scalar"),
            ));
        }
        let body_out = out_avals(self.body());
        if body_out != carry {
            return Err(Error::invalid(
                "while_loop",
                format!("the body returns {body_out:?} but the carry is {carry:?}; the body must return values of the carry's shapes and dtypes"),
            ));
        }
        let want_c = joined_avals(c, carry);
        let want_b = joined_avals(b, carry);
        if in_avals(self.cond()) != want_c || in_avals(self.body()) != want_b {
            return Err(Error::invalid(
                "while_loop",
                "the inputs do not match the programs",
            ));
        }
        Ok(carry.iter().cloned().collect())
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        control::eval_subs(self, x)
    }

    fn sub_programs(&self) -> &[Rc<Program>] {
        &self.programs
    }

    fn eval_with(&self, x: &[&Array], run: &mut SubRunner<'_>) -> Result<Outs<Array>> {
        let x: Vec<Tensor> = control::tensors(x);
        let (c, b, carry) = self.parts(&x);
        let mut carry = carry.to_vec();
        let mut cond_args = c.to_vec();
        let mut body_args = b.to_vec();
        loop {
            cond_args.truncate(c.len());
            cond_args.extend_from_slice(&carry);
            if !truth(&run(0, &cond_args)?[0])? {
                break;
            }
            body_args.truncate(b.len());
            body_args.append(&mut carry);
            carry = run(1, &body_args)?;
        }
        arrays("while_loop", carry)
    }

    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        if x.iter().all(|v| concrete_value(v).is_some()) {
            return self.jvp_unrolled(x, x_dot);
        }
        if x_dot.iter().flatten().any(is_recorded) {
            return Err(Error::invalid(
                "while_loop",
                "reverse-mode differentiation through a while_loop needs its number of steps, which is not known while tracing under jit or vmap; use fori_loop or scan (a fixed number of steps), or take the gradient outside jit/vmap",
            ));
        }
        let (c, b, carry) = self.parts(x);
        let (_, b_dot, carry_dot) = self.parts(x_dot);
        let b_nz: Vec<bool> = b_dot.iter().map(Option::is_some).collect();
        // The carries with a tangent: those given one, and those the body gives one, until
        // nothing changes.
        let mut carry_nz: Vec<bool> = carry_dot.iter().map(Option::is_some).collect();
        let (body, _) = loop {
            let nz = [b_nz.clone(), carry_nz.clone()].concat();
            let (p, has) = jvp_program(self.body(), &nz, &carry_nz, false)?;
            let grown: Vec<bool> = carry_nz.iter().zip(&has).map(|(a, h)| *a || *h).collect();
            if grown == carry_nz {
                break (p, has);
            }
            carry_nz = grown;
        };
        let (nb, nc) = (b.len(), carry.len());
        let nbd = b_nz.iter().filter(|&&z| z).count();
        let ncd = carry_nz.iter().filter(|&&z| z).count();
        // The jvp program's inputs are [b, carry, b_dot, carry_dot]; the loop's body takes
        // its consts first: [b, b_dot, carry, carry_dot].
        let order: Vec<usize> = (0..nb)
            .chain(nb + nc..nb + nc + nbd)
            .chain(nb..nb + nc)
            .chain(nb + nc + nbd..nb + nc + nbd + ncd)
            .collect();
        let body = control::reorder_inputs(body, &order);
        let carry_avals = avals_of(carry);
        let dot_avals = picked(&carry_avals, &carry_nz);
        let cond = control::insert_unused(self.cond().clone(), c.len() + nc, &dot_avals);
        let prim = While::new(Rc::new(cond), Rc::new(body), c.len(), nb + nbd);
        let mut args = c.to_vec();
        args.extend_from_slice(b);
        args.extend(control::instantiated(b_dot, b, &b_nz));
        args.extend_from_slice(carry);
        args.extend(control::instantiated(carry_dot, carry, &carry_nz));
        let outs = bind(&prim, &args)?;
        let (y, y_dot) = outs.split_at(nc);
        Ok((
            y.iter().cloned().collect(),
            spread(y_dot, &carry_nz).into_iter().collect(),
        ))
    }

    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        let size = control::batch_size(x, dims)?;
        let (c, b, carry) = self.parts(x);
        let (cd, bd, _) = self.parts(dims);
        // Every carry batched along axis 0; captured values keep their batch axes.
        let carry: Vec<Tensor> = carry
            .iter()
            .zip(&dims[c.len() + b.len()..])
            .map(|(v, d)| batched_at_front(v, *d, size))
            .collect::<Result<_>>()?;
        let carry_dims = vec![Some(0); carry.len()];
        let [cond, body] = self.programs.clone();
        let (nc, nb) = (c.len(), b.len());
        let c_axes: Vec<Option<i64>> = [cd, &carry_dims]
            .concat()
            .iter()
            .map(|d| d.map(|d| d as i64))
            .collect();
        let b_axes: Vec<Option<i64>> = [bd, &carry_dims]
            .concat()
            .iter()
            .map(|d| d.map(|d| d as i64))
            .collect();
        let preds = move |cv: &[Tensor], carry: &[Tensor]| -> Result<Tensor> {
            let args = joined(cv, carry);
            let p = crate::transforms::vmap_flat(
                |v| eval_program(&cond, v),
                &args,
                &c_axes,
                &[Some(0)],
            )?;
            Ok(p[0].clone())
        };
        let any_avals = joined_avals(&avals_of(c), &avals_of(&carry));
        let preds_c = preds.clone();
        let new_cond = control::trace(&any_avals, |v| {
            let p = preds_c(&v[..nc], &v[nc..])?;
            let as_f = lax::convert(&p, DType::F64)?;
            let most = lax::reduce_extremum(&as_f, &[0], true)?;
            Ok(vec![lax::gt(&most, &lax::scalar_like(&most, 0.5))?])
        })?;
        let body_avals = [avals_of(c), avals_of(b), avals_of(&carry)].concat();
        let new_body = control::trace(&body_avals, |v| {
            let (cv, rest) = v.split_at(nc);
            let (bv, carry) = rest.split_at(nb);
            let p = preds(cv, carry)?;
            let next = crate::transforms::vmap_flat(
                |u| eval_program(&body, u),
                &joined(bv, carry),
                &b_axes,
                &[Some(0)],
            )?;
            next.iter()
                .zip(carry)
                .map(|(n, old)| {
                    let keep = lax::broadcast_in_dim(&p, n.shape(), &[0])?;
                    lax::select(&keep, n, old)
                })
                .collect()
        })?;
        let prim = While::new(new_cond.program, new_body.program, nc, nc + nb);
        let mut args = c.to_vec();
        args.extend_from_slice(c);
        args.extend_from_slice(b);
        args.extend(carry);
        let y = bind(&prim, &args)?;
        let n = y.len();
        Ok((y, smallvec![Some(0); n]))
    }
}

fn joined_avals(a: &[Aval], b: &[Aval]) -> Vec<Aval> {
    [a, b].concat()
}
