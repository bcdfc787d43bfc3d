//! What the jit's fused loops need to know of a primitive: its work on one tile of elements.
//!
//! A primitive opts in through [`crate::Primitive::fusion`]; the compiler reads only this
//! description, so it names no primitive. These are CPU tile kernels over f32 and f64; a
//! primitive without a fusion form (or another dtype) runs as its own kernel under jit.

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
    /// A sum over some axes of its one input; the fuser takes it where it sums every axis,
    /// as the last step of a loop.
    Sum,
}

impl std::fmt::Debug for Fusion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Fusion::Unary { .. } => "Unary",
            Fusion::Binary { .. } => "Binary",
            Fusion::Sum => "Sum",
        })
    }
}
