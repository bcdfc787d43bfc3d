//! Rule-table rows of the control-flow primitives, each over programs traced from small
//! functions: a smooth case, and where the primitive can be linear, a linear case.

use std::rc::Rc;

use ferrograd_core::control::trace;
use ferrograd_core::prims::{Cond, Remat, Scan, While};
use ferrograd_core::program::Program;
use ferrograd_core::{lax, Aval, DType, Result, Tensor};

use super::table::{f64a, Row};
use super::Domain::{Range, SmallInts};

/// The program of `f` on inputs of `avals` (capturing nothing traced).
fn program(avals: &[Aval], f: impl FnOnce(&[Tensor]) -> Result<Vec<Tensor>>) -> Rc<Program> {
    let closed = trace(avals, f).expect("traces");
    assert!(closed.consts.is_empty());
    closed.program
}

fn index() -> Aval {
    Aval::new(&[], DType::I64)
}

/// Rows for cond, while_loop, scan and remat.
pub fn control_rows(rows: &mut Vec<Row>) {
    let r = Range(-1.5, 1.5);
    let v = f64a(&[3]);
    let two = [v.clone(), v.clone()];
    // cond: smooth branches, and branches linear in their first operand.
    let smooth = vec![
        program(&two, |x| Ok(vec![&x[0].sin() * &x[1]])),
        program(&two, |x| Ok(vec![&(&x[0] * &x[1]) + &x[1].exp()])),
        program(&two, |x| Ok(vec![x[0].tanh()])),
    ];
    let cond_inputs = vec![(index(), SmallInts), (v.clone(), r), (v.clone(), r)];
    rows.push(Row::new(
        Cond { branches: smooth },
        cond_inputs.clone(),
        &[],
    ));
    let linear = vec![
        program(&two, |x| Ok(vec![&x[0] * &x[1]])),
        program(&two, |x| Ok(vec![&(&x[0] + &x[0]) - &x[1].sin()])),
    ];
    rows.push(Row::new(Cond { branches: linear }, cond_inputs, &[&[1]]));

    // while_loop: count an int up to 3, updating a vector with a captured value each step.
    let int = index();
    let cond = program(&[int.clone(), v.clone()], |x| {
        Ok(vec![lax::lt(&x[0], &Tensor::from(3i64))?])
    });
    let body = program(&[v.clone(), int.clone(), v.clone()], |x| {
        let next = lax::add(&x[1], &Tensor::from(1i64))?;
        Ok(vec![next, &(&x[2] * &x[2].cos()) + &x[0]])
    });
    rows.push(Row::new(
        While::new(cond, body, 0, 1),
        vec![(v.clone(), r), (int, SmallInts), (v.clone(), r)],
        &[],
    ));

    // scan: a recurrent step, forwards and backwards; and one linear in (carry, xs) and in
    // the captured value.
    let seq = f64a(&[4, 3]);
    let step = program(&[v.clone(), v.clone(), v.clone()], |x| {
        let h = (&(&x[1] * &x[0]) + &x[2]).tanh();
        Ok(vec![h.clone(), &h * &x[2]])
    });
    let scan_inputs = vec![(v.clone(), r), (v.clone(), r), (seq, r)];
    for reverse in [false, true] {
        let prim = Scan {
            body: step.clone(),
            length: 4,
            reverse,
            n_consts: 1,
            n_carry: 1,
        };
        rows.push(Row::new(prim, scan_inputs.clone(), &[]));
    }
    // Linear in the carry and xs (the captured value fixed), and in the captured value and
    // the carry (the xs fixed).
    let in_carry_and_xs = program(&[v.clone(), v.clone(), v.clone()], |x| {
        let h = &(&x[1] * &x[0]) + &x[2];
        Ok(vec![h.clone(), &h * &x[0]])
    });
    let in_consts_and_carry = program(&[v.clone(), v.clone(), v.clone()], |x| {
        let h = &(&x[1] * &x[2]) + &x[0];
        Ok(vec![h.clone(), &h + &(&x[0] * &x[2])])
    });
    for (body, lin) in [(in_carry_and_xs, [1, 2]), (in_consts_and_carry, [0, 1])] {
        let prim = Scan {
            body,
            length: 4,
            reverse: true,
            n_consts: 1,
            n_carry: 1,
        };
        rows.push(Row::new(prim, scan_inputs.clone(), &[&lin]));
    }

    // remat: a smooth function, and a linear one.
    let m = f64a(&[2, 3]);
    let pair = [m.clone(), m.clone()];
    let body = program(&pair, |x| {
        Ok(vec![&(&x[0].sin() * &x[1]) + &x[0].exp(), x[1].tanh()])
    });
    rows.push(Row::new(
        Remat { body },
        vec![(m.clone(), r), (m.clone(), r)],
        &[],
    ));
    let body = program(&pair, |x| Ok(vec![&(&x[0] + &x[0]) + &x[1]]));
    rows.push(Row::new(
        Remat { body },
        vec![(m.clone(), r), (m, r)],
        &[&[0, 1]],
    ));
}
