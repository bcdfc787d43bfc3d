//! Rule-table rows of the linear-algebra primitives: single matrices, batches, tall and wide
//! shapes and empty matrices, on inputs where each function is smooth (symmetric positive
//! definite for Cholesky, well-conditioned for solves and determinants). The determinant and
//! the adjugate (with its derivatives) are polynomials, smooth everywhere: they are checked at
//! singular matrices of rank n − 1 and n − 2 too.

use ferrograd_core::prims::{
    Adjugate, Cholesky, Det, Eigh, LuSolve, Qr, Slogdet, Svd, SvdFull, TriangularSolve,
};

use super::table::{inputs, Row};
use super::Domain::{Invertible, Range, RankDeficient, Spd};

/// Square shapes: one matrix, a batch, a 1×1 and an empty one.
const SQUARE: &[&[usize]] = &[&[3, 3], &[2, 3, 3], &[1, 1], &[0, 0]];
/// Any shapes: square, tall, wide, batched.
const RECT: &[&[usize]] = &[&[3, 3], &[4, 2], &[2, 4], &[2, 3, 2], &[1, 1]];

pub fn linalg_rows(rows: &mut Vec<Row>) {
    let r = Range(-2.0, 2.0);
    for s in SQUARE {
        rows.push(Row::new(Cholesky, inputs(&[s], Spd), &[]));
        rows.push(Row::new(Det, inputs(&[s], Invertible), &[]));
        rows.push(Row::new(Slogdet, inputs(&[s], Invertible), &[]));
        for order in 0..3 {
            let mut ins = inputs(&[s], Invertible);
            ins.extend(inputs(&vec![*s; order], r));
            let linear: Vec<Vec<usize>> = (1..=order).map(|k| vec![k]).collect();
            let linear: Vec<&[usize]> = linear.iter().map(Vec::as_slice).collect();
            rows.push(Row::new(Adjugate { order }, ins, &linear));
        }
        rows.push(Row::new(Eigh, inputs(&[s], r), &[]));
        // Differentiable on square matrices only (non-square: tests/linalg_extras.rs).
        rows.push(Row::new(SvdFull, inputs(&[s], r), &[]));
    }
    for s in [&[3, 3][..], &[2, 4, 4]] {
        for deficiency in [1, 2] {
            let d = RankDeficient(deficiency);
            rows.push(Row::new(Det, inputs(&[s], d), &[]));
            for order in 0..3 {
                let mut ins = inputs(&[s], d);
                ins.extend(inputs(&vec![s; order], r));
                let linear: Vec<Vec<usize>> = (1..=order).map(|k| vec![k]).collect();
                let linear: Vec<&[usize]> = linear.iter().map(Vec::as_slice).collect();
                rows.push(Row::new(Adjugate { order }, ins, &linear));
            }
        }
    }
    let systems: &[(&[usize], &[usize])] = &[
        (&[3, 3], &[3, 2]),
        (&[2, 3, 3], &[2, 3, 1]),
        (&[2, 2], &[2, 0]),
    ];
    for &(a, b) in systems {
        let mut ins = inputs(&[a], Invertible);
        ins.extend(inputs(&[b], r));
        for (transpose_a, inf_if_singular) in [(false, false), (true, false), (false, true)] {
            let p = LuSolve {
                transpose_a,
                inf_if_singular,
            };
            rows.push(Row::new(p, ins.clone(), &[&[1]]));
            if inf_if_singular {
                continue;
            }
            for lower in [true, false] {
                let p = TriangularSolve { lower, transpose_a };
                rows.push(Row::new(p, ins.clone(), &[&[1]]));
            }
        }
    }
    for s in RECT {
        rows.push(Row::new(Qr, inputs(&[s], r), &[]));
        rows.push(Row::new(Svd, inputs(&[s], r), &[]));
    }
}
