//! Rule-table rows for the indexing and ordering primitives. Index inputs are int64 drawn
//! from a float range and truncated, so `Range(-n, n)` exercises negative indices and small
//! ranges give repeated indices (which scatters must handle).

use ferrograd_array::kernels::GatherDims;
use ferrograd_core::prims::{Cumsum, Gather, Scatter, ScatterAdd, SearchSorted, Sort};
use ferrograd_core::{Aval, DType};

use super::table::{f64a, Row};
use super::Domain::{self, Range, SmallInts};

fn idx(shape: &[usize], lo: f64, hi: f64) -> (Aval, Domain) {
    (Aval::new(shape, DType::I64), Range(lo, hi))
}

fn val(shape: &[usize]) -> (Aval, Domain) {
    (f64a(shape), Range(-2.0, 2.0))
}

fn dims(axis: usize, batch: usize) -> GatherDims {
    GatherDims { axis, batch }
}

/// (operand shape, index shape, index range, dims) for the gather/scatter family.
type Case = (&'static [usize], &'static [usize], (f64, f64), GatherDims);

fn cases() -> Vec<Case> {
    vec![
        (&[4, 3], &[5], (-4.0, 4.0), dims(0, 0)),
        (&[3, 4], &[2, 2], (0.0, 4.0), dims(1, 0)),
        (&[2, 5, 3], &[2, 4], (0.0, 5.0), dims(1, 1)),
        (&[2, 3, 4], &[2, 3], (-4.0, 4.0), dims(2, 1)),
        (&[4], &[], (-4.0, 4.0), dims(0, 0)),
        (&[3, 2], &[0], (0.0, 3.0), dims(0, 0)),
    ]
}

fn gather_shape(x: &[usize], i: &[usize], d: GatherDims) -> Vec<usize> {
    d.out_shape("table", x, i).expect("valid case")
}

pub fn indexing_rows(rows: &mut Vec<Row>) {
    for (x, i, (lo, hi), d) in cases() {
        rows.push(Row::new(
            Gather { dims: d },
            vec![val(x), idx(i, lo, hi)],
            &[&[0]],
        ));
        let u = gather_shape(x, i, d);
        let ins = vec![val(x), idx(i, lo, hi), val(&u)];
        let lin: &[&[usize]] = &[&[0, 2], &[0], &[2]];
        rows.push(Row::new(ScatterAdd { dims: d }, ins.clone(), lin));
        rows.push(Row::new(Scatter { dims: d }, ins, lin));
    }
    let scans: &[(&[usize], usize, bool)] = &[
        (&[2, 3], 1, false),
        (&[4], 0, true),
        (&[3, 2, 2], 0, false),
        (&[0, 3], 0, true),
    ];
    for &(s, axis, reverse) in scans {
        rows.push(Row::new(Cumsum { axis, reverse }, vec![val(s)], &[&[0]]));
    }
    let sorts: &[(&[usize], usize, bool)] = &[
        (&[5], 0, false),
        (&[3, 4], 0, true),
        (&[2, 3, 2], 1, false),
        (&[2, 0], 1, true),
    ];
    for &(s, axis, descending) in sorts {
        rows.push(Row::new(Sort { axis, descending }, vec![val(s)], &[]));
    }
    for (a, v) in [(&[5][..], &[3][..]), (&[2, 4], &[2, 3]), (&[0], &[2])] {
        for right in [false, true] {
            let ins = vec![(f64a(a), SmallInts), (f64a(v), SmallInts)];
            rows.push(Row::new(SearchSorted { right }, ins, &[]).not_smooth());
        }
    }
}
