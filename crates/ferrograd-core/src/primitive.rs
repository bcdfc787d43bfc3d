//! The [`Primitive`] trait: everything the system knows about one operation, in one place.
//!
//! Interpreters call only this trait; they never name a concrete primitive. Rules are written
//! with `lax` operations (which `bind`), so every rule is itself differentiable and traceable.

use std::fmt::Debug;
use std::rc::Rc;

use ferrograd_array::Array;

use crate::program::Program;
use crate::{Aval, Error, Result, Tensor};

/// Runs sub-program `k` of a control-flow primitive on the given values: the interpreters run
/// the program op by op, the jit runs its compiled form.
pub type SubRunner<'a> = dyn FnMut(usize, &[Tensor]) -> Result<Vec<Tensor>> + 'a;

/// A primitive's short list of outputs (or of per-input cotangents): two live inline, so the
/// common one- and two-element cases do not allocate. Eager dispatch makes several such lists
/// per operation, and at scalar sizes their allocations were most of its cost.
pub type Outs<T> = smallvec::SmallVec<[T; 2]>;

/// A tangent: `None` is a symbolic zero (nothing flows), which rules may skip.
pub type Tangent = Option<Tensor>;

/// The batch axis of a value under `vmap`, or `None` when the value is not batched.
pub type BatchDim = Option<usize>;

/// An argument of a linear primitive being transposed: the unknown linear input
/// (JAX's `UndefinedPrimal`), or a known constant.
#[derive(Debug, Clone)]
pub enum LinearArg {
    Undef(Aval),
    Const(Tensor),
}

impl LinearArg {
    /// The aval of the argument, known or not.
    pub fn aval(&self) -> Aval {
        match self {
            LinearArg::Undef(a) => a.clone(),
            LinearArg::Const(t) => t.aval(),
        }
    }

    /// The constant, or a [`Error::NotLinear`] error naming `prim`.
    pub fn constant(&self, prim: &'static str) -> Result<&Tensor> {
        match self {
            LinearArg::Const(t) => Ok(t),
            LinearArg::Undef(_) => Err(Error::NotLinear { prim }),
        }
    }

    /// True for the unknown (linear) input.
    pub fn is_undef(&self) -> bool {
        matches!(self, LinearArg::Undef(_))
    }
}

/// A primitive held by a program: shared, or — for the many primitives without parameters,
/// which are zero-sized — a static reference, so recording an equation does not allocate.
#[derive(Debug, Clone)]
pub enum PrimRef {
    Static(&'static dyn Primitive),
    Shared(Rc<dyn Primitive>),
}

impl std::ops::Deref for PrimRef {
    type Target = dyn Primitive;

    fn deref(&self) -> &(dyn Primitive + 'static) {
        match self {
            PrimRef::Static(p) => *p,
            PrimRef::Shared(p) => p.as_ref(),
        }
    }
}

/// Lets interpreters copy a primitive into a program without knowing its type.
pub trait PrimitiveClone {
    /// A copy of this primitive to keep in a program.
    fn to_ref(&self) -> PrimRef;
    /// This primitive as `Any`, so that a rule can recognise another primitive of its own type
    /// (a transpose of a transpose) and read its parameters.
    fn as_any(&self) -> &dyn std::any::Any;
}

impl<P: Primitive + Clone> PrimitiveClone for P {
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn to_ref(&self) -> PrimRef {
        if std::mem::size_of::<P>() == 0 {
            // A zero-sized value occupies no memory: boxing it allocates nothing, so leaking
            // the box costs nothing either.
            PrimRef::Static(Box::leak(Box::new(self.clone())))
        } else {
            PrimRef::Shared(Rc::new(self.clone()))
        }
    }
}

/// One operation with all its rules. See STYLE.md for the shape of a primitive file.
pub trait Primitive: PrimitiveClone + Debug + 'static {
    /// The name used in programs and messages (`"reduce_sum"`).
    fn name(&self) -> &'static str;

    /// Output avals from input avals; rejects invalid inputs with an error naming the op.
    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>>;

    /// Computes on concrete arrays (the only place kernels are called).
    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>>;

    /// Forward-mode rule: primal outputs and their tangents. At least one tangent is `Some`.
    fn jvp(&self, x: &[Tensor], x_dot: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)>;

    /// For linear primitives: cotangents of the `Undef` inputs (`None` for constants or zero).
    fn transpose(&self, _ct: &[Tensor], _x: &[LinearArg]) -> Result<Outs<Option<Tensor>>> {
        Err(Error::NotLinear { prim: self.name() })
    }

    /// `vmap` rule: outputs and their batch axes, given inputs and theirs.
    fn batch(&self, _x: &[Tensor], _dims: &[BatchDim]) -> Result<(Outs<Tensor>, Outs<BatchDim>)> {
        Err(Error::Unsupported {
            prim: self.name(),
            rule: "batch",
        })
    }

    /// A key equal for two instances exactly when they compute the same function of their
    /// inputs, so the jit may merge equal equations (common-subexpression elimination). The
    /// default is the `Debug` form, which shows every parameter; primitives holding user
    /// closures return `None`.
    fn identity(&self) -> Option<String> {
        Some(format!("{self:?}"))
    }

    /// An algebraic simplification of this equation, given what is known of its arguments
    /// (constant values, the equations that computed them); `None` (the default) keeps it.
    /// The jit's simplification pass applies these rules, so each primitive declares its own.
    fn simplify(&self, _args: &[crate::fusion::ArgInfo<'_>]) -> Option<crate::fusion::Rewrite> {
        None
    }

    /// How the jit may fuse this primitive into a loop over elements; `None` (the default)
    /// runs it as its own kernel.
    fn fusion(&self) -> Option<crate::fusion::Fusion> {
        None
    }

    /// The programs a control-flow primitive runs (a `cond`'s branches, a loop's body), so
    /// that the jit compiles them with the program holding the primitive; empty for others.
    fn sub_programs(&self) -> &[Rc<Program>] {
        &[]
    }

    /// Evaluation with sub-program `k` run by `run(k, args)`: the primitive supplies the
    /// control (which branch, how many iterations), the caller how programs run. Primitives
    /// without sub-programs evaluate as [`Primitive::eval`].
    fn eval_with(&self, x: &[&Array], _run: &mut SubRunner<'_>) -> Result<Outs<Array>> {
        self.eval(x)
    }
}
