//! `cond { branches }`: runs branch `index` on the operands (`lax.switch`; `lax.cond` is the
//! two-branch case with `index = pred as int`). An index outside the branches is clamped to
//! the first or last, as JAX does. Inputs: the 0-d int64 index, then the operands, which
//! every branch takes whole (each reads the ones it needs).
//!
//! Rules, each built from the branches' own programs (`crate::control`):
//! - jvp: with an index known now, the chosen branch's forward mode, inline. Otherwise two
//!   conds: one computing the outputs and the branches' residuals (each branch fills the
//!   others' residual slots with zeros), one linear in the tangents reading them — so reverse
//!   mode records only linear work;
//! - transpose (in the operands the branches are linear in): a cond over the branches'
//!   transposed programs;
//! - batch: an unbatched index keeps one cond over batched branches; a batched index runs
//!   every branch on the whole batch and selects per member (as `jax.vmap` of `lax.cond`).

use std::fmt;
use std::rc::Rc;

use ferrograd_array::Array;
use smallvec::smallvec;

use crate::control::{
    self, arrays, avals_of, batch_program, in_avals, jvp_program, known_int, out_avals,
    partial_eval, picked, spread, Closed,
};
use crate::interp::{bind, eval_program};
use crate::program::Program;
use crate::{
    lax, Aval, BatchDim, DType, Error, LinearArg, Outs, Primitive, Result, SubRunner, Tangent,
    Tensor,
};

/// Runs one of several programs of the same signature, chosen by an index.
#[derive(Clone)]
pub struct Cond {
    pub branches: Vec<Rc<Program>>,
}

impl fmt::Debug for Cond {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cond {{ branches: {} }}", self.branches.len())
    }
}

impl Cond {
    /// The branch an index selects (clamped into range).
    fn pick(&self, index: i64) -> usize {
        index.clamp(0, self.branches.len() as i64 - 1) as usize
    }

    /// Binds a cond over `branches` on `index` and `operands`.
    fn call(branches: Vec<Program>, index: &Tensor, operands: &[Tensor]) -> Result<Outs<Tensor>> {
        let mut args = vec![index.clone()];
        args.extend_from_slice(operands);
        let prim = Cond {
            branches: branches.into_iter().map(Rc::new).collect(),
        };
        bind(&prim, &args)
    }
}

/// Joins closed branches traced on the same operands into one cond's programs: each takes
/// every branch's captured values, then the operands. Returns the programs and the captured
/// values to pass before the operands.
pub fn join_branches(branches: Vec<Closed>) -> (Vec<Rc<Program>>, Vec<Tensor>) {
    let consts: Vec<Tensor> = branches.iter().flat_map(|b| b.consts.clone()).collect();
    let const_avals = avals_of(&consts);
    let mut start = 0;
    let programs = branches
        .iter()
        .map(|b| {
            // [own consts, operands] → [earlier branches' consts, own, later ones', operands].
            let n = b.consts.len();
            let p = control::insert_unused((*b.program).clone(), 0, &const_avals[..start]);
            let p = control::insert_unused(p, start + n, &const_avals[start + n..]);
            start += n;
            Rc::new(p)
        })
        .collect();
    (programs, consts)
}

