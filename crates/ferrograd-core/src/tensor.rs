//! [`Tensor`]: a concrete array, a tracer of the transform that is processing it, or a
//! concrete array recorded on an imperative tape (its [`Node`]).
//!
//! A tracer is only an address — (level, owner id, index) into its interpreter's arena — plus
//! its abstract value, so tensors are cheap to clone and `Send + Sync`. Using a tracer after its
//! interpreter is gone is detected (the owner id no longer matches) and reported as a leak.

use std::fmt;
use std::panic::{RefUnwindSafe, UnwindSafe};
use std::sync::atomic::{AtomicU32, Ordering::Relaxed};
use std::sync::{Arc, Mutex, OnceLock};

use ferrograd_array::{Array, DType, Shape};

/// Abstract value: what a shape rule knows about a tensor.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct Aval {
    pub shape: Shape,
    pub dtype: DType,
}

// By hand: the derived clone copies the shape element by element through an iterator; avals
// are cloned with every tracer, several times per traced operation.
impl Clone for Aval {
    fn clone(&self) -> Self {
        Aval {
            shape: inline_shape(&self.shape),
            dtype: self.dtype,
        }
    }
}

impl Aval {
    /// An aval from a shape slice and dtype.
    pub fn new(shape: &[usize], dtype: DType) -> Self {
        Aval {
            shape: inline_shape(shape),
            dtype,
        }
    }

    /// Number of elements.
    pub fn size(&self) -> usize {
        self.shape.iter().product()
    }
}

/// `shape` as a [`Shape`], copying ranks up to 4 element by element: `from_slice` calls
/// `memcpy` for every length, which dominated the cost of making avals on scalar code.
fn inline_shape(shape: &[usize]) -> Shape {
    let n = shape.len();
    if n > 4 {
        return Shape::from_slice(shape);
    }
    let at = |i: usize| if i < n { shape[i] } else { 0 };
    Shape::from_buf_and_len([at(0), at(1), at(2), at(3)], n)
}

/// A reference to a value held by an interpreter. [`Repr`] holds it behind an `Arc` so that
/// every variant is one pointer: a tensor is then two words, passed and returned in
/// registers. Inline, the 56-byte tensor was moved through memory right after being written
/// field by field, and the stalled store-to-load forwarding of those moves cost a quarter of
/// a scalar gradient — far more than the allocation.
#[derive(Debug, Clone)]
pub(crate) struct Tracer {
    pub level: u32,
    pub owner: u64,
    pub index: u32,
    pub aval: Aval,
}

#[derive(Debug, Clone)]
pub(crate) enum Repr {
    Value(Array),
    Tracer(Arc<Tracer>),
    /// A concrete value recorded on an imperative tape (see `crate::imperative`).
    Tracked(Arc<Node>),
}

/// What a tracked tensor points at: its value, where the tape recorded it, and its gradient.
/// Shared by the tensor's clones (an `Arc`, so a tracked tensor stays `Send + Sync`).
pub struct Node {
    /// The value it was made with; it gives the shape and dtype, which never change. A param
    /// updated in place (`w -= …` under `no_grad`) holds its later values in `cell`.
    pub(crate) value: Array,
    /// The current value and its version, once the node has been updated in place.
    pub(crate) cell: OnceLock<Box<dyn ValueCell>>,
    /// The id of the tape (one per thread, unique in the process) that recorded the node.
    pub(crate) tape: u64,
    /// Its row on that tape: moved when the tape is compacted, `u32::MAX` once dropped. Only
    /// the recording thread writes it, and reads it only after checking `tape`.
    pub(crate) row: AtomicU32,
    /// Made by `Tensor::param` / `requires_grad` rather than computed.
    pub(crate) leaf: bool,
    pub(crate) grad: Mutex<Option<Tensor>>,
}

/// The value of a node updated in place: implemented by the imperative layer (its `cell.rs`,
/// which documents the design), which this layer does not name. Unwind-safe like the rest
/// of a tensor (its state is replaced whole under a lock), so `catch_unwind` takes tensors.
pub(crate) trait ValueCell: Send + Sync + RefUnwindSafe + UnwindSafe {
    /// The current value and its version (the number of updates), read together.
    fn snapshot(&self) -> (Array, u64);
    /// The current value by reference, kept alive as long as the cell.
    fn lend(&self) -> &Array;
    /// Stores `new` as the next version if the value is still at `version`; else false.
    fn swap_if(&self, version: u64, new: Array) -> bool;
}

impl Node {
    pub(crate) fn new(value: Array, tape: u64, row: u32, leaf: bool) -> Arc<Node> {
        Arc::new(Node {
            value,
            cell: OnceLock::new(),
            tape,
            row: AtomicU32::new(row),
            leaf,
            grad: Mutex::new(None),
        })
    }
}

