//! Element types. Generic kernels are written for `T: Element` (or [`Float`]); the crate's
//! `dispatch!` macro (see the crate docs) turns a [`DType`] into `T` once per call, and
//! [`Array::view`](crate::Array::view) picks the storage.

use ndarray::{ArcArray, IxDyn};
use std::fmt;

use crate::array::{Array, Data, Store};

/// The element type of an array.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DType {
    Bool,
    U32,
    I64,
    F32,
    F64,
}

impl DType {
    /// True for `F32` and `F64`: the dtypes that can be differentiated.
    pub fn is_float(self) -> bool {
        matches!(self, DType::F32 | DType::F64)
    }

    /// The dtype NumPy would give a binary operation on `self` and `other`
    /// (bool < u32 < i64 < f32 < f64; an integer with a float gives that float).
    pub fn promote(self, other: DType) -> DType {
        self.max(other)
    }

    /// Bytes per element (NumPy's `itemsize`).
    pub fn size_of(self) -> usize {
        match self {
            DType::Bool => 1,
            DType::U32 | DType::F32 => 4,
            DType::I64 | DType::F64 => 8,
        }
    }

    /// NumPy's name for the dtype.
    pub fn name(self) -> &'static str {
        match self {
            DType::Bool => "bool",
            DType::U32 => "uint32",
            DType::I64 => "int64",
            DType::F32 => "float32",
            DType::F64 => "float64",
        }
    }
}

impl fmt::Display for DType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A type that can be stored in an [`Array`].
pub trait Element: Copy + Send + Sync + PartialOrd + fmt::Debug + 'static {
    /// The matching dtype.
    const DTYPE: DType;
    /// Wraps an ndarray array of this type.
    fn wrap(a: ArcArray<Self, IxDyn>) -> Array {
        Self::wrap_store(Store::from_shared(a))
    }
    /// Wraps storage of this type.
    fn wrap_store(s: Store<Self>) -> Array;
    /// The storage of `a` if it holds this type (see [`Array::view`] for the logical view).
    fn storage(a: &Array) -> Option<&Store<Self>>;
    /// Mutable access to storage of this type.
    #[doc(hidden)]
    fn storage_mut(d: &mut Data) -> Option<&mut Store<Self>>;
    /// Converts from f64 (used for constants such as fill values).
    fn from_f64(x: f64) -> Self;
    /// Converts to f64 (used for printing and comparisons in tests).
    fn to_f64(self) -> f64;
    /// Converts from i64 as Rust's `as` does: integers wrap (NumPy's `astype` of `-1` to
    /// uint32 is 4294967295), floats round once, bool is `x != 0`.
    fn from_i64(x: i64) -> Self;
    /// Converts to i64 as Rust's `as` does (exact for bool, uint32 and int64).
    fn to_i64(self) -> i64;
}

macro_rules! element {
    ($t:ty, $variant:ident, $from:expr, $to:expr, $from_i:expr, $to_i:expr) => {
        impl Element for $t {
            const DTYPE: DType = DType::$variant;
            fn wrap_store(s: Store<Self>) -> Array {
                Array::from_data(Data::$variant(s))
            }
            fn storage(a: &Array) -> Option<&Store<Self>> {
                match a.data() {
                    Data::$variant(x) => Some(x),
                    _ => None,
                }
            }
            fn storage_mut(d: &mut Data) -> Option<&mut Store<Self>> {
                match d {
                    Data::$variant(x) => Some(x),
                    _ => None,
                }
            }
            fn from_f64(x: f64) -> Self {
                ($from)(x)
            }
            fn to_f64(self) -> f64 {
                ($to)(self)
            }
            fn from_i64(x: i64) -> Self {
                ($from_i)(x)
            }
            fn to_i64(self) -> i64 {
                ($to_i)(self)
            }
        }
    };
}
element!(
    f32,
    F32,
    |x: f64| x as f32,
    |x: f32| x as f64,
    |x: i64| x as f32,
    |x: f32| x as i64
);
element!(
    f64,
    F64,
    |x: f64| x,
    |x: f64| x,
    |x: i64| x as f64,
    |x: f64| x as i64
);
element!(
    i64,
    I64,
    |x: f64| x as i64,
    |x: i64| x as f64,
    |x: i64| x,
    |x: i64| x
);
element!(
    u32,
    U32,
    |x: f64| x as u32,
    |x: u32| x as f64,
    |x: i64| x as u32,
    |x: u32| x as i64
);
element!(
    bool,
    Bool,
    |x: f64| x != 0.0,
    |x: bool| if x { 1.0 } else { 0.0 },
    |x: i64| x != 0,
    |x: bool| x as i64
);

/// A floating-point element: the dtypes that carry derivatives.
pub trait Float:
    Element + num_traits::Float + num_traits::FloatConst + std::iter::Sum + Default
{
}
impl Float for f32 {}
impl Float for f64 {}
