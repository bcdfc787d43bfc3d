//! Kernels that move data without arithmetic: transpose, reshape, slice, pad, concatenate,
//! and the creation kernels (arange, linspace, eye).

use ndarray::{ArcArray, ArrayD, Axis, IxDyn, Slice};

use crate::shape::size;
use crate::{Array, DType, Element, Error, Result};

/// Permutes axes (zero-copy): output axis `i` is input axis `perm[i]`.
pub fn transpose(x: &Array, perm: &[usize]) -> Result<Array> {
    let rank = x.ndim();
    let mut seen = vec![false; rank];
    if perm.len() != rank
        || perm
            .iter()
            .any(|&p| p >= rank || std::mem::replace(&mut seen[p], true))
    {
        return Err(Error::invalid(
            "transpose",
            format!(
                "{perm:?} is not a permutation of the {rank} axes of shape {:?}",
                x.shape()
            ),
        ));
    }
    dispatch!(x.dtype(), T => {
        let s: ArcArray<T, IxDyn> = x.to_shared("transpose")?;
        Ok(Array::from_shared(s.permuted_axes(IxDyn(perm))))
    })
}

/// Reshapes in row-major order (copies only if the data is not row-major contiguous).
pub fn reshape(x: &Array, shape: &[usize]) -> Result<Array> {
    if size(shape) != x.size() {
        return Err(Error::ShapeMismatch {
            op: "reshape",
            lhs: x.shape().to_vec(),
            rhs: shape.to_vec(),
            hint: "the new shape must have the same number of elements",
        });
    }
    if x.shape() == shape {
        return Ok(x.clone());
    }
    dispatch!(x.dtype(), T => {
        let s: ArcArray<T, IxDyn> = x.to_shared("reshape")?;
        let s = if s.is_standard_layout() { s } else { super::layout::to_standard(s.view()).into_shared() };
        Ok(Array::from_shared(s.into_shape_with_order(IxDyn(shape)).expect("sizes checked")))
    })
}

/// `x[start:limit:stride]` on every axis (zero-copy); `stride ≥ 1`.
pub fn slice(x: &Array, start: &[usize], limit: &[usize], stride: &[usize]) -> Result<Array> {
    let shape = x.shape();
    let ok = start.len() == shape.len()
        && limit.len() == shape.len()
        && stride.len() == shape.len()
        && (0..shape.len()).all(|i| start[i] <= limit[i] && limit[i] <= shape[i] && stride[i] >= 1);
    if !ok {
        return Err(Error::invalid(
            "slice",
            format!(
                "start {start:?}, limit {limit:?}, stride {stride:?} do not fit shape {shape:?}"
            ),
        ));
    }
    dispatch!(x.dtype(), T => {
        let mut s: ArcArray<T, IxDyn> = x.to_shared("slice")?;
        for ax in 0..shape.len() {
            s.slice_axis_inplace(Axis(ax), Slice::new(start[ax] as isize, Some(limit[ax] as isize), stride[ax] as isize));
        }
        Ok(Array::from_shared(s))
    })
}

/// Reverses the listed axes (a copy in row-major order, so later kernels see no negative
/// strides).
pub fn rev(x: &Array, axes: &[usize]) -> Result<Array> {
    if let Some(&bad) = axes.iter().find(|&&a| a >= x.ndim()) {
        return Err(Error::AxisOutOfRange {
            op: "rev",
            axis: bad as i64,
            rank: x.ndim(),
        });
    }
    dispatch!(x.dtype(), T => {
        let mut s: ArcArray<T, IxDyn> = x.to_shared("rev")?;
        for &ax in axes {
            s.invert_axis(Axis(ax));
        }
        Ok(Array::from_ndarray(super::layout::to_standard(s.view())))
    })
}

/// Pads with `value`: `lo[i]` before, `hi[i]` after, `interior[i]` between elements of axis i.
/// This is `slice`'s transpose when `value` is zero.
pub fn pad(x: &Array, lo: &[usize], hi: &[usize], interior: &[usize], value: f64) -> Result<Array> {
    let shape = x.shape();
    if lo.len() != shape.len() || hi.len() != shape.len() || interior.len() != shape.len() {
        return Err(Error::invalid(
            "pad",
            format!("needs one (lo, hi, interior) per axis of shape {shape:?}"),
        ));
    }
    let out_shape: Vec<usize> = (0..shape.len())
        .map(|i| lo[i] + hi[i] + shape[i] + interior[i] * shape[i].saturating_sub(1))
        .collect();
    dispatch!(x.dtype(), T => {
        let mut out = ArrayD::from_elem(IxDyn(&out_shape), <T as Element>::from_f64(value));
        let mut view = out.view_mut();
        for ax in 0..shape.len() {
            let end = lo[ax] + shape[ax] + interior[ax] * shape[ax].saturating_sub(1);
            view.slice_axis_inplace(Axis(ax), Slice::new(lo[ax] as isize, Some(end as isize), (interior[ax] + 1) as isize));
        }
        view.assign(&x.view::<T>("pad")?);
        Ok(Array::from_ndarray(out))
    })
}

