//! NumPy's shape functions: split / array_split, tile, repeat, pad, flip, roll and the
//! stacking helpers. Each is a composition of primitives (slice, concatenate, gather, rev,
//! broadcast_in_dim, pad), so each is differentiable in both modes and batchable.

use ferrograd_array::shape::normalize_axis;
use ferrograd_core::api::ok;
use ferrograd_core::{lax, Axes, Error, Result};

use crate::Tensor;

/// The part `[lo, hi)` of `axis`.
fn part(x: &Tensor, axis: usize, lo: usize, hi: usize) -> Result<Tensor> {
    let mut start = vec![0; x.ndim()];
    let mut limit = x.shape().to_vec();
    (start[axis], limit[axis]) = (lo, hi);
    lax::slice(x, &start, &limit, &vec![1; x.ndim()])
}

fn axis_of(op: &'static str, x: &Tensor, axis: i64) -> Result<usize> {
    if x.ndim() == 0 {
        return Err(Error::rank(
            op,
            "at least one axis",
            x.shape(),
            "a 0-d array has no axis to work along; reshape it to 1-d first",
        ));
    }
    Ok(normalize_axis(op, axis, x.ndim())?)
}

/// Splits at the given boundaries (clamped like NumPy's).
fn split_at(x: &Tensor, bounds: &[usize], axis: usize) -> Result<Vec<Tensor>> {
    let n = x.shape()[axis];
    let mut cuts = vec![0];
    cuts.extend(bounds.iter().map(|&b| b.min(n)));
    cuts.push(n);
    cuts.windows(2)
        .map(|w| part(x, axis, w[0], w[1].max(w[0])))
        .collect()
}

fn array_split_impl(x: &Tensor, sections: usize, axis: i64) -> Result<Vec<Tensor>> {
    let axis = axis_of("array_split", x, axis)?;
    if sections == 0 {
        return Err(Error::invalid(
            "array_split",
            "the number of sections must be ≥ 1",
        ));
    }
    // NumPy: the first n % sections parts get one extra element.
    let (n, s) = (x.shape()[axis], sections);
    let bounds: Vec<usize> = (1..s).map(|i| i * (n / s) + i.min(n % s)).collect();
    split_at(x, &bounds, axis)
}

/// `np.split(x, sections, axis)`: `sections` equal parts along `axis`.
///
/// ```
/// use ferrograd::{np, Tensor};
/// let x = Tensor::from(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
/// let parts = np::split(&x, 3, 0);
/// assert_eq!(parts[1].to_vec(), vec![3.0, 4.0]);
/// ```
///
/// # Panics
/// If the axis length is not divisible by `sections` (use [`array_split`]), or the axis is
/// out of range.
#[track_caller]
pub fn split(x: &Tensor, sections: usize, axis: i64) -> Vec<Tensor> {
    ok((|| {
        let a = axis_of("split", x, axis)?;
        if sections == 0 || !x.shape()[a].is_multiple_of(sections) {
            return Err(Error::invalid(
                "split",
                format!(
                    "axis {axis} of shape {:?} does not divide into {sections} equal sections (use array_split for unequal ones)",
                    x.shape()
                ),
            ));
        }
        array_split_impl(x, sections, axis)
    })())
}

/// `np.split(x, indices, axis)`: parts `[..i0], [i0..i1], …, [ik..]` along `axis`.
///
/// # Panics
/// If the indices are not ascending or the axis is out of range.
#[track_caller]
pub fn split_indices(x: &Tensor, indices: &[usize], axis: i64) -> Vec<Tensor> {
    ok((|| {
        let a = axis_of("split", x, axis)?;
        split_at(x, indices, a)
    })())
}

