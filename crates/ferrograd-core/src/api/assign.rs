//! Differentiable assignment: JAX's `x.at[idx].set(v)` / `.add(v)` / `.mul(v)` as
//! [`Tensor::at`], and the in-place form [`Tensor::set`] on a `mut` binding.
//!
//! Any index expression selects positions of `x`; indexing an int64 "iota" (each element's
//! flat position) with the same expression gives them as flat indices, so every update is one
//! `scatter` / `scatter_add` into the flattened `x`. Gradients flow to `x` (zero where
//! overwritten) and to the values (summed over broadcasting). Repeated positions: `add`
//! accumulates, `mul` multiplies them all, `set` keeps the last write in row-major order of
//! the selection (JAX leaves that case unspecified); derivatives follow the same rule.

use ferrograd_array::kernels::GatherDims;

use super::broadcast::broadcast_to;
use super::index::{index_impl, Idx, IntoIndex};
use super::ok;
use super::operand::{resolve, Operand};
use crate::{interp, lax, Error, Result, Tensor};

/// A pending update of `x` at an index expression; made by [`Tensor::at`].
#[derive(Debug, Clone)]
pub struct At<'a> {
    x: &'a Tensor,
    idx: Vec<Idx>,
}

const FLAT: GatherDims = GatherDims { axis: 0, batch: 0 };

/// The selected flat positions of `x` (int64, shaped like `x[idx]`).
fn positions(x: &Tensor, idx: Vec<Idx>) -> Result<Tensor> {
    let iota: Vec<i64> = (0..x.size() as i64).collect();
    index_impl(&Tensor::from_vec(iota, x.shape()), idx)
}

/// `(flat x, flat positions, flat values)` for an update, with the values cast to x's dtype
/// and broadcast to the selection.
fn operands(
    op: &'static str,
    x: &Tensor,
    idx: Vec<Idx>,
    v: impl Operand,
) -> Result<(Tensor, Tensor, Tensor)> {
    let pos = positions(x, idx)?;
    let [_, v] = resolve([x.into_arg(), v.into_arg()]);
    let v = lax::convert(&v, x.dtype())?;
    let v = broadcast_to(&v, pos.shape()).map_err(|_| {
        Error::invalid(
            op,
            format!(
                "values of shape {:?} cannot be broadcast to the selected shape {:?} of an array of shape {:?}; reshape the values to fit the selection",
                v.shape(),
                pos.shape(),
                x.shape()
            ),
        )
    })?;
    let n = pos.size();
    Ok((
        lax::reshape(x, &[x.size()])?,
        lax::reshape(&pos, &[n])?,
        lax::reshape(&v, &[n])?,
    ))
}

/// Splits flat positions into groups without repeats: group r holds each position's r-th
/// occurrence (as indices into `pos`).
fn occurrence_groups(pos: &[f64]) -> Vec<Vec<i64>> {
    let mut seen = std::collections::HashMap::new();
    let mut groups: Vec<Vec<i64>> = Vec::new();
    for (j, &p) in pos.iter().enumerate() {
        let r = seen.entry(p as i64).or_insert(0usize);
        if *r == groups.len() {
            groups.push(Vec::new());
        }
        groups[*r].push(j as i64);
        *r += 1;
    }
    groups
}

fn mul_impl(x: &Tensor, idx: Vec<Idx>, v: impl Operand) -> Result<Tensor> {
    let (xf, pos, vf) = operands("at().mul", x, idx, v)?;
    let concrete = interp::concrete_value(&pos).ok_or(Error::ConcreteNeeded {
        op: "at().mul",
        hint: "the positions must be known to group repeated indices (they are unless the index arrays are batched by vmap); use at().set(x.index(idx) * v) when the indices are unique",
    })?;
    // One scatter of the factors per occurrence rank: each is a plain product with exact
    // derivatives, and repeated positions multiply all their factors.
    let mut y = xf;
    for g in occurrence_groups(&concrete.to_vec()) {
        let n = g.len();
        let sel = Tensor::from_vec(g, &[n]);
        let (p, f) = (
            lax::gather(&pos, &sel, FLAT)?,
            lax::gather(&vf, &sel, FLAT)?,
        );
        let ones = lax::scalar_like(&y, 1.0);
        y = lax::mul(&y, &lax::scatter(&ones, &p, &f, FLAT)?)?;
    }
    lax::reshape(&y, x.shape())
}