impl Primitive for Cond {
    fn name(&self) -> &'static str {
        "cond"
    }

    // Holds programs, which `Debug` does not show.
    fn identity(&self) -> Option<String> {
        None
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        let Some((index, ops)) = x.split_first() else {
            return Err(Error::invalid("cond", "no index given"));
        };
        if index.dtype != DType::I64 || !index.shape.is_empty() {
            return Err(Error::invalid(
                "cond",
                format!("the branch index must be a 0-d int64, got {:?} {}; convert a predicate with .astype(DType::I64)", &index.shape[..], index.dtype),
            ));
        }
        let want = in_avals(&self.branches[0]);
        if ops != &want[..] {
            return Err(Error::invalid(
                "cond",
                format!("the operands {ops:?} do not match the branches' inputs {want:?}"),
            ));
        }
        let outs = out_avals(&self.branches[0]);
        for (k, b) in self.branches.iter().enumerate().skip(1) {
            let o = out_avals(b);
            if o != outs {
                return Err(Error::invalid(
                    "cond",
                    format!("branch {k} returns {o:?} but branch 0 returns {outs:?}; every branch must return values of the same shapes and dtypes"),
                ));
            }
        }
        Ok(outs.into_iter().collect())
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        control::eval_subs(self, x)
    }

    fn sub_programs(&self) -> &[Rc<Program>] {
        &self.branches
    }

    fn eval_with(&self, x: &[&Array], run: &mut SubRunner<'_>) -> Result<Outs<Array>> {
        let index = x[0].as_scalar::<i64>().unwrap_or(0);
        let ops = control::tensors(&x[1..]);
        arrays("cond", run(self.pick(index), &ops)?)
    }

    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let (index, ops) = (&x[0], &x[1..]);
        let dots = &x_dot[1..];
        if let Some(i) = known_int(index) {
            let (y, y_dot) = control::jvp_run(&self.branches[self.pick(i)], ops, dots)?;
            return Ok((y.into_iter().collect(), y_dot.into_iter().collect()));
        }
        let nz: Vec<bool> = dots.iter().map(Option::is_some).collect();
        // Tangents for the outputs any branch gives one.
        let n_out = out_avals(&self.branches[0]).len();
        let mut out_nz = vec![false; n_out];
        for b in &self.branches {
            let (_, has) = jvp_program(b, &nz, &[], true)?;
            out_nz.iter_mut().zip(has).for_each(|(o, h)| *o |= h);
        }
        let n_in = ops.len();
        let mut known_in = vec![true; n_in];
        known_in.extend(vec![false; nz.iter().filter(|&&b| b).count()]);
        let mut unknown_out = vec![false; n_out];
        unknown_out.extend(vec![true; out_nz.iter().filter(|&&b| b).count()]);
        let splits = self
            .branches
            .iter()
            .map(|b| {
                partial_eval(
                    &jvp_program(b, &nz, &out_nz, true)?.0,
                    &known_in,
                    &unknown_out,
                )
            })
            .collect::<Result<Vec<_>>>()?;
        // Residual slots: every branch's, in branch order.
        let res_avals: Vec<Vec<Aval>> = splits
            .iter()
            .map(|s| {
                s.residuals
                    .iter()
                    .map(|v| s.known.avals[v.0 as usize].clone())
                    .collect()
            })
            .collect();
        let all_res: Vec<Aval> = res_avals.concat();
        let mut known_branches = Vec::new();
        let mut tangent_branches = Vec::new();
        let mut start = 0;
        for (s, r) in splits.into_iter().zip(&res_avals) {
            let (k, before) = (r.len(), start);
            let known = s.known;
            known_branches.push(control::trace(&in_avals(&known), |v| {
                let ys = eval_program(&known, v)?;
                let (y, res) = ys.split_at(n_out);
                let mut out = y.to_vec();
                out.extend(all_res[..before].iter().map(Tensor::zeros_aval));
                out.extend_from_slice(res);
                out.extend(all_res[before + k..].iter().map(Tensor::zeros_aval));
                Ok(out)
            })?);
            // [own residuals, tangents] → [every branch's residuals, tangents].
            let u = control::insert_unused(s.unknown, 0, &all_res[..before]);
            let u = control::insert_unused(u, before + k, &all_res[before + k..]);
            tangent_branches.push(u);
            start += k;
        }
        let known: Vec<Program> = known_branches
            .into_iter()
            .map(|c| (*c.program).clone())
            .collect();
        let ys = Cond::call(known, index, ops)?;
        let (y, res) = ys.split_at(n_out);
        let mut args = res.to_vec();
        args.extend(picked(dots, &nz).into_iter().flatten());
        let y_dot = Cond::call(tangent_branches, index, &args)?;
        let y_dot = spread(&y_dot, &out_nz);
        Ok((y.iter().cloned().collect(), y_dot.into_iter().collect()))
    }

    fn transpose(&self, ct: &[Tensor], x: &[LinearArg]) -> Result<Outs<Option<Tensor>>> {
        let index = x[0].constant("cond")?;
        let known: Vec<bool> = x[1..].iter().map(|a| !a.is_undef()).collect();
        let branches = self
            .branches
            .iter()
            .map(|b| control::transpose_program(b, &known))
            .collect::<Result<Vec<_>>>()?;
        let mut args: Vec<Tensor> = x[1..]
            .iter()
            .filter_map(|a| match a {
                LinearArg::Const(t) => Some(t.clone()),
                LinearArg::Undef(_) => None,
            })
            .collect();
        args.extend_from_slice(ct);
        let mut cts = Cond::call(branches, index, &args)?.into_iter();
        let mut out: Outs<Option<Tensor>> = smallvec![None];
        out.extend(known.iter().map(|&k| if k { None } else { cts.next() }));
        Ok(out)
    }

    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        let size = control::batch_size(x, dims)?;
        let (ops, op_dims) = (&x[1..], &dims[1..]);
        let n_out = out_avals(&self.branches[0]).len();
        if dims[0].is_none() {
            let avals = avals_of(ops);
            let branches = self
                .branches
                .iter()
                .map(|b| batch_program(b, &avals, op_dims))
                .collect::<Result<Vec<_>>>()?;
            let y = Cond::call(branches, &x[0], ops)?;
            return Ok((y, smallvec![Some(0); n_out]));
        }
        // A batched index: every branch on the whole batch, then a select per member.
        let axes: Vec<Option<i64>> = op_dims.iter().map(|d| d.map(|d| d as i64)).collect();
        let any_batched = op_dims.iter().any(Option::is_some);
        let results = self
            .branches
            .iter()
            .map(|b| {
                let ys = if any_batched {
                    crate::transforms::vmap_flat(|v| eval_program(b, v), ops, &axes, &[Some(0)])?
                } else {
                    eval_program(b, ops)?
                };
                ys.iter()
                    .map(|y| {
                        control::batched_at_front(y, if any_batched { Some(0) } else { None }, size)
                    })
                    .collect::<Result<Vec<_>>>()
            })
            .collect::<Result<Vec<_>>>()?;
        let index = lax::move_batch_to_front(&x[0], dims[0])?;
        let last = results.len() - 1;
        let mut out: Vec<Tensor> = results[last].clone();
        // From the last branch down: members whose index is below k + 1 take branch k.
        for k in (0..last).rev() {
            let bound = Tensor::full_dtype(&[size], (k + 1) as f64, DType::I64);
            let below = lax::lt(&index, &bound)?;
            for (o, y) in out.iter_mut().zip(&results[k]) {
                let pred = lax::broadcast_in_dim(&below, y.shape(), &[0])?;
                *o = lax::select(&pred, y, o)?;
            }
        }
        Ok((out.into_iter().collect(), smallvec![Some(0); n_out]))
    }
}
