//! A fused loop: a chain or tree of elementwise operations, with sums over all elements at
//! its end, run as one pass over memory in cache-sized tiles (a numexpr-style vector
//! interpreter). Each operation runs its primitive's tile kernel over [`TILE`] elements at a
//! time; intermediates live in a few tile-sized registers that stay in L1, so only the loop's
//! inputs and outputs reach memory. Large loops split across threads by tiles.

use ferrograd_array::kernels::worth_splitting;
use ferrograd_array::{buffer, Array, DType, Element, Float};
use ferrograd_core::fusion::Fusion;
use std::cell::RefCell;

use smallvec::SmallVec;

use rayon::prelude::*;

/// Elements per tile: a register is 2 KiB of f64, so a loop's registers fit in L1.
pub const TILE: usize = 256;

/// Where an operation reads a tile from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Src {
    /// The loop's `k`th input.
    In(u16),
    /// A register.
    Reg(u16),
    /// The loop's `k`th stored output (already written this tile).
    Out(u16),
}

/// Where an operation writes its tile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dst {
    Reg(u16),
    Out(u16),
}

/// One operation of the loop body.
#[derive(Debug, Clone)]
pub enum TileOp {
    Unary {
        name: &'static str,
        f: Fusion,
        x: Src,
        out: Dst,
    },
    Binary {
        name: &'static str,
        f: Fusion,
        a: Src,
        b: Src,
        out: Dst,
    },
    Powi {
        n: i32,
        x: Src,
        out: Dst,
    },
    /// Writes a mask (1.0 / 0.0) of a comparison.
    Compare {
        name: &'static str,
        f: Fusion,
        a: Src,
        b: Src,
        out: Dst,
    },
    /// Picks `a` where the mask `p` is non-zero, else `b`.
    Select {
        p: Src,
        a: Src,
        b: Src,
        out: Dst,
    },
    /// Copies `x` into the `k`th output.
    Store {
        x: Src,
        k: u16,
    },
    /// Stores the mask `x` as the `k`th bool output.
    StoreMask {
        x: Src,
        k: u16,
    },
    /// Adds the tile of `x` to the `k`th sum.
    Sum {
        x: Src,
        k: u16,
    },
}

impl TileOp {
    /// The operation's name in printed schedules.
    pub fn name(&self) -> &'static str {
        match self {
            TileOp::Unary { name, .. } | TileOp::Binary { name, .. } => name,
            TileOp::Compare { name, .. } => name,
            TileOp::Powi { .. } => "integer_pow",
            TileOp::Select { .. } => "select",
            TileOp::StoreMask { .. } => "store_mask",
            TileOp::Store { .. } => "store",
            TileOp::Sum { .. } => "sum",
        }
    }
}

/// A compiled loop: every operand has `len` elements of `dtype` (f32 or f64).
#[derive(Debug, Clone)]
pub struct FusedLoop {
    pub dtype: DType,
    pub shape: Vec<usize>,
    pub len: usize,
    pub n_outputs: usize,
    /// Bool outputs (masks read outside the loop), stored after the float outputs.
    pub n_masks: usize,
    pub n_sums: usize,
    pub n_regs: usize,
    pub ops: Vec<TileOp>,
    /// Work per element in units of a cheap operation, for choosing threads.
    pub cost: usize,
    /// Pairs (output k, input i) where output k may be written over input i's buffer: every
    /// read of input i in a tile comes before the write of output k.
    pub donatable: Vec<(u16, u16)>,
}

/// Lends `n` elements of the thread's scratch `cell`, grown as needed and kept for the next
/// loop, so a compiled call neither allocates nor zero-fills its registers. A loop that finds
/// the scratch lent out (never expected: tile kernels do not run loops) gets a fresh buffer.
fn scratch<T: Float, R>(
    cell: &'static std::thread::LocalKey<RefCell<Vec<T>>>,
    n: usize,
    f: impl FnOnce(&mut [T]) -> R,
) -> R {
    cell.with(|c| match c.try_borrow_mut() {
        Ok(mut v) => {
            if v.len() < n {
                v.resize(n, T::zero());
            }
            f(&mut v[..n])
        }
        Err(_) => f(&mut vec![T::zero(); n]),
    })
}

