//! Arrays to and from safetensors' raw layout: row-major, little-endian, bool as one byte
//! (0 or 1).

use ferrograd_core::{Array, DType, Result, Tensor};
use safetensors::tensor::Dtype;

fn le<T: ferrograd_array::Element, const N: usize>(
    a: &Array,
    f: impl Fn(T) -> [u8; N],
) -> Result<Vec<u8>> {
    Ok(a.view::<T>("io::save")?
        .iter()
        .flat_map(|&x| f(x))
        .collect())
}

/// The dtype tag and bytes of an array.
pub(super) fn to_le_bytes(a: &Array) -> Result<(Dtype, Vec<u8>)> {
    Ok(match a.dtype() {
        DType::F64 => (Dtype::F64, le(a, f64::to_le_bytes)?),
        DType::F32 => (Dtype::F32, le(a, f32::to_le_bytes)?),
        DType::I64 => (Dtype::I64, le(a, i64::to_le_bytes)?),
        DType::U32 => (Dtype::U32, le(a, u32::to_le_bytes)?),
        DType::Bool => (Dtype::BOOL, le(a, |b: bool| [u8::from(b)])?),
    })
}

/// Splits `data` into `N`-byte words decoded by `f`.
fn words<T, const N: usize>(data: &[u8], f: impl Fn([u8; N]) -> T) -> Vec<T> {
    data.chunks_exact(N)
        .map(|c| {
            let mut w = [0u8; N];
            w.copy_from_slice(c);
            f(w)
        })
        .collect()
}

/// A tensor from a safetensors dtype, shape and data; the message says what is wrong.
pub(super) fn from_le_bytes(
    dtype: Dtype,
    shape: &[usize],
    data: &[u8],
) -> std::result::Result<Tensor, String> {
    let n = shape
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .ok_or_else(|| format!("shape {shape:?} overflows"))?;
    let size = match dtype {
        Dtype::F64 | Dtype::I64 => 8,
        Dtype::F32 | Dtype::U32 => 4,
        Dtype::BOOL => 1,
        other => {
            return Err(format!(
                "dtype {other:?} has no ferrograd counterpart (float32, float64, int64, uint32 and bool are supported); convert it before saving"
            ))
        }
    };
    if n.checked_mul(size) != Some(data.len()) {
        return Err(format!(
            "{} bytes of data for {n} elements of {size} bytes",
            data.len()
        ));
    }
    let t = match dtype {
        Dtype::F64 => Tensor::try_from_vec(words(data, f64::from_le_bytes), shape),
        Dtype::F32 => Tensor::try_from_vec(words(data, f32::from_le_bytes), shape),
        Dtype::I64 => Tensor::try_from_vec(words(data, i64::from_le_bytes), shape),
        Dtype::U32 => Tensor::try_from_vec(words(data, u32::from_le_bytes), shape),
        _ => {
            if let Some(b) = data.iter().find(|&&b| b > 1) {
                return Err(format!(
                    "bool data holds the byte {b:#04x} (only 0 and 1 are valid)"
                ));
            }
            Tensor::try_from_vec(data.iter().map(|&b| b == 1).collect::<Vec<_>>(), shape)
        }
    };
    t.map_err(|e| e.to_string())
}
