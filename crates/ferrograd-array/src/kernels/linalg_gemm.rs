//! `dot_general`: contraction of two arrays over given axes with shared batch axes, computed
//! as one (batched) GEMM through the `gemm` crate (AVX-512 kernels chosen at run time).

use ndarray::{ArrayD, ArrayViewD, IxDyn};
use rayon::prelude::*;
use smallvec::SmallVec;

use super::{gemv, small_gemm};
use crate::{Array, Error, Result};

/// A short list of axis numbers, kept off the heap (a product runs on every training step).
pub type Axes = SmallVec<[usize; 6]>;

/// Axis numbers of a `dot_general`: contracting and batch axes of each operand.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DotDims {
    pub lhs_contract: Vec<usize>,
    pub rhs_contract: Vec<usize>,
    pub lhs_batch: Vec<usize>,
    pub rhs_batch: Vec<usize>,
}

impl DotDims {
    /// Free (neither batch nor contracted) axes of an operand of rank `rank`.
    pub fn free(rank: usize, contract: &[usize], batch: &[usize]) -> Axes {
        (0..rank)
            .filter(|a| !contract.contains(a) && !batch.contains(a))
            .collect()
    }

    /// Output shape: batch axes, then lhs free axes, then rhs free axes; validates the dims.
    pub fn out_shape(&self, lhs: &[usize], rhs: &[usize]) -> Result<Vec<usize>> {
        let bad = |msg: &str| Error::ShapeMismatch {
            op: "dot_general",
            lhs: lhs.to_vec(),
            rhs: rhs.to_vec(),
            hint: if msg.is_empty() {
                "contracting and batch axes must have equal sizes"
            } else {
                "axis lists are out of range or repeated"
            },
        };
        let valid = |axes: &[usize], rank: usize| axes.iter().all(|&a| a < rank);
        let (lc, rc, lb, rb) = (
            &self.lhs_contract,
            &self.rhs_contract,
            &self.lhs_batch,
            &self.rhs_batch,
        );
        if lc.len() != rc.len()
            || lb.len() != rb.len()
            || !valid(lc, lhs.len())
            || !valid(lb, lhs.len())
            || !valid(rc, rhs.len())
            || !valid(rb, rhs.len())
        {
            return Err(bad("axes"));
        }
        let mut seen_l: Axes = lc.iter().chain(lb).copied().collect();
        let mut seen_r: Axes = rc.iter().chain(rb).copied().collect();
        seen_l.sort_unstable();
        seen_r.sort_unstable();
        if seen_l.windows(2).any(|w| w[0] == w[1]) || seen_r.windows(2).any(|w| w[0] == w[1]) {
            return Err(bad("axes"));
        }
        if lc.iter().zip(rc).any(|(&a, &b)| lhs[a] != rhs[b])
            || lb.iter().zip(rb).any(|(&a, &b)| lhs[a] != rhs[b])
        {
            return Err(bad(""));
        }
        let mut out: Vec<usize> = lb.iter().map(|&a| lhs[a]).collect();
        out.extend(Self::free(lhs.len(), lc, lb).iter().map(|&a| lhs[a]));
        out.extend(Self::free(rhs.len(), rc, rb).iter().map(|&a| rhs[a]));
        Ok(out)
    }
}

/// A (batch, rows, cols) description of a strided view: sizes and element strides.
struct Mat3 {
    dims: [usize; 3],
    strides: [isize; 3],
}