/// A loop's inputs, outputs or per-operand bookkeeping: a few, kept off the heap so that a
/// compiled call does not allocate them.
pub type Few<T> = SmallVec<[T; 8]>;

/// An input given to a loop: borrowed, or owned by the loop because nothing reads it after
/// this loop, so an output may be written over its buffer.
pub enum LoopArg<'a> {
    Borrowed(&'a Array),
    Owned(Array),
}

impl LoopArg<'_> {
    fn array(&self) -> &Array {
        match self {
            LoopArg::Borrowed(a) => a,
            LoopArg::Owned(a) => a,
        }
    }
}

/// How an input array is read.
enum Input<T> {
    /// Row-major and contiguous (`len` elements): tiles are sub-slices. A raw pointer, because
    /// an output may be written over it (only after the tile's last read of it).
    Contig(*const T),
    /// Every element the same (a broadcast scalar).
    Splat(T),
    /// A row-major block of `period` elements repeated (a broadcast row, such as a bias
    /// added to every row of a batch), with `period` dividing [`TILE`]: every tile starts
    /// at a multiple of the period, so one tile filled once serves them all.
    Periodic { ptr: *const T, period: usize },
    /// Any other layout (broadcast rows or columns, transposes): gathered per tile.
    Strided(Strided<T>),
}

/// A strided view: element `i` (row-major) is at `ptr + Σ idx[d] * strides[d]`.
struct Strided<T> {
    ptr: *const T,
    shape: Vec<usize>,
    strides: Vec<isize>,
}

// The pointers read arrays that the caller keeps alive for the whole loop, written (if at all)
// only at elements whose tile has been read.
unsafe impl<T: Sync> Sync for Input<T> {}
unsafe impl<T: Sync> Send for Input<T> {}

/// Raw output pointers, written by tiles on several threads at disjoint ranges.
#[derive(Clone, Copy)]
struct OutPtr<T>(*mut T);
unsafe impl<T: Send> Send for OutPtr<T> {}
unsafe impl<T: Send> Sync for OutPtr<T> {}

/// f32 and f64, with their tile kernels picked from a [`Fusion`].
pub trait TileFloat: Float {
    /// Runs `f` with this thread's scratch buffer of at least `n` elements (its contents are
    /// stale: every register and input tile is written before it is read).
    fn with_scratch<R>(n: usize, f: impl FnOnce(&mut [Self]) -> R) -> R;
    fn unary(f: &Fusion) -> fn(&[Self], &mut [Self]);
    /// The kernel of a binary operation or a comparison.
    fn binary(f: &Fusion) -> fn(&[Self], &[Self], &mut [Self]);
}

impl TileFloat for f32 {
    fn with_scratch<R>(n: usize, f: impl FnOnce(&mut [f32]) -> R) -> R {
        thread_local! {
            static SCRATCH: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
        }
        scratch(&SCRATCH, n, f)
    }
    fn unary(f: &Fusion) -> fn(&[f32], &mut [f32]) {
        match f {
            Fusion::Unary { f32, .. } => *f32,
            _ => unreachable!("the fuser gives unary ops a unary form"),
        }
    }
    fn binary(f: &Fusion) -> fn(&[f32], &[f32], &mut [f32]) {
        match f {
            Fusion::Binary { f32, .. } | Fusion::Compare { f32, .. } => *f32,
            _ => unreachable!("the fuser gives binary ops a binary form"),
        }
    }
}

