//! The interpreter stack and [`bind`], the single interception point for every primitive.
//!
//! Interpreters live on a thread-local stack; a tracer records the level (stack index) and
//! the unique id of the interpreter that owns it. `bind` hands a primitive to the interpreter
//! of the highest level among its arguments (or evaluates it when none is traced); that
//! interpreter unwraps its own tracers, treats all others as constants, and runs the rule,
//! whose operations `bind` again and so reach the interpreters below. This keeps nested
//! transforms apart (no perturbation confusion) and makes higher-order derivatives fall out.
//!
//! Beneath the stack is one base slot for values that are concrete but recorded (the
//! imperative tape's tracked tensors): whatever makes such values installs its interpreter
//! there, and `bind` consults it without naming it. Ids of interpreters are unique in the
//! process, so a tracer that reaches another thread matches nothing there and is refused.

pub mod batch;
pub mod jvp;
mod run;
pub mod stage;

pub use run::{backward_pass, eval_program, transpose_partial, transpose_program};

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use smallvec::SmallVec;

use crate::tensor::Repr;
use crate::{Error, Primitive, Result, Tensor};

/// A transform's interpreter.
pub trait Interpreter {
    /// Runs `prim` on `args`, at least one of which is this interpreter's tracer.
    fn process(&self, prim: &dyn Primitive, args: &[Tensor]) -> Result<crate::Outs<Tensor>>;

    /// The value one level down of this interpreter's tracer `x`, if this transform knows it
    /// now (forward mode does: its primal); `None` for staged or batched values.
    fn primal_of(&self, _x: &Tensor) -> Option<Tensor> {
        None
    }

    /// The transform's name, as a traced value's `{:#?}` shows it (`jvp`, `vmap`, `jit` …).
    fn name(&self) -> &'static str {
        "transform"
    }

    /// True for an interpreter that records tangent work to be transposed later (reverse
    /// mode's linear tape): what it records must be linear in its values.
    fn records_linear(&self) -> bool {
        false
    }
}

struct Entry {
    id: u64,
    interp: Rc<dyn Interpreter>,
}

thread_local! {
    static STACK: RefCell<Vec<Entry>> = const { RefCell::new(Vec::new()) };
}

/// Interpreter ids are unique in the process, not only on their thread: a tracer that leaks
/// to another thread then matches no interpreter there and is refused, instead of being read
/// as the tracer of whichever interpreter sits at its level.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// The interpreter beneath the transform stack, for values that are concrete but recorded
/// (tracked tensors): installed once, by whatever makes the first such value.
static BASE: OnceLock<&'static (dyn Interpreter + Sync)> = OnceLock::new();

/// Installs the base interpreter (the first installation stays).
pub fn install_base(interp: &'static (dyn Interpreter + Sync)) {
    BASE.get_or_init(|| interp);
}

/// Where an interpreter sits: its stack level and unique id (stored in its tracers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub level: u32,
    pub id: u64,
}

impl Slot {
    /// True if `x` is a tracer of the interpreter in this slot.
    pub fn owns(&self, x: &Tensor) -> bool {
        matches!(&x.repr, Repr::Tracer(t) if t.level == self.level && t.owner == self.id)
    }

    /// The arena index of `x` if this slot owns it.
    pub fn index_of(&self, x: &Tensor) -> Option<usize> {
        match &x.repr {
            Repr::Tracer(t) if t.level == self.level && t.owner == self.id => {
                Some(t.index as usize)
            }
            _ => None,
        }
    }

    /// A tracer of this slot.
    pub fn tracer(&self, index: usize, aval: crate::Aval) -> Tensor {
        Tensor::tracer(self.level, self.id, index as u32, aval)
    }
}

/// Pops its interpreter when dropped (also on panic), restoring the stack.
pub struct Guard {
    level: u32,
}

impl Drop for Guard {
    fn drop(&mut self) {
        STACK.with(|s| s.borrow_mut().truncate(self.level as usize));
    }
}

/// Pushes the interpreter that `make` builds for its slot; it is current until the guard drops.
pub fn push<I: Interpreter + 'static>(make: impl FnOnce(Slot) -> I) -> (Rc<I>, Guard) {
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    STACK.with(|s| {
        let level = s.borrow().len() as u32;
        let interp = Rc::new(make(Slot { level, id }));
        s.borrow_mut().push(Entry {
            id,
            interp: interp.clone(),
        });
        (interp, Guard { level })
    })
}

thread_local! {
    /// The staging interpreter of a `jit` trace, when one is running: it records every
    /// operation of a level below its own, even one on constants only (JAX's omnistaging),
    /// so a compiled program repeats all of the function's work at each call.
    static DYNAMIC: Cell<Option<(u32, u64)>> = const { Cell::new(None) };
}

/// Runs `f` with the interpreter in `slot` receiving every operation whose arguments are
/// traced only at lower levels, or not at all (see `DYNAMIC`).
pub fn with_dynamic<R>(slot: Slot, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<(u32, u64)>);
    impl Drop for Restore {
        fn drop(&mut self) {
            DYNAMIC.with(|d| d.set(self.0));
        }
    }
    let _restore = Restore(DYNAMIC.with(|d| d.replace(Some((slot.level, slot.id)))));
    f()
}

