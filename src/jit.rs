//! `jit`: trace a function once per argument structure, optimise the program, and run the
//! compiled program on later calls (JAX's `jax.jit`).
//!
//! The first call with a given tree structure, shapes and dtypes stages `f` into a program
//! (operations on the arguments are recorded; anything else — captured arrays, Rust
//! arithmetic — is computed once and kept as a constant), optimises it and compiles it. Later
//! calls with the same structure, shapes and dtypes run the compiled program: elementwise work
//! fused into single passes over memory, dead code removed, repeated work done once.
//!
//! Called on values of an enclosing transform (`grad(jit(f))`, `vmap(jit(f))`, a tensor on
//! the imperative tape), a jitted function is inlined: `f` runs under that transform, so every
//! composition works. `jit(grad(f))` compiles the whole gradient computation.
//!
//! A jitted function keeps its cache for the thread that made it (it is not `Send`); a program
//! run on several threads makes one jitted function per thread. Its results are ordinary
//! tensors, free to share.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;

use ferrograd_core::api::ok;
use ferrograd_core::program::Program;
use ferrograd_core::transforms::stage_flat;
use ferrograd_core::tree::{leaves, rebuild};
use ferrograd_core::{Array, Aval, Tensor, Tree, TreeDef};
use ferrograd_jit::Executable;

use crate::transforms::flat_call;

/// Options of [`jit_with`].
#[derive(Debug, Clone, Default)]
pub struct JitOptions {
    /// A name for messages (default `"jit"`).
    pub name: Option<String>,
    /// Print on stderr why each call after the first compiled again (which input's
    /// structure, shape or dtype changed).
    pub explain_recompiles: bool,
}

/// What identifies a compiled program: the arguments' structure and each leaf's aval.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    def: TreeDef,
    avals: Vec<Aval>,
}

/// A compiled program with the structure of its output.
struct Compiled<U> {
    exe: Executable,
    out_template: U,
}

/// A jitted function: call it with [`Jit::call`] (or use [`jit`], which returns a closure).
/// Holds its cache of compiled programs, one per argument structure, shapes and dtypes.
pub struct Jit<T, U, F> {
    f: F,
    options: JitOptions,
    cache: RefCell<HashMap<Key, Rc<Compiled<U>>>>,
    /// The entry the last call used: a loop calling with one shape compares keys instead
    /// of hashing them.
    last: RefCell<Option<(Key, Rc<Compiled<U>>)>>,
    compiles: Cell<usize>,
    last_reason: RefCell<Option<String>>,
    _arg: std::marker::PhantomData<fn(&T)>,
}

/// Compiles `f` on its first call for each argument structure, shapes and dtypes, and runs
/// the compiled program on later calls.
///
/// ```
/// use ferrograd::{grad, jit, Tensor};
/// let f = jit(grad(|x: &Tensor| (x.tanh() * x).sum()));
/// let x = Tensor::from(vec![0.5, 1.0]);
/// let g = f(&x); // traces, optimises, compiles, runs
/// let g2 = f(&x); // runs the compiled program
/// assert_eq!(g.to_vec(), g2.to_vec());
/// let expect = |x: f64| x.tanh() + x * (1.0 - x.tanh().powi(2));
/// assert!((g.to_vec()[1] - expect(1.0)).abs() < 1e-12);
/// ```
///
/// The function is traced with abstract values, so it must not read them: `item()`,
/// `to_vec()` or a Rust `if` on a traced value are refused with a message; return such
/// values from the jitted function instead.
pub fn jit<T: Tree, U: Tree + Clone>(f: impl Fn(&T) -> U) -> impl Fn(&T) -> U {
    let j = jit_with(f, JitOptions::default());
    move |x: &T| j.call(x)
}

/// [`jit`] with options, returning the [`Jit`] itself (which can report its compiles).
pub fn jit_with<T: Tree, U: Tree + Clone, F: Fn(&T) -> U>(
    f: F,
    options: JitOptions,
) -> Jit<T, U, F> {
    Jit {
        f,
        options,
        cache: RefCell::new(HashMap::new()),
        last: RefCell::new(None),
        compiles: Cell::new(0),
        last_reason: RefCell::new(None),
        _arg: std::marker::PhantomData,
    }
}

impl<T: Tree, U: Tree + Clone, F: Fn(&T) -> U> Jit<T, U, F> {
    /// Calls the function: the compiled program when the arguments are concrete, else
    /// (values of an enclosing transform) the function itself, inlined into that transform.
    ///
    /// # Panics
    /// As `f` does; a kernel error while running the compiled program panics with its
    /// message, as the eager call would.
    #[track_caller]
    pub fn call(&self, x: &T) -> U {
        let xs = leaves(x);
        let arrays: Option<Vec<Array>> = xs.iter().map(|t| t.plain_array().cloned()).collect();
        let Some(arrays) = arrays else {
            return (self.f)(x);
        };
        let key = Key {
            def: x.tree_def(),
            avals: xs.iter().map(Tensor::aval).collect(),
        };
        let hit = match &*self.last.borrow() {
            Some((k, c)) if *k == key => Some(c.clone()),
            _ => None,
        };
        let hit = hit.or_else(|| self.cache.borrow().get(&key).cloned());
        let compiled = match hit {
            Some(c) => c,
            None => match self.compile(x, &key) {
                Some(c) => c,
                // It captured values of an enclosing transform: those differ at every call,
                // so nothing is cached and `f` runs under that transform.
                None => return (self.f)(x),
            },
        };
        let ys = ok(compiled.exe.run(&arrays));
        *self.last.borrow_mut() = Some((key, compiled.clone()));
        rebuild(
            &compiled.out_template,
            ys.into_iter().map(Tensor::from_array).collect(),
        )
    }

