//! `np::einsum` against explicit matmul / sum / transpose compositions (and NumPy values by
//! hand), its error messages, and `check_grads` in both modes to order 2; `np::tensordot`.

use ferrograd::{check_grads, np, DType, Tensor};

fn wavy(shape: &[usize], phase: f64) -> Tensor {
    let n: usize = shape.iter().product();
    Tensor::from_vec(
        (0..n).map(|i| (0.7 * i as f64 + phase).sin()).collect(),
        shape,
    )
}

fn close(a: &Tensor, b: &Tensor) {
    assert_eq!(a.shape(), b.shape(), "shapes");
    for (x, y) in a.to_vec().iter().zip(b.to_vec()) {
        assert!((x - y).abs() < 1e-12, "{x} vs {y}");
    }
}

#[test]
fn two_operand_forms_match_compositions() {
    let (a, b) = (wavy(&[3, 4], 0.1), wavy(&[4, 5], 0.2));
    close(&np::einsum("ij,jk->ik", &[&a, &b]), &a.matmul(&b));
    close(&np::einsum("ij,jk", &[&a, &b]), &a.matmul(&b));
    // Implicit output is sorted: 'ij,jk' with labels renamed so the output order flips.
    close(&np::einsum("kj,ji", &[&a, &b]), &a.matmul(&b).transpose());
    let c = wavy(&[5, 4], 0.3);
    // 'ik,jk->j': sum over i of A, then B @ that.
    let want = c.matmul(&np::sum_axis(&a, 0));
    close(&np::einsum("ik,jk->j", &[&a, &c]), &want);
    let (u, v) = (wavy(&[4], 0.4), wavy(&[3], 0.5));
    close(&np::einsum("i,i->", &[&u, &u]), &np::dot(&u, &u));
    close(&np::einsum("i,i", &[&u, &u]), &np::dot(&u, &u));
    close(&np::einsum("i,j->ij", &[&u, &v]), &np::outer(&u, &v));
    close(&np::einsum("ij,ij->ij", &[&a, &a]), &(&a * &a));
    close(&np::einsum("ij,j->i", &[&a, &u]), &a.matmul(&u));
}

#[test]
fn single_operand_forms() {
    let m = Tensor::from_vec((0..9).map(f64::from).collect(), &[3, 3]);
    assert_eq!(np::einsum("ii->i", &[&m]).to_vec(), vec![0.0, 4.0, 8.0]);
    assert_eq!(np::einsum("ii", &[&m]).item(), 12.0);
    assert_eq!(np::einsum("ij->ji", &[&m]).to_vec(), m.transpose().to_vec());
    assert_eq!(np::einsum("ij->", &[&m]).item(), 36.0);
    assert_eq!(np::einsum("ij->j", &[&m]).to_vec(), vec![9.0, 12.0, 15.0]);
    assert_eq!(np::einsum("ij", &[&m]).to_vec(), m.to_vec());
    assert_eq!(np::einsum("ji", &[&m]).to_vec(), m.transpose().to_vec());
    // 'iji->j' on a 2×2×2 cube: x[i, j, i] summed over i.
    let cube = Tensor::from_vec((0..8).map(f64::from).collect(), &[2, 2, 2]);
    assert_eq!(
        np::einsum("iji->j", &[&cube]).to_vec(),
        vec![0.0 + 5.0, 2.0 + 7.0]
    );
    assert_eq!(np::einsum("iii", &[&cube]).item(), 7.0);
    assert_eq!(np::einsum("", &[&Tensor::from(3.0)]).item(), 3.0);
}

#[test]
fn batched_ellipsis_and_higher_rank() {
    let (a, b) = (wavy(&[2, 3, 4], 0.1), wavy(&[2, 4, 5], 0.2));
    close(&np::einsum("bij,bjk->bik", &[&a, &b]), &a.matmul(&b));
    close(&np::einsum("...ij,...jk->...ik", &[&a, &b]), &a.matmul(&b));
    // Ellipsis broadcasting: a [2,3,4] stack against one [4,5] matrix.
    let w = wavy(&[4, 5], 0.3);
    close(&np::einsum("...ij,jk->...ik", &[&a, &w]), &a.matmul(&w));
    // Size-1 ellipsis axes broadcast.
    let one = wavy(&[1, 4, 5], 0.3);
    close(
        &np::einsum("...ij,...jk->...ik", &[&a, &one]),
        &a.matmul(&one),
    );
    // Implicit output puts the ellipsis first.
    close(
        &np::einsum("...j,j", &[&a, &wavy(&[4], 0.0)]),
        &a.matmul(&wavy(&[4], 0.0)),
    );
    close(&np::einsum("ijk,kl->ijl", &[&a, &w]), &a.matmul(&w));
    // Batch axes in the middle, output permuted.
    let t = np::einsum("ibj,bjk->kbi", &[&a.permute([1, 0, 2]), &b]);
    close(&t, &a.matmul(&b).permute([2, 0, 1]));
}

