//! Functions of several arguments, for the transforms' `*_argnums` forms and [`vmap_args`].
//!
//! JAX writes `grad(loss, argnums=(0, 1))(w, b, x, y)`. Rust has neither variadic functions
//! nor values that pick a type, so the same program is spelled with three small traits:
//!
//! - [`Params`]: the arguments as one tuple `(A, B, …)` of pytrees (1 to 4 of them). It names
//!   the type of the function a transform returns, `Box<dyn Fn(&A, &B, …) -> R>`, which is
//!   called like the user's function: `g(&w, &b, &x, &y)`.
//! - [`ArgsFn`]: implemented for every `Fn(&A) -> R`, `Fn(&A, &B) -> R`, … up to four
//!   arguments, so the user's function is passed as it is, without packing its arguments
//!   into a tuple.
//! - [`Argnums`]: which arguments to differentiate, as a type — [`Arg::<1>`](Arg) for JAX's
//!   `argnums=1`, `(Arg::<0>, Arg::<1>)` for `argnums=(0, 1)` — so that the gradient's type
//!   is known: the argument's own type for one, a tuple of them for several.
//!
//! The arguments are cloned into a tuple inside the transform (a clone of a pytree copies
//! reference-counted handles, not data).
//!
//! [`vmap_args`]: crate::vmap_args

use ferrograd_core::{Tree, TreeDef};

/// The arguments of a function of 1 to 4 pytree arguments, as the tuple `(A, B, …)`.
pub trait Params: Tree + Clone {
    /// The type of a transformed function of these arguments: `dyn Fn(&A, &B, …) -> R + 'f`.
    type DynFn<'f, R>: ?Sized + 'f
    where
        Self: 'f,
        R: 'f;

    /// The arguments as references, `(&A, &B, …)`, as [`jvp_argnums`](crate::jvp_argnums)
    /// and [`vjp_argnums`](crate::vjp_argnums) take them.
    type Refs<'a>
    where
        Self: 'a;

