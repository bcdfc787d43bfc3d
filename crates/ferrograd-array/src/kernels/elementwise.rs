//! Elementwise kernels: map, zip, select and dtype conversion.
//!
//! The fast path works on row-major slices (the compiler vectorises the loop) and splits
//! across threads for large arrays; anything else (transposed or broadcast views) goes through
//! `ndarray::Zip`.

use ndarray::{ArrayD, ArrayViewD, IxDyn, Zip};
use rayon::prelude::*;

use super::ints::{binary_ints, unary_ints, BinaryInts, UnaryInts};
use super::layout;
use super::vmath::{self, Func};
use super::PAR_THRESHOLD;
use crate::{buffer, Array, DType, Element, Error, Result};

/// `f` over `xs` into a buffer from the cache ([`crate::buffer`]), split across threads
/// above [`PAR_THRESHOLD`] elements.
pub(crate) fn collect_map<T: Sync, U: Element>(
    xs: &[T],
    f: impl Fn(&T) -> U + Sync + Send,
) -> Vec<U> {
    if !buffer::is_cached_size::<U>(xs.len()) {
        return xs.iter().map(f).collect();
    }
    let mut out = buffer::with_capacity(xs.len());
    if xs.len() >= PAR_THRESHOLD {
        xs.par_iter().map(f).collect_into_vec(&mut out);
    } else {
        fill_spare(&mut out, xs.iter().map(f));
    }
    out
}

/// Writes the `n` items of `items` into `out`'s spare capacity (room for `n`), then sets
/// its length: a plain indexed store loop, which vectorises where `extend` may not.
fn fill_spare<U>(out: &mut Vec<U>, items: impl ExactSizeIterator<Item = U>) {
    let n = items.len();
    let spare = &mut out.spare_capacity_mut()[..n];
    let mut written = 0;
    for (o, v) in spare.iter_mut().zip(items) {
        o.write(v);
        written += 1;
    }
    // SAFETY: the loop wrote the first `written` slots.
    unsafe { out.set_len(written) };
}

/// `f` over two equal-length slices into a buffer from the cache, as [`collect_map`].
fn collect_zip<T: Sync, U: Element>(
    xs: &[T],
    ys: &[T],
    f: impl Fn(&T, &T) -> U + Sync + Send,
) -> Vec<U> {
    if !buffer::is_cached_size::<U>(xs.len()) {
        return xs.iter().zip(ys).map(|(x, y)| f(x, y)).collect();
    }
    let mut out = buffer::with_capacity(xs.len());
    if xs.len() >= PAR_THRESHOLD {
        xs.par_iter()
            .zip(ys)
            .map(|(x, y)| f(x, y))
            .collect_into_vec(&mut out);
    } else {
        fill_spare(&mut out, xs.iter().zip(ys).map(|(x, y)| f(x, y)));
    }
    out
}

/// `f(x)` for every element of a row-major or strided view.
pub fn map<T: Element, U: Element>(x: ArrayViewD<'_, T>, f: impl Fn(T) -> U + Sync) -> ArrayD<U> {
    if let Some(xs) = x.as_slice() {
        let out = collect_map(xs, |&v| f(v));
        return ArrayD::from_shape_vec(x.raw_dim(), out).expect("same size");
    }
    x.map(|&v| f(v))
}

/// `f(a, b)` elementwise for two views of the same shape.
pub fn zip_map<T: Element, U: Element>(
    op: &'static str,
    a: ArrayViewD<'_, T>,
    b: ArrayViewD<'_, T>,
    f: impl Fn(T, T) -> U + Sync + Send,
) -> Result<ArrayD<U>> {
    same_shape(op, a.shape(), b.shape())?;
    if let (Some(xs), Some(ys)) = (a.as_slice(), b.as_slice()) {
        let out = collect_zip(xs, ys, |&x, &y| f(x, y));
        return Ok(ArrayD::from_shape_vec(a.raw_dim(), out).expect("same size"));
    }
    // A broadcast scalar (every stride 0: `x * 2.0`, `maximum(x, 0)`) against a row-major
    // operand: one slice loop, not a strided walk.
    match (splat(&a), b.as_slice(), a.as_slice(), splat(&b)) {
        (Some(x), Some(ys), _, _) => return Ok(map_slice(&a, ys, |y| f(x, y))),
        (_, _, Some(xs), Some(y)) => return Ok(map_slice(&a, xs, |x| f(x, y))),
        _ => {}
    }
    if a.ndim() > 0 && !a.is_empty() {
        return Ok(zip_strided(a, b, f));
    }
    let z = Zip::from(&a).and(&b);
    Ok(if a.len() >= PAR_THRESHOLD {
        z.par_map_collect(|&x, &y| f(x, y))
    } else {
        z.map_collect(|&x, &y| f(x, y))
    })
}

