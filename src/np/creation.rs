//! Creating tensors: `array`, `zeros`, `ones`, `full`, `eye`, `identity`, `arange`,
//! `linspace` and the `*_like` forms.
//!
//! Every function here builds a concrete array, also under a transform: the result is a
//! constant (no derivative flows into it), and the `*_like` forms read only the shape and
//! dtype of their argument, which are known even while it is traced. Float creation defaults
//! to float64, as in NumPy; the `_dtype` forms choose another dtype.

use ferrograd_array::kernels;
use ferrograd_core::api::ok;
use ferrograd_core::{Array, DType, Error, Result, Tensor};

/// A tensor from a Rust value: a scalar, a `Vec`, a slice, a nested array (up to 3-D), an
/// `ndarray` array or another tensor (NumPy's `array`; the dtype follows the Rust type).
///
/// ```
/// use ferrograd::{np, DType};
/// let x = np::array([[1.0, 2.0], [3.0, 4.0]]);
/// assert_eq!(x.shape(), &[2, 2]);
/// assert_eq!(np::array(vec![1i64, 2]).dtype(), DType::I64);
/// ```
pub fn array(x: impl Into<Tensor>) -> Tensor {
    x.into()
}

/// float64 zeros of `shape`.
///
/// ```
/// use ferrograd::np;
/// assert_eq!(np::zeros(&[2, 3]).to_vec(), vec![0.0; 6]);
/// ```
pub fn zeros(shape: &[usize]) -> Tensor {
    full_dtype(shape, 0.0, DType::F64)
}

/// float64 ones of `shape`.
pub fn ones(shape: &[usize]) -> Tensor {
    full_dtype(shape, 1.0, DType::F64)
}

/// A float64 tensor of `shape` with every element `value`.
///
/// ```
/// use ferrograd::np;
/// assert_eq!(np::full(&[2], 2.5).to_vec(), vec![2.5, 2.5]);
/// ```
pub fn full(shape: &[usize], value: f64) -> Tensor {
    full_dtype(shape, value, DType::F64)
}

/// Zeros of `shape` and `dtype`.
pub fn zeros_dtype(shape: &[usize], dtype: DType) -> Tensor {
    full_dtype(shape, 0.0, dtype)
}

/// Ones of `shape` and `dtype`.
pub fn ones_dtype(shape: &[usize], dtype: DType) -> Tensor {
    full_dtype(shape, 1.0, dtype)
}

/// A tensor of `shape` and `dtype` with every element `value` converted to `dtype` (as Rust's
/// `as`: toward zero for integers, `value != 0` for bool).
///
/// ```
/// use ferrograd::{np, DType};
/// let x = np::full_dtype(&[3], 7.0, DType::I64);
/// assert_eq!((x.dtype(), x.to_vec()), (DType::I64, vec![7.0; 3]));
/// ```
pub fn full_dtype(shape: &[usize], value: f64, dtype: DType) -> Tensor {
    Tensor::from_array(Array::full(shape, value, dtype))
}

/// Zeros with `x`'s shape and dtype: a constant, even when `x` is traced.
pub fn zeros_like(x: &Tensor) -> Tensor {
    full_like(x, 0.0)
}

/// Ones with `x`'s shape and dtype: a constant, even when `x` is traced.
pub fn ones_like(x: &Tensor) -> Tensor {
    full_like(x, 1.0)
}

/// `value` (converted to `x`'s dtype) in `x`'s shape: a constant, even when `x` is traced,
/// so no derivative flows through it.
///
/// ```
/// use ferrograd::{np, DType};
/// let x = np::array(vec![1i64, 2, 3]);
/// let y = np::full_like(&x, 2.7); // int64, so 2.7 becomes 2
/// assert_eq!((y.dtype(), y.to_vec()), (DType::I64, vec![2.0; 3]));
/// ```
pub fn full_like(x: &Tensor, value: f64) -> Tensor {
    full_dtype(x.shape(), value, x.dtype())
}

/// The float64 `n × n` identity matrix (NumPy's `eye(n)`).
pub fn eye(n: usize) -> Tensor {
    eye_nm(n, n, 0)
}

/// The float64 `n × m` matrix with ones on diagonal `k` (0 the main one, positive above,
/// negative below), as NumPy's `eye(n, m, k)`. Convert with `astype` for other dtypes.
///
/// ```
/// use ferrograd::np;
/// assert_eq!(np::eye_nm(2, 3, 1).to_vec(), vec![0., 1., 0., 0., 0., 1.]);
/// ```
pub fn eye_nm(n: usize, m: usize, k: i64) -> Tensor {
    // The kernel cannot fail for these arguments; `ok` keeps the path panic-free otherwise.
    ok(kernels::eye(n, m, k, DType::F64)
        .map(Tensor::from_array)
        .map_err(Error::from))
}

