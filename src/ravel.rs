//! `ravel` / `unravel`: a pytree as one 1-D vector and back (JAX's `ravel_pytree`, autograd's
//! `flatten`). Both directions are compositions of reshape, concatenate, slice and convert,
//! so they are differentiable: optimizers and solvers written for vectors work on any tree.

use ferrograd_core::api::ok;
use ferrograd_core::tree::{leaves, rebuild};
use ferrograd_core::{lax, Aval, DType, Error, Result, Tensor, Tree};

/// Restores a vector made by [`ravel`] to the tree it came from (shapes and dtypes).
#[derive(Debug, Clone)]
pub struct Unravel<T> {
    template: T,
    avals: Vec<Aval>,
    dtype: DType,
}

/// Flattens every leaf of `tree` (row-major) and joins them into one 1-D vector of their
/// common dtype (NumPy promotion; float64 for a tree without leaves), returned with the
/// [`Unravel`] that undoes it.
///
/// ```
/// use std::collections::BTreeMap;
/// use ferrograd::{ravel, Tensor};
/// let mut params = BTreeMap::new();
/// params.insert("b".to_string(), Tensor::from(vec![1.0, 2.0]));
/// params.insert("w".to_string(), Tensor::from([[3.0, 4.0], [5.0, 6.0]]));
/// let (v, unravel) = ravel(&params);
/// assert_eq!(v.to_vec(), vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
/// assert_eq!(unravel.apply(&v)["w"].shape(), &[2, 2]);
/// ```
#[track_caller]
pub fn ravel<T: Tree + Clone>(tree: &T) -> (Tensor, Unravel<T>) {
    ok(try_ravel(tree))
}

/// Fallible [`ravel`].
pub fn try_ravel<T: Tree + Clone>(tree: &T) -> Result<(Tensor, Unravel<T>)> {
    let xs = leaves(tree);
    let avals: Vec<Aval> = xs.iter().map(Tensor::aval).collect();
    let dtype = avals
        .iter()
        .map(|a| a.dtype)
        .reduce(DType::promote)
        .unwrap_or(DType::F64);
    let parts = xs
        .iter()
        .map(|x| lax::reshape(&lax::convert(x, dtype)?, &[x.size()]))
        .collect::<Result<Vec<_>>>()?;
    let v = match parts.len() {
        0 => Tensor::full_dtype(&[0], 0.0, dtype),
        1 => parts[0].clone(),
        _ => lax::concatenate(&parts, 0)?,
    };
    let unravel = Unravel {
        template: tree.clone(),
        avals,
        dtype,
    };
    Ok((v, unravel))
}

impl<T: Tree> Unravel<T> {
    /// The tree whose leaves are consecutive pieces of `v`.
    ///
    /// # Panics
    /// If `v` is not a 1-D vector of the raveled length and dtype.
    #[track_caller]
    pub fn apply(&self, v: &Tensor) -> T {
        ok(self.try_apply(v))
    }

    /// Fallible [`Unravel::apply`].
    pub fn try_apply(&self, v: &Tensor) -> Result<T> {
        let n: usize = self.avals.iter().map(Aval::size).sum();
        if v.shape() != [n] || v.dtype() != self.dtype {
            return Err(Error::invalid(
                "unravel",
                format!(
                    "expected a vector of shape [{n}] and dtype {}, got shape {:?} and dtype {} (pass the vector made by ravel, or one shaped like it)",
                    self.dtype,
                    v.shape(),
                    v.dtype()
                ),
            ));
        }
        let mut offset = 0;
        let mut xs = Vec::with_capacity(self.avals.len());
        for a in &self.avals {
            let piece = lax::slice(v, &[offset], &[offset + a.size()], &[1])?;
            offset += a.size();
            xs.push(lax::convert(&lax::reshape(&piece, &a.shape)?, a.dtype)?);
        }
        Ok(rebuild(&self.template, xs))
    }

    /// The number of elements of the raveled vector.
    pub fn len(&self) -> usize {
        self.avals.iter().map(Aval::size).sum()
    }

    /// True for a tree without elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// `unravel.apply(v)` as a free function.
#[track_caller]
pub fn unravel<T: Tree>(unravel: &Unravel<T>, v: &Tensor) -> T {
    unravel.apply(v)
}
