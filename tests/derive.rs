//! #[derive(Tree)] on named, tuple, generic structs and skipped fields.

use ferrograd::{grad, tree, Tensor, Tree, TreeDef};
use ferrograd_core::api::ok;
use ferrograd_core::lax;

fn sum(x: &Tensor) -> Tensor {
    ok(lax::reduce_sum(x, &(0..x.ndim()).collect::<Vec<_>>()))
}

#[derive(Clone, Tree)]
struct Layer(Tensor, Tensor);

#[derive(Clone, Tree)]
struct Params {
    w: Tensor,
    b: Tensor,
    layers: Vec<Layer>,
    #[tree(skip)]
    name: String,
}

#[derive(Clone, Tree)]
struct Pair<A, B> {
    first: A,
    second: B,
    #[tree(skip)]
    tag: u8,
}

#[derive(Clone, Tree)]
struct Unit;

fn params() -> Params {
    Params {
        w: Tensor::from(vec![1.0, 2.0]),
        b: Tensor::from(0.5),
        layers: vec![
            Layer(Tensor::from(3.0), Tensor::from(vec![1.0, -1.0])),
            Layer(Tensor::from(-2.0), Tensor::from(vec![0.5, 4.0])),
        ],
        name: "net".into(),
    }
}

// loss = sum(w²) + b·Σ_l a_l·sum(v_l)
fn loss(p: &Params) -> Tensor {
    let mut total = sum(&(&p.w * &p.w));
    for Layer(a, v) in &p.layers {
        total += &p.b * a * sum(v);
    }
    total
}

#[test]
fn grad_of_a_derived_struct_is_that_struct() {
    let p = params();
    let g = grad(loss)(&p);
    assert_eq!(g.w.to_vec(), vec![2.0, 4.0]);
    // d/db = 3·0 + (-2)·4.5 = -9.
    assert_eq!(g.b.item(), -9.0);
    assert_eq!(g.layers[0].0.item(), 0.0);
    assert_eq!(g.layers[0].1.to_vec(), vec![1.5, 1.5]);
    assert_eq!(g.layers[1].0.item(), 0.5 * 4.5);
    assert_eq!(g.layers[1].1.to_vec(), vec![-1.0, -1.0]);
    assert_eq!(g.name, "net");
}

#[test]
fn leaves_order_and_tree_def() {
    let p = params();
    let l = tree::leaves(&p);
    assert_eq!(l.len(), 6);
    assert_eq!(l[1].item(), 0.5);
    let TreeDef::Struct { name, fields } = p.tree_def() else {
        panic!("a struct");
    };
    assert_eq!(name, "Params");
    let names: Vec<_> = fields.iter().map(|f| f.0).collect();
    assert_eq!(names, vec!["w", "b", "layers"]);
    assert_eq!(
        Layer(Tensor::from(1.0), Tensor::from(2.0)).tree_def(),
        TreeDef::Struct {
            name: "Layer",
            fields: vec![("0", TreeDef::Leaf), ("1", TreeDef::Leaf)]
        }
    );
    assert!(tree::leaves(&Unit).is_empty());
}

#[test]
fn generic_struct() {
    let p = Pair {
        first: Tensor::from(2.0),
        second: vec![Tensor::from(3.0)],
        tag: 7,
    };
    let g = grad(|p: &Pair<Tensor, Vec<Tensor>>| &p.first * &p.second[0])(&p);
    assert_eq!((g.first.item(), g.second[0].item(), g.tag), (3.0, 2.0, 7));
}
