//! Every elementwise method and operator, and the reductions, over every dtype (float32,
//! float64, int64, uint32, bool): each gives NumPy's value in the expected dtype, or — where
//! NumPy refuses too (`bool - bool`, `-bool`) or has no dtype here to give — a clean error
//! from its `try_` form that names the operation, the dtype and the fix. Nothing panics: each
//! call runs under `catch_unwind`.

use std::panic::{catch_unwind, AssertUnwindSafe};

use ferrograd::{DType, Tensor};

const DTYPES: [DType; 5] = [DType::F32, DType::F64, DType::I64, DType::U32, DType::Bool];

/// Operands per dtype: signs, a zero, and for uint32 a subtraction below zero.
fn operands(d: DType) -> ([f64; 4], [f64; 4]) {
    match d {
        DType::U32 => ([7.0, 0.0, 6.0, 1.0], [2.0, 3.0, 4.0, 5.0]),
        DType::Bool => ([1.0, 1.0, 0.0, 0.0], [1.0, 0.0, 1.0, 0.0]),
        _ => ([7.0, -7.0, 6.0, 0.0], [2.0, 2.0, -4.0, 5.0]),
    }
}

fn tensor(d: DType, v: [f64; 4]) -> Tensor {
    Tensor::from(v.to_vec()).astype(d)
}

