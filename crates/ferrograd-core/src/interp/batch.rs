//! Batching (`vmap`): each tracer stands for a whole batch of values — one tensor with an extra
//! axis, the batch axis, at a recorded position. Unbatched values are never wrapped: they are
//! plain constants to this interpreter. A primitive with at least one batched argument runs
//! its `batch` rule on the unwrapped values (so the interpreters below see the rule's work);
//! a rule that returns `Unsupported` falls back to a loop over the batch, which is counted.
//!
//! Also [`vmap_flat`], the flat transform: map given axes of the inputs, put the batch axis of
//! each output where asked.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use smallvec::SmallVec;

use super::{bind, push, Interpreter, Slot};
use crate::{lax, Aval, BatchDim, Error, Primitive, Result, Tensor};

/// The batch interpreter: an arena of (batched value, batch axis) pairs.
pub struct BatchTrace {
    slot: Slot,
    size: usize,
    arena: RefCell<Vec<(Tensor, usize)>>,
}

thread_local! {
    /// Number of batch interpreters on this thread's stack (for error messages).
    static ACTIVE: Cell<usize> = const { Cell::new(0) };
    /// Primitive name -> number of times its batch fell back to a loop.
    static FALLBACKS: RefCell<BTreeMap<&'static str, usize>> = const { RefCell::new(BTreeMap::new()) };
}

/// Decrements the active count when a vmap returns (also on panic).
struct ActiveGuard;

impl ActiveGuard {
    fn enter() -> Self {
        ACTIVE.with(|a| a.set(a.get() + 1));
        ActiveGuard
    }
}

impl Drop for ActiveGuard {
    fn drop(&mut self) {
        ACTIVE.with(|a| a.set(a.get().saturating_sub(1)));
    }
}

/// True while a `vmap` is running on this thread.
pub fn active() -> bool {
    ACTIVE.with(|a| a.get() > 0)
}

/// How often each primitive's batch fell back to the loop-and-stack rule on this thread.
pub fn fallback_counts() -> Vec<(&'static str, usize)> {
    FALLBACKS.with(|f| f.borrow().iter().map(|(k, v)| (*k, *v)).collect())
}

impl BatchTrace {
    /// A batch interpreter for `slot` whose batch has `size` members.
    pub fn new(slot: Slot, size: usize) -> Self {
        BatchTrace {
            slot,
            size,
            arena: RefCell::new(Vec::new()),
        }
    }

    /// A tracer for `x` batched along `bdim`; an unbatched value is returned as it is.
    pub fn lift(&self, x: Tensor, bdim: BatchDim) -> Tensor {
        let Some(d) = bdim else { return x };
        let mut aval = x.aval();
        aval.shape.remove(d);
        let mut arena = self.arena.borrow_mut();
        arena.push((x, d));
        self.slot.tracer(arena.len() - 1, aval)
    }

    /// (value, batch axis) of `x`: its own tracers are unpacked, anything else is unbatched.
    pub fn unpack(&self, x: &Tensor) -> (Tensor, BatchDim) {
        match self.slot.index_of(x) {
            Some(i) => {
                let (v, d) = self.arena.borrow()[i].clone();
                (v, Some(d))
            }
            None => (x.clone(), None),
        }
    }
}

impl Interpreter for BatchTrace {
    fn name(&self) -> &'static str {
        "vmap"
    }

    fn process(&self, prim: &dyn Primitive, args: &[Tensor]) -> Result<crate::Outs<Tensor>> {
        let (vals, dims): (SmallVec<[Tensor; 4]>, SmallVec<[BatchDim; 4]>) =
            args.iter().map(|a| self.unpack(a)).unzip();
        if dims.iter().all(Option::is_none) {
            return bind(prim, &vals);
        }
        let (outs, out_dims) = match prim.batch(&vals, &dims) {
            Err(Error::Unsupported { rule: "batch", .. }) => {
                batch_by_loop(prim, &vals, &dims, self.size)?
            }
            r => r?,
        };
        outs.into_iter()
            .zip(out_dims)
            .map(|(y, d)| {
                if let Some(d) = d {
                    if y.shape().get(d) != Some(&self.size) {
                        return Err(Error::invalid(
                            prim.name(),
                            format!(
                                "the batch rule returned shape {:?} with batch axis {d}, but the batch has {} members (a bug in this primitive's batch rule)",
                                y.shape(),
                                self.size
                            ),
                        ));
                    }
                }
                Ok(self.lift(y, d))
            })
            .collect()
    }
}