#[test]
fn three_operands() {
    let (a, b, c) = (wavy(&[3, 4], 0.1), wavy(&[4, 5], 0.2), wavy(&[5, 2], 0.3));
    close(
        &np::einsum("ij,jk,kl->il", &[&a, &b, &c]),
        &a.matmul(&b).matmul(&c),
    );
    let (u, v) = (wavy(&[3], 0.4), wavy(&[4], 0.5));
    // u^T A v
    close(
        &np::einsum("i,ij,j->", &[&u, &a, &v]),
        &np::dot(&u, &a.matmul(&v)),
    );
    // A label shared by all three: sum_j a[i,j] b[j,k] v[j]
    let want = (&a * &v).matmul(&b);
    close(&np::einsum("ij,jk,j->ik", &[&a, &b, &v]), &want);
}

#[test]
fn dtypes_and_empty() {
    let a = wavy(&[2, 3], 0.1).astype(DType::F32);
    let b = wavy(&[3, 2], 0.2).astype(DType::F32);
    let r = np::einsum("ij,jk->ik", &[&a, &b]);
    assert_eq!(r.dtype(), DType::F32);
    let want = a.matmul(&b).to_vec();
    for (x, y) in r.to_vec().iter().zip(want) {
        assert!((x - y).abs() < 1e-6);
    }
    let e = np::einsum(
        "ij,jk->ik",
        &[
            &Tensor::from_vec(Vec::<f64>::new(), &[2, 0]),
            &Tensor::from_vec(Vec::<f64>::new(), &[0, 3]),
        ],
    );
    assert_eq!((e.shape(), e.to_vec()), (&[2usize, 3][..], vec![0.0; 6]));
    let i = Tensor::from_vec(vec![1i64, 2, 3, 4], &[2, 2]);
    assert_eq!(np::einsum("ii", &[&i]).item(), 5.0);
}

#[test]
fn gradients_both_modes_order_two() {
    let cases: &[(&str, &[&[usize]])] = &[
        ("ij,jk->ik", &[&[2, 3], &[3, 2]]),
        ("ii->i", &[&[3, 3]]),
        ("ii", &[&[3, 3]]),
        ("ij->ji", &[&[2, 3]]),
        ("bij,bjk->bik", &[&[2, 2, 3], &[2, 3, 2]]),
        ("...ij,...jk->...ik", &[&[2, 2, 3], &[3, 2]]),
        ("i,i->", &[&[3], &[3]]),
        ("i,j->ij", &[&[3], &[2]]),
        ("ik,jk->j", &[&[2, 3], &[4, 3]]),
        ("ijk,kl->ijl", &[&[2, 2, 3], &[3, 2]]),
        ("ij,jk,kl->il", &[&[2, 3], &[3, 2], &[2, 2]]),
    ];
    for &(sub, shapes) in cases {
        let xs: Vec<Tensor> = shapes
            .iter()
            .enumerate()
            .map(|(k, s)| wavy(s, 0.3 * k as f64))
            .collect();
        let f = |xs: &Vec<Tensor>| {
            let refs: Vec<&Tensor> = xs.iter().collect();
            // Squared, so the second derivative is not trivially zero.
            let y = np::einsum(sub, &refs);
            &y * &y
        };
        check_grads(f, &xs, 2).unwrap_or_else(|e| panic!("{sub}: {e}"));
    }
}

#[test]
#[should_panic(expected = "'ij,jk' names 2 operands but 1 were given")]
fn operand_count() {
    np::einsum("ij,jk", &[&wavy(&[2, 2], 0.0)]);
}

#[test]
#[should_panic(expected = "subscripts 'ijk' do not fit an operand with 2 axes")]
fn rank_mismatch() {
    np::einsum("ijk", &[&wavy(&[2, 2], 0.0)]);
}

#[test]
#[should_panic(expected = "subscript 'j' has length 3 in one operand and 4 in another")]
fn length_mismatch() {
    np::einsum("ij,jk", &[&wavy(&[2, 3], 0.0), &wavy(&[4, 2], 0.0)]);
}

#[test]
#[should_panic(expected = "output subscript 'z' of 'ij->z' is in no operand")]
fn unknown_output() {
    np::einsum("ij->z", &[&wavy(&[2, 3], 0.0)]);
}

#[test]
#[should_panic(expected = "'1' in 'i1' is not a subscript")]
fn bad_character() {
    np::einsum("i1", &[&wavy(&[2, 3], 0.0)]);
}

