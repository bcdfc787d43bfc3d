//! [`Axes`]: the one argument type for "one axis, several axes, or none" (NumPy's
//! `axis=0`, `axis=(0, -1)`, `axis=None`), and its normalisation against a shape — written
//! once, here, so every function that takes axes accepts the same spellings and reports a bad
//! axis with the same message (the op, the shape, the fix).

use ferrograd_array::shape::normalize_axis;

use crate::{Error, Result};

/// One axis, several axes, or none (NumPy's `axis=None`), as an argument: converts from an
/// integer (`0`, `-1`, an `i64`, `usize` …), an array or slice of `i64` (`[0, -1]`,
/// `&[0, -1]`), a `Vec<i64>`, and `None`. Negative axes count from the end.
///
/// What `None` means is the function's, as in NumPy: every axis for a reduction or `flip`,
/// the flattened array for `cumsum` and `roll`, the reversed order for `permute`, every
/// length-1 axis for `squeeze_axes`.
///
/// ```
/// use ferrograd_core::Tensor;
/// let x = Tensor::from_vec((0..6).map(f64::from).collect(), &[2, 3]);
/// assert_eq!(x.sum_axes(-1, false).to_vec(), vec![3.0, 12.0]); // one axis
/// assert_eq!(x.sum_axes([0, 1], false).item(), 15.0); // several
/// assert_eq!(x.sum_axes(None, true).shape(), &[1, 1]); // all (NumPy's axis=None)
/// assert_eq!(x.cumsum(None).to_vec(), vec![0.0, 1.0, 3.0, 6.0, 10.0, 15.0]); // flattened
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Axes(Option<Vec<i64>>);

impl Axes {
    /// NumPy's `axis=None` (what it means is the function's; see [`Axes`]).
    pub const NONE: Axes = Axes(None);

    /// The listed axes, as given (`None` for NumPy's `axis=None`).
    pub fn as_slice(&self) -> Option<&[i64]> {
        self.0.as_deref()
    }

    /// Whether this is NumPy's `axis=None`.
    pub fn is_none(&self) -> bool {
        self.0.is_none()
    }

    /// The axes in the order given, each in `0..rank`; `None` gives `None`. Repeats are
    /// refused (`roll`, which allows them, uses [`Axes::resolve_each`]).
    pub fn resolve(&self, op: &'static str, shape: &[usize]) -> Result<Option<Vec<usize>>> {
        self.resolve_in(op, shape, shape.len())
    }

    /// As [`Axes::resolve`] against `rank` axes (`expand_dims` counts the result's axes);
    /// `shape` is the input's, for the message.
    pub fn resolve_in(
        &self,
        op: &'static str,
        shape: &[usize],
        rank: usize,
    ) -> Result<Option<Vec<usize>>> {
        let Some(out) = self.resolve_each(op, shape, rank)? else {
            return Ok(None);
        };
        let given = self.0.as_deref().unwrap_or_default();
        for (i, a) in out.iter().enumerate() {
            if out[..i].contains(a) {
                return Err(Error::invalid(
                    op,
                    format!(
                        "repeated axis {} in {given:?} for an array of shape {shape:?}; list each axis once",
                        given[i]
                    ),
                ));
            }
        }
        Ok(Some(out))
    }

    /// The axes in the order given, each in `0..rank`, repeats allowed.
    pub fn resolve_each(
        &self,
        op: &'static str,
        shape: &[usize],
        rank: usize,
    ) -> Result<Option<Vec<usize>>> {
        let Some(given) = self.0.as_deref() else {
            return Ok(None);
        };
        given
            .iter()
            .map(|&a| normalize_axis(op, a, rank).map_err(|_| out_of_range(op, a, shape, rank)))
            .collect::<Result<Vec<_>>>()
            .map(Some)
    }

    /// The axes sorted and unique, `None` meaning all of them: the reductions' reading.
    pub fn resolve_or_all(&self, op: &'static str, shape: &[usize]) -> Result<Vec<usize>> {
        let mut out = self
            .resolve(op, shape)?
            .unwrap_or_else(|| (0..shape.len()).collect());
        out.sort_unstable();
        Ok(out)
    }

