//! NumPy shape functions: values against NumPy's (worked by hand), negative axes, 0-d and
//! size-0 inputs, float32, error messages, and `check_grads` (both modes, orders 1 and 2).

use ferrograd::np::{Indexing, PadMode};
use ferrograd::{check_grads, np, vmap, DType, Tensor};

fn ar(n: usize, shape: &[usize]) -> Tensor {
    Tensor::from_vec((0..n).map(|v| v as f64).collect(), shape)
}

/// A smooth, non-symmetric test input.
fn wavy(shape: &[usize]) -> Tensor {
    let n: usize = shape.iter().product();
    Tensor::from_vec(
        (0..n).map(|i| (0.7 * i as f64 + 0.3).sin()).collect(),
        shape,
    )
}

#[test]
fn split_and_array_split() {
    let x = ar(12, &[2, 6]);
    let p = np::split(&x, 3, -1);
    assert_eq!(p.len(), 3);
    assert_eq!(p[1].to_vec(), vec![2.0, 3.0, 8.0, 9.0]);
    // np.array_split(np.arange(7), 3) -> [0,1,2], [3,4], [5,6]
    let q = np::array_split(&ar(7, &[7]), 3, 0);
    let got: Vec<Vec<f64>> = q.iter().map(|t| t.to_vec()).collect();
    assert_eq!(
        got,
        vec![vec![0.0, 1.0, 2.0], vec![3.0, 4.0], vec![5.0, 6.0]]
    );
    // More sections than elements: trailing empty parts.
    let e = np::array_split(&ar(2, &[2]), 3, 0);
    assert_eq!(
        e.iter().map(|t| t.size()).collect::<Vec<_>>(),
        vec![1, 1, 0]
    );
    // np.split(np.arange(6), [1, 4]) -> [0], [1,2,3], [4,5]
    let s = np::split_indices(&ar(6, &[6]), &[1, 4], 0);
    assert_eq!(s[1].to_vec(), vec![1.0, 2.0, 3.0]);
    check_grads(|x: &Tensor| np::array_split(x, 2, 1), &wavy(&[2, 5]), 2).unwrap();
}

#[test]
#[should_panic(expected = "does not divide into 4 equal sections (use array_split")]
fn split_unequal_is_refused() {
    np::split(&ar(6, &[6]), 4, 0);
}

#[test]
fn tile_values_and_grad() {
    let x = Tensor::from([[1.0, 2.0], [3.0, 4.0]]);
    // np.tile(x, 2) -> [[1,2,1,2],[3,4,3,4]]
    assert_eq!(
        np::tile(&x, &[2]).to_vec(),
        vec![1.0, 2.0, 1.0, 2.0, 3.0, 4.0, 3.0, 4.0]
    );
    assert_eq!(np::tile(&x, &[2, 1]).shape(), &[4, 2]);
    assert_eq!(np::tile(&x, &[2, 1, 1]).shape(), &[2, 2, 2]);
    assert_eq!(np::tile(&Tensor::from(3.0), &[3]).to_vec(), vec![3.0; 3]);
    assert_eq!(np::tile(&x, &[0, 2]).shape(), &[0, 4]);
    check_grads(|x: &Tensor| np::tile(x, &[2, 3]), &wavy(&[2, 2]), 2).unwrap();
}

#[test]
fn repeat_scalar_and_per_element() {
    let x = Tensor::from([[1.0, 2.0], [3.0, 4.0]]);
    assert_eq!(
        np::repeat(&x, 2, None).to_vec(),
        vec![1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 4.0]
    );
    // np.repeat(x, 2, axis=-1) -> [[1,1,2,2],[3,3,4,4]]
    let r = np::repeat(&x, 2, Some(-1));
    assert_eq!(
        (r.shape(), r.to_vec()),
        (
            &[2usize, 4][..],
            vec![1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 4.0]
        )
    );
    // np.repeat(x, [1, 2], axis=0) -> [[1,2],[3,4],[3,4]]
    let p = np::repeat_each(&x, &[1, 2], Some(0));
    assert_eq!(p.to_vec(), vec![1.0, 2.0, 3.0, 4.0, 3.0, 4.0]);
    assert_eq!(
        np::repeat(&Tensor::from(5.0), 3, None).to_vec(),
        vec![5.0; 3]
    );
    assert_eq!(np::repeat(&x, 0, Some(1)).shape(), &[2, 0]);
    let f = Tensor::from(vec![1.5f32, 2.5]);
    assert_eq!(np::repeat(&f, 2, None).dtype(), DType::F32);
    check_grads(
        |x: &Tensor| np::repeat_each(x, &[2, 0, 3], Some(1)),
        &wavy(&[2, 3]),
        2,
    )
    .unwrap();
}

