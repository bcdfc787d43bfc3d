//! Differentiable assignment: `at().set/add/mul` and the in-place `set`, with gradients to the
//! array and to the written values derived by hand (including repeated indices), the
//! tutorial's `vals[i] = A[i,:] @ x` loop against Aᵀ·(dL/dvals), forward mode, and errors.

use ferrograd::{check_grads, grad, jvp, np, Idx, Tensor};

fn t(v: &[f64]) -> Tensor {
    Tensor::from(v.to_vec())
}

const W: [f64; 5] = [1.0, 2.0, 3.0, 4.0, 5.0];

/// f(x, v) = Σ w ⊙ update(x, idx, v) with idx = [1, 3, 1] (position 1 written twice).
fn loss(op: &'static str) -> impl Fn(&(Tensor, Tensor)) -> Tensor {
    move |(x, v): &(Tensor, Tensor)| {
        let idx = Tensor::from(vec![1i64, 3, -4]);
        let at = x.at(&idx);
        let y = match op {
            "set" => at.set(v),
            "add" => at.add(v),
            _ => at.mul(v),
        };
        (y * t(&W)).sum()
    }
}

#[test]
fn set_gradients_with_repeats() {
    let (x, v) = (t(&[0.5, -1.0, 2.0, 3.0, 1.5]), t(&[10.0, 20.0, 30.0]));
    let y = x.at(Tensor::from(vec![1i64, 3, -4])).set(&v);
    // the last write to position 1 (v[2]) wins
    assert_eq!(y.to_vec(), vec![0.5, 30.0, 2.0, 20.0, 1.5]);
    let (gx, gv) = grad(loss("set"))(&(x.clone(), v.clone()));
    assert_eq!(gx.to_vec(), vec![1.0, 0.0, 3.0, 0.0, 5.0]);
    assert_eq!(gv.to_vec(), vec![0.0, 4.0, 2.0]);
    check_grads(loss("set"), &(x, v), 2).unwrap();
}

#[test]
fn add_gradients_with_repeats() {
    let (x, v) = (t(&[0.5, -1.0, 2.0, 3.0, 1.5]), t(&[10.0, 20.0, 30.0]));
    let y = x.at(Tensor::from(vec![1i64, 3, 1])).add(&v);
    assert_eq!(y.to_vec(), vec![0.5, 39.0, 2.0, 23.0, 1.5]);
    let (gx, gv) = grad(loss("add"))(&(x.clone(), v.clone()));
    assert_eq!(gx.to_vec(), W.to_vec());
    assert_eq!(gv.to_vec(), vec![2.0, 4.0, 2.0]);
    check_grads(loss("add"), &(x, v), 2).unwrap();
}

#[test]
fn mul_gradients_with_repeats_and_zeros() {
    let (x, v) = (t(&[0.5, -1.0, 2.0, 3.0, 1.5]), t(&[2.0, 0.0, -3.0]));
    let y = x.at(Tensor::from(vec![1i64, 3, 1])).mul(&v);
    assert_eq!(y.to_vec(), vec![0.5, 6.0, 2.0, 0.0, 1.5]);
    let (gx, gv) = grad(loss("mul"))(&(x.clone(), v.clone()));
    // ∂/∂x₁ = w₁ v₀ v₂, ∂/∂x₃ = w₃ v₁; ∂/∂v₀ = w₁ x₁ v₂, ∂/∂v₁ = w₃ x₃, ∂/∂v₂ = w₁ x₁ v₀
    assert_eq!(gx.to_vec(), vec![1.0, -12.0, 3.0, 0.0, 5.0]);
    assert_eq!(gv.to_vec(), vec![6.0, 12.0, -4.0]);
    check_grads(loss("mul"), &(x, v), 2).unwrap();
}

