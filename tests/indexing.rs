#![allow(clippy::reversed_empty_ranges)] // NumPy-style descending slices are written as reversed ranges.
//! Indexing values against NumPy's results (worked out by hand on small arange inputs):
//! integers, NumPy slices with negative steps, newaxis/ellipsis, integer arrays (adjacent and
//! separated), boolean masks, take/take_along_axis/nonzero, 0-d and size-0 cases, errors.

use ferrograd::{np, DType, Idx, Tensor};

fn ar(shape: &[usize]) -> Tensor {
    let n: usize = shape.iter().product();
    Tensor::from_vec((0..n).map(|v| v as f64).collect(), shape)
}

fn ints(v: &[i64]) -> Tensor {
    Tensor::from(v.to_vec())
}

fn vals(t: &Tensor) -> Vec<f64> {
    t.to_vec()
}

#[test]
fn integers_slices_newaxis_ellipsis() {
    let x = ar(&[2, 3, 4]);
    // x[1, ::-1, -1]
    let y = x.index(&[Idx::from(1), Idx::step(.., -1), Idx::from(-1)]);
    assert_eq!((y.shape(), vals(&y)), (&[3][..], vec![23.0, 19.0, 15.0]));
    // x[..., 1]
    let y = x.index(&[Idx::Ellipsis, Idx::from(1)]);
    assert_eq!(y.shape(), &[2, 3]);
    assert_eq!(vals(&y), vec![1.0, 5.0, 9.0, 13.0, 17.0, 21.0]);
    // x[None, 0, 1:, ::2]
    let y = x.index(&[
        Idx::NewAxis,
        Idx::from(0),
        Idx::range(1..),
        Idx::step(.., 2),
    ]);
    assert_eq!(
        (y.shape(), vals(&y)),
        (&[1, 2, 2][..], vec![4.0, 6.0, 8.0, 10.0])
    );
    // x[-1] is x.get(-1)
    assert_eq!(vals(&x.index(-1)), vals(&x.get(-1)));
}

#[test]
fn numpy_slice_rules_on_one_axis() {
    let x = ar(&[10]);
    let case = |i: Idx| vals(&x.index(i));
    assert_eq!(case(Idx::step(8..2, -3)), vec![8.0, 5.0]);
    assert_eq!(case(Idx::step(.., -3)), vec![9.0, 6.0, 3.0, 0.0]);
    assert_eq!(case(Idx::range(-2..)), vec![8.0, 9.0]);
    assert_eq!(case(Idx::step(..-7, -2)), vec![9.0, 7.0, 5.0]);
    assert_eq!(case(Idx::range(5..100)), vec![5.0, 6.0, 7.0, 8.0, 9.0]);
    assert_eq!(case(Idx::range(3..1)), Vec::<f64>::new());
    assert_eq!(case(Idx::step(1..3, -1)), Vec::<f64>::new());
    assert_eq!(case(Idx::range(2..=4)), vec![2.0, 3.0, 4.0]);
    assert_eq!(case(Idx::range(-3..=-1)), vec![7.0, 8.0, 9.0]);
    assert_eq!(case(Idx::step(-1..-4, -1)), vec![9.0, 8.0, 7.0]);
    assert_eq!(case(Idx::step(100..-100, -4)), vec![9.0, 5.0, 1.0]);
}

