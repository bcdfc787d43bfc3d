//! Saving replaces a file atomically: concurrent savers to one path all succeed, a reader
//! sees one whole saved version (never a prefix), and no temporary file outlives a save,
//! whether it succeeded or failed.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Barrier;

use ferrograd::{io, Error, Tensor};

use super::bits;

const WRITERS: usize = 8;
const SAVES_EACH: usize = 20;

/// The tree writer `w` saves: every value depends on `w`, so a load identifies its writer.
fn tree_of(w: usize) -> Vec<Tensor> {
    let v: Vec<f64> = (0..64 * 64)
        .map(|i| (w * 10_000 + i) as f64 + 0.25)
        .collect();
    vec![
        Tensor::from_vec(v, &[64, 64]),
        Tensor::from(vec![w as i64; 100]),
    ]
}

type Save = fn(&Path, &Vec<Tensor>) -> Result<(), Error>;
type Load = fn(&Path, &Vec<Tensor>) -> Result<Vec<Tensor>, Error>;

/// The directory's entries other than `keep`.
fn strays(dir: &Path, keep: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != keep)
        .collect()
}

/// Counts a writer as finished when it returns or panics, so the reader always stops.
struct Finished<'a>(&'a AtomicUsize);

impl Drop for Finished<'_> {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// `WRITERS` threads each save their tree `SAVES_EACH` times to one path while a reader
/// loads it in a loop. Every save must succeed; every load after the first completed save
/// must return one writer's tree bit-exactly.
fn concurrent_saves(file: &str, trees: &[Vec<Tensor>], save: Save, load: Load) {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join(file);
    let want: Vec<_> = trees
        .iter()
        .map(|t| t.iter().map(bits).collect::<Vec<_>>())
        .collect();
    let template = &trees[0];
    let (saved, done) = (AtomicBool::new(false), AtomicUsize::new(0));
    let start = Barrier::new(WRITERS + 1);
    let loads = std::thread::scope(|s| {
        for tree in trees {
            let (path, start, saved, done) = (&path, &start, &saved, &done);
            s.spawn(move || {
                start.wait();
                let _finished = Finished(done);
                for i in 0..SAVES_EACH {
                    if let Err(e) = save(path, tree) {
                        panic!("{file}: save {i} failed: {e}");
                    }
                    saved.store(true, Ordering::SeqCst);
                }
            });
        }
        let reader = s.spawn(|| {
            start.wait();
            let mut ok = 0;
            while done.load(Ordering::SeqCst) < WRITERS {
                // Read the flag first: a load that starts after a save completed must succeed.
                let after_a_save = saved.load(Ordering::SeqCst);
                match load(&path, template) {
                    Ok(t) => {
                        let got: Vec<_> = t.iter().map(bits).collect();
                        assert!(want.contains(&got), "{file}: a load matches no saved tree");
                        ok += 1;
                    }
                    Err(e) => assert!(!after_a_save, "{file}: load after a save failed: {e}"),
                }
            }
            ok
        });
        reader.join().unwrap()
    });
    assert!(loads > 0, "{file}: the reader never saw a saved file");
    // The last version standing is one writer's, whole.
    let last: Vec<_> = load(&path, template).unwrap().iter().map(bits).collect();
    assert!(want.contains(&last));
    assert_eq!(
        strays(d.path(), file),
        Vec::<String>::new(),
        "{file}: temporary files left"
    );
}

fn save_st(p: &Path, t: &Vec<Tensor>) -> Result<(), Error> {
    io::save(p, t)
}
fn load_st(p: &Path, t: &Vec<Tensor>) -> Result<Vec<Tensor>, Error> {
    io::load(p, t)
}
fn save_npz(p: &Path, t: &Vec<Tensor>) -> Result<(), Error> {
    io::save_npz(p, t)
}
fn load_npz(p: &Path, t: &Vec<Tensor>) -> Result<Vec<Tensor>, Error> {
    io::load_npz_as(p, t)
}
// A .npy file holds one tensor: the first leaf (the npy trees have one).
#[allow(clippy::ptr_arg)] // it has the signature of `Save`, shared with the tree savers
fn save_npy(p: &Path, t: &Vec<Tensor>) -> Result<(), Error> {
    io::save_npy(p, &t[0])
}
fn load_npy(p: &Path, _: &Vec<Tensor>) -> Result<Vec<Tensor>, Error> {
    Ok(vec![io::load_npy(p)?])
}

fn trees() -> Vec<Vec<Tensor>> {
    (0..WRITERS).map(tree_of).collect()
}

#[test]
fn concurrent_safetensors_saves_to_one_path_are_atomic() {
    concurrent_saves("m.safetensors", &trees(), save_st, load_st);
}

#[test]
fn concurrent_npz_saves_to_one_path_are_atomic() {
    concurrent_saves("m.npz", &trees(), save_npz, load_npz);
}

#[test]
fn concurrent_npy_saves_to_one_path_are_atomic() {
    let firsts: Vec<Vec<Tensor>> = trees().into_iter().map(|t| vec![t[0].clone()]).collect();
    concurrent_saves("x.npy", &firsts, save_npy, load_npy);
}

#[test]
fn a_failed_save_leaves_no_temporary_file_and_the_old_file_whole() {
    let d = tempfile::tempdir().unwrap();
    let x = vec![Tensor::from(vec![1.0, 2.0])];
    // The target is a directory: the bytes can be written, the rename cannot.
    let sub = d.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    let saves: [(&str, Save); 3] = [
        ("save", save_st),
        ("save_npz", save_npz),
        ("save_npy", save_npy),
    ];
    for (what, save) in saves {
        let e = save(&sub, &x).expect_err("saving over a directory");
        assert!(e.to_string().contains("sub"), "{what}: {e}");
        assert_eq!(
            strays(d.path(), "sub"),
            Vec::<String>::new(),
            "{what} left a file"
        );
        assert!(sub.is_dir());
        // A directory that does not exist.
        assert!(
            save(&d.path().join("nope").join("m"), &x).is_err(),
            "{what}"
        );
        assert_eq!(
            strays(d.path(), "sub"),
            Vec::<String>::new(),
            "{what} left a file"
        );
    }
    // A save that fails (a traced leaf cannot be saved, two leaves clash) leaves the
    // existing file byte-for-byte.
    let path = d.path().join("keep.safetensors");
    io::save(&path, &x).unwrap();
    let before = std::fs::read(&path).unwrap();
    // {"a": {"b.c": …}, "a.b": {"c": …}} would store two leaves under "a.b.c".
    let inner = |k: &str| BTreeMap::from([(k.to_string(), Tensor::from(1.0))]);
    let clash = BTreeMap::from([
        ("a".to_string(), inner("b.c")),
        ("a.b".to_string(), inner("c")),
    ]);
    assert!(io::save(&path, &clash).is_err());
    assert!(io::save_npz(&path, &clash).is_err());
    assert_eq!(std::fs::read(&path).unwrap(), before);
}
