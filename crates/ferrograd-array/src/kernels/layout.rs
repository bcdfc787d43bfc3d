//! Copies of strided views into row-major order: transposes, permutations, reversed axes
//! and broadcasts.
//!
//! ndarray's `as_standard_layout` walks an `IxDyn` view one element at a time with a dynamic
//! index (tens of ns per element). Here axes of length 1 are dropped and axes that stay
//! adjacent in memory are merged first; then a view whose last axis is contiguous is copied a
//! row at a time, and any other view (a transpose) in 32 × 32 tiles over the last axis and
//! the axis with the smallest stride, so that both sides stay in cache.

use ndarray::{ArrayD, ArrayViewD, CowArray, IxDyn};

use crate::Element;

/// Tile edge of the transposing copy.
const TILE: usize = 32;

/// `v` in row-major order: borrowed when it already is, copied otherwise.
pub fn standard_cow<'a, T: Element>(v: ArrayViewD<'a, T>) -> CowArray<'a, T, IxDyn> {
    if v.is_standard_layout() {
        CowArray::from(v)
    } else {
        CowArray::from(to_standard(v))
    }
}

/// A row-major copy of `v` (any strides, negative and zero included).
pub fn to_standard<T: Element>(v: ArrayViewD<'_, T>) -> ArrayD<T> {
    let n = v.len();
    let mut out: Vec<T> = crate::buffer::with_capacity(n);
    if let Some(xs) = v.as_slice() {
        out.extend_from_slice(xs);
        return ArrayD::from_shape_vec(v.raw_dim(), out).expect("same size");
    }
    if n > 0 {
        let (shape, strides) = merged_axes(v.shape(), v.strides());
        // SAFETY: every offset formed below is `Σ i_k strides[k]` with `i_k < shape[k]`, an
        // element of `v`; the destination offsets enumerate `0..n` exactly once, and all `n`
        // elements are written before `set_len`.
        unsafe {
            copy_strided(v.as_ptr(), &shape, &strides, out.as_mut_ptr());
            out.set_len(n);
        }
    }
    ArrayD::from_shape_vec(v.raw_dim(), out).expect("same size")
}

/// The axes of length > 1, with each run of axes that is contiguous relative to the next one
/// (`stride[i] == stride[i+1] · shape[i+1]`) merged into one axis. Never empty.
fn merged_axes(shape: &[usize], strides: &[isize]) -> (Vec<usize>, Vec<isize>) {
    let mut s: Vec<usize> = Vec::with_capacity(shape.len());
    let mut t: Vec<isize> = Vec::with_capacity(shape.len());
    for (&n, &st) in shape.iter().zip(strides) {
        if n == 1 {
            continue;
        }
        match (s.last_mut(), t.last_mut()) {
            (Some(pn), Some(pt)) if *pt == st * n as isize => {
                *pn *= n;
                *pt = st;
            }
            _ => {
                s.push(n);
                t.push(st);
            }
        }
    }
    if s.is_empty() {
        s.push(1);
        t.push(0);
    }
    (s, t)
}

/// Writes the view (`src`, `shape`, `strides`) to `dst` in row-major order.
unsafe fn copy_strided<T: Copy>(src: *const T, shape: &[usize], strides: &[isize], dst: *mut T) {
    let d = shape.len();
    let last = d - 1;
    // Row-major destination strides.
    let mut dstr = vec![1usize; d];
    for k in (0..last).rev() {
        dstr[k] = dstr[k + 1] * shape[k + 1];
    }
    // The axis read fastest: the last one when it is contiguous, else the smallest stride.
    let p = (0..last).min_by_key(|&k| strides[k].unsigned_abs());
    let tiled = strides[last] != 1
        && p.is_some_and(|p| strides[p].unsigned_abs() < strides[last].unsigned_abs());
    let pair = if tiled { p } else { None };
    for_each_outer(
        shape,
        |idx| {
            let skip = |k: usize| k == last || Some(k) == pair;
            let (mut so, mut dof) = (0isize, 0usize);
            for k in (0..d).filter(|&k| !skip(k)) {
                so += idx[k] as isize * strides[k];
                dof += idx[k] * dstr[k];
            }
            let (s0, d0) = (src.offset(so), dst.add(dof));
            match pair {
                Some(p) => copy_tile_2d(
                    s0,
                    d0,
                    [shape[p], shape[last]],
                    [strides[p], strides[last]],
                    dstr[p],
                ),
                None => copy_row(s0, d0, shape[last], strides[last]),
            }
        },
        last,
        pair,
    );
}

