//! NumPy's indexing, cumulative and ordering functions as free functions (each is the
//! [`Tensor`] method of the same name; see there for details and examples).

use ferrograd_core::Axes;

use crate::Tensor;

/// `np.take(x, idx, axis)`; `axis = None` indexes the flattened array.
#[track_caller]
pub fn take(x: &Tensor, idx: &Tensor, axis: Option<i64>) -> Tensor {
    x.take(idx, axis)
}

/// `np.take_along_axis(x, idx, axis)`.
#[track_caller]
pub fn take_along_axis(x: &Tensor, idx: &Tensor, axis: i64) -> Tensor {
    x.take_along_axis(idx, axis)
}

/// `np.nonzero(x)`: one int64 array of positions per axis (needs concrete values).
#[track_caller]
pub fn nonzero(x: &Tensor) -> Vec<Tensor> {
    x.nonzero()
}

/// NumPy's one-argument `np.where(cond)`, the same as [`nonzero`] (the three-argument form
/// is [`where_`](super::where_)).
///
/// ```
/// use ferrograd::{np, Tensor};
/// let x = Tensor::from(vec![0.5, -1.0, 2.0]);
/// let i = &np::where_indices(&x.greater(0.0))[0];
/// assert_eq!(i.to_vec(), vec![0.0, 2.0]);
/// assert_eq!(x.index(i).to_vec(), vec![0.5, 2.0]);
/// ```
#[doc(alias = "where")]
#[track_caller]
pub fn where_indices(cond: &Tensor) -> Vec<Tensor> {
    cond.nonzero()
}

/// `np.argwhere(x)`: `[count, ndim]` int64 positions of the nonzero elements.
#[track_caller]
pub fn argwhere(x: &Tensor) -> Tensor {
    x.argwhere()
}

/// `np.cumsum(x, axis)`: along one axis, or over the flattened array for `None`
/// ([`Tensor::cumsum`]).
///
/// ```
/// use ferrograd::np;
/// let x = np::array([[1.0, 2.0], [3.0, 4.0]]);
/// assert_eq!(np::cumsum(&x, None).to_vec(), vec![1.0, 3.0, 6.0, 10.0]);
/// assert_eq!(np::cumsum(&x, -1).to_vec(), vec![1.0, 3.0, 3.0, 7.0]);
/// ```
#[track_caller]
pub fn cumsum(x: &Tensor, axis: impl Into<Axes>) -> Tensor {
    x.cumsum(axis)
}

/// `np.cumprod(x, axis)`: along one axis, or over the flattened array for `None`
/// ([`Tensor::cumprod`]).
#[track_caller]
pub fn cumprod(x: &Tensor, axis: impl Into<Axes>) -> Tensor {
    x.cumprod(axis)
}

/// `np.diff(x, n, axis)`.
#[track_caller]
pub fn diff(x: &Tensor, n: usize, axis: i64) -> Tensor {
    x.diff(n, axis)
}

/// `np.sort(x, axis)`.
#[track_caller]
pub fn sort(x: &Tensor, axis: i64) -> Tensor {
    x.sort(axis)
}

/// `np.argsort(x, axis)` (stable).
#[track_caller]
pub fn argsort(x: &Tensor, axis: i64) -> Tensor {
    x.argsort(axis)
}

/// `jax.lax.top_k(x, k)`: the `k` largest along the last axis and their positions.
#[track_caller]
pub fn top_k(x: &Tensor, k: usize) -> (Tensor, Tensor) {
    x.top_k(k)
}

/// `np.searchsorted(a, v, side)`: `right = true` is `side='right'`.
#[track_caller]
pub fn searchsorted(a: &Tensor, v: &Tensor, right: bool) -> Tensor {
    a.searchsorted(v, right)
}

/// `jax.nn.one_hot(labels, n)`: float64, the classes along a new last axis.
#[track_caller]
pub fn one_hot(labels: &Tensor, n: usize) -> Tensor {
    labels.one_hot(n)
}

/// One-hot of the argmax along `axis` (hard quantisation, zero derivative).
#[track_caller]
pub fn argmax_one_hot(y: &Tensor, axis: i64) -> Tensor {
    y.argmax_one_hot(axis)
}

/// `y + stop_gradient(q - y)`: forward value `q`, derivative of the identity.
///
/// ```
/// use ferrograd::{grad, np, Tensor};
/// let w = Tensor::from(vec![1.0, 2.0, 3.0]);
/// let f = |y: &Tensor| np::dot(&w, &np::straight_through(y, &np::argmax_one_hot(y, -1)));
/// let y = Tensor::from(vec![0.1, 0.2, 0.7]);
/// assert_eq!(f(&y).item(), 3.0);
/// assert_eq!(grad(f)(&y).to_vec(), vec![1.0, 2.0, 3.0]);
/// ```
#[track_caller]
pub fn straight_through(y: &Tensor, q: &Tensor) -> Tensor {
    y.straight_through(q)
}
