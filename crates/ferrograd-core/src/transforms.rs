//! The differentiation transforms on flat lists of tensors. The pytree-aware public versions
//! (`grad`, `vjp`, …) are thin wrappers over these.

use crate::interp::jvp::JvpTrace;
use crate::interp::stage::StageTrace;
use crate::interp::{eval_program, push, transpose_program};
use crate::program::{Atom, Program};
use crate::{Error, Result, Tensor};

pub use crate::interp::batch::vmap_flat;

/// Checks that `x` can carry a derivative.
pub fn check_differentiable(op: &'static str, x: &Tensor) -> Result<()> {
    if !x.dtype().is_float() {
        let dtype = x.dtype().to_string();
        // "an int64", "a bool", "a uint32" (said "you-int").
        let article = if dtype.starts_with('i') { "an" } else { "a" };
        return Err(Error::NotDifferentiable {
            op,
            msg: format!(
                "cannot differentiate with respect to {article} {dtype} input of shape {:?}; integer and bool arrays have no derivatives — convert it with .astype(DType::F64) (or write float literals like 1.0)",
                x.shape()
            ),
        });
    }
    Ok(())
}

/// Forward mode: `(f(x), J_f(x) · t)`.
pub fn jvp_flat(
    f: impl FnOnce(&[Tensor]) -> Result<Vec<Tensor>>,
    x: &[Tensor],
    t: &[Tensor],
) -> Result<(Vec<Tensor>, Vec<Tensor>)> {
    if x.len() != t.len() {
        return Err(Error::CountMismatch {
            op: "jvp",
            got: t.len(),
            what: "tangents",
            expected: x.len(),
            of: "primals",
            fix: "pass one tangent per primal, with its shape and dtype",
        });
    }
    for (xi, ti) in x.iter().zip(t) {
        check_differentiable("jvp", xi)?;
        if xi.aval() != ti.aval() {
            return Err(Error::invalid(
                "jvp",
                format!(
                    "tangent {:?} {} does not match primal {:?} {}",
                    ti.shape(),
                    ti.dtype(),
                    xi.shape(),
                    xi.dtype()
                ),
            ));
        }
    }
    let (trace, _guard) = push(JvpTrace::new);
    let inputs: Vec<Tensor> = x
        .iter()
        .zip(t)
        .map(|(x, t)| trace.lift(x.clone(), Some(t.clone())))
        .collect();
    let outs = f(&inputs)?;
    Ok(outs
        .iter()
        .map(|y| {
            let (p, t) = trace.unpack(y);
            let t = t.unwrap_or_else(|| Tensor::zeros_aval(&p.aval()));
            (p, t)
        })
        .unzip())
}

/// A linear map recorded by [`linearize_flat`]: evaluate it forward (`jvp`) or transpose it
/// (`vjp`) as often as needed.
#[derive(Debug, Clone)]
pub struct LinearFn {
    program: Program,
}

impl LinearFn {
    /// `J · t` for input tangents `t`.
    pub fn apply(&self, t: &[Tensor]) -> Result<Vec<Tensor>> {
        eval_program(&self.program, t)
    }

    /// `Jᵀ · ct` for output cotangents `ct` (`None` = zero); zero input cotangents are
    /// returned as zero tensors.
    ///
    /// # Errors
    /// If the number of cotangents, or a cotangent's shape or dtype, differs from the outputs'.
    pub fn transpose(&self, ct: &[Option<Tensor>]) -> Result<Vec<Tensor>> {
        self.check_cotangents(ct)?;
        let cts = transpose_program(&self.program, ct)?;
        Ok(cts
            .into_iter()
            .zip(&self.program.inputs)
            .map(|(c, v)| {
                c.unwrap_or_else(|| Tensor::zeros_aval(&self.program.avals[v.0 as usize]))
            })
            .collect())
    }

