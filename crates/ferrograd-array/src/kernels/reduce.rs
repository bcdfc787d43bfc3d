//! Reductions over axes: sum (pairwise), max, min, argmax, argmin.
//!
//! Reduced axes are grouped into runs of adjacent axes; each run of a row-major array is an
//! `(outer, r, inner)` block reduced to `(outer, inner)`. Sums use pairwise summation, whose
//! error grows like O(log n) rather than O(n).

use ndarray::{ArrayD, IxDyn};

use crate::shape::normalize_axis;
use crate::{Array, Element, Error, Result};

/// A reduction's combining function and identity.
trait Reducer<T>: Copy + Sync {
    fn identity(self) -> Option<T>;
    fn combine(self, a: T, b: T) -> T;
    /// Reduces a contiguous run.
    fn run(self, xs: &[T]) -> T;
}

#[derive(Clone, Copy)]
struct SumOp;
#[derive(Clone, Copy)]
struct MaxOp(bool); // true: max, false: min

/// Numbers that can be summed. Integers wrap on overflow, as NumPy's sums do (and the same
/// in debug and release builds, where `+` would panic in one and wrap in the other).
pub trait Summable: Element + num_traits::Zero {
    /// `self + other`, wrapping for integers.
    fn plus(self, other: Self) -> Self;
}
impl Summable for f32 {
    fn plus(self, other: Self) -> Self {
        self + other
    }
}
impl Summable for f64 {
    fn plus(self, other: Self) -> Self {
        self + other
    }
}
impl Summable for i64 {
    fn plus(self, other: Self) -> Self {
        self.wrapping_add(other)
    }
}
impl Summable for u32 {
    fn plus(self, other: Self) -> Self {
        self.wrapping_add(other)
    }
}

/// Pairwise sum of a slice: blocks of 128 summed with 8 accumulators (vectorised), halves
/// combined recursively.
pub fn pairwise_sum<T: Summable>(xs: &[T]) -> T {
    if xs.len() <= 128 {
        let mut acc = [T::zero(); 8];
        let chunks = xs.chunks_exact(8);
        let rest = chunks.remainder();
        for c in chunks {
            for i in 0..8 {
                acc[i] = acc[i].plus(c[i]);
            }
        }
        let (a, b) = (acc[0].plus(acc[1]), acc[2].plus(acc[3]));
        let (c, d) = (acc[4].plus(acc[5]), acc[6].plus(acc[7]));
        let mut s = a.plus(b).plus(c.plus(d));
        for &x in rest {
            s = s.plus(x);
        }
        return s;
    }
    let mid = (xs.len() / 2) / 8 * 8;
    pairwise_sum(&xs[..mid]).plus(pairwise_sum(&xs[mid..]))
}

impl<T: Summable> Reducer<T> for SumOp {
    fn identity(self) -> Option<T> {
        Some(T::zero())
    }
    fn combine(self, a: T, b: T) -> T {
        a.plus(b)
    }
    fn run(self, xs: &[T]) -> T {
        pairwise_sum(xs)
    }
}

impl<T: Element> Reducer<T> for MaxOp {
    fn identity(self) -> Option<T> {
        None
    }
    fn combine(self, a: T, b: T) -> T {
        // NaN propagates, as in NumPy: `a != a` only for NaN.
        #[allow(clippy::eq_op)]
        let a_nan = a != a;
        let keep_a = if self.0 { a >= b } else { a <= b };
        if keep_a || a_nan {
            a
        } else {
            b
        }
    }
    fn run(self, xs: &[T]) -> T {
        xs.iter()
            .copied()
            .reduce(|a, b| self.combine(a, b))
            .expect("non-empty run")
    }
}

