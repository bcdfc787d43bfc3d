//! Values of the NumPy-like methods against hand-computed NumPy results: reductions, shapes,
//! indexing, joins and products, with negative axes, keepdims, 0-d and size-0 arrays.

use ferrograd_core::{DType, Tensor};
use ndarray::s;

fn arange(n: usize, shape: &[usize]) -> Tensor {
    Tensor::from_vec((0..n).map(|v| v as f64).collect(), shape)
}

fn panics_with(f: impl FnOnce() -> Tensor + std::panic::UnwindSafe, needles: &[&str]) {
    let e = std::panic::catch_unwind(f).expect_err("expected a panic");
    let msg = e
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default();
    for n in needles {
        assert!(msg.contains(n), "message {msg:?} lacks {n:?}");
    }
}

#[test]
fn sums_and_means_with_axes() {
    let x = arange(6, &[2, 3]);
    assert_eq!(x.sum().item(), 15.0);
    assert_eq!(x.sum_axis(0).to_vec(), vec![3.0, 5.0, 7.0]);
    assert_eq!(x.sum_axis(-1).to_vec(), vec![3.0, 12.0]);
    let k = x.sum_axes([-1], true);
    assert_eq!((k.shape(), k.to_vec()), (&[2usize, 1][..], vec![3.0, 12.0]));
    assert_eq!(x.sum_axes([0, 1], true).shape(), &[1, 1]);
    assert_eq!(x.sum_axes([], false).to_vec(), x.to_vec());
    assert_eq!(x.mean_axis(1).to_vec(), vec![1.0, 4.0]);
    assert_eq!(x.mean_axes([0, -1], false).item(), 2.5);
    let i = Tensor::from(vec![1i64, 2]);
    assert_eq!(i.mean().dtype(), DType::F64);
    assert_eq!(i.mean().item(), 1.5);
    assert_eq!(i.sum().dtype(), DType::I64);
    let b = Tensor::from(vec![true, true, false]);
    assert_eq!((b.sum().dtype(), b.sum().item()), (DType::I64, 2.0));
    let f = Tensor::from(vec![1.0f32, 2.0]);
    assert_eq!(f.mean().dtype(), DType::F32);
    // 0-d and size-0 inputs.
    assert_eq!(Tensor::from(3.0).sum().item(), 3.0);
    let e = Tensor::from_vec(Vec::<f64>::new(), &[0, 3]);
    assert_eq!(e.sum_axis(0).to_vec(), vec![0.0; 3]);
    assert_eq!(e.sum_axis(1).shape(), &[0]);
    assert!(e.mean().item().is_nan());
}

#[test]
fn products_with_zeros_and_odd_lengths() {
    let x = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 0.0, 7.0], &[7]);
    assert_eq!(x.prod().item(), 0.0);
    assert_eq!(x.slice(s![..5]).prod().item(), 120.0);
    let m = arange(12, &[2, 3, 2]).add_one();
    // NumPy: np.arange(1, 13).reshape(2, 3, 2).prod(axis=(0, 2))
    assert_eq!(
        m.prod_axes([0, -1], false).to_vec(),
        vec![
            1.0 * 2.0 * 7.0 * 8.0,
            3.0 * 4.0 * 9.0 * 10.0,
            5.0 * 6.0 * 11.0 * 12.0
        ]
    );
    assert_eq!(m.prod_axes([1], true).shape(), &[2, 1, 2]);
    assert_eq!(m.prod_axis(1).to_vec(), vec![15.0, 48.0, 693.0, 960.0]);
    assert_eq!(
        Tensor::from_vec(Vec::<f64>::new(), &[2, 0])
            .prod_axis(1)
            .to_vec(),
        vec![1.0, 1.0]
    );
    assert_eq!(Tensor::from(vec![2i64, 3, 4]).prod().item(), 24.0);
    let f = Tensor::from(vec![2.0f32, 0.5, 3.0]);
    assert_eq!((f.prod().dtype(), f.prod().item()), (DType::F32, 3.0));
}

trait AddOne {
    fn add_one(&self) -> Tensor;
}
impl AddOne for Tensor {
    fn add_one(&self) -> Tensor {
        self + 1.0
    }
}