    /// `None`, or exactly one axis (for functions NumPy gives one axis or `None`, such as
    /// `cumsum`).
    pub fn resolve_one(&self, op: &'static str, shape: &[usize]) -> Result<Option<usize>> {
        match self.resolve(op, shape)? {
            None => Ok(None),
            Some(a) if a.len() == 1 => Ok(Some(a[0])),
            Some(_) => Err(Error::invalid(
                op,
                format!(
                    "takes one axis or None, got {:?} for an array of shape {shape:?}; \
                     call it once per axis, or pass None for the flattened array",
                    self.0.as_deref().unwrap_or_default()
                ),
            )),
        }
    }
}

/// The one message for an axis outside `-rank..rank`.
fn out_of_range(op: &'static str, axis: i64, shape: &[usize], rank: usize) -> Error {
    let fix = if rank == 0 {
        "it has no axes (reshape it to 1-d first)".to_string()
    } else {
        format!(
            "use an axis in {}..{rank} (negative axes count from the end)",
            -(rank as i64)
        )
    };
    Error::invalid(
        op,
        format!("axis {axis} is out of range for an array of shape {shape:?}; {fix}"),
    )
}

impl From<i64> for Axes {
    fn from(a: i64) -> Self {
        Axes(Some(vec![a]))
    }
}

impl From<i32> for Axes {
    fn from(a: i32) -> Self {
        Axes(Some(vec![i64::from(a)]))
    }
}

impl From<isize> for Axes {
    fn from(a: isize) -> Self {
        Axes(Some(vec![a as i64]))
    }
}

impl From<usize> for Axes {
    fn from(a: usize) -> Self {
        Axes(Some(vec![a as i64]))
    }
}

// Containers hold `i64` only: one element type lets `[0, -1]` and `&[]` infer it.
impl<const N: usize> From<[i64; N]> for Axes {
    fn from(a: [i64; N]) -> Self {
        Axes(Some(a.to_vec()))
    }
}

impl<const N: usize> From<&[i64; N]> for Axes {
    fn from(a: &[i64; N]) -> Self {
        Axes(Some(a.to_vec()))
    }
}

impl From<&[i64]> for Axes {
    fn from(a: &[i64]) -> Self {
        Axes(Some(a.to_vec()))
    }
}

impl From<Vec<i64>> for Axes {
    fn from(a: Vec<i64>) -> Self {
        Axes(Some(a))
    }
}

impl From<&Vec<i64>> for Axes {
    fn from(a: &Vec<i64>) -> Self {
        Axes(Some(a.clone()))
    }
}

// The one `Option` conversion (a second would make a bare `None` ambiguous): `None` is
// NumPy's `axis=None`, and a `Some(slice)` held in a variable still passes through.
impl From<Option<&[i64]>> for Axes {
    fn from(a: Option<&[i64]>) -> Self {
        Axes(a.map(<[i64]>::to_vec))
    }
}

impl From<&Axes> for Axes {
    fn from(a: &Axes) -> Self {
        a.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axes(a: impl Into<Axes>) -> Axes {
        a.into()
    }

    #[test]
    fn every_spelling_converts() {
        let v: Vec<i64> = vec![0, -1];
        assert_eq!(axes(0).as_slice(), Some(&[0][..]));
        assert_eq!(axes(2usize).as_slice(), Some(&[2][..]));
        assert_eq!(axes([0, -1]), axes(&v));
        assert_eq!(axes([0, -1]), axes(&v[..]));
        assert_eq!(axes(v.clone()), axes(Some(&v[..])));
        assert_eq!(axes([]).as_slice(), Some(&[][..]));
        assert!(axes(None).is_none() && Axes::NONE.is_none());
    }

    #[test]
    fn bad_axes_name_the_op_the_shape_and_the_fix() {
        let e = axes([0, 5])
            .resolve("flip", &[2, 3])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("flip") && e.contains("axis 5") && e.contains("[2, 3]"),
            "{e}"
        );
        assert!(e.contains("-2..2"), "{e}");
        let e = axes([1, -1]).resolve("moveaxis", &[2, 3]).unwrap_err();
        assert!(e.to_string().contains("repeated axis -1"), "{e}");
        let e = axes(0).resolve("sum", &[]).unwrap_err().to_string();
        assert!(e.contains("no axes"), "{e}");
        let e = axes([0, 1]).resolve_one("cumsum", &[2, 2]).unwrap_err();
        assert!(e.to_string().contains("one axis or None"), "{e}");
        assert_eq!(
            axes([-1, 0]).resolve_or_all("sum", &[2, 3]).unwrap(),
            [0, 1]
        );
        assert_eq!(
            axes([1, 1]).resolve_each("roll", &[2, 3], 2).unwrap(),
            Some(vec![1, 1])
        );
    }
}
