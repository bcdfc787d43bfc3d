//! The `Axes` argument (one axis, several, or `None`) across the functions NumPy lets take
//! several axes: cumsum/cumprod over the flattened array, moveaxis, expand_dims, roll and flip
//! with tuples, squeeze and transpose with NumPy's optional axes, reductions and norm.
//! Values are quoted from NumPy's documentation; bad axes give messages naming the op, the
//! shape and the fix.

use ferrograd::{check_grads, linalg, np, vmap, Axes, DType, Tensor};

fn arange(n: usize, shape: &[usize]) -> Tensor {
    Tensor::from_vec((0..n).map(|v| v as f64).collect(), shape)
}

fn ints(t: &Tensor) -> Vec<i64> {
    t.to_vec().iter().map(|&v| v as i64).collect()
}

/// The panic message of `f`.
fn message(f: impl FnOnce() -> Tensor + std::panic::UnwindSafe) -> String {
    let e = std::panic::catch_unwind(f).expect_err("should panic");
    e.downcast_ref::<String>().cloned().unwrap_or_default()
}

#[test]
fn cumsum_and_cumprod_without_an_axis_run_over_the_flattened_array() {
    // a = np.array([[1,2,3], [4,5,6]])
    let a = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]);
    // np.cumsum(a) -> array([ 1,  3,  6, 10, 15, 21])
    assert_eq!(ints(&np::cumsum(&a, None)), [1, 3, 6, 10, 15, 21]);
    // np.cumsum(a, axis=0) -> [[1, 2, 3], [5, 7, 9]]; axis=1 -> [[1, 3, 6], [4, 9, 15]]
    assert_eq!(ints(&np::cumsum(&a, 0)), [1, 2, 3, 5, 7, 9]);
    assert_eq!(ints(&np::cumsum(&a, -1)), [1, 3, 6, 4, 9, 15]);
    // np.cumprod(a) -> array([  1,   2,   6,  24, 120, 720])
    assert_eq!(ints(&np::cumprod(&a, None)), [1, 2, 6, 24, 120, 720]);
    assert_eq!(a.cumprod(Axes::NONE).shape(), &[6]);
    // 0-d and empty inputs, f32 and integers keep their dtype.
    assert_eq!(np::cumsum(&Tensor::from(3.0), None).to_vec(), vec![3.0]);
    assert_eq!(np::cumsum(&Tensor::from(3.0), None).shape(), &[1]);
    assert_eq!(np::cumprod(&arange(0, &[0, 3]), None).shape(), &[0]);
    let f = np::cumsum(
        &Tensor::from_vec(vec![1.0f32, 2.0, 3.0, 4.0], &[2, 2]),
        None,
    );
    assert_eq!(
        (f.dtype(), f.to_vec()),
        (DType::F32, vec![1.0, 3.0, 6.0, 10.0])
    );
    let i = np::cumsum(&Tensor::from_vec(vec![1i64, 2, 3, 4], &[2, 2]), None);
    assert_eq!(i.dtype(), DType::I64);
    // Derivatives in both modes, and a batch of them.
    let x = Tensor::from_vec(vec![0.5, -1.2, 2.0, 0.7, 1.1, -0.3], &[2, 3]);
    check_grads(|x: &Tensor| np::cumsum(x, None) * x.flatten(), &x, 2).unwrap();
    check_grads(|x: &Tensor| np::cumprod(x, None), &x, 2).unwrap();
    let v = vmap(|r: &Tensor| np::cumprod(r, None))(&x);
    assert_eq!(v.to_vec(), np::cumprod(&x, -1).to_vec());
}

