//! What the jit's compiler needs to know of a primitive: its work on one tile of elements
//! ([`Fusion`]) and its algebraic simplifications ([`ArgInfo`] in, [`Rewrite`] out).
//!
//! A primitive opts in through [`crate::Primitive::fusion`] and
//! [`crate::Primitive::simplify`]; the compiler reads only these, so it names no primitive.
//! The tile kernels are CPU kernels over f32 and f64; a primitive without a fusion form (or
//! another dtype) runs as its own kernel under jit.

use crate::program::Atom;
use crate::{PrimRef, Primitive};

/// What the simplifier knows of one argument of an equation.
pub struct ArgInfo<'a> {
    /// The argument.
    pub atom: &'a Atom,
    /// Its shape and dtype.
    pub aval: crate::Aval,
    /// Its value, when it is a constant whose elements all equal one number.
    pub splat: Option<f64>,
    /// The equation that computed it: that equation's primitive and arguments.
    pub producer: Option<(&'a dyn Primitive, &'a [Atom])>,
    /// The shapes and dtypes of the producer's arguments (empty without a producer).
    pub producer_avals: Vec<crate::Aval>,
}

/// What an equation simplifies to.
pub enum Rewrite {
    /// Its one output is this atom (an argument, or an argument of an argument's producer),
    /// which has the output's shape and dtype.
    Atom(Atom),
    /// Its one output is `prim` applied to these atoms.
    Apply(PrimRef, Vec<Atom>),
}

/// A tile kernel of two operands.
pub type BinaryTile<T> = fn(&[T], &[T], &mut [T]);

/// A primitive's form inside a fused loop over elements.
#[derive(Clone, Copy)]
pub enum Fusion {
    /// `out[i] = f(x[i])`; `cost` is its work per element in cheap operations (an add is
    /// 1), for choosing threads.
    Unary {
        cost: usize,
        f32: fn(&[f32], &mut [f32]),
        f64: fn(&[f64], &mut [f64]),
    },
    /// `out[i] = f(a[i], b[i])`, operands of equal shape.
    Binary {
        f32: fn(&[f32], &[f32], &mut [f32]),
        f64: fn(&[f64], &[f64], &mut [f64]),
    },
    /// `out[i] = x[i]^n` (integer power).
    Powi(i32),
    /// A comparison of two floats; inside a loop its bool result is a mask of 1.0 / 0.0 in
    /// the operands' float type.
    Compare {
        f32: fn(&[f32], &[f32], &mut [f32]),
        f64: fn(&[f64], &[f64], &mut [f64]),
    },
    /// `out[i] = if mask[i] != 0 { a[i] } else { b[i] }`, the mask made by a `Compare` in the
    /// same loop.
    Select,
    /// A sum over some axes of its one input; the fuser takes it where it sums every axis,
    /// as the last step of a loop.
    Sum,
}

impl std::fmt::Debug for Fusion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Fusion::Unary { .. } => "Unary",
            Fusion::Binary { .. } => "Binary",
            Fusion::Powi(n) => return write!(f, "Powi({n})"),
            Fusion::Compare { .. } => "Compare",
            Fusion::Select => "Select",
            Fusion::Sum => "Sum",
        })
    }
}

/// A comparison's tile kernel: `out[i]` is 1 where `cmp(a[i], b[i])` holds, else 0.
pub fn compare_tile<T: ferrograd_array::Float, const OP: u8>(a: &[T], b: &[T], out: &mut [T]) {
    let (one, zero) = (T::one(), T::zero());
    let pick = |c: bool| if c { one } else { zero };
    for ((o, &x), &y) in out.iter_mut().zip(a).zip(b) {
        *o = pick(match OP {
            LT => x < y,
            LE => x <= y,
            GT => x > y,
            GE => x >= y,
            EQ => x == y,
            _ => x != y,
        });
    }
}

/// The comparisons of [`compare_tile`].
pub const LT: u8 = 0;
pub const LE: u8 = 1;
pub const GT: u8 = 2;
pub const GE: u8 = 3;
pub const EQ: u8 = 4;
pub const NE: u8 = 5;
