//! The rule-check table: one or more rows per primitive, each a primitive instance, its input
//! avals and domains, the sets of inputs it is linear in, and whether it is differentiable.

use ferrograd_array::kernels::{Compare as Cmp, DotDims};
use ferrograd_array::shape::normalize_axes;
use ferrograd_core::prims::binary_kinds::*;
use ferrograd_core::prims::exp_log_kinds::*;
use ferrograd_core::prims::unary_kinds::*;
use ferrograd_core::prims::*;
use ferrograd_core::{Aval, DType, Primitive};

use super::table_control::control_rows;
use super::table_indexing::indexing_rows;
use super::table_linalg::linalg_rows;
use super::table_special::special_rows;
use super::Domain::{self, AwayFromZero, Bool, Range, SmallInts};

/// Primitives without a batch rule of their own, batched by the loop-and-stack fallback
/// (`interp::batch::batch_by_loop`). Every primitive has a real batch rule today.
pub const LOOP_BATCHED: &[&str] = &[];

/// One case of one primitive.
#[derive(Debug)]
pub struct Row {
    pub prim: Box<dyn Primitive>,
    pub inputs: Vec<(Aval, Domain)>,
    /// Sets of inputs in which the primitive is linear, the other inputs held constant.
    pub linear: Vec<Vec<usize>>,
    /// Differentiable: its jvp is checked against finite differences; otherwise every
    /// tangent it produces must be zero.
    pub smooth: bool,
    /// Whether it has a batch rule of its own; `false` rows are batched by the counted
    /// loop-and-stack fallback and must be listed in [`LOOP_BATCHED`].
    pub batch: bool,
}

impl Row {
    pub fn new(prim: impl Primitive, inputs: Vec<(Aval, Domain)>, linear: &[&[usize]]) -> Self {
        Row {
            prim: Box::new(prim),
            inputs,
            linear: linear.iter().map(|s| s.to_vec()).collect(),
            smooth: true,
            batch: true,
        }
    }

    pub fn not_smooth(mut self) -> Self {
        self.smooth = false;
        self
    }

    pub fn name(&self) -> &'static str {
        self.prim.name()
    }
}

pub fn f64a(shape: &[usize]) -> Aval {
    Aval::new(shape, DType::F64)
}

pub(super) fn inputs(shapes: &[&[usize]], domain: Domain) -> Vec<(Aval, Domain)> {
    shapes.iter().map(|s| (f64a(s), domain)).collect()
}

/// Elementwise primitives are checked on an ordinary shape, one with 1-sized axes, a 0-d and
/// a size-0 shape.
pub(super) const ELEMENTWISE: &[&[usize]] = &[&[2, 3], &[3, 1, 1], &[], &[0, 2]];

fn axes(axes: &[i64], rank: usize) -> Vec<usize> {
    normalize_axes("test", axes, rank).expect("valid axes")
}

pub(super) fn unary(
    rows: &mut Vec<Row>,
    p: impl Primitive + Copy,
    d: Domain,
    smooth: bool,
    lin: bool,
) {
    for s in ELEMENTWISE {
        let linear: &[&[usize]] = if lin { &[&[0]] } else { &[] };
        let row = Row::new(p, inputs(&[s], d), linear);
        rows.push(if smooth { row } else { row.not_smooth() });
    }
}

pub(super) fn binary(
    rows: &mut Vec<Row>,
    p: impl Primitive + Copy,
    d: [Domain; 2],
    linear: &[&[usize]],
) {
    for s in ELEMENTWISE {
        rows.push(Row::new(p, vec![(f64a(s), d[0]), (f64a(s), d[1])], linear));
    }
}

fn unary_rows(rows: &mut Vec<Row>) {
    unary(rows, Unary(Neg), Range(-2.0, 2.0), true, true);
    unary(rows, Unary(Exp), Range(-2.0, 2.0), true, false);
    unary(rows, Unary(Log), Range(0.2, 3.0), true, false);
    unary(rows, Unary(Log1p), Range(-0.5, 2.0), true, false);
    unary(rows, Unary(Expm1), Range(-2.0, 2.0), true, false);
    unary(rows, Unary(Exp2), Range(-2.0, 2.0), true, false);
    unary(rows, Unary(Log2), Range(0.2, 3.0), true, false);
    unary(rows, Unary(Log10), Range(0.2, 3.0), true, false);
    // Both signs: the real cube root of a negative number is checked too.
    unary(rows, Unary(Cbrt), AwayFromZero(0.3, 2.0), true, false);
    unary(rows, Unary(Sqrt), Range(0.2, 3.0), true, false);
    unary(rows, Unary(Sin), Range(-3.0, 3.0), true, false);
    unary(rows, Unary(Cos), Range(-3.0, 3.0), true, false);
    unary(rows, Unary(Tan), Range(-1.2, 1.2), true, false);
    unary(rows, Unary(Asin), Range(-0.9, 0.9), true, false);
    unary(rows, Unary(Acos), Range(-0.9, 0.9), true, false);
    unary(rows, Unary(Atan), Range(-3.0, 3.0), true, false);
    unary(rows, Unary(Sinh), Range(-2.0, 2.0), true, false);
    unary(rows, Unary(Cosh), Range(-2.0, 2.0), true, false);
    unary(rows, Unary(Tanh), Range(-2.0, 2.0), true, false);
    unary(rows, Unary(Asinh), Range(-3.0, 3.0), true, false);
    unary(rows, Unary(Acosh), Range(1.2, 3.0), true, false);
    unary(rows, Unary(Atanh), Range(-0.9, 0.9), true, false);
    unary(rows, Unary(Logistic), Range(-4.0, 4.0), true, false);
    unary(rows, Unary(Abs), AwayFromZero(0.1, 2.0), true, false);
    unary(rows, Unary(Sign), Range(-2.0, 2.0), false, false);
    unary(rows, Unary(Floor), Range(-3.0, 3.0), false, false);
    unary(rows, Unary(Ceil), Range(-3.0, 3.0), false, false);
    unary(rows, Unary(Round), Range(-3.0, 3.0), false, false);
}

