//! The update rules' arithmetic, written once over [`Value`], and its one-pass form.
//!
//! Each built-in rule states its update once, generic over the values it works on
//! ([`Formula`]) and over the per-step numbers ([`Num`]: Rust `f64`s, or 0-d tensors when
//! the step count is traced). With tensors it is a chain of tensor operations, so it traces,
//! differentiates and stages like any other code. On concrete, row-major float tensors the
//! same formula runs per element in one loop over memory ([`run`]), with each constant
//! converted to the parameter's dtype as the tensor operations convert a Rust scalar — the
//! same operations in the same order and dtype, so the results are equal bit for bit. That
//! loop writes the new parameter and slots into their old buffers when nothing else holds
//! them (the state is passed by value, and [`super::Optimizer::update_owned`] takes the
//! parameters by value), and into buffers from the array cache otherwise.

use ferrograd_array::{buffer, Array, DType, Element, Float};
use ferrograd_core::Tensor;

use super::Num;

/// What a rule's arithmetic needs: tensors or scalars of one float dtype, combined with
/// hyperparameters (Rust `f64`s) and with per-step numbers of type `N`.
pub trait Value<N: Num = f64>: Clone {
    fn add(&self, o: &Self) -> Self;
    fn sub(&self, o: &Self) -> Self;
    fn mul(&self, o: &Self) -> Self;
    fn div(&self, o: &Self) -> Self;
    fn sqrt(&self) -> Self;
    /// `c · self`, with `c` in this value's dtype.
    fn scale(&self, c: f64) -> Self;
    /// `self + c`, with `c` in this value's dtype.
    fn add_scalar(&self, c: f64) -> Self;
    /// `self / c`, with `c` in this value's dtype.
    fn div_scalar(&self, c: f64) -> Self;
    /// `c · self` for a per-step number `c`, converted to this value's dtype.
    fn scale_by(&self, c: &N) -> Self;
    /// `self / c` for a per-step number `c`, converted to this value's dtype.
    fn div_by(&self, c: &N) -> Self;
}

impl<N: Num> Value<N> for Tensor {
    fn add(&self, o: &Self) -> Self {
        self + o
    }
    fn sub(&self, o: &Self) -> Self {
        self - o
    }
    fn mul(&self, o: &Self) -> Self {
        self * o
    }
    fn div(&self, o: &Self) -> Self {
        self / o
    }
    fn sqrt(&self) -> Self {
        Tensor::sqrt(self)
    }
    fn scale(&self, c: f64) -> Self {
        c * self
    }
    fn add_scalar(&self, c: f64) -> Self {
        self + c
    }
    fn div_scalar(&self, c: f64) -> Self {
        self / c
    }
    fn scale_by(&self, c: &N) -> Self {
        c.scale(self)
    }
    fn div_by(&self, c: &N) -> Self {
        c.inv_scale(self)
    }
}

/// One element: a Rust float in the parameter's dtype.
#[derive(Clone, Copy)]
pub struct Scalar<T>(pub T);

impl<T: Float> Value<f64> for Scalar<T> {
    fn add(&self, o: &Self) -> Self {
        Scalar(self.0 + o.0)
    }
    fn sub(&self, o: &Self) -> Self {
        Scalar(self.0 - o.0)
    }
    fn mul(&self, o: &Self) -> Self {
        Scalar(self.0 * o.0)
    }
    fn div(&self, o: &Self) -> Self {
        Scalar(self.0 / o.0)
    }
    fn sqrt(&self) -> Self {
        Scalar(self.0.sqrt())
    }
    fn scale(&self, c: f64) -> Self {
        Scalar(T::from_f64(c) * self.0)
    }
    fn add_scalar(&self, c: f64) -> Self {
        Scalar(self.0 + T::from_f64(c))
    }
    fn div_scalar(&self, c: f64) -> Self {
        Scalar(self.0 / T::from_f64(c))
    }
    fn scale_by(&self, c: &f64) -> Self {
        self.scale(*c)
    }
    fn div_by(&self, c: &f64) -> Self {
        self.div_scalar(*c)
    }
}

/// The per-step numbers of an update: the step number `t` (1 first, a whole number) and the
/// learning rate; `f64`s when the step count is concrete, 0-d float64 tensors when traced.
#[derive(Debug, Clone, Copy)]
pub struct Step<N = f64> {
    pub t: N,
    pub lr: N,
}

/// A rule's update of one parameter, written once for tensors and for single elements, and
/// for concrete and traced step numbers.
pub trait Formula {
    /// Per-step constants computed once, outside any loop (bias corrections and the like).
    type Consts<N: Num>: Clone + Sync;
    /// The constants of step `step`.
    fn consts<N: Num>(&self, step: &Step<N>) -> Self::Consts<N>;
    /// The new parameter from `p` and its gradient `g`, updating `slots` (as many as the
    /// rule's `num_slots`).
    fn apply<N: Num, V: Value<N>>(&self, c: &Self::Consts<N>, p: &V, g: &V, slots: &mut [V]) -> V;
}