/// Joins arrays of one dtype along `axis`; the other axes must agree.
pub fn concatenate(xs: &[&Array], axis: usize) -> Result<Array> {
    let first = xs
        .first()
        .ok_or_else(|| Error::invalid("concatenate", "needs at least one array"))?;
    for x in xs {
        let ok = x.dtype() == first.dtype()
            && x.ndim() == first.ndim()
            && axis < x.ndim()
            && (0..x.ndim()).all(|i| i == axis || x.shape()[i] == first.shape()[i]);
        if !ok {
            return Err(Error::ShapeMismatch {
                op: "concatenate",
                lhs: first.shape().to_vec(),
                rhs: x.shape().to_vec(),
                hint:
                    "all arrays need the same dtype and rank, and equal sizes except along the axis",
            });
        }
    }
    dispatch!(first.dtype(), T => {
        let views = xs.iter().map(|x| x.view::<T>("concatenate")).collect::<Result<Vec<_>>>()?;
        let out = ndarray::concatenate(Axis(axis), &views).map_err(|e| Error::invalid("concatenate", e.to_string()))?;
        Ok(Array::from_ndarray(out))
    })
}

/// `start, start + step, …` below `stop` (NumPy's arange), of `dtype`.
pub fn arange(start: f64, stop: f64, step: f64, dtype: DType) -> Result<Array> {
    if step == 0.0 || !step.is_finite() || !start.is_finite() || !stop.is_finite() {
        return Err(Error::invalid(
            "arange",
            format!("needs finite bounds and a non-zero step (got {start}, {stop}, {step})"),
        ));
    }
    let n = ((stop - start) / step).ceil().max(0.0) as usize;
    let values: Vec<f64> = (0..n).map(|i| start + i as f64 * step).collect();
    from_f64_values(&[n], &values, dtype)
}

/// `num` evenly spaced values from `start` to `stop` inclusive (NumPy's linspace).
pub fn linspace(start: f64, stop: f64, num: usize, dtype: DType) -> Result<Array> {
    let step = if num > 1 {
        (stop - start) / (num - 1) as f64
    } else {
        0.0
    };
    let mut values: Vec<f64> = (0..num).map(|i| start + i as f64 * step).collect();
    if num > 1 {
        values[num - 1] = stop; // exact endpoint, as NumPy
    }
    from_f64_values(&[num], &values, dtype)
}

/// The `n × m` matrix with ones on diagonal `k` (NumPy's eye).
pub fn eye(n: usize, m: usize, k: i64, dtype: DType) -> Result<Array> {
    let mut values = vec![0.0; n * m];
    for i in 0..n {
        let j = i as i64 + k;
        if j >= 0 && (j as usize) < m {
            values[i * m + j as usize] = 1.0;
        }
    }
    from_f64_values(&[n, m], &values, dtype)
}

/// Builds an array of `dtype` from f64 values.
pub fn from_f64_values(shape: &[usize], values: &[f64], dtype: DType) -> Result<Array> {
    fn go<T: Element>(shape: &[usize], values: &[f64]) -> Result<Array> {
        Array::from_vec(
            shape,
            values.iter().map(|&v| T::from_f64(v)).collect::<Vec<T>>(),
        )
    }
    dispatch!(dtype, T => go::<T>(shape, values))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slice_pad_roundtrip() {
        let x = Array::from_vec(&[2, 5], (0..10).map(f64::from).collect()).unwrap();
        let s = slice(&x, &[0, 1], &[2, 5], &[1, 2]).unwrap();
        assert_eq!(s.shape(), &[2, 2]);
        assert_eq!(s.to_f64_vec(), vec![1., 3., 6., 8.]);
        let p = pad(&s, &[0, 1], &[0, 1], &[0, 1], 0.0).unwrap();
        assert_eq!(p.shape(), &[2, 5]);
        assert_eq!(p.to_f64_vec(), vec![0., 1., 0., 3., 0., 0., 6., 0., 8., 0.]);
    }

    #[test]
    fn transpose_reshape_concat() {
        let x = Array::from_vec(&[2, 3], (0..6).map(f64::from).collect()).unwrap();
        let t = transpose(&x, &[1, 0]).unwrap();
        assert_eq!(t.to_f64_vec(), vec![0., 3., 1., 4., 2., 5.]);
        assert_eq!(
            reshape(&t, &[6]).unwrap().to_f64_vec(),
            vec![0., 3., 1., 4., 2., 5.]
        );
        assert!(reshape(&t, &[4]).is_err());
        assert!(transpose(&x, &[0, 0]).is_err());
        let c = concatenate(&[&x, &x], 0).unwrap();
        assert_eq!(c.shape(), &[4, 3]);
        assert_eq!(
            linspace(0.0, 1.0, 5, DType::F64).unwrap().to_f64_vec(),
            vec![0., 0.25, 0.5, 0.75, 1.]
        );
        assert_eq!(
            arange(1.0, 4.0, 1.0, DType::I64).unwrap().to_f64_vec(),
            vec![1., 2., 3.]
        );
        assert_eq!(
            eye(2, 3, 1, DType::F64).unwrap().to_f64_vec(),
            vec![0., 1., 0., 0., 0., 1.]
        );
    }
}
