//! The generator: builds a random, well-formed [`Program`] for a seed, tracking for each
//! value an [`Info`] (its magnitude, and how far the jit may round it from eager code).

use ferrograd::DType;

use super::program::{Bin, Cmp, Expr, Program, Red, Rhs, Rng, Sc, Un};

// ---- the generator ---------------------------------------------------------------------------

/// What the generator knows of a value: a bound on its magnitude, and `scale`, the
/// magnitude of the quantities whose sums the jit may round differently from eager code
/// (0: no reduction reaches it, so the jit must give the same bits).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Info {
    pub(crate) bound: f64,
    pub(crate) scale: f64,
}

impl Info {
    fn exact(bound: f64) -> Info {
        Info { bound, scale: 0.0 }
    }

    pub(crate) fn is_exact(&self) -> bool {
        self.scale == 0.0
    }
}

/// The scale after an operation whose inputs' differences add up to `carried`: exact stays
/// exact, otherwise one more rounding of a value up to `bound`.
fn carry(carried: f64, bound: f64) -> f64 {
    if carried > 0.0 {
        carried + bound
    } else {
        0.0
    }
}

/// Values above this bound go through `tanh`, so that nothing overflows.
const LIMIT: f64 = 1e3;

/// How a program will be checked, which decides what the generator may build.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Mode {
    Forward,
    Grad,
    Vmap,
}

struct Gen<'r> {
    rng: &'r mut Rng,
    m: usize,
    n: usize,
    inputs: Vec<Vec<usize>>,
    lets: Vec<(Vec<usize>, Info)>,
    /// Whether sums and means may appear (without them, and without matrix products, a
    /// program must match bit for bit).
    reductions: bool,
    /// Gradients are compared: no operation with a kink (abs, max, min, comparisons) is
    /// applied to a value the jit may round differently, whose derivative could flip.
    strict: bool,
    /// Operations left to place; leaves once spent.
    budget: usize,
}

/// NumPy's broadcast of two shapes.
fn broadcast(a: &[usize], b: &[usize]) -> Option<Vec<usize>> {
    let r = a.len().max(b.len());
    let at = |s: &[usize], i: usize| {
        if i + s.len() >= r {
            s[i + s.len() - r]
        } else {
            1
        }
    };
    (0..r)
        .map(|i| match (at(a, i), at(b, i)) {
            (x, y) if x == y => Some(x),
            (1, y) => Some(y),
            (x, 1) => Some(x),
            _ => None,
        })
        .collect()
}

pub(crate) fn size(shape: &[usize]) -> usize {
    shape.iter().product()
}

