//! The random programs: a seeded [`Rng`], the operations, [`Expr`] trees and
//! [`Program`]s, and their eager interpretation (plus the Rust code they print as).

use ferrograd::{np, DType, Tensor};

// ---- a deterministic random source ---------------------------------------------------------

/// xorshift64*, seeded through splitmix64.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Rng((z ^ (z >> 31)) | 1)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// Uniform in `[0, 1)`.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub(crate) fn pick<T: Clone>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())].clone()
    }

    /// One of `xs`, with probability proportional to its weight.
    pub(crate) fn weighted<T: Clone>(&mut self, xs: &[(usize, T)]) -> T {
        let total: usize = xs.iter().map(|(w, _)| w).sum();
        let mut r = self.below(total);
        for (w, x) in xs {
            if r < *w {
                return x.clone();
            }
            r -= w;
        }
        unreachable!("r < total")
    }

    /// A value in [-2, 2]: continuous, or (`quantized`) a multiple of 0.5, so that ties,
    /// exact zeros and equal comparisons happen.
    fn value(&mut self, quantized: bool) -> f64 {
        if quantized {
            (self.below(9) as f64 - 4.0) * 0.5
        } else {
            4.0 * self.unit() - 2.0
        }
    }
}

// ---- programs --------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Un {
    Exp,
    Sin,
    Cos,
    Tanh,
    /// `log(|x| + 1)`
    LogAbs1,
    /// `sqrt(|x|)`
    SqrtAbs,
    Neg,
    Square,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Bin {
    Add,
    Sub,
    Mul,
    /// `a / (b * b + 1)`
    DivSq,
    /// `a / (|b| + 0.5)`
    DivAbs,
    Max,
    Min,
}

/// An operation with a Rust `f64` operand (weakly typed: f32 programs stay f32).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Sc {
    Add,
    Sub,
    /// `c - x`
    RSub,
    Mul,
    Div,
    Max,
    Min,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Red {
    Sum,
    Mean,
    /// `sum_axis(0)`
    Axis0,
    /// `sum_axis(-1)`
    AxisLast,
}

#[derive(Debug, Clone)]
pub(crate) enum Rhs {
    Expr(Box<Expr>),
    Scalar(f64),
}

#[derive(Debug, Clone)]
pub(crate) enum Expr {
    Input(usize),
    /// An earlier `let` of the program.
    Let(usize),
    /// A captured constant array of the program's dtype, its values drawn from `seed`.
    Const {
        shape: Vec<usize>,
        seed: u64,
    },
    Un(Un, Box<Expr>),
    Bin(Bin, Box<Expr>, Box<Expr>),
    Scalar(Sc, Box<Expr>, f64),
    Reduce(Red, Box<Expr>),
    Matmul(Box<Expr>, Box<Expr>),
    /// `.t()`
    T(Box<Expr>),
    Reshape(Vec<usize>, Box<Expr>),
    /// `np::where_(&lhs.cmp(rhs), &then, &other)`
    Where {
        cmp: Cmp,
        lhs: Box<Expr>,
        rhs: Rhs,
        then: Box<Expr>,
        other: Box<Expr>,
    },
}

/// `let v{i} = lets[i]` in order, returning `v{outputs[k]}`.
#[derive(Debug, Clone)]
pub(crate) struct Program {
    pub(crate) dtype: DType,
    pub(crate) inputs: Vec<Vec<usize>>,
    pub(crate) lets: Vec<Expr>,
    pub(crate) outputs: Vec<usize>,
}

/// A captured constant: the same values at every call, eager or staged.
fn constant(shape: &[usize], seed: u64, dtype: DType) -> Tensor {
    let mut rng = Rng::new(seed);
    let quantized = seed.is_multiple_of(3);
    let size = shape.iter().product();
    let v: Vec<f64> = (0..size).map(|_| rng.value(quantized)).collect();
    cast(Tensor::from_vec(v, shape), dtype)
}

fn cast(t: Tensor, dtype: DType) -> Tensor {
    if dtype == DType::F64 {
        t
    } else {
        t.astype(dtype)
    }
}