impl TileFloat for f64 {
    fn with_scratch<R>(n: usize, f: impl FnOnce(&mut [f64]) -> R) -> R {
        thread_local! {
            static SCRATCH: RefCell<Vec<f64>> = const { RefCell::new(Vec::new()) };
        }
        scratch(&SCRATCH, n, f)
    }
    fn unary(f: &Fusion) -> fn(&[f64], &mut [f64]) {
        match f {
            Fusion::Unary { f64, .. } => *f64,
            _ => unreachable!("the fuser gives unary ops a unary form"),
        }
    }
    fn binary(f: &Fusion) -> fn(&[f64], &[f64], &mut [f64]) {
        match f {
            Fusion::Binary { f64, .. } | Fusion::Compare { f64, .. } => *f64,
            _ => unreachable!("the fuser gives binary ops a binary form"),
        }
    }
}

impl FusedLoop {
    /// Runs the loop: `inputs` have the loop's shape and dtype (any layout); returns the
    /// stored outputs (row-major, the loop's shape), the masks, and then the sums (0-d). An
    /// output is written over an owned input when this loop allows it and the input's buffer
    /// is row-major and held by nothing else.
    pub fn run(&self, inputs: Few<LoopArg<'_>>) -> Few<Array> {
        match self.dtype {
            DType::F32 => self.run_typed::<f32>(inputs),
            DType::F64 => self.run_typed::<f64>(inputs),
            d => unreachable!("the fuser makes loops of floats only, not {d}"),
        }
    }

    fn run_typed<T: TileFloat>(&self, mut inputs: Few<LoopArg<'_>>) -> Few<Array> {
        // Outputs written over owned inputs, and those inputs' writable buffers.
        let mut over: Few<Option<usize>> = smallvec::smallvec![None; self.n_outputs];
        let mut writable: Few<Option<*mut T>> = smallvec::smallvec![None; inputs.len()];
        for &(k, i) in &self.donatable {
            let (k, i) = (k as usize, i as usize);
            if over[k].is_some() || writable[i].is_some() || self.len == 0 {
                continue;
            }
            if let LoopArg::Owned(a) = &mut inputs[i] {
                if let Some(buf) = a.unique_slice_mut::<T>().filter(|b| b.len() == self.len) {
                    writable[i] = Some(buf.as_mut_ptr());
                    over[k] = Some(i);
                }
            }
        }
        // Zero-size arrays have nothing to read (a broadcast of one has no first element).
        let ins: Few<Input<T>> = match self.len {
            0 => Few::new(),
            _ => inputs
                .iter()
                .zip(&writable)
                .map(|(a, w)| match w {
                    Some(p) => Input::Contig(*p as *const T),
                    None => classify(a.array()),
                })
                .collect(),
        };
        let mut outs: Few<Vec<T>> = over
            .iter()
            .map(|o| match o {
                Some(_) => Vec::new(),
                None => buffer::with_capacity::<T>(self.len),
            })
            .collect();
        let ptrs: Few<OutPtr<T>> = outs
            .iter_mut()
            .zip(&over)
            .map(|(o, i)| OutPtr(i.and_then(|i| writable[i]).unwrap_or(o.as_mut_ptr())))
            .collect();
        let mut masks: Few<Vec<bool>> = (0..self.n_masks)
            .map(|_| buffer::with_capacity::<bool>(self.len))
            .collect();
        let mask_ptrs: Few<OutPtr<bool>> =
            masks.iter_mut().map(|o| OutPtr(o.as_mut_ptr())).collect();
        let sums = if worth_splitting(self.len, self.cost) {
            let tiles = self.len.div_ceil(TILE);
            let chunks = (rayon::current_num_threads() * 4).min(tiles);
            let per = tiles.div_ceil(chunks) * TILE;
            let partials: Vec<Few<f64>> = (0..chunks)
                .into_par_iter()
                .map(|c| {
                    let start = (c * per).min(self.len);
                    let end = ((c + 1) * per).min(self.len);
                    self.run_range(&ins, &ptrs, &mask_ptrs, start, end)
                })
                .collect();
            let mut sums: Few<f64> = smallvec::smallvec![0.0; self.n_sums];
            for p in partials {
                for (s, x) in sums.iter_mut().zip(p) {
                    *s += x;
                }
            }
            sums
        } else {
            self.run_range(&ins, &ptrs, &mask_ptrs, 0, self.len)
        };
        let mut owned: Few<Option<Array>> = inputs
            .into_iter()
            .map(|a| match a {
                LoopArg::Owned(a) => Some(a),
                LoopArg::Borrowed(_) => None,
            })
            .collect();
        let mut result: Few<Array> = outs
            .into_iter()
            .zip(&over)
            .map(|(mut o, i)| match i {
                Some(i) => owned[*i].take().expect("an owned input"),
                None => {
                    // SAFETY: every tile of [0, len) stored every output (the fuser gives
                    // each output one writing op, run for every tile).
                    unsafe { o.set_len(self.len) };
                    Array::from_vec(&self.shape, o).expect("len is the shape's size")
                }
            })
            .collect();
        result.extend(masks.into_iter().map(|mut m| {
            // SAFETY: as for the float outputs.
            unsafe { m.set_len(self.len) };
            Array::from_vec(&self.shape, m).expect("len is the shape's size")
        }));
        result.extend(sums.into_iter().map(|s| Array::scalar(T::from_f64(s))));
        result
    }