impl Gen<'_> {
    /// The shapes values of a program take: made of `m`, `n` and 1, of rank at most 2.
    fn family(&self) -> Vec<Vec<usize>> {
        let (m, n) = (self.m, self.n);
        let mut f = vec![
            vec![],
            vec![m],
            vec![n],
            vec![m, 1],
            vec![n, 1],
            vec![1, n],
            vec![m, n],
            vec![n, m],
            vec![m, m],
            vec![n, n],
            vec![m * n],
        ];
        f.sort();
        f.dedup();
        f
    }

    /// Whether `shape` is no larger than the program's values (`[m * n, m]` would be slow).
    fn fits(&self, shape: &[usize]) -> bool {
        size(shape) <= (self.m * self.n).max(64) * 2
    }

    /// A shape that broadcasts to `shape` (a row, a column, a scalar, or `shape` itself).
    fn sub(&mut self, shape: &[usize]) -> Vec<usize> {
        match *shape {
            [a, b] => self.rng.weighted(&[
                (5, vec![a, b]),
                (2, vec![b]),
                (2, vec![a, 1]),
                (1, vec![1, b]),
                (2, vec![]),
            ]),
            [a] => self
                .rng
                .weighted(&[(5, vec![a]), (2, vec![]), (1, vec![1])]),
            _ => shape.to_vec(),
        }
    }

    /// An expression of exactly `shape`; `exact` forbids reductions and matrix products
    /// below it (its value must be the same bits under jit).
    fn gen(&mut self, shape: &[usize], depth: usize, exact: bool) -> (Expr, Info) {
        let sums = !exact && self.reductions;
        if depth == 0 || self.budget == 0 || self.rng.chance(0.1) {
            return self.leaf(shape, exact, sums);
        }
        self.budget -= 1;
        let d = depth - 1;
        let (e, i) = match self.rng.below(19) {
            0..=3 => self.unary(shape, d, exact),
            4..=7 => self.binary(shape, d, exact),
            8..=9 => self.scalar(shape, d, exact),
            10..=11 => self.where_(shape, d, exact),
            12 => self.transpose(shape, d, exact),
            13 => match self.reshape(shape, d, exact) {
                Some(r) => r,
                None => self.unary(shape, d, exact),
            },
            14..=16 if sums => match self.reduce(shape, d) {
                Some(r) => r,
                None => self.binary(shape, d, exact),
            },
            17..=18 if !exact => match self.matmul(shape, d) {
                Some(r) => r,
                None => self.binary(shape, d, exact),
            },
            _ => self.unary(shape, d, exact),
        };
        if i.bound > LIMIT {
            let scale = carry(i.scale, 1.0);
            (Expr::Un(Un::Tanh, Box::new(e)), Info { bound: 1.0, scale })
        } else {
            (e, i)
        }
    }

    /// An input or earlier value of `shape`, one derived from an input by a transpose,
    /// reshape, broadcast or (`sums`) reduction, or a captured constant.
    fn leaf(&mut self, shape: &[usize], exact: bool, sums: bool) -> (Expr, Info) {
        let mut same: Vec<(Expr, Info)> = Vec::new();
        for (i, s) in self.inputs.iter().enumerate() {
            if s == shape {
                same.push((Expr::Input(i), Info::exact(2.0)));
            }
        }
        for (i, (s, info)) in self.lets.iter().enumerate() {
            if s == shape && (!exact || info.is_exact()) {
                same.push((Expr::Let(i), *info));
            }
        }
        if !same.is_empty() && self.rng.chance(0.85) {
            return self.rng.pick(&same);
        }
        let mut derived: Vec<(Expr, Info)> = Vec::new();
        for (i, s) in self.inputs.iter().enumerate() {
            let x = Box::new(Expr::Input(i));
            if s.len() == 2 && shape.len() == 2 && s[0] == shape[1] && s[1] == shape[0] {
                derived.push((Expr::T(x.clone()), Info::exact(2.0)));
            }
            if s != shape && size(s) == size(shape) {
                derived.push((Expr::Reshape(shape.to_vec(), x.clone()), Info::exact(2.0)));
            }
            if s != shape && broadcast(s, shape).as_deref() == Some(shape) {
                // A row, column or scalar input broadcast against a constant.
                let c = Box::new(Expr::Const {
                    shape: shape.to_vec(),
                    seed: self.rng.next_u64(),
                });
                let (op, bound) = self.rng.pick(&[(Bin::Add, 4.0), (Bin::Mul, 4.0)]);
                derived.push((Expr::Bin(op, x.clone(), c), Info::exact(bound)));
            }
            if !sums {
                continue;
            }
            let n = size(s) as f64;
            match (shape, s.as_slice()) {
                ([], _) => {
                    let r = self.rng.pick(&[Red::Sum, Red::Mean]);
                    let info = match r {
                        Red::Sum => Info {
                            bound: 2.0 * n,
                            scale: 2.0 * n + 1.0,
                        },
                        _ => Info {
                            bound: 2.0,
                            scale: 3.0,
                        },
                    };
                    derived.push((Expr::Reduce(r, x), info));
                }
                // (`sum_axis(0)` of an `[a, 0]` array with `a > 0` panics eagerly.)
                (&[d], &[a, b]) if (d == b && (b > 0 || a == 0)) || d == a => {
                    let (r, len) = if d == b && (b > 0 || a == 0) {
                        (Red::Axis0, a)
                    } else {
                        (Red::AxisLast, b)
                    };
                    let len = len as f64;
                    let info = Info {
                        bound: 2.0 * len,
                        scale: 2.0 * len + 1.0,
                    };
                    derived.push((Expr::Reduce(r, x), info));
                }
                _ => {}
            }
        }
        if derived.is_empty() || self.rng.chance(0.1) {
            let seed = self.rng.next_u64();
            let c = Expr::Const {
                shape: shape.to_vec(),
                seed,
            };
            return (c, Info::exact(2.0));
        }
        self.rng.pick(&derived)
    }

    fn unary(&mut self, shape: &[usize], d: usize, exact: bool) -> (Expr, Info) {
        let (x, i) = self.gen(shape, d, exact);
        let mut u = self.rng.pick(&[
            Un::Exp,
            Un::Sin,
            Un::Cos,
            Un::Tanh,
            Un::LogAbs1,
            Un::SqrtAbs,
            Un::Neg,
            Un::Square,
        ]);
        // sqrt has no bound on its slope at 0; abs has a kink there.
        if u == Un::SqrtAbs && !i.is_exact() {
            u = Un::LogAbs1;
        }
        if u == Un::LogAbs1 && !i.is_exact() && self.strict {
            u = Un::Tanh;
        }
        if u == Un::Exp && i.bound > 5.0 {
            u = Un::Tanh;
        }
        if u == Un::Square && i.bound > 30.0 {
            u = Un::Sin;
        }
        let b = i.bound;
        let (bound, slope) = match u {
            Un::Exp => (b.exp(), b.exp()),
            Un::Sin | Un::Tanh => (b.min(1.0), 1.0),
            Un::Cos => (1.0, 1.0),
            Un::LogAbs1 => ((b + 1.0).ln(), 1.0),
            Un::SqrtAbs => (b.sqrt(), 0.0),
            Un::Neg => (b, 1.0),
            Un::Square => (b * b, 2.0 * b),
        };
        let scale = carry(i.scale * slope, bound);
        (Expr::Un(u, Box::new(x)), Info { bound, scale })
    }

    /// A pair of shapes that broadcast to `shape`.
    fn pair(&mut self, shape: &[usize]) -> (Vec<usize>, Vec<usize>) {
        for _ in 0..10 {
            let (a, b) = (self.sub(shape), self.sub(shape));
            if broadcast(&a, &b).as_deref() == Some(shape) {
                return (a, b);
            }
        }
        let b = self.sub(shape);
        (shape.to_vec(), b)
    }

    fn binary(&mut self, shape: &[usize], d: usize, exact: bool) -> (Expr, Info) {
        let (sa, sb) = self.pair(shape);
        let (a, ia) = self.gen(&sa, d, exact);
        let (b, ib) = self.gen(&sb, d, exact);
        let mut op = self.rng.pick(&[
            Bin::Add,
            Bin::Sub,
            Bin::Mul,
            Bin::DivSq,
            Bin::DivAbs,
            Bin::Max,
            Bin::Min,
        ]);
        let both_exact = ia.is_exact() && ib.is_exact();
        if self.strict && !both_exact {
            op = match op {
                Bin::DivAbs => Bin::DivSq,
                Bin::Max | Bin::Min => Bin::Add,
                op => op,
            };
        }
        let (ba, bb, sa, sb) = (ia.bound, ib.bound, ia.scale, ib.scale);
        let (bound, carried) = match op {
            Bin::Add | Bin::Sub => (ba + bb, sa + sb),
            Bin::Mul => (ba * bb, sa * bb + sb * ba),
            // |d/db a / (b² + 1)| ≤ 0.65 |a|
            Bin::DivSq => (ba, sa + sb * ba),
            Bin::DivAbs => (2.0 * ba, 2.0 * sa + 4.0 * ba * sb),
            Bin::Max | Bin::Min => (ba.max(bb), sa.max(sb)),
        };
        let scale = carry(carried, bound);
        (
            Expr::Bin(op, Box::new(a), Box::new(b)),
            Info { bound, scale },
        )
    }

    fn scalar(&mut self, shape: &[usize], d: usize, exact: bool) -> (Expr, Info) {
        let (x, i) = self.gen(shape, d, exact);
        let c = if self.rng.chance(0.4) {
            self.rng.pick(&[0.5, 1.0, 2.0, -1.0, -0.5])
        } else {
            let c = 0.5 + 1.5 * self.rng.unit();
            if self.rng.chance(0.5) {
                -c
            } else {
                c
            }
        };
        let mut op = self.rng.pick(&[
            Sc::Add,
            Sc::Sub,
            Sc::RSub,
            Sc::Mul,
            Sc::Div,
            Sc::Max,
            Sc::Min,
        ]);
        if self.strict && !i.is_exact() && matches!(op, Sc::Max | Sc::Min) {
            op = Sc::Add;
        }
        let (b, s, a) = (i.bound, i.scale, c.abs());
        let (bound, carried) = match op {
            Sc::Add | Sc::Sub | Sc::RSub => (b + a, s),
            Sc::Mul => (b * a, s * a),
            Sc::Div => (b / a, s / a),
            Sc::Max | Sc::Min => (b.max(a), s),
        };
        let scale = carry(carried, bound);
        (Expr::Scalar(op, Box::new(x), c), Info { bound, scale })
    }

    /// `np::where_` of a comparison of values no reduction reaches (so that both sides take
    /// the same branches), broadcast with its branches to `shape`.
    fn where_(&mut self, shape: &[usize], d: usize, exact: bool) -> (Expr, Info) {
        let scalar_rhs = self.rng.chance(0.4);
        let mut shapes = [(); 4].map(|_| self.sub(shape));
        if scalar_rhs {
            shapes[1] = vec![];
        }
        let all = shapes
            .iter()
            .try_fold(Vec::new(), |acc, s| broadcast(&acc, s));
        if all.as_deref() != Some(shape) {
            shapes[2] = shape.to_vec();
        }
        let [sl, sr, st, so] = shapes;
        let cmp = self.rng.pick(&[Cmp::Lt, Cmp::Le, Cmp::Gt, Cmp::Ge]);
        let (lhs, _) = self.gen(&sl, d.saturating_sub(1), true);
        let rhs = if scalar_rhs {
            Rhs::Scalar(self.rng.pick(&[0.0, 0.5, -0.3, 1.0]))
        } else {
            Rhs::Expr(Box::new(self.gen(&sr, d.saturating_sub(1), true).0))
        };
        let (then, it) = self.gen(&st, d, exact);
        let (other, io) = self.gen(&so, d, exact);
        let info = Info {
            bound: it.bound.max(io.bound),
            scale: it.scale.max(io.scale),
        };
        let e = Expr::Where {
            cmp,
            lhs: Box::new(lhs),
            rhs,
            then: Box::new(then),
            other: Box::new(other),
        };
        (e, info)
    }

    fn transpose(&mut self, shape: &[usize], d: usize, exact: bool) -> (Expr, Info) {
        let src: Vec<usize> = shape.iter().rev().copied().collect();
        let (x, i) = self.gen(&src, d, exact);
        (Expr::T(Box::new(x)), i)
    }

    fn reshape(&mut self, shape: &[usize], d: usize, exact: bool) -> Option<(Expr, Info)> {
        let from: Vec<Vec<usize>> = self
            .family()
            .into_iter()
            .filter(|s| s != shape && size(s) == size(shape))
            .collect();
        if from.is_empty() {
            return None;
        }
        let src = self.rng.pick(&from);
        let (x, i) = self.gen(&src, d, exact);
        Some((Expr::Reshape(shape.to_vec(), Box::new(x)), i))
    }

    fn reduce(&mut self, shape: &[usize], d: usize) -> Option<(Expr, Info)> {
        let (m, n) = (self.m, self.n);
        let e = self.rng.pick(&[m, n, 1]);
        let (r, src) = match *shape {
            [] => match self.rng.below(3) {
                0 => (Red::Sum, self.rng.pick(&self.family())),
                1 => (Red::Mean, self.rng.pick(&self.family())),
                _ => (self.rng.pick(&[Red::Axis0, Red::AxisLast]), vec![e]),
            },
            // (`sum_axis(0)` of an `[e, 0]` array with `e > 0` panics eagerly.)
            [k] => match self.rng.below(2) {
                0 if k > 0 || e == 0 => (Red::Axis0, vec![e, k]),
                _ => (Red::AxisLast, vec![k, e]),
            },
            _ => return None,
        };
        if !self.fits(&src) {
            return None;
        }
        Some(self.reduce_of(r, &src, d))
    }

    /// `r` of an expression of shape `src`.
    fn reduce_of(&mut self, r: Red, src: &[usize], d: usize) -> (Expr, Info) {
        // Mostly elementwise work, which a full sum may end as part of its loop.
        let (x, i) = match self.rng.below(4) {
            0 => self.gen(src, d, false),
            1 => self.unary(src, d, false),
            2 => self.scalar(src, d, false),
            _ => self.binary(src, d, false),
        };
        let len = match r {
            Red::Sum => size(src),
            Red::Mean => 1,
            Red::Axis0 => src[0],
            Red::AxisLast => src[src.len() - 1],
        } as f64;
        let bound = i.bound * len;
        let scale = (i.scale + i.bound) * len + 1.0;
        (Expr::Reduce(r, Box::new(x)), Info { bound, scale })
    }

    fn matmul(&mut self, shape: &[usize], d: usize) -> Option<(Expr, Info)> {
        let k = self.rng.pick(&[self.m, self.n, 1]);
        let (sa, sb) = match *shape {
            [a, b] => (vec![a, k], vec![k, b]),
            [a] if self.rng.chance(0.5) => (vec![a, k], vec![k]),
            [a] => (vec![k], vec![k, a]),
            _ => (vec![k], vec![k]),
        };
        if !self.fits(&sa) || !self.fits(&sb) {
            return None;
        }
        let (a, ia) = self.gen(&sa, d, false);
        let (b, ib) = self.gen(&sb, d, false);
        // A contraction, summed in an order that may depend on its operands' memory layout
        // (fused loops write row-major; eager results of strided operands may differ).
        let kf = k as f64;
        let bound = ia.bound * ib.bound * kf;
        let scale = (ia.scale * ib.bound + ib.scale * ia.bound) * kf + bound + 1.0;
        Some((
            Expr::Matmul(Box::new(a), Box::new(b)),
            Info { bound, scale },
        ))
    }
}

