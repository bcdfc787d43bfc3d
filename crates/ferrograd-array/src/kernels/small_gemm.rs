//! Matrix products with a narrow output (`n ≤ 8` columns) and either a short contraction
//! (`(m, k≤8)·(k≤8, n)`: a narrow network's layer over a batch, and its input gradient) or
//! few rows (`(m≤8, k)·(k, n)`: the gradient of that layer's weights), where a general
//! GEMM's packing and blocking cost more than the arithmetic. An output row's accumulators
//! are one exactly-sized array (one copy of the kernel per width), compiled for AVX-512 or
//! AVX2 when the CPU has them (chosen at run time), so a row lives in one vector register.

use crate::Float;

/// The most a "small" dimension may have.
pub const SMALL: usize = 8;

/// A strided matrix operand: element `(i, j)` is at `ptr + i·rs + j·cs`.
#[derive(Clone, Copy)]
pub struct MatPtr<T> {
    pub ptr: *const T,
    pub rs: isize,
    pub cs: isize,
}

impl<T: Copy> MatPtr<T> {
    /// # Safety
    /// `(i, j)` is inside the operand.
    #[inline(always)]
    unsafe fn at(&self, i: usize, j: usize) -> T {
        *self.ptr.offset(i as isize * self.rs + j as isize * self.cs)
    }
}

/// Whether [`small_product`] takes an `(m, k)·(k, n)` product.
pub fn is_small(m: usize, n: usize, k: usize) -> bool {
    n <= SMALL && (k <= SMALL || m <= SMALL)
}

/// `out (m×n, row-major) = a (m×k) · b (k×n)` for a product [`is_small`] accepts. Each
/// output element is the sum over `k` in order of products rounded once each (no fused
/// multiply-add), so every CPU gives the same bits.
///
/// # Safety
/// `a` and `b` describe live operands of those shapes; `out` has room for `m·n` elements
/// (initialised or not), all written here.
pub unsafe fn small_product<T: Float>(
    m: usize,
    n: usize,
    k: usize,
    a: MatPtr<T>,
    b: MatPtr<T>,
    out: *mut T,
) {
    debug_assert!(is_small(m, n, k));
    #[cfg(target_arch = "x86_64")]
    {
        #[target_feature(enable = "avx512f")]
        unsafe fn avx512<T: Float>(
            m: usize,
            n: usize,
            k: usize,
            a: MatPtr<T>,
            b: MatPtr<T>,
            out: *mut T,
        ) {
            rows(m, n, k, a, b, out)
        }
        #[target_feature(enable = "avx2")]
        unsafe fn avx2<T: Float>(
            m: usize,
            n: usize,
            k: usize,
            a: MatPtr<T>,
            b: MatPtr<T>,
            out: *mut T,
        ) {
            rows(m, n, k, a, b, out)
        }
        if is_x86_feature_detected!("avx512f") {
            return avx512(m, n, k, a, b, out);
        }
        if is_x86_feature_detected!("avx2") {
            return avx2(m, n, k, a, b, out);
        }
    }
    rows(m, n, k, a, b, out)
}

/// The product, inlined into each instruction-set variant of [`small_product`]: one copy
/// per output width, so that a row's accumulators are one exactly-sized array in registers.
#[inline(always)]
unsafe fn rows<T: Float>(m: usize, n: usize, k: usize, a: MatPtr<T>, b: MatPtr<T>, out: *mut T) {
    match n {
        1 => rows_n::<T, 1>(m, k, a, b, out),
        2 => rows_n::<T, 2>(m, k, a, b, out),
        3 => rows_n::<T, 3>(m, k, a, b, out),
        4 => rows_n::<T, 4>(m, k, a, b, out),
        5 => rows_n::<T, 5>(m, k, a, b, out),
        6 => rows_n::<T, 6>(m, k, a, b, out),
        7 => rows_n::<T, 7>(m, k, a, b, out),
        _ => rows_n::<T, 8>(m, k, a, b, out),
    }
}

#[inline(always)]
unsafe fn rows_n<T: Float, const N: usize>(
    m: usize,
    k: usize,
    a: MatPtr<T>,
    b: MatPtr<T>,
    out: *mut T,
) {
    if k > SMALL {
        return few_rows::<T, N>(m, k, a, b, out);
    }
    let mut bk = [[T::zero(); N]; SMALL];
    for (p, row) in bk.iter_mut().enumerate().take(k) {
        for (j, v) in row.iter_mut().enumerate() {
            *v = b.at(p, j);
        }
    }
    for i in 0..m {
        let mut acc = [T::zero(); N];
        for (p, row) in bk.iter().enumerate().take(k) {
            let x = a.at(i, p);
            for (s, &w) in acc.iter_mut().zip(row) {
                *s = *s + x * w;
            }
        }
        out.add(i * N).cast::<[T; N]>().write_unaligned(acc);
    }
}