#[test]
fn moveaxis_expand_dims_squeeze_and_transpose_take_numpys_forms() {
    let x = arange(60, &[3, 4, 5]);
    // np.moveaxis(x, 0, -1).shape -> (4, 5, 3); (x, -1, 0) -> (5, 3, 4)
    assert_eq!(np::moveaxis(&x, 0, -1).shape(), &[4, 5, 3]);
    assert_eq!(np::moveaxis(&x, -1, 0).shape(), &[5, 3, 4]);
    // np.moveaxis(x, [0, 1], [-1, -2]).shape -> (5, 4, 3), the same as transpose(x)
    let m = np::moveaxis(&x, [0, 1], [-1, -2]);
    assert_eq!(m.shape(), &[5, 4, 3]);
    assert_eq!(m.to_vec(), x.transpose().to_vec());
    assert_eq!(
        x.moveaxis(vec![2, 0], vec![0, 1]).to_vec(),
        x.permute([2, 0, 1]).to_vec()
    );
    // x = np.array([1, 2]): np.expand_dims(x, (0, 1)).shape -> (1, 1, 2);
    // (2, 0) -> (1, 2, 1); axis=-1 -> (2, 1)
    let y = Tensor::from(vec![1.0, 2.0]);
    assert_eq!(np::expand_dims(&y, [0, 1]).shape(), &[1, 1, 2]);
    assert_eq!(np::expand_dims(&y, [2, 0]).shape(), &[1, 2, 1]);
    assert_eq!(np::expand_dims(&y, -1).shape(), &[2, 1]);
    assert_eq!(
        np::expand_dims(&Tensor::from(1.0), [0, -1]).shape(),
        &[1, 1]
    );
    // x = np.array([[[0], [1], [2]]]): squeeze(x).shape -> (3,); axis=0 -> (3, 1);
    // axis=2 -> (1, 3); axis=(0, 2) -> (3,)
    let s = arange(3, &[1, 3, 1]);
    assert_eq!(np::squeeze_axes(&s, None).shape(), &[3]);
    assert_eq!(np::squeeze_axes(&s, 0).shape(), &[3, 1]);
    assert_eq!(np::squeeze_axes(&s, 2).shape(), &[1, 3]);
    assert_eq!(np::squeeze_axes(&s, [0, -1]).shape(), &[3]);
    assert_eq!(np::squeeze_axes(&arange(0, &[0, 1]), -1).shape(), &[0]);
    // a = np.ones((1, 2, 3)): np.transpose(a, (1, 0, 2)).shape -> (2, 1, 3);
    // np.transpose(a).shape -> (3, 2, 1); negative axes: (-1, 0, -2) -> (3, 1, 2)
    let a = arange(6, &[1, 2, 3]);
    assert_eq!(np::transpose_axes(&a, [1, 0, 2]).shape(), &[2, 1, 3]);
    assert_eq!(np::transpose_axes(&a, None).shape(), &[3, 2, 1]);
    assert_eq!(np::transpose_axes(&a, [-1, 0, -2]).shape(), &[3, 1, 2]);
    assert_eq!(np::permute_dims(&a, None).to_vec(), a.transpose().to_vec());
    // All are differentiable and batch.
    let w = Tensor::from_vec(
        (0..24).map(|v| (v as f64 * 0.37).sin()).collect(),
        &[2, 3, 4],
    );
    let f = |x: &Tensor| {
        let y = np::moveaxis(x, [0, -1], [-1, 0]).expand_dims([0, 2]);
        np::squeeze_axes(&y, [0, 2]).transpose_axes([1, 2, 0]).sin()
    };
    check_grads(f, &w, 2).unwrap();
    let v = vmap(|r: &Tensor| np::moveaxis(&np::expand_dims(r, [0, -1]), [0, 1], [1, 0]))(&w);
    let want = np::moveaxis(&np::expand_dims(&w, [1, -1]), [1, 2], [2, 1]);
    assert_eq!((v.shape(), v.to_vec()), (want.shape(), want.to_vec()));
}

