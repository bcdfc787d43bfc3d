//! Hand-built `.npy` images, `.npz` archives and safetensors files, for headers that no saver
//! writes. Shared by `tests/io.rs` and `tests/heavy_io_fuzz.rs`.
#![allow(dead_code)] // each test file uses its own subset

use std::io::{Cursor, Write};

/// A `.npy` image (format 1.0) whose header is the dict literal `dict`, padded with spaces as
/// NumPy pads it (so the data starts at a multiple of 64), followed by `data`.
pub fn npy(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut header = dict.as_bytes().to_vec();
    // Magic (6) + version (2) + header length (2) + dict + newline.
    let unpadded = 10 + header.len() + 1;
    header.resize(header.len() + (64 - unpadded % 64) % 64, b' ');
    header.push(b'\n');
    let len = u16::try_from(header.len()).expect("a test header under 64 KiB");
    let mut out = b"\x93NUMPY\x01\x00".to_vec();
    out.extend_from_slice(&len.to_le_bytes());
    out.extend(header);
    out.extend_from_slice(data);
    out
}

/// The dict literal `np.save` writes for `descr` and `shape` (a Python tuple, e.g. "(2, 3)").
pub fn dict(descr: &str, fortran: bool, shape: &str) -> String {
    let f = if fortran { "True" } else { "False" };
    format!("{{'descr': '{descr}', 'fortran_order': {f}, 'shape': {shape}, }}")
}

/// An uncompressed zip archive of `(name, bytes)` entries, as `np.savez` writes.
pub fn npz(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in entries {
        z.start_file(*name, opts).expect("zip entry");
        z.write_all(bytes).expect("zip write");
    }
    z.finish().expect("zip finish").into_inner()
}

/// A safetensors file: the 8-byte little-endian header length, the JSON header, the data.
pub fn safetensors(json: &str, data: &[u8]) -> Vec<u8> {
    let mut out = (json.len() as u64).to_le_bytes().to_vec();
    out.extend_from_slice(json.as_bytes());
    out.extend_from_slice(data);
    out
}

/// The little-endian bytes of `values`.
pub fn f64_bytes(values: &[f64]) -> Vec<u8> {
    values.iter().flat_map(|x| x.to_le_bytes()).collect()
}
