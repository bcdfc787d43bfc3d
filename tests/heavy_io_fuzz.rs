//! A deterministic fuzz of the loaders, in release mode (declared with `test = false`; .ci/run
//! runs it with `cargo test --release --test heavy_io_fuzz`). For safetensors, `.npy` and
//! `.npz`: a valid file of several dtypes and shapes is cut at every length, has single bytes
//! flipped over its header and a seeded sample of its body, and hostile headers stand in for
//! it (huge, negative and overflowing shapes, wrong descriptors, lengths and offsets past the
//! end). Every load must return `Ok` or `Err`: a panic is caught and fails the test, and an
//! abort kills the binary, which fails it too.

#[path = "io/build.rs"]
mod build;

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use build::{dict, f64_bytes, npy, npz, safetensors};
use ferrograd::{io, Tensor};

/// xorshift64: the fixed seed makes every run the same sweep.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Writes each case to one scratch file and runs the loaders on it.
struct Sweep<'a> {
    format: &'static str,
    path: PathBuf,
    /// Loads the file every way the format allows; true if all of them succeeded.
    load: &'a dyn Fn(&Path) -> bool,
    loads: usize,
    refusals: usize,
}

impl Sweep<'_> {
    /// Whether `bytes` loaded; a panic fails the test, naming the case.
    fn run(&mut self, what: &str, bytes: &[u8]) -> bool {
        // A fresh file each time: ext4 flushes a file truncated and rewritten on close
        // (auto_da_alloc), which made this sweep wait on the disk.
        let _ = std::fs::remove_file(&self.path);
        std::fs::write(&self.path, bytes).unwrap();
        let ok = catch_unwind(AssertUnwindSafe(|| (self.load)(&self.path)))
            .unwrap_or_else(|_| panic!("{}: loading {what} panicked", self.format));
        self.loads += 1;
        self.refusals += usize::from(!ok);
        ok
    }

    fn refused(&mut self, what: &str, bytes: &[u8]) {
        assert!(
            !self.run(what, bytes),
            "{}: {what} was accepted",
            self.format
        );
    }

    /// Every cut of `good` is refused (each format records its own length); flipped bytes over
    /// the first `header` bytes and at a sample of the rest must not panic.
    fn damage(&mut self, good: &[u8], header: usize, rng: &mut Rng) {
        assert!(
            self.run("the valid file", good),
            "{}: valid file",
            self.format
        );
        for cut in 0..good.len() {
            self.refused(&format!("a cut at {cut}"), &good[..cut]);
        }
        let header = header.min(good.len());
        let mut at: Vec<usize> = (0..header).collect();
        if good.len() > header {
            at.extend((0..64).map(|_| header + rng.below(good.len() - header)));
        }
        let before = self.refusals;
        for &i in &at {
            for mask in [0x01u8, 0x20, 0x80, 0xff] {
                let mut b = good.to_vec();
                b[i] ^= mask;
                self.run(&format!("byte {i} ^ {mask:#04x}"), &b);
            }
        }
        // Most flips in a header break it; in the body many are still valid data.
        let flips = 4 * at.len();
        assert!(
            self.refusals - before > flips / 4,
            "{}: only {} of {flips} flipped files were refused",
            self.format,
            self.refusals - before
        );
    }
}

fn sweep<'a>(format: &'static str, dir: &Path, load: &'a dyn Fn(&Path) -> bool) -> Sweep<'a> {
    Sweep {
        format,
        path: dir.join(format!("case.{format}")),
        load,
        loads: 0,
        refusals: 0,
    }
}

/// Leaves of every dtype, with a 0-d and a size-0 one.
fn tree() -> BTreeMap<String, Tensor> {
    let v = |s: &str, t: Tensor| (s.to_string(), t);
    BTreeMap::from([
        v(
            "f64",
            Tensor::from([[1.5, -0.0, 3.0], [f64::NAN, 5.0, 6.0]]),
        ),
        v("f32", Tensor::from(vec![1.0f32, 2.5, -3.0, 4.0])),
        v("i64", Tensor::scalar(-7i64)),
        v("u32", Tensor::from_vec(vec![1u32, 2, 3, u32::MAX], &[2, 2])),
        v("bool", Tensor::from(vec![true, false, true])),
        v("empty", Tensor::from_vec(Vec::<f32>::new(), &[0, 2])),
    ])
}