#[test]
#[should_panic(expected = "3 repeat counts for an axis of length 2 (give 1 or 2)")]
fn repeat_counts_must_fit() {
    np::repeat_each(&ar(4, &[2, 2]), &[1, 2, 3], Some(0));
}

#[test]
fn pad_modes() {
    let x = Tensor::from(vec![1.0, 2.0, 3.0]);
    assert_eq!(
        np::pad(&x, &[(2, 2)], PadMode::Constant(0.0)).to_vec(),
        vec![0.0, 0.0, 1.0, 2.0, 3.0, 0.0, 0.0]
    );
    assert_eq!(
        np::pad(&x, &[(2, 2)], PadMode::Edge).to_vec(),
        vec![1.0, 1.0, 1.0, 2.0, 3.0, 3.0, 3.0]
    );
    // np.pad([1,2,3], 2, 'reflect') -> [3,2,1,2,3,2,1]
    assert_eq!(
        np::pad(&x, &[(2, 2)], PadMode::Reflect).to_vec(),
        vec![3.0, 2.0, 1.0, 2.0, 3.0, 2.0, 1.0]
    );
    // Wider than the axis: np.pad([1,2,3], (5,0), 'reflect') -> [2,1,2,3,2,1,2,3]
    assert_eq!(
        np::pad(&x, &[(5, 0)], PadMode::Reflect).to_vec(),
        vec![2.0, 1.0, 2.0, 3.0, 2.0, 1.0, 2.0, 3.0]
    );
    assert_eq!(
        np::pad(&x, &[(2, 2)], PadMode::Symmetric).to_vec(),
        vec![2.0, 1.0, 1.0, 2.0, 3.0, 3.0, 2.0]
    );
    assert_eq!(
        np::pad(&x, &[(2, 2)], PadMode::Wrap).to_vec(),
        vec![2.0, 3.0, 1.0, 2.0, 3.0, 1.0, 2.0]
    );
    // 2-D with per-axis widths: np.pad([[1,2],[3,4]], ((1,0),(0,1)), 'edge')
    let m = Tensor::from([[1.0, 2.0], [3.0, 4.0]]);
    let e = np::pad(&m, &[(1, 0), (0, 1)], PadMode::Edge);
    assert_eq!(
        e.to_vec(),
        vec![1.0, 2.0, 2.0, 1.0, 2.0, 2.0, 3.0, 4.0, 4.0]
    );
    let c = np::pad(&m.astype(DType::F32), &[(1, 1)], PadMode::Constant(7.0));
    assert_eq!((c.dtype(), c.shape()), (DType::F32, &[4usize, 4][..]));
    for mode in [
        PadMode::Constant(1.5),
        PadMode::Edge,
        PadMode::Reflect,
        PadMode::Symmetric,
        PadMode::Wrap,
    ] {
        check_grads(
            |x: &Tensor| np::pad(x, &[(2, 1), (1, 3)], mode),
            &wavy(&[3, 2]),
            2,
        )
        .unwrap();
    }
}

#[test]
#[should_panic(expected = "3 (before, after) widths for an array of shape [2, 2] (give 1 or 2)")]
fn pad_widths_must_fit() {
    np::pad(&ar(4, &[2, 2]), &[(1, 1); 3], PadMode::Edge);
}

#[test]
fn flip_and_roll() {
    let x = ar(6, &[2, 3]);
    assert_eq!(
        np::flip(&x, [-1]).to_vec(),
        vec![2.0, 1.0, 0.0, 5.0, 4.0, 3.0]
    );
    assert_eq!(np::flipud(&x).to_vec(), vec![3.0, 4.0, 5.0, 0.0, 1.0, 2.0]);
    assert_eq!(np::fliplr(&x).to_vec(), np::flip(&x, [1]).to_vec());
    assert_eq!(
        np::flip(&x, None).to_vec(),
        vec![5.0, 4.0, 3.0, 2.0, 1.0, 0.0]
    );
    assert_eq!(np::flip(&Tensor::from(2.0), None).item(), 2.0);
    // np.roll(arange(6).reshape(2,3), 1) -> [[5,0,1],[2,3,4]]
    assert_eq!(
        np::roll(&x, 1, None).to_vec(),
        vec![5.0, 0.0, 1.0, 2.0, 3.0, 4.0]
    );
    assert_eq!(
        np::roll(&x, -1, -1).to_vec(),
        vec![1.0, 2.0, 0.0, 4.0, 5.0, 3.0]
    );
    assert_eq!(
        np::roll(&x, 7, 0).to_vec(),
        vec![3.0, 4.0, 5.0, 0.0, 1.0, 2.0]
    );
    assert_eq!(np::roll(&ar(0, &[0]), 3, None).shape(), &[0]);
    check_grads(|x: &Tensor| np::flip(x, [0, -1]) * x, &wavy(&[2, 3]), 2).unwrap();
    check_grads(|x: &Tensor| np::roll(x, 2, 1) * x, &wavy(&[2, 3]), 2).unwrap();
    // The rev primitive's batch rule: vmap of flip equals flipping each row.
    let v = vmap(|r: &Tensor| np::flip(r, None))(&x);
    assert_eq!(v.to_vec(), np::flip(&x, [1]).to_vec());
}