    /// Each cotangent must have its output's shape and dtype (JAX refuses others too): a
    /// transpose rule would otherwise broadcast it silently or fail deep inside a kernel.
    fn check_cotangents(&self, ct: &[Option<Tensor>]) -> Result<()> {
        let outs = &self.program.outputs;
        if ct.len() != outs.len() {
            return Err(Error::CountMismatch {
                op: "vjp",
                got: ct.len(),
                what: "cotangents given to the pullback",
                expected: outs.len(),
                of: "outputs of the function",
                fix: "pass one cotangent per output, shaped like the outputs",
            });
        }
        for (i, (c, out)) in ct.iter().zip(outs).enumerate() {
            let (shape, dtype) = match out {
                Atom::Var(v) => {
                    let a = &self.program.avals[v.0 as usize];
                    (&a.shape[..], a.dtype)
                }
                Atom::Const(t) => (t.shape(), t.dtype()),
            };
            if let Some(c) = c
                .as_ref()
                .filter(|c| c.shape() != shape || c.dtype() != dtype)
            {
                return Err(Error::invalid(
                    "vjp",
                    format!("the cotangent for output {i} has shape {:?} and dtype {}, but output {i} has shape {:?} and dtype {}; a cotangent has the shape and dtype of its output (convert with .astype(..) or reshape it)", c.shape(), c.dtype(), shape, dtype),
                ));
            }
        }
        Ok(())
    }

    /// The recorded program.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// The bytes of the values this map keeps from the forward pass (its residuals: the
    /// constants of its program), each buffer counted once, views included.
    pub fn residual_bytes(&self) -> usize {
        let mut seen: std::collections::BTreeMap<usize, usize> = Default::default();
        let consts = self.program.eqns.iter().flat_map(|e| e.inputs.iter());
        for a in consts.chain(&self.program.outputs) {
            if let Some(x) = match a {
                Atom::Const(t) => t.value(),
                Atom::Var(_) => None,
            } {
                let bytes = x.stored_len() * x.dtype().size_of();
                let slot = seen.entry(x.storage_address()).or_default();
                *slot = (*slot).max(bytes);
            }
        }
        seen.values().sum()
    }
}

/// Runs `f` at `x`, returning its outputs and the linear map of its derivative there.
/// The primal work happens now; the tangent work is recorded (JAX's linearize).
pub fn linearize_flat(
    f: impl FnOnce(&[Tensor]) -> Result<Vec<Tensor>>,
    x: &[Tensor],
) -> Result<(Vec<Tensor>, LinearFn)> {
    for xi in x {
        check_differentiable("linearize", xi)?;
    }
    let (stage, stage_guard) = push(StageTrace::named("linearize"));
    let (jvp, jvp_guard) = push(JvpTrace::named("linearize"));
    let inputs: Vec<Tensor> = x
        .iter()
        .map(|xi| jvp.lift(xi.clone(), Some(stage.input(xi.aval()))))
        .collect();
    let outs = f(&inputs)?;
    let mut primals = Vec::with_capacity(outs.len());
    let mut tangents = Vec::with_capacity(outs.len());
    for y in &outs {
        let (p, t) = jvp.unpack(y);
        tangents.push(match t {
            Some(t) => stage.atom(&t),
            None => Atom::Const(Tensor::zeros_aval(&p.aval())),
        });
        primals.push(p);
    }
    drop(jvp_guard);
    let program = stage.finish(tangents);
    drop(stage_guard);
    Ok((primals, LinearFn { program }))
}

/// Reverse mode: `f(x)` and a pullback `ct ↦ Jᵀ ct`.
pub fn vjp_flat(
    f: impl FnOnce(&[Tensor]) -> Result<Vec<Tensor>>,
    x: &[Tensor],
) -> Result<(Vec<Tensor>, LinearFn)> {
    linearize_flat(f, x)
}

/// Stages `f` on abstract inputs of `avals` into a [`Program`] (the tracing half of `jit`):
/// every operation is recorded, also those on captured constants only (JAX's omnistaging), so
/// the program repeats all of `f`'s work; values of enclosing transforms become constants.
pub fn stage_flat(
    f: impl FnOnce(&[Tensor]) -> Result<Vec<Tensor>>,
    avals: &[crate::Aval],
) -> Result<Program> {
    stage_flat_named("jit", f, avals)
}

/// [`stage_flat`] by a staging interpreter named `name`: `linearize` marks the values as
/// reverse mode's (see `Interpreter::records_linear`), so that control-flow rules traced
/// into a program to be split for reverse mode split their own work too.
pub fn stage_flat_named(
    name: &'static str,
    f: impl FnOnce(&[Tensor]) -> Result<Vec<Tensor>>,
    avals: &[crate::Aval],
) -> Result<Program> {
    let (stage, guard) = push(StageTrace::named(name));
    let inputs: Vec<Tensor> = avals.iter().map(|a| stage.input(a.clone())).collect();
    let outs = crate::interp::with_dynamic(stage.slot(), || f(&inputs))?;
    let outputs = outs.iter().map(|y| stage.atom(y)).collect();
    let program = stage.finish(outputs);
    drop(guard);
    Ok(program)
}
