//! `scan { body, length, reverse }`: a loop over the leading axis of `xs`, threading a carry
//! (`lax.scan`): `(carry, y_i) = body(consts, carry, x_i)` for `i` in `0..length` (from the
//! end when `reverse`), returning the final carry and the `y_i` stacked. Inputs: the body's
//! captured values (`consts`), the initial carry, then the `xs`; `fori_loop` is a scan over
//! no `xs` carrying its counter.
//!
//! Rules:
//! - jvp: one scan of the body's forward mode over carry and tangent. Under reverse mode it
//!   is split instead (JAX's partial evaluation of scan): a scan computing the carries and
//!   outputs now and stacking each step's residuals, and a scan linear in the tangents that
//!   reads them; residuals that are captured values are passed once, not stacked;
//! - transpose: a scan in the other direction over the body's transposed program, carrying
//!   the carry's cotangent and summing the captured values' cotangents;
//! - batch: the carry is batched along axis 0 and each `x_i` along its axis 0, so the `ys`
//!   come out batched along axis 1.

use std::fmt;
use std::rc::Rc;

use ferrograd_array::Array;
use smallvec::smallvec;

use crate::control::{
    self, arrays, avals_of, batched_at_front, in_avals, instantiated, jvp_program, out_avals,
    partial_eval, picked, spread,
};
use crate::interp::{bind, eval_program, is_recorded};
use crate::program::Program;
use crate::{
    lax, Aval, BatchDim, Error, LinearArg, Outs, Primitive, Result, SubRunner, Tangent, Tensor,
};

/// A loop over the leading axis of its `xs` with a carry.
#[derive(Clone)]
pub struct Scan {
    /// `[consts, carry, x_i] → [carry, y_i]`.
    pub body: Rc<Program>,
    pub length: usize,
    pub reverse: bool,
    pub n_consts: usize,
    pub n_carry: usize,
}

impl fmt::Debug for Scan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Scan {{ length: {}, reverse: {}, consts: {}, carry: {} }}",
            self.length, self.reverse, self.n_consts, self.n_carry
        )
    }
}

/// Element `i` of `x` along axis 0, that axis removed.
fn step_of(x: &Tensor, i: usize) -> Result<Tensor> {
    let mut start = vec![0; x.ndim()];
    let mut limit = x.shape().to_vec();
    start[0] = i;
    limit[0] = i + 1;
    let s = lax::slice(x, &start, &limit, &vec![1; x.ndim()])?;
    lax::reshape(&s, &x.shape()[1..])
}

/// `parts` stacked along a new leading axis (`aval` when there are none).
fn stack(parts: &[Tensor], aval: &Aval) -> Result<Tensor> {
    let mut shape = vec![parts.len()];
    shape.extend_from_slice(&aval.shape);
    if parts.is_empty() {
        return Ok(Tensor::zeros_aval(&Aval::new(&shape, aval.dtype)));
    }
    let rows = parts
        .iter()
        .map(|p| {
            let mut s = vec![1];
            s.extend_from_slice(p.shape());
            lax::reshape(p, &s)
        })
        .collect::<Result<Vec<_>>>()?;
    lax::concatenate(&rows, 0)
}

/// `aval` with a leading axis of `n`.
fn stacked(aval: &Aval, n: usize) -> Aval {
    let mut shape = vec![n];
    shape.extend_from_slice(&aval.shape);
    Aval::new(&shape, aval.dtype)
}

impl Scan {
    fn parts<'a, T>(&self, x: &'a [T]) -> (&'a [T], &'a [T], &'a [T]) {
        let (k, rest) = x.split_at(self.n_consts);
        let (c, xs) = rest.split_at(self.n_carry);
        (k, c, xs)
    }

    /// A scan like this one over another body.
    fn with(&self, body: Program, n_consts: usize, n_carry: usize, reverse: bool) -> Scan {
        Scan {
            body: Rc::new(body),
            length: self.length,
            reverse,
            n_consts,
            n_carry,
        }
    }

    /// The carries with a tangent (those given one, and those the body gives one, until
    /// nothing changes) and the body's forward-mode program for them.
    fn jvp_body(
        &self,
        nz_k: &[bool],
        nz_c: &[bool],
        nz_x: &[bool],
        for_reverse: bool,
    ) -> Result<(Program, Vec<bool>, Vec<bool>)> {
        let mut nz_c = nz_c.to_vec();
        let ny = out_avals(&self.body).len() - self.n_carry;
        loop {
            let nz = [nz_k, &nz_c, nz_x].concat();
            let force = [nz_c.clone(), vec![false; ny]].concat();
            let (p, has) = jvp_program(&self.body, &nz, &force, for_reverse)?;
            let grown: Vec<bool> = nz_c.iter().zip(&has).map(|(a, h)| *a || *h).collect();
            if grown == nz_c {
                return Ok((p, nz_c, has[self.n_carry..].to_vec()));
            }
            nz_c = grown;
        }
    }
}

