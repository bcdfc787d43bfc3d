//! `vmap` of every primitive in the rule-check table, through the batch interpreter, against
//! a loop over the batch; the loop-and-stack fallback for a primitive without a batch rule
//! (and its count); and the cost of batching: a batched primitive stays one primitive.

#[allow(dead_code)]
mod common;

use common::table::rows;
use common::{close, sample, stack, unstack_one, Rng};
use ferrograd_array::kernels::DotDims;
use ferrograd_array::Array;
use ferrograd_core::interp::batch::fallback_counts;
use ferrograd_core::interp::push;
use ferrograd_core::interp::stage::StageTrace;
use ferrograd_core::transforms::{linearize_flat, vmap_flat};
use ferrograd_core::{lax, Aval, Outs, Primitive, Result, Tangent, Tensor};

const B: usize = 3;

/// The in_axes cases tried for a primitive of `n` inputs of ranks `ranks`.
fn cases(ranks: &[usize]) -> Vec<Vec<Option<i64>>> {
    let n = ranks.len();
    let mut c = vec![
        vec![Some(0); n],
        ranks.iter().map(|&r| Some(r as i64)).collect(),
    ];
    c.push(vec![Some(-1); n]);
    if n > 1 {
        c.push(
            (0..n)
                .map(|i| if i == 0 { None } else { Some(0) })
                .collect(),
        );
        c.push(
            (0..n)
                .map(|i| {
                    if i == n - 1 {
                        None
                    } else {
                        Some(ranks[i] as i64)
                    }
                })
                .collect(),
        );
    }
    c
}

#[test]
fn vmap_of_every_primitive_matches_a_loop() {
    let mut failures = Vec::new();
    for (i, row) in rows().iter().enumerate() {
        let mut rng = Rng::new(0xBA7C_0000 ^ i as u64);
        let ranks: Vec<usize> = row.inputs.iter().map(|(a, _)| a.shape.len()).collect();
        for axes in cases(&ranks) {
            let slices: Vec<Vec<Tensor>> = (0..B)
                .map(|_| {
                    row.inputs
                        .iter()
                        .map(|(a, d)| sample(&mut rng, a, *d))
                        .collect()
                })
                .collect();
            let pos = |k: usize, a: i64| {
                if a < 0 {
                    (a + ranks[k] as i64 + 1) as usize
                } else {
                    a as usize
                }
            };
            let inputs: Vec<Tensor> = (0..ranks.len())
                .map(|k| match axes[k] {
                    Some(a) => stack(
                        &slices.iter().map(|s| s[k].clone()).collect::<Vec<_>>(),
                        pos(k, a),
                    ),
                    None => slices[0][k].clone(),
                })
                .collect();
            let f = |x: &[Tensor]| lax::bind(row.prim.as_ref(), x).map(Outs::into_vec);
            let res = vmap_flat(f, &inputs, &axes, &[Some(0)]).and_then(|outs| {
                for (k, s) in slices.iter().enumerate() {
                    let args: Vec<Tensor> = (0..s.len())
                        .map(|j| {
                            if axes[j].is_some() {
                                s[j].clone()
                            } else {
                                slices[0][j].clone()
                            }
                        })
                        .collect();
                    let want = lax::bind(row.prim.as_ref(), &args)?;
                    for (o, w) in outs.iter().zip(&want) {
                        let got = unstack_one(o, 0, k);
                        close("vmap vs loop", &got, w, 1e-12, 1e-12)
                            .map_err(|e| ferrograd_core::Error::invalid("test", e))?;
                    }
                }
                Ok(())
            });
            if let Err(e) = res {
                failures.push(format!("row {i} {:?} in_axes {axes:?}: {e}", row.prim));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `x²` without a batch rule: vmap must fall back to the loop.
#[derive(Debug, Clone)]
struct SquareNoBatch;

impl Primitive for SquareNoBatch {
    fn name(&self) -> &'static str {
        "test_square_no_batch"
    }
    fn shape_rule(&self, x: &[Aval]) -> Result<Outs<Aval>> {
        Ok(smallvec::smallvec![x[0].clone()])
    }
    fn eval(&self, x: &[&Array]) -> Result<Outs<Array>> {
        let t = Tensor::from_array(x[0].clone());
        Ok(smallvec::smallvec![lax::mul(&t, &t)?
            .as_array()
            .expect("concrete")
            .clone()])
    }
    fn jvp(&self, x: &[Tensor], t: &[Tangent]) -> Result<(Outs<Tensor>, Outs<Tangent>)> {
        let y = lax::bind1(self, &x[..1])?;
        let two_x = lax::add(&x[0], &x[0])?;
        Ok((
            smallvec::smallvec![y],
            smallvec::smallvec![lax::scale_tangent(&t[0], &two_x)?],
        ))
    }
}

fn count(name: &str) -> usize {
    fallback_counts()
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(0, |(_, c)| *c)
}

#[test]
fn primitives_without_a_batch_rule_fall_back_to_a_counted_loop() {
    let before = count("test_square_no_batch");
    let x = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]);
    let sq = |x: &[Tensor]| lax::bind(&SquareNoBatch, x).map(Outs::into_vec);
    let y = vmap_flat(sq, std::slice::from_ref(&x), &[Some(1)], &[Some(1)]).unwrap();
    assert_eq!(y[0].to_vec(), vec![1.0, 4.0, 9.0, 16.0, 25.0, 36.0]);
    assert_eq!(count("test_square_no_batch"), before + 1);
    // Its derivative under vmap (jvp inside, fallback on the primal and tangent rules' ops).
    let g = vmap_flat(
        |x: &[Tensor]| {
            let (_, lin) = linearize_flat(|v| lax::bind(&SquareNoBatch, v).map(Outs::into_vec), x)?;
            lin.transpose(&[Some(lax::scalar_like(&x[0], 1.0))])
        },
        std::slice::from_ref(&x),
        &[Some(0)],
        &[Some(0)],
    )
    .unwrap();
    assert_eq!(g[0].to_vec(), vec![2.0, 4.0, 6.0, 8.0, 10.0, 12.0]);
    // A size-0 batch uses the shape rule.
    let e = vmap_flat(
        sq,
        &[Tensor::zeros_aval(&Aval::new(&[0, 3], x.dtype()))],
        &[Some(0)],
        &[Some(0)],
    )
    .unwrap();
    assert_eq!(e[0].shape(), &[0, 3]);
    // Every primitive of the table has a batch rule of its own.
    assert!(common::table::LOOP_BATCHED.is_empty());
}

/// The primitives `f` binds when run under vmap, in order (staged, not run).
fn staged_names(
    f: impl FnOnce(&[Tensor]) -> Result<Vec<Tensor>>,
    avals: &[Aval],
    in_axes: &[Option<i64>],
) -> Vec<&'static str> {
    let (stage, _g) = push(StageTrace::new);
    let inputs: Vec<Tensor> = avals.iter().map(|a| stage.input(a.clone())).collect();
    let outs = vmap_flat(f, &inputs, in_axes, &[Some(0)]).unwrap();
    let atoms = outs.iter().map(|o| stage.atom(o)).collect();
    let prog = stage.finish(atoms);
    prog.eqns.iter().map(|e| e.prim.name()).collect()
}

