//! `io`: bit-exact round trips (safetensors, .npy, .npz) over dtypes, 0-d and size-0 arrays
//! and nested trees; mismatched templates; corrupted and truncated files give errors. Headers
//! that lie are in `io/headers.rs`, atomic and concurrent saving in `io/saving.rs`.

#[path = "io/build.rs"]
mod build;
#[path = "io/headers.rs"]
mod headers;
#[path = "io/saving.rs"]
mod saving;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ferrograd::{io, nn, random, DType, Tensor, Tree};

#[derive(Debug, Clone, Tree)]
struct Block {
    scale: Tensor,
    mask: Tensor,
    ids: Tensor,
}

#[derive(Debug, Clone, Tree)]
struct Model {
    embed: Tensor,
    blocks: Vec<Block>,
    extra: BTreeMap<String, Tensor>,
    pair: (Tensor, Tensor),
    #[tree(skip)]
    name: String,
}

/// Values whose bits matter: signed zeros, subnormals, infinities, NaN, extremes.
fn awkward_f64() -> Vec<f64> {
    vec![
        0.0,
        -0.0,
        f64::MIN_POSITIVE / 3.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        f64::MAX,
        -1.0 / 3.0,
    ]
}

fn awkward_f32() -> Vec<f32> {
    vec![
        0.0,
        -0.0,
        f32::MIN_POSITIVE / 3.0,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
        f32::MAX,
        -1.0 / 3.0,
    ]
}

fn model() -> Model {
    let k = random::split(&random::key(7), 2);
    Model {
        embed: Tensor::from_vec(awkward_f64(), &[2, 4]),
        blocks: vec![
            Block {
                scale: Tensor::from_vec(awkward_f32(), &[4, 2]),
                mask: Tensor::from(vec![true, false, true]),
                ids: Tensor::from(vec![i64::MIN, -1, 0, i64::MAX]),
            },
            Block {
                scale: random::normal_dtype(&k[0], &[3, 0, 2], DType::F32),
                mask: Tensor::from_vec(Vec::<bool>::new(), &[0]),
                ids: Tensor::scalar(42i64),
            },
        ],
        extra: BTreeMap::from([
            ("zero_d".to_string(), Tensor::from(-0.0)),
            (
                "u".to_string(),
                Tensor::from_vec(vec![0u32, 1, u32::MAX], &[3, 1]),
            ),
            ("big".to_string(), random::normal(&k[1], &[5, 6, 7])),
        ]),
        pair: (
            Tensor::scalar(1.5f32),
            Tensor::from_vec(Vec::<f64>::new(), &[2, 0]),
        ),
        name: "m".to_string(),
    }
}

/// The exact bits of a tensor, by dtype.
fn bits(t: &Tensor) -> (DType, Vec<usize>, Vec<u64>) {
    let v: Vec<u64> = match t.dtype() {
        DType::F64 => t.to_ndarray::<f64>().iter().map(|x| x.to_bits()).collect(),
        DType::F32 => t
            .to_ndarray::<f32>()
            .iter()
            .map(|x| u64::from(x.to_bits()))
            .collect(),
        DType::I64 => t.to_ndarray::<i64>().iter().map(|&x| x as u64).collect(),
        DType::U32 => t
            .to_ndarray::<u32>()
            .iter()
            .map(|&x| u64::from(x))
            .collect(),
        DType::Bool => t
            .to_ndarray::<bool>()
            .iter()
            .map(|&x| u64::from(x))
            .collect(),
    };
    (t.dtype(), t.shape().to_vec(), v)
}

fn same_tree<T: Tree>(a: &T, b: &T) {
    assert_eq!(a.tree_def(), b.tree_def());
    let (la, lb) = (ferrograd::tree::leaves(a), ferrograd::tree::leaves(b));
    assert_eq!(la.len(), lb.len());
    for (i, (x, y)) in la.iter().zip(&lb).enumerate() {
        assert_eq!(bits(x), bits(y), "leaf {i}");
    }
}

/// A model with the same structure and different values (the load template).
fn zeros_like(m: &Model) -> Model {
    let leaves: Vec<Tensor> = ferrograd::tree::leaves(m)
        .iter()
        .map(|t| Tensor::full_dtype(t.shape(), 0.0, t.dtype()))
        .collect();
    let mut out = ferrograd::tree::rebuild(m, leaves);
    out.name = "template".to_string();
    out
}

