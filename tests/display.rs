//! `Display` of tensors: exact strings, checked against what NumPy prints for the same data.

use ferrograd::{jvp, np, DType, Tensor};

fn show(x: &Tensor) -> String {
    format!("{x}")
}

#[test]
fn vectors_align_columns_like_numpy() {
    assert_eq!(show(&Tensor::from(vec![1.0, 2.0, 3.0])), "[1. 2. 3.]");
    assert_eq!(
        show(&Tensor::from(vec![4.0, -8.0, 2.0, 6.0])),
        "[ 4. -8.  2.  6.]"
    );
    assert_eq!(
        show(&Tensor::from(vec![0.39322386648296376, 1.0])),
        "[0.39322387 1.        ]"
    );
    assert_eq!(
        show(&Tensor::from(vec![1.5, -0.25, 10.0])),
        "[ 1.5  -0.25 10.  ]"
    );
    assert_eq!(show(&Tensor::from(vec![0.0, 0.0])), "[0. 0.]");
    assert_eq!(show(&Tensor::from(vec![-0.0, 1.0])), "[-0.  1.]");
}

#[test]
fn scalars_print_like_numpy_str() {
    assert_eq!(show(&Tensor::from(5.0)), "5.0");
    assert_eq!(
        show(&Tensor::from(0.1049935854035065)),
        "0.1049935854035065"
    );
    assert_eq!(show(&Tensor::from(1e20)), "1e+20");
    assert_eq!(show(&Tensor::from(1.5e-7)), "1.5e-07");
    assert_eq!(show(&Tensor::from(0.1f32)), "0.1");
    assert_eq!(show(&Tensor::from(-3i64)), "-3");
    assert_eq!(show(&Tensor::from(true)), "True");
    assert_eq!(show(&Tensor::from(f64::NAN)), "nan");
    assert_eq!(format!("{:.3}", Tensor::from(0.39322386648296376)), "0.393");
    assert_eq!(format!("{:.3}", Tensor::from(5.0)), "5.");
}

#[test]
fn integers_and_bools() {
    assert_eq!(show(&Tensor::from(vec![1i64, 2, 3])), "[1 2 3]");
    assert_eq!(show(&Tensor::from(vec![1i64, -2, 30])), "[ 1 -2 30]");
    assert_eq!(show(&Tensor::from(vec![true, false])), "[ True False]");
    assert_eq!(
        show(&np::arange_i64(0, 8, 1).astype(DType::U32)),
        "[0 1 2 3 4 5 6 7]"
    );
}

#[test]
fn matrices_and_higher_rank() {
    assert_eq!(
        show(&Tensor::from([[1.0, 2.5], [-3.0, 4.0]])),
        "[[ 1.   2.5]\n [-3.   4. ]]"
    );
    let x = Tensor::from_vec((0..8i64).collect(), &[2, 2, 2]);
    assert_eq!(show(&x), "[[[0 1]\n  [2 3]]\n\n [[4 5]\n  [6 7]]]");
    assert_eq!(show(&np::eye(2)), "[[1. 0.]\n [0. 1.]]");
}

#[test]
fn scientific_when_magnitudes_span_widely() {
    assert_eq!(show(&Tensor::from(vec![1e-5, 1.0])), "[1.e-05 1.e+00]");
    assert_eq!(show(&Tensor::from(vec![1.5e8, 2.0])), "[1.5e+08 2.0e+00]");
    assert_eq!(show(&Tensor::from(vec![1e-300, 1.0])), "[1.e-300 1.e+000]");
    assert_eq!(show(&Tensor::from(vec![1e-4, 1.0])), "[1.e-04 1.e+00]");
    assert_eq!(
        show(&Tensor::from(vec![123456.789, 0.5])),
        "[1.23456789e+05 5.00000000e-01]"
    );
    assert_eq!(show(&Tensor::from(vec![0.1 + 0.2, 1e7])), "[3.e-01 1.e+07]");
    assert_eq!(
        show(&Tensor::from([[1e-5, 2.0], [3.0, 4e3]])),
        "[[1.e-05 2.e+00]\n [3.e+00 4.e+03]]"
    );
    assert_eq!(
        show(&Tensor::from(vec![f64::NEG_INFINITY, 1e-9])),
        "[  -inf 1.e-09]"
    );
    assert_eq!(show(&Tensor::from(vec![f64::NAN, f64::NAN])), "[nan nan]");
    // The tutorial's gradient, wrapped at 75 characters as NumPy does.
    let g = Tensor::from(vec![
        -7.44764313e+01,
        -1.09475963e+01,
        -3.78281290e+00,
        -1.86451297e+00,
        -1.29207692e+00,
        -1.07197583e+00,
        -7.90459238e-01,
        -3.96212428e-01,
        -8.16203127e-02,
        -3.17648949e-02,
    ]);
    assert_eq!(
        show(&g),
        "[-7.44764313e+01 -1.09475963e+01 -3.78281290e+00 -1.86451297e+00\n \
         -1.29207692e+00 -1.07197583e+00 -7.90459238e-01 -3.96212428e-01\n \
         -8.16203127e-02 -3.17648949e-02]"
    );
}

