//! Building tensors from Rust values and reading them back.

use ferrograd_array::{Array, DType, Element};
use ndarray::ArrayD;

use super::ok;
use crate::{lax, Error, Result, Tensor};

/// Why a value cannot be read inside `vmap`, and what to write instead.
const JIT_HINT: &str = "under jit the function is traced with abstract values (shapes and dtypes only), so a value cannot be read as numbers (item, to_vec) or decide a Rust `if`/`match`/loop; branch with ferrograd::cond or switch, loop with while_loop, fori_loop or scan, choose elementwise with np::where_ (a select), or return the value from the jitted function and read it outside";

const VMAP_HINT: &str = "inside vmap a value stands for a whole batch, so it cannot be read as numbers (item, to_vec) or decide a Rust `if`/`match`/loop for every member at once; branch with ferrograd::cond or switch (both branches run, each member takes its own), loop with while_loop, fori_loop or scan, choose elementwise with np::where_ (a select), or loop over the batch in Rust outside vmap";

/// Why `op` cannot read a traced value, and what to write instead.
fn traced_error(op: &'static str) -> Error {
    Error::ConcreteNeeded {
        op,
        hint: if crate::interp::batch::active() {
            VMAP_HINT
        } else if crate::interp::stage::jit_active() {
            JIT_HINT
        } else {
            "reading values is impossible while a transform traces them (the body of cond, while_loop, fori_loop, scan or checkpoint is traced once, abstractly): branch with ferrograd::cond or switch, loop with while_loop, fori_loop or scan, or choose elementwise with np::where_"
        },
    }
}

impl Tensor {
    /// A tensor of `shape` from row-major `values`.
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let x = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[2, 2]);
    /// assert_eq!(x.shape(), &[2, 2]);
    /// ```
    ///
    /// # Panics
    /// If the number of values does not match the shape (see [`Tensor::try_from_vec`]).
    #[track_caller]
    pub fn from_vec<T: Element>(values: Vec<T>, shape: &[usize]) -> Tensor {
        ok(Self::try_from_vec(values, shape))
    }

    /// Fallible [`Tensor::from_vec`].
    pub fn try_from_vec<T: Element>(values: Vec<T>, shape: &[usize]) -> Result<Tensor> {
        Ok(Tensor::from_array(Array::from_vec(shape, values)?))
    }

    /// A 0-d tensor.
    pub fn scalar<T: Element>(x: T) -> Tensor {
        Tensor::from_array(Array::scalar(x))
    }

    /// The concrete array, or an error explaining that the value is traced.
    pub fn try_array(&self, op: &'static str) -> Result<&Array> {
        self.as_array().ok_or_else(|| traced_error(op))
    }

    /// The concrete value as an owned array ([`Tensor::value`]), or an error explaining that
    /// the value is traced. Under `grad` and `jvp` a value is known (its primal), so Rust
    /// control flow on it works there, as in JAX; read this way it is a constant to them.
    pub fn try_value(&self, op: &'static str) -> Result<Array> {
        self.value()
            .or_else(|| crate::interp::concrete_value(self).and_then(|v| v.value()))
            .ok_or_else(|| traced_error(op))
    }

    /// The value as an owned array only if the tensor holds data (a value traced by any
    /// transform is refused, even one whose value is known): what stores values, which would
    /// otherwise silently drop a derivative, takes this path.
    pub fn try_stored_value(&self, op: &'static str) -> Result<Array> {
        self.value().ok_or_else(|| traced_error(op))
    }

    /// The value of a tensor with one element, as f64.
    ///
    /// # Panics
    /// If the tensor has more than one element, or is being traced.
    #[track_caller]
    pub fn item(&self) -> f64 {
        ok(self.try_item())
    }

    /// Fallible [`Tensor::item`].
    pub fn try_item(&self) -> Result<f64> {
        let a = self.try_value("item")?;
        if a.size() != 1 {
            return Err(Error::NotScalar {
                op: "item",
                shape: a.shape().to_vec(),
                fix: "only a tensor with one element can be converted to a number; index one element first",
            });
        }
        if let Some(x) = a.as_scalar::<f64>() {
            return Ok(x);
        }
        Ok(a.to_f64_vec()[0])
    }

    /// All values in row-major order, as f64.
    ///
    /// # Panics
    /// If the tensor is being traced.
    #[track_caller]
    pub fn to_vec(&self) -> Vec<f64> {
        ok(self.try_value("to_vec")).to_f64_vec()
    }

    /// The values as an `ndarray` array of element type `T` (which must be the dtype).
    ///
    /// # Panics
    /// If `T` is not the tensor's dtype, or the tensor is being traced.
    #[track_caller]
    pub fn to_ndarray<T: Element>(&self) -> ArrayD<T> {
        let a = ok(self.try_value("to_ndarray"));
        ok(a.view::<T>("to_ndarray").map_err(Error::from)).to_owned()
    }

    /// Converts to another dtype (NumPy's `astype`); differentiable between float dtypes.
    #[track_caller]
    pub fn astype(&self, dtype: DType) -> Tensor {
        ok(lax::convert(self, dtype))
    }
}

impl<T: Element> From<ArrayD<T>> for Tensor {
    fn from(a: ArrayD<T>) -> Self {
        Tensor::from_array(Array::from_ndarray(a))
    }
}

macro_rules! from_scalar {
    ($($t:ty),*) => {$(
        impl From<$t> for Tensor {
            fn from(x: $t) -> Self {
                Tensor::scalar(x)
            }
        }
        impl From<Vec<$t>> for Tensor {
            fn from(v: Vec<$t>) -> Self {
                let n = v.len();
                Tensor::from_vec(v, &[n])
            }
        }
        impl From<&[$t]> for Tensor {
            fn from(v: &[$t]) -> Self {
                Tensor::from(v.to_vec())
            }
        }
        impl<const N: usize> From<[$t; N]> for Tensor {
            fn from(v: [$t; N]) -> Self {
                Tensor::from(v.to_vec())
            }
        }
        impl<const N: usize, const M: usize> From<[[$t; N]; M]> for Tensor {
            fn from(v: [[$t; N]; M]) -> Self {
                Tensor::from_vec(v.iter().flatten().copied().collect(), &[M, N])
            }
        }
        impl<const N: usize, const M: usize, const L: usize> From<[[[$t; N]; M]; L]> for Tensor {
            fn from(v: [[[$t; N]; M]; L]) -> Self {
                Tensor::from_vec(v.iter().flatten().flatten().copied().collect(), &[L, M, N])
            }
        }
    )*};
}
from_scalar!(f64, f32, i64, bool);

impl From<&Tensor> for Tensor {
    fn from(x: &Tensor) -> Self {
        x.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_and_reads() {
        let x = Tensor::from([[1.0, 2.0], [3.0, 4.0]]);
        assert_eq!(x.shape(), &[2, 2]);
        assert_eq!(x.to_vec(), vec![1.0, 2.0, 3.0, 4.0]);
        assert_eq!(Tensor::from(2.5).item(), 2.5);
        assert_eq!(Tensor::from(vec![1i64, 2]).dtype(), DType::I64);
        assert!(Tensor::from(vec![1.0, 2.0]).try_item().is_err());
    }
}