/// Reduces `(outer, r, inner)` row-major data to `(outer, inner)`.
fn reduce_block<T: Element, R: Reducer<T>>(
    xs: &[T],
    outer: usize,
    r: usize,
    inner: usize,
    red: R,
) -> Vec<T> {
    let mut out = crate::buffer::with_capacity(outer * inner);
    if inner == 0 {
        // No output elements (a reduction of an `(r, 0)` array): nothing to reduce.
        return out;
    }
    // One scratch row per level of the pairwise recursion, allocated once for all blocks.
    let mut scratch = Vec::new();
    if let (true, Some(&fill)) = (inner > 1, xs.first()) {
        let levels = (usize::BITS - (r / 16).leading_zeros()) as usize + 1;
        scratch = vec![fill; levels * inner];
        out.resize(outer * inner, fill);
    }
    for o in 0..outer {
        let block = &xs[o * r * inner..(o + 1) * r * inner];
        if inner == 1 {
            out.push(red.run(block));
        } else if r > 0 {
            reduce_rows(
                block,
                r,
                inner,
                red,
                &mut out[o * inner..(o + 1) * inner],
                &mut scratch,
            );
        }
    }
    out
}

/// Sums `r ≥ 1` rows of length `inner` pairwise into `out`, accumulating whole rows
/// (vectorised adds); `scratch` holds a row for each level of the recursion below this one.
fn reduce_rows<T: Element, R: Reducer<T>>(
    block: &[T],
    r: usize,
    inner: usize,
    red: R,
    out: &mut [T],
    scratch: &mut [T],
) {
    if r <= 16 {
        out.copy_from_slice(&block[..inner]);
        for row in block[inner..r * inner].chunks_exact(inner) {
            for (a, &x) in out.iter_mut().zip(row) {
                *a = red.combine(*a, x);
            }
        }
        return;
    }
    let half = r / 2;
    reduce_rows(&block[..half * inner], half, inner, red, out, scratch);
    let (hi, deeper) = scratch.split_at_mut(inner);
    reduce_rows(&block[half * inner..], r - half, inner, red, hi, deeper);
    for (a, &b) in out.iter_mut().zip(hi.iter()) {
        *a = red.combine(*a, b);
    }
}

/// Reduces sorted, unique `axes` of `x` with `red`; the axes disappear from the shape.
fn reduce<T: Element, R: Reducer<T>>(
    op: &'static str,
    x: &Array,
    axes: &[usize],
    red: R,
) -> Result<Array> {
    let shape = x.shape().to_vec();
    for &a in axes {
        normalize_axis(op, a as i64, shape.len())?;
    }
    // Borrow a row-major input as is; only a strided view is copied first.
    let view = x.view::<T>(op)?;
    let mut cur = super::layout::standard_cow(view);
    let mut cur_shape = shape.clone();
    // Reduce runs of adjacent axes from the last run to the first, so earlier indices hold.
    let mut i = axes.len();
    while i > 0 {
        let end = axes[i - 1];
        let mut start = end;
        i -= 1;
        while i > 0 && axes[i - 1] + 1 == start {
            start -= 1;
            i -= 1;
        }
        let outer: usize = cur_shape[..start].iter().product();
        let r: usize = cur_shape[start..=end].iter().product();
        let inner: usize = cur_shape[end + 1..].iter().product();
        let mut new_shape = cur_shape[..start].to_vec();
        new_shape.extend_from_slice(&cur_shape[end + 1..]);
        let data = if r == 0 {
            let id = red.identity().ok_or_else(|| {
                Error::invalid(op, format!("zero-size array {shape:?} has no identity for this reduction over axes {axes:?}"))
            })?;
            vec![id; outer * inner]
        } else {
            let xs = cur.as_slice().expect("standard layout");
            reduce_block(xs, outer, r, inner, red)
        };
        cur = ArrayD::from_shape_vec(IxDyn(&new_shape), data)
            .expect("reduced size")
            .into();
        cur_shape = new_shape;
    }
    Ok(Array::from_ndarray(cur.into_owned()))
}

/// Sum over `axes` (sorted, unique); floats use pairwise summation.
pub fn reduce_sum(x: &Array, axes: &[usize]) -> Result<Array> {
    const OP: &str = "reduce_sum";
    dispatch!(numeric OP, x.dtype(), T => reduce::<T, _>(OP, x, axes, SumOp))
}

