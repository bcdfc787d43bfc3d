//! Saving and loading parameter trees: [`save`] / [`load`] in the safetensors format, and
//! NumPy's `.npy` / `.npz` ([`save_npy`], [`load_npy`], [`save_npz`], [`load_npz`]).
//!
//! A tree's leaves are stored under their paths ([`leaf_names`]): struct fields, map keys and
//! list or tuple indices joined by dots, e.g. `layers.0.w`. Loading takes a template tree (the
//! model the file is for) and checks every name, shape and dtype against it; on any mismatch,
//! or for a file that is truncated or corrupt, it returns an [`Error::Io`] that names the file
//! and the problem, and the caller's parameters are untouched (nothing is returned, or with
//! [`load_into`], nothing is assigned). Values round-trip bit-exactly.
//!
//! ```
//! use ferrograd::{io, nn, random};
//! let model = nn::Mlp::new(&random::key(0), &[2, 3, 1], nn::Activation::Tanh);
//! let path = std::env::temp_dir().join("ferrograd-doc-io.safetensors");
//! io::save(&path, &model).unwrap();
//! let other = nn::Mlp::new(&random::key(1), &[2, 3, 1], nn::Activation::Tanh);
//! let loaded = io::load(&path, &other).unwrap();
//! assert_eq!(loaded.layers[1].w.to_vec(), model.layers[1].w.to_vec());
//! // A template of other shapes is refused.
//! let wider = nn::Mlp::new(&random::key(1), &[2, 4, 1], nn::Activation::Tanh);
//! assert!(io::load(&path, &wider).is_err());
//! # std::fs::remove_file(&path).unwrap();
//! ```

mod atomic;
mod bytes;
mod npy;
mod npy_header;

pub(crate) use atomic::write_atomically;
pub use npy::{load_npy, load_npz, load_npz_as, save_npy, save_npz};

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use ferrograd_core::tree::{leaves, rebuild};
use ferrograd_core::{Error, Result, Tensor, Tree, TreeDef};
use safetensors::tensor::{Dtype, Metadata, View};

/// An [`Error::Io`] for `path`.
pub(crate) fn io_error(op: &'static str, path: &Path, msg: impl Into<String>) -> Error {
    Error::Io {
        op,
        path: path.display().to_string(),
        msg: msg.into(),
    }
}

/// The storage names of a tree's leaves, in leaf order: the path of struct fields, map keys
/// and list/tuple indices joined by `.` (a lone tensor is `"tensor"`).
///
/// ```
/// use std::collections::BTreeMap;
/// use ferrograd::{io, Tensor};
/// let t = (BTreeMap::from([("w".to_string(), Tensor::from(1.0))]), vec![Tensor::from(2.0)]);
/// assert_eq!(io::leaf_names(&t), vec!["0.w", "1.0"]);
/// ```
pub fn leaf_names<T: Tree>(tree: &T) -> Vec<String> {
    let mut out = Vec::new();
    names_into(&tree.tree_def(), "", &mut out);
    out
}

fn names_into(def: &TreeDef, prefix: &str, out: &mut Vec<String>) {
    let join = |k: &str| {
        if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}.{k}")
        }
    };
    match def {
        TreeDef::Leaf if prefix.is_empty() => out.push("tensor".to_string()),
        TreeDef::Leaf => out.push(prefix.to_string()),
        TreeDef::Empty => {}
        TreeDef::Tuple(v) | TreeDef::List(v) => {
            for (i, d) in v.iter().enumerate() {
                names_into(d, &join(&i.to_string()), out);
            }
        }
        TreeDef::Map(kv) => kv.iter().for_each(|(k, d)| names_into(d, &join(k), out)),
        TreeDef::Struct { fields, .. } => fields
            .iter()
            .for_each(|(k, d)| names_into(d, &join(k), out)),
    }
}

/// Names and concrete leaves of `tree`, refusing duplicate names (e.g. a map key "a.b" next
/// to a nested "a" → "b").
pub(crate) fn named_leaves<T: Tree>(
    op: &'static str,
    path: &Path,
    tree: &T,
) -> Result<Vec<(String, Tensor)>> {
    let names = leaf_names(tree);
    let mut seen = std::collections::BTreeSet::new();
    for n in &names {
        if !seen.insert(n.as_str()) {
            return Err(io_error(op, path, format!("two leaves would be stored under the name {n:?}; rename a map key so the dotted paths differ")));
        }
    }
    Ok(names.into_iter().zip(leaves(tree)).collect())
}

/// A leaf's bytes in safetensors' layout (row-major, little-endian).
struct Raw {
    dtype: Dtype,
    shape: Vec<usize>,
    data: Vec<u8>,
}

impl View for &Raw {
    fn dtype(&self) -> Dtype {
        self.dtype
    }
    fn shape(&self) -> &[usize] {
        &self.shape
    }
    fn data(&self) -> Cow<'_, [u8]> {
        Cow::Borrowed(&self.data)
    }
    fn data_len(&self) -> usize {
        self.data.len()
    }
}