#[test]
fn roll_and_flip_with_several_axes() {
    // x2 = np.reshape(np.arange(10), (2, 5))
    let x2 = arange(10, &[2, 5]);
    // np.roll(x2, 1) -> [[9, 0, 1, 2, 3], [4, 5, 6, 7, 8]]
    assert_eq!(
        ints(&np::roll(&x2, 1, None)),
        [9, 0, 1, 2, 3, 4, 5, 6, 7, 8]
    );
    // np.roll(x2, -1, axis=0) -> [[5, 6, 7, 8, 9], [0, 1, 2, 3, 4]]
    assert_eq!(ints(&np::roll(&x2, -1, 0)), [5, 6, 7, 8, 9, 0, 1, 2, 3, 4]);
    // np.roll(x2, (1, 1), axis=(1, 0)) -> [[9, 5, 6, 7, 8], [4, 0, 1, 2, 3]]
    assert_eq!(
        ints(&np::roll(&x2, [1, 1], [1, 0])),
        [9, 5, 6, 7, 8, 4, 0, 1, 2, 3]
    );
    // np.roll(x2, (2, 1), axis=(1, 0)) -> [[8, 9, 5, 6, 7], [3, 4, 0, 1, 2]]
    assert_eq!(
        ints(&np::roll(&x2, [2, 1], [1, 0])),
        [8, 9, 5, 6, 7, 3, 4, 0, 1, 2]
    );
    // One shift for several axes, several shifts along one axis (they add), a repeated axis.
    assert_eq!(
        np::roll(&x2, 1, [0, 1]).to_vec(),
        np::roll(&x2, [1, 1], [0, 1]).to_vec()
    );
    assert_eq!(
        np::roll(&x2, [2, 1], -1).to_vec(),
        np::roll(&x2, 3, 1).to_vec()
    );
    assert_eq!(
        np::roll(&x2, [2, 1], [1, 1]).to_vec(),
        np::roll(&x2, 3, 1).to_vec()
    );
    assert_eq!(np::roll(&Tensor::from(2.0), 5, None).item(), 2.0);
    assert_eq!(np::roll(&arange(0, &[0, 2]), 1, [0, 1]).shape(), &[0, 2]);
    // A = np.arange(8).reshape((2, 2, 2)):
    // np.flip(A, 0) -> [[[4, 5], [6, 7]], [[0, 1], [2, 3]]]
    // np.flip(A, (0, 2)) -> [[[5, 4], [7, 6]], [[1, 0], [3, 2]]]; np.flip(A) reverses all
    let a = arange(8, &[2, 2, 2]);
    assert_eq!(ints(&np::flip(&a, 0)), [4, 5, 6, 7, 0, 1, 2, 3]);
    assert_eq!(ints(&np::flip(&a, [0, 2])), [5, 4, 7, 6, 1, 0, 3, 2]);
    assert_eq!(ints(&np::flip(&a, None)), [7, 6, 5, 4, 3, 2, 1, 0]);
    assert_eq!(ints(&np::flip(&a, [-1, -2, -3])), [7, 6, 5, 4, 3, 2, 1, 0]);
    let w = Tensor::from_vec((0..10).map(|v| (v as f64).cos()).collect(), &[2, 5]);
    check_grads(|x: &Tensor| np::roll(x, [2, -1], [1, 0]) * x, &w, 2).unwrap();
    check_grads(|x: &Tensor| np::flip(x, [0, 1]) * x, &w, 2).unwrap();
    let v = vmap(|r: &Tensor| np::roll(r, [1, 2], [0, -1]))(&arange(24, &[2, 3, 4]));
    let want = np::roll(&arange(24, &[2, 3, 4]), [1, 2], [1, -1]);
    assert_eq!(v.to_vec(), want.to_vec());
}