#[test]
#[should_panic(expected = "repeated axis")]
fn flip_repeated_axis() {
    np::flip(&ar(4, &[2, 2]), [0, -2]);
}

#[test]
fn stacking() {
    let (a, b) = (Tensor::from(vec![1.0, 2.0]), Tensor::from(vec![3.0, 4.0]));
    assert_eq!(np::hstack(&[&a, &b]).to_vec(), vec![1.0, 2.0, 3.0, 4.0]);
    let v = np::vstack(&[&a, &b]);
    assert_eq!(
        (v.shape(), v.to_vec()),
        (&[2usize, 2][..], vec![1.0, 2.0, 3.0, 4.0])
    );
    let c = np::column_stack(&[&a, &b]);
    assert_eq!(
        (c.shape(), c.to_vec()),
        (&[2usize, 2][..], vec![1.0, 3.0, 2.0, 4.0])
    );
    let d = np::dstack(&[&a, &b]);
    assert_eq!(
        (d.shape(), d.to_vec()),
        (&[1usize, 2, 2][..], vec![1.0, 3.0, 2.0, 4.0])
    );
    let m = ar(4, &[2, 2]);
    assert_eq!(np::hstack(&[&m, &m]).shape(), &[2, 4]);
    assert_eq!(np::vstack(&[&m, &a]).shape(), &[3, 2]);
    assert_eq!(
        np::hstack(&[&Tensor::from(1.0), &Tensor::from(2.0)]).to_vec(),
        vec![1.0, 2.0]
    );
    let f = |x: &Tensor| np::vstack(&[x, &(x * x)]) * 2.0;
    check_grads(f, &wavy(&[3]), 2).unwrap();
    check_grads(
        |x: &Tensor| np::column_stack(&[x, &x.sin()]),
        &wavy(&[3]),
        2,
    )
    .unwrap();
}

#[test]
fn diagonal_trace_diag() {
    let x = ar(12, &[3, 4]);
    assert_eq!(np::diagonal(&x, 0, 0, 1).to_vec(), vec![0.0, 5.0, 10.0]);
    assert_eq!(np::diagonal(&x, 1, 0, 1).to_vec(), vec![1.0, 6.0, 11.0]);
    assert_eq!(np::diagonal(&x, -1, -2, -1).to_vec(), vec![4.0, 9.0]);
    assert_eq!(np::diagonal(&x, 5, 0, 1).shape(), &[0]);
    // Swapped axes give the transpose's diagonal: np.diagonal(x, 1, 1, 0) -> [4, 9]
    assert_eq!(np::diagonal(&x, 1, 1, 0).to_vec(), vec![4.0, 9.0]);
    // Stacks: np.arange(8).reshape(2,2,2).diagonal(0, 1, 2) -> [[0,3],[4,7]]
    let s = ar(8, &[2, 2, 2]);
    assert_eq!(np::diagonal(&s, 0, 1, 2).to_vec(), vec![0.0, 3.0, 4.0, 7.0]);
    // np.diagonal(s, 0, 0, 2) -> [[0,5],[2,7]]
    assert_eq!(np::diagonal(&s, 0, 0, 2).to_vec(), vec![0.0, 5.0, 2.0, 7.0]);
    assert_eq!(np::trace(&x, 0, 0, 1).item(), 15.0);
    assert_eq!(np::trace(&x, 1, 0, 1).item(), 18.0);
    assert_eq!(np::trace(&s, 0, 0, 1).to_vec(), vec![6.0, 8.0]);
    let v = Tensor::from(vec![1.0, 2.0]);
    assert_eq!(
        np::diag(&v, -1).to_vec(),
        vec![0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 2.0, 0.0]
    );
    assert_eq!(np::diag(&x, 2).to_vec(), vec![2.0, 7.0]);
    let f32d = np::diag(&v.astype(DType::F32), 0);
    assert_eq!(
        (f32d.dtype(), f32d.to_vec()),
        (DType::F32, vec![1.0, 0.0, 0.0, 2.0])
    );
    check_grads(|x: &Tensor| np::diagonal(x, 1, -1, 0), &wavy(&[3, 4]), 2).unwrap();
    check_grads(
        |x: &Tensor| np::trace(&(x * x), -1, 0, 1),
        &wavy(&[3, 3]),
        2,
    )
    .unwrap();
    check_grads(|v: &Tensor| np::diag(&(v * v), 1), &wavy(&[3]), 2).unwrap();
}