#[test]
fn a_batched_matrix_product_is_one_gemm_without_broadcasts() {
    let f64a = |s: &[usize]| Aval::new(s, ferrograd_core::DType::F64);
    let mv = DotDims {
        lhs_contract: vec![1],
        rhs_contract: vec![0],
        lhs_batch: vec![],
        rhs_batch: vec![],
    };
    // W (5×4) unbatched, x batched (1000 × 4): W·x per example is one dot_general.
    let names = staged_names(
        |v| Ok(vec![lax::dot_general(&v[0], &v[1], &mv)?]),
        &[f64a(&[5, 4]), f64a(&[1000, 4])],
        &[None, Some(0)],
    );
    assert_eq!(names, vec!["dot_general", "transpose"], "{names:?}");
    // Batched lhs: no transpose needed, the batch axis is already first among free axes.
    let names = staged_names(
        |v| Ok(vec![lax::dot_general(&v[0], &v[1], &mv)?]),
        &[f64a(&[1000, 5, 4]), f64a(&[4, 3])],
        &[Some(0), None],
    );
    assert_eq!(names, vec!["dot_general"], "{names:?}");
    // An elementwise op with one unbatched operand at a shared interior batch axis: no
    // transposes, the unbatched one is broadcast (a zero-copy view).
    let names = staged_names(
        |v| Ok(vec![lax::add(&v[0], &v[1])?]),
        &[f64a(&[3, 7]), f64a(&[3])],
        &[Some(1), None],
    );
    assert_eq!(
        names,
        vec!["broadcast_in_dim", "add", "transpose"],
        "{names:?}"
    );
}