/// Views `x`'s axes in `order`, grouped into three runs, as a 3-d strided matrix stack without
/// copying when the strides allow; otherwise copies to row-major first.
fn as_mat3<T: crate::Element>(
    x: &ArrayViewD<'_, T>,
    order: &[usize],
    groups: [usize; 3],
) -> (Option<ArrayD<T>>, Mat3) {
    let p = x.view().permuted_axes(IxDyn(order));
    if p.is_empty() {
        // Nothing is read from an empty operand (the caller returns zeros before calling gemm),
        // and ndarray may give its axes zero strides, which the merge below would reject.
        let (a, b) = (groups[0], groups[0] + groups[1]);
        let d = p.shape();
        let dims = [
            d[..a].iter().product(),
            d[a..b].iter().product(),
            d[b..].iter().product(),
        ];
        return (
            None,
            Mat3 {
                dims,
                strides: [0; 3],
            },
        );
    }
    // A run of axes merges into one when each stride is the next one's times its size.
    let merge = |dims: &[usize], strides: &[isize]| -> Option<(usize, isize)> {
        let n: usize = dims.iter().product();
        let axes: SmallVec<[(usize, isize); 6]> = dims
            .iter()
            .zip(strides)
            .filter(|(&d, _)| d != 1)
            .map(|(&d, &s)| (d, s))
            .collect();
        if n == 0 || axes.is_empty() {
            return Some((n, 1));
        }
        if axes.windows(2).any(|w| w[0].1 != w[1].1 * w[1].0 as isize) {
            return None;
        }
        Some((n, axes[axes.len() - 1].1))
    };
    let try_view = |v: &ArrayViewD<'_, T>| -> Option<Mat3> {
        let (d, s) = (v.shape(), v.strides());
        let (a, b) = (groups[0], groups[0] + groups[1]);
        let g0 = merge(&d[..a], &s[..a])?;
        let g1 = merge(&d[a..b], &s[a..b])?;
        let g2 = merge(&d[b..], &s[b..])?;
        // gemm needs non-zero strides within a matrix; a broadcast (stride 0) axis is copied.
        if (g1.0 > 1 && g1.1 == 0) || (g2.0 > 1 && g2.1 == 0) {
            return None;
        }
        Some(Mat3 {
            dims: [g0.0, g1.0, g2.0],
            strides: [g0.1, g1.1, g2.1],
        })
    };
    if let Some(m) = try_view(&p) {
        return (None, m);
    }
    let owned = super::layout::to_standard(p.view());
    let m = try_view(&owned.view()).expect("row-major always merges");
    (Some(owned), m)
}

/// The gemm entry point for one element type.
trait GemmScalar:
    gemv::Lanes + crate::Float + faer::traits::ComplexField + Send + Sync + 'static
{
}
impl GemmScalar for f32 {}
impl GemmScalar for f64 {}

fn dot_typed<T: GemmScalar + crate::Element>(
    lhs: &Array,
    rhs: &Array,
    dims: &DotDims,
    out_shape: &[usize],
) -> Result<Array> {
    if let Some((lm, rm)) = simple_layout(lhs, rhs, dims) {
        let (l, r) = (lhs.row_major_slice::<T>(), rhs.row_major_slice::<T>());
        let (l, r) = (l.expect("row-major"), r.expect("row-major"));
        // SAFETY: the layouts were read off these row-major operands' shapes.
        return unsafe { product(l.as_ptr(), &lm, r.as_ptr(), &rm, out_shape) };
    }
    let (lv, rv) = (lhs.view::<T>("dot_general")?, rhs.view::<T>("dot_general")?);
    let lfree = DotDims::free(lv.ndim(), &dims.lhs_contract, &dims.lhs_batch);
    let rfree = DotDims::free(rv.ndim(), &dims.rhs_contract, &dims.rhs_batch);
    let nb = dims.lhs_batch.len();
    let lorder: Axes = dims
        .lhs_batch
        .iter()
        .chain(&lfree)
        .chain(&dims.lhs_contract)
        .copied()
        .collect();
    let rorder: Axes = dims
        .rhs_batch
        .iter()
        .chain(&dims.rhs_contract)
        .chain(&rfree)
        .copied()
        .collect();
    let (lown, lm) = as_mat3(&lv, &lorder, [nb, lfree.len(), dims.lhs_contract.len()]);
    let (rown, rm) = as_mat3(&rv, &rorder, [nb, dims.rhs_contract.len(), rfree.len()]);
    let lptr = lown.as_ref().map_or(lv.as_ptr(), |o| o.as_ptr());
    let rptr = rown.as_ref().map_or(rv.as_ptr(), |o| o.as_ptr());
    // SAFETY: `as_mat3` described the views (or the copies it made, alive here).
    unsafe { product(lptr, &lm, rptr, &rm, out_shape) }
}

