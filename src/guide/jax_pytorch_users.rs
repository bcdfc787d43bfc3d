//! # ferrograd for JAX, PyTorch and MyGrad users
//!
//! ferrograd has both styles on one machinery: JAX's function transforms, and PyTorch's
//! tensors that record operations for `backward()`. Transforms nest to any order and compose
//! with `vmap`; the imperative tape and the transforms keep their perturbations apart.
//!
//! ```
//! use ferrograd::{grad, vmap, Tensor};
//! // jax.vmap(jax.grad(lambda x: jnp.sin(x) * x))(xs)
//! let f = |x: &Tensor| x.sin() * x;
//! let xs = Tensor::from(vec![0.0, 1.0]);
//! let slopes = vmap(grad(f))(&xs);
//! let expect = 1.0f64.sin() + 1.0f64.cos();
//! assert!((slopes.to_vec()[1] - expect).abs() < 1e-15);
//!
//! // PyTorch: x = torch.tensor(3., requires_grad=True); (x * x).backward(); x.grad
//! let x = Tensor::param(3.0);
//! (&x * &x).backward();
//! assert_eq!(x.grad().map(|g| g.item()), Some(6.0));
//! ```
//!
//! ## JAX
//! | JAX | ferrograd |
//! | --- | --- |
//! | `jax.grad(f)(x)`, `argnums` | `grad(f)(&x)`; several arguments are one pytree (a tuple), others are captured by the closure |
//! | `jax.value_and_grad(f, has_aux=True)` | `value_and_grad_with_aux(f)`; `grad_with_aux(f)` |
//! | `jax.jvp(f, (x,), (t,))`, `jax.vjp(f, x)`, `jax.linearize` | `jvp(f, &x, &t)`, `vjp(f, &x)`, `linearize(f, &x)` |
//! | `jax.jacfwd`, `jax.jacrev`, `jax.hessian` | `jacfwd`, `jacrev`, `hessian` (forward over reverse) |
//! | Hessian-vector product `jvp(grad(f), (x,), (v,))` | `hvp(f, &x, &v)` |
//! | `jax.vmap(f, in_axes=(None, 0), out_axes=0)` | `vmap(f)` maps axis 0 of the whole input; `vmap_axes` takes per-leaf axes with `None` for unmapped |
//! | `jax.lax.stop_gradient` | `stop_gradient` |
//! | `jax.custom_vjp`, `jax.custom_jvp` | `custom_vjp`, `custom_jvp` (a `custom_vjp` also works under forward mode, by differentiating its forward computation) |
//! | `x.at[i].set(v)`, `.add`, `.mul` | `x.at(i).set(v)`, `.add(v)`, `.mul(v)` |
//! | `jax.random.PRNGKey(0)`, `split`, `fold_in`, `normal` … | `random::key(0)`, `random::split`, `random::fold_in`, `random::normal` … |
//! | `jax.flatten_util.ravel_pytree` | `ravel(&tree)` → `(vector, unravel)` |
//! | pytrees (tuples, lists, dicts, registered classes) | `Tree`: tuples, `Vec`, arrays, `Option`, `BTreeMap<String, _>`, `#[derive(Tree)]` structs |
//! | `jax.test_util.check_grads(f, (x,), order=2)` | `check_grads(f, &x, 2)` (both modes) |
//! | optax `sgd`, `adam`, `adamw`, `rmsprop`, `adagrad`, `clip_by_global_norm`, schedules | [`crate::optim`], same names, over any `Tree` |
//! | `jax.jit(f)`, `jax.make_jaxpr(f)(x)` | `jit(f)`, `make_program(f)(&x)` (also prints the optimised program and its fused loops); `jit_with(f, JitOptions { explain_recompiles: true, .. })` says why a call compiled again |
//!
//! Python control flow on traced values works under `grad`/`jvp` (each call retraces, as in
//! autograd); under `vmap` and `jit`, branching on a traced value is an error that says so.
//!
//! ```
//! use ferrograd::{grad, jit, Tensor};
//! // jax.jit(jax.grad(lambda x: jnp.sum(jnp.tanh(x) ** 2)))(x)
//! let df = jit(grad(|x: &Tensor| x.tanh().powi(2).sum()));
//! let x = Tensor::from(vec![0.5, -1.0]);
//! let t = x.tanh();
//! let want = 2.0 * &t * (1.0 - &t * &t);
//! assert!((df(&x) - want).abs().max().item() < 1e-15);
//! ```
//!
//! ## PyTorch and MyGrad
//! | PyTorch / MyGrad | ferrograd |
//! | --- | --- |
//! | `torch.tensor(x, requires_grad=True)`, `mg.tensor(x)` | `Tensor::param(x)`, or `x.requires_grad()` |
//! | `y.backward()`, `y.backward(gradient=v)` | `y.backward()`, `y.backward_with(&v)` |
//! | `x.grad` (accumulates), `x.grad.zero_()` | `x.grad()` (an `Option<Tensor>`, accumulates), `x.zero_grad()` |
//! | `with torch.no_grad():` | `no_grad(\|\| …)` |
//! | `x.detach()` | `x.detach()` |
//! | `backward(retain_graph=True)`, `create_graph=True` | `backward_opts(seed, BackwardOptions { retain_graph, create_graph })` |
//! | `torch.autograd.grad(y, x, create_graph=True)` | `x.grad_of(&y, true)` |
//! | `torch.func.grad`, `vmap`, `jacrev`, `hessian` | the transforms of the JAX table |
//! | `torch.nn.Linear`, an MLP, `F.cross_entropy`, `F.mse_loss` | [`crate::nn`]: `Linear`, `Mlp`, `cross_entropy_with_logits`, `mse` |
//! | `torch.optim.Adam(params).step()` | `optim::adam(..)`: `init(&params)` then `update(&params, &grads, state)` |
//! | `torch.save(model.state_dict())`, `np.save`, `np.savez` | [`crate::io::save`] (safetensors), `io::save_npy`, `io::save_npz` |
