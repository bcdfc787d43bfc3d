//! Gather and scatter along one axis, with leading batch axes shared by operand and indices.
//!
//! Layout ([`GatherDims`]): the operand has shape `S`, the int64 indices shape `I` with
//! `I[..batch] == S[..batch]` and `batch <= axis < rank(S)`. Viewing the operand as
//! `(B, P, N, Q)` (`B = ∏S[..batch]`, `P = ∏S[batch..axis]`, `N = S[axis]`, `Q = ∏S[axis+1..]`)
//! and the indices as `(B, J)`, the gathered array is `(B, P, J, Q)`:
//! `out[b,p,j,q] = x[b,p,idx[b,j],q]`, of logical shape `S[..axis] ++ I[batch..] ++ S[axis+1..]`.
//! Scatters write (or add) an array of that shape back into a copy of the operand.
//! Indices in `-N..N` are accepted (negative ones count from the end, as in NumPy).

use super::reduce::Summable;
use crate::shape::size;
use crate::{Array, DType, Element, Error, Result};

/// Which axis is indexed and how many leading axes operand and indices share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GatherDims {
    pub axis: usize,
    pub batch: usize,
}

impl GatherDims {
    /// Checks the layout and returns the gathered shape.
    pub fn out_shape(&self, op: &'static str, x: &[usize], idx: &[usize]) -> Result<Vec<usize>> {
        let ok = self.batch <= self.axis
            && self.axis < x.len()
            && idx.len() >= self.batch
            && idx[..self.batch] == x[..self.batch];
        if !ok {
            return Err(Error::invalid(
                op,
                format!(
                    "indices of shape {idx:?} cannot index axis {} of shape {x:?} with {} shared leading axes",
                    self.axis, self.batch
                ),
            ));
        }
        let mut out = x[..self.axis].to_vec();
        out.extend_from_slice(&idx[self.batch..]);
        out.extend_from_slice(&x[self.axis + 1..]);
        Ok(out)
    }

    /// `(B, P, N, Q, J)` for operand shape `x` and index shape `idx`.
    fn blocks(&self, x: &[usize], idx: &[usize]) -> [usize; 5] {
        [
            size(&x[..self.batch]),
            size(&x[self.batch..self.axis]),
            x[self.axis],
            size(&x[self.axis + 1..]),
            size(&idx[self.batch..]),
        ]
    }
}

/// Row-major values of `x` as `T`.
fn values<T: Element>(op: &'static str, x: &Array) -> Result<Vec<T>> {
    let v = x.view::<T>(op)?;
    Ok(match v.as_slice() {
        Some(s) => s.to_vec(),
        None => v.iter().copied().collect(),
    })
}

/// The indices as in-range `usize`s along an axis of length `n`, or an error that names the
/// op, the bad index, the axis and shape, and the fix.
fn checked_indices(
    op: &'static str,
    idx: &Array,
    n: usize,
    axis: usize,
    shape: &[usize],
) -> Result<Vec<usize>> {
    if idx.dtype() != DType::I64 {
        return Err(Error::DTypeMismatch {
            op,
            expected: "int64 indices".into(),
            got: idx.dtype(),
        });
    }
    let raw = values::<i64>(op, idx)?;
    let len = n as i64;
    raw.iter()
        .map(|&i| {
            if i < -len || i >= len {
                Err(Error::invalid(
                    op,
                    format!(
                        "index {i} is out of bounds for axis {axis} with size {n} (array shape {shape:?}); valid indices are {}..{n} (negative ones count from the end) — clip the indices or check how they were computed",
                        -len
                    ),
                ))
            } else {
                Ok((if i < 0 { i + len } else { i }) as usize)
            }
        })
        .collect()
}

/// `out[b,p,j,q] = x[b,p,idx[b,j],q]` (see the module docs for the layout).
pub fn gather(x: &Array, idx: &Array, dims: GatherDims) -> Result<Array> {
    let op = "gather";
    let out_shape = dims.out_shape(op, x.shape(), idx.shape())?;
    let [b_n, p_n, n, q_n, j_n] = dims.blocks(x.shape(), idx.shape());
    let ids = checked_indices(op, idx, n, dims.axis, x.shape())?;
    dispatch!(x.dtype(), T => {
        let xs = values::<T>(op, x)?;
        let mut out = Vec::with_capacity(size(&out_shape));
        for b in 0..b_n {
            for p in 0..p_n {
                let base = (b * p_n + p) * n * q_n;
                for &i in &ids[b * j_n..(b + 1) * j_n] {
                    out.extend_from_slice(&xs[base + i * q_n..base + (i + 1) * q_n]);
                }
            }
        }
        Array::from_vec(&out_shape, out)
    })
}

/// How a scatter combines an update with the value already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScatterMode {
    /// Overwrite; with repeated indices the last update (in row-major order) wins.
    Set,
    /// Accumulate; repeated indices add up.
    Add,
}

/// A copy of `x` with `updates` (shaped like [`gather`]'s output) written at `idx`.
pub fn scatter(
    x: &Array,
    idx: &Array,
    updates: &Array,
    dims: GatherDims,
    mode: ScatterMode,
) -> Result<Array> {
    let op = match mode {
        ScatterMode::Set => "scatter",
        ScatterMode::Add => "scatter_add",
    };
    let want = dims.out_shape(op, x.shape(), idx.shape())?;
    if updates.shape() != want.as_slice() || updates.dtype() != x.dtype() {
        return Err(Error::invalid(
            op,
            format!(
                "updates are {:?} {} but indices {:?} into {:?} {} need {want:?} {}",
                updates.shape(),
                updates.dtype(),
                idx.shape(),
                x.shape(),
                x.dtype(),
                x.dtype()
            ),
        ));
    }
    let blocks = dims.blocks(x.shape(), idx.shape());
    let ids = checked_indices(op, idx, blocks[2], dims.axis, x.shape())?;
    fn go<T: Summable>(
        op: &'static str,
        x: &Array,
        u: &Array,
        ids: &[usize],
        blocks: [usize; 5],
        mode: ScatterMode,
    ) -> Result<Array> {
        let [b_n, p_n, n, q_n, j_n] = blocks;
        let mut out = values::<T>(op, x)?;
        let us = values::<T>(op, u)?;
        let mut k = 0;
        for b in 0..b_n {
            for p in 0..p_n {
                let base = (b * p_n + p) * n * q_n;
                for &i in &ids[b * j_n..(b + 1) * j_n] {
                    let dst = &mut out[base + i * q_n..base + (i + 1) * q_n];
                    let src = &us[k..k + q_n];
                    match mode {
                        ScatterMode::Set => dst.copy_from_slice(src),
                        ScatterMode::Add => {
                            dst.iter_mut().zip(src).for_each(|(d, &s)| *d = d.plus(s))
                        }
                    }
                    k += q_n;
                }
            }
        }
        Array::from_vec(x.shape(), out)
    }
    if x.dtype() == DType::Bool && mode == ScatterMode::Set {
        // Bool has no addition, so `go` is not defined for it; a set goes through int64.
        let xi = super::convert(x, DType::I64)?;
        let ui = super::convert(updates, DType::I64)?;
        return super::convert(&go::<i64>(op, &xi, &ui, &ids, blocks, mode)?, DType::Bool);
    }
    dispatch!(numeric op, x.dtype(), T => go::<T>(op, x, updates, &ids, blocks, mode))
}
