//! `custom_jvp_call`: applies a user function whose forward-mode derivative is a user rule
//! (JAX's `custom_jvp`). Also [`CustomFn`], the flat user function shared with
//! [`super::custom_vjp`].
//!
//! Reverse mode needs nothing more: the user's tangent rule is written with Tensor operations
//! that are linear in the tangents, so linearize records them and transpose reverses them.
//!
//! These are *call* primitives holding user closures, one instance per call, so they are not
//! in `ALL_PRIMITIVES` (the rule-check table cannot construct them).
//!
//! Closures must not capture values traced by an enclosing transform (pass such values as
//! inputs instead): the primitive cannot see them, and evaluating them concretely fails with
//! an error that says so.

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use ferrograd_array::Array;
use smallvec::smallvec;

use crate::interp::batch::vmap_flat;
use crate::{lax, Aval, BatchDim, Error, Outs, Primitive, Result, Tangent, Tensor};

/// A user function on flat lists of leaves.
pub type FlatFn = Rc<dyn Fn(&[Tensor]) -> Result<Vec<Tensor>>>;

/// A user tangent rule on flat lists: `(x, x_dot) ↦ (y, y_dot)`.
pub type FlatJvpRule = Rc<dyn Fn(&[Tensor], &[Tensor]) -> Result<(Vec<Tensor>, Vec<Tensor>)>>;

/// (input avals, output avals) of a run.
type AvalRecord = Option<(Outs<Aval>, Outs<Aval>)>;

/// A user function on flat leaves, remembering the output avals of its last run so that
/// shape rules need not run it again.
#[derive(Clone)]
pub struct CustomFn {
    f: FlatFn,
    /// The last run's avals.
    avals: Rc<RefCell<AvalRecord>>,
}

impl fmt::Debug for CustomFn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<user fn>")
    }
}

fn avals_of(x: &[Tensor]) -> Outs<Aval> {
    x.iter().map(Tensor::aval).collect()
}

impl CustomFn {
    /// Wraps a flat function.
    pub fn new(f: FlatFn) -> Self {
        CustomFn {
            f,
            avals: Rc::new(RefCell::new(None)),
        }
    }

    /// Runs the function (under whatever transforms trace `x`) and records its avals.
    pub fn call(&self, x: &[Tensor]) -> Result<Vec<Tensor>> {
        let y = (self.f)(x)?;
        self.record(x, &y);
        Ok(y)
    }

    /// Remembers that inputs like `x` give outputs like `y`.
    pub fn record(&self, x: &[Tensor], y: &[Tensor]) {
        *self.avals.borrow_mut() = Some((avals_of(x), avals_of(y)));
    }

    /// Output avals for input avals `x`: the recorded ones when the inputs match, otherwise
    /// found by evaluating the function on zeros of `x` (output shapes cannot depend on
    /// values, so this is exact; it costs one forward evaluation).
    pub fn out_avals(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        if let Some((ins, outs)) = self.avals.borrow().as_ref() {
            if ins.as_slice() == x {
                return Ok(outs.clone());
            }
        }
        let zeros: Vec<Tensor> = x.iter().map(Tensor::zeros_aval).collect();
        let y = self.call(&zeros)?;
        Ok(avals_of(&y))
    }

    /// Runs the function on concrete arrays.
    pub fn eval(&self, op: &'static str, x: &[&Array]) -> Result<Outs<Array>> {
        let x: Vec<Tensor> = x.iter().map(|a| Tensor::from_array((*a).clone())).collect();
        concrete(op, self.call(&x)?)
    }
}

/// `f` mapped over axis 0 of every input and output: the function of a batched call.
pub fn vmapped(f: CustomFn) -> CustomFn {
    CustomFn::new(Rc::new(move |xs: &[Tensor]| {
        vmap_flat(|v| f.call(v), xs, &vec![Some(0); xs.len()], &[Some(0)])
    }))
}

/// The arrays of `y`, or an error if a traced value leaked in through a closure.
pub fn concrete(op: &'static str, y: Vec<Tensor>) -> Result<Outs<Array>> {
    y.into_iter()
        .map(|t| {
            t.as_array().cloned().ok_or_else(|| {
                Error::invalid(
                    op,
                    "the custom function returned a traced value for concrete inputs: it captures a value traced by an enclosing transform; pass that value as an input of the custom function instead of capturing it",
                )
            })
        })
        .collect()
}

/// Zeros in place of symbolic-zero tangents.
pub fn instantiate(x: &[Tensor], x_dot: &[Tangent]) -> Vec<Tensor> {
    x.iter()
        .zip(x_dot)
        .map(|(x, t)| t.clone().unwrap_or_else(|| crate::lax::zeros_like(x)))
        .collect()
}