#[test]
fn extrema_variance_and_arg() {
    let x = Tensor::from([[1.0, 9.0, 2.0], [4.0, -3.0, 9.0]]);
    assert_eq!(x.max().item(), 9.0);
    assert_eq!(x.min_axis(-1).to_vec(), vec![1.0, -3.0]);
    assert_eq!(x.max_axes([0], true).to_vec(), vec![4.0, 9.0, 9.0]);
    assert_eq!(x.argmax().item(), 1.0);
    assert_eq!(x.argmin().item(), 4.0);
    assert_eq!(x.argmax_axis(-1).to_vec(), vec![1.0, 2.0]);
    assert_eq!(x.argmin_axis(0).to_vec(), vec![0.0, 1.0, 0.0]);
    assert_eq!(x.argmax().dtype(), DType::I64);
    // NumPy: x.var(axis=1) = [12.666.., 28.666..]; ddof=1 scales by 3/2.
    let v = x.var_axis(1, 0).to_vec();
    assert!((v[0] - 38.0 / 3.0).abs() < 1e-12 && (v[1] - 218.0 / 9.0).abs() < 1e-12);
    let v1 = x.var_axes([-1], 1, true);
    assert_eq!(v1.shape(), &[2, 1]);
    assert!((v1.to_vec()[1] - 109.0 / 3.0).abs() < 1e-12);
    let s = x.std(0).item();
    // values 1 9 2 4 -3 9: mean 11/3, var = (mean of squares 192/6) - (11/3)^2
    assert!((s - (192.0f64 / 6.0 - (11.0f64 / 3.0).powi(2)).sqrt()).abs() < 1e-12);
    assert_eq!(x.std_axis(0, 0).to_vec(), vec![1.5, 6.0, 3.5]);
    assert_eq!(Tensor::from(vec![1i64, 3]).var(0).item(), 1.0);
    assert_eq!(Tensor::from(5.0).argmax().item(), 0.0);
}

#[test]
fn reshape_transpose_and_axes() {
    let x = arange(24, &[2, 3, 4]);
    assert_eq!(x.reshape(&[4, -1]).shape(), &[4, 6]);
    assert_eq!(x.reshape(&[-1]).shape(), &[24]);
    assert_eq!(Tensor::from(1.0).reshape(&[1, 1]).shape(), &[1, 1]);
    assert_eq!(
        Tensor::from_vec(Vec::<f64>::new(), &[0, 3])
            .reshape(&[3, 0])
            .shape(),
        &[3, 0]
    );
    assert!(x.try_reshape(&[5, -1]).is_err());
    assert!(x.try_reshape(&[-1, -1]).is_err());
    panics_with(
        || arange(24, &[2, 3, 4]).reshape(&[5, 5]),
        &["[2, 3, 4]", "[5, 5]"],
    );
    assert_eq!(x.flatten().shape(), &[24]);
    let t = x.transpose();
    assert_eq!(t.shape(), &[4, 3, 2]);
    assert_eq!(t.slice(s![1, 2, ..]).to_vec(), vec![9.0, 21.0]);
    let p = x.permute([1, -1, 0]);
    assert_eq!(p.shape(), &[3, 4, 2]);
    assert_eq!(p.slice(s![2, 3, ..]).to_vec(), vec![11.0, 23.0]);
    assert!(std::panic::catch_unwind(|| arange(6, &[2, 3]).permute([0, 0])).is_err());
    let m = arange(6, &[2, 3]);
    assert_eq!(m.t().to_vec(), vec![0.0, 3.0, 1.0, 4.0, 2.0, 5.0]);
    assert_eq!(x.swapaxes(0, -1).shape(), &[4, 3, 2]);
    assert_eq!(x.moveaxis(0, -1).shape(), &[3, 4, 2]);
    assert_eq!(x.moveaxis(-1, 0).shape(), &[4, 2, 3]);
    assert_eq!(
        x.moveaxis(-1, 0).slice(s![1, 1, ..]).to_vec(),
        vec![13.0, 17.0, 21.0]
    );
    assert_eq!(x.expand_dims(-1).shape(), &[2, 3, 4, 1]);
    assert_eq!(x.expand_dims(1).shape(), &[2, 1, 3, 4]);
    let o = arange(3, &[1, 3, 1]);
    assert_eq!(o.squeeze().shape(), &[3]);
    assert_eq!(o.squeeze_axis(-1).shape(), &[1, 3]);
    panics_with(
        || arange(3, &[1, 3, 1]).squeeze_axis(1),
        &["squeeze", "length 3"],
    );
    let b = Tensor::from_vec(vec![1.0, 2.0, 3.0], &[3, 1]).broadcast_to(&[2, 3, 4]);
    assert_eq!(b.shape(), &[2, 3, 4]);
    assert_eq!(b.sum().item(), 48.0);
}