/// The layouts of a product of row-major vectors or matrices contracting one axis each, with
/// no batch axes (a layer's product, a matrix–vector product, and their transposes): read
/// off the shapes, without the general path's axis permutations.
fn simple_layout(lhs: &Array, rhs: &Array, dims: &DotDims) -> Option<(Mat3, Mat3)> {
    let simple = |x: &Array, c: &[usize]| x.ndim() <= 2 && c.len() == 1 && x.is_row_major();
    if !dims.lhs_batch.is_empty()
        || !simple(lhs, &dims.lhs_contract)
        || !simple(rhs, &dims.rhs_contract)
    {
        return None;
    }
    // (free, contracted) sizes and strides of a row-major operand of rank ≤ 2.
    let split = |x: &Array, c: usize| -> ([usize; 2], [isize; 2]) {
        match (x.shape(), c) {
            (&[k], _) => ([1, k], [0, 1]),
            (&[r, cols], 1) => ([r, cols], [cols as isize, 1]),
            (&[r, cols], _) => ([cols, r], [1, cols as isize]),
            _ => unreachable!("rank ≤ 2"),
        }
    };
    let ([m, k], [ms, ks]) = split(lhs, dims.lhs_contract[0]);
    let ([n, k2], [ns, ks2]) = split(rhs, dims.rhs_contract[0]);
    debug_assert_eq!(k, k2, "out_shape checked the contraction");
    // A unit axis gets stride 1, as the general path gives it (kernels are chosen by strides).
    let unit = |size: usize, stride: isize| if size == 1 { 1 } else { stride };
    let lm = Mat3 {
        dims: [1, m, k],
        strides: [1, unit(m, ms), unit(k, ks)],
    };
    let rm = Mat3 {
        dims: [1, k2, n],
        strides: [1, unit(k2, ks2), unit(n, ns)],
    };
    Some((lm, rm))
}