fn dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn safetensors_round_trip_is_bit_exact() {
    let d = dir();
    let path = d.path().join("m.safetensors");
    let m = model();
    io::save(&path, &m).unwrap();
    let template = zeros_like(&m);
    let back = io::load(&path, &template).unwrap();
    same_tree(&back, &m);
    // The skipped field comes from the template.
    assert_eq!(back.name, "template");
    // load_into replaces the parameters.
    let mut target = zeros_like(&m);
    io::load_into(&path, &mut target).unwrap();
    same_tree(&target, &m);
    // Every tensor by name.
    let all = io::load_tensors(&path).unwrap();
    let names: Vec<String> = all.keys().cloned().collect();
    let mut want = io::leaf_names(&m);
    want.sort();
    assert_eq!(names, want);
    assert_eq!(bits(&all["blocks.0.ids"]), bits(&m.blocks[0].ids));
    // Saving twice gives the same bytes (no stray state).
    let again = d.path().join("again.safetensors");
    io::save(&again, &m).unwrap();
    assert_eq!(
        std::fs::read(&path).unwrap(),
        std::fs::read(&again).unwrap()
    );
}

#[test]
fn npy_round_trip_every_dtype_0d_and_empty() {
    let d = dir();
    let cases = vec![
        Tensor::from_vec(awkward_f64(), &[2, 2, 2]),
        Tensor::from_vec(awkward_f32(), &[8]),
        Tensor::from(vec![i64::MIN, 0, i64::MAX]),
        Tensor::from_vec(vec![0u32, u32::MAX], &[2]),
        Tensor::from_vec(vec![true, false, false, true], &[2, 2]),
        Tensor::scalar(-0.0f64),
        Tensor::scalar(3.5f32),
        Tensor::scalar(true),
        Tensor::from_vec(Vec::<f64>::new(), &[0]),
        Tensor::from_vec(Vec::<f32>::new(), &[3, 0]),
        Tensor::from_vec(Vec::<i64>::new(), &[0, 2]),
    ];
    for (i, x) in cases.iter().enumerate() {
        let path = d.path().join(format!("{i}.npy"));
        io::save_npy(&path, x).unwrap();
        assert_eq!(bits(&io::load_npy(&path).unwrap()), bits(x), "case {i}");
    }
    // A transposed (non-contiguous) tensor is saved in its logical order.
    let t = Tensor::from([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]).transpose();
    let path = d.path().join("t.npy");
    io::save_npy(&path, &t).unwrap();
    let back = io::load_npy(&path).unwrap();
    assert_eq!(
        (back.shape(), back.to_vec()),
        (&[3, 2][..], vec![1., 4., 2., 5., 3., 6.])
    );
}

#[test]
fn npz_round_trip_is_bit_exact() {
    let d = dir();
    let path = d.path().join("m.npz");
    let m = model();
    io::save_npz(&path, &m).unwrap();
    same_tree(&io::load_npz_as(&path, &zeros_like(&m)).unwrap(), &m);
    let all = io::load_npz(&path).unwrap();
    assert_eq!(all.len(), io::leaf_names(&m).len());
    assert_eq!(bits(&all["extra.u"]), bits(&m.extra["u"]));
    assert_eq!(bits(&all["pair.1"]), bits(&m.pair.1));
}

#[test]
fn nn_model_round_trips_through_each_format() {
    let d = dir();
    let init = nn::LayerInit {
        dtype: DType::F32,
        ..nn::LayerInit::default()
    };
    let m = nn::Mlp::with_init(&random::key(0), &[4, 8, 3], nn::Activation::Relu, &init);
    let other = nn::Mlp::with_init(&random::key(1), &[4, 8, 3], nn::Activation::Relu, &init);
    let st = d.path().join("mlp.safetensors");
    io::save(&st, &m).unwrap();
    same_tree(&io::load(&st, &other).unwrap(), &m);
    let npz = d.path().join("mlp.npz");
    io::save_npz(&npz, &m).unwrap();
    same_tree(&io::load_npz_as(&npz, &other).unwrap(), &m);
    // A lone tensor is stored as "tensor".
    let x = Tensor::from(vec![1.0, 2.0]);
    io::save(&st, &x).unwrap();
    assert_eq!(
        io::load_tensors(&st).unwrap().keys().collect::<Vec<_>>(),
        vec!["tensor"]
    );
    same_tree(&io::load(&st, &Tensor::from(vec![0.0, 0.0])).unwrap(), &x);
}