fn compare(cmp: Cmp, a: &Tensor, b: &Tensor) -> Tensor {
    match cmp {
        Cmp::Lt => a.less(b),
        Cmp::Le => a.less_equal(b),
        Cmp::Gt => a.greater(b),
        Cmp::Ge => a.greater_equal(b),
    }
}

fn compare_scalar(cmp: Cmp, a: &Tensor, c: f64) -> Tensor {
    match cmp {
        Cmp::Lt => a.less(c),
        Cmp::Le => a.less_equal(c),
        Cmp::Gt => a.greater(c),
        Cmp::Ge => a.greater_equal(c),
    }
}

impl Expr {
    fn eval(&self, dtype: DType, xs: &[Tensor], lets: &[Tensor]) -> Tensor {
        let ev = |e: &Expr| e.eval(dtype, xs, lets);
        match self {
            Expr::Input(i) => xs[*i].clone(),
            Expr::Let(i) => lets[*i].clone(),
            Expr::Const { shape, seed } => constant(shape, *seed, dtype),
            Expr::Un(u, x) => {
                let x = ev(x);
                match u {
                    Un::Exp => x.exp(),
                    Un::Sin => x.sin(),
                    Un::Cos => x.cos(),
                    Un::Tanh => x.tanh(),
                    Un::LogAbs1 => (x.abs() + 1.0).log(),
                    Un::SqrtAbs => x.abs().sqrt(),
                    Un::Neg => -&x,
                    Un::Square => x.square(),
                }
            }
            Expr::Bin(b, x, y) => {
                let (x, y) = (ev(x), ev(y));
                match b {
                    Bin::Add => &x + &y,
                    Bin::Sub => &x - &y,
                    Bin::Mul => &x * &y,
                    Bin::DivSq => &x / (&y * &y + 1.0),
                    Bin::DivAbs => &x / (y.abs() + 0.5),
                    Bin::Max => x.maximum(&y),
                    Bin::Min => x.minimum(&y),
                }
            }
            Expr::Scalar(s, x, c) => {
                let (x, c) = (ev(x), *c);
                match s {
                    Sc::Add => &x + c,
                    Sc::Sub => &x - c,
                    Sc::RSub => c - &x,
                    Sc::Mul => &x * c,
                    Sc::Div => &x / c,
                    Sc::Max => x.maximum(c),
                    Sc::Min => x.minimum(c),
                }
            }
            Expr::Reduce(r, x) => {
                let x = ev(x);
                match r {
                    Red::Sum => x.sum(),
                    Red::Mean => x.mean(),
                    Red::Axis0 => x.sum_axis(0),
                    Red::AxisLast => x.sum_axis(-1),
                }
            }
            Expr::Matmul(a, b) => ev(a).matmul(&ev(b)),
            Expr::T(x) => ev(x).t(),
            Expr::Reshape(shape, x) => {
                let s: Vec<i64> = shape.iter().map(|&d| d as i64).collect();
                ev(x).reshape(&s)
            }
            Expr::Where {
                cmp,
                lhs,
                rhs,
                then,
                other,
            } => {
                let l = ev(lhs);
                let cond = match rhs {
                    Rhs::Expr(r) => compare(*cmp, &l, &ev(r)),
                    Rhs::Scalar(c) => compare_scalar(*cmp, &l, *c),
                };
                np::where_(&cond, ev(then), ev(other))
            }
        }
    }