/// True when some axis of length > 1 has stride 0 (a broadcast view).
fn is_broadcast<T>(v: &ArrayViewD<'_, T>) -> bool {
    v.shape()
        .iter()
        .zip(v.strides())
        .any(|(&n, &s)| n > 1 && s == 0)
}

/// [`zip_map`] for non-contiguous operands. The axes are first put in the memory order of
/// the operand that is not a broadcast, and the output is produced in that order (then
/// permuted back, so it has the same strides): two transposed operands are zipped as
/// slices, a broadcast row or column is a plain loop per lane, and a row-major operand
/// against a transposed one is walked in cache-sized tiles.
fn zip_strided<T: Element, U: Element>(
    a: ArrayViewD<'_, T>,
    b: ArrayViewD<'_, T>,
    f: impl Fn(T, T) -> U + Sync + Send,
) -> ArrayD<U> {
    let r = if is_broadcast(&a) && !is_broadcast(&b) {
        &b
    } else {
        &a
    };
    let n = r.ndim();
    let mut perm: Vec<usize> = (0..n).collect();
    // Stable: equal strides (e.g. length-1 axes) keep their order.
    perm.sort_by_key(|&i| std::cmp::Reverse(r.strides()[i].unsigned_abs()));
    let mut inv = vec![0; n];
    for (k, &p) in perm.iter().enumerate() {
        inv[p] = k;
    }
    let (pa, pb) = (a.permuted_axes(IxDyn(&perm)), b.permuted_axes(IxDyn(&perm)));
    let out = if let (Some(xs), Some(ys)) = (pa.as_slice(), pb.as_slice()) {
        let out = collect_zip(xs, ys, |&x, &y| f(x, y));
        ArrayD::from_shape_vec(pa.raw_dim(), out).expect("same size")
    } else if n == 2 && lane_kind(&pb) == LaneKind::Other && lane_kind(&pa) == LaneKind::Unit {
        tiled_2d(pa, pb, f)
    } else if n == 2 && lane_kind(&pa) == LaneKind::Other && lane_kind(&pb) == LaneKind::Unit {
        tiled_2d(pb, pa, |y, x| f(x, y))
    } else {
        zip_lanes(pa, pb, f)
    };
    out.permuted_axes(IxDyn(&inv))
}

#[derive(PartialEq, Eq)]
enum LaneKind {
    Unit,
    Splat,
    Other,
}

/// How the last axis of `v` is laid out.
fn lane_kind<T>(v: &ArrayViewD<'_, T>) -> LaneKind {
    match (v.shape().last(), v.strides().last()) {
        (Some(&n), _) if n <= 1 => LaneKind::Unit,
        (_, Some(1)) => LaneKind::Unit,
        (_, Some(0)) => LaneKind::Splat,
        _ => LaneKind::Other,
    }
}