/// Loads `path` into a clone of `target` with `load_into`, expecting an error that mentions
/// every fragment, and checks the target is unchanged.
fn expect_refused<T: Tree + Clone>(
    load: impl Fn(&Path, &mut T) -> Result<(), ferrograd::Error>,
    path: &Path,
    target: &T,
    fragments: &[&str],
) {
    let mut t = target.clone();
    let err = load(path, &mut t).expect_err("a mismatched template must be refused");
    let msg = err.to_string();
    for f in fragments {
        assert!(msg.contains(f), "{msg:?} should mention {f:?}");
    }
    same_tree(&t, target);
}

/// `load_into` for one format.
type Loader = fn(&Path, &mut Model) -> Result<(), ferrograd::Error>;

fn load_npz_into<T: Tree>(path: &Path, t: &mut T) -> Result<(), ferrograd::Error> {
    *t = io::load_npz_as(path, t)?;
    Ok(())
}

#[test]
fn mismatched_templates_are_refused_by_name_and_shape() {
    let d = dir();
    let m = model();
    let st = d.path().join("m.safetensors");
    let npz = d.path().join("m.npz");
    io::save(&st, &m).unwrap();
    io::save_npz(&npz, &m).unwrap();
    let loaders: [(Loader, &PathBuf); 2] =
        [(|p, t| io::load_into(p, t), &st), (load_npz_into, &npz)];
    for (load, path) in loaders {
        // Wrong shape.
        let mut t = zeros_like(&m);
        t.embed = Tensor::zeros_like_shape(&[4, 2]);
        expect_refused(load, path, &t, &["embed", "[2, 4]", "[4, 2]"]);
        // Wrong dtype.
        let mut t = zeros_like(&m);
        t.blocks[0].ids = Tensor::from(vec![0.0; 4]);
        expect_refused(load, path, &t, &["blocks.0.ids", "int64", "float64"]);
        // A key the file lacks.
        let mut t = zeros_like(&m);
        t.extra.insert("missing".to_string(), Tensor::from(1.0));
        expect_refused(load, path, &t, &["extra.missing"]);
        // A key the template lacks.
        let mut t = zeros_like(&m);
        t.extra.remove("big");
        expect_refused(load, path, &t, &["extra.big"]);
        // A different structure (one block fewer).
        let mut t = zeros_like(&m);
        t.blocks.pop();
        expect_refused(load, path, &t, &["blocks.1"]);
    }
    // A missing file.
    let mut t = zeros_like(&m);
    let missing = d.path().join("nope.safetensors");
    expect_refused(
        |p, t: &mut Model| io::load_into(p, t),
        &missing,
        &t,
        &["nope"],
    );
    assert!(io::load_npy(d.path().join("nope.npy")).is_err());
    t.name.clear();
}

trait ZerosShape {
    fn zeros_like_shape(shape: &[usize]) -> Tensor;
}

impl ZerosShape for Tensor {
    fn zeros_like_shape(shape: &[usize]) -> Tensor {
        Tensor::full_dtype(shape, 0.0, DType::F64)
    }
}

/// Every damaged version of `good` we try: truncations at many offsets, flipped bytes in the
/// first 64 (headers), and garbage.
fn damaged(good: &[u8]) -> Vec<(String, Vec<u8>)> {
    let n = good.len();
    let mut out = Vec::new();
    let mut cuts: Vec<usize> = (0..n.min(80)).collect();
    cuts.extend((80..n).step_by(7));
    cuts.push(n - 1);
    for c in cuts {
        out.push((format!("truncated at {c}"), good[..c].to_vec()));
    }
    for i in 0..n.min(64) {
        for mask in [0x01u8, 0x80, 0xff] {
            let mut b = good.to_vec();
            b[i] ^= mask;
            out.push((format!("byte {i} ^ {mask:#x}"), b));
        }
    }
    let mut lcg = 12345u64;
    for len in [0usize, 1, 7, 8, 9, 100, 1000] {
        let g: Vec<u8> = (0..len)
            .map(|_| {
                lcg = lcg
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (lcg >> 56) as u8
            })
            .collect();
        out.push((format!("{len} bytes of garbage"), g));
    }
    // A huge declared header length.
    let mut b = good.to_vec();
    b[..8].copy_from_slice(&u64::MAX.to_le_bytes());
    out.push(("header length u64::MAX".to_string(), b));
    out
}