#[test]
#[should_panic(expected = "axis1 and axis2 are the same axis")]
fn diagonal_needs_two_axes() {
    np::diagonal(&ar(4, &[2, 2]), 0, 1, -1);
}

#[test]
#[should_panic(expected = "needs a 1-D or 2-D array, got shape [2, 2, 2]")]
fn diag_rank() {
    np::diag(&ar(8, &[2, 2, 2]), 0);
}

#[test]
fn tril_triu() {
    let x = ar(9, &[3, 3]) + 1.0;
    assert_eq!(
        np::tril(&x, 0).to_vec(),
        vec![1.0, 0.0, 0.0, 4.0, 5.0, 0.0, 7.0, 8.0, 9.0]
    );
    assert_eq!(
        np::tril(&x, -1).to_vec(),
        vec![0.0, 0.0, 0.0, 4.0, 0.0, 0.0, 7.0, 8.0, 0.0]
    );
    assert_eq!(
        np::triu(&x, 1).to_vec(),
        vec![0.0, 2.0, 3.0, 0.0, 0.0, 6.0, 0.0, 0.0, 0.0]
    );
    assert_eq!(
        np::triu(&ar(6, &[2, 3]), 0).to_vec(),
        vec![0.0, 1.0, 2.0, 0.0, 4.0, 5.0]
    );
    check_grads(|x: &Tensor| np::tril(&(x * x), 0), &wavy(&[2, 3, 3]), 2).unwrap();
    check_grads(|x: &Tensor| np::triu(x, -1).sin(), &wavy(&[3, 2]), 2).unwrap();
}

#[test]
#[should_panic(expected = "tril")]
fn tril_needs_a_matrix() {
    np::tril(&ar(3, &[3]), 0);
}

#[test]
fn kron_values_and_grad() {
    let a = Tensor::from([[1.0, 2.0], [3.0, 4.0]]);
    let b = Tensor::from([[0.0, 5.0], [6.0, 7.0]]);
    // np.kron(a, b)
    let want = vec![
        0.0, 5.0, 0.0, 10.0, 6.0, 7.0, 12.0, 14.0, 0.0, 15.0, 0.0, 20.0, 18.0, 21.0, 24.0, 28.0,
    ];
    assert_eq!(np::kron(&a, &b).to_vec(), want);
    // Mixed ranks: np.kron([1, 2], [[1], [1]]) -> [[1, 2], [1, 2]]
    let k = np::kron(&Tensor::from(vec![1.0, 2.0]), &Tensor::from([[1.0], [1.0]]));
    assert_eq!(
        (k.shape(), k.to_vec()),
        (&[2usize, 2][..], vec![1.0, 2.0, 1.0, 2.0])
    );
    check_grads(
        |p: &(Tensor, Tensor)| np::kron(&p.0, &p.1),
        &(wavy(&[2, 2]), wavy(&[3, 1])),
        2,
    )
    .unwrap();
}

#[test]
fn meshgrid_xy_and_ij() {
    let (x, y) = (
        Tensor::from(vec![1.0, 2.0, 3.0]),
        Tensor::from(vec![4.0, 5.0]),
    );
    let ij = np::meshgrid(&[&x, &y], Indexing::Ij);
    assert_eq!(ij[0].shape(), &[3, 2]);
    assert_eq!(ij[0].to_vec(), vec![1.0, 1.0, 2.0, 2.0, 3.0, 3.0]);
    assert_eq!(ij[1].to_vec(), vec![4.0, 5.0, 4.0, 5.0, 4.0, 5.0]);
    let xy = np::meshgrid(&[&x, &y, &Tensor::from(vec![0.0, 1.0])], Indexing::Xy);
    assert_eq!(xy[2].shape(), &[2, 3, 2]);
    assert_eq!(xy[0].to_vec()[..6], [1.0, 1.0, 2.0, 2.0, 3.0, 3.0]);
    let f = |p: &(Tensor, Tensor)| {
        let g = np::meshgrid(&[&p.0, &p.1], Indexing::Xy);
        (&g[0] * &g[1]).sin()
    };
    check_grads(f, &(wavy(&[3]), wavy(&[2])), 2).unwrap();
}

