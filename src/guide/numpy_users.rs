//! # ferrograd for NumPy users
//!
//! A [`Tensor`](crate::Tensor) is an immutable, cheaply cloned n-dimensional array (f64 by
//! default; f32, i64, u32 and bool with explicit [`astype`](crate::Tensor::astype)). Every NumPy
//! function below is differentiable where NumPy's is continuous, under every transform.
//!
//! ```
//! use ferrograd::{np, Tensor};
//! let a = Tensor::from([[1.0, 2.0], [3.0, 4.0]]);
//! let b = np::linspace(0.0, 1.0, 2);          // np.linspace(0, 1, 2)
//! let c = &a * &b + 1.0;                      // broadcasting as in NumPy
//! assert_eq!(c.to_vec(), vec![1.0, 3.0, 1.0, 5.0]);
//! assert_eq!(c.sum_axes(&[-1], true).shape(), &[2, 1]); // c.sum(axis=-1, keepdims=True)
//! ```
//!
//! ## Differences that matter
//! - **No in-place mutation of shared data.** `x[i] = v` is `x.set(i, v)` on a `mut` binding
//!   (it rebinds `x` to an updated copy), or the functional `x.at(i).set(v)` (JAX's
//!   `x.at[i].set(v)`); both are differentiable in `x` and `v`. `x[i] += v` is
//!   `x.at(i).add(v)`, which accumulates repeated indices like `np.add.at`.
//! - **Axes are `i64`** so that negative axes work: `x.sum_axis(-1)`. Where NumPy takes
//!   "an axis, a tuple of axes or `None`", ferrograd takes an [`Axes`](crate::Axes): write
//!   `0`, `[0, -1]` (or `&[0, -1]`, a `Vec<i64>`) or `None` in the same place
//!   (`x.sum_axes([0, -1], true)`, `np::cumsum(&x, None)`, `np::flip(&x, None)`).
//! - **Shape errors panic** with a message naming the operation and both shapes, like
//!   NumPy's `ValueError`; data-dependent failures (a singular solve, a bad file) are
//!   `try_*` functions returning `Result`.
//! - **Rust scalars are weakly typed, as Python scalars in NumPy 2 and JAX**: `x_f32 * 2.0`
//!   stays float32 and `x_i64 + 1` int64, but a float scalar never becomes an integer
//!   (`x_i64 + 0.5` is float64). Operators take `f64` and `i64` scalars; the `np` functions
//!   and `try_` methods take `f32`/`i32` too. Integer arithmetic wraps on overflow, and integer
//!   division or remainder by zero gives 0 (NumPy: 0 and a warning). Sums and products of
//!   uint32 count in int64 (NumPy: uint64, which ferrograd lacks).
//! - **Random numbers take explicit keys** ([`crate::random::key`], `split`, `fold_in`), as
//!   in JAX; [`crate::random::Generator`] is the stateful `np.random.default_rng()` style.
//!
//! ## The mapping
//! | NumPy | ferrograd |
//! | --- | --- |
//! | `np.array([[1., 2.]])` | `Tensor::from([[1.0, 2.0]])`, `np::array`, `Tensor::from_vec(v, &shape)` |
//! | `np.zeros((2, 3))`, `ones`, `full`, `eye`, `*_like` | `np::zeros(&[2, 3])`, `np::ones`, `np::full`, `np::eye`, `np::zeros_like` … |
//! | `np.arange(0, 1, .1)`, `np.linspace(0, 1, 5)` | `np::arange(0.0, 1.0, 0.1)`, `np::linspace(0.0, 1.0, 5)` |
//! | `x.astype(np.float32)` | `x.astype(DType::F32)` |
//! | `x.shape`, `x.ndim`, `x.size`, `x.item()`, `x.tolist()` | `x.shape()`, `x.ndim()`, `x.size()`, `x.item()`, `x.to_vec()` |
//! | `np.exp`, `log`, `sin`, `tanh`, `sqrt`, `abs`, `sign`, `clip`, `floor` … | `np::exp(&x)` or `x.exp()`, and so on under the same names |
//! | `np.exp2`, `log2`, `log10`, `cbrt`, `deg2rad` / `radians`, `rad2deg` / `degrees` | same names in `np` (`exp2`, `log2`, `log10`, `cbrt`, `deg2rad`, `rad2deg` also as methods) |
//! | `np.reciprocal(x)` | `np::reciprocal(&x)`, `x.reciprocal()`; integers give float64 as `jnp.reciprocal` (NumPy keeps integers: `np.reciprocal(2) == 0`) |
//! | `a // b`, `a % b`, `np.floor_divide`, `np.remainder` | `a.floor_divide(&b)`, `a.remainder(&b)`, `np::floor_divide`, `np::remainder` |
//! | `np.mod(a, b)`, `np.fmod(a, b)` | `np::mod_(&a, &b)` (`mod` is a Rust keyword; the same as `np::remainder`), `np::fmod` (C's sign convention) |
//! | `x ** 3`, `x ** 0.5`, `np.power(x, y)` | `x.powi(3)`, `x.powf(0.5)`, `np::power(&x, &y)` |
//! | `np.where(c, a, b)`, `np.where(c)` | `np::where_(&c, &a, &b)`, `np::where_indices(&c)` |
//! | `x.sum()`, `x.sum(axis=(0, -1), keepdims=True)`, `x.sum(axis=None, keepdims=True)` | `x.sum()`, `x.sum_axes([0, -1], true)`, `x.sum_axes(None, true)` (also `mean`, `prod`, `max`, `min`) |
//! | `x.var(ddof=1)`, `x.std(axis=0)` | `x.var_axes(None, 1, false)`, `x.std_axis(0)` |
//! | `x.argmax(axis=1)` | `x.argmax_axis(1)` |
//! | `x.reshape(-1, 2)`, `x.T`, `x.transpose(1, 0, 2)`, `np.transpose(x, axes)` | `x.reshape(&[-1, 2])`, `x.t()`, `x.transpose_axes([1, 0, 2])` (or `x.permute`), `np::transpose_axes(&x, axes)` (`None` reverses) |
//! | `np.swapaxes`, `np.moveaxis(x, (0, 1), (-1, -2))`, `np.expand_dims(x, (0, 2))`, `np.broadcast_to` | same names in `np` and as methods: `np::moveaxis(&x, [0, 1], [-1, -2])`, `np::expand_dims(&x, [0, 2])` |
//! | `np.squeeze(x)`, `np.squeeze(x, axis=(0, 2))` | `np::squeeze(&x)`, `np::squeeze_axes(&x, [0, 2])` (`squeeze_axis` for one axis) |
//! | `np.flip(x, axis)`, `np.roll(x, (1, -1), axis=(0, 1))` | `np::flip(&x, axis)`, `np::roll(&x, [1, -1], [0, 1])` (axis `None` as in NumPy) |
//! | `np.concatenate([a, b], 0)`, `np.stack` | `np::concatenate(&[&a, &b], 0)`, `np::stack` |
//! | `x[1]`, `x[-1, ::2]`, `x[idx_array]`, `x[mask]` | `x.get(1)`, `x.index(&[Idx::from(-1), Idx::step(.., 2)])`, `x.index(&idx)`, `x.index(&mask)` |
//! | `np.take`, `np.take_along_axis`, `np.nonzero` | `np::take`, `np::take_along_axis`, `np::nonzero` |
//! | `np.cumsum`, `np.cumprod`, `np.diff`, `np.sort`, `np.argsort`, `np.searchsorted` | same names in `np` (`np::cumsum(&x, None)` runs over the flattened array, as NumPy's default) |
//! | `a @ b`, `np.dot`, `np.outer`, `np.inner` | `a.matmul(&b)` (batch-broadcasting), `a.dot(&b)`, `np::outer`, `np::inner` |
//! | `np.einsum('ij,jk->ik', a, b)`, `np.tensordot` | `np::einsum("ij,jk->ik", &[&a, &b])`, `np::tensordot` |
//! | `np.linalg.inv`, `solve`, `det`, `slogdet`, `cholesky`, `eigh`, `svd`, `qr`, `pinv`, `lstsq`, `norm` | [`crate::linalg`], same names; batched over leading axes |
//! | `np.linalg.svd(a, full_matrices=True)`, `np.linalg.lstsq(a, b)` (all four results) | `linalg::svd_full(&a)`, `linalg::lstsq_full(&a, &b, None)` (`linalg::svd` / `linalg::lstsq` are the thin SVD and the solution alone) |
//! | `scipy.special.erf`, `erfinv`, `ndtr`, `ndtri`, `gammaln`, `digamma`, `logit`, `xlogy` | `np::erf`, `np::erfinv`, `np::ndtr`, `np::ndtri`, `np::gammaln`, `np::digamma`, `np::logit`, `np::xlogy` |
//! | `scipy.special.logsumexp`, `softmax`, `log_softmax` | `np::logsumexp`, `np::softmax`, `np::log_softmax` (stable at ±1000) |
//! | `jax.nn.gelu(x, approximate=False)`, `jax.nn.log_sigmoid(x)`, `jax.nn.softplus`, `jax.nn.relu` | `np::gelu(&x, false)` (JAX's default is `approximate=True`; Rust has no defaults, so say which), `np::log_sigmoid(&x)`, `np::softplus`, `np::relu` |
//! | `np.random.seed(0); np.random.randn(3)` | `random::normal(&random::key(0), &[3])` |
//!
//! ## autograd's `autograd.numpy`
//! Code written against `autograd.numpy as np` ports line by line: `grad(f)(x)`,
//! `elementwise_grad(f)(x)`, `autograd.misc.flatten` is [`crate::ravel`], and
//! `autograd.misc.optimizers.sgd` is [`crate::optimizers::sgd`]. What autograd cannot do —
//! assigning into an array inside a differentiated function — works here through
//! `x.at(i).set(v)`.
