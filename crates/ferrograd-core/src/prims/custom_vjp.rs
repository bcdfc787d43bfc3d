//! `custom_vjp_call` and `custom_vjp_linear`: a user function with a user reverse-mode rule
//! `bwd(x, y, ct) ↦ x_ct` (autograd's `defvjp`, JAX's `custom_vjp`).
//!
//! There are no hand-written VJPs in the engine, so the user's `bwd` enters as the transpose
//! of a linear primitive: the jvp rule of `custom_vjp_call` returns `y = f(x)` and the tangent
//! `custom_vjp_linear(x, y, x_dot)`, which is linear in `x_dot`:
//! - evaluated forward (plain forward mode) it is `J_f(x)·x_dot`, found by differentiating `f`
//!   itself: under forward mode a custom_vjp function differentiates its forward computation;
//! - transposed (reverse mode) it is `bwd(x, y, ct)`; `bwd` is written with Tensor operations,
//!   so outer transforms differentiate it again (grad of grad uses `bwd` at both levels);
//! - its own jvp (forward over forward) differentiates `(x, x_dot) ↦ J_f(x)·x_dot`.
//!
//! Call primitives holding user closures (one per call): not in `ALL_PRIMITIVES`. Unlike the
//! other primitives these call a transform (`jvp_flat`), as their rules are derivatives of `f`.

use std::fmt;
use std::rc::Rc;

use ferrograd_array::Array;
use smallvec::smallvec;

use super::custom_jvp::{concrete, instantiate, vmapped, CustomFn};
use crate::interp::batch::vmap_flat;
use crate::interp::bind;
use crate::transforms::jvp_flat;
use crate::{lax, Aval, BatchDim, Error, LinearArg, Outs, Primitive, Result, Tangent, Tensor};

/// A user backward rule on flat lists: `(x, y, ct) ↦ x_ct`.
pub type FlatBwd = Rc<dyn Fn(&[Tensor], &[Tensor], &[Tensor]) -> Result<Vec<Tensor>>>;

/// A [`FlatBwd`] with a `Debug` impl.
#[derive(Clone)]
pub struct BwdFn(pub FlatBwd);

impl fmt::Debug for BwdFn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<user bwd rule>")
    }
}

impl BwdFn {
    /// `bwd` mapped over axis 0 of `x`, `y`, `ct` and of the returned cotangents.
    fn vmapped(&self) -> BwdFn {
        let bwd = self.0.clone();
        BwdFn(Rc::new(move |x: &[Tensor], y: &[Tensor], ct: &[Tensor]| {
            let (n, m) = (x.len(), y.len());
            let all: Vec<Tensor> = x.iter().chain(y).chain(ct).cloned().collect();
            let g = |v: &[Tensor]| bwd(&v[..n], &v[n..n + m], &v[n + m..]);
            vmap_flat(g, &all, &vec![Some(0); all.len()], &[Some(0)])
        }))
    }
}

/// Binds `prim` on the arguments with every batch axis moved to the front (unbatched ones
/// broadcast); all outputs are batched along axis 0.
fn bind_at_front(
    prim: &dyn Primitive,
    x: &[Tensor],
    dims: &[BatchDim],
) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
    let y = bind(prim, &lax::all_batch_to_front(x, dims)?)?;
    let d = smallvec![Some(0); y.len()];
    Ok((y, d))
}

/// `f(x)`, differentiated in reverse mode by `bwd`.
#[derive(Debug, Clone)]
pub struct CustomVjpCall {
    pub f: CustomFn,
    pub bwd: BwdFn,
}

impl Primitive for CustomVjpCall {
    fn name(&self) -> &'static str {
        "custom_vjp_call"
    }

    // Holds the user's closures, which `Debug` cannot tell apart.
    fn identity(&self) -> Option<String> {
        None
    }

    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        self.f.out_avals(x)
    }

    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        self.f.eval(self.name(), x)
    }

    // y = f(x) is bound again (outer transforms see the custom call too); the tangent is the
    // linear primitive whose transpose is `bwd`.
    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let y = bind(self, x)?;
        let mut args = x.to_vec();
        args.extend(y.iter().cloned());
        args.extend(instantiate(x, x_dot));
        let lin = CustomVjpLinear {
            f: self.f.clone(),
            bwd: self.bwd.clone(),
            n_in: x.len(),
        };
        let y_dot = bind(&lin, &args)?;
        Ok((y, y_dot.into_iter().map(Some).collect()))
    }

    // The batched call is a custom_vjp function of the batch: f and bwd vmapped over axis 0.
    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        let prim = CustomVjpCall {
            f: vmapped(self.f.clone()),
            bwd: self.bwd.vmapped(),
        };
        bind_at_front(&prim, x, dims)
    }
}