#[test]
fn indexing_and_slicing() {
    let x = arange(12, &[3, 4]);
    assert_eq!(x.get(1).to_vec(), vec![4.0, 5.0, 6.0, 7.0]);
    assert_eq!(x.get(-1).to_vec(), vec![8.0, 9.0, 10.0, 11.0]);
    assert_eq!(x.get(0).get(-2).item(), 2.0);
    panics_with(|| arange(12, &[3, 4]).get(3), &["index 3", "length 3"]);
    panics_with(|| Tensor::from(1.0).get(0), &["slice"]);
    assert!(x.try_slice(s![.., 4]).is_err());
    assert_eq!(x.slice(s![.., -1]).to_vec(), vec![3.0, 7.0, 11.0]);
    assert_eq!(x.slice(s![-2.., 1..;2]).to_vec(), vec![5.0, 7.0, 9.0, 11.0]);
    let n = x.slice(s![.., ndarray::NewAxis, 1..3]);
    assert_eq!(n.shape(), &[3, 1, 2]);
    // ndarray's negative step: s![..;-1] reverses, s![0..4;-3] walks 0..4 back from 3.
    assert_eq!(x.slice(s![..;-1, 0]).to_vec(), vec![8.0, 4.0, 0.0]);
    assert_eq!(x.slice(s![0, 0..4;-3]).to_vec(), vec![3.0, 0.0]);
    assert_eq!(x.slice(s![0, ..;-2]).to_vec(), vec![3.0, 1.0]);
    // Range bounds clamp as in NumPy; empty ranges give size 0.
    #[allow(clippy::reversed_empty_ranges)] // an empty range on purpose
    let empty = x.slice(s![1..10, 3..1]);
    assert_eq!(empty.shape(), &[2, 0]);
    let f = Tensor::from(vec![1.0f32, 2.0, 3.0]);
    assert_eq!(f.slice(s![1..]).dtype(), DType::F32);
}

#[test]
fn concatenate_and_stack() {
    let a = arange(6, &[2, 3]);
    let b = Tensor::from_vec(vec![10i64, 11, 12], &[1, 3]);
    let c = Tensor::concatenate(&[&a, &b], 0);
    assert_eq!((c.shape(), c.dtype()), (&[3usize, 3][..], DType::F64));
    assert_eq!(c.get(-1).to_vec(), vec![10.0, 11.0, 12.0]);
    let d = Tensor::concatenate(&[&a, &a], -1);
    assert_eq!(d.get(0).to_vec(), vec![0.0, 1.0, 2.0, 0.0, 1.0, 2.0]);
    panics_with(
        || Tensor::concatenate(&[&arange(6, &[2, 3]), &arange(4, &[2, 2])], 0),
        &["concatenate", "[2, 3]", "[2, 2]"],
    );
    let s = Tensor::stack(&[&a, &a.add_one()], 1);
    assert_eq!(s.shape(), &[2, 2, 3]);
    assert_eq!(s.get(0).get(1).to_vec(), vec![1.0, 2.0, 3.0]);
    assert_eq!(Tensor::stack(&[&a, &a], -1).shape(), &[2, 3, 2]);
    let z = Tensor::stack(&[&Tensor::from(1.0), &Tensor::from(2.0)], 0);
    assert_eq!(z.to_vec(), vec![1.0, 2.0]);
    panics_with(
        || Tensor::stack(&[&arange(6, &[2, 3]), &arange(6, &[3, 2])], 0),
        &["stack", "[2, 3]", "[3, 2]"],
    );
}

