//! Headers that lie: `.npy` images (alone or inside a `.npz`) whose shape does not match the
//! bytes present, unknown dtypes, and a safetensors header whose offsets overflow. Each must
//! be an `Err` naming the file (and the archive entry), never an abort or a panic.

use std::path::Path;

use ferrograd::io;

use super::build::{dict, f64_bytes, npy, npz, safetensors};

/// Writes `bytes` to `dir/name` and returns the path.
fn put(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// The message of `load_npy`'s error, after checking it names the file.
fn npy_err(path: &Path) -> String {
    let e = io::load_npy(path).expect_err("a lying header must be refused");
    let msg = e.to_string();
    let name = path.file_name().unwrap().to_str().unwrap();
    assert!(msg.contains(name), "{msg:?} should name the file {name}");
    msg
}

#[test]
fn npy_header_claiming_2_pow_40_elements_is_an_error_not_an_abort() {
    let d = tempfile::tempdir().unwrap();
    // 144 bytes: a 128-byte header claiming 2^40 float64 (8 TiB), then two values.
    let image = npy(
        &dict("<f8", false, "(1099511627776,)"),
        &f64_bytes(&[1.0, 2.0]),
    );
    assert_eq!(image.len(), 144);
    let msg = npy_err(&put(d.path(), "huge.npy", &image));
    assert!(msg.contains("1099511627776"), "{msg}");
    assert!(msg.contains("16 bytes"), "{msg}");

    // The same lie as one entry of an archive; the message names the archive and the entry.
    let good = npy(&dict("<f8", false, "(2,)"), &f64_bytes(&[1.0, 2.0]));
    let archive = npz(&[("a.npy", good), ("w.npy", image)]);
    let p = put(d.path(), "huge.npz", &archive);
    let msg = io::load_npz(&p).expect_err("lying entry").to_string();
    for f in ["huge.npz", "\"w.npy\"", "1099511627776"] {
        assert!(msg.contains(f), "{msg:?} should mention {f}");
    }
}

#[test]
fn npy_element_count_must_match_the_data_exactly() {
    let d = tempfile::tempdir().unwrap();
    let three = f64_bytes(&[1.0, 2.0, 3.0]);
    // Fewer elements claimed than present: 16 bytes expected, 24 found.
    let msg = npy_err(&put(
        d.path(),
        "fewer.npy",
        &npy(&dict("<f8", false, "(2,)"), &three),
    ));
    assert!(
        msg.contains("16 bytes") && msg.contains("24 bytes"),
        "{msg}"
    );
    // More claimed than present (a truncated file).
    let msg = npy_err(&put(
        d.path(),
        "more.npy",
        &npy(&dict("<f8", false, "(2, 2)"), &three),
    ));
    assert!(
        msg.contains("32 bytes") && msg.contains("24 bytes"),
        "{msg}"
    );
    // A size-0 shape with data after it.
    npy_err(&put(
        d.path(),
        "zero.npy",
        &npy(&dict("<f4", false, "(0, 3)"), &[0; 4]),
    ));
    // Products that overflow usize, or whose byte count does.
    for (i, shape) in [
        "(4294967296, 4294967296)",
        "(2305843009213693952,)",
        "(0, 4294967296, 4294967296)",
    ]
    .iter()
    .enumerate()
    {
        let p = put(
            d.path(),
            &format!("overflow{i}.npy"),
            &npy(&dict("<f8", false, shape), &three),
        );
        let msg = npy_err(&p);
        assert!(msg.contains("too large"), "{shape}: {msg}");
    }
    // The header length points past the end of the file.
    let mut image = npy(&dict("<f8", false, "(3,)"), &three);
    image[8..10].copy_from_slice(&u16::MAX.to_le_bytes());
    let msg = npy_err(&put(d.path(), "past_eof.npy", &image));
    assert!(msg.contains("65535"), "{msg}");
}

#[test]
fn npy_dtypes_and_dicts_outside_the_format_are_refused() {
    let d = tempfile::tempdir().unwrap();
    for (i, descr) in ["<c16", "<f2", "|O", "<U3", "=f8", "garbage"]
        .iter()
        .enumerate()
    {
        let p = put(
            d.path(),
            &format!("dtype{i}.npy"),
            &npy(&dict(descr, false, "(1,)"), &[0; 8]),
        );
        let msg = npy_err(&p);
        assert!(
            msg.contains(descr) && msg.contains("not supported"),
            "{msg}"
        );
    }
    let bad_dicts = [
        // A structured dtype.
        "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }",
        // Duplicated, missing and unknown keys.
        "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'shape': (4,), }",
        "{'descr': '<f8', 'shape': (1,), }",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': 1, }",
        // Negative and non-decimal dimensions, a shape that is not a tuple.
        "{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (0x1,), }",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (1), }",
        "{'descr': '<f8', 'fortran_order': 0, 'shape': (1,), }",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), } trailing",
    ];
    for (i, bad) in bad_dicts.iter().enumerate() {
        npy_err(&put(d.path(), &format!("dict{i}.npy"), &npy(bad, &[0; 8])));
    }
}