/// `f(a, b)` for 2-d views where `a` is row-contiguous and `b` is not: 32 × 32 tiles keep
/// `b`'s columns in cache. The output is row-major.
fn tiled_2d<T: Element, U: Element>(
    a: ArrayViewD<'_, T>,
    b: ArrayViewD<'_, T>,
    f: impl Fn(T, T) -> U,
) -> ArrayD<U> {
    const TILE: usize = 32;
    let (rows, cols) = (a.shape()[0], a.shape()[1]);
    let a2 = a.view().into_dimensionality::<ndarray::Ix2>().expect("2-d");
    let b2 = b.view().into_dimensionality::<ndarray::Ix2>().expect("2-d");
    let mut out = buffer::filled(rows * cols, f(a2[[0, 0]], b2[[0, 0]]));
    for i0 in (0..rows).step_by(TILE) {
        for j0 in (0..cols).step_by(TILE) {
            for i in i0..(i0 + TILE).min(rows) {
                let (ar, br) = (a2.row(i), b2.row(i));
                let dst = &mut out[i * cols..(i + 1) * cols];
                for j in j0..(j0 + TILE).min(cols) {
                    dst[j] = f(ar[j], br[j]);
                }
            }
        }
    }
    ArrayD::from_shape_vec(a.raw_dim(), out).expect("same size")
}

/// The single value of a non-empty view whose strides are all 0 (a broadcast scalar).
fn splat<T: Copy>(x: &ArrayViewD<'_, T>) -> Option<T> {
    if x.strides().iter().all(|&s| s == 0) {
        x.first().copied()
    } else {
        None
    }
}

/// A row-major operand or a broadcast scalar, read by flat index.
#[derive(Clone, Copy)]
enum Lane<'a, T> {
    Slice(&'a [T]),
    Splat(T),
}

fn flat_lane<'a, T: Copy>(x: &'a ArrayViewD<'_, T>) -> Option<Lane<'a, T>> {
    x.as_slice()
        .map(Lane::Slice)
        .or_else(|| splat(x).map(Lane::Splat))
}

/// `f` over a row-major slice, shaped like `like`.
fn map_slice<T: Element, U: Element>(
    like: &ArrayViewD<'_, T>,
    xs: &[T],
    f: impl Fn(T) -> U + Sync + Send,
) -> ArrayD<U> {
    let out = collect_map(xs, |&x| f(x));
    ArrayD::from_shape_vec(like.raw_dim(), out).expect("same size")
}

fn lane<'a, T: Element>(v: &ndarray::ArrayView1<'a, T>) -> Option<Lane<'a, T>> {
    if v.strides()[0] == 0 && !v.is_empty() {
        return Some(Lane::Splat(v[0]));
    }
    v.to_slice().map(Lane::Slice)
}

/// [`zip_map`] for non-contiguous operands (broadcast rows or columns, transposes): walks
/// the last-axis lanes in row-major order, so that a contiguous or broadcast lane is a plain
/// (vectorised) loop.
fn zip_lanes<T: Element, U: Element>(
    a: ArrayViewD<'_, T>,
    b: ArrayViewD<'_, T>,
    f: impl Fn(T, T) -> U,
) -> ArrayD<U> {
    let mut out = buffer::with_capacity(a.len());
    push_lanes(a.view(), b.view(), &f, &mut out);
    ArrayD::from_shape_vec(a.raw_dim(), out).expect("same size")
}