/// Shapes no 16 (or 0) bytes of a supported dtype fill, most of them hostile.
const SHAPES: &[&str] = &[
    "(1099511627776,)",
    "(4611686018427387904,)",
    "(9223372036854775807,)",
    "(18446744073709551615,)",
    "(18446744073709551616,)",
    "(340282366920938463463374607431768211456,)",
    "(-1,)",
    "(2, -2)",
    "(4294967296, 4294967296)",
    "(3037000500, 3037000500)",
    "(0, 4294967296, 4294967296)",
    "(4294967296, 4294967296, 0)",
    "(1.5,)",
    "(0x10,)",
    "(010,)",
    "((1,),)",
    "(None,)",
    "('a',)",
    "16",
    "[16]",
    "(16",
    "(2, 3)",
    "(3,)",
    "()",
];

const DESCRS: &[&str] = &[
    "<f8",
    ">f8",
    "<f4",
    "<i8",
    "<i4",
    ">u4",
    "|b1",
    "<c16",
    "<f2",
    "|O",
    "<U8",
    "|V8",
    "=f8",
    "f8",
    "",
    "<f8 ",
    "[('a', '<f8')]",
];

/// `.npy` images whose header lies about the 0 or 16 bytes after it.
fn hostile_npy() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for shape in SHAPES {
        for descr in DESCRS {
            for fortran in [false, true] {
                for len in [0, 16] {
                    let what = format!("{descr} {shape} fortran={fortran} with {len} bytes");
                    out.push((what, npy(&dict(descr, fortran, shape), &vec![0; len])));
                }
            }
        }
    }
    let good = npy(&dict("<f8", false, "(2,)"), &f64_bytes(&[1.0, 2.0]));
    let header_len = |b: &mut Vec<u8>, n: u16| b[8..10].copy_from_slice(&n.to_le_bytes());
    for n in [0u16, 1, 63, 65, 100, u16::MAX] {
        let mut b = good.clone();
        header_len(&mut b, n);
        out.push((format!("header length {n}"), b));
    }
    for (major, len) in [(2u8, u32::MAX), (3, u32::MAX), (2, 1 << 31), (9, 118)] {
        // Format 2.0/3.0: a 4-byte header length.
        let mut b = b"\x93NUMPY".to_vec();
        b.extend([major, 0]);
        b.extend(len.to_le_bytes());
        b.extend_from_slice(&good[10..]);
        out.push((format!("version {major}.0, header length {len}"), b));
    }
    let mut b = good.clone();
    b[60] = 0xff; // In the padding; format 1.0 headers are ASCII.
    out.push(("a non-ASCII header".to_string(), b));
    let fortran_int = "{'descr': '<f8', 'fortran_order': 1, 'shape': (2,), }";
    let extra_key = "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'x': 0}";
    for d in [fortran_int, extra_key, "{}", "", "{'descr': '<f8'"] {
        out.push((format!("the header {d:?}"), npy(d, &f64_bytes(&[1.0, 2.0]))));
    }
    out
}

#[test]
fn npy_loading_never_panics() {
    let d = tempfile::tempdir().unwrap();
    let load = |p: &Path| io::load_npy(p).is_ok();
    let mut s = sweep("npy", d.path(), &load);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for (i, x) in tree().values().enumerate() {
        let p = d.path().join(format!("{i}.npy"));
        io::save_npy(&p, x).unwrap();
        let good = std::fs::read(&p).unwrap();
        // Magic, version, the 2-byte header length, the header; then the data.
        let header = 10 + usize::from(u16::from_le_bytes([good[8], good[9]]));
        s.damage(&good, header, &mut rng);
    }
    for (what, b) in hostile_npy() {
        s.refused(&what, &b);
    }
    eprintln!("npy: {} loads, {} refused", s.loads, s.refusals);
}