#[test]
fn npy_fortran_order_big_endian_and_int32_still_load() {
    let d = tempfile::tempdir().unwrap();
    // Column-major [[1, 2, 3], [4, 5, 6]] is stored as 1, 4, 2, 5, 3, 6.
    let data = f64_bytes(&[1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
    let p = put(d.path(), "f.npy", &npy(&dict("<f8", true, "(2, 3)"), &data));
    let t = io::load_npy(&p).unwrap();
    assert_eq!(
        (t.shape(), t.to_vec()),
        (&[2, 3][..], vec![1., 2., 3., 4., 5., 6.])
    );
    let be: Vec<u8> = [1.5f32, -2.0]
        .iter()
        .flat_map(|x| x.to_be_bytes())
        .collect();
    let p = put(d.path(), "be.npy", &npy(&dict(">f4", false, "(2,)"), &be));
    assert_eq!(io::load_npy(&p).unwrap().to_vec(), vec![1.5, -2.0]);
    // int32 widens to int64; a 0-d array has the empty tuple as its shape.
    let p = put(
        d.path(),
        "i.npy",
        &npy(&dict("<i4", false, "()"), &(-7i32).to_le_bytes()),
    );
    let t = io::load_npy(&p).unwrap();
    assert_eq!(
        (t.dtype(), t.shape(), t.to_vec()),
        (ferrograd::DType::I64, &[][..], vec![-7.0])
    );
}

#[test]
fn safetensors_offsets_summing_past_usize_are_an_error_not_a_panic() {
    let d = tempfile::tempdir().unwrap();
    // Eight u8 tensors of 2^61 - 1 bytes and one of 4: the data would end at 2^64 - 4, so
    // adding the header length to that end overflows.
    let big = (1u64 << 61) - 1;
    let mut entries = Vec::new();
    let mut start = 0u64;
    for i in 0..9 {
        let n = if i < 8 { big } else { 4 };
        entries.push(format!(
            "\"t{i}\":{{\"dtype\":\"U8\",\"shape\":[{n}],\"data_offsets\":[{start},{}]}}",
            start + n
        ));
        start += n;
    }
    let json = format!("{{{}}}", entries.join(","));
    let p = put(
        d.path(),
        "overflow.safetensors",
        &safetensors(&json, &[0; 16]),
    );
    let e = io::load_tensors(&p).expect_err("offsets past the end");
    assert!(e.to_string().contains("overflow.safetensors"), "{e}");
    // A u8 tensor is a dtype ferrograd lacks; with honest offsets that is the error.
    let json = r#"{"x":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}"#;
    let p = put(d.path(), "u8.safetensors", &safetensors(json, &[1, 2]));
    let e = io::load_tensors(&p).expect_err("u8");
    assert!(e.to_string().contains("U8"), "{e}");
}