#[test]
fn tensor_methods_match_free_functions() {
    let x = wavy(&[3, 4]);
    assert_eq!(
        x.repeat(&[2], Some(-1)).to_vec(),
        np::repeat(&x, 2, Some(-1)).to_vec()
    );
    assert_eq!(
        x.diagonal(1, 0, 1).to_vec(),
        np::diagonal(&x, 1, 0, 1).to_vec()
    );
    assert_eq!(x.trace(-1, 0, 1).item(), np::trace(&x, -1, 0, 1).item());
    assert_eq!(x.flip(None).to_vec(), np::flip(&x, None).to_vec());
    check_grads(|x: &Tensor| x.trace(0, 0, 1) * x.flip([0]), &x, 2).unwrap();
}

/// The message and source file of the panic that `f` raises on this thread.
fn panic_site(f: &(dyn Fn() + std::panic::RefUnwindSafe)) -> (String, String) {
    use std::sync::Mutex;
    type Site = (std::thread::ThreadId, String);
    static SITES: Mutex<Vec<Site>> = Mutex::new(Vec::new());
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(|info| {
        let file = info
            .location()
            .map_or(String::new(), |l| l.file().to_string());
        let id = std::thread::current().id();
        SITES
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((id, file));
    }));
    let result = std::panic::catch_unwind(f);
    std::panic::set_hook(prev);
    let e = result.expect_err("should panic");
    let msg = e.downcast_ref::<String>().cloned().unwrap_or_default();
    let me = std::thread::current().id();
    let sites = SITES.lock().unwrap_or_else(|e| e.into_inner());
    let file = sites
        .iter()
        .rev()
        .find(|(id, _)| *id == me)
        .map(|s| s.1.clone());
    (msg, file.unwrap_or_default())
}

/// A call expected to panic.
type Call<'a> = dyn Fn() + std::panic::RefUnwindSafe + 'a;

#[test]
fn errors_are_reported_at_the_callers_line() {
    let here = file!();
    let cube = np::ones(&[2, 2, 2]);
    let v = Tensor::from(vec![1.0, 2.0, 3.0]);
    // Bools have a diagonal too (NumPy's diag works on every dtype).
    let flags = Tensor::from_vec(vec![true, false, false, true], &[2, 2]);
    let d = np::diag(&flags, 0);
    assert_eq!((d.dtype(), d.to_vec()), (DType::Bool, vec![1.0, 1.0]));
    assert_eq!(np::diag(&flags, 1).to_vec(), vec![0.0]);
    let cases: Vec<(&str, Box<Call<'_>>, &[&str])> = vec![
        (
            "diag 3-D",
            Box::new(|| drop(np::diag(&cube, 0))),
            &["diag", "[2, 2, 2]", "diagonal"],
        ),
        (
            "diagonal",
            Box::new(|| drop(np::diagonal(&cube, 0, 1, -2))),
            &["diagonal", "same axis"],
        ),
        (
            "trace",
            Box::new(|| drop(np::trace(&v, 0, 0, 1))),
            &["diagonal", "[3]"],
        ),
        ("tril", Box::new(|| drop(np::tril(&v, 0))), &["tril", "[3]"]),
        (
            "split",
            Box::new(|| drop(np::split(&v, 2, 0))),
            &["split", "array_split"],
        ),
        ("flip", Box::new(|| drop(np::flip(&v, [1]))), &["1"]),
        (
            "svd_full",
            Box::new(|| drop(ferrograd::linalg::svd_full(&v))),
            &["svd_full", "[3]"],
        ),
        (
            "lstsq_full",
            Box::new(|| drop(ferrograd::linalg::lstsq_full(&cube, &v, None))),
            &["lstsq", "[2, 2, 2]", "[3]"],
        ),
    ];
    for (what, f, words) in cases {
        let (msg, file) = panic_site(&*f);
        assert_eq!(file, here, "{what}: reported in {file}: {msg}");
        for w in words {
            assert!(msg.contains(w), "{what}: {msg:?} lacks {w:?}");
        }
    }
}