/// `m ≤ 8` rows of accumulators, one outer product per step along `k`; one copy per row
/// count, so that the accumulators stay in registers (with `m` unknown they lived on the
/// stack, each update a load and a store).
#[inline(always)]
unsafe fn few_rows<T: Float, const N: usize>(
    m: usize,
    k: usize,
    a: MatPtr<T>,
    b: MatPtr<T>,
    out: *mut T,
) {
    match m {
        1 => few_rows_m::<T, N, 1>(k, a, b, out),
        2 => few_rows_m::<T, N, 2>(k, a, b, out),
        3 => few_rows_m::<T, N, 3>(k, a, b, out),
        4 => few_rows_m::<T, N, 4>(k, a, b, out),
        5 => few_rows_m::<T, N, 5>(k, a, b, out),
        6 => few_rows_m::<T, N, 6>(k, a, b, out),
        7 => few_rows_m::<T, N, 7>(k, a, b, out),
        _ => few_rows_m::<T, N, 8>(k, a, b, out),
    }
}

#[inline(always)]
unsafe fn few_rows_m<T: Float, const N: usize, const M: usize>(
    k: usize,
    a: MatPtr<T>,
    b: MatPtr<T>,
    out: *mut T,
) {
    let mut acc = [[T::zero(); N]; M];
    for p in 0..k {
        let brow: [T; N] = if b.cs == 1 {
            b.ptr
                .offset(p as isize * b.rs)
                .cast::<[T; N]>()
                .read_unaligned()
        } else {
            std::array::from_fn(|j| b.at(p, j))
        };
        for (i, row) in acc.iter_mut().enumerate() {
            let x = a.at(i, p);
            for (s, &w) in row.iter_mut().zip(&brow) {
                *s = *s + x * w;
            }
        }
    }
    for (i, row) in acc.iter().enumerate() {
        out.add(i * N).cast::<[T; N]>().write_unaligned(*row);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(m: usize, n: usize, k: usize, a: &[f64], b: &[f64]) -> Vec<f64> {
        let mut out = vec![0.0; m * n];
        for i in 0..m {
            for j in 0..n {
                for p in 0..k {
                    out[i * n + j] += a[i * k + p] * b[p * n + j];
                }
            }
        }
        out
    }

    /// The kernel against the definition, bit for bit, with row-major and transposed
    /// operands.
    #[test]
    fn small_products_match_the_definition() {
        for &(m, n, k) in &[
            (1000, 4, 4),
            (37, 8, 1),
            (3, 1, 8),
            (8, 8, 8),
            (1, 3, 2),
            (4, 4, 1000),
            (6, 5, 300),
            (8, 3, 9),
        ] {
            assert!(is_small(m, n, k));
            let a: Vec<f64> = (0..m * k).map(|i| (i as f64 * 0.37).sin()).collect();
            let b: Vec<f64> = (0..k * n).map(|i| (i as f64 * 0.61).cos()).collect();
            let want = naive(m, n, k, &a, &b);
            let mut out = vec![f64::NAN; m * n];
            let ap = MatPtr {
                ptr: a.as_ptr(),
                rs: k as isize,
                cs: 1,
            };
            let bp = MatPtr {
                ptr: b.as_ptr(),
                rs: n as isize,
                cs: 1,
            };
            unsafe { small_product(m, n, k, ap, bp, out.as_mut_ptr()) };
            assert_eq!(out, want, "{m}×{k}·{k}×{n}");
            // The same product from transposed copies, read through strides.
            let at: Vec<f64> = (0..k * m).map(|i| a[(i % m) * k + i / m]).collect();
            let bt: Vec<f64> = (0..n * k).map(|i| b[(i % k) * n + i / k]).collect();
            let ap = MatPtr {
                ptr: at.as_ptr(),
                rs: 1,
                cs: m as isize,
            };
            let bp = MatPtr {
                ptr: bt.as_ptr(),
                rs: 1,
                cs: k as isize,
            };
            let mut out = vec![f64::NAN; m * n];
            unsafe { small_product(m, n, k, ap, bp, out.as_mut_ptr()) };
            assert_eq!(out, want, "transposed {m}×{k}·{k}×{n}");
        }
    }
}