/// Member `k` of `x` along axis `d`, with that axis removed.
fn member(x: &Tensor, d: usize, k: usize) -> Result<Tensor> {
    let n = x.ndim();
    let mut start = vec![0; n];
    let mut limit = x.shape().to_vec();
    start[d] = k;
    limit[d] = k + 1;
    let s = lax::slice(x, &start, &limit, &vec![1; n])?;
    let mut shape = x.shape().to_vec();
    shape.remove(d);
    lax::reshape(&s, &shape)
}

/// The generic batch rule for primitives without one: apply `prim` to each member of the
/// batch and stack the results along a new leading axis. Correct for any primitive, but it
/// costs `size` calls; each use is counted (see [`fallback_counts`]).
pub fn batch_by_loop(
    prim: &dyn Primitive,
    x: &[Tensor],
    dims: &[BatchDim],
    size: usize,
) -> Result<(crate::Outs<Tensor>, crate::Outs<BatchDim>)> {
    FALLBACKS.with(|f| *f.borrow_mut().entry(prim.name()).or_insert(0) += 1);
    if size == 0 {
        // No member to run: the shape rule gives the per-member outputs.
        let avals: Vec<Aval> = x
            .iter()
            .zip(dims)
            .map(|(x, d)| {
                let mut a = x.aval();
                if let Some(d) = d {
                    a.shape.remove(*d);
                }
                a
            })
            .collect();
        let outs = prim.shape_rule(&avals)?;
        let zeros = outs
            .iter()
            .map(|a| {
                let mut shape = vec![0];
                shape.extend_from_slice(&a.shape);
                Tensor::zeros_aval(&Aval::new(&shape, a.dtype))
            })
            .collect::<crate::Outs<_>>();
        let n = zeros.len();
        return Ok((zeros, smallvec::smallvec![Some(0); n]));
    }
    let mut per_member: Vec<crate::Outs<Tensor>> = Vec::with_capacity(size);
    for k in 0..size {
        let args = x
            .iter()
            .zip(dims)
            .map(|(x, d)| d.map_or(Ok(x.clone()), |d| member(x, d, k)))
            .collect::<Result<Vec<_>>>()?;
        per_member.push(bind(prim, &args)?);
    }
    let n_out = per_member[0].len();
    let outs = (0..n_out)
        .map(|j| {
            let parts = per_member
                .iter()
                .map(|ys| {
                    let mut shape = vec![1];
                    shape.extend_from_slice(ys[j].shape());
                    lax::reshape(&ys[j], &shape)
                })
                .collect::<Result<Vec<_>>>()?;
            lax::concatenate(&parts, 0)
        })
        .collect::<Result<crate::Outs<_>>>()?;
    Ok((outs, smallvec::smallvec![Some(0); n_out]))
}

/// Normalises a possibly negative axis of a rank-`rank` value, or explains the range.
fn axis_in(what: &str, axis: i64, rank: usize, shape: &[usize]) -> Result<usize> {
    let r = rank as i64;
    if axis < -r || axis >= r {
        let range = if rank == 0 {
            "a 0-d value has no axis to map; reshape it or leave it unmapped (None)".to_string()
        } else {
            format!("it must be in {}..{}", -r, r)
        };
        return Err(Error::invalid(
            "vmap",
            format!("{what} = {axis} is out of range for shape {shape:?} (rank {rank}): {range}"),
        ));
    }
    Ok(if axis < 0 {
        (axis + r) as usize
    } else {
        axis as usize
    })
}

/// The batch size from the mapped inputs, checking that they agree.
fn batch_size(x: &[Tensor], axes: &[Option<usize>]) -> Result<usize> {
    let mut found: Option<(usize, usize, usize)> = None;
    for (i, (xi, a)) in x.iter().zip(axes).enumerate() {
        let Some(a) = *a else { continue };
        let n = xi.shape()[a];
        match found {
            None => found = Some((i, a, n)),
            Some((j, b, m)) if m != n => {
                return Err(Error::invalid(
                    "vmap",
                    format!(
                        "mapped inputs have different batch sizes: input {j} has size {m} along axis {b} (shape {:?}), input {i} has size {n} along axis {a} (shape {:?}); every mapped input must have the same size along its mapped axis",
                        x[j].shape(),
                        xi.shape()
                    ),
                ))
            }
            Some(_) => {}
        }
    }
    found.map(|(_, _, n)| n).ok_or_else(|| {
        Error::invalid(
            "vmap",
            "no input is mapped (every in_axes entry is None), so the batch size is unknown; map at least one input (Some(axis))",
        )
    })
}

