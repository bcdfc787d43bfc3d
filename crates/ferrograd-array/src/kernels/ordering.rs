//! Cumulative sums, sorting and binary search along one axis.

use std::cmp::Ordering;

use ndarray::{ArrayD, Axis, IxDyn, Zip};

use super::reduce::Summable;
use crate::{Array, Element, Error, Result};

fn check_axis(op: &'static str, x: &Array, axis: usize) -> Result<()> {
    if axis >= x.ndim() {
        return Err(Error::AxisOutOfRange {
            op,
            axis: axis as i64,
            rank: x.ndim(),
        });
    }
    Ok(())
}

/// Running sum along `axis` (from the end when `reverse`), in the input's dtype.
pub fn cumsum(x: &Array, axis: usize, reverse: bool) -> Result<Array> {
    fn go<T: Summable>(x: &Array, axis: usize, reverse: bool) -> Result<Array> {
        let mut out: ArrayD<T> = x.view::<T>("cumsum")?.to_owned();
        for mut lane in out.lanes_mut(Axis(axis)) {
            let n = lane.len();
            for k in 1..n {
                let (dst, src) = if reverse {
                    (n - 1 - k, n - k)
                } else {
                    (k, k - 1)
                };
                let prev = lane[src];
                lane[dst] = lane[dst].plus(prev);
            }
        }
        Ok(Array::from_ndarray(out))
    }
    check_axis("cumsum", x, axis)?;
    dispatch!(numeric "cumsum", x.dtype(), T => go::<T>(x, axis, reverse))
}

/// NumPy's sort order: NaN after every number (it is never equal to anything).
fn total<T: Element>(a: &T, b: &T) -> Ordering {
    #[allow(clippy::eq_op)]
    match (a != a, b != b) {
        (false, false) => a.partial_cmp(b).unwrap_or(Ordering::Equal),
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
    }
}

/// Stable sort along `axis`: the sorted values and the int64 positions they came from.
/// `descending` reverses the order but keeps ties in their original order (NaNs still last).
pub fn sort(x: &Array, axis: usize, descending: bool) -> Result<(Array, Array)> {
    check_axis("sort", x, axis)?;
    dispatch!(x.dtype(), T => {
        let v = x.view::<T>("sort")?;
        let mut vals: ArrayD<T> = v.to_owned();
        let mut idx: ArrayD<i64> = ArrayD::zeros(IxDyn(v.shape()));
        let mut order: Vec<usize> = Vec::new();
        Zip::from(vals.lanes_mut(Axis(axis)))
            .and(idx.lanes_mut(Axis(axis)))
            .for_each(|mut vl, mut il| {
                order.clear();
                order.extend(0..vl.len());
                let key: Vec<T> = vl.iter().copied().collect();
                order.sort_by(|&a, &b| {
                    let (ka, kb) = (&key[a], &key[b]);
                    #[allow(clippy::eq_op)]
                    let nan = (ka != ka, kb != kb);
                    match (descending, nan) {
                        (true, (false, false)) => total(kb, ka),
                        _ => total(ka, kb),
                    }
                });
                for (k, &o) in order.iter().enumerate() {
                    vl[k] = key[o];
                    il[k] = o as i64;
                }
            });
        Ok((Array::from_ndarray(vals), Array::from_ndarray(idx)))
    })
}

/// For `a` sorted along its last axis (`[..., n]`) and values `v` (`[..., m]`, the same
/// leading axes), the int64 insertion points keeping `a` sorted: the first position (`right =
/// false`, NumPy's `side='left'`) or the last one.
pub fn searchsorted(a: &Array, v: &Array, right: bool) -> Result<Array> {
    let (sa, sv) = (a.shape(), v.shape());
    if sa.is_empty()
        || sv.is_empty()
        || sa[..sa.len() - 1] != sv[..sv.len() - 1]
        || a.dtype() != v.dtype()
    {
        return Err(Error::invalid(
            "searchsorted",
            format!(
                "sorted array {sa:?} {} and values {sv:?} {} need the same dtype and the same leading axes (all but the last)",
                a.dtype(),
                v.dtype()
            ),
        ));
    }
    let last = sa.len() - 1;
    dispatch!(a.dtype(), T => {
        let av = a.view::<T>("searchsorted")?;
        let mut out: ArrayD<i64> = ArrayD::zeros(IxDyn(sv));
        Zip::from(out.lanes_mut(Axis(last)))
            .and(av.lanes(Axis(last)))
            .and(v.view::<T>("searchsorted")?.lanes(Axis(last)))
            .for_each(|mut o, al, vl| {
                let al: Vec<T> = al.iter().copied().collect();
                for (k, x) in vl.iter().enumerate() {
                    o[k] = al.partition_point(|y| match total(y, x) {
                        Ordering::Less => true,
                        Ordering::Equal => right,
                        Ordering::Greater => false,
                    }) as i64;
                }
            });
        Ok(Array::from_ndarray(out))
    })
}