/// The product of strided operands `lm` (b×m×k) and `rm` (b×k×n), row-major into a new array.
///
/// # Safety
/// `lptr`/`rptr` with the strides of `lm`/`rm` describe live storage of those shapes.
unsafe fn product<T: GemmScalar + crate::Element>(
    lptr: *const T,
    lm: &Mat3,
    rptr: *const T,
    rm: &Mat3,
    out_shape: &[usize],
) -> Result<Array> {
    let [b, m, k] = lm.dims;
    let n = rm.dims[2];
    if k == 0 || b * m * n == 0 {
        return Array::from_vec(out_shape, crate::buffer::filled(b * m * n, T::zero()));
    }
    if b == 1 && (m == 1 || n == 1) {
        let mut out = crate::buffer::filled(m * n, T::zero());
        // SAFETY: the pointers and strides describe the operands (or their copies), alive here.
        if unsafe { matrix_vector(lptr, lm, rptr, rm, &mut out) } {
            return Array::from_vec(out_shape, out);
        }
    }
    if small_gemm::is_small(m, n, k) {
        let mut out: Vec<T> = crate::buffer::with_capacity(b * m * n);
        let dst = out.spare_capacity_mut().as_mut_ptr().cast::<T>();
        for bi in 0..b {
            let at = |ptr: *const T, s: &Mat3| small_gemm::MatPtr {
                // SAFETY: batch `bi` of an operand with `b` batches.
                ptr: unsafe { ptr.offset(bi as isize * s.strides[0]) },
                rs: s.strides[1],
                cs: s.strides[2],
            };
            // SAFETY: the pointers and strides describe the operands (or their copies), alive
            // here; batch `bi`'s block of the output has room for m·n elements.
            unsafe {
                let o = dst.add(bi * m * n);
                small_gemm::small_product(m, n, k, at(lptr, lm), at(rptr, rm), o);
            }
        }
        // SAFETY: the products above wrote all `b·m·n` elements.
        unsafe { out.set_len(b * m * n) };
        return Array::from_vec(out_shape, out);
    }
    // gemm writes every output element without reading it (`read_dst` is false), so the
    // buffer is not zeroed first; it is read only after `set_len` below.
    let mut out: Vec<T> = crate::buffer::with_capacity(b * m * n);
    let dst = out.spare_capacity_mut().as_mut_ptr() as usize;
    let big = (m * n * k) as f64 >= (128.0f64).powi(3);
    // Raw pointers are not Send; pass addresses and rebuild them in each task.
    let (la, ra) = (lptr as usize, rptr as usize);
    let one = |bi: usize, par: gemm::Parallelism| unsafe {
        gemm::gemm(
            m,
            n,
            k,
            (dst as *mut T).add(bi * m * n),
            1,
            n as isize,
            false,
            (la as *const T).offset(bi as isize * lm.strides[0]),
            lm.strides[2],
            lm.strides[1],
            (ra as *const T).offset(bi as isize * rm.strides[0]),
            rm.strides[2],
            rm.strides[1],
            T::zero(),
            T::one(),
            false,
            false,
            false,
            par,
        )
    };
    // Products of 256³ and more on all cores through faer (W7's 200³ measured faster
    // through gemm), except with a transposed left operand, where
    // gemm measured faster (`examples/gemm_vs_faer.rs`: faer 2.0× on W9's f64 500³ and 1.25×
    // with a transposed right operand; gemm 1.3× on W8's `xᵀ·dh`).
    let threads = rayon::current_num_threads();
    let faer_size = (m * n * k) as f64 >= (256.0f64).powi(3);
    if faer_size && (lm.strides[2] == 1 || k == 1) && threads > 1 {
        for bi in 0..b {
            // SAFETY: as for `one`: the operands are alive and the output has room for `b`
            // m×n blocks, written whole (`Accum::Replace`).
            unsafe {
                let lhs = faer::MatRef::<T>::from_raw_parts(
                    (la as *const T).offset(bi as isize * lm.strides[0]),
                    m,
                    k,
                    lm.strides[1],
                    lm.strides[2],
                );
                let rhs = faer::MatRef::<T>::from_raw_parts(
                    (ra as *const T).offset(bi as isize * rm.strides[0]),
                    k,
                    n,
                    rm.strides[1],
                    rm.strides[2],
                );
                let dst = faer::MatMut::<T>::from_raw_parts_mut(
                    (dst as *mut T).add(bi * m * n),
                    m,
                    n,
                    n as isize,
                    1,
                );
                faer::linalg::matmul::matmul(
                    dst,
                    faer::Accum::Replace,
                    lhs,
                    rhs,
                    T::one(),
                    faer::Par::rayon(threads),
                );
            }
        }
    } else if big {
        let par = gemm::Parallelism::Rayon(threads);
        (0..b).for_each(|bi| one(bi, par));
    } else if b > 1 && b * m * n * k >= (1 << 16) {
        (0..b)
            .into_par_iter()
            .for_each(|bi| one(bi, gemm::Parallelism::None));
    } else {
        (0..b).for_each(|bi| one(bi, gemm::Parallelism::None));
    }
    // SAFETY: the `b` products above wrote all `b·m·n` elements.
    unsafe { out.set_len(b * m * n) };
    Array::from_vec(out_shape, out)
}

/// A product with one output row or column, through [`gemv`] when the matrix operand has a
/// unit stride; false (nothing written) otherwise.
///
/// # Safety
/// The pointers and `Mat3` strides describe live storage of one (b = 1) matrix each.
unsafe fn matrix_vector<T: GemmScalar>(
    lptr: *const T,
    lm: &Mat3,
    rptr: *const T,
    rm: &Mat3,
    out: &mut [T],
) -> bool {
    let [_, m, k] = lm.dims;
    let n = rm.dims[2];
    // out (m) = L · r, or out (n) = Rᵀ · l.
    let (mat, vec_ptr, vec_stride) = if n == 1 {
        let mat = gemv::Strided {
            ptr: lptr,
            rows: m,
            cols: k,
            rs: lm.strides[1],
            cs: lm.strides[2],
        };
        (mat, rptr, rm.strides[1])
    } else {
        let mat = gemv::Strided {
            ptr: rptr,
            rows: n,
            cols: k,
            rs: rm.strides[2],
            cs: rm.strides[1],
        };
        (mat, lptr, lm.strides[2])
    };
    // Short runs that the narrow-product kernels take (a contraction or a side of at most
    // 8) go there: they are vectorised across the output.
    let short = !gemv::supports(&mat);
    if short && (mat.rows * mat.cols > SHORT_RUNS_MAX || small_gemm::is_small(m, n, k)) {
        return false;
    }
    let gathered: Vec<T>;
    let v: &[T] = if vec_stride == 1 || k == 1 {
        std::slice::from_raw_parts(vec_ptr, k)
    } else {
        gathered = (0..k)
            .map(|i| *vec_ptr.offset(i as isize * vec_stride))
            .collect();
        &gathered
    };
    if short {
        return gemv::short_runs(&mat, v, out);
    }
    gemv::gemv(&mat, v, out);
    true
}