/// Appends `f(a, b)` to `out` in row-major order. Leading axes are peeled off one at a time
/// down to two, whose rows are then walked with fixed-rank views: ndarray's lane iterator
/// over dynamic-rank views costs more per lane than a short lane's arithmetic (a bias row
/// added to a 1000 × 4 activation spent most of its time there).
fn push_lanes<T: Element, U: Element>(
    a: ArrayViewD<'_, T>,
    b: ArrayViewD<'_, T>,
    f: &impl Fn(T, T) -> U,
    out: &mut Vec<U>,
) {
    if a.ndim() > 2 {
        for (sa, sb) in a.outer_iter().zip(b.outer_iter()) {
            push_lanes(sa, sb, f, out);
        }
        return;
    }
    fn as_2d<T>(v: ArrayViewD<'_, T>) -> ndarray::ArrayView2<'_, T> {
        let v = if v.ndim() == 1 {
            v.insert_axis(ndarray::Axis(0))
        } else {
            v
        };
        v.into_dimensionality().expect("rank 2")
    }
    let (a, b) = (as_2d(a), as_2d(b));
    for (va, vb) in a.rows().into_iter().zip(b.rows()) {
        match (lane(&va), lane(&vb)) {
            (Some(Lane::Slice(x)), Some(Lane::Slice(y))) => {
                out.extend(x.iter().zip(y).map(|(&x, &y)| f(x, y)))
            }
            (Some(Lane::Slice(x)), Some(Lane::Splat(y))) => out.extend(x.iter().map(|&x| f(x, y))),
            (Some(Lane::Splat(x)), Some(Lane::Slice(y))) => out.extend(y.iter().map(|&y| f(x, y))),
            _ => out.extend(va.iter().zip(vb.iter()).map(|(&x, &y)| f(x, y))),
        }
    }
}

/// Checks that two elementwise operands have equal shapes.
pub fn same_shape(op: &'static str, a: &[usize], b: &[usize]) -> Result<()> {
    if a != b {
        return Err(Error::ShapeMismatch {
            op,
            lhs: a.to_vec(),
            rhs: b.to_vec(),
            hint: "elementwise primitives need equal shapes; broadcast first",
        });
    }
    Ok(())
}

/// Applies a float function, dispatching on the dtype once. `vector` names the function's
/// [`vmath`] kernel, used for arrays when the machine supports it (the scalar `f32`/`f64`
/// closures are the reference and the fallback).
pub fn unary_float(
    op: &'static str,
    x: &Array,
    vector: Option<Func>,
    f32: impl Fn(f32) -> f32 + Sync,
    f64: impl Fn(f64) -> f64 + Sync,
) -> Result<Array> {
    unary(op, x, vector, f32, f64, &UnaryInts::NONE)
}

/// [`unary_float`] with integer forms `ints` for integer inputs (see [`super::ints`]).
pub fn unary(
    op: &'static str,
    x: &Array,
    vector: Option<Func>,
    f32: impl Fn(f32) -> f32 + Sync,
    f64: impl Fn(f64) -> f64 + Sync,
    ints: &UnaryInts,
) -> Result<Array> {
    // 0-d operands (scalar code, the seeds of gradients) skip views and iterators.
    if let Some(v) = x.as_scalar::<f64>() {
        return Ok(Array::scalar(f64(v)));
    }
    if let Some(v) = x.as_scalar::<f32>() {
        return Ok(Array::scalar(f32(v)));
    }
    if !x.dtype().is_float() {
        return unary_ints(op, x, ints);
    }
    if let Some(f) = vector {
        return unary_vectorised(op, f, x);
    }
    // The caller gives one closure per float dtype (closures cannot be generic), so this
    // picks one by dtype rather than through `dispatch!`.
    match x.dtype() {
        DType::F32 => Ok(Array::from_ndarray(map(x.view::<f32>(op)?, f32))),
        _ => Ok(Array::from_ndarray(map(x.view::<f64>(op)?, f64))),
    }
}

/// The floats [`vmath`] has kernels for.
trait VmathFloat: Element + Sized {
    fn map(f: Func, xs: &[Self]) -> Vec<Self>;
}

impl VmathFloat for f32 {
    fn map(f: Func, xs: &[f32]) -> Vec<f32> {
        vmath::map_f32(f, xs)
    }
}

impl VmathFloat for f64 {
    fn map(f: Func, xs: &[f64]) -> Vec<f64> {
        vmath::map_f64(f, xs)
    }
}

/// The [`vmath`] kernel `f` on a float array (strided views are copied to row-major first).
fn unary_vectorised(op: &'static str, f: Func, x: &Array) -> Result<Array> {
    dispatch!(floats op, x.dtype(), T => {
        let v = layout::standard_cow(x.view::<T>(op)?);
        let xs = v.as_slice().expect("row-major");
        Array::from_vec(x.shape(), T::map(f, xs))
    })
}

/// Scalar functions of one binary elementwise operation, per dtype: the float ones, and the
/// integer and bool ones where the operation is defined for them. Generic so that fn items
/// (`K::apply::<f64>`) are inlined into the loop instead of called through a pointer per
/// element.
pub struct BinaryFns<F32 = fn(f32, f32) -> f32, F64 = fn(f64, f64) -> f64> {
    pub f32: F32,
    pub f64: F64,
    pub ints: BinaryInts,
}

/// A binary arithmetic operation on two arrays of the same shape and dtype.
pub fn binary<F32, F64>(
    op: &'static str,
    a: &Array,
    b: &Array,
    fns: &BinaryFns<F32, F64>,
) -> Result<Array>
where
    F32: Fn(f32, f32) -> f32 + Copy + Sync + Send,
    F64: Fn(f64, f64) -> f64 + Copy + Sync + Send,
{
    same_dtype(op, a, b)?;
    // 0-d operands (scalar code) skip views and iterators.
    if let (Some(x), Some(y)) = (a.as_scalar::<f64>(), b.as_scalar::<f64>()) {
        return Ok(Array::scalar((fns.f64)(x, y)));
    }
    if let (Some(x), Some(y)) = (a.as_scalar::<f32>(), b.as_scalar::<f32>()) {
        return Ok(Array::scalar((fns.f32)(x, y)));
    }
    crate::build_hint::note_op(a.size().max(b.size()));
    // One function per dtype in `fns` (closures cannot be generic), so this picks one by
    // dtype rather than through `dispatch!`; integers take their error from `binary_ints`.
    match a.dtype() {
        DType::F32 => Ok(Array::from_ndarray(zip_map(
            op,
            a.view(op)?,
            b.view(op)?,
            fns.f32,
        )?)),
        DType::F64 => Ok(Array::from_ndarray(zip_map(
            op,
            a.view(op)?,
            b.view(op)?,
            fns.f64,
        )?)),
        _ => binary_ints(op, a, b, &fns.ints),
    }
}

/// Checks that two operands share a dtype.
pub fn same_dtype(op: &'static str, a: &Array, b: &Array) -> Result<()> {
    if a.dtype() != b.dtype() {
        return Err(Error::DTypeMismatch {
            op,
            expected: a.dtype().name().into(),
            got: b.dtype(),
        });
    }
    Ok(())
}

/// A comparison between elements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Compare {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

/// Elementwise comparison giving a bool array; any dtype.
pub fn compare(op: &'static str, a: &Array, b: &Array, cmp: Compare) -> Result<Array> {
    // One loop per comparison, chosen outside it: a `match` per element keeps the loop from
    // vectorising. `>` and `>=` are `<` and `<=` with the operands swapped.
    fn go<T: Element>(op: &'static str, a: &Array, b: &Array, cmp: Compare) -> Result<Array> {
        let (a, b) = (a.view::<T>(op)?, b.view::<T>(op)?);
        Ok(Array::from_ndarray(match cmp {
            Compare::Lt => zip_map(op, a, b, |x, y| x < y),
            Compare::Gt => zip_map(op, b, a, |x, y| x < y),
            Compare::Le => zip_map(op, a, b, |x, y| x <= y),
            Compare::Ge => zip_map(op, b, a, |x, y| x <= y),
            Compare::Eq => zip_map(op, a, b, |x, y| x == y),
            Compare::Ne => zip_map(op, a, b, |x, y| x != y),
        }?))
    }
    same_dtype(op, a, b)?;
    dispatch!(a.dtype(), T => go::<T>(op, a, b, cmp))
}

/// `where(pred, on_true, on_false)` elementwise; all three of one shape.
pub fn select(pred: &Array, on_true: &Array, on_false: &Array) -> Result<Array> {
    const OP: &str = "select";
    fn go<T: Element>(p: &Array, a: &Array, b: &Array) -> Result<Array> {
        let (p, a, b) = (p.view::<bool>(OP)?, a.view::<T>(OP)?, b.view::<T>(OP)?);
        same_shape(OP, p.shape(), a.shape())?;
        same_shape(OP, a.shape(), b.shape())?;
        if let (Some(ps), Some(x), Some(y)) = (p.as_slice(), flat_lane(&a), flat_lane(&b)) {
            // One loop per pair of operand kinds, so that none branches per element.
            let pick = |p: bool, x: T, y: T| if p { x } else { y };
            let out: Vec<T> = match (x, y) {
                (Lane::Slice(xs), Lane::Slice(ys)) => {
                    let xy = xs.iter().zip(ys);
                    ps.iter()
                        .zip(xy)
                        .map(|(&p, (&x, &y))| pick(p, x, y))
                        .collect()
                }
                (Lane::Slice(xs), Lane::Splat(y)) => {
                    ps.iter().zip(xs).map(|(&p, &x)| pick(p, x, y)).collect()
                }
                (Lane::Splat(x), Lane::Slice(ys)) => {
                    ps.iter().zip(ys).map(|(&p, &y)| pick(p, x, y)).collect()
                }
                (Lane::Splat(x), Lane::Splat(y)) => ps.iter().map(|&p| pick(p, x, y)).collect(),
            };
            return Ok(Array::from_ndarray(
                ArrayD::from_shape_vec(p.raw_dim(), out).expect("same size"),
            ));
        }
        Ok(Array::from_ndarray(
            Zip::from(&p)
                .and(&a)
                .and(&b)
                .map_collect(|&p, &x, &y| if p { x } else { y }),
        ))
    }
    same_dtype(OP, on_true, on_false)?;
    dispatch!(on_true.dtype(), T => go::<T>(pred, on_true, on_false))
}

/// Converts to another dtype (floats truncate toward zero into integers, like NumPy's astype).
pub fn convert(x: &Array, dtype: DType) -> Result<Array> {
    fn to<T: Element>(x: &Array) -> Result<Array> {
        // Integers go through i64, so that they stay exact and wrap into uint32 as NumPy's
        // astype does (-1 becomes 4294967295); floats go through f64.
        fn from<S: Element, T: Element>(x: &Array) -> Result<Array> {
            let v = x.view::<S>("astype")?;
            Ok(Array::from_ndarray(if S::DTYPE.is_float() {
                map(v, |v| T::from_f64(v.to_f64()))
            } else {
                map(v, |v| T::from_i64(v.to_i64()))
            }))
        }
        dispatch!(x.dtype(), S => from::<S, T>(x))
    }
    if x.dtype() == dtype {
        return Ok(x.clone());
    }
    dispatch!(dtype, T => to::<T>(x))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{ArrayD, IxDyn};

    fn arr(shape: &[usize]) -> ArrayD<f64> {
        let n: usize = shape.iter().product();
        ArrayD::from_shape_vec(IxDyn(shape), (0..n).map(|i| i as f64 * 0.5 - 3.0).collect())
            .unwrap()
    }

    /// The strided paths (same-layout transposes, tiles, broadcast lanes, reversed axes)
    /// agree with ndarray's elementwise loop.
    #[test]
    fn zip_map_strided_layouts_match_ndarray() {
        let f = |x: f64, y: f64| 2.0 * x - y * y;
        let a = arr(&[70, 45]);
        let b = arr(&[45, 70]);
        let bt = b.view().reversed_axes();
        let row = arr(&[45]);
        let col = arr(&[70, 1]);
        let cases: Vec<(ArrayViewD<f64>, ArrayViewD<f64>)> = vec![
            (a.view(), bt.clone()),
            (bt.clone(), a.view()),
            (bt.clone(), bt.clone()),
            (a.view(), row.broadcast(IxDyn(&[70, 45])).unwrap()),
            (col.broadcast(IxDyn(&[70, 45])).unwrap(), bt.clone()),
            (bt.clone(), row.broadcast(IxDyn(&[70, 45])).unwrap()),
            (a.slice(ndarray::s![..;-1, ..]).into_dyn(), bt.clone()),
        ];
        for (i, (x, y)) in cases.into_iter().enumerate() {
            let want = Zip::from(&x).and(&y).map_collect(|&p, &q| f(p, q));
            let got = zip_map("test", x.view(), y.view(), f).unwrap();
            assert_eq!(got, want, "case {i}");
        }
        let big = arr(&[3, 4, 5]);
        let p = big.view().permuted_axes(IxDyn(&[2, 0, 1]));
        let q = arr(&[5, 3, 4]);
        let want = Zip::from(&p).and(&q).map_collect(|&x, &y| f(x, y));
        assert_eq!(zip_map("test", p, q.view(), f).unwrap(), want);
        // Broadcast rows and planes of a rank-3 operand, and a stepped rank-1 one.
        let (row, plane, long) = (arr(&[5]), arr(&[3, 1, 5]), arr(&[10]));
        let cases: Vec<(ArrayViewD<f64>, ArrayViewD<f64>)> = vec![
            (big.view(), row.broadcast(IxDyn(&[3, 4, 5])).unwrap()),
            (plane.broadcast(IxDyn(&[3, 4, 5])).unwrap(), big.view()),
            (
                long.slice(ndarray::s![..;2]).into_dyn(),
                long.slice(ndarray::s![1..;2]).into_dyn(),
            ),
        ];
        for (i, (x, y)) in cases.into_iter().enumerate() {
            let want = Zip::from(&x).and(&y).map_collect(|&p, &q| f(p, q));
            let got = zip_map("test", x.view(), y.view(), f).unwrap();
            assert_eq!(got, want, "rank-3 case {i}");
        }
    }

    /// Every comparison agrees with Rust's operators, NaN and ties included, on contiguous
    /// operands and against a broadcast row (`>`/`>=` run as swapped `<`/`<=`).
    #[test]
    fn comparisons_match_rust_operators() {
        let xs = vec![1.0, f64::NAN, 2.0, -0.0, 3.0, 0.5];
        let ys = vec![1.0, 1.0, f64::NAN, 0.0, 2.0, 0.7];
        let a = Array::from_vec(&[2, 3], xs.clone()).unwrap();
        let b = Array::from_vec(&[2, 3], ys.clone()).unwrap();
        let row = Array::from_vec(&[3], ys[..3].to_vec()).unwrap();
        let row = row.broadcast_in_dim(&[2, 3], &[1]).unwrap();
        type Op = fn(&f64, &f64) -> bool;
        let ops: [(Compare, Op); 6] = [
            (Compare::Lt, f64::lt),
            (Compare::Le, f64::le),
            (Compare::Gt, f64::gt),
            (Compare::Ge, f64::ge),
            (Compare::Eq, f64::eq),
            (Compare::Ne, f64::ne),
        ];
        let bools = |a: &Array| a.view::<bool>("test").unwrap().iter().copied().collect();
        for (cmp, rust) in ops {
            let want: Vec<bool> = xs.iter().zip(&ys).map(|(x, y)| rust(x, y)).collect();
            let got: Vec<bool> = bools(&compare("test", &a, &b, cmp).unwrap());
            assert_eq!(got, want, "{cmp:?}");
            let want: Vec<bool> = (0..6).map(|i| rust(&xs[i], &ys[i % 3])).collect();
            let got: Vec<bool> = bools(&compare("test", &a, &row, cmp).unwrap());
            assert_eq!(got, want, "{cmp:?} against a broadcast row");
        }
    }

    /// `select` picks the right side for each pairing of row-major and broadcast operands.
    #[test]
    fn select_picks_for_every_operand_kind() {
        let p = Array::from_vec(&[4], vec![true, false, false, true]).unwrap();
        let x = Array::from_vec(&[4], vec![1.0, 2.0, 3.0, 4.0]).unwrap();
        let y = Array::from_vec(&[4], vec![-1.0, -2.0, -3.0, -4.0]).unwrap();
        let splat = |v: f64| Array::scalar(v).broadcast_in_dim(&[4], &[]).unwrap();
        let cases = [
            (&x, &y, [1.0, -2.0, -3.0, 4.0]),
            (&x, &splat(9.0), [1.0, 9.0, 9.0, 4.0]),
            (&splat(9.0), &y, [9.0, -2.0, -3.0, 9.0]),
            (&splat(9.0), &splat(7.0), [9.0, 7.0, 7.0, 9.0]),
        ];
        for (i, (t, f, want)) in cases.into_iter().enumerate() {
            assert_eq!(select(&p, t, f).unwrap().to_f64_vec(), want, "case {i}");
        }
    }
}