fn count(mask: &[bool]) -> usize {
    mask.iter().filter(|&&m| m).count()
}

impl Primitive for Scan {
    fn name(&self) -> &'static str {
        "scan"
    }

    // Holds a program, which `Debug` does not show.
    fn identity(&self) -> Option<String> {
        None
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        let (k, c, xs) = self.parts(x);
        let mut want: Vec<Aval> = k.to_vec();
        want.extend_from_slice(c);
        for a in xs {
            if a.shape.first() != Some(&self.length) {
                return Err(Error::invalid(
                    "scan",
                    format!("each xs must have the scan's length {} as its leading axis, got shape {:?}", self.length, &a.shape[..]),
                ));
            }
            want.push(Aval::new(&a.shape[1..], a.dtype));
        }
        if in_avals(&self.body) != want {
            return Err(Error::invalid("scan", "the inputs do not match the body's"));
        }
        let outs = out_avals(&self.body);
        if outs.len() < c.len() || outs[..c.len()] != *c {
            return Err(Error::invalid(
                "scan",
                format!("the body returns {:?} as its carry, but the carry is {c:?}; the body must return a carry of the same shapes and dtypes", &outs[..c.len().min(outs.len())]),
            ));
        }
        let mut out: Outs<Aval> = c.iter().cloned().collect();
        out.extend(outs[c.len()..].iter().map(|a| stacked(a, self.length)));
        Ok(out)
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        control::eval_subs(self, x)
    }

    fn sub_programs(&self) -> &[Rc<Program>] {
        std::slice::from_ref(&self.body)
    }

    fn eval_with(&self, x: &[&Array], run: &mut SubRunner<'_>) -> Result<Outs<Array>> {
        let x: Vec<Tensor> = control::tensors(x);
        let (k, c, xs) = self.parts(&x);
        let y_avals = out_avals(&self.body).split_off(self.n_carry);
        let mut carry = c.to_vec();
        let mut ys: Vec<Vec<Tensor>> = vec![Vec::with_capacity(self.length); y_avals.len()];
        let mut args = Vec::with_capacity(x.len());
        for step in 0..self.length {
            let i = if self.reverse {
                self.length - 1 - step
            } else {
                step
            };
            args.clear();
            args.extend_from_slice(k);
            args.append(&mut carry);
            for x in xs {
                args.push(step_of(x, i)?);
            }
            let mut out = run(0, &args)?;
            for (acc, y) in ys.iter_mut().zip(out.drain(self.n_carry..)) {
                acc.push(y);
            }
            carry = out;
        }
        let mut outs = carry;
        for (mut parts, a) in ys.into_iter().zip(&y_avals) {
            if self.reverse {
                parts.reverse();
            }
            outs.push(stack(&parts, a)?);
        }
        arrays("scan", outs)
    }

    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let (k, c, xs) = self.parts(x);
        let (kd, cd, xd) = self.parts(x_dot);
        let nz = |t: &[Tangent]| t.iter().map(Option::is_some).collect::<Vec<bool>>();
        let (nz_k, nz_x) = (nz(kd), nz(xd));
        let recorded = x_dot.iter().flatten().any(is_recorded);
        let (body, nz_c, nz_y) = self.jvp_body(&nz_k, &nz(cd), &nz_x, recorded)?;
        let (nk, nc, nx) = (k.len(), c.len(), xs.len());
        let (nkd, ncd, nxd) = (count(&nz_k), count(&nz_c), count(&nz_x));
        let ny = nz_y.len();
        let nyd = count(&nz_y);
        let (kd, cd, xd) = (
            instantiated(kd, k, &nz_k),
            instantiated(cd, c, &nz_c),
            instantiated(xd, xs, &nz_x),
        );
        if !recorded {
            // One scan over [k, kd | c, cd | x, xd] → [c, cd | y, yd].
            let base = nk + nc + nx;
            let order: Vec<usize> = (0..nk)
                .chain(base..base + nkd)
                .chain(nk..nk + nc)
                .chain(base + nkd..base + nkd + ncd)
                .chain(nk + nc..base)
                .chain(base + nkd + ncd..base + nkd + ncd + nxd)
                .collect();
            let outs: Vec<usize> = (0..nc)
                .chain(nc + ny..nc + ny + ncd)
                .chain(nc..nc + ny)
                .chain(nc + ny + ncd..nc + ny + ncd + nyd)
                .collect();
            let body = control::reorder_outputs(control::reorder_inputs(body, &order), &outs);
            let prim = self.with(body, nk + nkd, nc + ncd, self.reverse);
            let args = [k, &kd, c, &cd, xs, &xd].concat();
            let y = bind(&prim, &args)?;
            let (carry, rest) = y.split_at(nc);
            let (carry_dot, rest) = rest.split_at(ncd);
            let (ys, ys_dot) = rest.split_at(ny);
            let mut primal: Outs<Tensor> = carry.iter().cloned().collect();
            primal.extend(ys.iter().cloned());
            let mut tangent: Outs<Tangent> = spread(carry_dot, &nz_c).into_iter().collect();
            tangent.extend(spread(ys_dot, &nz_y));
            return Ok((primal, tangent));
        }
        // Reverse mode: the known scan, then the scan linear in the tangents.
        let known_in = [vec![true; nk + nc + nx], vec![false; nkd + ncd + nxd]].concat();
        let unknown_out = [vec![false; nc + ny], vec![true; ncd + nyd]].concat();
        let split = partial_eval(&body, &known_in, &unknown_out)?;
        let k_vars = split.known.inputs[..nk].to_vec();
        let is_const: Vec<bool> = split.residuals.iter().map(|r| k_vars.contains(r)).collect();
        let nr = is_const.len();
        let keep: Vec<usize> = (0..nc + ny)
            .chain((0..nr).filter(|&r| !is_const[r]).map(|r| nc + ny + r))
            .collect();
        let known = control::reorder_outputs(split.known, &keep);
        let ys = bind(&self.with(known, nk, nc, self.reverse), x)?;
        let (primal, res_stacked) = ys.split_at(nc + ny);
        let const_res: Vec<Tensor> = split
            .residuals
            .iter()
            .zip(&is_const)
            .filter(|(_, &c)| c)
            .map(|(r, _)| k[k_vars.iter().position(|v| v == r).expect("a const")].clone())
            .collect();
        let (ncr, nsr) = (const_res.len(), nr - const_res.len());
        // U's inputs are [residuals, kd, cd, xd]; the scan takes
        // [const residuals, kd | cd | stacked residuals, xd].
        let order: Vec<usize> = (0..nr)
            .filter(|&r| is_const[r])
            .chain(nr..nr + nkd)
            .chain(nr + nkd..nr + nkd + ncd)
            .chain((0..nr).filter(|&r| !is_const[r]))
            .chain(nr + nkd + ncd..nr + nkd + ncd + nxd)
            .collect();
        let unknown = control::reorder_inputs(split.unknown, &order);
        let prim = self.with(unknown, ncr + nkd, ncd, self.reverse);
        let args = [&const_res[..], &kd, &cd, res_stacked, &xd].concat();
        debug_assert_eq!(res_stacked.len(), nsr);
        let y_dot = bind(&prim, &args)?;
        let (carry_dot, ys_dot) = y_dot.split_at(ncd);
        let mut tangent: Outs<Tangent> = spread(carry_dot, &nz_c).into_iter().collect();
        tangent.extend(spread(ys_dot, &nz_y));
        Ok((primal.iter().cloned().collect(), tangent))
    }

    fn transpose(&self, ct: &[Tensor], x: &[LinearArg]) -> Result<Outs<Option<Tensor>>> {
        let (k, c, xs) = self.parts(x);
        let known_k: Vec<bool> = k.iter().map(|a| !a.is_undef()).collect();
        let known_x: Vec<bool> = xs.iter().map(|a| !a.is_undef()).collect();
        let known = [known_k.clone(), vec![false; c.len()], known_x.clone()].concat();
        let t0 = control::transpose_program(&self.body, &known)?;
        let body_in = in_avals(&self.body);
        let (bk, bc, bx) = self.parts(&body_in);
        let body_out = out_avals(&self.body);
        let lin_k: Vec<Aval> = bk
            .iter()
            .zip(&known_k)
            .filter(|(_, &kn)| !kn)
            .map(|(a, _)| a.clone())
            .collect();
        let (nkk, nkl, nc) = (count(&known_k), lin_k.len(), c.len());
        let nxk = count(&known_x);
        // The reversed body: [known k | acc, ct_c | known x_i, ct_y_i] →
        // [acc + ct_k_i, ct_c_before | ct_x_i].
        let avals = [
            picked(bk, &known_k),
            lin_k.clone(),
            bc.to_vec(),
            picked(bx, &known_x),
            body_out[nc..].to_vec(),
        ]
        .concat();
        let t = control::trace(&avals, |v| {
            let (kk, rest) = v.split_at(nkk);
            let (acc, rest) = rest.split_at(nkl);
            let (ct_c, rest) = rest.split_at(nc);
            let (xk, ct_y) = rest.split_at(nxk);
            let args = [kk, xk, ct_c, ct_y].concat();
            let out = eval_program(&t0, &args)?;
            let (ct_k, rest) = out.split_at(nkl);
            let mut next = acc
                .iter()
                .zip(ct_k)
                .map(|(a, b)| lax::add(a, b))
                .collect::<Result<Vec<_>>>()?;
            next.extend_from_slice(rest);
            Ok(next)
        })?;
        let consts_of = |args: &[LinearArg]| -> Vec<Tensor> {
            args.iter()
                .filter_map(|a| match a {
                    LinearArg::Const(t) => Some(t.clone()),
                    LinearArg::Undef(_) => None,
                })
                .collect()
        };
        let zeros: Vec<Tensor> = lin_k.iter().map(Tensor::zeros_aval).collect();
        let args = [
            consts_of(k),
            zeros,
            ct[..nc].to_vec(),
            consts_of(xs),
            ct[nc..].to_vec(),
        ]
        .concat();
        let prim = self.with((*t.program).clone(), nkk, nkl + nc, !self.reverse);
        let out = bind(&prim, &args)?;
        let (ct_k, rest) = out.split_at(nkl);
        let (ct_c, ct_x) = rest.split_at(nc);
        let (mut ct_k, mut ct_x) = (ct_k.iter(), ct_x.iter());
        let mut res: Outs<Option<Tensor>> = known_k
            .iter()
            .map(|&kn| if kn { None } else { ct_k.next().cloned() })
            .collect();
        res.extend(
            c.iter()
                .zip(ct_c)
                .map(|(a, t)| a.is_undef().then(|| t.clone())),
        );
        res.extend(
            known_x
                .iter()
                .map(|&kn| if kn { None } else { ct_x.next().cloned() }),
        );
        Ok(res)
    }

    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        let size = control::batch_size(x, dims)?;
        let (k, c, xs) = self.parts(x);
        let (kd, _, xd) = self.parts(dims);
        let carry: Vec<Tensor> = c
            .iter()
            .zip(&dims[k.len()..k.len() + c.len()])
            .map(|(v, d)| batched_at_front(v, *d, size))
            .collect::<Result<_>>()?;
        // Each batched x with its scan axis first and its batch axis second.
        let xs: Vec<Tensor> = xs
            .iter()
            .zip(xd)
            .map(|(v, d)| match d {
                None => Ok(v.clone()),
                Some(d) => {
                    let scan_axis = usize::from(*d == 0);
                    let mut perm = vec![scan_axis, *d];
                    perm.extend((0..v.ndim()).filter(|a| *a != scan_axis && a != d));
                    lax::transpose(v, &perm)
                }
            })
            .collect::<Result<_>>()?;
        let step_avals: Vec<Aval> = xs
            .iter()
            .map(|v| Aval::new(&v.shape()[1..], v.dtype()))
            .collect();
        let avals = [avals_of(k), avals_of(&carry), step_avals].concat();
        let body_dims: Vec<BatchDim> = kd
            .iter()
            .cloned()
            .chain(carry.iter().map(|_| Some(0)))
            .chain(xd.iter().map(|d| d.map(|_| 0)))
            .collect();
        let body = control::batch_program(&self.body, &avals, &body_dims)?;
        let prim = self.with(body, k.len(), c.len(), self.reverse);
        let args = [k, &carry, &xs].concat();
        let y = bind(&prim, &args)?;
        let mut out_dims: Outs<BatchDim> = smallvec![Some(0); c.len()];
        out_dims.extend(std::iter::repeat_n(Some(1), y.len() - c.len()));
        Ok((y, out_dims))
    }
}