/// Calls `f` with every index of the axes other than `last` and `pair` (those stay 0).
fn for_each_outer(shape: &[usize], mut f: impl FnMut(&[usize]), last: usize, pair: Option<usize>) {
    let d = shape.len();
    let mut idx = vec![0usize; d];
    loop {
        f(&idx);
        let mut k = d;
        loop {
            if k == 0 {
                return;
            }
            k -= 1;
            if k == last || Some(k) == pair {
                continue;
            }
            idx[k] += 1;
            if idx[k] < shape[k] {
                break;
            }
            idx[k] = 0;
        }
    }
}

#[inline]
unsafe fn copy_row<T: Copy>(src: *const T, dst: *mut T, n: usize, stride: isize) {
    if stride == 1 {
        std::ptr::copy_nonoverlapping(src, dst, n);
    } else {
        for j in 0..n {
            *dst.add(j) = *src.offset(j as isize * stride);
        }
    }
}

/// The 2-d transpose-like copy: `dst[i·drow + j] = src[i·s0 + j·s1]`, in tiles.
#[inline]
unsafe fn copy_tile_2d<T: Copy>(
    src: *const T,
    dst: *mut T,
    n: [usize; 2],
    s: [isize; 2],
    drow: usize,
) {
    for i0 in (0..n[0]).step_by(TILE) {
        let i1 = (i0 + TILE).min(n[0]);
        for j0 in (0..n[1]).step_by(TILE) {
            let j1 = (j0 + TILE).min(n[1]);
            for j in j0..j1 {
                let sc = src.offset(j as isize * s[1]);
                for i in i0..i1 {
                    *dst.add(i * drow + j) = *sc.offset(i as isize * s[0]);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{s, Axis};

    fn arr(shape: &[usize]) -> ArrayD<i64> {
        let n: usize = shape.iter().product();
        ArrayD::from_shape_vec(IxDyn(shape), (0..n as i64).collect()).unwrap()
    }

    fn check(v: ArrayViewD<'_, i64>) {
        let want = v.as_standard_layout().into_owned();
        let got = to_standard(v.view());
        assert!(got.is_standard_layout());
        assert_eq!(got, want, "shape {:?} strides {:?}", v.shape(), v.strides());
    }

    #[test]
    fn permutations_reversals_and_broadcasts_match_ndarray() {
        let a = arr(&[70, 45]);
        check(a.view().reversed_axes());
        check(a.slice(s![..;-1, 3..;2]).into_dyn().reversed_axes());
        let b = arr(&[3, 40, 50]);
        for perm in [[0, 2, 1], [1, 0, 2], [2, 1, 0], [1, 2, 0], [2, 0, 1]] {
            check(b.view().permuted_axes(IxDyn(&perm)));
        }
        let c = arr(&[2, 3, 1, 4, 5]);
        check(c.view().permuted_axes(IxDyn(&[4, 2, 0, 3, 1])));
        let mut r = arr(&[5, 33]);
        r.invert_axis(Axis(1));
        check(r.view());
        let row = arr(&[45]);
        check(row.broadcast(IxDyn(&[7, 45])).unwrap());
        let col = arr(&[7, 1]);
        check(col.broadcast(IxDyn(&[7, 45])).unwrap());
        check(arr(&[]).view());
        check(arr(&[0, 3]).view().reversed_axes());
        check(arr(&[1, 1]).view().reversed_axes());
    }

    #[test]
    fn standard_cow_borrows_row_major_views() {
        let a = arr(&[4, 5]);
        assert!(standard_cow(a.view()).is_view());
        let t = a.view().reversed_axes();
        let c = standard_cow(t.view());
        assert!(!c.is_view());
        assert_eq!(c, t);
    }
}