/// What a call must give.
#[derive(Debug)]
enum Want {
    /// This dtype and these values (NaN matches NaN; transcendental ones within rounding).
    Value(DType, Vec<f64>),
    /// An error whose message starts with `"{op}: not defined for {dtype}"`.
    Refused(&'static str),
}

/// The dtype NumPy's float functions give: float32 stays, everything else is float64.
fn float_of(d: DType) -> DType {
    if d == DType::F32 {
        DType::F32
    } else {
        DType::F64
    }
}

/// `f` of each pair, in float64 or (for float32 results) in float32.
fn floats(d: DType, a: &[f64], b: &[f64], f: fn(f64, f64) -> f64) -> Want {
    let out = float_of(d);
    let v = a.iter().zip(b).map(|(&x, &y)| {
        let r = f(x, y);
        if out == DType::F32 {
            r as f32 as f64
        } else {
            r
        }
    });
    Want::Value(out, v.collect())
}

/// `f` of each pair in the tensor's own integer dtype (wrapping), or the float result.
fn exact(
    d: DType,
    a: &[f64],
    b: &[f64],
    fi: fn(i64, i64) -> i64,
    fu: fn(u32, u32) -> u32,
    ff: fn(f64, f64) -> f64,
) -> Want {
    let pairs = a.iter().zip(b);
    match d {
        DType::I64 => Want::Value(
            d,
            pairs
                .map(|(&x, &y)| fi(x as i64, y as i64) as f64)
                .collect(),
        ),
        DType::U32 => Want::Value(
            d,
            pairs
                .map(|(&x, &y)| f64::from(fu(x as u32, y as u32)))
                .collect(),
        ),
        _ => floats(d, a, b, ff),
    }
}

fn bools(a: &[f64], b: &[f64], f: fn(bool, bool) -> bool) -> Want {
    let v = a
        .iter()
        .zip(b)
        .map(|(&x, &y)| f64::from(u8::from(f(x != 0.0, y != 0.0))));
    Want::Value(DType::Bool, v.collect())
}

type Binary = fn(&Tensor, &Tensor) -> Result<Tensor, ferrograd::Error>;
type Reference = fn(DType, &[f64], &[f64]) -> Want;

fn bin(
    name: &'static str,
    call: Binary,
    reference: Reference,
) -> (&'static str, Binary, Reference) {
    (name, call, reference)
}

fn un(
    name: &'static str,
    call: Unary,
    reference: UnaryReference,
) -> (&'static str, Unary, UnaryReference) {
    (name, call, reference)
}

fn floor_div(x: i64, y: i64) -> i64 {
    x.div_euclid(y) - i64::from(y < 0 && x.rem_euclid(y) != 0)
}

/// (name, call, reference); the name is the one errors use.
fn binary_cases() -> Vec<(&'static str, Binary, Reference)> {
    vec![
        bin(
            "add",
            |a, b| a.try_add(b),
            |d, a, b| match d {
                DType::Bool => bools(a, b, |x, y| x | y),
                _ => exact(d, a, b, i64::wrapping_add, u32::wrapping_add, |x, y| x + y),
            },
        ),
        bin(
            "add",
            |a, b| Ok(a + b),
            |d, a, b| match d {
                DType::Bool => bools(a, b, |x, y| x | y),
                _ => exact(d, a, b, i64::wrapping_add, u32::wrapping_add, |x, y| x + y),
            },
        ),
        bin(
            "sub",
            |a, b| a.try_sub(b),
            |d, a, b| match d {
                DType::Bool => Want::Refused("sub"),
                _ => exact(d, a, b, i64::wrapping_sub, u32::wrapping_sub, |x, y| x - y),
            },
        ),
        bin(
            "mul",
            |a, b| a.try_mul(b),
            |d, a, b| match d {
                DType::Bool => bools(a, b, |x, y| x & y),
                _ => exact(d, a, b, i64::wrapping_mul, u32::wrapping_mul, |x, y| x * y),
            },
        ),
        bin(
            "div",
            |a, b| a.try_div(b),
            |d, a, b| floats(d, a, b, |x, y| x / y),
        ),
        bin(
            "div",
            |a, b| Ok(a / b),
            |d, a, b| floats(d, a, b, |x, y| x / y),
        ),
        bin(
            "floor_divide",
            |a, b| a.try_floor_divide(b),
            |d, a, b| match d {
                DType::Bool => Want::Refused("floor_divide"),
                _ => exact(d, a, b, floor_div, |x, y| x / y, |x, y| (x / y).floor()),
            },
        ),
        bin(
            "remainder",
            |a, b| a.try_remainder(b),
            |d, a, b| match d {
                DType::Bool => Want::Refused("remainder"),
                _ => exact(
                    d,
                    a,
                    b,
                    |x, y| x - y * floor_div(x, y),
                    |x, y| x % y,
                    |x, y| x - y * (x / y).floor(),
                ),
            },
        ),
        bin(
            "maximum",
            |a, b| Ok(a.maximum(b)),
            |d, a, b| match d {
                DType::Bool => bools(a, b, |x, y| x | y),
                _ => exact(d, a, b, i64::max, u32::max, f64::max),
            },
        ),
        bin(
            "minimum",
            |a, b| Ok(a.minimum(b)),
            |d, a, b| match d {
                DType::Bool => bools(a, b, |x, y| x & y),
                _ => exact(d, a, b, i64::min, u32::min, f64::min),
            },
        ),
        bin(
            "power",
            |a, b| Ok(a.power(b)),
            |d, a, b| floats(d, a, b, f64::powf),
        ),
        bin(
            "arctan2",
            |a, b| Ok(a.arctan2(b)),
            |d, a, b| floats(d, a, b, f64::atan2),
        ),
        bin(
            "less",
            |a, b| Ok(a.less(b)),
            |_, a, b| compare(a, b, |x, y| x < y),
        ),
        bin(
            "less_equal",
            |a, b| Ok(a.less_equal(b)),
            |_, a, b| compare(a, b, |x, y| x <= y),
        ),
        bin(
            "greater",
            |a, b| Ok(a.greater(b)),
            |_, a, b| compare(a, b, |x, y| x > y),
        ),
        bin(
            "greater_equal",
            |a, b| Ok(a.greater_equal(b)),
            |_, a, b| compare(a, b, |x, y| x >= y),
        ),
        bin(
            "equal",
            |a, b| Ok(a.equal(b)),
            |_, a, b| compare(a, b, |x, y| x == y),
        ),
        bin(
            "not_equal",
            |a, b| Ok(a.not_equal(b)),
            |_, a, b| compare(a, b, |x, y| x != y),
        ),
    ]
}

fn compare(a: &[f64], b: &[f64], f: fn(&f64, &f64) -> bool) -> Want {
    let v = a.iter().zip(b).map(|(x, y)| f64::from(u8::from(f(x, y))));
    Want::Value(DType::Bool, v.collect())
}

type Unary = fn(&Tensor) -> Result<Tensor, ferrograd::Error>;
type UnaryReference = fn(DType, &[f64]) -> Want;

/// A float function of one argument, as [`floats`].
fn float1(d: DType, a: &[f64], f: fn(f64) -> f64) -> Want {
    let out = float_of(d);
    let v = a.iter().map(|&x| {
        if out == DType::F32 {
            f(x) as f32 as f64
        } else {
            f(x)
        }
    });
    Want::Value(out, v.collect())
}

fn unary_cases() -> Vec<(&'static str, Unary, UnaryReference)> {
    vec![
        un(
            "neg",
            |x| x.try_neg(),
            |d, a| match d {
                DType::Bool => Want::Refused("neg"),
                DType::U32 => Want::Value(
                    d,
                    a.iter()
                        .map(|&x| f64::from((x as u32).wrapping_neg()))
                        .collect(),
                ),
                DType::I64 => Want::Value(d, a.iter().map(|&x| -x).collect()),
                _ => float1(d, a, |x| -x),
            },
        ),
        // The operator, where its `try_` form succeeds (elsewhere it panics by design).
        un(
            "neg",
            |x| x.try_neg().map(|_| -x),
            |d, a| match d {
                DType::Bool => Want::Refused("neg"),
                DType::U32 => Want::Value(
                    d,
                    a.iter()
                        .map(|&x| f64::from((x as u32).wrapping_neg()))
                        .collect(),
                ),
                DType::I64 => Want::Value(d, a.iter().map(|&x| -x).collect()),
                _ => float1(d, a, |x| -x),
            },
        ),
        un(
            "square",
            |x| Ok(x.square()),
            |d, a| match d {
                DType::Bool => bools(a, a, |x, y| x & y),
                _ => exact(d, a, a, i64::wrapping_mul, u32::wrapping_mul, |x, y| x * y),
            },
        ),
        un("exp", |x| Ok(x.exp()), |d, a| float1(d, a, f64::exp)),
        un("log", |x| Ok(x.log()), |d, a| float1(d, a, f64::ln)),
        un("sqrt", |x| Ok(x.sqrt()), |d, a| float1(d, a, f64::sqrt)),
        un("sin", |x| Ok(x.sin()), |d, a| float1(d, a, f64::sin)),
        un("tanh", |x| Ok(x.tanh()), |d, a| float1(d, a, f64::tanh)),
        un(
            "sigmoid",
            |x| Ok(x.sigmoid()),
            |d, a| float1(d, a, |x| 1.0 / (1.0 + (-x).exp())),
        ),
        un("abs", |x| Ok(x.abs()), |d, a| float1(d, a, f64::abs)),
        un(
            "sign",
            |x| Ok(x.sign()),
            |d, a| float1(d, a, |x| if x == 0.0 { 0.0 } else { x.signum() }),
        ),
        un("floor", |x| Ok(x.floor()), |d, a| float1(d, a, f64::floor)),
        un(
            "round",
            |x| Ok(x.round()),
            |d, a| float1(d, a, f64::round_ties_even),
        ),
        // Reductions: bool and uint32 sums and products count in int64.
        un("sum", |x| Ok(x.sum()), |d, a| reduction(d, a.iter().sum())),
        un(
            "prod",
            |x| Ok(x.prod()),
            |d, a| reduction(d, a.iter().product()),
        ),
        un(
            "max",
            |x| Ok(x.max()),
            |d, a| Want::Value(d, vec![a.iter().copied().fold(f64::MIN, f64::max)]),
        ),
        un(
            "min",
            |x| Ok(x.min()),
            |d, a| Want::Value(d, vec![a.iter().copied().fold(f64::MAX, f64::min)]),
        ),
        un(
            "mean",
            |x| Ok(x.mean()),
            |d, a| float1(d, &[a.iter().sum::<f64>() / 4.0], |x| x),
        ),
    ]
}

fn reduction(d: DType, v: f64) -> Want {
    match d {
        DType::Bool | DType::U32 => Want::Value(DType::I64, vec![v]),
        _ => Want::Value(d, vec![v]),
    }
}

/// Runs `call` under `catch_unwind` and checks it against `want`.
fn check(what: &str, call: impl FnOnce() -> Result<Tensor, ferrograd::Error>, want: Want) {
    let got = catch_unwind(AssertUnwindSafe(call))
        .unwrap_or_else(|_| panic!("{what}: panicked instead of returning a value or an error"));
    match (got, want) {
        (Ok(y), Want::Value(dtype, v)) => {
            assert_eq!(y.dtype(), dtype, "{what}: dtype");
            let tol = if dtype == DType::F32 { 1e-6 } else { 1e-14 };
            for (i, (g, w)) in y.to_vec().iter().zip(&v).enumerate() {
                let same = (g.is_nan() && w.is_nan()) || g == w || (g - w).abs() <= tol * w.abs();
                assert!(same, "{what}: element {i} is {g}, want {w}");
            }
        }
        (Err(e), Want::Refused(op)) => {
            let msg = e.to_string();
            assert!(
                msg.starts_with(&format!("{op}: not defined for ")),
                "{what}: {msg}"
            );
            assert!(msg.contains(".astype(DType::"), "{what}: no fix in {msg}");
        }
        (got, want) => panic!("{what}: got {got:?}, want {want:?}"),
    }
}

#[test]
fn every_binary_operation_over_every_dtype() {
    for d in DTYPES {
        let (a, b) = operands(d);
        let (x, y) = (tensor(d, a), tensor(d, b));
        for (name, call, reference) in binary_cases() {
            check(
                &format!("{name}({d}, {d})"),
                || call(&x, &y),
                reference(d, &a, &b),
            );
        }
    }
}

#[test]
fn every_unary_operation_and_reduction_over_every_dtype() {
    for d in DTYPES {
        let (a, _) = operands(d);
        let x = tensor(d, a);
        for (name, call, reference) in unary_cases() {
            check(&format!("{name}({d})"), || call(&x), reference(d, &a));
        }
    }
}

/// NumPy's wrapping at the edges of int64 and uint32, and the reductions past them.
#[test]
fn integers_wrap_at_their_limits() {
    let i = |v: Vec<i64>| Tensor::from(v);
    let u = |v: Vec<u32>| Tensor::from_vec(v.clone(), &[v.len()]);
    let as_i64 = |t: Tensor| t.to_ndarray::<i64>().into_raw_vec_and_offset().0;
    let as_u32 = |t: Tensor| t.to_ndarray::<u32>().into_raw_vec_and_offset().0;
    assert_eq!(as_i64(-i(vec![i64::MIN, 5])), vec![i64::MIN, -5]);
    assert_eq!(as_u32(-u(vec![1, 0])), vec![u32::MAX, 0]);
    assert_eq!(as_u32(u(vec![0]) - u(vec![1])), vec![u32::MAX]);
    assert_eq!(as_u32(u(vec![u32::MAX]) + u(vec![1])), vec![0]);
    assert_eq!(as_u32(u(vec![1 << 16]) * u(vec![1 << 16])), vec![0]);
    assert_eq!(as_i64(i(vec![i64::MAX]) * 2), vec![-2]);
    // uint32 sums count in int64 (NumPy: uint64), so they do not wrap at 2³².
    let s = u(vec![u32::MAX, 1]).sum();
    assert_eq!((s.dtype(), as_i64(s)), (DType::I64, vec![1 << 32]));
    assert_eq!(as_i64(u(vec![1 << 16, 1 << 16]).prod()), vec![1 << 32]);
    assert_eq!(as_u32(u(vec![3, u32::MAX, 0]).max()), vec![u32::MAX]);
    assert_eq!(as_u32(u(vec![3, u32::MAX, 0]).min()), vec![0]);
    // int64 sums wrap, as NumPy's, in debug and release builds alike.
    assert_eq!(as_i64(i(vec![i64::MAX, 1]).sum()), vec![i64::MIN]);
    assert_eq!(
        as_i64(i(vec![i64::MAX, 1]).cumsum(0)),
        vec![i64::MAX, i64::MIN]
    );
    // astype wraps integers into uint32, as NumPy's.
    assert_eq!(
        as_u32(i(vec![-1, 1 << 32]).astype(DType::U32)),
        vec![u32::MAX, 0]
    );
}

/// The refusals name the operation, the dtype, what works, and the conversion.
#[test]
fn refusals_explain_the_fix() {
    let t = Tensor::from(vec![true, false]);
    assert_eq!(
        t.try_sub(&t).unwrap_err().to_string(),
        "sub: not defined for bool (defined for float32, float64, int64, uint32); \
         convert with .astype(DType::I64)"
    );
    assert_eq!(
        t.try_neg().unwrap_err().to_string(),
        "neg: not defined for bool (defined for float32, float64, int64, uint32); \
         convert with .astype(DType::I64)"
    );
    // The panicking forms carry the same message.
    let p = catch_unwind(|| -Tensor::from(vec![true])).expect_err("-bool panics");
    let msg = p.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(msg.starts_with("neg: not defined for bool"), "{msg}");
}