/// Output `y` (batched along `d`, or not) with its batch axis at `out_axis`.
fn place_output(
    i: usize,
    y: Tensor,
    d: BatchDim,
    out_axis: Option<i64>,
    size: usize,
) -> Result<Tensor> {
    let rank = y.ndim() + usize::from(d.is_none());
    let Some(out_axis) = out_axis else {
        return match d {
            None => Ok(y),
            Some(_) => Err(Error::invalid(
                "vmap",
                format!(
                    "output {i} is batched (it depends on a mapped input), but its out_axes entry is None; give it an axis such as Some(0), or make it independent of the mapped inputs"
                ),
            )),
        };
    };
    let shape_wo: Vec<usize> = match d {
        Some(d) => y
            .shape()
            .iter()
            .enumerate()
            .filter(|(a, _)| *a != d)
            .map(|(_, &s)| s)
            .collect(),
        None => y.shape().to_vec(),
    };
    let a = axis_in(&format!("out_axes[{i}]"), out_axis, rank, &shape_wo)?;
    match d {
        Some(d) if d == a => Ok(y),
        Some(d) => {
            let mut perm: Vec<usize> = (0..rank).filter(|&x| x != d).collect();
            perm.insert(a, d);
            lax::transpose(&y, &perm)
        }
        None => {
            // An output that does not depend on the mapped inputs is the same for every
            // member: a zero-copy broadcast.
            let mut shape = shape_wo.clone();
            shape.insert(a, size);
            let dims: Vec<usize> = (0..rank).filter(|&x| x != a).collect();
            lax::broadcast_in_dim(&y, &shape, &dims)
        }
    }
}

/// Vectorising map on flat lists: runs `f` once on batch tracers standing for the slices of
/// each input along its `in_axes` entry (`None`: the input is the same for every member),
/// and returns the outputs with their batch axes at `out_axes` (one entry per output, or a
/// single entry for all of them; negative axes count from the end).
pub fn vmap_flat(
    f: impl FnOnce(&[Tensor]) -> Result<Vec<Tensor>>,
    x: &[Tensor],
    in_axes: &[Option<i64>],
    out_axes: &[Option<i64>],
) -> Result<Vec<Tensor>> {
    if in_axes.len() != x.len() {
        return Err(Error::CountMismatch {
            op: "vmap",
            got: in_axes.len(),
            what: "in_axes entries",
            expected: x.len(),
            of: "input leaves",
            fix: "give one entry per leaf (None for one that is not mapped)",
        });
    }
    let axes = x
        .iter()
        .zip(in_axes)
        .enumerate()
        .map(|(i, (xi, a))| {
            a.map(|a| axis_in(&format!("in_axes[{i}]"), a, xi.ndim(), xi.shape()))
                .transpose()
        })
        .collect::<Result<Vec<_>>>()?;
    let size = batch_size(x, &axes)?;
    let _active = ActiveGuard::enter();
    let (trace, _guard) = push(|slot| BatchTrace::new(slot, size));
    let inputs: Vec<Tensor> = x
        .iter()
        .zip(&axes)
        .map(|(xi, a)| trace.lift(xi.clone(), *a))
        .collect();
    let outs = f(&inputs)?;
    if out_axes.len() != outs.len() && out_axes.len() != 1 {
        return Err(Error::CountMismatch {
            op: "vmap",
            got: out_axes.len(),
            what: "out_axes entries",
            expected: outs.len(),
            of: "output leaves returned by the function",
            fix: "give one entry per output leaf, or a single entry for all",
        });
    }
    outs.iter()
        .enumerate()
        .map(|(i, y)| {
            let (v, d) = trace.unpack(y);
            let a = out_axes[if out_axes.len() == 1 { 0 } else { i }];
            place_output(i, v, d, a, size)
        })
        .collect()
}