    /// Rust code for the expression (`x{i}` inputs, `v{i}` lets, `constant` as in this file).
    fn code(&self, dtype: DType) -> String {
        let c = |e: &Expr| e.code(dtype);
        match self {
            Expr::Input(i) => format!("x{i}"),
            Expr::Let(i) => format!("v{i}"),
            Expr::Const { shape, seed } => {
                format!("constant(&{shape:?}, {seed}, DType::{dtype:?})")
            }
            Expr::Un(u, x) => {
                let x = c(x);
                match u {
                    Un::Exp => format!("{x}.exp()"),
                    Un::Sin => format!("{x}.sin()"),
                    Un::Cos => format!("{x}.cos()"),
                    Un::Tanh => format!("{x}.tanh()"),
                    Un::LogAbs1 => format!("({x}.abs() + 1.0).log()"),
                    Un::SqrtAbs => format!("{x}.abs().sqrt()"),
                    Un::Neg => format!("(-&{x})"),
                    Un::Square => format!("{x}.square()"),
                }
            }
            Expr::Bin(b, x, y) => {
                let (x, y) = (c(x), c(y));
                match b {
                    Bin::Add => format!("(&{x} + &{y})"),
                    Bin::Sub => format!("(&{x} - &{y})"),
                    Bin::Mul => format!("(&{x} * &{y})"),
                    Bin::DivSq => format!("(&{x} / (&{y} * &{y} + 1.0))"),
                    Bin::DivAbs => format!("(&{x} / ({y}.abs() + 0.5))"),
                    Bin::Max => format!("{x}.maximum(&{y})"),
                    Bin::Min => format!("{x}.minimum(&{y})"),
                }
            }
            Expr::Scalar(s, x, k) => {
                let x = c(x);
                match s {
                    Sc::Add => format!("(&{x} + {k:?})"),
                    Sc::Sub => format!("(&{x} - {k:?})"),
                    Sc::RSub => format!("({k:?} - &{x})"),
                    Sc::Mul => format!("(&{x} * {k:?})"),
                    Sc::Div => format!("(&{x} / {k:?})"),
                    Sc::Max => format!("{x}.maximum({k:?})"),
                    Sc::Min => format!("{x}.minimum({k:?})"),
                }
            }
            Expr::Reduce(r, x) => {
                let x = c(x);
                match r {
                    Red::Sum => format!("{x}.sum()"),
                    Red::Mean => format!("{x}.mean()"),
                    Red::Axis0 => format!("{x}.sum_axis(0)"),
                    Red::AxisLast => format!("{x}.sum_axis(-1)"),
                }
            }
            Expr::Matmul(a, b) => format!("{}.matmul(&{})", c(a), c(b)),
            Expr::T(x) => format!("{}.t()", c(x)),
            Expr::Reshape(shape, x) => format!("{}.reshape(&{shape:?})", c(x)),
            Expr::Where {
                cmp,
                lhs,
                rhs,
                then,
                other,
            } => {
                let method = match cmp {
                    Cmp::Lt => "less",
                    Cmp::Le => "less_equal",
                    Cmp::Gt => "greater",
                    Cmp::Ge => "greater_equal",
                };
                let rhs = match rhs {
                    Rhs::Expr(r) => format!("&{}", c(r)),
                    Rhs::Scalar(k) => format!("{k:?}"),
                };
                format!(
                    "np::where_(&{}.{method}({rhs}), &{}, &{})",
                    c(lhs),
                    c(then),
                    c(other)
                )
            }
        }
    }
}

impl Program {
    pub(crate) fn eval(&self, xs: &[Tensor]) -> Vec<Tensor> {
        let mut lets: Vec<Tensor> = Vec::with_capacity(self.lets.len());
        for e in &self.lets {
            let v = e.eval(self.dtype, xs, &lets);
            lets.push(v);
        }
        self.outputs.iter().map(|&i| lets[i].clone()).collect()
    }

    /// The program as the body of a Rust closure over `x0, x1, ...`.
    pub(crate) fn code(&self) -> String {
        let mut s = String::new();
        for (i, shape) in self.inputs.iter().enumerate() {
            s += &format!("// x{i}: {:?}{shape:?}\n", self.dtype);
        }
        for (i, e) in self.lets.iter().enumerate() {
            s += &format!("let v{i} = {};\n", e.code(self.dtype));
        }
        let outs: Vec<String> = self.outputs.iter().map(|i| format!("v{i}")).collect();
        s += &format!("vec![{}]", outs.join(", "));
        s
    }

    /// Input values drawn from `rng`, with a batch axis of `batch` in front when given.
    pub(crate) fn inputs(&self, rng: &mut Rng, batch: Option<usize>) -> Vec<Tensor> {
        let quantized = rng.chance(0.3);
        self.inputs
            .iter()
            .map(|shape| {
                let shape: Vec<usize> = batch.into_iter().chain(shape.iter().copied()).collect();
                let size = shape.iter().product();
                let v: Vec<f64> = (0..size).map(|_| rng.value(quantized)).collect();
                cast(Tensor::from_vec(v, &shape), self.dtype)
            })
            .collect()
    }
}