impl fmt::Debug for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Node")
            .field("shape", &self.value.shape())
            .field("dtype", &self.value.dtype())
            .field("leaf", &self.leaf)
            .field("version", &self.version())
            .field("tape", &self.tape)
            .field("row", &self.row.load(Relaxed))
            .finish()
    }
}

// Two words (see `Tracer`): keep it so.
const _: () = assert!(std::mem::size_of::<Tensor>() == 16);

/// An n-dimensional array that transforms can trace. Cheap to clone; immutable, except for
/// an imperative param ([`Tensor::param`]), a shared cell that `w -= …` under
/// [`no_grad`](crate::imperative::no_grad) updates for all its clones.
#[derive(Clone)]
pub struct Tensor {
    pub(crate) repr: Repr,
}

impl Tensor {
    /// Wraps a concrete array.
    pub fn from_array(a: Array) -> Self {
        Tensor {
            repr: Repr::Value(a),
        }
    }

    pub(crate) fn tracer(level: u32, owner: u64, index: u32, aval: Aval) -> Self {
        Tensor {
            repr: Repr::Tracer(Arc::new(Tracer {
                level,
                owner,
                index,
                aval,
            })),
        }
    }

    /// The shape.
    pub fn shape(&self) -> &[usize] {
        match &self.repr {
            Repr::Value(a) => a.shape(),
            Repr::Tracer(t) => &t.aval.shape,
            Repr::Tracked(n) => n.value.shape(),
        }
    }

    /// The element type.
    pub fn dtype(&self) -> DType {
        match &self.repr {
            Repr::Value(a) => a.dtype(),
            Repr::Tracer(t) => t.aval.dtype,
            Repr::Tracked(n) => n.value.dtype(),
        }
    }

    /// Shape and dtype together.
    pub fn aval(&self) -> Aval {
        match &self.repr {
            Repr::Value(a) => Aval::new(a.shape(), a.dtype()),
            Repr::Tracer(t) => t.aval.clone(),
            Repr::Tracked(n) => Aval::new(n.value.shape(), n.value.dtype()),
        }
    }

    /// Number of axes.
    pub fn ndim(&self) -> usize {
        self.shape().len()
    }

    /// Number of elements.
    pub fn size(&self) -> usize {
        self.shape().iter().product()
    }

    /// The concrete array, or `None` while the tensor is traced by a transform. A tensor on
    /// the imperative tape (a param and what is computed from it) holds its value too.
    ///
    /// A param is a shared cell that `w -= …` under `no_grad` updates (see
    /// [`crate::imperative`]): the reference is to its value when this was called, and a value
    /// lent this way after an update is kept until the param is dropped (a later update
    /// cannot free what is borrowed). Reading a param's value in a long loop, prefer
    /// [`Tensor::detach`] or the operators, which keep nothing.
    pub fn as_array(&self) -> Option<&Array> {
        match &self.repr {
            Repr::Value(a) => Some(a),
            Repr::Tracer(_) => None,
            Repr::Tracked(n) => Some(n.current_ref()),
        }
    }

    /// The value as an owned array (a reference-count bump), or `None` while it is traced.
    /// Unlike [`Tensor::as_array`], reading a param this way keeps nothing after a later
    /// update: what reads values (`item`, `to_vec`, printing, saving) goes through here.
    pub fn value(&self) -> Option<Array> {
        match &self.repr {
            Repr::Value(a) => Some(a.clone()),
            Repr::Tracer(_) => None,
            Repr::Tracked(n) => Some(n.current()),
        }
    }

    /// The array of a plain value: not traced, and not recorded on the imperative tape
    /// (whose values a later backward pass may read). Code that works on storage directly,
    /// such as the optimizers' one-pass updates, takes this path.
    pub fn plain_array(&self) -> Option<&Array> {
        match &self.repr {
            Repr::Value(a) => Some(a),
            _ => None,
        }
    }

    /// The array of a plain value (see [`Tensor::plain_array`]), or the tensor back.
    pub fn into_plain_array(self) -> std::result::Result<Array, Tensor> {
        match self.repr {
            Repr::Value(a) => Ok(a),
            repr => Err(Tensor { repr }),
        }
    }

    /// True when the tensor holds data (it is not being traced).
    pub fn is_concrete(&self) -> bool {
        !matches!(self.repr, Repr::Tracer(_))
    }

    /// Zeros with the given aval.
    pub fn zeros_aval(aval: &Aval) -> Self {
        Tensor::from_array(Array::zeros(&aval.shape, aval.dtype))
    }

    /// A tensor of `shape` filled with `value` as `dtype`.
    pub fn full_dtype(shape: &[usize], value: f64, dtype: DType) -> Self {
        Tensor::from_array(Array::full(shape, value, dtype))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tensor_is_send_and_sync() {
        fn check<T: Send + Sync + RefUnwindSafe + UnwindSafe>() {}
        check::<Tensor>();
    }
}