/// A dimension: often small, sometimes 0 or 1, sometimes longer than a tile of a loop.
fn dim(rng: &mut Rng, large: bool) -> usize {
    match rng.below(100) {
        0..=7 => 0,
        8..=19 => 1,
        20..=79 => 2 + rng.below(4),
        _ if large && rng.chance(0.15) => 300,
        _ => 6 + rng.below(35),
    }
}

/// The program of `seed`, with the `Info` of each output.
pub(crate) fn generate(seed: u64, mode: Mode, dtype: DType) -> (Program, Vec<Info>) {
    let mut rng = Rng::new(seed);
    let large = mode == Mode::Forward && seed.is_multiple_of(40);
    let (m, n) = if large {
        // Loops long enough to split across threads, with a partial last tile.
        (300 + rng.below(3), 350 + rng.below(20))
    } else {
        let long = mode == Mode::Forward;
        (dim(&mut rng, long), dim(&mut rng, long))
    };
    let scalar_only = !large && rng.chance(0.08);
    let n_inputs = 1 + rng.below(3);
    let inputs: Vec<Vec<usize>> = (0..n_inputs)
        .map(|_| {
            if scalar_only {
                vec![]
            } else {
                rng.weighted(&[(5, vec![m, n]), (2, vec![n]), (2, vec![m, 1]), (1, vec![])])
            }
        })
        .collect();
    let reductions = large || rng.chance(0.6);
    let strict = mode == Mode::Grad;
    let n_lets = 1 + rng.below(5);
    let mut g = Gen {
        rng: &mut rng,
        m,
        n,
        inputs: inputs.clone(),
        lets: Vec::new(),
        reductions,
        strict,
        budget: 0,
    };
    let mut lets = Vec::new();
    for l in 0..n_lets {
        if large && l == 0 {
            // A sum over a whole large loop, split across threads.
            g.budget = 10;
            let r = g.rng.pick(&[Red::Sum, Red::Mean]);
            let (e, info) = g.reduce_of(r, &[m, n], 3);
            lets.push(e);
            g.lets.push((vec![], info));
            continue;
        }
        let shape = if scalar_only {
            vec![]
        } else if g.rng.chance(0.4) {
            vec![m, n]
        } else {
            let f = g.family();
            g.rng.pick(&f)
        };
        g.budget = 4 + g.rng.below(30);
        let depth = 2 + g.rng.below(5);
        let (e, info) = g.gen(&shape, depth, false);
        lets.push(e);
        g.lets.push((shape, info));
    }
    let mut outputs = vec![n_lets - 1];
    for i in 0..n_lets - 1 {
        if (large && i == 0) || g.rng.chance(0.4) {
            outputs.push(i);
        }
    }
    let infos = outputs.iter().map(|&i| g.lets[i].1).collect();
    let prog = Program {
        dtype,
        inputs,
        lets,
        outputs,
    };
    (prog, infos)
}