/// Most slots a built-in rule keeps per parameter.
const MAX_SLOTS: usize = 2;
/// Elements from which the loop is split across threads.
const PAR_ELEMENTS: usize = 1 << 16;
/// Elements per task of a split loop.
const CHUNK: usize = 1 << 14;

/// Runs `f` as one loop when `p`, `g` and every slot are concrete (untracked), row-major
/// tensors of one float dtype and shape, updating `slots` and returning the new parameter;
/// otherwise gives `p` back with nothing changed.
pub fn run<F: Formula + Sync>(
    f: &F,
    step: &Step,
    p: Tensor,
    g: &Tensor,
    slots: &mut [Tensor],
) -> std::result::Result<Tensor, Tensor> {
    let dtype = p.dtype();
    let fits = |t: &Tensor| {
        t.dtype() == dtype
            && t.shape() == p.shape()
            && t.plain_array().is_some_and(Array::is_row_major)
    };
    if slots.len() > MAX_SLOTS || !fits(&p) || !fits(g) || !slots.iter().all(fits) {
        return Err(p);
    }
    let c = f.consts(step);
    match dtype {
        DType::F32 => Ok(run_typed::<f32, F>(f, &c, p, g, slots)),
        DType::F64 => Ok(run_typed::<f64, F>(f, &c, p, g, slots)),
        _ => Err(p),
    }
}

/// `t`'s array, in a buffer nothing else holds: its own when it is the only holder, else a
/// copy (from the array cache). `t` is left holding a placeholder.
fn take_unique<T: Element>(t: &mut Tensor) -> Array {
    let mut a = std::mem::replace(t, Tensor::scalar(0.0))
        .into_plain_array()
        .unwrap_or_else(|_| unreachable!("`run` checked that every tensor is a plain value"));
    if a.unique_slice_mut::<T>().is_some() {
        return a;
    }
    let src = a.row_major_slice::<T>().expect("`run` checked row-major");
    let mut copy = buffer::with_capacity(src.len());
    copy.extend_from_slice(src);
    Array::from_vec(a.shape(), copy).expect("same size")
}

fn run_typed<T: Float, F: Formula + Sync>(
    f: &F,
    c: &F::Consts<f64>,
    mut p: Tensor,
    g: &Tensor,
    slots: &mut [Tensor],
) -> Tensor {
    let g = g.plain_array().expect("checked by `run`");
    let g = g.row_major_slice::<T>().expect("checked by `run`");
    let mut p_out = take_unique::<T>(&mut p);
    let mut s_out: Vec<Array> = slots.iter_mut().map(take_unique::<T>).collect();
    {
        let ps = p_out.unique_slice_mut::<T>().expect("made unique above");
        let mut ss: Vec<&mut [T]> = s_out
            .iter_mut()
            .map(|a| a.unique_slice_mut::<T>().expect("made unique above"))
            .collect();
        if ps.len() < PAR_ELEMENTS {
            serial(f, c, ps, g, &mut ss);
        } else {
            use rayon::prelude::*;
            let mut s_chunks: Vec<_> = ss.iter_mut().map(|s| s.chunks_mut(CHUNK)).collect();
            let tasks: Vec<Task<'_, T>> = ps
                .chunks_mut(CHUNK)
                .zip(g.chunks(CHUNK))
                .map(|(pc, gc)| {
                    let sc = s_chunks
                        .iter_mut()
                        .map(|it| it.next().expect("same length"));
                    (pc, gc, sc.collect())
                })
                .collect();
            tasks
                .into_par_iter()
                .for_each(|(pc, gc, mut sc)| serial(f, c, pc, gc, &mut sc));
        }
    }
    for (slot, a) in slots.iter_mut().zip(s_out) {
        *slot = Tensor::from_array(a);
    }
    Tensor::from_array(p_out)
}

/// A piece of a split loop: the parameter's, the gradient's and the slots' elements.
type Task<'a, T> = (&'a mut [T], &'a [T], Vec<&'a mut [T]>);

/// The formula per element, in place.
fn serial<T: Float, F: Formula>(
    f: &F,
    c: &F::Consts<f64>,
    p: &mut [T],
    g: &[T],
    s: &mut [&mut [T]],
) {
    let k = s.len();
    let mut vals = [Scalar(T::zero()); MAX_SLOTS];
    for (i, (p, &g)) in p.iter_mut().zip(g).enumerate() {
        for (v, s) in vals.iter_mut().zip(s.iter()) {
            *v = Scalar(s[i]);
        }
        *p = f
            .apply::<f64, _>(c, &Scalar(*p), &Scalar(g), &mut vals[..k])
            .0;
        for (v, s) in vals.iter().zip(s.iter_mut()) {
            s[i] = v.0;
        }
    }
}
