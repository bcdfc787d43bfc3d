//! A param's value as a shared, mutable cell: what `w -= …` under `no_grad` (and an
//! optimizer's step) writes, and what every clone of the param reads.
//!
//! A node is made with its value (`Node::value`), which never changes: it gives the shape and
//! dtype (which an update keeps) and is the value of every node that is never updated. The
//! first update gives the node a [`ParamCell`]: the current value and its *version* (how many
//! updates it has had) under one lock, so that a reader takes a whole value, the old or the
//! new, never a mix, and an update is a compare-and-swap on the version (concurrent updates
//! all count).
//!
//! `Tensor::as_array` lends a `&Array` for as long as the tensor is borrowed, and another
//! clone may update the param meanwhile; so a value lent by reference is kept, in an
//! append-only list, until the node is dropped. The tape and the operators read values by
//! cloning them (an `Arc` count), which keeps nothing, so only explicit reads by reference
//! (`as_array`, `try_array` and what goes through them) retain an old value, once per
//! version read.

use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};

use ferrograd_array::Array;

use crate::tensor::{Node, ValueCell};
use crate::{lax, Error, Result, Tensor};

/// Segment `k` of the list of lent values holds `2^k` of them: 48 segments hold more values
/// than a process can make.
const SEGMENTS: usize = 48;

/// The mutable state of a param that has been updated in place (see the module docs).
pub(crate) struct ParamCell {
    state: Mutex<State>,
    /// Values lent by reference, kept while the node lives (set once each, never moved).
    lent: [OnceLock<Box<[OnceLock<Array>]>>; SEGMENTS],
}

struct State {
    value: Array,
    version: u64,
    /// Where in `lent` the current value was lent, if it was.
    lent_at: Option<usize>,
    n_lent: usize,
}

impl ParamCell {
    fn new(value: Array) -> Self {
        ParamCell {
            state: Mutex::new(State {
                value,
                version: 0,
                lent_at: None,
                n_lent: 0,
            }),
            lent: [const { OnceLock::new() }; SEGMENTS],
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Nothing panics while the lock is held; a poisoned state is still whole.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Slot `i` of the lent list: segment `k = ⌊log₂(i + 1)⌋`, offset `i + 1 − 2^k`.
    fn slot(&self, i: usize) -> &OnceLock<Array> {
        let k = (usize::BITS - 1 - (i + 1).leading_zeros()) as usize;
        let seg = self.lent[k].get_or_init(|| (0..1usize << k).map(|_| OnceLock::new()).collect());
        &seg[i + 1 - (1 << k)]
    }
}

impl ValueCell for ParamCell {
    fn snapshot(&self) -> (Array, u64) {
        let s = self.lock();
        (s.value.clone(), s.version)
    }

    fn lend(&self) -> &Array {
        let mut s = self.lock();
        let i = match s.lent_at {
            Some(i) => i,
            None => {
                let i = s.n_lent;
                // Under the lock, so `i` is this value's alone and the slot is empty.
                let _ = self.slot(i).set(s.value.clone());
                s.n_lent += 1;
                s.lent_at = Some(i);
                i
            }
        };
        drop(s);
        self.slot(i)
            .get()
            .expect("set before the index was published")
    }

    fn swap_if(&self, version: u64, new: Array) -> bool {
        let mut s = self.lock();
        if s.version != version {
            return false;
        }
        s.value = new;
        s.version += 1;
        s.lent_at = None;
        true
    }
}

impl Node {
    /// The current value and its version (0 before any in-place update), read together.
    pub(crate) fn snapshot(&self) -> (Array, u64) {
        match self.cell.get() {
            None => (self.value.clone(), 0),
            Some(c) => c.snapshot(),
        }
    }

    /// The current value (a clone: an `Arc` count, nothing is retained).
    pub(crate) fn current(&self) -> Array {
        self.snapshot().0
    }

    /// How many in-place updates the value has had.
    pub(crate) fn version(&self) -> u64 {
        self.cell.get().map_or(0, |c| c.snapshot().1)
    }

    /// The current value by reference, valid while the node lives: a value lent after an
    /// update is kept in the cell's list (see the module docs).
    pub(crate) fn current_ref(&self) -> &Array {
        match self.cell.get() {
            None => &self.value,
            Some(c) => c.lend(),
        }
    }

    /// Replaces the value by `f(current)`, which must keep the shape (the dtype is converted
    /// back if `f` promoted it). `f` runs without the lock, on a plain copy of the value; if
    /// another update lands meanwhile, it runs again on the newer value, so concurrent
    /// updates all count.
    pub(crate) fn update(
        &self,
        op: &'static str,
        f: impl Fn(&Tensor) -> Result<Tensor>,
    ) -> Result<()> {
        let cell = self
            .cell
            .get_or_init(|| Box::new(ParamCell::new(self.value.clone())));
        loop {
            let (old, version) = cell.snapshot();
            let new = self.checked_value(op, f(&Tensor::from_array(old))?)?;
            if cell.swap_if(version, new) {
                return Ok(());
            }
        }
    }

    /// `y` as a new value of this node: concrete, same shape, same dtype (converted).
    fn checked_value(&self, op: &'static str, y: Tensor) -> Result<Array> {
        let (shape, dtype) = (self.value.shape(), self.value.dtype());
        if y.shape() != shape {
            return Err(Error::invalid(
                op,
                format!("the result has shape {:?} but the param has shape {shape:?}: an in-place update keeps the param's shape, so the right side must broadcast to it", y.shape()),
            ));
        }
        let y = if y.dtype() == dtype {
            y
        } else {
            lax::convert(&y, dtype)?
        };
        y.into_plain_array().map_err(|_| {
            Error::invalid(
                op,
                "the new value of the param is traced by a transform (grad, jvp, vmap, jit): a param holds concrete values; update it outside the transform, with the transform's result",
            )
        })
    }
}