#[test]
fn matmul_and_friends() {
    let a = arange(6, &[2, 3]);
    let b = arange(12, &[3, 4]);
    // NumPy: np.arange(6).reshape(2,3) @ np.arange(12).reshape(3,4)
    assert_eq!(
        a.matmul(&b).to_vec(),
        vec![20., 23., 26., 29., 56., 68., 80., 92.]
    );
    let v = Tensor::from(vec![1.0, 2.0, 3.0]);
    assert_eq!(a.matmul(&v).to_vec(), vec![8.0, 26.0]);
    assert_eq!(v.matmul(&b).to_vec(), vec![32., 38., 44., 50.]);
    assert_eq!(v.matmul(&v).shape(), &[] as &[usize]);
    assert_eq!(v.matmul(&v).item(), 14.0);
    // Batch broadcasting: (2,1,3,4) @ (5,4,2) -> (2,5,3,2).
    let p = arange(24, &[2, 1, 3, 4]);
    let q = arange(40, &[5, 4, 2]);
    let r = p.matmul(&q);
    assert_eq!(r.shape(), &[2, 5, 3, 2]);
    // r[1, 4] = p[1, 0] @ q[4]
    let want = p.get(1).get(0).matmul(&q.get(4));
    assert_eq!(r.get(1).get(4).to_vec(), want.to_vec());
    assert_eq!(
        want.to_vec()[0],
        12.0 * 32.0 + 13.0 * 34.0 + 14.0 * 36.0 + 15.0 * 38.0
    );
    panics_with(
        || arange(6, &[2, 3]).matmul(&arange(6, &[2, 3])),
        &["matmul", "[2, 3]"],
    );
    assert!(arange(6, &[2, 3]).try_matmul(&Tensor::from(1.0)).is_err());
    let i = Tensor::from_vec(vec![1i64, 2, 3, 4], &[2, 2]);
    assert_eq!(
        (i.matmul(&i).dtype(), i.matmul(&i).to_vec()),
        (DType::I64, vec![7., 10., 15., 22.])
    );
    let f = Tensor::from_vec(vec![1.0f32, 2.0], &[1, 2]);
    assert_eq!(f.matmul(&f.t()).dtype(), DType::F32);
    // dot: N-D . M-D contracts a's last axis with b's second-to-last.
    let x = arange(24, &[2, 3, 4]);
    let y = arange(40, &[5, 4, 2]);
    let d = x.dot(&y);
    assert_eq!(d.shape(), &[2, 3, 5, 2]);
    assert_eq!(
        d.get(1).get(2).get(3).to_vec(),
        x.get(1).get(2).matmul(&y.get(3)).to_vec()
    );
    assert_eq!(
        x.dot(&Tensor::from(vec![1.0, 0.0, 0.0, 1.0])).to_vec(),
        vec![3., 11., 19., 27., 35., 43.]
    );
    assert_eq!(v.dot(&v).item(), 14.0);
    assert_eq!(v.dot(&Tensor::from(2.0)).to_vec(), vec![2.0, 4.0, 6.0]);
    assert_eq!(a.inner(&a).to_vec(), vec![5.0, 14.0, 14.0, 50.0]);
    assert_eq!(
        v.outer(&Tensor::from(vec![1.0, 10.0])).to_vec(),
        vec![1., 10., 2., 20., 3., 30.]
    );
    assert_eq!(a.outer(&v).shape(), &[6, 3]);
    let e = Tensor::from_vec(Vec::<f64>::new(), &[2, 0]);
    let z = e.matmul(&Tensor::from_vec(Vec::<f64>::new(), &[0, 3]));
    assert_eq!(z.to_vec(), vec![0.0; 6]);
}

#[test]
fn diagonal_ignores_infinities_off_the_diagonal() {
    // NumPy: np.diagonal([[1, inf], [-inf, 2]]) = [1, 2] (a read, not a masked sum: ∞·0 = NaN).
    let inf = f64::INFINITY;
    let x = Tensor::from_vec(vec![1.0, inf, -inf, 2.0, f64::NAN, 3.0], &[3, 2]);
    assert_eq!(x.diagonal(0, 0, 1).to_vec(), vec![1.0, 2.0]);
    let stack = Tensor::from_vec(vec![5.0, inf, inf, 6.0, 7.0, -inf, 0.0, 8.0], &[2, 2, 2]);
    assert_eq!(stack.diagonal(0, -2, -1).to_vec(), vec![5.0, 6.0, 7.0, 8.0]);
}