/// `np.array_split(x, sections, axis)`: like [`split`], but the first `n % sections` parts
/// get one element more when the length does not divide.
///
/// ```
/// use ferrograd::{np, Tensor};
/// let x = Tensor::from(vec![0.0, 1.0, 2.0, 3.0, 4.0]);
/// let sizes: Vec<usize> = np::array_split(&x, 3, 0).iter().map(|p| p.size()).collect();
/// assert_eq!(sizes, vec![2, 2, 1]);
/// ```
#[track_caller]
pub fn array_split(x: &Tensor, sections: usize, axis: i64) -> Vec<Tensor> {
    ok(array_split_impl(x, sections, axis))
}

/// `np.tile(x, reps)`: `x` repeated `reps[i]` times along each axis (`reps` shorter than the
/// rank applies to the trailing axes; longer adds leading axes).
///
/// ```
/// use ferrograd::{np, Tensor};
/// let x = Tensor::from(vec![1.0, 2.0]);
/// assert_eq!(np::tile(&x, &[2, 2]).to_vec(), vec![1.0, 2.0, 1.0, 2.0, 1.0, 2.0, 1.0, 2.0]);
/// ```
#[track_caller]
pub fn tile(x: &Tensor, reps: &[usize]) -> Tensor {
    ok((|| {
        let r = reps.len().max(x.ndim());
        let mut shape = vec![1; r - x.ndim()];
        shape.extend_from_slice(x.shape());
        let mut reps_full = vec![1; r - reps.len()];
        reps_full.extend_from_slice(reps);
        // Broadcast to [rep0, d0, rep1, d1, …] and merge each pair (one copy).
        let big: Vec<usize> = (0..r).flat_map(|i| [reps_full[i], shape[i]]).collect();
        let dims: Vec<usize> = (0..r).map(|i| 2 * i + 1).collect();
        let x = lax::reshape(x, &shape)?;
        let y = lax::broadcast_in_dim(&x, &big, &dims)?;
        let out: Vec<usize> = (0..r).map(|i| reps_full[i] * shape[i]).collect();
        lax::reshape(&y, &out)
    })())
}

/// `np.repeat(x, repeats, axis)`: each element repeated `repeats` times along `axis`
/// (`None`: of the flattened array).
///
/// ```
/// use ferrograd::{np, Tensor};
/// let x = Tensor::from(vec![1.0, 2.0]);
/// assert_eq!(np::repeat(&x, 2, None).to_vec(), vec![1.0, 1.0, 2.0, 2.0]);
/// ```
#[track_caller]
pub fn repeat(x: &Tensor, repeats: usize, axis: Option<i64>) -> Tensor {
    x.repeat(&[repeats], axis)
}

/// `np.repeat(x, [r0, r1, …], axis)`: element `i` repeated `repeats[i]` times.
///
/// ```
/// use ferrograd::{np, Tensor};
/// let x = Tensor::from(vec![1.0, 2.0, 3.0]);
/// assert_eq!(np::repeat_each(&x, &[2, 0, 1], Some(0)).to_vec(), vec![1.0, 1.0, 3.0]);
/// ```
///
/// # Panics
/// If there is neither one count nor one per element of the axis.
#[track_caller]
pub fn repeat_each(x: &Tensor, repeats: &[usize], axis: Option<i64>) -> Tensor {
    x.repeat(repeats, axis)
}

/// How [`pad`] fills the border.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PadMode {
    /// A constant value (NumPy's `mode='constant', constant_values=v`).
    Constant(f64),
    /// The edge element repeated (`mode='edge'`).
    Edge,
    /// Mirrored without repeating the edge (`mode='reflect'`): `[1, 2, 3]` → `[3, 2, 1, 2, 3]`.
    Reflect,
    /// Mirrored repeating the edge (`mode='symmetric'`).
    Symmetric,
    /// Wrapped around (`mode='wrap'`).
    Wrap,
}

/// The source position of output position `i` (in `-lo..n+hi`, shifted) for a border mode.
fn source_index(mode: PadMode, i: i64, n: i64) -> i64 {
    match mode {
        PadMode::Edge | PadMode::Constant(_) => i.clamp(0, n - 1),
        PadMode::Wrap => i.rem_euclid(n),
        PadMode::Reflect if n == 1 => 0,
        PadMode::Reflect => {
            let m = i.rem_euclid(2 * (n - 1));
            if m < n {
                m
            } else {
                2 * (n - 1) - m
            }
        }
        PadMode::Symmetric => {
            let m = i.rem_euclid(2 * n);
            if m < n {
                m
            } else {
                2 * n - 1 - m
            }
        }
    }
}

