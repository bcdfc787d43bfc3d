//! Matrix–vector products `y = M·v`, for `dot_general` calls whose output is a vector.
//!
//! A matrix–vector product reads each element of `M` once, so it is bound by memory, not by
//! arithmetic: a GEMM's packing and blocking only add work there, and GEMM libraries run it
//! on one thread. Here `M` is read in place through its strides, in whichever of its two
//! unit-stride directions it has, and the work is split across threads from a few tens of
//! thousands of elements (one pass over a 10 × 50,000 matrix takes tens of microseconds,
//! several times rayon's entry cost).
//!
//! Two loop forms, by which stride of `M` is 1:
//! - rows contiguous: `y[i] = dot(M[i, :], v)`;
//! - columns contiguous: `y += v[j] · M[:, j]` for each column (an axpy per column).
//!
//! Either way the work is split over the output when it is long enough for each thread to
//! own a piece, and otherwise over the contraction, each thread summing a partial vector.

use rayon::prelude::*;

pub(super) use simd::Lanes;

/// Elements of `M` from which the product is split across threads.
const PAR_ELEMENTS: usize = 1 << 18;
/// The least number of output elements a thread owns when the output is split.
const MIN_OUT_CHUNK: usize = 512;

/// A strided matrix: element `(i, j)` is at `ptr + i·rs + j·cs`.
#[derive(Clone, Copy)]
pub(super) struct Strided<T> {
    pub ptr: *const T,
    pub rows: usize,
    pub cols: usize,
    pub rs: isize,
    pub cs: isize,
}

// SAFETY: a `Strided` is a read-only view; the caller keeps its storage alive and unchanged for
// the duration of the product.
unsafe impl<T: Sync> Sync for Strided<T> {}
unsafe impl<T: Sync> Send for Strided<T> {}

impl<T: Copy> Strided<T> {
    /// Row `i`, columns `c0..c1`, when rows are contiguous.
    ///
    /// # Safety
    /// `cs == 1` (or one column), and the matrix's storage is alive.
    unsafe fn row(&self, i: usize, c0: usize, c1: usize) -> &[T] {
        std::slice::from_raw_parts(self.ptr.offset(i as isize * self.rs + c0 as isize), c1 - c0)
    }

    /// Column `j`, rows `r0..r1`, when columns are contiguous.
    ///
    /// # Safety
    /// `rs == 1` (or one row), and the matrix's storage is alive.
    unsafe fn col(&self, j: usize, r0: usize, r1: usize) -> &[T] {
        std::slice::from_raw_parts(self.ptr.offset(j as isize * self.cs + r0 as isize), r1 - r0)
    }
}

/// The shortest unit-stride run worth a vector loop: with shorter rows (or columns), the
/// per-row work of these loops costs more than GEMM's small-matrix kernels.
const MIN_RUN: usize = 64;

/// Whether [`gemv`] should compute `m · v`: `m` has a unit stride along a run of at least
/// [`MIN_RUN`] elements.
pub(super) fn supports<T>(m: &Strided<T>) -> bool {
    (m.cs == 1 && m.cols >= MIN_RUN) || (m.rs == 1 && m.rows >= MIN_RUN)
}

/// `out = m · v` for a matrix whose unit-stride runs are shorter than [`MIN_RUN`] (W3's
/// 100×10 regression matrix and its transpose), by plain loops over the contiguous rows or
/// columns; false (nothing written) when neither stride is one. GEMM's packing costs more
/// than the arithmetic at these sizes.
///
/// # Safety
/// `m` describes live, readable storage; `v.len() == m.cols`, `out.len() == m.rows`.
pub(super) unsafe fn short_runs<T: crate::Float>(m: &Strided<T>, v: &[T], out: &mut [T]) -> bool {
    if m.cs == 1 || m.cols == 1 {
        // Eight rows at a time: eight independent sums (each still in column order) keep the
        // adder busy, where one row's short sum would wait on each addition in turn.
        let mut blocks = out.chunks_exact_mut(8);
        let mut i = 0;
        for block in &mut blocks {
            let mut acc = [T::zero(); 8];
            for (j, &vj) in v.iter().enumerate() {
                for (r, a) in acc.iter_mut().enumerate() {
                    *a = *a + *m.ptr.offset((i + r) as isize * m.rs + j as isize * m.cs) * vj;
                }
            }
            block.copy_from_slice(&acc);
            i += 8;
        }
        for (k, o) in blocks.into_remainder().iter_mut().enumerate() {
            let row = m.row(i + k, 0, m.cols);
            *o = row.iter().zip(v).fold(T::zero(), |a, (&x, &y)| a + x * y);
        }
        true
    } else if m.rs == 1 || m.rows == 1 {
        out.fill(T::zero());
        for (j, &vj) in v.iter().enumerate() {
            for (o, &x) in out.iter_mut().zip(m.col(j, 0, m.rows)) {
                *o = *o + x * vj;
            }
        }
        true
    } else {
        false
    }
}