    /// Stages, optimises and compiles `f` for `key`; `None` when the program cannot be
    /// compiled on its own (it captured values of an enclosing transform).
    fn compile(&self, x: &T, key: &Key) -> Option<Rc<Compiled<U>>> {
        let (staged, out_template) = self.stage(x, &key.avals);
        let exe = Executable::new(ferrograd_jit::optimize(&staged))?;
        let reason = self.explain(key);
        if self.options.explain_recompiles {
            if let Some(r) = &reason {
                eprintln!("{r}");
            }
        }
        *self.last_reason.borrow_mut() = reason;
        self.compiles.set(self.compiles.get() + 1);
        let c = Rc::new(Compiled { exe, out_template });
        self.cache.borrow_mut().insert(key.clone(), c.clone());
        Some(c)
    }

    /// The program of `f` on abstract arguments shaped like `x`, and its output's structure.
    fn stage(&self, x: &T, avals: &[Aval]) -> (Program, U) {
        let mut out = None;
        let staged = ok(ferrograd_core::interp::stage::under_jit(|| {
            stage_flat(flat_call(&self.f, x, &mut out), avals)
        }));
        (staged, out.expect("the function ran"))
    }

    /// Why `key` needed a new compile, when an earlier one exists.
    fn explain(&self, key: &Key) -> Option<String> {
        let cache = self.cache.borrow();
        let name = self.options.name.as_deref().unwrap_or("jit");
        let prev = cache.keys().next()?;
        let why = if prev.def != key.def {
            format!(
                "the arguments' structure changed from {:?} to {:?}",
                prev.def, key.def
            )
        } else {
            let (i, (a, b)) = prev
                .avals
                .iter()
                .zip(&key.avals)
                .enumerate()
                .find(|(_, (a, b))| a != b)?;
            format!(
                "argument leaf {i} changed from {}{:?} to {}{:?}",
                a.dtype,
                a.shape.as_slice(),
                b.dtype,
                b.shape.as_slice()
            )
        };
        Some(format!(
            "{name}: compiling again ({} programs cached): {why}",
            cache.len()
        ))
    }

    /// How many programs have been compiled (one per new structure, shapes and dtypes).
    pub fn compiles(&self) -> usize {
        self.compiles.get()
    }

    /// Why the last compile happened, when it was not the first.
    pub fn last_recompile_reason(&self) -> Option<String> {
        self.last_reason.borrow().clone()
    }
}

/// The program `f` stages for arguments like `x`, before and after optimisation, and the
/// compiled schedule (JAX's `make_jaxpr`, with the compiler's view added).
///
/// ```
/// use ferrograd::{make_program, Tensor};
/// let p = make_program(|x: &Tensor| (x.sin() * 2.0).exp())(&Tensor::from(vec![1.0, 2.0]));
/// let text = p.to_string();
/// assert!(text.contains("sin") && text.contains("fused_loop"), "{text}");
/// ```
pub fn make_program<T: Tree, U: Tree + Clone>(f: impl Fn(&T) -> U) -> impl Fn(&T) -> StagedProgram {
    move |x: &T| {
        let j = jit_with(&f, JitOptions::default());
        let avals: Vec<Aval> = leaves(x).iter().map(Tensor::aval).collect();
        let (staged, _) = j.stage(x, &avals);
        let optimised = ferrograd_jit::optimize(&staged);
        let schedule = Executable::new(optimised.clone()).map(|e| e.to_string());
        StagedProgram {
            staged,
            optimised,
            schedule,
        }
    }
}

/// What [`make_program`] returns; `Display` prints all three forms.
pub struct StagedProgram {
    /// As traced.
    pub staged: Program,
    /// After the passes (constant folding, common subexpressions, dead code).
    pub optimised: Program,
    /// The compiled schedule of fused loops and kernels (`None` when the program captured
    /// values of an enclosing transform and so runs through the interpreters).
    pub schedule: Option<String>,
}

impl fmt::Display for StagedProgram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "staged:\n{}", self.staged)?;
        writeln!(f, "optimised:\n{}", self.optimised)?;
        match &self.schedule {
            Some(s) => write!(f, "compiled:\n{s}"),
            None => write!(f, "compiled: (runs through the interpreters)"),
        }
    }
}
