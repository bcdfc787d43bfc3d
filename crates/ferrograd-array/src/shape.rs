//! Shapes, NumPy's broadcasting rule and axis normalisation — each written once, here.

use crate::{Error, Result};

/// The shape of an array; inline for rank ≤ 4, so cloning one rarely allocates.
pub type Shape = smallvec::SmallVec<[usize; 4]>;

/// Number of elements of a shape (1 for a 0-d shape).
pub fn size(shape: &[usize]) -> usize {
    shape.iter().product()
}

/// NumPy's broadcasting rule: align trailing axes; each pair must be equal or contain a 1.
///
/// ```
/// use ferrograd_array::shape::broadcast_shapes;
/// assert_eq!(broadcast_shapes("add", &[3, 1], &[4]).unwrap().as_slice(), &[3, 4]);
/// assert!(broadcast_shapes("add", &[3], &[4]).is_err());
/// ```
pub fn broadcast_shapes(op: &'static str, a: &[usize], b: &[usize]) -> Result<Shape> {
    let rank = a.len().max(b.len());
    let mut out = Shape::with_capacity(rank);
    for i in 0..rank {
        let da = if i + a.len() >= rank {
            a[i + a.len() - rank]
        } else {
            1
        };
        let db = if i + b.len() >= rank {
            b[i + b.len() - rank]
        } else {
            1
        };
        out.push(match (da, db) {
            (x, y) if x == y => x,
            (1, y) => y,
            (x, 1) => x,
            _ => {
                return Err(Error::ShapeMismatch {
                    op,
                    lhs: a.to_vec(),
                    rhs: b.to_vec(),
                    hint: "broadcasting needs each pair of trailing axes to be equal or 1; reshape or expand_dims one operand",
                })
            }
        });
    }
    Ok(out)
}

/// Turns a possibly negative axis into an index in `0..rank`.
pub fn normalize_axis(op: &'static str, axis: i64, rank: usize) -> Result<usize> {
    let r = rank as i64;
    if axis < -r || axis >= r {
        return Err(Error::AxisOutOfRange { op, axis, rank });
    }
    Ok(if axis < 0 {
        (axis + r) as usize
    } else {
        axis as usize
    })
}

/// Normalises a list of axes, rejecting repeats; the result is sorted.
pub fn normalize_axes(op: &'static str, axes: &[i64], rank: usize) -> Result<Vec<usize>> {
    let mut out = axes
        .iter()
        .map(|&a| normalize_axis(op, a, rank))
        .collect::<Result<Vec<_>>>()?;
    out.sort_unstable();
    if out.windows(2).any(|w| w[0] == w[1]) {
        return Err(Error::invalid(op, format!("repeated axis in {axes:?}")));
    }
    Ok(out)
}

/// The dims of `shape` that broadcasting to `target` maps it onto (trailing alignment).
pub fn broadcast_dims(shape: &[usize], target: &[usize]) -> Vec<usize> {
    (target.len() - shape.len()..target.len()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broadcasting_follows_numpy() {
        assert_eq!(
            broadcast_shapes("t", &[], &[2, 3]).unwrap().as_slice(),
            &[2, 3]
        );
        assert_eq!(
            broadcast_shapes("t", &[0, 1], &[5]).unwrap().as_slice(),
            &[0, 5]
        );
        assert_eq!(
            broadcast_shapes("t", &[2, 1, 4], &[3, 1])
                .unwrap()
                .as_slice(),
            &[2, 3, 4]
        );
        let e = broadcast_shapes("add", &[2, 3], &[4])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("add") && e.contains("[2, 3]") && e.contains("[4]"),
            "{e}"
        );
    }

    #[test]
    fn axes_normalise() {
        assert_eq!(normalize_axis("t", -1, 3).unwrap(), 2);
        assert!(normalize_axis("t", 3, 3).is_err());
        assert!(normalize_axis("t", -4, 3).is_err());
        assert_eq!(normalize_axes("t", &[-1, 0], 3).unwrap(), vec![0, 2]);
        assert!(normalize_axes("t", &[1, -2], 3).is_err());
    }
}