/// `out = m · v` (`out.len() == m.rows`, `v.len() == m.cols`).
///
/// # Safety
/// `m` describes live, readable storage and [`supports`] holds.
pub(super) unsafe fn gemv<T: simd::Lanes + Send + Sync>(m: &Strided<T>, v: &[T], out: &mut [T]) {
    debug_assert!(supports(m) && v.len() == m.cols && out.len() == m.rows);
    let rows_contiguous = m.cs == 1 && m.cols >= MIN_RUN;
    // Rows are taken four at a time, so that `v` is read once per four rows; columns in
    // blocks that keep a piece of `y` in L1 across all of them.
    const Y_BLOCK: usize = 2048;
    let block = |r0: usize, r1: usize, c0: usize, c1: usize, y: &mut [T]| {
        let v = &v[c0..c1];
        if rows_contiguous {
            let mut i = r0;
            for y4 in y.chunks_exact_mut(4) {
                y4.copy_from_slice(&simd::dot4([0, 1, 2, 3].map(|d| m.row(i + d, c0, c1)), v));
                i += 4;
            }
            for (yi, r) in y[(i - r0)..].iter_mut().zip(i..r1) {
                *yi = simd::dot(m.row(r, c0, c1), v);
            }
        } else {
            y.fill(T::zero());
            for (b, yb) in y.chunks_mut(Y_BLOCK).enumerate() {
                let rb = r0 + b * Y_BLOCK;
                for (j, &vj) in (c0..c1).zip(v) {
                    simd::axpy(vj, m.col(j, rb, rb + yb.len()), yb);
                }
            }
        }
    };
    let threads = rayon::current_num_threads();
    if m.rows * m.cols < PAR_ELEMENTS || threads == 1 {
        block(0, m.rows, 0, m.cols, out);
    } else if m.rows >= threads * MIN_OUT_CHUNK || (rows_contiguous && m.rows >= 4 * threads) {
        let chunk = m.rows.div_ceil(threads);
        out.par_chunks_mut(chunk)
            .enumerate()
            .for_each(|(t, y)| block(t * chunk, t * chunk + y.len(), 0, m.cols, y));
    } else {
        // A short output: each thread sums its share of the columns into a partial vector.
        let chunk = m.cols.div_ceil(threads);
        let partials: Vec<Vec<T>> = (0..m.cols.div_ceil(chunk))
            .into_par_iter()
            .map(|t| {
                let mut y = vec![T::zero(); m.rows];
                block(0, m.rows, t * chunk, ((t + 1) * chunk).min(m.cols), &mut y);
                y
            })
            .collect();
        out.fill(T::zero());
        for p in &partials {
            for (o, &x) in out.iter_mut().zip(p) {
                *o = *o + x;
            }
        }
    }
}

/// The inner loops: explicit AVX2 + FMA vectors when the CPU has them (chosen at run time;
/// LLVM does not reliably widen the generic loops to 256 bits), the generic loops otherwise.
/// Several independent accumulators hide the FMA latency without reassociating one sum.
pub(super) mod simd {
    use num_traits::Float;