    /// The arguments, cloned from references.
    fn from_refs(refs: Self::Refs<'_>) -> Self;

    /// `g` as a function of the separate arguments (cloned into the tuple at each call).
    fn boxed<'f, R: 'f>(g: impl Fn(Self) -> R + 'f) -> Box<Self::DynFn<'f, R>>
    where
        Self: 'f;
}

/// A function of the arguments `P` returning `R`: every `Fn(&A, …) -> R` of up to four
/// arguments, and the functions the transforms return.
pub trait ArgsFn<P, R> {
    /// Calls the function on the tuple's members.
    fn call(&self, args: &P) -> R;
}

/// Which arguments a transform differentiates (JAX's `argnums`): [`Arg::<I>`](Arg) for one,
/// a tuple of them for several (in the order given; each at most once).
pub trait Argnums<P>: Copy {
    /// The arguments differentiated: one argument's type, or a tuple of them.
    type Diff: Tree + Clone;
    /// The chosen arguments, cloned.
    fn get(&self, args: &P) -> Self::Diff;
    /// Replaces the chosen arguments with `d`.
    fn set(&self, args: &mut P, d: Self::Diff);
    /// The chosen positions, in order.
    fn positions(&self, out: &mut Vec<usize>);
}

/// The argument at position `I` (from 0), as an [`Argnums`] choice: JAX's `argnums=I`.
///
/// ```
/// use ferrograd::{grad_argnums, Arg, Tensor};
/// let f = |a: &Tensor, b: &Tensor| (a * b).sum();
/// let (a, b) = (Tensor::from(vec![1.0, 2.0]), Tensor::from(vec![3.0, 4.0]));
/// assert_eq!(grad_argnums(f, Arg::<1>)(&a, &b).to_vec(), vec![1.0, 2.0]);
/// let (ga, gb) = grad_argnums(f, (Arg::<0>, Arg::<1>))(&a, &b);
/// assert_eq!((ga.to_vec(), gb.to_vec()), (vec![3.0, 4.0], vec![1.0, 2.0]));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Arg<const I: usize>;

impl<A: Tree + Clone> Params for (A,) {
    type DynFn<'f, R>
        = dyn Fn(&A) -> R + 'f
    where
        Self: 'f,
        R: 'f;
    type Refs<'a>
        = (&'a A,)
    where
        Self: 'a;
    fn from_refs(r: Self::Refs<'_>) -> Self {
        (r.0.clone(),)
    }
    fn boxed<'f, R: 'f>(g: impl Fn(Self) -> R + 'f) -> Box<Self::DynFn<'f, R>>
    where
        Self: 'f,
    {
        Box::new(move |a: &A| g((a.clone(),)))
    }
}

impl<A: Tree + Clone, B: Tree + Clone> Params for (A, B) {
    type DynFn<'f, R>
        = dyn Fn(&A, &B) -> R + 'f
    where
        Self: 'f,
        R: 'f;
    type Refs<'a>
        = (&'a A, &'a B)
    where
        Self: 'a;
    fn from_refs(r: Self::Refs<'_>) -> Self {
        (r.0.clone(), r.1.clone())
    }
    fn boxed<'f, R: 'f>(g: impl Fn(Self) -> R + 'f) -> Box<Self::DynFn<'f, R>>
    where
        Self: 'f,
    {
        Box::new(move |a: &A, b: &B| g((a.clone(), b.clone())))
    }
}

impl<A: Tree + Clone, B: Tree + Clone, C: Tree + Clone> Params for (A, B, C) {
    type DynFn<'f, R>
        = dyn Fn(&A, &B, &C) -> R + 'f
    where
        Self: 'f,
        R: 'f;
    type Refs<'a>
        = (&'a A, &'a B, &'a C)
    where
        Self: 'a;
    fn from_refs(r: Self::Refs<'_>) -> Self {
        (r.0.clone(), r.1.clone(), r.2.clone())
    }
    fn boxed<'f, R: 'f>(g: impl Fn(Self) -> R + 'f) -> Box<Self::DynFn<'f, R>>
    where
        Self: 'f,
    {
        Box::new(move |a: &A, b: &B, c: &C| g((a.clone(), b.clone(), c.clone())))
    }
}

impl<A: Tree + Clone, B: Tree + Clone, C: Tree + Clone, D: Tree + Clone> Params for (A, B, C, D) {
    type DynFn<'f, R>
        = dyn Fn(&A, &B, &C, &D) -> R + 'f
    where
        Self: 'f,
        R: 'f;
    type Refs<'a>
        = (&'a A, &'a B, &'a C, &'a D)
    where
        Self: 'a;
    fn from_refs(r: Self::Refs<'_>) -> Self {
        (r.0.clone(), r.1.clone(), r.2.clone(), r.3.clone())
    }
    fn boxed<'f, R: 'f>(g: impl Fn(Self) -> R + 'f) -> Box<Self::DynFn<'f, R>>
    where
        Self: 'f,
    {
        Box::new(move |a: &A, b: &B, c: &C, d: &D| g((a.clone(), b.clone(), c.clone(), d.clone())))
    }
}

impl<F: Fn(&A) -> R, A, R> ArgsFn<(A,), R> for F {
    fn call(&self, p: &(A,)) -> R {
        self(&p.0)
    }
}

impl<F: Fn(&A, &B) -> R, A, B, R> ArgsFn<(A, B), R> for F {
    fn call(&self, p: &(A, B)) -> R {
        self(&p.0, &p.1)
    }
}

impl<F: Fn(&A, &B, &C) -> R, A, B, C, R> ArgsFn<(A, B, C), R> for F {
    fn call(&self, p: &(A, B, C)) -> R {
        self(&p.0, &p.1, &p.2)
    }
}

impl<F: Fn(&A, &B, &C, &D) -> R, A, B, C, D, R> ArgsFn<(A, B, C, D), R> for F {
    fn call(&self, p: &(A, B, C, D)) -> R {
        self(&p.0, &p.1, &p.2, &p.3)
    }
}

/// `Arg<$i>` picks member `$i` (of type `$T`) of the argument tuple `($P, …)`.
macro_rules! pick {
    ($i:tt => $T:ident of $($P:ident),+) => {
        impl<$($P: Tree + Clone),+> Argnums<($($P,)+)> for Arg<$i> {
            type Diff = $T;
            fn get(&self, args: &($($P,)+)) -> $T {
                args.$i.clone()
            }
            fn set(&self, args: &mut ($($P,)+), d: $T) {
                args.$i = d;
            }
            fn positions(&self, out: &mut Vec<usize>) {
                out.push($i);
            }
        }
    };
}
pick!(0 => A of A);
pick!(0 => A of A, B);
pick!(1 => B of A, B);
pick!(0 => A of A, B, C);
pick!(1 => B of A, B, C);
pick!(2 => C of A, B, C);
pick!(0 => A of A, B, C, D);
pick!(1 => B of A, B, C, D);
pick!(2 => C of A, B, C, D);
pick!(3 => D of A, B, C, D);

/// A tuple of choices picks each, and differentiates with respect to all of them.
macro_rules! picks {
    ($($S:ident $i:tt),+) => {
        impl<P, $($S: Argnums<P>),+> Argnums<P> for ($($S,)+) {
            type Diff = ($($S::Diff,)+);
            fn get(&self, args: &P) -> Self::Diff {
                ($(self.$i.get(args),)+)
            }
            fn set(&self, args: &mut P, d: Self::Diff) {
                $(self.$i.set(args, d.$i);)+
            }
            fn positions(&self, out: &mut Vec<usize>) {
                $(self.$i.positions(out);)+
            }
        }
    };
}
picks!(S0 0);
picks!(S0 0, S1 1);
picks!(S0 0, S1 1, S2 2);
picks!(S0 0, S1 1, S2 2, S3 3);

/// The positions chosen by `argnums`, or the reason they cannot be used (one chosen twice).
pub(crate) fn check_argnums<P, S: Argnums<P>>(argnums: &S) -> Result<(), String> {
    let mut pos = Vec::new();
    argnums.positions(&mut pos);
    for (k, p) in pos.iter().enumerate() {
        if pos[..k].contains(p) {
            return Err(format!(
                "argument {p} is chosen twice in argnums {pos:?}; choose each argument once"
            ));
        }
    }
    Ok(())
}

/// The number of leaves of a tree of structure `def`.
pub(crate) fn leaf_count(def: &TreeDef) -> usize {
    match def {
        TreeDef::Leaf => 1,
        TreeDef::Empty => 0,
        TreeDef::Tuple(c) | TreeDef::List(c) => c.iter().map(leaf_count).sum(),
        TreeDef::Map(c) => c.iter().map(|(_, d)| leaf_count(d)).sum(),
        TreeDef::Struct { fields, .. } => fields.iter().map(|(_, d)| leaf_count(d)).sum(),
    }
}
