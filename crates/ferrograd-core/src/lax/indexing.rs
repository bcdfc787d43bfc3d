//! Wrappers for the indexing and ordering primitives: gather, scatter, scatter_add, cumsum,
//! sort, searchsorted, and `take_along_axis` composed from gather.

use ferrograd_array::kernels::GatherDims;

use super::{bind, bind1, transpose};
use crate::prims::{Cumsum, Gather, Scatter, ScatterAdd, SearchSorted, Sort};
use crate::{Error, Result, Tensor};

/// `out[b,p,j,q] = x[b,p,idx[b,j],q]` (see [`GatherDims`]).
pub fn gather(x: &Tensor, idx: &Tensor, dims: GatherDims) -> Result<Tensor> {
    bind1(&Gather { dims }, &[x.clone(), idx.clone()])
}

/// `x` with `updates` added at `idx` (repeats accumulate).
pub fn scatter_add(x: &Tensor, idx: &Tensor, updates: &Tensor, dims: GatherDims) -> Result<Tensor> {
    bind1(
        &ScatterAdd { dims },
        &[x.clone(), idx.clone(), updates.clone()],
    )
}

/// `x` with `updates` written at `idx` (the last of repeated indices wins).
pub fn scatter(x: &Tensor, idx: &Tensor, updates: &Tensor, dims: GatherDims) -> Result<Tensor> {
    bind1(
        &Scatter { dims },
        &[x.clone(), idx.clone(), updates.clone()],
    )
}

/// Running sum along `axis` (from the end when `reverse`).
pub fn cumsum(x: &Tensor, axis: usize, reverse: bool) -> Result<Tensor> {
    bind1(&Cumsum { axis, reverse }, std::slice::from_ref(x))
}

/// Stable sort along `axis`: `(values, int64 source positions)`.
pub fn sort(x: &Tensor, axis: usize, descending: bool) -> Result<(Tensor, Tensor)> {
    let mut out = bind(&Sort { axis, descending }, std::slice::from_ref(x))?;
    let idx = out.pop().expect("sort has two outputs");
    let vals = out.pop().expect("sort has two outputs");
    Ok((vals, idx))
}

/// Insertion points of `v` into `a`, both with the same leading axes (sorted along the last).
pub fn searchsorted(a: &Tensor, v: &Tensor, right: bool) -> Result<Tensor> {
    bind1(&SearchSorted { right }, &[a.clone(), v.clone()])
}

/// `out[.., j, ..] = x[.., idx[.., j, ..], ..]` along `axis`; `idx` has `x`'s shape except
/// along `axis`. One gather with every other axis shared, between two transposes.
pub fn take_along_axis(x: &Tensor, idx: &Tensor, axis: usize) -> Result<Tensor> {
    let r = x.ndim();
    let same_rest =
        idx.ndim() == r && axis < r && (0..r).all(|a| a == axis || x.shape()[a] == idx.shape()[a]);
    if !same_rest {
        return Err(Error::invalid(
            "take_along_axis",
            format!(
                "indices of shape {:?} must match the array's shape {:?} on every axis but {axis}",
                idx.shape(),
                x.shape()
            ),
        ));
    }
    let mut perm: Vec<usize> = (0..r).filter(|&a| a != axis).collect();
    perm.push(axis);
    let mut inv = vec![0; r];
    for (i, &p) in perm.iter().enumerate() {
        inv[p] = i;
    }
    let dims = GatherDims {
        axis: r - 1,
        batch: r - 1,
    };
    let y = gather(&transpose(x, &perm)?, &transpose(idx, &perm)?, dims)?;
    transpose(&y, &inv)
}
