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
//! | `jax.grad(f)(x)` | `grad(f)(&x)` |
//! | `jax.grad(loss, argnums=(0, 1))(w, b, x, y)`; `argnums` of `value_and_grad`, `jvp`, `vjp`, `jacfwd`, `jacrev`, `hessian` | `grad_argnums(loss, (Arg::<0>, Arg::<1>))(&w, &b, &x, &y)` → `(gw, gb)`; `Arg::<1>` alone is `argnums=1`; `value_and_grad_argnums`, `jvp_argnums`, `vjp_argnums`, `jacfwd_argnums`, `jacrev_argnums`, `hessian_argnums` |
//! | `jax.vmap(grad(loss), in_axes=(None, 0, 0))(w, xs, ys)` | `vmap_args(grad_argnums(loss, Arg::<0>), (None, Some(0), Some(0)))(&w, &xs, &ys)`; a nested spec is a nested tuple |
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
//! | `lax.cond(pred, true_fn, false_fn, x)`, `lax.switch(i, branches, x)` | `cond(&pred, true_fn, false_fn, &x)`, `switch(&i, &[&f0, &f1], &x)` |
//! | `lax.while_loop(cond_fun, body_fun, init)`, `lax.fori_loop(lo, hi, body, init)` | `while_loop(cond_fn, body_fn, init)` (reverse mode too, outside `jit`), `fori_loop(lo, hi, \|i, c\| …, init)` |
//! | `lax.scan(f, init, xs, length=, reverse=)` | `scan(f, init, &xs)`, `scan_with(f, init, &xs, ScanOptions { length, reverse })` |
//! | `jax.checkpoint(f)` (`remat`), `print_saved_residuals` | `checkpoint(f)`, `residual_bytes(f, &x)` |
//! | `jax.jit(f)`, `jax.make_jaxpr(f)(x)` | `jit(f)`, `make_program(f)(&x)` (also prints the optimised program and its fused loops); `jit_with(f, JitOptions { explain_recompiles: true, .. })` says why a call compiled again |
//!
//! Every row of the JAX table, run:
//!
//! ```
//! use std::collections::BTreeMap;
//! use ferrograd::optim::{self, schedule};
//! use ferrograd::{
//!     check_grads, custom_jvp, custom_vjp, grad, grad_argnums, grad_with_aux, hessian, hvp,
//!     jacfwd, jacrev, jit, jit_with, jvp, linearize, make_program, random, ravel,
//!     stop_gradient, value_and_grad_with_aux, vjp, vmap, vmap_args, vmap_axes, Arg,
//!     JitOptions, Tensor, Tree,
//! };
//! use ferrograd::{checkpoint, cond, fori_loop, residual_bytes, scan, scan_with, switch, while_loop, ScanOptions};
//! let close = |t: &Tensor, want: &[f64]| {
//!     let got = t.to_vec();
//!     assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
//!     assert!(got.iter().zip(want).all(|(g, w)| (g - w).abs() < 1e-9), "{got:?} vs {want:?}");
//! };
//! let x = Tensor::from(vec![1.0, 2.0]);
//! let cube = |x: &Tensor| x.powi(3).sum();
//! // grad; two arguments as one tuple, a third captured.
//! close(&grad(cube)(&x), &[3.0, 12.0]);
//! let scale = Tensor::from(10.0);
//! let (ga, gb) = grad(|(a, b): &(Tensor, Tensor)| (a * b * &scale).sum())(&(x.clone(), x.clone()));
//! close(&ga, &[10.0, 20.0]);
//! close(&gb, &[10.0, 20.0]);
//! // value_and_grad / grad with an auxiliary output.
//! let with_aux = |x: &Tensor| (cube(x), x.max());
//! let ((value, aux), g) = value_and_grad_with_aux(with_aux)(&x);
//! close(&value, &[9.0]);
//! close(&aux, &[2.0]);
//! close(&g, &[3.0, 12.0]);
//! let (g, aux) = grad_with_aux(with_aux)(&x);
//! close(&g, &[3.0, 12.0]);
//! close(&aux, &[2.0]);
//! // jvp, vjp, linearize.
//! let t = Tensor::from(vec![1.0, 0.0]);
//! let (y, y_dot) = jvp(|x: &Tensor| x.powi(2), &x, &t);
//! close(&y, &[1.0, 4.0]);
//! close(&y_dot, &[2.0, 0.0]);
//! let (y, pullback) = vjp(|x: &Tensor| x.powi(2), &x);
//! close(&y, &[1.0, 4.0]);
//! close(&pullback(&Tensor::from(vec![1.0, 1.0])), &[2.0, 4.0]);
//! let (_, lin) = linearize(|x: &Tensor| x.powi(2), &x);
//! close(&lin(&t), &[2.0, 0.0]);
//! // Jacobians and the Hessian.
//! close(&jacfwd(|x: &Tensor| x.powi(2))(&x), &[2.0, 0.0, 0.0, 4.0]);
//! close(&jacrev(|x: &Tensor| x.powi(2))(&x), &[2.0, 0.0, 0.0, 4.0]);
//! close(&hessian(cube)(&x), &[6.0, 0.0, 0.0, 12.0]);
//! close(&hvp(cube, &x, &t), &[6.0, 0.0]);
//! // vmap over axis 0; vmap_axes with an unmapped input.
//! let rows = Tensor::from([[1.0, 2.0], [3.0, 4.0]]);
//! close(&vmap(|r: &Tensor| r.sum())(&rows), &[3.0, 7.0]);
//! let shifted = vmap_axes(|(r, c): &(Tensor, Tensor)| (r + c).sum(), &[Some(0), None], &[Some(0)]);
//! close(&shifted(&(rows.clone(), Tensor::from(vec![10.0, 10.0]))), &[23.0, 27.0]);
//! // stop_gradient.
//! close(&grad(|x: &Tensor| (x * stop_gradient(x)).sum())(&x), &[1.0, 2.0]);
//! // custom_vjp, custom_jvp: a doubled derivative, to see the rule is used.
//! let f = custom_vjp(|x: &Tensor| x.sin(), |x: &Tensor, _y: &Tensor, ct: &Tensor| 2.0 * ct * x.cos());
//! close(&grad(|x: &Tensor| f(x).sum())(&x), &[2.0 * 1f64.cos(), 2.0 * 2f64.cos()]);
//! let h = custom_jvp(|x: &Tensor| x.sin(), |x: &Tensor, t: &Tensor| (x.sin(), 2.0 * x.cos() * t));
//! close(&grad(|x: &Tensor| h(x).sum())(&x), &[2.0 * 1f64.cos(), 2.0 * 2f64.cos()]);
//! // x.at[i].set / add / mul.
//! close(&x.at(0).set(5.0), &[5.0, 2.0]);
//! close(&x.at(1).add(1.0), &[1.0, 3.0]);
//! close(&x.at(1).mul(3.0), &[1.0, 6.0]);
//! // Random keys.
//! let k = random::key(0);
//! let ks = random::split(&k, 2);
//! assert_ne!(ks[0], ks[1]);
//! assert_ne!(random::fold_in(&k, 1), k);
//! assert_eq!(random::normal(&ks[0], &[2]).to_vec(), random::normal(&ks[0], &[2]).to_vec());
//! // ravel_pytree.
//! let tree = (x.clone(), Tensor::from(3.0));
//! let (flat, unravel) = ravel(&tree);
//! close(&flat, &[1.0, 2.0, 3.0]);
//! close(&unravel.apply(&flat).1, &[3.0]);
//! // Pytrees: a map of named parameters, and a derived struct.
//! let params = BTreeMap::from([("w".to_string(), x.clone())]);
//! close(&grad(|p: &BTreeMap<String, Tensor>| p["w"].sum())(&params)["w"], &[1.0, 1.0]);
//! #[derive(Clone, Tree)]
//! struct Layer {
//!     w: Tensor,
//!     b: Tensor,
//! }
//! let layer = Layer { w: x.clone(), b: Tensor::from(0.5) };
//! let g = grad(|l: &Layer| (&l.w * 2.0 + &l.b).sum())(&layer);
//! close(&g.w, &[2.0, 2.0]);
//! close(&g.b, &[2.0]);
//! // check_grads, both modes, to second order.
//! check_grads(|x: &Tensor| x.sin().sum(), &x, 2).unwrap();
//! // optax-style optimizers over any tree.
//! let grads = Tensor::from(vec![1.0, -1.0]);
//! for opt in [optim::sgd(0.1), optim::sgd(schedule::exponential_decay(0.1, 0.5, 10, false))] {
//!     let (p, _) = opt.update(&x, &grads, opt.init(&x));
//!     close(&p, &[0.9, 2.1]);
//! }
//! for p in [
//!     optim::adam(0.1).update(&x, &grads, optim::adam(0.1).init(&x)).0,
//!     optim::adamw(0.1, 0.0).update(&x, &grads, optim::adamw(0.1, 0.0).init(&x)).0,
//!     optim::adagrad(0.1).update(&x, &grads, optim::adagrad(0.1).init(&x)).0,
//! ] {
//!     let p = p.to_vec(); // a first step of ±lr (less epsilon's share)
//!     assert!((p[0] - 0.9).abs() < 1e-6 && (p[1] - 2.1).abs() < 1e-6, "{p:?}");
//! }
//! let rms = optim::rmsprop(0.1);
//! assert!(rms.update(&x, &grads, rms.init(&x)).0.to_vec()[0] < 1.0);
//! close(&optim::clip_by_global_norm(&Tensor::from(vec![3.0, 4.0]), 1.0), &[0.6, 0.8]);
//! assert!((schedule::cosine_decay(1.0, 10, 0.0).at(10) - 0.0).abs() < 1e-12);
//! // argnums: the gradient with respect to the first two of four arguments.
//! let lsq = |w: &Tensor, b: &Tensor, x: &Tensor, y: &Tensor| (x * w + b - y).powi(2).sum();
//! let (xs, ys) = (Tensor::from(vec![1.0, 2.0]), Tensor::from(vec![3.0, 5.0]));
//! let (w, b) = (Tensor::from(1.0), Tensor::from(0.0));
//! let (gw, gb) = grad_argnums(lsq, (Arg::<0>, Arg::<1>))(&w, &b, &xs, &ys);
//! close(&gw, &[-16.0]); // Σ 2(x·w + b − y)·x = 2(−2·1 − 3·2)
//! close(&gb, &[-10.0]);
//! // Per-example gradients: w shared, x and y mapped along axis 0.
//! let per = vmap_args(grad_argnums(lsq, Arg::<0>), (None, None, Some(0), Some(0)));
//! close(&per(&w, &b, &xs, &ys), &[-4.0, -12.0]);
//! // Structured control flow (here under jit and grad).
//! let relu_or_sin = jit(|x: &Tensor| cond(&x.greater(0.0), |x: &Tensor| x.clone(), |x: &Tensor| x.sin(), x));
//! close(&relu_or_sin(&Tensor::from(-1.0)), &[(-1f64).sin()]);
//! let third = switch(&Tensor::from(2i64), &[&|x: &Tensor| x * 1.0, &|x: &Tensor| x * 2.0, &|x: &Tensor| x * 3.0], &x);
//! close(&third, &[3.0, 6.0]);
//! let halvings = while_loop(|v: &Tensor| v.greater(1.0), |v: &Tensor| v / 2.0, Tensor::from(10.0));
//! close(&halvings, &[0.625]);
//! let power = |x: &Tensor| fori_loop(0, 3, |_, acc: &Tensor| acc * x, Tensor::from(1.0));
//! close(&grad(power)(&Tensor::from(2.0)), &[12.0]); // d x³ = 3x²
//! let (total, running) = scan(|c: &Tensor, x: &Tensor| (c + x, c + x), Tensor::from(0.0), &x);
//! close(&total, &[3.0]);
//! close(&running, &[1.0, 3.0]);
//! let (_, from_end) = scan_with(|c: &Tensor, x: &Tensor| (c + x, c + x), Tensor::from(0.0), &x, ScanOptions { reverse: true, ..Default::default() });
//! close(&from_end, &[3.0, 2.0]);
//! let chain = |x: &Tensor| x.sin().exp().sum();
//! let remat = checkpoint(chain);
//! close(&grad(|x: &Tensor| remat(x))(&x), &grad(chain)(&x).to_vec());
//! assert_eq!(residual_bytes(|x: &Tensor| remat(x), &x), 16); // only x's two f64s are kept
//! // jit, make_program, jit_with.
//! close(&jit(cube)(&x), &[9.0]);
//! assert!(make_program(cube)(&x).to_string().contains("pow"));
//! let jitted = jit_with(cube, JitOptions { explain_recompiles: true, ..JitOptions::default() });
//! close(&jitted.call(&x), &[9.0]);
//! ```
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
//! | `torch.optim.Adam(params).step()` | `optim::adam(..)`: `init(&params)` then `update(&params, &grads, state)` (an update can be jitted) |
//! | `with torch.no_grad(): w -= lr * w.grad` (also `+=`, `*=`, `/=`), `w.copy_(v)` | `no_grad(\|\| w -= &(lr * &g))`, `w.copy_from(&v)`: the param is updated in place, seen by its clones, the same leaf with the same `.grad`; refused outside `no_grad` |
//! | `w._version`, "modified by an inplace operation" at backward | `w.version()`; a `backward` through a graph recorded before an update is refused, naming the param's shape |
//! | `opt = torch.optim.Adam([w, b], lr); opt.step(); opt.zero_grad()` | `let mut opt = optim::adam(lr).on_params(vec![w.clone(), b.clone()]); opt.step(); opt.zero_grad();` (the same numbers as `update`) |
//! | `torch.save(model.state_dict())`, `np.save`, `np.savez` | [`crate::io::save`] (safetensors), `io::save_npy`, `io::save_npz` |
//!
//! Every row of the PyTorch table, run:
//!
//! ```
//! use ferrograd::{grad, io, nn, no_grad, optim, random, BackwardOptions, Tensor};
//! // requires_grad, backward (with a seed), .grad accumulating, zero_grad.
//! let x = Tensor::param(vec![1.0, 2.0]);
//! let y = Tensor::from(vec![3.0]).requires_grad();
//! (&x * &x).sum().backward();
//! assert_eq!(x.grad().unwrap().to_vec(), vec![2.0, 4.0]);
//! (&x * 3.0).backward_with(&Tensor::from(vec![1.0, 1.0]));
//! assert_eq!(x.grad().unwrap().to_vec(), vec![5.0, 7.0]); // accumulated
//! x.zero_grad();
//! assert!(x.grad().is_none_or(|g| g.to_vec() == vec![0.0, 0.0]));
//! (&y * 2.0).sum().backward();
//! assert_eq!(y.grad().unwrap().to_vec(), vec![2.0]);
//! // no_grad, detach: z and the detached x are constants to backward.
//! let z = no_grad(|| &x * 2.0);
//! (&z * &x).sum().backward();
//! assert_eq!(x.grad().unwrap().to_vec(), vec![2.0, 4.0]);
//! x.zero_grad();
//! (&x.detach() * &x).sum().backward();
//! assert_eq!(x.grad().unwrap().to_vec(), vec![1.0, 2.0]);
//! // retain_graph / create_graph, and torch.autograd.grad.
//! let w = Tensor::param(3.0);
//! let cube = &w * &w * &w;
//! let opts = BackwardOptions { retain_graph: true, create_graph: false };
//! cube.backward_opts(None, opts);
//! cube.backward_opts(None, opts);
//! assert_eq!(w.grad().unwrap().item(), 54.0); // two passes of 3w²
//! let dw = w.grad_of(&cube, true);
//! assert_eq!(dw.item(), 27.0);
//! assert_eq!(w.grad_of(&dw, false).item(), 18.0); // d²/dw² w³ = 6w
//! // torch.func: the same transforms.
//! assert_eq!(grad(|v: &Tensor| v.powi(3))(&Tensor::from(3.0)).item(), 27.0);
//! // nn layers and losses.
//! let key = random::key(0);
//! let layer = nn::Linear::new(&key, 3, 2);
//! assert_eq!(layer.forward(&Tensor::from_vec(vec![0.0; 12], &[4, 3])).shape(), &[4, 2]);
//! let mlp = nn::Mlp::new(&key, &[3, 4, 1], nn::Activation::Relu);
//! assert_eq!(mlp.forward(&Tensor::from_vec(vec![0.0; 6], &[2, 3])).shape(), &[2, 1]);
//! let logits = Tensor::from([[0.0, 0.0]]);
//! let ce = nn::cross_entropy_with_logits(&logits, &Tensor::from(vec![1i64]));
//! assert!((ce.item() - 2f64.ln()).abs() < 1e-15);
//! assert_eq!(nn::mse(&Tensor::from(vec![1.0, 3.0]), &Tensor::from(vec![0.0, 0.0])).item(), 5.0);
//! // An optimizer step.
//! let opt = optim::adam(0.1);
//! let params = Tensor::from(vec![1.0, 2.0]);
//! let state = opt.init(&params);
//! let (params, _state) = opt.update(&params, &Tensor::from(vec![1.0, -1.0]), state);
//! assert!((params.to_vec()[0] - 0.9).abs() < 1e-9);
//! // In-place updates of a param under no_grad, its version, and an optimizer on params.
//! let mut w = Tensor::param(vec![1.0, 2.0]);
//! (&w * &w).sum().backward();
//! let g = w.grad().unwrap();
//! no_grad(|| w -= &(0.25 * &g));
//! assert_eq!((w.to_vec(), w.version()), (vec![0.5, 1.0], 1));
//! no_grad(|| w.copy_from(&Tensor::from(vec![1.0, 2.0])));
//! w.zero_grad();
//! let mut sgd = optim::sgd(0.5).on_params(vec![w.clone()]);
//! (&w * &w).sum().backward();
//! sgd.step();
//! sgd.zero_grad();
//! assert_eq!(w.to_vec(), vec![0.0, 0.0]);
//! // Saving.
//! let dir = std::env::temp_dir().join(format!("ferrograd-guide-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! io::save(dir.join("layer.safetensors"), &layer).unwrap();
//! let back = io::load(dir.join("layer.safetensors"), &layer).unwrap();
//! assert_eq!(back.w.to_vec(), layer.w.to_vec());
//! io::save_npy(dir.join("w.npy"), &layer.w).unwrap();
//! assert_eq!(io::load_npy(dir.join("w.npy")).unwrap().to_vec(), layer.w.to_vec());
//! io::save_npz(dir.join("layer.npz"), &layer).unwrap();
//! assert_eq!(io::load_npz(dir.join("layer.npz")).unwrap().len(), 2);
//! std::fs::remove_dir_all(&dir).unwrap();
//! ```