/// The float64 `n × n` identity matrix (NumPy's `identity`).
pub fn identity(n: usize) -> Tensor {
    eye(n)
}

/// float64 values `start, start + step, …` strictly before `stop` (NumPy's `arange`): the
/// length is `ceil((stop - start) / step)`, or 0 when that is negative. For integer ranges
/// use [`arange_i64`] (or `arange(..).astype(DType::I64)`, exact below 2^53).
///
/// ```
/// use ferrograd::np;
/// assert_eq!(np::arange(1.0, 2.0, 0.25).to_vec(), vec![1.0, 1.25, 1.5, 1.75]);
/// assert_eq!(np::arange(3.0, 0.0, -1.0).to_vec(), vec![3.0, 2.0, 1.0]);
/// ```
///
/// # Panics
/// If `step` is zero or any argument is not finite (see [`try_arange`]).
#[track_caller]
pub fn arange(start: f64, stop: f64, step: f64) -> Tensor {
    ok(try_arange(start, stop, step))
}

/// Fallible [`arange`].
///
/// # Errors
/// If `step` is zero or any argument is NaN or infinite.
pub fn try_arange(start: f64, stop: f64, step: f64) -> Result<Tensor> {
    Ok(Tensor::from_array(kernels::arange(
        start,
        stop,
        step,
        DType::F64,
    )?))
}

/// int64 values `start, start + step, …` strictly before `stop`, computed exactly in
/// integers (NumPy's `arange` with integer arguments).
///
/// ```
/// use ferrograd::np;
/// assert_eq!(np::arange_i64(0, 7, 3).to_vec(), vec![0.0, 3.0, 6.0]);
/// ```
///
/// # Panics
/// If `step` is zero (see [`try_arange_i64`]).
#[track_caller]
pub fn arange_i64(start: i64, stop: i64, step: i64) -> Tensor {
    ok(try_arange_i64(start, stop, step))
}

/// Fallible [`arange_i64`].
///
/// # Errors
/// If `step` is zero.
pub fn try_arange_i64(start: i64, stop: i64, step: i64) -> Result<Tensor> {
    if step == 0 {
        return Err(Error::invalid(
            "arange_i64",
            format!("step must be non-zero (got start {start}, stop {stop}, step 0)"),
        ));
    }
    // ceil((stop - start) / step) in i128, so no intermediate overflows.
    let (span, step128) = (stop as i128 - start as i128, step as i128);
    let n = if (span > 0) == (step > 0) && span != 0 {
        (span + step128 - step128.signum()) / step128
    } else {
        0
    };
    let values: Vec<i64> = (0..n)
        .map(|i| (start as i128 + i * step128) as i64)
        .collect();
    Tensor::try_from_vec(values, &[n as usize])
}