/// Maximum (`max = true`) or minimum over `axes`; NaN propagates; empty reductions are errors.
pub fn reduce_extremum(x: &Array, axes: &[usize], max: bool) -> Result<Array> {
    let op = if max { "reduce_max" } else { "reduce_min" };
    let red = MaxOp(max);
    dispatch!(x.dtype(), T => reduce::<T, _>(op, x, axes, red))
}

/// Index (int64) of the first maximum (`max = true`) or minimum along `axis`.
pub fn arg_extremum(x: &Array, axis: usize, max: bool) -> Result<Array> {
    fn go<T: Element>(op: &'static str, x: &Array, axis: usize, max: bool) -> Result<Array> {
        let v = x.view::<T>(op)?;
        let n = v.shape()[axis];
        if n == 0 {
            return Err(Error::invalid(
                op,
                format!(
                    "attempt to get {op} of an empty axis {axis} of shape {:?}",
                    v.shape()
                ),
            ));
        }
        let red = MaxOp(max);
        let out = v.map_axis(ndarray::Axis(axis), |lane| {
            let mut best = 0usize;
            for (i, &x) in lane.iter().enumerate() {
                let b = lane[best];
                #[allow(clippy::eq_op)]
                let b_nan = b != b;
                if !b_nan && red.combine(x, b) != b {
                    best = i;
                }
            }
            best as i64
        });
        Ok(Array::from_ndarray(out))
    }
    let op = if max { "argmax" } else { "argmin" };
    normalize_axis(op, axis as i64, x.ndim())?;
    dispatch!(x.dtype(), T => go::<T>(op, x, axis, max))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arr(shape: &[usize], v: Vec<f64>) -> Array {
        Array::from_vec(shape, v).unwrap()
    }

    #[test]
    fn sums_over_axes() {
        let x = arr(&[2, 3, 2], (0..12).map(f64::from).collect());
        assert_eq!(
            reduce_sum(&x, &[1]).unwrap().to_f64_vec(),
            vec![6., 9., 24., 27.]
        );
        assert_eq!(
            reduce_sum(&x, &[0, 2]).unwrap().to_f64_vec(),
            vec![14., 22., 30.]
        );
        assert_eq!(reduce_sum(&x, &[0, 1, 2]).unwrap().to_f64_vec(), vec![66.]);
        assert_eq!(
            reduce_sum(&arr(&[0, 3], vec![]), &[0])
                .unwrap()
                .to_f64_vec(),
            vec![0.; 3]
        );
    }

    #[test]
    fn pairwise_sum_is_accurate() {
        let xs = vec![0.1f32; 1_000_000];
        let s = pairwise_sum(&xs);
        assert!((s - 100_000.0).abs() < 0.05, "{s}");
        let ys: Vec<f64> = (0..1000).map(f64::from).collect();
        let big = arr(&[1000, 1], ys);
        assert_eq!(
            reduce_sum(&big, &[0]).unwrap().to_f64_vec(),
            vec![499_500.0]
        );
    }

    #[test]
    fn max_min_argmax() {
        let x = arr(&[2, 3], vec![1., 5., 3., 7., -2., 7.]);
        assert_eq!(
            reduce_extremum(&x, &[1], true).unwrap().to_f64_vec(),
            vec![5., 7.]
        );
        assert_eq!(
            reduce_extremum(&x, &[0], false).unwrap().to_f64_vec(),
            vec![1., -2., 3.]
        );
        assert_eq!(
            arg_extremum(&x, 1, true).unwrap().to_f64_vec(),
            vec![1., 0.]
        );
        assert_eq!(
            arg_extremum(&x, 0, false).unwrap().to_f64_vec(),
            vec![0., 1., 0.]
        );
        assert!(reduce_extremum(&arr(&[0], vec![]), &[0], true).is_err());
        let n = arr(&[3], vec![1., f64::NAN, 2.]);
        assert!(reduce_extremum(&n, &[0], true).unwrap().to_f64_vec()[0].is_nan());
        assert_eq!(arg_extremum(&n, 0, true).unwrap().to_f64_vec(), vec![1.]);
    }
}