    /// The element types with explicit vector kernels.
    pub trait Lanes: Float {
        /// `Σ a[i]·b[i]` with AVX2 + FMA.
        ///
        /// # Safety
        /// The CPU has AVX2 and FMA; equal lengths.
        #[cfg(target_arch = "x86_64")]
        unsafe fn dot_avx2(a: &[Self], b: &[Self]) -> Self;
        /// Four dot products against one `b` (read once for all four) with AVX2 + FMA.
        ///
        /// # Safety
        /// The CPU has AVX2 and FMA; equal lengths.
        #[cfg(target_arch = "x86_64")]
        unsafe fn dot4_avx2(a: [&[Self]; 4], b: &[Self]) -> [Self; 4];
        /// `y += alpha·x` with AVX2 + FMA.
        ///
        /// # Safety
        /// The CPU has AVX2 and FMA; equal lengths.
        #[cfg(target_arch = "x86_64")]
        unsafe fn axpy_avx2(alpha: Self, x: &[Self], y: &mut [Self]);
    }

    /// One implementation per float type: `$w` lanes per vector, four vectors per step.
    macro_rules! lanes {
        ($t:ty, $w:expr, $v:ty, $load:ident, $store:ident, $set1:ident, $zero:ident, $fma:ident, $add:ident) => {
            impl Lanes for $t {
                #[cfg(target_arch = "x86_64")]
                #[target_feature(enable = "avx2,fma")]
                unsafe fn dot_avx2(a: &[$t], b: &[$t]) -> $t {
                    use std::arch::x86_64::*;
                    const STEP: usize = 4 * $w;
                    let n = a.len().min(b.len());
                    let (pa, pb) = (a.as_ptr(), b.as_ptr());
                    let mut acc: [$v; 4] = [$zero(); 4];
                    let mut i = 0;
                    while i + STEP <= n {
                        for (l, acc) in acc.iter_mut().enumerate() {
                            let off = i + l * $w;
                            *acc = $fma($load(pa.add(off)), $load(pb.add(off)), *acc);
                        }
                        i += STEP;
                    }
                    let sum = $add($add(acc[0], acc[1]), $add(acc[2], acc[3]));
                    let mut lanes = [0 as $t; $w];
                    $store(lanes.as_mut_ptr(), sum);
                    let mut total: $t = lanes.iter().sum();
                    for j in i..n {
                        total += a[j] * b[j];
                    }
                    total
                }

                #[cfg(target_arch = "x86_64")]
                #[target_feature(enable = "avx2,fma")]
                unsafe fn dot4_avx2(a: [&[$t]; 4], b: &[$t]) -> [$t; 4] {
                    use std::arch::x86_64::*;
                    let n = b.len();
                    let pb = b.as_ptr();
                    let pa = a.map(|r| r.as_ptr());
                    let mut acc: [[$v; 2]; 4] = [[$zero(); 2]; 4];
                    let mut i = 0;
                    while i + 2 * $w <= n {
                        let (b0, b1) = ($load(pb.add(i)), $load(pb.add(i + $w)));
                        for (acc, p) in acc.iter_mut().zip(pa) {
                            acc[0] = $fma($load(p.add(i)), b0, acc[0]);
                            acc[1] = $fma($load(p.add(i + $w)), b1, acc[1]);
                        }
                        i += 2 * $w;
                    }
                    let mut out = [0 as $t; 4];
                    for ((o, acc), row) in out.iter_mut().zip(acc).zip(a) {
                        let mut lanes = [0 as $t; $w];
                        $store(lanes.as_mut_ptr(), $add(acc[0], acc[1]));
                        *o = lanes.iter().sum::<$t>()
                            + row[i..n]
                                .iter()
                                .zip(&b[i..n])
                                .map(|(x, y)| x * y)
                                .sum::<$t>();
                    }
                    out
                }

                #[cfg(target_arch = "x86_64")]
                #[target_feature(enable = "avx2,fma")]
                unsafe fn axpy_avx2(alpha: $t, x: &[$t], y: &mut [$t]) {
                    use std::arch::x86_64::*;
                    let n = x.len().min(y.len());
                    let (px, py) = (x.as_ptr(), y.as_mut_ptr());
                    let va = $set1(alpha);
                    let mut i = 0;
                    while i + $w <= n {
                        $store(py.add(i), $fma(va, $load(px.add(i)), $load(py.add(i))));
                        i += $w;
                    }
                    for j in i..n {
                        y[j] += alpha * x[j];
                    }
                }
            }
        };
    }