/// `J_f(x)·x_dot` from inputs `[x..., y..., x_dot...]` (`y = f(x)`, kept for `bwd`); linear
/// in `x_dot`.
#[derive(Debug, Clone)]
pub struct CustomVjpLinear {
    pub f: CustomFn,
    pub bwd: BwdFn,
    /// Number of leaves of `x` (and of `x_dot`).
    pub n_in: usize,
}

impl CustomVjpLinear {
    /// (x, y, x_dot) of a list of arguments.
    fn split<'a, A>(&self, args: &'a [A]) -> (&'a [A], &'a [A], &'a [A]) {
        let n = self.n_in;
        let m = args.len() - 2 * n;
        (&args[..n], &args[n..n + m], &args[n + m..])
    }

    /// `J_f(x)·x_dot` by forward mode through `f`.
    fn apply(&self, x: &[Tensor], x_dot: &[Tensor]) -> Result<Vec<Tensor>> {
        Ok(jvp_flat(|xs| self.f.call(xs), x, x_dot)?.1)
    }
}

impl Primitive for CustomVjpLinear {
    fn name(&self) -> &'static str {
        "custom_vjp_linear"
    }

    // Holds the user's closures, which `Debug` cannot tell apart.
    fn identity(&self) -> Option<String> {
        None
    }

    fn shape_rule(&self, args: &[Aval]) -> Result<Outs<Aval>> {
        if args.len() < 2 * self.n_in {
            return Err(Error::invalid(self.name(), "too few arguments"));
        }
        let (x, y, x_dot) = self.split(args);
        if x != x_dot {
            return Err(Error::invalid(
                self.name(),
                format!("tangents {x_dot:?} do not match primals {x:?}"),
            ));
        }
        Ok(y.into())
    }

    fn eval(&self, args: &[&Array]) -> Result<Outs<Array>> {
        let args: Vec<Tensor> = args
            .iter()
            .map(|a| Tensor::from_array((*a).clone()))
            .collect();
        let (x, _, x_dot) = self.split(&args);
        concrete(self.name(), self.apply(x, x_dot)?)
    }

    // d(J_f(x)·x_dot) = (∂_x J_f(x)·x_dot)·dx + J_f(x)·dx_dot, by differentiating
    // (x, x_dot) ↦ J_f(x)·x_dot; y only feeds `bwd`, so its tangent does not enter.
    fn jvp(&self, args: &[Tensor], t: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let out = bind(self, args)?;
        let (x, _, x_dot) = self.split(args);
        let (dx, _, dx_dot) = self.split(t);
        let n = self.n_in;
        let primals = [x, x_dot].concat();
        let tangents = [instantiate(x, dx), instantiate(x_dot, dx_dot)].concat();
        let g = |xs: &[Tensor]| self.apply(&xs[..n], &xs[n..]);
        let (_, out_dot) = jvp_flat(g, &primals, &tangents)?;
        Ok((out, out_dot.into_iter().map(Some).collect()))
    }

    // The user's backward rule, at the primal point.
    fn transpose(&self, ct: &[Tensor], args: &[LinearArg]) -> Result<Outs<Option<Tensor>>> {
        let (x, y, x_dot) = self.split(args);
        let known = |a: &[LinearArg]| -> Result<Vec<Tensor>> {
            a.iter().map(|a| a.constant(self.name()).cloned()).collect()
        };
        let x_ct = (self.bwd.0)(&known(x)?, &known(y)?, ct)?;
        let fits = x_ct.len() == x.len() && x_ct.iter().zip(x).all(|(c, a)| c.aval() == a.aval());
        if !fits {
            return Err(Error::invalid(
                "custom_vjp",
                format!(
                    "bwd returned cotangents {:?} for inputs {:?}: it must return one per input leaf, with the input's shape and dtype",
                    x_ct.iter().map(Tensor::aval).collect::<Vec<_>>(),
                    x.iter().map(LinearArg::aval).collect::<Vec<_>>()
                ),
            ));
        }
        let mut out = smallvec![None; x.len() + y.len()];
        out.extend(
            x_ct.into_iter()
                .zip(x_dot)
                .map(|(c, a)| a.is_undef().then_some(c)),
        );
        Ok(out)
    }

    // As for `custom_vjp_call`: the same linear map for the whole batch, f and bwd vmapped.
    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        let prim = CustomVjpLinear {
            f: vmapped(self.f.clone()),
            bwd: self.bwd.vmapped(),
            n_in: self.n_in,
        };
        bind_at_front(&prim, x, dims)
    }
}