    /// Runs tiles `[start, end)` (tile-aligned `start`), returning this range's sums.
    fn run_range<T: TileFloat>(
        &self,
        ins: &[Input<T>],
        outs: &[OutPtr<T>],
        masks: &[OutPtr<bool>],
        start: usize,
        end: usize,
    ) -> Few<f64> {
        let mut sums: Few<f64> = smallvec::smallvec![0.0f64; self.n_sums];
        if start >= end {
            return sums;
        }
        // Registers, then one tile per non-slice input (splats filled once, strided per tile).
        // Small loops get registers of their own size, not a whole tile.
        let tile = TILE.min(end - start);
        T::with_scratch((self.n_regs + ins.len()) * tile, |scratch| {
            self.run_tiles(
                ins,
                outs,
                masks,
                start,
                end,
                tile,
                scratch.as_mut_ptr(),
                &mut sums,
            )
        });
        sums
    }

    /// The tiles of `[start, end)`, with registers and input tiles of `tile` elements at
    /// `base` (room for `n_regs + ins.len()` of them).
    #[allow(clippy::too_many_arguments)]
    fn run_tiles<T: TileFloat>(
        &self,
        ins: &[Input<T>],
        outs: &[OutPtr<T>],
        masks: &[OutPtr<bool>],
        start: usize,
        end: usize,
        tile: usize,
        base: *mut T,
        sums: &mut [f64],
    ) {
        let in_tile = |k: usize| unsafe { base.add((self.n_regs + k) * tile) };
        for (k, x) in ins.iter().enumerate() {
            // SAFETY: input k's tile is inside `scratch`.
            let t = unsafe { std::slice::from_raw_parts_mut(in_tile(k), tile) };
            match *x {
                Input::Splat(v) => t.fill(v),
                Input::Periodic { ptr, period } => {
                    // SAFETY: the block has `period` elements.
                    let block = unsafe { std::slice::from_raw_parts(ptr, period) };
                    for c in t.chunks_mut(period) {
                        c.copy_from_slice(&block[..c.len()]);
                    }
                }
                _ => {}
            }
        }
        let mut t0 = start;
        while t0 < end {
            let n = tile.min(end - t0);
            for (k, x) in ins.iter().enumerate() {
                if let Input::Strided(s) = x {
                    // SAFETY: input k's tile is inside `scratch`, `n <= tile`.
                    gather(s, t0, unsafe {
                        std::slice::from_raw_parts_mut(in_tile(k), n)
                    });
                }
            }
            // SAFETY: sources and destinations are distinct tiles (the fuser never gives an
            // operation's output the register of one of its operands) of `n` elements: in
            // `scratch`, in an input, or at `t0` in an output of `len >= end` elements.
            let src = |s: Src| -> &[T] {
                unsafe {
                    match s {
                        Src::In(k) => match &ins[k as usize] {
                            Input::Contig(x) => std::slice::from_raw_parts(x.add(t0), n),
                            _ => std::slice::from_raw_parts(in_tile(k as usize), n),
                        },
                        Src::Reg(r) => std::slice::from_raw_parts(base.add(r as usize * tile), n),
                        Src::Out(k) => std::slice::from_raw_parts(outs[k as usize].0.add(t0), n),
                    }
                }
            };
            let dst = |d: Dst| -> &mut [T] {
                unsafe {
                    match d {
                        Dst::Reg(r) => {
                            std::slice::from_raw_parts_mut(base.add(r as usize * tile), n)
                        }
                        Dst::Out(k) => {
                            std::slice::from_raw_parts_mut(outs[k as usize].0.add(t0), n)
                        }
                    }
                }
            };
            for op in &self.ops {
                match op {
                    TileOp::Unary { f, x, out, .. } => T::unary(f)(src(*x), dst(*out)),
                    TileOp::Binary { f, a, b, out, .. } => {
                        T::binary(f)(src(*a), src(*b), dst(*out))
                    }
                    TileOp::Compare { f, a, b, out, .. } => {
                        T::binary(f)(src(*a), src(*b), dst(*out))
                    }
                    TileOp::Powi { n, x, out } => {
                        for (o, &v) in dst(*out).iter_mut().zip(src(*x)) {
                            *o = v.powi(*n);
                        }
                    }
                    TileOp::Select { p, a, b, out } => {
                        let (p, a, b) = (src(*p), src(*a), src(*b));
                        for (((o, &m), &x), &y) in dst(*out).iter_mut().zip(p).zip(a).zip(b) {
                            *o = if m != T::zero() { x } else { y };
                        }
                    }
                    TileOp::Store { x, k } => dst(Dst::Out(*k)).copy_from_slice(src(*x)),
                    TileOp::StoreMask { x, k } => {
                        // SAFETY: mask output k has `len >= t0 + n` elements of room.
                        let m = unsafe {
                            std::slice::from_raw_parts_mut(masks[*k as usize].0.add(t0), n)
                        };
                        for (o, &v) in m.iter_mut().zip(src(*x)) {
                            *o = v != T::zero();
                        }
                    }
                    TileOp::Sum { x, k } => sums[*k as usize] += tile_sum(src(*x)),
                }
            }
            t0 += n;
        }
    }
}