#[test]
fn reductions_norm_and_softmax_take_the_same_axes() {
    let x = arange(6, &[2, 3]);
    assert_eq!(x.sum_axes(-1, false).to_vec(), vec![3.0, 12.0]);
    assert_eq!(x.sum_axes([0, 1], false).item(), 15.0);
    assert_eq!(x.sum_axes(vec![-2], true).shape(), &[1, 3]);
    assert_eq!(x.sum_axes(None, true).shape(), &[1, 1]);
    assert_eq!(x.sum_axes([], false).to_vec(), x.to_vec());
    assert_eq!(np::max_axes(&x, None, false).item(), 5.0);
    assert_eq!(np::mean_axes(&x, 1usize, false).to_vec(), vec![1.0, 4.0]);
    assert_eq!(np::var_axes(&x, None, 0, false).item(), x.var(0).item());
    let axes: &[i64] = &[1];
    assert_eq!(x.prod_axes(Some(axes), false).to_vec(), vec![0.0, 60.0]);
    // np.linalg.norm(x, axis=-1) and the matrix norm of x with its axes in NumPy's order.
    let n = linalg::norm(&x, 2, -1, false);
    assert_eq!(n.to_vec(), vec![5f64.sqrt(), 50f64.sqrt()]);
    let m = Tensor::from_vec(vec![1.0, -2.0, 3.0, 4.0], &[2, 2]);
    // np.linalg.norm(m, 1, axis=(1, 0)) is the max row sum: (1, 0) names rows then columns.
    assert_eq!(linalg::norm(&m, 1, [1, 0], false).item(), 7.0);
    assert_eq!(linalg::norm(&m, 1, [0, 1], false).item(), 6.0);
    // scipy.special.softmax(x, axis=None) normalises over everything.
    let p = np::softmax(&x, None);
    assert!((p.sum().item() - 1.0).abs() < 1e-15);
    assert_eq!(
        np::logsumexp_axes(&x, None, false).item(),
        np::logsumexp(&x).item()
    );
}

#[test]
fn bad_axes_name_the_op_the_shape_and_the_fix() {
    let cases: Vec<(&str, String, &[&str])> = vec![
        (
            "sum",
            message(|| arange(6, &[2, 3]).sum_axes([0, 2], false)),
            &["sum", "axis 2", "[2, 3]", "-2..2"],
        ),
        (
            "flip",
            message(|| np::flip(&arange(6, &[2, 3]), [1, -1])),
            &["flip", "repeated axis -1", "[2, 3]", "once"],
        ),
        (
            "cumsum",
            message(|| np::cumsum(&arange(6, &[2, 3]), [0, 1])),
            &["cumsum", "one axis or None", "[2, 3]"],
        ),
        (
            "cumsum 0-d",
            message(|| np::cumsum(&Tensor::from(1.0), 0)),
            &["cumsum", "no axes", "[]"],
        ),
        (
            "moveaxis",
            message(|| np::moveaxis(&arange(6, &[2, 3]), [0, 1], 0)),
            &["moveaxis", "[0, 1]", "[0]", "one destination per source"],
        ),
        (
            "moveaxis range",
            message(|| np::moveaxis(&arange(6, &[2, 3]), 0, 2)),
            &["moveaxis", "axis 2", "-2..2"],
        ),
        (
            "expand_dims",
            message(|| np::expand_dims(&arange(6, &[2, 3]), [0, 4])),
            &["expand_dims", "axis 4", "[2, 3]", "-4..4"],
        ),
        (
            "expand_dims None",
            message(|| np::expand_dims(&arange(6, &[2, 3]), None)),
            &["expand_dims", "None", "[2, 3]"],
        ),
        (
            "squeeze",
            message(|| np::squeeze_axes(&arange(6, &[2, 3]), 1)),
            &["squeeze", "axis 1", "[2, 3]", "length-1"],
        ),
        (
            "transpose",
            message(|| np::transpose_axes(&arange(6, &[2, 3]), [0])),
            &["transpose", "[0]", "permutation", "[2, 3]"],
        ),
        (
            "permute",
            message(|| arange(6, &[2, 3]).permute([1, -1])),
            &["permute", "repeated axis", "once"],
        ),
        (
            "roll",
            message(|| np::roll(&arange(6, &[2, 3]), [1, 2], [0, 1, 1])),
            &["roll", "2 shifts and 3 axes", "one shift per axis"],
        ),
        (
            "norm",
            message(|| linalg::norm(&arange(6, &[2, 3]), 2, 5, false)),
            &["norm", "axis 5", "[2, 3]"],
        ),
        (
            "softmax",
            message(|| np::softmax(&arange(6, &[2, 3]), -3)),
            &["softmax", "axis -3", "[2, 3]"],
        ),
    ];
    for (what, msg, words) in cases {
        for w in words {
            assert!(msg.contains(w), "{what}: {msg:?} lacks {w:?}");
        }
    }
}
