//! NumPy's `.npy` (one array) and `.npz` (a zip of named `.npy` files, as written by
//! `np.savez`) through the `ndarray-npy` crate. Supported dtypes: float32, float64, int64,
//! uint32 and bool, plus int32 read as int64. Compressed archives (`np.savez_compressed`)
//! are refused with an error that says so. Every image's header is checked against the bytes
//! present before `ndarray-npy` allocates anything ([`npy_header`]).

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Seek, Write};
use std::path::Path;

use ferrograd_array::Element;
use ferrograd_core::{Array, DType, Result, Tensor, Tree};
use ndarray::ArrayD;
use ndarray_npy::{NpzWriter, ReadNpyExt, ReadableElement, WritableElement, WriteNpyExt};

use super::npy_header::{self, Kind};
use super::{from_map, io_error, named_leaves, write_atomically};

/// Writes `a` as one `.npy` image.
fn write_one<T: Element + WritableElement>(
    a: &Array,
    w: impl Write,
) -> std::result::Result<(), String> {
    let v = a.view::<T>("io::save_npy").map_err(|e| e.to_string())?;
    v.write_npy(w).map_err(|e| e.to_string())
}

fn write_npy_image(a: &Array, w: impl Write) -> std::result::Result<(), String> {
    match a.dtype() {
        DType::F64 => write_one::<f64>(a, w),
        DType::F32 => write_one::<f32>(a, w),
        DType::I64 => write_one::<i64>(a, w),
        DType::U32 => write_one::<u32>(a, w),
        DType::Bool => write_one::<bool>(a, w),
    }
}

/// Saves one tensor as a `.npy` file (`np.save`).
///
/// ```
/// use ferrograd::{io, Tensor};
/// let path = std::env::temp_dir().join("ferrograd-doc.npy");
/// let x = Tensor::from([[1.0f32, 2.0], [3.0, 4.0]]);
/// io::save_npy(&path, &x).unwrap();
/// assert_eq!(io::load_npy(&path).unwrap().to_vec(), x.to_vec());
/// # std::fs::remove_file(&path).unwrap();
/// ```
///
/// The file is replaced atomically, as by [`save`](super::save).
///
/// # Errors
/// If the tensor is traced or the file cannot be written.
pub fn save_npy(path: impl AsRef<Path>, x: &Tensor) -> Result<()> {
    let path = path.as_ref();
    let a = x.try_stored_value("io::save_npy")?;
    let mut buf = Vec::new();
    write_npy_image(&a, &mut buf).map_err(|m| io_error("io::save_npy", path, m))?;
    write_atomically("io::save_npy", path, &buf)
}

/// Reads an image whose header [`npy_header::check`] has accepted for `T`, so the array it
/// allocates is no larger than the data present.
fn read<T: ReadableElement>(bytes: &[u8]) -> std::result::Result<ArrayD<T>, String> {
    ArrayD::<T>::read_npy(bytes)
        .map_err(|e| format!("not a valid .npy image (truncated or corrupt?): {e}"))
}

/// Decodes a `.npy` image of a supported dtype.
fn decode(bytes: &[u8]) -> std::result::Result<Tensor, String> {
    Ok(match npy_header::check(bytes)? {
        Kind::F64 => Tensor::from(read::<f64>(bytes)?),
        Kind::F32 => Tensor::from(read::<f32>(bytes)?),
        Kind::I64 => Tensor::from(read::<i64>(bytes)?),
        Kind::I32 => Tensor::from(read::<i32>(bytes)?.mapv(i64::from)),
        Kind::U32 => Tensor::from(read::<u32>(bytes)?),
        Kind::Bool => Tensor::from(read::<bool>(bytes)?),
    })
}

/// Loads a `.npy` file (`np.load`), keeping its dtype and shape.
///
/// # Errors
/// If the file cannot be read, is truncated or corrupt (its header's shape and dtype must
/// account for exactly the bytes after it), or holds an unsupported dtype.
pub fn load_npy(path: impl AsRef<Path>) -> Result<Tensor> {
    let path = path.as_ref();
    let buf = std::fs::read(path).map_err(|e| io_error("io::load_npy", path, e.to_string()))?;
    decode(&buf).map_err(|m| io_error("io::load_npy", path, m))
}