impl At<'_> {
    /// `x[idx]` (the same as [`Tensor::index`]).
    #[track_caller]
    pub fn get(&self) -> Tensor {
        ok(index_impl(self.x, self.idx.clone()))
    }

    /// A copy of `x` with `x[idx] = v` (`v` broadcast to the selection and cast to x's
    /// dtype). Differentiable in `x` (zero gradient where overwritten) and in `v`.
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let x = Tensor::from(vec![1.0, 2.0, 3.0]);
    /// assert_eq!(x.at(-1).set(9.0).to_vec(), vec![1.0, 2.0, 9.0]);
    /// ```
    ///
    /// # Panics
    /// On a bad index (see [`Tensor::index`]) or values that do not broadcast.
    #[track_caller]
    pub fn set(&self, v: impl Operand) -> Tensor {
        ok(self.try_set(v))
    }

    /// Fallible [`At::set`].
    ///
    /// # Errors
    /// As listed under [`At::set`]'s panics.
    pub fn try_set(&self, v: impl Operand) -> Result<Tensor> {
        let (xf, pos, vf) = operands("at().set", self.x, self.idx.clone(), v)?;
        lax::reshape(&lax::scatter(&xf, &pos, &vf, FLAT)?, self.x.shape())
    }

    /// A copy of `x` with `x[idx] += v`; repeated positions accumulate every addition.
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let x = Tensor::from(vec![0.0, 0.0, 0.0]);
    /// let i = Tensor::from(vec![0i64, 2, 0]);
    /// assert_eq!(x.at(&i).add(1.0).to_vec(), vec![2.0, 0.0, 1.0]);
    /// ```
    ///
    /// # Panics
    /// As [`At::set`].
    #[track_caller]
    pub fn add(&self, v: impl Operand) -> Tensor {
        ok(self.try_add(v))
    }

    /// Fallible [`At::add`].
    ///
    /// # Errors
    /// As listed under [`At::set`]'s panics.
    pub fn try_add(&self, v: impl Operand) -> Result<Tensor> {
        let (xf, pos, vf) = operands("at().add", self.x, self.idx.clone(), v)?;
        lax::reshape(&lax::scatter_add(&xf, &pos, &vf, FLAT)?, self.x.shape())
    }

    /// A copy of `x` with `x[idx] *= v`; repeated positions multiply every factor.
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let x = Tensor::from(vec![1.0, 2.0, 3.0]);
    /// let i = Tensor::from(vec![1i64, 1]);
    /// assert_eq!(x.at(&i).mul(3.0).to_vec(), vec![1.0, 18.0, 3.0]);
    /// ```
    ///
    /// # Panics
    /// As [`At::set`], and when the positions are traced (index arrays batched by `vmap`).
    #[track_caller]
    pub fn mul(&self, v: impl Operand) -> Tensor {
        ok(self.try_mul(v))
    }

    /// Fallible [`At::mul`].
    ///
    /// # Errors
    /// As listed under [`At::mul`]'s panics.
    pub fn try_mul(&self, v: impl Operand) -> Result<Tensor> {
        mul_impl(self.x, self.idx.clone(), v)
    }
}

impl Tensor {
    /// The functional update API (JAX's `x.at[idx]`): `x.at(idx).set(v)`, `.add(v)`,
    /// `.mul(v)`, `.get()`, each returning a new tensor. `idx` is anything
    /// [`Tensor::index`] takes.
    ///
    /// ```
    /// use ferrograd_core::{api::Idx, Tensor};
    /// let x = Tensor::zeros_aval(&ferrograd_core::Aval::new(&[2, 3], ferrograd_core::DType::F64));
    /// let y = x.at(&[Idx::from(1), Idx::step(.., 2)]).set(5.0);
    /// assert_eq!(y.to_vec(), vec![0.0, 0.0, 0.0, 5.0, 0.0, 5.0]);
    /// ```
    pub fn at(&self, idx: impl IntoIndex) -> At<'_> {
        At {
            x: self,
            idx: idx.into_index(),
        }
    }

    /// In-place assignment on a `mut` binding: `x.set(idx, v)` rebinds `x` to
    /// `x.at(idx).set(v)` (the old value is untouched wherever else it is shared), so NumPy
    /// loops like `vals[i] = a_i` port directly and stay differentiable.
    ///
    /// ```
    /// use ferrograd_core::Tensor;
    /// let mut vals = Tensor::full_dtype(&[3], 0.0, ferrograd_core::DType::F64);
    /// for i in 0..3 {
    ///     vals.set(i, (i * i) as f64);
    /// }
    /// assert_eq!(vals.to_vec(), vec![0.0, 1.0, 4.0]);
    /// ```
    ///
    /// # Panics
    /// As [`At::set`].
    #[track_caller]
    pub fn set(&mut self, idx: impl IntoIndex, v: impl Operand) {
        let y = self.at(idx).set(v);
        *self = y;
    }

    /// Fallible [`Tensor::set`]; on error `self` is unchanged.
    ///
    /// # Errors
    /// As listed under [`At::set`]'s panics.
    pub fn try_set(&mut self, idx: impl IntoIndex, v: impl Operand) -> Result<()> {
        *self = self.at(idx).try_set(v)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::occurrence_groups;

    #[test]
    fn occurrences_split_repeats() {
        assert_eq!(
            occurrence_groups(&[3.0, 1.0, 3.0, 3.0]),
            vec![vec![0, 1], vec![2], vec![3]]
        );
        assert!(occurrence_groups(&[]).is_empty());
    }
}