    #[rustfmt::skip]
    lanes!(f64, 4, __m256d, _mm256_loadu_pd, _mm256_storeu_pd, _mm256_set1_pd, _mm256_setzero_pd, _mm256_fmadd_pd, _mm256_add_pd);
    #[rustfmt::skip]
    lanes!(f32, 8, __m256, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_set1_ps, _mm256_setzero_ps, _mm256_fmadd_ps, _mm256_add_ps);

    #[cfg(target_arch = "x86_64")]
    fn has_avx2() -> bool {
        is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma")
    }

    /// `Σ a[i]·b[i]` over equal lengths.
    pub fn dot<T: Lanes>(a: &[T], b: &[T]) -> T {
        #[cfg(target_arch = "x86_64")]
        if has_avx2() {
            // SAFETY: the CPU has AVX2 and FMA (checked above).
            return unsafe { T::dot_avx2(a, b) };
        }
        let mut acc = [T::zero(); 4];
        let (ac, bc) = (a.chunks_exact(4), b.chunks_exact(4));
        let tail: T =
            (ac.remainder().iter().zip(bc.remainder())).fold(T::zero(), |s, (&x, &y)| s + x * y);
        for (x, y) in ac.zip(bc) {
            for l in 0..4 {
                acc[l] = acc[l] + x[l] * y[l];
            }
        }
        (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
    }

    /// Four dot products against one `b`, read once.
    pub fn dot4<T: Lanes>(a: [&[T]; 4], b: &[T]) -> [T; 4] {
        #[cfg(target_arch = "x86_64")]
        if has_avx2() {
            // SAFETY: the CPU has AVX2 and FMA (checked above).
            return unsafe { T::dot4_avx2(a, b) };
        }
        a.map(|row| dot(row, b))
    }

    /// `y += alpha · x` over equal lengths.
    pub fn axpy<T: Lanes>(alpha: T, x: &[T], y: &mut [T]) {
        #[cfg(target_arch = "x86_64")]
        if has_avx2() {
            // SAFETY: the CPU has AVX2 and FMA (checked above).
            return unsafe { T::axpy_avx2(alpha, x, y) };
        }
        for (o, &v) in y.iter_mut().zip(x) {
            *o = *o + alpha * v;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(m: &[f64], rows: usize, cols: usize, rs: usize, cs: usize, v: &[f64]) -> Vec<f64> {
        (0..rows)
            .map(|i| (0..cols).map(|j| m[i * rs + j * cs] * v[j]).sum())
            .collect()
    }

    #[test]
    fn both_layouts_and_every_split_match_a_naive_loop() {
        // Shapes that take each path: serial, output split, contraction split.
        for &(rows, cols) in &[
            (3, 64),
            (1, 70_000),
            (10, 50_000),
            (50_000, 10),
            (3000, 100),
            (70, 9),
        ] {
            let data: Vec<f64> = (0..rows * cols).map(|i| ((i % 97) as f64).sin()).collect();
            let v: Vec<f64> = (0..cols).map(|j| ((j % 13) as f64) - 6.0).collect();
            for row_major in [true, false] {
                let (rs, cs) = if row_major { (cols, 1) } else { (1, rows) };
                let m = Strided {
                    ptr: data.as_ptr(),
                    rows,
                    cols,
                    rs: rs as isize,
                    cs: cs as isize,
                };
                if !supports(&m) {
                    continue; // a run too short: dot_general uses GEMM
                }
                let mut out = vec![f64::NAN; rows];
                unsafe { gemv(&m, &v, &mut out) };
                let want = naive(&data, rows, cols, rs, cs, &v);
                for (g, w) in out.iter().zip(&want) {
                    assert!(
                        (g - w).abs() <= 1e-9 * (1.0 + w.abs()),
                        "{rows}x{cols}: {g} vs {w}"
                    );
                }
            }
        }
    }
}