fn binary_rows(rows: &mut Vec<Row>) {
    let r = Range(-2.0, 2.0);
    binary(rows, Binary(Add), [r, r], &[&[0, 1], &[0], &[1]]);
    binary(rows, Binary(Sub), [r, r], &[&[0, 1], &[0], &[1]]);
    binary(rows, Binary(Mul), [r, r], &[&[0], &[1]]);
    binary(rows, Binary(Div), [r, AwayFromZero(0.5, 2.0)], &[&[0]]);
    // |a / b| in (1.05, 1.53): trunc(a / b) = ±1, away from the jumps of rem.
    let (num, den) = (AwayFromZero(2.1, 2.3), AwayFromZero(1.5, 2.0));
    binary(rows, Binary(Rem), [num, den], &[]);
    binary(rows, Binary(Pow), [Range(0.5, 2.0), r], &[]);
    binary(rows, Binary(Max), [r, r], &[]);
    binary(rows, Binary(Min), [r, r], &[]);
    let a = AwayFromZero(0.3, 2.0);
    binary(rows, Binary(Atan2), [a, a], &[]);
    binary(rows, Binary(CopySign), [a, a], &[]);
    for cmp in [Cmp::Lt, Cmp::Le, Cmp::Gt, Cmp::Ge, Cmp::Eq, Cmp::Ne] {
        for s in ELEMENTWISE {
            rows.push(Row::new(Compare { cmp }, inputs(&[s, s], SmallInts), &[]).not_smooth());
        }
    }
    for s in ELEMENTWISE {
        let mut ins = vec![(Aval::new(s, DType::Bool), Bool)];
        ins.extend(inputs(&[s, s], r));
        rows.push(Row::new(Select, ins, &[&[1, 2], &[1], &[2]]));
    }
}

fn reduction_rows(rows: &mut Vec<Row>) {
    let r = Range(-2.0, 2.0);
    let cases: &[(&[usize], &[i64])] = &[
        (&[2, 3, 4], &[-1, 0]),
        (&[2, 3], &[-1]),
        (&[2, 3], &[0, 1]),
        (&[0, 3], &[-1]),
        (&[0, 3], &[0]),
    ];
    for &(s, ax) in cases {
        let p = ReduceSum {
            axes: axes(ax, s.len()),
        };
        rows.push(Row::new(p, inputs(&[s], r), &[&[0]]));
    }
    for max in [true, false] {
        for &(s, ax) in &cases[..3] {
            let axes = axes(ax, s.len());
            rows.push(Row::new(ReduceExtremum { axes, max }, inputs(&[s], r), &[]));
        }
        for (s, ax) in [(&[3, 4][..], -1), (&[2, 3, 4][..], 1), (&[5][..], 0)] {
            let axis = axes(&[ax], s.len())[0];
            rows.push(Row::new(ArgExtremum { axis, max }, inputs(&[s], r), &[]).not_smooth());
        }
    }
}