#[test]
fn slices_and_broadcast_values() {
    let x = np::zeros(&[3, 4]);
    let y = x
        .at(&[Idx::step(.., -2), Idx::range(1..3)])
        .set(t(&[7.0, 8.0]));
    assert_eq!(
        y.to_vec(),
        vec![0., 7., 8., 0., 0., 0., 0., 0., 0., 7., 8., 0.]
    );
    // d/dv of Σ x.at[::-2, 1:3].set(v) with v broadcast over 2 rows: 2 per element
    let f = |(x, v): &(Tensor, Tensor)| {
        let y = x.at(&[Idx::step(.., -2), Idx::range(1..3)]).set(v);
        (&y * &y).sum()
    };
    let v = t(&[7.0, 8.0]);
    let (gx, gv) = grad(f)(&(ar(&[3, 4]), v.clone()));
    assert_eq!(gv.to_vec(), vec![4.0 * 7.0, 4.0 * 8.0]);
    // overwritten elements get no gradient; the others get 2x (x[1, 0] = 1.0)
    assert_eq!(gx.to_vec()[1], 0.0);
    assert_eq!(gx.to_vec()[4], 2.0);
    check_grads(f, &(ar(&[3, 4]), v), 2).unwrap();
    // a boolean mask selection as the target
    let x = t(&[-1.0, 2.0, -3.0]);
    let y = x.at(x.less(0.0)).set(0.0);
    assert_eq!(y.to_vec(), vec![0.0, 2.0, 0.0]);
    assert_eq!(x.at(1).get().item(), 2.0);
}

fn ar(shape: &[usize]) -> Tensor {
    let n: usize = shape.iter().product();
    Tensor::from_vec((0..n).map(|v| v as f64 * 0.5 - 1.0).collect(), shape)
}

/// The autograd tutorial's `f2`: `vals[i] = A[i,:] @ x` in a loop, then `sum(vals)`.
fn f2(a: &Tensor) -> impl Fn(&Tensor) -> Tensor + '_ {
    move |x: &Tensor| {
        let n = a.shape()[0];
        let mut vals = np::zeros(&[n]);
        for i in 0..n {
            vals.set(i, a.index(i).dot(x));
        }
        vals.sum()
    }
}

#[test]
fn tutorial_assignment_loop() {
    let a = Tensor::from([[1.0, 2.0], [3.0, 4.0]]);
    let x = t(&[1.0, 2.0]);
    assert_eq!(f2(&a)(&x).item(), 16.0); // the tutorial prints 16.00
                                         // dL/dvals = 1, so the gradient is Aᵀ·1 = column sums
    assert_eq!(grad(f2(&a))(&x).to_vec(), vec![4.0, 6.0]);
    let (y, dy) = jvp(f2(&a), &x, &t(&[1.0, -1.0]));
    assert_eq!((y.item(), dy.item()), (16.0, -2.0));
    check_grads(f2(&a), &x, 2).unwrap();
}

#[test]
fn in_place_set_leaves_other_bindings() {
    let x = t(&[1.0, 2.0]);
    let mut y = x.clone();
    y.set(0, 5.0);
    assert_eq!((x.to_vec(), y.to_vec()), (vec![1.0, 2.0], vec![5.0, 2.0]));
    assert!(y.try_set(7, 1.0).is_err());
    assert_eq!(y.to_vec(), vec![5.0, 2.0]);
}

#[test]
fn assignment_errors() {
    let x = np::zeros(&[2, 3]);
    let e = x.at(0).try_set(t(&[1.0, 2.0])).unwrap_err().to_string();
    assert!(
        e.starts_with(
            "at().set: values of shape [2] cannot be broadcast to the selected shape [3]"
        ),
        "{e}"
    );
    let e = x
        .at(&[Idx::from(0), Idx::from(-4)])
        .try_add(1.0)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("index -4 is out of bounds for axis 1 with size 3"),
        "{e}"
    );
    let e = x.at(t(&[0.0])).try_mul(1.0).unwrap_err().to_string();
    assert!(e.contains("integer"), "{e}");
}

#[test]
fn masks_from_primal_values_under_grad_and_jvp() {
    // f(x) = Σ x[x > 0]², so ∇f = 2x where x > 0 and 0 elsewhere
    let f = |x: &Tensor| {
        let pos = x.index(x.greater(0.0));
        (&pos * &pos).sum()
    };
    let x = t(&[1.5, -2.0, 0.5, -0.1]);
    assert_eq!(grad(f)(&x).to_vec(), vec![3.0, 0.0, 1.0, 0.0]);
    let (_, d) = jvp(f, &x, &t(&[1.0, 1.0, 1.0, 1.0]));
    assert_eq!(d.item(), 4.0);
    check_grads(f, &x, 2).unwrap();
    // nonzero of a traced mask works through grad too
    let g = |x: &Tensor| x.take(&x.less(0.0).nonzero()[0], None).sum();
    assert_eq!(grad(g)(&x).to_vec(), vec![0.0, 1.0, 0.0, 1.0]);
}