/// Saves the leaves of a tree as a `.npz` archive (`np.savez`, uncompressed), each under its
/// [`leaf_names`](super::leaf_names) path; `np.load(path)["layers.0.w"]` reads one back. The
/// file is replaced atomically, as by [`save`](super::save).
///
/// # Errors
/// If a leaf is traced, two leaves share a name, or the file cannot be written.
pub fn save_npz<T: Tree>(path: impl AsRef<Path>, tree: &T) -> Result<()> {
    let path = path.as_ref();
    let op = "io::save_npz";
    let mut npz = NpzWriter::new(Cursor::new(Vec::new()));
    for (name, x) in named_leaves(op, path, tree)? {
        let a = x.try_stored_value(op)?;
        add(&mut npz, &name, &a).map_err(|m| io_error(op, path, m))?;
    }
    let buf = npz
        .finish()
        .map_err(|e| io_error(op, path, e.to_string()))?;
    write_atomically(op, path, &buf.into_inner())
}

fn add_one<T: Element + WritableElement, W: Write + Seek>(
    npz: &mut NpzWriter<W>,
    name: &str,
    a: &Array,
) -> std::result::Result<(), String> {
    let v = a.view::<T>("io::save_npz").map_err(|e| e.to_string())?;
    npz.add_array(name, &*v).map_err(|e| e.to_string())
}

fn add<W: Write + Seek>(
    npz: &mut NpzWriter<W>,
    name: &str,
    a: &Array,
) -> std::result::Result<(), String> {
    match a.dtype() {
        DType::F64 => add_one::<f64, W>(npz, name, a),
        DType::F32 => add_one::<f32, W>(npz, name, a),
        DType::I64 => add_one::<i64, W>(npz, name, a),
        DType::U32 => add_one::<u32, W>(npz, name, a),
        DType::Bool => add_one::<bool, W>(npz, name, a),
    }
}

/// Every array in a `.npz` archive, by name (without the `.npy` suffix).
///
/// # Errors
/// If the file cannot be read, is not a valid zip archive (truncated or corrupt), is
/// compressed, or holds an invalid or unsupported array.
pub fn load_npz(path: impl AsRef<Path>) -> Result<BTreeMap<String, Tensor>> {
    let path = path.as_ref();
    let op = "io::load_npz";
    let buf = std::fs::read(path).map_err(|e| io_error(op, path, e.to_string()))?;
    let mut zip = zip::ZipArchive::new(Cursor::new(&buf[..])).map_err(|e| {
        io_error(
            op,
            path,
            format!("not a valid .npz archive (truncated or corrupt?): {e}"),
        )
    })?;
    let mut out = BTreeMap::new();
    for i in 0..zip.len() {
        let mut file = zip
            .by_index(i)
            .map_err(|e| io_error(op, path, format!("entry {i}: {e} (compressed archives, as np.savez_compressed writes, are not supported; use np.savez)")))?;
        let name = file.name().to_string();
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)
            .map_err(|e| io_error(op, path, format!("entry {name:?}: {e}")))?;
        let t = decode(&bytes).map_err(|m| io_error(op, path, format!("entry {name:?}: {m}")))?;
        let key = name.strip_suffix(".npy").unwrap_or(&name).to_string();
        out.insert(key, t);
    }
    Ok(out)
}

/// Reads a `.npz` archive written by [`save_npz`] into the shape of `template`, with the
/// checks of [`load`](super::load).
///
/// # Errors
/// As [`load_npz`] and [`load`](super::load).
pub fn load_npz_as<T: Tree>(path: impl AsRef<Path>, template: &T) -> Result<T> {
    let path = path.as_ref();
    from_map("io::load_npz", path, template, load_npz(path)?)
}