/// The largest matrix (elements) whose short-run matrix–vector product is computed by plain
/// loops rather than GEMM.
const SHORT_RUNS_MAX: usize = 1 << 14;

/// General dot product: contracts `dims.lhs_contract` with `dims.rhs_contract`, with shared
/// batch axes; output axes are batch, lhs free, rhs free (JAX's `dot_general`).
pub fn dot_general(lhs: &Array, rhs: &Array, dims: &DotDims) -> Result<Array> {
    let out_shape = dims.out_shape(lhs.shape(), rhs.shape())?;
    crate::kernels::same_dtype("dot_general", lhs, rhs)?;
    // An empty operand gives zeros (an empty sum); ndarray's zero strides for empty arrays
    // would not fit gemm's matrix views.
    if lhs.size() == 0 || rhs.size() == 0 {
        return Ok(Array::zeros(&out_shape, lhs.dtype()));
    }
    crate::build_hint::note_op(lhs.size().max(rhs.size()));
    dispatch!(floats_i64 "dot_general", lhs.dtype(), T => T::dot(lhs, rhs, dims, &out_shape))
}

/// The dtypes `dot_general` computes in: floats through gemm, int64 with a wrapping loop
/// (gemm has no integer kernels).
trait Dot {
    fn dot(lhs: &Array, rhs: &Array, dims: &DotDims, out_shape: &[usize]) -> Result<Array>;
}

impl Dot for f32 {
    fn dot(lhs: &Array, rhs: &Array, dims: &DotDims, out_shape: &[usize]) -> Result<Array> {
        dot_typed::<f32>(lhs, rhs, dims, out_shape)
    }
}

impl Dot for f64 {
    fn dot(lhs: &Array, rhs: &Array, dims: &DotDims, out_shape: &[usize]) -> Result<Array> {
        dot_typed::<f64>(lhs, rhs, dims, out_shape)
    }
}

impl Dot for i64 {
    fn dot(lhs: &Array, rhs: &Array, dims: &DotDims, out_shape: &[usize]) -> Result<Array> {
        dot_i64(lhs, rhs, dims, out_shape)
    }
}

/// The axis orders that put each operand in (batch, free, contracted) / (batch, contracted,
/// free) form, with the sizes of those groups.
fn operand_orders(
    lhs_rank: usize,
    rhs_rank: usize,
    dims: &DotDims,
) -> [(Vec<usize>, [usize; 3]); 2] {
    let lfree = DotDims::free(lhs_rank, &dims.lhs_contract, &dims.lhs_batch);
    let rfree = DotDims::free(rhs_rank, &dims.rhs_contract, &dims.rhs_batch);
    let (nb, nc) = (dims.lhs_batch.len(), dims.lhs_contract.len());
    let cat = |a: &[usize], b: &[usize], c: &[usize]| [a, b, c].concat();
    [
        (
            cat(&dims.lhs_batch, &lfree, &dims.lhs_contract),
            [nb, lfree.len(), nc],
        ),
        (
            cat(&dims.rhs_batch, &dims.rhs_contract, &rfree),
            [nb, nc, rfree.len()],
        ),
    ]
}

/// `x`'s axes in `order`, as row-major values and the three group sizes' products.
fn row_major_groups(
    x: &ArrayViewD<'_, i64>,
    order: &[usize],
    groups: [usize; 3],
) -> (Vec<i64>, [usize; 3]) {
    let p = x.view().permuted_axes(IxDyn(order));
    let d = p.shape();
    let (a, b) = (groups[0], groups[0] + groups[1]);
    let sizes = [
        d[..a].iter().product(),
        d[a..b].iter().product(),
        d[b..].iter().product(),
    ];
    (p.as_standard_layout().iter().copied().collect(), sizes)
}