/// Sets the little-endian field of `width` bytes at `offset` after every `sig` in `b`.
fn patch(b: &[u8], sig: &[u8; 4], offset: usize, width: usize, value: u64) -> Vec<u8> {
    let mut out = b.to_vec();
    let starts: Vec<usize> = (0..b.len().saturating_sub(3))
        .filter(|&i| &b[i..i + 4] == sig)
        .collect();
    for i in starts {
        if let Some(f) = out.get_mut(i + offset..i + offset + width) {
            f.copy_from_slice(&value.to_le_bytes()[..width]);
        }
    }
    out
}

#[test]
fn npz_loading_never_panics() {
    let d = tempfile::tempdir().unwrap();
    let template = tree();
    let load = |p: &Path| io::load_npz(p).is_ok() && io::load_npz_as(p, &template).is_ok();
    let mut s = sweep("npz", d.path(), &load);
    let p = d.path().join("good.npz");
    io::save_npz(&p, &tree()).unwrap();
    let good = std::fs::read(&p).unwrap();
    // An archive is small and headers are spread through it: flip every byte.
    s.damage(&good, good.len(), &mut Rng(0x2545_F491_4F6C_DD1D));
    let valid = npy(&dict("<f8", false, "(2,)"), &f64_bytes(&[1.0, 2.0]));
    for (what, b) in hostile_npy() {
        let archive = npz(&[("ok.npy", valid.clone()), ("bad.npy", b)]);
        s.refused(&format!("an entry {what}"), &archive);
    }
    // Zip fields (offsets after each record's signature): local file header sizes and name
    // length, central directory sizes, name/extra/comment lengths and local offset, and the
    // end record's entry counts, directory size and offset and comment length.
    let fields: &[(&[u8; 4], usize, usize)] = &[
        (b"PK\x03\x04", 18, 4),
        (b"PK\x03\x04", 22, 4),
        (b"PK\x03\x04", 26, 2),
        (b"PK\x03\x04", 28, 2),
        (b"PK\x01\x02", 20, 4),
        (b"PK\x01\x02", 24, 4),
        (b"PK\x01\x02", 28, 2),
        (b"PK\x01\x02", 30, 2),
        (b"PK\x01\x02", 32, 2),
        (b"PK\x01\x02", 42, 4),
        (b"PK\x05\x06", 8, 2),
        (b"PK\x05\x06", 10, 2),
        (b"PK\x05\x06", 12, 4),
        (b"PK\x05\x06", 16, 4),
        (b"PK\x05\x06", 20, 2),
    ];
    for &(sig, offset, width) in fields {
        let max = if width == 2 { 0xffff } else { 0xffff_ffff };
        for value in [0, 1, 7, 0x7fff, 0xfffe, 0x7fff_ffff, max] {
            let b = patch(&good, sig, offset, width, value.min(max));
            s.run(&format!("{sig:?}+{offset} = {value:#x}"), &b);
        }
    }
    eprintln!("npz: {} loads, {} refused", s.loads, s.refusals);
}