/// Applies `prim` to `args` under whatever transforms are tracing them.
pub fn bind(prim: &dyn Primitive, args: &[Tensor]) -> Result<crate::Outs<Tensor>> {
    let mut top: Option<(u32, u64)> = DYNAMIC.with(Cell::get);
    let mut tracked = false;
    for a in args {
        match &a.repr {
            Repr::Tracer(t) if top.is_none_or(|(l, _)| t.level > l) => {
                top = Some((t.level, t.owner))
            }
            Repr::Tracked(_) => tracked = true,
            _ => {}
        }
    }
    let Some((level, owner)) = top else {
        // The base interpreter (the imperative tape) sits below every transform: it sees an
        // operation only once the transforms above have unwrapped their tracers.
        if tracked {
            if let Some(base) = BASE.get() {
                return base.process(prim, args);
            }
        }
        return eval(prim, args);
    };
    let interp = STACK
        .with(|s| {
            s.borrow()
                .get(level as usize)
                .filter(|e| e.id == owner)
                .map(|e| e.interp.clone())
        })
        .ok_or(Error::TracerLeak { prim: prim.name() })?;
    interp.process(prim, args)
}

/// Evaluates `prim` on concrete arguments.
pub(crate) fn eval(prim: &dyn Primitive, args: &[Tensor]) -> Result<crate::Outs<Tensor>> {
    let arrays: SmallVec<[&ferrograd_array::Array; 4]> = args
        .iter()
        .map(|a| a.as_array().expect("no tracers among eval arguments"))
        .collect();
    Ok(prim
        .eval(&arrays)?
        .into_iter()
        .map(Tensor::from_array)
        .collect())
}

/// The array of a plain concrete tensor (not a tracer, not on the imperative tape).
fn value(t: &Tensor) -> Option<&ferrograd_array::Array> {
    match &t.repr {
        Repr::Value(a) => Some(a),
        _ => None,
    }
}

/// Binds a single-output primitive.
pub fn bind1(prim: &dyn Primitive, args: &[Tensor]) -> Result<Tensor> {
    if DYNAMIC.with(Cell::get).is_some() {
        let mut out = bind(prim, args)?;
        return Ok(out.swap_remove(0));
    }
    // Eager fast path: all arguments concrete, so run the kernel and skip the output `Vec`.
    // One and two arguments are matched out directly: the arrays are then written where
    // `eval` reads them, where a `SmallVec` built here would be copied first (and that copy,
    // right after the writes, stalls on store-to-load forwarding).
    let out = match args {
        [a] => value(a).map(|a| prim.eval(&[a])),
        [a, b] => value(a).zip(value(b)).map(|(a, b)| prim.eval(&[a, b])),
        _ => args
            .iter()
            .map(value)
            .collect::<Option<SmallVec<[&ferrograd_array::Array; 4]>>>()
            .map(|arrays| prim.eval(&arrays)),
    };
    if let Some(out) = out {
        let mut out = out?;
        debug_assert_eq!(out.len(), 1, "{} has one output", prim.name());
        return Ok(Tensor::from_array(out.swap_remove(0)));
    }
    let mut out = bind(prim, args)?;
    debug_assert_eq!(out.len(), 1, "{} has one output", prim.name());
    Ok(out.swap_remove(0))
}

/// The name of the transform tracing `x`, while it runs on this thread; `None` for a concrete
/// value, or a tracer whose transform has returned (or runs on another thread).
pub fn transform_name(x: &Tensor) -> Option<&'static str> {
    let Repr::Tracer(t) = &x.repr else {
        return None;
    };
    STACK.with(|s| {
        s.borrow()
            .get(t.level as usize)
            .filter(|e| e.id == t.owner)
            .map(|e| e.interp.name())
    })
}

/// True when `x` is a value of reverse mode's linear tape (see
/// [`Interpreter::records_linear`]): a control-flow rule given such tangents must keep
/// its primal work out of what it records.
pub fn is_recorded(x: &Tensor) -> bool {
    let Repr::Tracer(t) = &x.repr else {
        return false;
    };
    STACK.with(|s| {
        s.borrow()
            .get(t.level as usize)
            .filter(|e| e.id == t.owner)
            .is_some_and(|e| e.interp.records_linear())
    })
}

/// Number of interpreters currently on this thread's stack (0 when evaluating eagerly).
pub fn depth() -> usize {
    STACK.with(|s| s.borrow().len())
}

/// The concrete value of `x` when every transform tracing it knows its value now (forward
/// mode, and so `grad`, does: a tracer's primal), else `None` (under `vmap` or staging).
/// For data-dependent shapes — boolean masks, `nonzero` — which need values, not tracers.
pub fn concrete_value(x: &Tensor) -> Option<Tensor> {
    let mut x = x.clone();
    loop {
        let (level, owner) = match &x.repr {
            Repr::Value(_) | Repr::Tracked(_) => return Some(x),
            Repr::Tracer(t) => (t.level, t.owner),
        };
        let interp = STACK.with(|s| {
            s.borrow()
                .get(level as usize)
                .filter(|e| e.id == owner)
                .map(|e| e.interp.clone())
        })?;
        x = interp.primal_of(&x)?;
    }
}