/// How to read `a` (of the loop's shape and dtype `T`).
fn classify<T: Element>(a: &Array) -> Input<T> {
    if let Some(s) = a.row_major_slice::<T>() {
        return match s.len() {
            1 => Input::Splat(s[0]),
            _ => Input::Contig(s.as_ptr()),
        };
    }
    let v = a.view::<T>("jit").expect("the loop's dtype");
    if v.strides().iter().all(|&s| s == 0) {
        return Input::Splat(*v.first().expect("a broadcast has elements"));
    }
    // Broadcast leading axes (stride 0) over a row-major trailing block.
    let (shape, strides) = (v.shape(), v.strides());
    let mut period = 1;
    let mut d = shape.len();
    while d > 0 && strides[d - 1] == period as isize {
        period *= shape[d - 1];
        d -= 1;
    }
    if d < shape.len() && strides[..d].iter().all(|&s| s == 0) && TILE.is_multiple_of(period) {
        return Input::Periodic {
            ptr: v.as_ptr(),
            period,
        };
    }
    Input::Strided(Strided {
        ptr: v.as_ptr(),
        shape: v.shape().to_vec(),
        strides: v.strides().to_vec(),
    })
}

/// Copies elements `[start, start + out.len())` (row-major order) of `s` into `out`, a run
/// along the last axis at a time.
fn gather<T: Copy>(s: &Strided<T>, start: usize, out: &mut [T]) {
    let nd = s.shape.len();
    let mut idx = vec![0usize; nd];
    let mut rest = start;
    for d in (0..nd).rev() {
        idx[d] = rest % s.shape[d];
        rest /= s.shape[d];
    }
    let last = nd - 1;
    let step = s.strides[last];
    let mut filled = 0;
    while filled < out.len() {
        let run = (s.shape[last] - idx[last]).min(out.len() - filled);
        let offset: isize = idx
            .iter()
            .zip(&s.strides)
            .map(|(&i, &st)| i as isize * st)
            .sum();
        let dst = &mut out[filled..filled + run];
        // SAFETY: every index is inside the view's shape, so every offset is inside the array.
        unsafe {
            let p = s.ptr.offset(offset);
            match step {
                0 => dst.fill(*p),
                // Short runs (a broadcast row of a few elements) copied element by element:
                // a `memcpy` call per run costs more than the copy.
                1 if run < 32 => {
                    for (j, o) in dst.iter_mut().enumerate() {
                        *o = *p.add(j);
                    }
                }
                1 => dst.copy_from_slice(std::slice::from_raw_parts(p, run)),
                _ => {
                    for (j, o) in dst.iter_mut().enumerate() {
                        *o = *p.offset(j as isize * step);
                    }
                }
            }
        }
        filled += run;
        idx[last] += run;
        for d in (1..nd).rev() {
            if idx[d] < s.shape[d] {
                break;
            }
            idx[d] = 0;
            idx[d - 1] += 1;
        }
    }
}