/// Safetensors headers that lie about (or do not fit) the 16 bytes after them.
fn hostile_safetensors() -> Vec<(String, Vec<u8>)> {
    let one = |dtype: &str, shape: &str, offsets: &str| {
        format!(r#"{{"a":{{"dtype":"{dtype}","shape":{shape},"data_offsets":{offsets}}}}}"#)
    };
    let mut headers = vec![
        one("F64", "[1099511627776]", "[0,8796093022208]"),
        one("F64", "[4294967296,4294967296]", "[0,16]"),
        one("F64", "[2305843009213693952]", "[0,16]"),
        one("F64", "[-1]", "[0,16]"),
        one("F64", "[1.5]", "[0,16]"),
        one("F64", "\"2\"", "[0,16]"),
        one("F64", "[2]", "[16,0]"),
        one("F64", "[2]", "[0,32]"),
        one("F64", "[4]", "[0,32]"),
        one("F64", "[2]", "[8,24]"),
        one("F64", "[2]", "[0,18446744073709551615]"),
        one("F64", "[2]", "[18446744073709551615,18446744073709551615]"),
        one("F64", "[2]", "[0]"),
        one("F64", "[2]", "[0,16,32]"),
        one("F32", "[2]", "[0,16]"),
        one("F16", "[8]", "[0,16]"),
        one("I32", "[4]", "[0,16]"),
        one("U8", "[16]", "[0,16]"),
        one("F4", "[32]", "[0,16]"),
        one("X", "[2]", "[0,16]"),
        one("BOOL", "[16]", "[0,16]"),
        // A size-0 tensor whose other axes overflow, next to a valid one.
        r#"{"z":{"dtype":"F64","shape":[0,4294967296,4294967296],"data_offsets":[0,0]},"b":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}"#.to_string(),
        r#"{"z":{"dtype":"F64","shape":[4294967296,0,4294967296],"data_offsets":[0,0]},"b":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}"#.to_string(),
        r#"{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"b":{"dtype":"F64","shape":[1],"data_offsets":[4,12]}}"#.to_string(),
        r#"{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"b":{"dtype":"F64","shape":[1],"data_offsets":[16,24]}}"#.to_string(),
        r#"{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"a":{"dtype":"F64","shape":[1],"data_offsets":[8,16]}}"#.to_string(),
        r#"{"__metadata__":{"format":1},"a":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}"#.to_string(),
        r#"{"__metadata__":[],"a":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}"#.to_string(),
        "[]".to_string(),
        "null".to_string(),
        "".to_string(),
        "{".to_string(),
        format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)),
        format!(r#"{{"a":{}{}}}"#, "[".repeat(100_000), "]".repeat(100_000)),
    ];
    // Eight u8 tensors of 2^61 - 1 bytes and one of 4: offsets that end at 2^64 - 4.
    let big = (1u64 << 61) - 1;
    let (mut parts, mut start) = (Vec::new(), 0u64);
    for (i, n) in [big, big, big, big, big, big, big, big, 4]
        .iter()
        .enumerate()
    {
        parts.push(format!(
            r#""t{i}":{{"dtype":"U8","shape":[{n}],"data_offsets":[{start},{}]}}"#,
            start + n
        ));
        start += n;
    }
    headers.push(format!("{{{}}}", parts.join(",")));
    let mut out: Vec<(String, Vec<u8>)> = headers
        .into_iter()
        .map(|h| (format!("the header {:.120}", h), safetensors(&h, &[2; 16])))
        .collect();
    let good = safetensors(&one("F64", "[2]", "[0,16]"), &f64_bytes(&[1.0, 2.0]));
    let real = good.len() as u64 - 24;
    for n in [
        0,
        1,
        real - 1,
        real + 1,
        real + 17,
        100_000_001,
        1 << 63,
        u64::MAX,
    ] {
        let mut b = good.clone();
        b[..8].copy_from_slice(&n.to_le_bytes());
        out.push((format!("header length {n}"), b));
    }
    let mut b = good.clone();
    b[10] = 0xff;
    out.push(("a header that is not UTF-8".to_string(), b));
    out
}

#[test]
fn safetensors_loading_never_panics() {
    let d = tempfile::tempdir().unwrap();
    let template = tree();
    let load = |p: &Path| io::load_tensors(p).is_ok() && io::load(p, &template).is_ok();
    let mut s = sweep("safetensors", d.path(), &load);
    let p = d.path().join("good.safetensors");
    io::save(&p, &tree()).unwrap();
    let good = std::fs::read(&p).unwrap();
    let mut n = [0u8; 8];
    n.copy_from_slice(&good[..8]);
    let header = 8 + u64::from_le_bytes(n) as usize;
    s.damage(&good, header, &mut Rng(0xD1B5_4A32_D192_ED03));
    for (what, b) in hostile_safetensors() {
        s.refused(&what, &b);
    }
    eprintln!("safetensors: {} loads, {} refused", s.loads, s.refusals);
}