fn pad_impl(x: &Tensor, widths: &[(usize, usize)], mode: PadMode) -> Result<Tensor> {
    let w: Vec<(usize, usize)> = match widths.len() {
        1 => vec![widths[0]; x.ndim()],
        k if k == x.ndim() => widths.to_vec(),
        k => {
            return Err(Error::invalid(
                "pad",
                format!(
                    "{k} (before, after) widths for an array of shape {:?} (give 1 or {})",
                    x.shape(),
                    x.ndim()
                ),
            ))
        }
    };
    if let PadMode::Constant(v) = mode {
        let (lo, hi): (Vec<usize>, Vec<usize>) = w.iter().copied().unzip();
        return lax::pad(x, &lo, &hi, &vec![0; x.ndim()], v);
    }
    let mut y = x.clone();
    for (axis, &(lo, hi)) in w.iter().enumerate() {
        let n = x.shape()[axis] as i64;
        if lo + hi == 0 {
            continue;
        }
        if n == 0 {
            return Err(Error::invalid(
                "pad",
                format!(
                    "cannot extend the empty axis {axis} of shape {:?} with {mode:?}",
                    x.shape()
                ),
            ));
        }
        let idx: Vec<i64> = (-(lo as i64)..n + hi as i64)
            .map(|i| source_index(mode, i, n))
            .collect();
        let len = idx.len();
        y = y.try_take(&Tensor::from_vec(idx, &[len]), Some(axis as i64))?;
    }
    Ok(y)
}

/// `np.pad(x, widths, mode)`: `widths[i] = (before, after)` for axis `i` (one pair applies to
/// every axis). Reflect, symmetric and wrap accept widths beyond the axis length, as NumPy.
///
/// ```
/// use ferrograd::{np, Tensor};
/// use ferrograd::np::PadMode;
/// let x = Tensor::from(vec![1.0, 2.0, 3.0]);
/// assert_eq!(np::pad(&x, &[(2, 1)], PadMode::Reflect).to_vec(), vec![3.0, 2.0, 1.0, 2.0, 3.0, 2.0]);
/// assert_eq!(np::pad(&x, &[(1, 1)], PadMode::Edge).to_vec(), vec![1.0, 1.0, 2.0, 3.0, 3.0]);
/// assert_eq!(np::pad(&x, &[(1, 0)], PadMode::Constant(9.0)).to_vec(), vec![9.0, 1.0, 2.0, 3.0]);
/// ```
///
/// # Panics
/// If the number of width pairs is neither 1 nor the rank, or an empty axis is to be
/// extended by a non-constant mode.
#[track_caller]
pub fn pad(x: &Tensor, widths: &[(usize, usize)], mode: PadMode) -> Tensor {
    ok(pad_impl(x, widths, mode))
}

/// `np.flip(x, axis)`: reverses the order along one axis, several, or all for `None`
/// ([`Axes`]).
///
/// ```
/// use ferrograd::{np, Tensor};
/// let x = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[2, 2]);
/// assert_eq!(np::flip(&x, -1).to_vec(), vec![2.0, 1.0, 4.0, 3.0]);
/// assert_eq!(np::flip(&x, [0, 1]).to_vec(), vec![4.0, 3.0, 2.0, 1.0]);
/// assert_eq!(np::flip(&x, None).to_vec(), vec![4.0, 3.0, 2.0, 1.0]);
/// ```
///
/// # Panics
/// If an axis is out of range or repeated.
#[track_caller]
pub fn flip(x: &Tensor, axes: impl Into<Axes>) -> Tensor {
    x.flip(axes)
}