fn structural_rows(rows: &mut Vec<Row>) {
    let r = Range(-2.0, 2.0);
    let bcast: &[(&[usize], &[usize], &[usize])] = &[
        (&[3, 1], &[2, 3, 4], &[1, 2]),
        (&[], &[2, 3], &[]),
        (&[3], &[3, 2], &[0]),
    ];
    for &(s, shape, dims) in bcast {
        let (shape, dims) = (shape.to_vec(), dims.to_vec());
        rows.push(Row::new(
            BroadcastInDim { shape, dims },
            inputs(&[s], r),
            &[&[0]],
        ));
    }
    let reshapes: &[(&[usize], &[usize])] = &[
        (&[2, 3], &[3, 2]),
        (&[2, 3], &[6]),
        (&[0, 2], &[2, 0]),
        (&[], &[1, 1]),
    ];
    for &(s, shape) in reshapes {
        let shape = shape.to_vec();
        rows.push(Row::new(Reshape { shape }, inputs(&[s], r), &[&[0]]));
    }
    for (s, perm) in [(&[2, 3, 4][..], &[2, 0, 1][..]), (&[2, 3][..], &[1, 0][..])] {
        let perm = perm.to_vec();
        rows.push(Row::new(Transpose { perm }, inputs(&[s], r), &[&[0]]));
    }
    let slices: &[(&[usize], [&[usize]; 3])] = &[
        (&[5, 4], [&[1, 0], &[5, 3], &[2, 1]]),
        (&[4], [&[1], &[3], &[1]]),
        (&[3, 2], [&[1, 0], &[1, 2], &[1, 1]]),
    ];
    for &(s, [start, limit, stride]) in slices {
        let p = Slice {
            start: start.to_vec(),
            limit: limit.to_vec(),
            stride: stride.to_vec(),
        };
        rows.push(Row::new(p, inputs(&[s], r), &[&[0]]));
    }
    for (value, linear) in [(0.0, &[&[0usize][..]][..]), (1.5, &[][..])] {
        let p = Pad {
            lo: vec![1, 0],
            hi: vec![0, 2],
            interior: vec![1, 0],
            value,
        };
        rows.push(Row::new(p, inputs(&[&[3, 2]], r), linear));
    }
    for (s, axes) in [
        (&[3, 2][..], &[0][..]),
        (&[2, 3, 4][..], &[0, 2][..]),
        (&[0, 2][..], &[1][..]),
    ] {
        let axes = axes.to_vec();
        rows.push(Row::new(Rev { axes }, inputs(&[s], r), &[&[0]]));
    }
    rows.push(Row::new(
        Concatenate { axis: 0 },
        inputs(&[&[2, 3], &[1, 3]], r),
        &[&[0, 1], &[0]],
    ));
    rows.push(Row::new(
        Concatenate {
            axis: axes(&[-1], 2)[0],
        },
        inputs(&[&[2, 1], &[2, 2], &[2, 0]], r),
        &[&[0, 1, 2], &[1]],
    ));
}

fn dot(lc: &[usize], rc: &[usize], lb: &[usize], rb: &[usize]) -> DotGeneral {
    DotGeneral {
        dims: DotDims {
            lhs_contract: lc.to_vec(),
            rhs_contract: rc.to_vec(),
            lhs_batch: lb.to_vec(),
            rhs_batch: rb.to_vec(),
        },
    }
}

fn other_rows(rows: &mut Vec<Row>) {
    let r = Range(-2.0, 2.0);
    let lin: &[&[usize]] = &[&[0], &[1]];
    rows.push(Row::new(
        dot(&[1], &[0], &[], &[]),
        inputs(&[&[2, 3], &[3, 4]], r),
        lin,
    ));
    let batched = dot(&[2], &[1], &[0], &[0]);
    rows.push(Row::new(batched, inputs(&[&[2, 3, 4], &[2, 4, 5]], r), lin));
    rows.push(Row::new(
        dot(&[0], &[0], &[], &[]),
        inputs(&[&[3], &[3]], r),
        lin,
    ));
    rows.push(Row::new(
        dot(&[], &[], &[], &[]),
        inputs(&[&[2, 3], &[4]], r),
        lin,
    ));
    rows.push(Row::new(
        dot(&[1], &[0], &[], &[]),
        inputs(&[&[2, 0], &[0, 3]], r),
        lin,
    ));

    let to = |dtype| ConvertElementType { dtype };
    rows.push(Row::new(to(DType::F32), inputs(&[&[2, 3]], r), &[&[0]]));
    let f32_in = vec![(Aval::new(&[2, 3], DType::F32), r)];
    rows.push(Row::new(to(DType::F64), f32_in, &[&[0]]));
    rows.push(Row::new(to(DType::I64), inputs(&[&[2, 3]], Range(-3.0, 3.0)), &[]).not_smooth());

    for (n, d) in [(3, r), (-2, AwayFromZero(0.5, 2.0)), (0, r), (1, r)] {
        for s in [&[2, 3][..], &[]] {
            rows.push(Row::new(IntegerPow { n }, inputs(&[s], d), &[]));
        }
    }
    for s in ELEMENTWISE {
        rows.push(Row::new(StopGradient, inputs(&[s], r), &[]).not_smooth());
        rows.push(Row::new(CopyValue, inputs(&[s], r), &[&[0]]));
    }
}

/// Every row of the table.
pub fn rows() -> Vec<Row> {
    let mut rows = Vec::new();
    unary_rows(&mut rows);
    binary_rows(&mut rows);
    reduction_rows(&mut rows);
    structural_rows(&mut rows);
    other_rows(&mut rows);
    indexing_rows(&mut rows);
    special_rows(&mut rows);
    linalg_rows(&mut rows);
    control_rows(&mut rows);
    rows
}
