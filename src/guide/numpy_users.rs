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
//! | `x > 0`, `x >= y`, `x < y`, `x <= y`, `x == y`, `x != y` | `x.greater(0.0)`, `x.greater_equal(&y)`, `x.less(&y)`, `x.less_equal(&y)`, `x.equal(&y)`, `x.not_equal(&y)` (bool tensors; also `np::greater` … with NumPy's names) |
//! | `np.where(c, a, b)`, `np.where(c)` | `np::where_(&c, &a, &b)`, `np::where_indices(&c)` |
//! | `x.sum()`, `x.sum(axis=(0, -1), keepdims=True)`, `x.sum(axis=None, keepdims=True)` | `x.sum()`, `x.sum_axes([0, -1], true)`, `x.sum_axes(None, true)` (also `mean`, `prod`, `max`, `min`) |
//! | `x.var(ddof=1)`, `x.std(axis=0)` | `x.var_axes(None, 1, false)`, `x.std_axis(0, 0)` (the second argument is `ddof`) |
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
//! Every row above, run:
//!
//! ```
//! use ferrograd::{linalg, np, random, DType, Idx, Tensor};
//! let close = |t: &Tensor, want: &[f64]| {
//!     let got = t.to_vec();
//!     assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
//!     assert!(got.iter().zip(want).all(|(g, w)| (g - w).abs() < 1e-9), "{got:?} vs {want:?}");
//! };
//! // Creation.
//! let a = Tensor::from([[1.0, 2.0]]);
//! assert_eq!(a.shape(), &[1, 2]);
//! close(&np::array(vec![1.0, 2.0]), &[1.0, 2.0]);
//! assert_eq!(Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[2, 2]).shape(), &[2, 2]);
//! assert_eq!(np::zeros(&[2, 3]).shape(), &[2, 3]);
//! close(&np::ones(&[2]), &[1.0, 1.0]);
//! close(&np::full(&[2], 7.0), &[7.0, 7.0]);
//! close(&np::eye(2), &[1.0, 0.0, 0.0, 1.0]);
//! close(&np::zeros_like(&a), &[0.0, 0.0]);
//! assert_eq!(np::arange(0.0, 1.0, 0.1).size(), 10);
//! close(&np::linspace(0.0, 1.0, 5), &[0.0, 0.25, 0.5, 0.75, 1.0]);
//! assert_eq!(a.astype(DType::F32).dtype(), DType::F32);
//! let m = Tensor::from([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
//! assert_eq!((m.shape(), m.ndim(), m.size()), (&[2, 3][..], 2, 6));
//! assert_eq!(Tensor::from(2.5).item(), 2.5);
//! assert_eq!(m.to_vec(), vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
//! // Elementwise math.
//! let x = Tensor::from(vec![-1.5, 0.0, 2.0]);
//! let e: Vec<f64> = x.to_vec().iter().map(|v| v.exp()).collect();
//! close(&np::exp(&x), &e);
//! close(&x.exp(), &e);
//! let p = Tensor::from(vec![1.0, 4.0]);
//! close(&np::log(&p), &[0.0, 4f64.ln()]);
//! close(&np::sin(&p), &[1f64.sin(), 4f64.sin()]);
//! close(&np::tanh(&p), &[1f64.tanh(), 4f64.tanh()]);
//! close(&np::sqrt(&p), &[1.0, 2.0]);
//! close(&np::abs(&x), &[1.5, 0.0, 2.0]);
//! close(&np::sign(&x), &[-1.0, 0.0, 1.0]);
//! close(&np::clip(&x, -1.0, 1.0), &[-1.0, 0.0, 1.0]);
//! close(&np::floor(&x), &[-2.0, 0.0, 2.0]);
//! let q = Tensor::from(vec![8.0, 1000.0]);
//! close(&np::exp2(&Tensor::from(3.0)), &[8.0]);
//! close(&np::log2(&q), &[3.0, 1000f64.log2()]);
//! close(&np::log10(&q), &[8f64.log10(), 3.0]);
//! close(&q.cbrt(), &[2.0, 10.0]);
//! let deg = Tensor::from(180.0);
//! close(&np::deg2rad(&deg), &[std::f64::consts::PI]);
//! close(&deg.deg2rad().rad2deg(), &[180.0]);
//! close(&np::rad2deg(&Tensor::from(std::f64::consts::PI)), &[180.0]);
//! close(&np::reciprocal(&Tensor::from(vec![2.0, 4.0])), &[0.5, 0.25]);
//! let r = np::reciprocal(&Tensor::from(2i64)); // float64, as jnp.reciprocal
//! assert_eq!((r.dtype(), r.item()), (DType::F64, 0.5));
//! // Division, remainders, powers.
//! let (n, d) = (Tensor::from(vec![-7i64, 7]), Tensor::from(vec![2i64, -2]));
//! close(&n.floor_divide(&d), &[-4.0, -4.0]);
//! close(&n.remainder(&d), &[1.0, -1.0]);
//! close(&np::floor_divide(&n, &d), &[-4.0, -4.0]);
//! close(&np::remainder(&n, &d), &[1.0, -1.0]);
//! close(&np::mod_(&n, &d), &[1.0, -1.0]);
//! close(&np::fmod(&n, &d), &[-1.0, 1.0]);
//! close(&p.powi(3), &[1.0, 64.0]);
//! close(&p.powf(0.5), &[1.0, 2.0]);
//! close(&np::power(&p, &Tensor::from(vec![3.0, 0.5])), &[1.0, 2.0]);
//! // Comparisons: bool tensors (to_vec reads them as 0.0 and 1.0).
//! let y = Tensor::from(vec![0.0, 0.0, 3.0]);
//! assert_eq!(x.greater(0.0).dtype(), DType::Bool);
//! close(&x.greater(0.0), &[0.0, 0.0, 1.0]);
//! close(&x.greater_equal(&y), &[0.0, 1.0, 0.0]);
//! close(&x.less(&y), &[1.0, 0.0, 1.0]);
//! close(&x.less_equal(&y), &[1.0, 1.0, 1.0]);
//! close(&x.equal(&y), &[0.0, 1.0, 0.0]);
//! close(&x.not_equal(&y), &[1.0, 0.0, 1.0]);
//! close(&np::greater(&x, 0.0), &[0.0, 0.0, 1.0]);
//! // Selection.
//! let c = x.greater(0.0);
//! close(&np::where_(&c, &x, 0.0), &[0.0, 0.0, 2.0]);
//! let found = np::where_indices(&c);
//! assert_eq!(found.len(), 1);
//! close(&found[0], &[2.0]);
//! // Reductions.
//! let t = Tensor::from_vec((1..=8).map(f64::from).collect::<Vec<_>>(), &[2, 2, 2]);
//! close(&t.sum(), &[36.0]);
//! let s = t.sum_axes([0, -1], true);
//! assert_eq!(s.shape(), &[1, 2, 1]);
//! close(&s, &[14.0, 22.0]);
//! assert_eq!(t.sum_axes(None, true).shape(), &[1, 1, 1]);
//! close(&t.mean(), &[4.5]);
//! close(&m.prod(), &[720.0]);
//! close(&m.max(), &[6.0]);
//! close(&m.min(), &[1.0]);
//! close(&m.var_axes(None, 1, false), &[3.5]);
//! close(&m.std_axis(0, 0), &[1.5, 1.5, 1.5]);
//! close(&Tensor::from([[1.0, 3.0, 2.0], [9.0, 0.0, 4.0]]).argmax_axis(1), &[1.0, 0.0]);
//! // Shapes.
//! assert_eq!(m.reshape(&[-1, 2]).shape(), &[3, 2]);
//! close(&m.t(), &[1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
//! let u = np::zeros(&[2, 3, 4]);
//! assert_eq!(u.transpose_axes([1, 0, 2]).shape(), &[3, 2, 4]);
//! assert_eq!(u.permute([1, 0, 2]).shape(), &[3, 2, 4]);
//! assert_eq!(np::transpose_axes(&u, None).shape(), &[4, 3, 2]);
//! assert_eq!(np::swapaxes(&u, 0, 2).shape(), &[4, 3, 2]);
//! assert_eq!(np::moveaxis(&u, [0, 1], [-1, -2]).shape(), &[4, 3, 2]);
//! assert_eq!(np::expand_dims(&m, [0, 2]).shape(), &[1, 2, 1, 3]);
//! assert_eq!(np::broadcast_to(&p, &[3, 2]).shape(), &[3, 2]);
//! let w = np::zeros(&[1, 3, 1]);
//! assert_eq!(np::squeeze(&w).shape(), &[3]);
//! assert_eq!(np::squeeze_axes(&w, [0, 2]).shape(), &[3]);
//! assert_eq!(np::squeeze_axis(&w, 0).shape(), &[3, 1]);
//! close(&np::flip(&m, 1), &[3.0, 2.0, 1.0, 6.0, 5.0, 4.0]);
//! close(&np::flip(&m, None), &[6.0, 5.0, 4.0, 3.0, 2.0, 1.0]);
//! close(&np::roll(&m, [1, -1], [0, 1]), &[5.0, 6.0, 4.0, 2.0, 3.0, 1.0]);
//! assert_eq!(np::concatenate(&[&m, &m], 0).shape(), &[4, 3]);
//! assert_eq!(np::stack(&[&m, &m], 0).shape(), &[2, 2, 3]);
//! // Indexing.
//! close(&m.get(1), &[4.0, 5.0, 6.0]);
//! close(&m.index(&[Idx::from(-1), Idx::step(.., 2)]), &[4.0, 6.0]);
//! let idx = Tensor::from(vec![2i64, 0]);
//! close(&x.index(&idx), &[2.0, -1.5]);
//! close(&x.index(&c), &[2.0]);
//! close(&np::take(&m, &idx, Some(1)), &[3.0, 1.0, 6.0, 4.0]);
//! let order = Tensor::from_vec(vec![2i64, 0, 1, 0, 1, 2], &[2, 3]);
//! close(&np::take_along_axis(&m, &order, 1), &[3.0, 1.0, 2.0, 4.0, 5.0, 6.0]);
//! close(&np::nonzero(&x)[0], &[0.0, 2.0]);
//! let v = Tensor::from(vec![3.0, 1.0, 2.0]);
//! close(&np::cumsum(&v, None), &[3.0, 4.0, 6.0]);
//! close(&np::cumprod(&v, None), &[3.0, 3.0, 6.0]);
//! close(&np::diff(&v, 1, -1), &[-2.0, 1.0]);
//! close(&np::sort(&v, -1), &[1.0, 2.0, 3.0]);
//! close(&np::argsort(&v, -1), &[1.0, 2.0, 0.0]);
//! close(&np::searchsorted(&np::sort(&v, -1), &Tensor::from(vec![2.5]), false), &[2.0]);
//! // Products.
//! let (ma, mb) = (Tensor::from([[1.0, 2.0], [3.0, 4.0]]), Tensor::from([[0.0, 1.0], [1.0, 0.0]]));
//! close(&ma.matmul(&mb), &[2.0, 1.0, 4.0, 3.0]);
//! close(&ma.dot(&mb), &[2.0, 1.0, 4.0, 3.0]);
//! close(&np::outer(&p, &p), &[1.0, 4.0, 4.0, 16.0]);
//! close(&np::inner(&p, &p), &[17.0]);
//! close(&np::einsum("ij,jk->ik", &[&ma, &mb]), &[2.0, 1.0, 4.0, 3.0]);
//! close(&np::tensordot(&ma, &mb, 1), &[2.0, 1.0, 4.0, 3.0]);
//! // Linear algebra.
//! let spd = Tensor::from([[4.0, 2.0], [2.0, 3.0]]);
//! let rhs = Tensor::from(vec![2.0, 1.0]);
//! close(&linalg::inv(&spd).matmul(&spd), &[1.0, 0.0, 0.0, 1.0]);
//! close(&linalg::solve(&spd, &rhs), &[0.5, 0.0]);
//! close(&linalg::det(&spd), &[8.0]);
//! let (sign, logdet) = linalg::slogdet(&spd);
//! close(&sign, &[1.0]);
//! close(&logdet, &[8f64.ln()]);
//! let l = linalg::cholesky(&spd);
//! close(&l.matmul(&l.t()), &spd.to_vec());
//! let (evals, _) = linalg::eigh(&spd);
//! close(&evals, &[(7.0 - 17f64.sqrt()) / 2.0, (7.0 + 17f64.sqrt()) / 2.0]);
//! let (_, sv, _) = linalg::svd(&spd);
//! close(&sv, &[(7.0 + 17f64.sqrt()) / 2.0, (7.0 - 17f64.sqrt()) / 2.0]);
//! let (qm, rm) = linalg::qr(&spd);
//! close(&qm.matmul(&rm), &spd.to_vec());
//! close(&linalg::pinv(&spd).matmul(&spd), &[1.0, 0.0, 0.0, 1.0]);
//! close(&linalg::lstsq(&spd, &rhs, None), &[0.5, 0.0]);
//! close(&linalg::norm(&Tensor::from(vec![3.0, 4.0]), 2, None, false), &[5.0]);
//! let tall = Tensor::from([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]);
//! let (uf, _, _) = linalg::svd_full(&tall);
//! assert_eq!(uf.shape(), &[3, 3]);
//! let (sol, residuals, rank, _) = linalg::lstsq_full(&tall, &Tensor::from(vec![1.0, 2.0, 3.0]), None);
//! close(&sol, &[1.0, 2.0]);
//! close(&residuals, &[9.0]);
//! close(&rank, &[2.0]);
//! // Special functions.
//! let half = Tensor::from(0.5);
//! close(&np::erf(&Tensor::from(0.0)), &[0.0]);
//! close(&np::erfinv(&np::erf(&half)), &[0.5]);
//! close(&np::ndtr(&Tensor::from(0.0)), &[0.5]);
//! close(&np::ndtri(&half), &[0.0]);
//! close(&np::gammaln(&Tensor::from(5.0)), &[24f64.ln()]);
//! close(&np::digamma(&Tensor::from(1.0)), &[-0.5772156649015329]);
//! close(&np::logit(&half), &[0.0]);
//! close(&np::xlogy(0.0, 0.0), &[0.0]);
//! close(&np::logsumexp(&Tensor::from(vec![1000.0, 1000.0])), &[1000.0 + 2f64.ln()]);
//! close(&np::softmax(&Tensor::from(vec![1000.0, 1000.0]), -1), &[0.5, 0.5]);
//! close(&np::log_softmax(&Tensor::from(vec![0.0, 0.0]), -1), &[-(2f64.ln()); 2]);
//! close(&np::gelu(&Tensor::from(0.0), false), &[0.0]);
//! close(&np::log_sigmoid(&Tensor::from(0.0)), &[-(2f64.ln())]);
//! close(&np::softplus(&Tensor::from(0.0)), &[2f64.ln()]);
//! close(&np::relu(&x), &[0.0, 0.0, 2.0]);
//! // Random numbers.
//! let z = random::normal(&random::key(0), &[3]);
//! assert_eq!(z.shape(), &[3]);
//! assert_eq!(z.to_vec(), random::normal(&random::key(0), &[3]).to_vec());
//! ```
//!
//! ## autograd's `autograd.numpy`
//! Code written against `autograd.numpy as np` ports line by line: `grad(f)(x)`,
//! `elementwise_grad(f)(x)`, `autograd.misc.flatten` is [`crate::ravel`], and
//! `autograd.misc.optimizers.sgd` is [`crate::optimizers::sgd`]. What autograd cannot do —
//! assigning into an array inside a differentiated function — works here through
//! `x.at(i).set(v)`.
