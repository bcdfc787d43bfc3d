//! Rule-table rows of the special functions.

use ferrograd_core::prims::special_kinds::*;
use ferrograd_core::prims::{Binary, Polygamma, Unary};

use super::table::{binary, inputs, unary, Row, ELEMENTWISE};
use super::Domain::{AwayFromZero, Range};

/// Rows for erf … hypot and polygamma (orders 0–2).
pub fn special_rows(rows: &mut Vec<Row>) {
    unary(rows, Unary(Erf), Range(-2.0, 2.0), true, false);
    unary(rows, Unary(Erfc), Range(-2.0, 2.0), true, false);
    unary(rows, Unary(ErfInv), Range(-0.9, 0.9), true, false);
    unary(rows, Unary(Ndtri), Range(0.05, 0.95), true, false);
    unary(rows, Unary(Lgamma), Range(0.3, 4.0), true, false);
    unary(rows, Unary(Digamma), Range(0.3, 4.0), true, false);
    for n in 0..3 {
        for s in ELEMENTWISE {
            rows.push(Row::new(
                Polygamma { n },
                inputs(&[s], Range(0.5, 3.0)),
                &[],
            ));
        }
    }
    let r = Range(-2.0, 2.0);
    binary(rows, Binary(Xlogy), [r, Range(0.3, 3.0)], &[]);
    binary(rows, Binary(LogAddExp), [r, r], &[]);
    let a = AwayFromZero(0.3, 2.0);
    binary(rows, Binary(Hypot), [a, a], &[]);
}