/// `np.fliplr(x)`: reverses axis 1.
#[track_caller]
pub fn fliplr(x: &Tensor) -> Tensor {
    flip(x, 1)
}

/// `np.flipud(x)`: reverses axis 0.
#[track_caller]
pub fn flipud(x: &Tensor) -> Tensor {
    flip(x, 0)
}

/// The `shift` argument of [`roll`]: one shift or several (NumPy's int or tuple).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shifts(Vec<i64>);

impl From<i64> for Shifts {
    fn from(s: i64) -> Self {
        Shifts(vec![s])
    }
}

impl From<i32> for Shifts {
    fn from(s: i32) -> Self {
        Shifts(vec![i64::from(s)])
    }
}

impl<const N: usize> From<[i64; N]> for Shifts {
    fn from(s: [i64; N]) -> Self {
        Shifts(s.to_vec())
    }
}

impl From<&[i64]> for Shifts {
    fn from(s: &[i64]) -> Self {
        Shifts(s.to_vec())
    }
}

impl From<Vec<i64>> for Shifts {
    fn from(s: Vec<i64>) -> Self {
        Shifts(s)
    }
}

/// `y` rolled by `shift` along `axis`: element i moves to (i + shift) mod n, so the last
/// `shift mod n` elements come first.
fn roll_along(y: &Tensor, axis: usize, shift: i64) -> Result<Tensor> {
    let n = y.shape()[axis];
    if n == 0 || shift.rem_euclid(n as i64) == 0 {
        return Ok(y.clone());
    }
    let s = shift.rem_euclid(n as i64) as usize;
    let tail = part(y, axis, n - s, n)?;
    let head = part(y, axis, 0, n - s)?;
    lax::concatenate(&[tail, head], axis)
}

fn roll_impl(x: &Tensor, shift: &[i64], axis: &Axes) -> Result<Tensor> {
    // NumPy broadcasts `shift` against `axis`; a repeated axis rolls again, so shifts add up.
    let total = |s: &[i64]| s.iter().fold(0i64, |t, &v| t.wrapping_add(v));
    let Some(axes) = axis.resolve_each("roll", x.shape(), x.ndim())? else {
        // axis=None: the flattened array, rolled along its one axis.
        let flat = lax::reshape(x, &[x.size()])?;
        return lax::reshape(&roll_along(&flat, 0, total(shift))?, x.shape());
    };
    let pairs: Vec<(usize, i64)> = match (shift.len(), axes.len()) {
        (s, a) if s == a => axes.into_iter().zip(shift.iter().copied()).collect(),
        (1, _) => axes.into_iter().map(|a| (a, shift[0])).collect(),
        (_, 1) => vec![(axes[0], total(shift))],
        (s, a) => {
            return Err(Error::invalid(
                "roll",
                format!(
                    "{s} shifts and {a} axes (array of shape {:?}) do not broadcast; give one shift, one axis, or one shift per axis",
                    x.shape()
                ),
            ))
        }
    };
    let mut per_axis = vec![0i64; x.ndim()];
    for (a, s) in pairs {
        per_axis[a] = per_axis[a].wrapping_add(s);
    }
    per_axis
        .iter()
        .enumerate()
        .try_fold(x.clone(), |y, (a, &s)| roll_along(&y, a, s))
}

/// `np.roll(x, shift, axis)`: elements shifted by `shift` positions along `axis`, those
/// falling off one end coming back at the other; `None` rolls the flattened array. As in
/// NumPy, `shift` and `axis` may each be one value or several: one shift per axis, one shift
/// for every listed axis, or several shifts along one axis (they add up).
///
/// ```
/// use ferrograd::{np, Tensor};
/// let x = Tensor::from(vec![1.0, 2.0, 3.0, 4.0]);
/// assert_eq!(np::roll(&x, 1, None).to_vec(), vec![4.0, 1.0, 2.0, 3.0]);
/// assert_eq!(np::roll(&x, -1, 0).to_vec(), vec![2.0, 3.0, 4.0, 1.0]);
/// let m = Tensor::from_vec((0..6).map(f64::from).collect(), &[2, 3]);
/// // np.roll(m, (1, -1), axis=(0, 1)) -> [[4, 5, 3], [1, 2, 0]]
/// assert_eq!(np::roll(&m, [1, -1], [0, 1]).to_vec(), vec![4.0, 5.0, 3.0, 1.0, 2.0, 0.0]);
/// ```
///
/// # Panics
/// If an axis is out of range, or `shift` and `axis` are lists of different lengths.
#[track_caller]
pub fn roll(x: &Tensor, shift: impl Into<Shifts>, axis: impl Into<Axes>) -> Tensor {
    ok(roll_impl(x, &shift.into().0, &axis.into()))
}

