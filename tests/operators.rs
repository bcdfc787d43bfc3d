//! The arithmetic operators with Rust scalars: every operator, both operand orders, owned and
//! borrowed, for tensors of every dtype, against values computed by hand in the result's
//! dtype. A float scalar never becomes an integer (NumPy, JAX and PyTorch agree), keeps a
//! float tensor's width, and an integer scalar keeps an integer tensor's dtype.

use ferrograd::{np, DType, Tensor};

/// A tensor of each dtype, with its values as f64.
fn tensors() -> Vec<(Tensor, [f64; 2])> {
    vec![
        (Tensor::from(vec![1i64, 2]), [1.0, 2.0]),
        (Tensor::from_vec(vec![1u32, 2], &[2]), [1.0, 2.0]),
        (Tensor::from(vec![true, false]), [1.0, 0.0]),
        (Tensor::from(vec![1.0f32, 2.0]), [1.0, 2.0]),
        (Tensor::from(vec![1.0f64, 2.0]), [1.0, 2.0]),
    ]
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

/// `a op b` computed in `dtype` (integers wrap, as NumPy).
fn reference(op: Op, dtype: DType, a: f64, b: f64) -> f64 {
    match dtype {
        DType::F64 => match op {
            Op::Add => a + b,
            Op::Sub => a - b,
            Op::Mul => a * b,
            Op::Div => a / b,
        },
        DType::F32 => {
            let (a, b) = (a as f32, b as f32);
            f64::from(match op {
                Op::Add => a + b,
                Op::Sub => a - b,
                Op::Mul => a * b,
                Op::Div => a / b,
            })
        }
        DType::I64 => {
            let (a, b) = (a as i64, b as i64);
            (match op {
                Op::Add => a.wrapping_add(b),
                Op::Sub => a.wrapping_sub(b),
                Op::Mul => a.wrapping_mul(b),
                Op::Div => unreachable!("true division gives a float"),
            }) as f64
        }
        DType::U32 => {
            let (a, b) = (a as u32, b as u32);
            f64::from(match op {
                Op::Add => a.wrapping_add(b),
                Op::Sub => a.wrapping_sub(b),
                Op::Mul => a.wrapping_mul(b),
                Op::Div => unreachable!("true division gives a float"),
            })
        }
        DType::Bool => unreachable!("no operator of a scalar gives bool"),
    }
}

type WithScalar<S> = fn(&Tensor, S) -> Tensor;

/// Every operator in every form: `x op s`, `s op x`, and both again with an owned tensor.
fn forms<S>() -> Vec<(Op, bool, WithScalar<S>)>
where
    for<'a> &'a Tensor: std::ops::Add<S, Output = Tensor>
        + std::ops::Sub<S, Output = Tensor>
        + std::ops::Mul<S, Output = Tensor>
        + std::ops::Div<S, Output = Tensor>,
    Tensor: std::ops::Add<S, Output = Tensor>
        + std::ops::Sub<S, Output = Tensor>
        + std::ops::Mul<S, Output = Tensor>
        + std::ops::Div<S, Output = Tensor>,
    S: Copy
        + for<'a> std::ops::Add<&'a Tensor, Output = Tensor>
        + for<'a> std::ops::Sub<&'a Tensor, Output = Tensor>
        + for<'a> std::ops::Mul<&'a Tensor, Output = Tensor>
        + for<'a> std::ops::Div<&'a Tensor, Output = Tensor>
        + std::ops::Add<Tensor, Output = Tensor>
        + std::ops::Sub<Tensor, Output = Tensor>
        + std::ops::Mul<Tensor, Output = Tensor>
        + std::ops::Div<Tensor, Output = Tensor>,
{
    // (operator, scalar on the left, the call)
    let form = |op: Op, left: bool, call: WithScalar<S>| (op, left, call);
    vec![
        form(Op::Add, false, |x, s| x + s),
        form(Op::Add, true, |x, s| s + x),
        form(Op::Add, false, |x, s| x.clone() + s),
        form(Op::Add, true, |x, s| s + x.clone()),
        form(Op::Sub, false, |x, s| x - s),
        form(Op::Sub, true, |x, s| s - x),
        form(Op::Sub, false, |x, s| x.clone() - s),
        form(Op::Sub, true, |x, s| s - x.clone()),
        form(Op::Mul, false, |x, s| x * s),
        form(Op::Mul, true, |x, s| s * x),
        form(Op::Mul, false, |x, s| x.clone() * s),
        form(Op::Mul, true, |x, s| s * x.clone()),
        form(Op::Div, false, |x, s| x / s),
        form(Op::Div, true, |x, s| s / x),
        form(Op::Div, false, |x, s| x.clone() / s),
        form(Op::Div, true, |x, s| s / x.clone()),
    ]
}

/// The method and `np` forms of the same operation, which must agree with the operator.
fn method(op: Op, x: &Tensor, s: f64, left: bool) -> Tensor {
    match (op, left) {
        (Op::Add, false) => x.try_add(s).unwrap(),
        (Op::Sub, false) => x.try_sub(s).unwrap(),
        (Op::Mul, false) => x.try_mul(s).unwrap(),
        (Op::Div, false) => x.try_div(s).unwrap(),
        (Op::Add, true) => np::add(s, x),
        (Op::Sub, true) => np::subtract(s, x),
        (Op::Mul, true) => np::multiply(s, x),
        (Op::Div, true) => np::divide(s, x),
    }
}

fn assert_values(what: &str, got: &Tensor, dtype: DType, want: &[f64]) {
    assert_eq!(got.dtype(), dtype, "{what}: dtype");
    assert_eq!(got.to_vec(), want, "{what}: values");
}

#[test]
fn float_scalars_never_truncate_and_keep_a_float_width() {
    for (x, vals) in tensors() {
        // A float scalar keeps float32 and float64, and makes every other dtype float64.
        let dtype = if x.dtype() == DType::F32 {
            DType::F32
        } else {
            DType::F64
        };
        for s in [0.5, 2.5, -1.5, 1e20] {
            for (op, left, call) in forms::<f64>() {
                let what = format!("{op:?} of {} and {s} (scalar left: {left})", x.dtype());
                let want: Vec<f64> = vals
                    .iter()
                    .map(|&v| match left {
                        false => reference(op, dtype, v, s),
                        true => reference(op, dtype, s, v),
                    })
                    .collect();
                let got = call(&x, s);
                assert_values(&what, &got, dtype, &want);
                assert_values(&what, &method(op, &x, s, left), dtype, &want);
            }
        }
    }
}

#[test]
fn integer_scalars_keep_the_tensor_dtype() {
    for (x, vals) in tensors() {
        for s in [3i64, -1, 1 << 40] {
            // int64 for bool (as NumPy) and for uint32 when the scalar is out of its range
            // (so that the result is the true one); the tensor's own dtype otherwise.
            let dtype = match x.dtype() {
                DType::Bool => DType::I64,
                DType::U32 if u32::try_from(s).is_err() => DType::I64,
                d => d,
            };
            for (op, left, call) in forms::<i64>() {
                let what = format!("{op:?} of {} and {s} (scalar left: {left})", x.dtype());
                // `/` is true division: integers give float64.
                let dtype = match op {
                    Op::Div if !dtype.is_float() => DType::F64,
                    _ => dtype,
                };
                let s = s as f64;
                let want: Vec<f64> = vals
                    .iter()
                    .map(|&v| match left {
                        false => reference(op, dtype, v, s),
                        true => reference(op, dtype, s, v),
                    })
                    .collect();
                assert_values(&what, &call(&x, s as i64), dtype, &want);
            }
        }
    }
}

/// The cases of the bug report, spelled out.
#[test]
fn reported_cases() {
    let x = Tensor::from(vec![1i64, 2]);
    assert_values("x + 0.5", &(&x + 0.5), DType::F64, &[1.5, 2.5]);
    assert_values("x * 2.5", &(&x * 2.5), DType::F64, &[2.5, 5.0]);
    assert_values("0.5 - x", &(0.5 - &x), DType::F64, &[-0.5, -1.5]);
    assert_values("x + 1e20", &(&x + 1e20), DType::F64, &[1e20, 1e20]);
    assert_values("x + 1", &(&x + 1), DType::I64, &[2.0, 3.0]);
    let f = Tensor::from(vec![1.0f32, 2.0]);
    assert_values("f32 * 2", &(2 * &f), DType::F32, &[2.0, 4.0]);
    assert_values("f32 + 1e20", &(&f + 1e20), DType::F32, &[1e20f32 as f64; 2]);
    // An integer scalar is exact, not rounded through f64.
    let big = (1i64 << 53) + 1;
    let y = &x + big;
    assert_eq!(
        y.to_ndarray::<i64>().into_raw_vec_and_offset().0,
        vec![big + 1, big + 2]
    );
    // Wrapping, as NumPy: uint32 below zero and int64 past its maximum.
    let u = Tensor::from_vec(vec![0u32, 1], &[2]);
    assert_values("u32 - 1", &(&u - 1), DType::U32, &[4294967295.0, 0.0]);
    // A scalar uint32 cannot hold gives int64 and the true result.
    assert_values("u32 + (-1)", &(&u + (-1)), DType::I64, &[-1.0, 0.0]);
    assert_values("u32 / -2", &(&u / -2), DType::F64, &[-0.0, -0.5]);
    assert_values("u32 > -1", &u.greater(-1), DType::Bool, &[1.0, 1.0]);
    assert_values("max(u32, -1)", &u.maximum(-1), DType::I64, &[0.0, 1.0]);
    let m = Tensor::from(vec![i64::MAX]);
    assert_eq!((&m + 1).to_ndarray::<i64>().first(), Some(&i64::MIN));
}

/// Literals need no annotation, even in a method chain (why only f64 and i64 scalars have
/// operators: a second float type would make `2.0` ambiguous here).
#[test]
fn unannotated_literals_in_chains() {
    let x = Tensor::from(vec![0.0, 1.0]);
    let y = (2.0 / (&x + 1.0)).exp().to_vec();
    assert!((y[0] - 2f64.exp()).abs() < 1e-15 && (y[1] - 1f64.exp()).abs() < 1e-15);
    assert_eq!((2 * &x).sum().item(), 2.0);
    // f32 and i32 values go through the methods and np functions.
    assert_eq!(x.try_mul(2.0f32).unwrap().to_vec(), vec![0.0, 2.0]);
    assert_eq!(np::add(&x, 3i32).to_vec(), vec![3.0, 4.0]);
}