#[test]
fn integer_arrays_follow_numpy_placement() {
    let x = ar(&[2, 3, 4]);
    // x[:, [2, 0], :]
    let y = x.index(&[Idx::all(), Idx::from(ints(&[2, 0]))]);
    assert_eq!(y.shape(), &[2, 2, 4]);
    assert_eq!(&vals(&y)[..8], &[8.0, 9.0, 10.0, 11.0, 0.0, 1.0, 2.0, 3.0]);
    // x[[0, 1], [2, 0]]
    let y = x.index(&[Idx::from(ints(&[0, 1])), Idx::from(ints(&[2, -3]))]);
    assert_eq!(y.shape(), &[2, 4]);
    assert_eq!(vals(&y), vec![8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0]);
    // x[[0, 1], :, [3, 0]]: separated arrays put their axis first
    let y = x.index(&[
        Idx::from(ints(&[0, 1])),
        Idx::all(),
        Idx::from(ints(&[3, 0])),
    ]);
    assert_eq!(
        (y.shape(), vals(&y)),
        (&[2, 3][..], vec![3.0, 7.0, 11.0, 12.0, 16.0, 20.0])
    );
    // x[:, 1, [0, 3]]: the integer joins the array (adjacent), so the axis stays in place
    let y = x.index(&[Idx::all(), Idx::from(1), Idx::from(ints(&[0, 3]))]);
    assert_eq!(
        (y.shape(), vals(&y)),
        (&[2, 2][..], vec![4.0, 7.0, 16.0, 19.0])
    );
    // x[1, :, [0, 3]]: separated by a slice, so the array's axis comes first
    let y = x.index(&[Idx::from(1), Idx::all(), Idx::from(ints(&[0, 3]))]);
    assert_eq!(y.shape(), &[2, 3]);
    assert_eq!(vals(&y), vec![12.0, 16.0, 20.0, 15.0, 19.0, 23.0]);
    // a 2-d index array on axis 0, broadcasting against a 1-d one
    let i = Tensor::from_vec(vec![0i64, 1, 1, 0], &[2, 2]);
    let y = x.index(&[Idx::from(&i), Idx::from(ints(&[0, 2]))]);
    assert_eq!(y.shape(), &[2, 2, 4]);
    assert_eq!(&vals(&y)[..4], &[0.0, 1.0, 2.0, 3.0]);
    assert_eq!(&vals(&y)[4..8], &[20.0, 21.0, 22.0, 23.0]);
}

#[test]
fn boolean_masks_and_nonzero() {
    let x = ar(&[2, 3, 4]);
    assert_eq!(vals(&x.index(x.greater(20.0))), vec![21.0, 22.0, 23.0]);
    let m = Tensor::from_vec(vec![true, false, false, false, false, true], &[2, 3]);
    let y = x.index(&m);
    assert_eq!(y.shape(), &[2, 4]);
    assert_eq!(vals(&y), vec![0.0, 1.0, 2.0, 3.0, 20.0, 21.0, 22.0, 23.0]);
    // a mask on a later axis: x[:, [True, False, True]]
    let m = Tensor::from(vec![true, false, true]);
    let y = x.index(&[Idx::all(), Idx::from(&m)]);
    assert_eq!(y.shape(), &[2, 2, 4]);
    let ij = np::where_indices(&m);
    assert_eq!(vals(&ij[0]), vec![0.0, 2.0]);
    let aw = x.index(0).greater(9.0).argwhere();
    assert_eq!(
        (aw.shape(), vals(&aw)),
        (&[2, 2][..], vec![2.0, 2.0, 2.0, 3.0])
    );
    // an all-false mask selects nothing
    let none = x.index(x.greater(100.0));
    assert_eq!(none.shape(), &[0]);
}

#[test]
fn take_and_take_along_axis() {
    let x = ar(&[3, 4]);
    assert_eq!(vals(&np::take(&x, &ints(&[5, -1]), None)), vec![5.0, 11.0]);
    let t = np::take(
        &x,
        &Tensor::from_vec(vec![0i64, 2, 2, 0], &[2, 2]),
        Some(-1),
    );
    assert_eq!(t.shape(), &[3, 2, 2]);
    assert_eq!(&vals(&t)[..4], &[0.0, 2.0, 2.0, 0.0]);
    let y = Tensor::from_vec(vec![3.0, 1.0, 2.0, 0.0, 5.0, 4.0], &[2, 3]);
    let order = np::argsort(&y, 1);
    assert_eq!(vals(&order), vec![1.0, 2.0, 0.0, 0.0, 2.0, 1.0]);
    assert_eq!(
        vals(&np::take_along_axis(&y, &order, 1)),
        vals(&np::sort(&y, 1))
    );
    // indices broadcast along the other axes: the argmax of each column
    let best = y.argmax_axis(0).reshape(&[1, 3]);
    assert_eq!(vals(&y.take_along_axis(&best, 0)), vec![3.0, 5.0, 4.0]);
}