/// `num` evenly spaced float64 values from `start` to `stop`, both included (NumPy's
/// `linspace`); the last value is exactly `stop`. `num = 1` gives `[start]`, `num = 0` an
/// empty tensor.
///
/// ```
/// use ferrograd::np;
/// assert_eq!(np::linspace(0.0, 1.0, 5).to_vec(), vec![0.0, 0.25, 0.5, 0.75, 1.0]);
/// ```
pub fn linspace(start: f64, stop: f64, num: usize) -> Tensor {
    ok(kernels::linspace(start, stop, num, DType::F64)
        .map(Tensor::from_array)
        .map_err(Error::from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filled_tensors_have_shape_dtype_and_value() {
        let z = zeros(&[2, 0, 3]);
        assert_eq!(
            (z.shape(), z.dtype(), z.size()),
            (&[2, 0, 3][..], DType::F64, 0)
        );
        assert_eq!(ones(&[]).item(), 1.0);
        let b = ones_dtype(&[2], DType::Bool);
        assert_eq!((b.dtype(), b.to_vec()), (DType::Bool, vec![1.0, 1.0]));
        let f = full_dtype(&[2], -2.9, DType::I64);
        assert_eq!(f.to_vec(), vec![-2.0, -2.0]);
        let f32s = zeros_dtype(&[3], DType::F32);
        assert_eq!(f32s.dtype(), DType::F32);
    }

    #[test]
    fn like_forms_keep_shape_and_dtype() {
        let x = Tensor::from([[1.0f32, 2.0, 3.0]]);
        let o = ones_like(&x);
        assert_eq!((o.shape(), o.dtype()), (&[1, 3][..], DType::F32));
        assert_eq!(full_like(&x, 0.5).to_vec(), vec![0.5; 3]);
        assert_eq!(zeros_like(&Tensor::from(true)).dtype(), DType::Bool);
    }

    #[test]
    fn like_forms_are_constants_under_a_transform() {
        let f = |x: &Tensor| {
            let one = ones_like(x);
            assert!(one.is_concrete(), "ones_like of a tracer is a constant");
            x * 2.0 + one
        };
        let (y, y_dot): (Tensor, Tensor) = crate::jvp(
            f,
            &Tensor::from(vec![1.0, 3.0]),
            &Tensor::from(vec![1.0, 1.0]),
        );
        assert_eq!(
            (y.to_vec(), y_dot.to_vec()),
            (vec![3.0, 7.0], vec![2.0, 2.0])
        );
    }

    #[test]
    fn arange_lengths_follow_numpy() {
        assert_eq!(arange(0.0, 1.0, 0.1).size(), 10);
        assert_eq!(arange(0.0, 1.0, 0.3).to_vec().len(), 4); // 0, .3, .6, .9
        assert_eq!(arange(0.0, 5.0, 1.0).to_vec(), vec![0., 1., 2., 3., 4.]);
        assert_eq!(arange(0.5, 3.0, 1.0).to_vec(), vec![0.5, 1.5, 2.5]);
        assert_eq!(arange(2.0, 2.0, 1.0).size(), 0);
        assert_eq!(arange(5.0, 0.0, 1.0).size(), 0);
        assert_eq!(arange(1.0, -1.0, -0.5).to_vec(), vec![1.0, 0.5, 0.0, -0.5]);
        assert!(try_arange(0.0, 1.0, 0.0).is_err());
        assert!(try_arange(0.0, f64::NAN, 1.0).is_err());
    }

    #[test]
    fn integer_arange_is_exact() {
        let x = arange_i64(-3, 8, 4);
        assert_eq!((x.dtype(), x.to_vec()), (DType::I64, vec![-3.0, 1.0, 5.0]));
        assert_eq!(arange_i64(5, -5, -3).to_vec(), vec![5.0, 2.0, -1.0, -4.0]);
        assert_eq!(arange_i64(0, 5, -1).size(), 0);
        assert_eq!(arange_i64(0, 0, 1).size(), 0);
        let big = arange_i64(i64::MAX - 2, i64::MAX, 1);
        assert_eq!(
            big.to_ndarray::<i64>().as_slice(),
            Some(&[i64::MAX - 2, i64::MAX - 1][..])
        );
        let e = try_arange_i64(0, 3, 0).unwrap_err().to_string();
        assert!(e.contains("arange_i64") && e.contains("non-zero"), "{e}");
    }

    #[test]
    #[should_panic(expected = "non-zero step")]
    fn arange_with_zero_step_panics() {
        arange(0.0, 1.0, 0.0);
    }

    #[test]
    fn linspace_endpoints_and_edge_counts() {
        let x = linspace(-1.0, 2.0, 7);
        let v = x.to_vec();
        assert_eq!((v[0], v[6], v[3]), (-1.0, 2.0, 0.5));
        let y = linspace(0.0, 0.3, 4).to_vec();
        assert_eq!(y[3], 0.3); // exact endpoint, not 0.1 * 3
        assert_eq!(linspace(4.0, 9.0, 1).to_vec(), vec![4.0]);
        assert_eq!(linspace(4.0, 9.0, 0).shape(), &[0]);
        assert_eq!(linspace(1.0, 0.0, 3).to_vec(), vec![1.0, 0.5, 0.0]);
    }

    #[test]
    fn eye_offsets() {
        assert_eq!(eye(2).to_vec(), vec![1., 0., 0., 1.]);
        assert_eq!(identity(3).shape(), &[3, 3]);
        assert_eq!(eye_nm(3, 2, -1).to_vec(), vec![0., 0., 1., 0., 0., 1.]);
        assert_eq!(eye_nm(2, 2, 5).to_vec(), vec![0.0; 4]);
        assert_eq!(eye_nm(0, 3, 0).shape(), &[0, 3]);
    }

    #[test]
    fn array_accepts_rust_values() {
        assert_eq!(array(2.0).shape(), &[] as &[usize]);
        assert_eq!(array([1.0f32, 2.0]).dtype(), DType::F32);
        assert_eq!(array([[[true]]]).shape(), &[1, 1, 1]);
    }
}