/// Exact integer `dot_general` (NumPy's int64 `matmul`/`einsum`: wrapping on overflow, never
/// rounded through floats), a plain i-k-j loop over row-major copies.
fn dot_i64(lhs: &Array, rhs: &Array, dims: &DotDims, out_shape: &[usize]) -> Result<Array> {
    let (lv, rv) = (
        lhs.view::<i64>("dot_general")?,
        rhs.view::<i64>("dot_general")?,
    );
    let [(lorder, lg), (rorder, rg)] = operand_orders(lv.ndim(), rv.ndim(), dims);
    let (l, [b, m, k]) = row_major_groups(&lv, &lorder, lg);
    let (r, [_, _, n]) = row_major_groups(&rv, &rorder, rg);
    let mut out = vec![0i64; b * m * n];
    for (row_index, row) in out.chunks_mut(n.max(1)).enumerate().take(b * m) {
        let bi = row_index / m;
        let lrow = &l[row_index * k..(row_index + 1) * k];
        for (p, &a) in lrow.iter().enumerate() {
            let rrow = &r[(bi * k + p) * n..(bi * k + p + 1) * n];
            for (o, &x) in row.iter_mut().zip(rrow) {
                *o = o.wrapping_add(a.wrapping_mul(x));
            }
        }
    }
    Array::from_vec(out_shape, out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::transpose;
    use crate::DType;

    fn mat(r: usize, c: usize, f: impl Fn(usize, usize) -> f64) -> Array {
        Array::from_vec(&[r, c], (0..r * c).map(|i| f(i / c, i % c)).collect()).unwrap()
    }

    fn naive(a: &Array, b: &Array) -> Vec<f64> {
        let (av, bv) = (a.to_f64_vec(), b.to_f64_vec());
        let (m, k, n) = (a.shape()[0], a.shape()[1], b.shape()[1]);
        let mut out = vec![0.0; m * n];
        for i in 0..m {
            for j in 0..n {
                out[i * n + j] = (0..k).map(|l| av[i * k + l] * bv[l * n + j]).sum();
            }
        }
        out
    }

    /// Products contracting either axis of row-major matrices and vectors (the layouts read
    /// off the shapes) against the same products of materialised transposes.
    #[test]
    fn contracting_either_axis_matches_the_transposed_product() {
        let dims = |lc: usize, rc: usize| DotDims {
            lhs_contract: vec![lc],
            rhs_contract: vec![rc],
            lhs_batch: vec![],
            rhs_batch: vec![],
        };
        let t = |x: &Array| transpose(x, &[1, 0]).unwrap().materialize();
        for &(m, k, n) in &[(100, 10, 1), (3, 7, 5), (1, 20, 9), (40, 3, 4)] {
            let a = mat(m, k, |i, j| (i as f64 * 0.3 - j as f64 * 0.7).sin());
            let b = mat(k, n, |i, j| (i as f64 * 0.11 + j as f64).cos());
            let want = naive(&a, &b);
            let close = |got: Array| {
                let got = got.to_f64_vec();
                assert!(want.iter().zip(&got).all(|(x, y)| (x - y).abs() < 1e-12));
            };
            close(dot_general(&a, &b, &dims(1, 0)).unwrap());
            close(dot_general(&t(&a), &b, &dims(0, 0)).unwrap());
            close(dot_general(&a, &t(&b), &dims(1, 1)).unwrap());
            close(dot_general(&t(&a), &t(&b), &dims(0, 1)).unwrap());
            if n == 1 {
                let v = crate::kernels::reshape(&b, &[k]).unwrap();
                close(dot_general(&a, &v, &dims(1, 0)).unwrap());
                close(dot_general(&t(&a), &v, &dims(0, 0)).unwrap());
            }
            if m == 1 {
                let v = crate::kernels::reshape(&a, &[k]).unwrap();
                close(dot_general(&v, &b, &dims(0, 0)).unwrap());
                close(dot_general(&v, &t(&b), &dims(0, 1)).unwrap());
            }
        }
    }

    fn mm() -> DotDims {
        DotDims {
            lhs_contract: vec![1],
            rhs_contract: vec![0],
            lhs_batch: vec![],
            rhs_batch: vec![],
        }
    }

    #[test]
    fn matmul_matches_naive_including_transposed_views() {
        // Includes matrix–vector products with short rows or columns (plain loops), both
        // ways round and with the matrix transposed (a column-major view).
        let shapes = [
            (1, 1, 1),
            (3, 4, 5),
            (17, 33, 9),
            (130, 129, 131),
            (100, 10, 1),
            (1, 100, 10),
            (10, 100, 1),
            (1, 10, 100),
        ];
        for &(m, k, n) in &shapes {
            let a = mat(m, k, |i, j| (i as f64 * 0.3 - j as f64 * 0.7).sin());
            let b = mat(k, n, |i, j| (i as f64 * 0.11 + j as f64).cos());
            let want = naive(&a, &b);
            let got = dot_general(&a, &b, &mm()).unwrap().to_f64_vec();
            assert!(want.iter().zip(&got).all(|(x, y)| (x - y).abs() < 1e-10));
            let at = transpose(&transpose(&a, &[1, 0]).unwrap().materialize(), &[1, 0]).unwrap();
            let got_t = dot_general(&at, &b, &mm()).unwrap().to_f64_vec();
            assert!(want.iter().zip(&got_t).all(|(x, y)| (x - y).abs() < 1e-10));
        }
    }

    #[test]
    fn batched_and_errors() {
        let a = Array::from_vec(&[2, 2, 3], (0..12).map(f64::from).collect()).unwrap();
        let b = Array::from_vec(&[2, 3, 1], vec![1.0; 6]).unwrap();
        let d = DotDims {
            lhs_contract: vec![2],
            rhs_contract: vec![1],
            lhs_batch: vec![0],
            rhs_batch: vec![0],
        };
        let c = dot_general(&a, &b, &d).unwrap();
        assert_eq!(c.shape(), &[2, 2, 1]);
        assert_eq!(c.to_f64_vec(), vec![3., 12., 21., 30.]);
        let e = dot_general(&mat(2, 3, |_, _| 1.0), &mat(2, 3, |_, _| 1.0), &mm()).unwrap_err();
        assert!(e.to_string().contains("dot_general"));
    }

    #[test]
    fn int64_is_exact_beyond_2_pow_53() {
        // [[2⁵³ + 1, 3]] · [[1], [2⁵⁴ + 5]]: 2⁵³ + 1 + 3·2⁵⁴ + 15, which f64 cannot hold.
        let big = (1i64 << 53) + 1;
        let a = Array::from_vec(&[1, 2], vec![big, 3]).unwrap();
        let b = Array::from_vec(&[2, 1], vec![1i64, (1 << 54) + 5]).unwrap();
        let y = dot_general(&a, &b, &mm()).unwrap();
        assert_eq!(y.dtype(), DType::I64);
        let want = big + 3 * ((1i64 << 54) + 5);
        assert_eq!(
            y.view::<i64>("test")
                .unwrap()
                .iter()
                .copied()
                .collect::<Vec<_>>(),
            vec![want]
        );
        // A batched, transposed contraction against a naive loop.
        let x = Array::from_vec(
            &[2, 3, 2],
            (0..12).map(|v| v * 7 - 30).collect::<Vec<i64>>(),
        )
        .unwrap();
        let d = DotDims {
            lhs_contract: vec![1],
            rhs_contract: vec![1],
            lhs_batch: vec![0],
            rhs_batch: vec![0],
        };
        let y = dot_general(&x, &x, &d).unwrap();
        let xv: Vec<i64> = x.view::<i64>("test").unwrap().iter().copied().collect();
        let mut want = vec![0i64; 8];
        for bi in 0..2 {
            for i in 0..2 {
                for j in 0..2 {
                    want[bi * 4 + i * 2 + j] = (0..3)
                        .map(|p| xv[bi * 6 + p * 2 + i] * xv[bi * 6 + p * 2 + j])
                        .sum();
                }
            }
        }
        assert_eq!(
            y.view::<i64>("test")
                .unwrap()
                .iter()
                .copied()
                .collect::<Vec<_>>(),
            want
        );
    }
}