#[test]
fn zero_d_and_size_zero() {
    let s = Tensor::from(2.5);
    assert_eq!(s.index(&[] as &[Idx]).item(), 2.5);
    assert_eq!(s.index(Idx::NewAxis).shape(), &[1]);
    assert_eq!(s.index(Idx::Ellipsis).shape(), &[] as &[usize]);
    let e = np::zeros(&[0, 3]);
    assert_eq!(e.index(&[Idx::all(), Idx::from(1)]).shape(), &[0]);
    assert_eq!(e.index(Idx::step(.., -1)).shape(), &[0, 3]);
    assert_eq!(e.take(&ints(&[]), Some(0)).shape(), &[0, 3]);
    let x = ar(&[4]);
    assert_eq!(
        x.index(Tensor::from_vec(Vec::<i64>::new(), &[0])).shape(),
        &[0]
    );
    let i0 = Tensor::scalar(2i64);
    assert_eq!(x.take(&i0, None).shape(), &[] as &[usize]);
    assert_eq!(x.index(&i0).item(), 2.0);
}

#[test]
fn errors_name_op_index_shape_and_fix() {
    let x = ar(&[2, 3]);
    let e = x
        .try_index(&[Idx::from(0), Idx::from(3)])
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("index: index 3 is out of bounds for axis 1 with size 3"),
        "{e}"
    );
    assert!(e.contains("[2, 3]") && e.contains("clip"), "{e}");
    let e = x.try_index(ints(&[0, -3])).unwrap_err().to_string();
    assert!(
        e.contains("index -3 is out of bounds for axis 0 with size 2"),
        "{e}"
    );
    let e = x.try_take(&ints(&[6]), None).unwrap_err().to_string();
    assert!(
        e.starts_with("take: index 6 is out of bounds for axis 0 with size 6"),
        "{e}"
    );
    let e = x
        .try_index(&[Idx::from(0), Idx::from(0), Idx::from(0)])
        .unwrap_err()
        .to_string();
    assert!(e.contains("3 indices") && e.contains("[2, 3]"), "{e}");
    let e = x.try_index(Idx::step(.., 0)).unwrap_err().to_string();
    assert!(e.contains("step cannot be 0"), "{e}");
    let e = x
        .try_index(Tensor::from(vec![0.0]))
        .unwrap_err()
        .to_string();
    assert!(e.contains("integer") && e.contains("astype"), "{e}");
    let e = x
        .try_index(Tensor::from(vec![true, false, true]))
        .unwrap_err()
        .to_string();
    assert!(e.contains("boolean index of shape [3]"), "{e}");
    let e = x
        .try_take_along_axis(&ints(&[0]), 0)
        .unwrap_err()
        .to_string();
    assert!(e.contains("same number of axes"), "{e}");
    let r = std::panic::catch_unwind(|| ar(&[2]).index(5));
    assert!(r.is_err());
}

#[test]
fn integer_and_bool_arrays_index_too() {
    let x = Tensor::from(vec![5i64, 6, 7]);
    let y = x.index(Idx::step(.., -1));
    assert_eq!((y.dtype(), vals(&y)), (DType::I64, vec![7.0, 6.0, 5.0]));
    let b = Tensor::from(vec![true, false]);
    assert_eq!(vals(&b.index(ints(&[1, 0, 0]))), vec![0.0, 1.0, 1.0]);
}