#[test]
fn tensordot_forms() {
    let (a, b) = (wavy(&[2, 3, 4], 0.1), wavy(&[3, 4, 5], 0.2));
    close(
        &np::tensordot(&a, &b, 2),
        &np::einsum("ijk,jkl->il", &[&a, &b]),
    );
    close(
        &np::tensordot(&a, &b, ([1, -1], [0, 1])),
        &np::einsum("ijk,jkl->il", &[&a, &b]),
    );
    close(
        &np::tensordot(&a, &b, 0),
        &np::einsum("ijk,lmn->ijklmn", &[&a, &b]),
    );
    let (m, n) = (wavy(&[3, 2], 0.3), wavy(&[3, 4], 0.4));
    close(
        &np::tensordot(&m, &n, ([0], [0])),
        &m.transpose().matmul(&n),
    );
    check_grads(
        |p: &(Tensor, Tensor)| np::tensordot(&p.0, &p.1, 1).sin(),
        &(m.transpose(), n.clone()),
        2,
    )
    .unwrap();
}

#[test]
#[should_panic(expected = "(length 2) cannot contract with axis 0 of shape [3, 4] (length 3)")]
fn tensordot_lengths() {
    np::tensordot(&wavy(&[3, 2], 0.0), &wavy(&[3, 4], 0.0), 1);
}

/// Values of an int64 tensor, exactly.
fn ints(x: &Tensor) -> Vec<i64> {
    assert_eq!(x.dtype(), ferrograd::DType::I64, "dtype");
    x.to_ndarray::<i64>().iter().copied().collect()
}

#[test]
fn integer_operands_give_exact_int64() {
    // Entries beyond 2⁵³, where float64 rounds: every product and sum must stay exact.
    let big = (1i64 << 53) + 1;
    let a = Tensor::from_vec(vec![big, 3, -2, big + 2], &[2, 2]);
    let b = Tensor::from_vec(vec![1i64, 2, 3, -1], &[2, 2]);
    let (av, bv) = ([[big, 3], [-2, big + 2]], [[1i64, 2], [3, -1]]);
    let mm: Vec<i64> = (0..4)
        .map(|k| (0..2).map(|l| av[k / 2][l] * bv[l][k % 2]).sum())
        .collect();
    assert_eq!(ints(&np::einsum("ij,jk->ik", &[&a, &b])), mm);
    assert_eq!(ints(&np::einsum("ii", &[&a])), vec![2 * big + 2]);
    assert_eq!(ints(&np::einsum("ii->i", &[&a])), vec![big, big + 2]);
    assert_eq!(ints(&np::einsum("ij->j", &[&a])), vec![big - 2, big + 5]);
    assert_eq!(ints(&np::einsum("ij,ij->", &[&a, &a])).len(), 1);
    let v = Tensor::from_vec(vec![big, 1], &[2]);
    assert_eq!(
        ints(&np::einsum("i,i", &[&v, &v])),
        vec![big.wrapping_mul(big) + 1]
    );
    // Three operands and a batch: 'bij,bjk,k->bi'.
    let c = Tensor::from_vec((0..8).map(|x| x - 3).collect::<Vec<i64>>(), &[2, 2, 2]);
    let w = Tensor::from_vec(vec![1i64 << 40, 1], &[2]);
    let y = ints(&np::einsum("bij,bjk,k->bi", &[&c, &c, &w]));
    let cv: Vec<i64> = (0..8).map(|x| x - 3).collect();
    let at = |b: usize, i: usize, j: usize| cv[b * 4 + i * 2 + j];
    let want: Vec<i64> = (0..4)
        .map(|bi| {
            let (b, i) = (bi / 2, bi % 2);
            (0..2)
                .map(|k| {
                    (0..2).map(|j| at(b, i, j) * at(b, j, k)).sum::<i64>() * [1i64 << 40, 1][k]
                })
                .sum()
        })
        .collect();
    assert_eq!(y, want);
    // Bool: whether any product is true; a float operand makes the result float.
    let t = Tensor::from_vec(vec![true, false, false, false], &[2, 2]);
    let y = np::einsum("ij,jk->ik", &[&t, &t]);
    assert_eq!(
        (y.dtype(), y.to_vec()),
        (ferrograd::DType::Bool, vec![1.0, 0.0, 0.0, 0.0])
    );
    let f = np::einsum(
        "ij,jk->ik",
        &[&b, &Tensor::from_vec(vec![0.5f64, 0.0, 0.0, 0.5], &[2, 2])],
    );
    assert_eq!(
        (f.dtype(), f.to_vec()),
        (ferrograd::DType::F64, vec![0.5, 1.0, 1.5, -0.5])
    );
}