/// `f(x)` with the derivative given by `rule`.
#[derive(Debug, Clone)]
pub struct CustomJvpCall {
    pub f: CustomFn,
    pub rule: RuleFn,
}

/// A [`FlatJvpRule`] with a `Debug` impl.
#[derive(Clone)]
pub struct RuleFn(pub FlatJvpRule);

impl fmt::Debug for RuleFn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<user jvp rule>")
    }
}

impl Primitive for CustomJvpCall {
    fn name(&self) -> &'static str {
        "custom_jvp_call"
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

    // The user's rule; its primal output stands for f(x).
    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let (y, y_dot) = (self.rule.0)(x, &instantiate(x, x_dot))?;
        if y.len() != y_dot.len() || y.iter().zip(&y_dot).any(|(a, b)| a.aval() != b.aval()) {
            let show = |v: &[Tensor]| -> Vec<_> { v.iter().map(|t| t.shape().to_vec()).collect() };
            return Err(Error::invalid(
                "custom_jvp",
                format!(
                    "the jvp rule returned outputs {:?} but tangents {:?}: each tangent must match its output's shape and dtype",
                    show(&y),
                    show(&y_dot)
                ),
            ));
        }
        self.f.record(x, &y);
        Ok((y.into(), y_dot.into_iter().map(Some).collect()))
    }

    // vmap of a custom_jvp function is a custom_jvp function of the batch: f and the rule
    // each vmapped over axis 0 (unbatched inputs broadcast to it), so the rule still decides
    // the derivative of the batched call.
    fn batch(&self, x: &[Tensor], dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        let args = lax::all_batch_to_front(x, dims)?;
        let rule = self.rule.0.clone();
        let n = x.len();
        let batched_rule = move |xs: &[Tensor], ts: &[Tensor]| {
            let all: Vec<Tensor> = xs.iter().chain(ts).cloned().collect();
            let mut m = 0;
            let mut out = vmap_flat(
                |v| {
                    let (y, t) = rule(&v[..n], &v[n..])?;
                    m = y.len();
                    Ok(y.into_iter().chain(t).collect())
                },
                &all,
                &vec![Some(0); 2 * n],
                &[Some(0)],
            )?;
            let t = out.split_off(m);
            Ok((out, t))
        };
        let prim = CustomJvpCall {
            f: vmapped(self.f.clone()),
            rule: RuleFn(Rc::new(batched_rule)),
        };
        let y = crate::interp::bind(&prim, &args)?;
        let d = smallvec![Some(0); y.len()];
        Ok((y, d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::stage::StageTrace;
    use crate::interp::{bind, push};
    use crate::{lax, DType};

    fn square() -> CustomJvpCall {
        CustomJvpCall {
            f: CustomFn::new(Rc::new(|x: &[Tensor]| Ok(vec![lax::mul(&x[0], &x[0])?]))),
            rule: RuleFn(Rc::new(|x: &[Tensor], t: &[Tensor]| {
                let two_x = lax::add(&x[0], &x[0])?;
                Ok((
                    vec![lax::mul(&x[0], &x[0])?],
                    vec![lax::mul(&two_x, &t[0])?],
                ))
            })),
        }
    }

    // Staged on an input it has never seen, the shape rule runs f on zeros.
    #[test]
    fn staged_call_gets_its_avals_from_f_and_evaluates() {
        let prim = square();
        let program = {
            let (stage, _guard) = push(StageTrace::new);
            let x = stage.input(Aval::new(&[2, 0, 3], DType::F32));
            let y = bind(&prim, &[x]).unwrap();
            assert_eq!(y[0].aval(), Aval::new(&[2, 0, 3], DType::F32));
            stage.finish(vec![stage.atom(&y[0])])
        };
        let x = Tensor::from(vec![3.0, -1.0]);
        assert_eq!(
            crate::interp::eval_program(&program, &[x]).unwrap()[0].to_vec(),
            vec![9.0, 1.0]
        );
    }

    #[test]
    fn mismatched_rule_outputs_are_reported() {
        let prim = CustomJvpCall {
            rule: RuleFn(Rc::new(|x: &[Tensor], _t: &[Tensor]| {
                Ok((vec![x[0].clone()], vec![]))
            })),
            ..square()
        };
        let err = prim
            .jvp(&[Tensor::from(1.0)], &[Some(Tensor::from(1.0))])
            .unwrap_err();
        assert!(err.to_string().contains("each tangent must match"), "{err}");
    }
}