/// Writes each damaged file and calls `load`: it may succeed (a flipped byte inside the data
/// is still a valid file) but must never panic.
fn never_panics(good: &Path, load: impl Fn(&Path) -> bool) -> (usize, usize) {
    let bytes = std::fs::read(good).unwrap();
    let d = dir();
    let (mut errs, mut total) = (0, 0);
    for (what, b) in damaged(&bytes) {
        let p = d.path().join("bad");
        std::fs::write(&p, &b).unwrap();
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| load(&p)));
        match r {
            Ok(ok) => errs += usize::from(!ok),
            Err(_) => panic!(
                "{}: loading a damaged file ({what}) panicked",
                good.display()
            ),
        }
        total += 1;
    }
    (errs, total)
}

#[test]
fn damaged_safetensors_give_errors_not_panics() {
    let d = dir();
    let path = d.path().join("m.safetensors");
    let m = model();
    io::save(&path, &m).unwrap();
    let template = zeros_like(&m);
    let (errs, total) = never_panics(&path, |p| {
        let a = io::load_tensors(p).is_ok();
        let b = io::load(p, &template).is_ok();
        a && b
    });
    assert!(
        errs > total / 2,
        "{errs} of {total} damaged files were refused"
    );
    // Every truncation is an error.
    let bytes = std::fs::read(&path).unwrap();
    for c in (0..bytes.len()).step_by(13) {
        std::fs::write(&path, &bytes[..c]).unwrap();
        let e = io::load(&path, &template).expect_err("truncated");
        assert!(e.to_string().contains("m.safetensors"), "{e}");
    }
}

#[test]
fn damaged_npy_and_npz_give_errors_not_panics() {
    let d = dir();
    let npy = d.path().join("x.npy");
    io::save_npy(&npy, &Tensor::from_vec(awkward_f32(), &[2, 4])).unwrap();
    let (errs, total) = never_panics(&npy, |p| io::load_npy(p).is_ok());
    assert!(
        errs > total / 2,
        "{errs} of {total} damaged .npy files were refused"
    );
    let bytes = std::fs::read(&npy).unwrap();
    for c in 0..bytes.len() {
        std::fs::write(&npy, &bytes[..c]).unwrap();
        assert!(io::load_npy(&npy).is_err(), "truncated at {c}");
    }
    let npz = d.path().join("m.npz");
    let m = model();
    io::save_npz(&npz, &m).unwrap();
    let template = zeros_like(&m);
    let (errs, total) = never_panics(&npz, |p| {
        io::load_npz(p).is_ok() && io::load_npz_as(p, &template).is_ok()
    });
    assert!(
        errs > total / 2,
        "{errs} of {total} damaged .npz files were refused"
    );
}

#[test]
fn saving_traced_values_or_clashing_names_is_an_error() {
    let d = dir();
    let path = d.path().join("clash.safetensors");
    // {"a": {"b.c": …}, "a.b": {"c": …}} would store two leaves under "a.b.c".
    let clash = BTreeMap::from([
        (
            "a".to_string(),
            BTreeMap::from([("b.c".to_string(), Tensor::from(1.0))]),
        ),
        (
            "a.b".to_string(),
            BTreeMap::from([("c".to_string(), Tensor::from(2.0))]),
        ),
    ]);
    let e = io::save(&path, &clash).expect_err("clashing names");
    assert!(e.to_string().contains("a.b.c"), "{e}");
    assert!(io::save_npz(d.path().join("clash.npz"), &clash).is_err());
    assert!(!path.exists(), "nothing is written when saving fails");
    // Under grad the leaves are traced: saving them is refused, not a panic.
    let r = ferrograd::grad(|x: &Tensor| {
        assert!(io::save(d.path().join("traced.safetensors"), x).is_err());
        assert!(io::save_npy(d.path().join("traced.npy"), x).is_err());
        x.sum()
    })(&Tensor::from(1.0));
    assert_eq!(r.item(), 1.0);
}