/// `x` with at least `r` axes: NumPy's `atleast_1d/2d/3d` placement of the new axes.
fn at_least(x: &Tensor, r: usize) -> Result<Tensor> {
    let s = x.shape();
    let shape: Vec<usize> = match (r, s.len()) {
        (_, k) if k >= r => return Ok(x.clone()),
        (_, 0) => vec![1; r],
        (2, 1) | (3, 1) => [&[1][..], s, &vec![1; r - 2]].concat(),
        (3, 2) => [s, &[1][..]].concat(),
        _ => unreachable!("r is 1, 2 or 3"),
    };
    lax::reshape(x, &shape)
}

fn stack_along(op: &'static str, xs: &[&Tensor], r: usize, axis: i64) -> Result<Tensor> {
    if xs.is_empty() {
        return Err(Error::Empty { op, what: "array" });
    }
    let parts = xs
        .iter()
        .map(|x| at_least(x, r))
        .collect::<Result<Vec<_>>>()?;
    let refs: Vec<&Tensor> = parts.iter().collect();
    Tensor::try_concatenate(&refs, axis)
}

/// `np.hstack(xs)`: joins along axis 1 (axis 0 for 1-D inputs).
///
/// ```
/// use ferrograd::{np, Tensor};
/// let (a, b) = (Tensor::from(vec![1.0, 2.0]), Tensor::from(vec![3.0]));
/// assert_eq!(np::hstack(&[&a, &b]).to_vec(), vec![1.0, 2.0, 3.0]);
/// ```
#[track_caller]
pub fn hstack(xs: &[&Tensor]) -> Tensor {
    let one_d = xs.first().is_some_and(|x| x.ndim() <= 1);
    ok(stack_along("hstack", xs, 1, if one_d { 0 } else { 1 }))
}

/// `np.vstack(xs)`: joins along axis 0, 1-D inputs becoming rows.
#[track_caller]
pub fn vstack(xs: &[&Tensor]) -> Tensor {
    ok(stack_along("vstack", xs, 2, 0))
}

/// `np.dstack(xs)`: joins along axis 2 (inputs raised to 3-D as NumPy's `atleast_3d`).
#[track_caller]
pub fn dstack(xs: &[&Tensor]) -> Tensor {
    ok(stack_along("dstack", xs, 3, 2))
}

/// `np.column_stack(xs)`: 1-D inputs become columns; 2-D inputs are joined along axis 1.
///
/// ```
/// use ferrograd::{np, Tensor};
/// let (a, b) = (Tensor::from(vec![1.0, 2.0]), Tensor::from(vec![3.0, 4.0]));
/// assert_eq!(np::column_stack(&[&a, &b]).to_vec(), vec![1.0, 3.0, 2.0, 4.0]);
/// ```
#[track_caller]
pub fn column_stack(xs: &[&Tensor]) -> Tensor {
    ok((|| {
        let cols = xs
            .iter()
            .map(|x| match x.ndim() {
                0 | 1 => lax::reshape(x, &[x.size(), 1]),
                _ => Ok((*x).clone()),
            })
            .collect::<Result<Vec<_>>>()?;
        let refs: Vec<&Tensor> = cols.iter().collect();
        stack_along("column_stack", &refs, 2, 1)
    })())
}