/// The sum of a tile, in eight interleaved partial sums (so it vectorises), as f64.
fn tile_sum<T: Float>(x: &[T]) -> f64 {
    let mut acc = [T::zero(); 8];
    let chunks = x.chunks_exact(8);
    let tail = chunks.remainder();
    for c in chunks {
        for (a, &v) in acc.iter_mut().zip(c) {
            *a = *a + v;
        }
    }
    let mut s = acc.iter().fold(T::zero(), |s, &a| s + a);
    for &v in tail {
        s = s + v;
    }
    s.to_f64()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Gathering a row-broadcast, a column-broadcast and a transposed view across tile and
    /// row boundaries gives the row-major elements.
    #[test]
    fn gather_reads_strided_views_in_row_major_order() {
        let data: Vec<f64> = (0..12).map(f64::from).collect();
        let view = |shape: Vec<usize>, strides: Vec<isize>| Strided {
            ptr: data.as_ptr(),
            shape,
            strides,
        };
        let all = |s: &Strided<f64>, n: usize, start: usize| {
            let mut out = vec![0.0; n];
            gather(s, start, &mut out);
            out
        };
        // (3, 4) transposed from a (4, 3) row-major array: element (i, j) is data[j*3 + i].
        let t = view(vec![3, 4], vec![1, 3]);
        assert_eq!(
            all(&t, 12, 0),
            vec![0., 3., 6., 9., 1., 4., 7., 10., 2., 5., 8., 11.]
        );
        assert_eq!(all(&t, 5, 3), vec![9., 1., 4., 7., 10.]);
        // A row of 4 broadcast over 3 rows, and a column of 3 broadcast over 4 columns.
        let row = view(vec![3, 4], vec![0, 1]);
        assert_eq!(all(&row, 6, 2), vec![2., 3., 0., 1., 2., 3.]);
        let col = view(vec![3, 4], vec![1, 0]);
        assert_eq!(all(&col, 6, 3), vec![0., 1., 1., 1., 1., 2.]);
    }

    #[test]
    fn tile_sum_adds_every_element() {
        let x: Vec<f64> = (1..=13).map(f64::from).collect();
        assert_eq!(tile_sum(&x), 91.0);
        assert_eq!(tile_sum::<f32>(&[]), 0.0);
    }
}