#[test]
fn long_rows_wrap() {
    let x = np::arange(0.0, 30.0, 1.0);
    let expect = "[ 0.  1.  2.  3.  4.  5.  6.  7.  8.  9. 10. 11. 12. 13. 14. 15. 16. 17.\n \
                  18. 19. 20. 21. 22. 23. 24. 25. 26. 27. 28. 29.]";
    assert_eq!(show(&x), expect);
}

#[test]
fn non_finite_values_share_columns() {
    let x = Tensor::from(vec![1.5, f64::NAN, f64::NEG_INFINITY]);
    assert_eq!(show(&x), "[ 1.5  nan -inf]");
    assert_eq!(show(&Tensor::from(vec![f64::INFINITY, 0.0])), "[inf  0.]");
}

#[test]
fn large_arrays_are_summarised() {
    assert_eq!(
        show(&np::arange_i64(0, 2000, 1)),
        "[   0    1    2 ... 1997 1998 1999]"
    );
    assert_eq!(
        show(&np::arange(0.0, 2000.0, 1.0)),
        "[0.000e+00 1.000e+00 2.000e+00 ... 1.997e+03 1.998e+03 1.999e+03]"
    );
    let z = np::zeros_dtype(&[40, 40], DType::I64);
    let row = "[0 0 0 ... 0 0 0]";
    let expect = format!("[{row}\n {row}\n {row}\n ...\n {row}\n {row}\n {row}]");
    assert_eq!(show(&z), expect);
    // Exactly 1000 elements are printed in full.
    assert!(!show(&np::zeros(&[1000])).contains("..."));
}

#[test]
fn precision_and_f32() {
    let x = Tensor::from(vec![0.39322386648296376, 1.0]);
    assert_eq!(format!("{x:.3}"), "[0.393 1.   ]");
    assert_eq!(show(&Tensor::from(vec![0.1f32, 0.2])), "[0.1 0.2]");
    assert_eq!(
        show(&Tensor::from(vec![1.0f32 / 3.0, 2.0])),
        "[0.33333334 2.        ]"
    );
}

#[test]
fn empty_and_traced() {
    assert_eq!(show(&np::zeros(&[0])), "[]");
    assert_eq!(show(&np::zeros(&[2, 0])), "[]");
    let x = np::zeros(&[3, 2]);
    // jvp takes Fn, so record through a cell.
    let cell = std::cell::RefCell::new(String::new());
    let _ = jvp(
        |x: &Tensor| {
            *cell.borrow_mut() = show(x);
            x * 2.0
        },
        &x,
        &np::ones(&[3, 2]),
    );
    assert_eq!(cell.into_inner(), "Traced<float64[3,2]>");
}

#[test]
fn debug_is_a_repr_with_the_dtype() {
    let x = Tensor::from(vec![1.0, 2.5]);
    assert_eq!(format!("{x:?}"), "Tensor([1.  2.5], float64)");
    let m = Tensor::from_vec(vec![1i64, 2, 3, 4], &[2, 2]);
    assert_eq!(format!("{m:?}"), "Tensor([[1 2]\n        [3 4]], int64)");
    assert_eq!(
        format!("{:?}", Tensor::scalar(3.0f32)),
        "Tensor(3.0, float32)"
    );
    let w = Tensor::param(vec![0.5]);
    assert_eq!(format!("{w:?}"), "Tensor([0.5], float64, requires_grad)");
    // Inside a transform: the aval, as Display prints it, and the transform tracing it.
    let cell = std::cell::RefCell::new(String::new());
    let _ = jvp(
        |x: &Tensor| {
            *cell.borrow_mut() = format!("{x:?}");
            x * 2.0
        },
        &x,
        &x,
    );
    assert_eq!(cell.into_inner(), "Traced<float64[2]> (jvp)");
}