/// Writes the leaves of `tree` to a safetensors file at `path` (replacing it), under their
/// [`leaf_names`]. The file is written to a temporary file next to `path`, flushed to disk and
/// then renamed over `path`, so readers and concurrent savers see the old file or a new one,
/// whole, and a failed save leaves the old file and no temporary file.
///
/// # Errors
/// If a leaf is traced, two leaves share a name, or the file cannot be written.
pub fn save<T: Tree>(path: impl AsRef<Path>, tree: &T) -> Result<()> {
    let path = path.as_ref();
    let mut raws = Vec::new();
    for (name, x) in named_leaves("io::save", path, tree)? {
        let a = x.try_stored_value("io::save")?;
        let (dtype, data) = bytes::to_le_bytes(&a)?;
        let shape = a.shape().to_vec();
        raws.push((name, Raw { dtype, shape, data }));
    }
    let meta = HashMap::from([("format".to_string(), "ferrograd".to_string())]);
    let views = raws.iter().map(|(n, r)| (n.as_str(), r));
    let buf = safetensors::serialize(views, Some(meta))
        .map_err(|e| io_error("io::save", path, e.to_string()))?;
    write_atomically("io::save", path, &buf)
}

/// Every tensor in a safetensors file, by name.
///
/// # Errors
/// If the file cannot be read, is not a valid safetensors file (truncated, corrupt header,
/// offsets out of range), or holds a dtype ferrograd has no counterpart for (f16, i32, …).
pub fn load_tensors(path: impl AsRef<Path>) -> Result<BTreeMap<String, Tensor>> {
    let path = path.as_ref();
    let op = "io::load";
    let buf = std::fs::read(path).map_err(|e| io_error(op, path, e.to_string()))?;
    let (meta, data) = split_safetensors(&buf).map_err(|m| {
        io_error(
            op,
            path,
            format!("not a valid safetensors file (truncated or corrupt?): {m}"),
        )
    })?;
    // In file order, so that the first problem reported does not vary from run to run.
    meta.offset_keys()
        .into_iter()
        .filter_map(|name| meta.info(&name).map(|info| (name, info)))
        .map(|(name, info)| {
            let (start, end) = info.data_offsets;
            let t = data
                .get(start..end)
                .ok_or_else(|| format!("offsets {start}..{end} lie outside the data"))
                .and_then(|bytes| bytes::from_le_bytes(info.dtype, &info.shape, bytes))
                .map_err(|msg| io_error(op, path, format!("tensor {name:?}: {msg}")))?;
            Ok((name, t))
        })
        .collect()
}

/// The header and data of a safetensors file, checked so that every tensor's offsets lie
/// inside the data. The header is parsed here rather than by `SafeTensors::deserialize`,
/// which adds the header length to the data's claimed end unchecked: offsets summing to near
/// 2^64 overflow there (a panic in debug builds).
fn split_safetensors(buf: &[u8]) -> std::result::Result<(Metadata, &[u8]), String> {
    let len_bytes: [u8; 8] = buf
        .get(..8)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| {
            format!(
                "{} bytes is shorter than the 8-byte header length",
                buf.len()
            )
        })?;
    let n = u64::from_le_bytes(len_bytes);
    let header = usize::try_from(n)
        .ok()
        .and_then(|n| n.checked_add(8))
        .and_then(|end| buf.get(8..end))
        .ok_or_else(|| {
            format!(
                "the header length {n} points past the end of the file ({} bytes)",
                buf.len()
            )
        })?;
    let data = &buf[8 + header.len()..];
    // Deserializing checks that the tensors tile [0, data_len) in order, each of the size its
    // dtype and shape give (with checked arithmetic).
    let meta: Metadata = serde_json::from_slice(header).map_err(|e| format!("bad header: {e}"))?;
    if meta.data_len() != data.len() {
        return Err(format!(
            "the header describes {} bytes of data but the file holds {}",
            meta.data_len(),
            data.len()
        ));
    }
    Ok((meta, data))
}

/// Reads a tree saved by [`save`] into the shape of `template`: every leaf of the template
/// must be in the file under its name with the same shape and dtype, and the file may hold
/// nothing else. Returns the new tree; `template` is not changed.
///
/// # Errors
/// See [`load_tensors`], plus a missing or extra tensor, or a shape or dtype that differs
/// from the template's (the message lists each difference).
pub fn load<T: Tree>(path: impl AsRef<Path>, template: &T) -> Result<T> {
    let path = path.as_ref();
    from_map("io::load", path, template, load_tensors(path)?)
}

/// [`load`] into `params`, which are replaced only if the whole file loads.
///
/// # Errors
/// As [`load`]; `params` are then unchanged.
pub fn load_into<T: Tree>(path: impl AsRef<Path>, params: &mut T) -> Result<()> {
    *params = load(path, params)?;
    Ok(())
}

/// The tree shaped like `template` with leaves taken from `map` by name, after checking
/// that every name, shape and dtype matches.
pub(crate) fn from_map<T: Tree>(
    op: &'static str,
    path: &Path,
    template: &T,
    mut map: BTreeMap<String, Tensor>,
) -> Result<T> {
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for (name, want) in named_leaves(op, path, template)? {
        match map.remove(&name) {
            None => problems.push(format!(
                "no tensor {name:?} (expected {} {:?})",
                want.dtype(),
                want.shape()
            )),
            Some(got) if got.shape() != want.shape() || got.dtype() != want.dtype() => problems
                .push(format!(
                    "{name:?} is {} {:?} in the file but {} {:?} in the parameters",
                    got.dtype(),
                    got.shape(),
                    want.dtype(),
                    want.shape()
                )),
            Some(got) => out.push(got),
        }
    }
    if !map.is_empty() {
        let extra: Vec<&String> = map.keys().collect();
        problems.push(format!(
            "the file also holds tensors the parameters lack: {extra:?}"
        ));
    }
    if !problems.is_empty() {
        return Err(io_error(
            op,
            path,
            format!(
                "the file does not match the parameters (is it for another model?): {}",
                problems.join("; ")
            ),
        ));
    }
    Ok(rebuild(template, out))
}