#[test]
fn dot_general_folded_batch_axes_match_loops() {
    // Contractions with the batched operand's axis in the middle, on either side.
    let mut rng = Rng::new(77);
    let r = common::Domain::Range(-1.0, 1.0);
    let a = sample(
        &mut rng,
        &Aval::new(&[2, 3, 4], ferrograd_core::DType::F64),
        r,
    );
    let b = sample(
        &mut rng,
        &Aval::new(&[2, 4, 5], ferrograd_core::DType::F64),
        r,
    );
    let d = DotDims {
        lhs_contract: vec![1],
        rhs_contract: vec![0],
        lhs_batch: vec![],
        rhs_batch: vec![],
    };
    // lhs batched along axis 1 (members 2×4), rhs (4×5) unbatched.
    let b0 = unstack_one(&b, 0, 0);
    let y = vmap_flat(
        |v| Ok(vec![lax::dot_general(&v[0], &v[1], &d)?]),
        &[a.clone(), b0.clone()],
        &[Some(1), None],
        &[Some(0)],
    )
    .unwrap();
    for k in 0..3 {
        let want = lax::dot_general(&unstack_one(&a, 1, k), &b0, &d).unwrap();
        close(
            "lhs batched",
            &unstack_one(&y[0], 0, k),
            &want,
            1e-13,
            1e-13,
        )
        .unwrap();
    }
    // rhs batched along axis 2 (members 2×4), lhs (3×2) unbatched.
    let a0 = unstack_one(&a, 2, 0).reshape(&[3, 2]);
    let y = vmap_flat(
        |v| Ok(vec![lax::dot_general(&v[0], &v[1], &d)?]),
        &[a0.clone(), b.clone()],
        &[None, Some(2)],
        &[Some(-1)],
    )
    .unwrap();
    for k in 0..5 {
        let want = lax::dot_general(&a0, &unstack_one(&b, 2, k), &d).unwrap();
        close(
            "rhs batched",
            &unstack_one(&y[0], 2, k),
            &want,
            1e-13,
            1e-13,
        )
        .unwrap();
    }
}

#[test]
fn a_batched_reshape_keeps_an_interior_batch_axis_in_place() {
    let f64a = |s: &[usize]| Aval::new(s, ferrograd_core::DType::F64);
    // Members [4, 1] batched at axis 1 ([4, B, 1]) reshaped to [4]: [4, B] with no transpose.
    let names = staged_names(
        |v| Ok(vec![lax::reshape(&v[0], &[4])?]),
        &[f64a(&[4, 7, 1])],
        &[Some(1)],
    );
    assert_eq!(names, vec!["reshape", "transpose"], "{names:?}");
    // Values, against a loop, for prefixes that match, that match through size-1 axes, and
    // that do not match (the batch axis then moves to the front).
    let mut rng = Rng::new(91);
    let r = common::Domain::Range(-1.0, 1.0);
    let cases: [(&[usize], usize, &[usize]); 5] = [
        (&[4, 3, 1], 1, &[4]),
        (&[2, 3, 3, 2], 2, &[6, 2]),
        (&[1, 1, 3, 6], 2, &[2, 3]),
        (&[2, 3, 3, 2], 2, &[3, 4]),
        (&[2, 3, 3, 2], 3, &[2, 3, 3]),
    ];
    for (shape, d, new) in cases {
        let x = sample(&mut rng, &f64a(shape), r);
        let y = vmap_flat(
            |v| Ok(vec![lax::reshape(&v[0], new)?]),
            std::slice::from_ref(&x),
            &[Some(d as i64)],
            &[Some(0)],
        )
        .unwrap();
        for k in 0..shape[d] {
            let want = lax::reshape(&unstack_one(&x, d, k), new).unwrap();
            close("reshape", &unstack_one(&y[0], 0, k), &want, 0.0, 0.0).unwrap();
        }
    }
}

#[test]
fn both_batched_contractions_small_and_large_match_loops() {
    // Small members go through one broadcast multiply (and a sum when k > 1), large ones
    // through one batched GEMM; both against a loop.
    let mut rng = Rng::new(93);
    let r = common::Domain::Range(-1.0, 1.0);
    let f64a = |s: &[usize]| Aval::new(s, ferrograd_core::DType::F64);
    let mm = DotDims {
        lhs_contract: vec![1],
        rhs_contract: vec![0],
        lhs_batch: vec![],
        rhs_batch: vec![],
    };
    // (lhs shape, rhs shape, lhs batch axis, rhs batch axis): outer product (k = 1), a small
    // product (k = 3), and one of 12·12·12 multiply-adds per member.
    let cases: [(&[usize], &[usize], usize, usize); 3] = [
        (&[5, 2, 1], &[1, 5, 4], 0, 1),
        (&[2, 3, 5], &[3, 5, 4], 2, 1),
        (&[12, 12, 4], &[4, 12, 12], 2, 0),
    ];
    for (ls, rs, la, ra) in cases {
        let a = sample(&mut rng, &f64a(ls), r);
        let b = sample(&mut rng, &f64a(rs), r);
        let y = vmap_flat(
            |v| Ok(vec![lax::dot_general(&v[0], &v[1], &mm)?]),
            &[a.clone(), b.clone()],
            &[Some(la as i64), Some(ra as i64)],
            &[Some(0)],
        )
        .unwrap();
        for k in 0..ls[la] {
            let want =
                lax::dot_general(&unstack_one(&a, la, k), &unstack_one(&b, ra, k), &mm).unwrap();
            close("dot", &unstack_one(&y[0], 0, k), &want, 1e-13, 1e-13).unwrap();
        }
    }
}
