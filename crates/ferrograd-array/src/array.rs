//! [`Array`]: immutable, cheaply cloned, dtype-erased n-dimensional storage.
//!
//! Invariant: when `bcast` is `Some(shape)`, `data` has the same rank as `shape` and every
//! axis of `data` is 1 or equal to `shape`'s; the logical array is `data` broadcast to `shape`
//! (a zero-copy view with stride 0 on the broadcast axes).
//!
//! The storage and view metadata sit behind one `Arc`, so an `Array` is one pointer wide:
//! tensors move and clone as 8 bytes plus a refcount, which is most of the cost of eager
//! dispatch on small arrays. A 0-d array holds its value inline ([`Store::Scalar`]): one
//! allocation instead of three (ndarray's buffer and its refcount), since scalar code makes
//! several per operation.

use std::fmt;
use std::sync::Arc;

use ndarray::{ArcArray, ArrayD, ArrayViewD, IxDyn};

use crate::shape::{self, Shape};
use crate::{DType, Element, Error, Result};

/// One dtype's storage: an ndarray, or the value of a 0-d array held inline.
///
/// Invariant: a 0-d array is always `Scalar` ([`Element::wrap`] converts), so the two never
/// describe the same array.
#[derive(Clone, Debug)]
pub enum Store<T> {
    Nd(ArcArray<T, IxDyn>),
    Scalar(T),
}

impl<T: Element> Store<T> {
    /// The storage of `a`, 0-d arrays becoming `Scalar`.
    pub(crate) fn from_shared(a: ArcArray<T, IxDyn>) -> Self {
        match a.ndim() {
            0 => Store::Scalar(*a.first().expect("a 0-d array has one element")),
            _ => Store::Nd(a),
        }
    }

    fn shape(&self) -> &[usize] {
        match self {
            Store::Nd(x) => x.shape(),
            Store::Scalar(_) => &[],
        }
    }

    fn view(&self) -> ArrayViewD<'_, T> {
        match self {
            Store::Nd(x) => x.view(),
            Store::Scalar(v) => ArrayViewD::from_shape(IxDyn(&[]), std::slice::from_ref(v))
                .expect("one element fills shape ()"),
        }
    }

    /// As an ndarray (a 0-d one is built for a scalar).
    fn to_shared(&self) -> ArcArray<T, IxDyn> {
        match self {
            Store::Nd(x) => x.clone(),
            Store::Scalar(v) => ndarray::arr0(*v).into_dyn().into_shared(),
        }
    }
}

/// The storage of an [`Array`], one variant per dtype.
#[derive(Clone, Debug)]
pub enum Data {
    Bool(Store<bool>),
    U32(Store<u32>),
    I64(Store<i64>),
    F32(Store<f32>),
    F64(Store<f64>),
}

/// An immutable n-dimensional array of one [`DType`]; `clone` is a reference-count bump.
#[derive(Clone)]
pub struct Array {
    inner: Arc<Inner>,
}

struct Inner {
    data: Data,
    /// Boxed: views are rare, and a smaller `Inner` is moved into its `Arc` without `memcpy`.
    bcast: Option<Box<Shape>>,
}

impl Drop for Inner {
    /// Gives storage that nothing else shares to the buffer cache ([`crate::buffer`]).
    fn drop(&mut self) {
        fn give_back<T: Element>(s: &mut Store<T>) {
            let Store::Nd(a) = s else { return };
            if !a.is_unique() || a.len() * std::mem::size_of::<T>() < crate::buffer::MIN_BYTES {
                return;
            }
            let Store::Nd(a) = std::mem::replace(s, Store::Scalar(T::from_f64(0.0))) else {
                unreachable!("matched above")
            };
            if let Ok(owned) = a.try_into_owned_nocopy() {
                crate::buffer::recycle(owned.into_raw_vec_and_offset().0);
            }
        }
        match &mut self.data {
            Data::Bool(s) => give_back(s),
            Data::U32(s) => give_back(s),
            Data::I64(s) => give_back(s),
            Data::F32(s) => give_back(s),
            Data::F64(s) => give_back(s),
        }
    }
}

impl fmt::Debug for Array {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Array")
            .field("data", &self.inner.data)
            .field("bcast", &self.inner.bcast)
            .finish()
    }
}

impl Array {
    pub(crate) fn from_data(data: Data) -> Self {
        Array {
            inner: Arc::new(Inner { data, bcast: None }),
        }
    }

    pub(crate) fn data(&self) -> &Data {
        &self.inner.data
    }

    /// The storage as `T`; only called with `T` from `dispatch!` on this array's dtype.
    fn store<T: Element>(&self) -> &Store<T> {
        T::storage(self).expect("dispatch! gave this array's own dtype")
    }

    pub(crate) fn logical_view<'a, T: Element>(&'a self, x: &'a Store<T>) -> ArrayViewD<'a, T> {
        match (&self.inner.bcast, x) {
            (None, x) => x.view(),
            (Some(s), Store::Nd(x)) => x
                .broadcast(IxDyn(s))
                .expect("Array invariant: broadcast storage fits its shape"),
            // A broadcast's storage has the target's rank, and a 0-d target is never a view.
            (Some(_), Store::Scalar(_)) => {
                unreachable!("Array invariant: broadcast of 0-d storage")
            }
        }
    }

    /// Wraps an owned ndarray array.
    pub fn from_ndarray<T: Element>(a: ArrayD<T>) -> Self {
        T::wrap(a.into_shared())
    }

    /// Wraps a shared ndarray array (no copy).
    pub fn from_shared<T: Element>(a: ArcArray<T, IxDyn>) -> Self {
        T::wrap(a)
    }

    /// An array of `shape` from row-major `values`.
    pub fn from_vec<T: Element>(shape: &[usize], values: Vec<T>) -> Result<Self> {
        let n = values.len();
        ArrayD::from_shape_vec(IxDyn(shape), values)
            .map(Self::from_ndarray)
            .map_err(|_| {
                Error::invalid(
                    "array",
                    format!(
                        "{n} values cannot fill shape {shape:?} ({} elements)",
                        shape::size(shape)
                    ),
                )
            })
    }

    /// A 0-d array.
    pub fn scalar<T: Element>(x: T) -> Self {
        T::wrap_store(Store::Scalar(x))
    }

    /// The element of a 0-d array held as `T`, or `None` (other rank or dtype): the entry to
    /// the kernels' scalar fast paths, which skip building views and iterators.
    pub fn as_scalar<T: Element>(&self) -> Option<T> {
        match T::storage(self) {
            Some(Store::Scalar(v)) if self.inner.bcast.is_none() => Some(*v),
            _ => None,
        }
    }

    /// An array of `shape` filled with `value` converted to `dtype`.
    pub fn full(shape: &[usize], value: f64, dtype: DType) -> Self {
        fn fill<T: Element>(shape: &[usize], v: f64) -> Array {
            if shape.is_empty() {
                return Array::scalar(T::from_f64(v));
            }
            let values = crate::buffer::filled(shape::size(shape), T::from_f64(v));
            Array::from_ndarray(ArrayD::from_shape_vec(IxDyn(shape), values).expect("same size"))
        }
        dispatch!(dtype, T => fill::<T>(shape, value))
    }

    /// Zeros of `shape` and `dtype`.
    pub fn zeros(shape: &[usize], dtype: DType) -> Self {
        Self::full(shape, 0.0, dtype)
    }

    /// The element type. (The storage enum's own variant-to-dtype table; every other
    /// per-dtype choice goes through `dispatch!`.)
    pub fn dtype(&self) -> DType {
        match &self.inner.data {
            Data::Bool(_) => DType::Bool,
            Data::U32(_) => DType::U32,
            Data::I64(_) => DType::I64,
            Data::F32(_) => DType::F32,
            Data::F64(_) => DType::F64,
        }
    }

    /// The logical shape.
    pub fn shape(&self) -> &[usize] {
        if let Some(s) = &self.inner.bcast {
            return s;
        }
        dispatch!(self.dtype(), T => self.store::<T>().shape())
    }

    /// Number of axes.
    pub fn ndim(&self) -> usize {
        self.shape().len()
    }

    /// Number of elements.
    pub fn size(&self) -> usize {
        shape::size(self.shape())
    }

    /// The logical view as `T`, or a dtype error naming `op`.
    pub fn view<T: Element>(&self, op: &'static str) -> Result<ArrayViewD<'_, T>> {
        T::storage(self)
            .map(|x| self.logical_view(x))
            // `ok_or_else`: building the error allocates, and this runs in every kernel.
            .ok_or_else(|| Error::DTypeMismatch {
                op,
                expected: T::DTYPE.name().to_string(),
                got: self.dtype(),
            })
    }

    /// How many elements are stored: fewer than [`Array::size`] for a broadcast view (1 for a
    /// broadcast scalar).
    pub fn stored_len(&self) -> usize {
        fn go<T: Element>(a: &Array) -> usize {
            match a.store::<T>() {
                Store::Nd(x) => x.len(),
                Store::Scalar(_) => 1,
            }
        }
        dispatch!(self.dtype(), T => go::<T>(self))
    }

    /// The address of the stored elements: equal for arrays sharing storage (views of one
    /// buffer), so that memory can be counted once per buffer.
    pub fn storage_address(&self) -> usize {
        fn go<T: Element>(a: &Array) -> usize {
            match a.store::<T>() {
                Store::Nd(x) => x.as_ptr() as usize,
                Store::Scalar(x) => x as *const T as usize,
            }
        }
        dispatch!(self.dtype(), T => go::<T>(self))
    }

    /// The value of every element, as f64, when one element is stored (a scalar, or a
    /// broadcast of one); `None` otherwise and for empty arrays.
    pub fn splat_value(&self) -> Option<f64> {
        fn go<T: Element>(a: &Array) -> Option<f64> {
            match a.store::<T>() {
                Store::Nd(x) if x.len() == 1 && a.size() > 0 => x.first().map(|v| v.to_f64()),
                Store::Nd(_) => None,
                Store::Scalar(v) => Some(v.to_f64()),
            }
        }
        dispatch!(self.dtype(), T => go::<T>(self))
    }

    /// True when the elements are stored in row-major order with no gaps or broadcast axes.
    pub fn is_row_major(&self) -> bool {
        fn go<T: Element>(a: &Array) -> bool {
            a.row_major_slice::<T>().is_some()
        }
        dispatch!(self.dtype(), T => go::<T>(self))
    }

    /// The elements in row-major order when they are stored that way and are `T`s.
    pub fn row_major_slice<T: Element>(&self) -> Option<&[T]> {
        if self.inner.bcast.is_some() {
            return None;
        }
        match T::storage(self)? {
            Store::Nd(a) => a.as_slice(),
            Store::Scalar(v) => Some(std::slice::from_ref(v)),
        }
    }

    /// The elements, row-major and writable, when this array is the only holder of its
    /// storage (no clone of it and no view of its buffer is alive) and stores `T`s in
    /// row-major order; `None` otherwise. Lets a kernel write its output over an input
    /// that nobody else can observe.
    pub fn unique_slice_mut<T: Element>(&mut self) -> Option<&mut [T]> {
        let inner = Arc::get_mut(&mut self.inner)?;
        if inner.bcast.is_some() {
            return None;
        }
        match T::storage_mut(&mut inner.data)? {
            Store::Nd(a) if a.is_unique() && a.is_standard_layout() => a.as_slice_mut(),
            Store::Nd(_) => None,
            Store::Scalar(v) => Some(std::slice::from_mut(v)),
        }
    }

    /// A shared ndarray holding the logical array (copies only if this array is a broadcast).
    pub fn to_shared<T: Element>(&self, op: &'static str) -> Result<ArcArray<T, IxDyn>> {
        if self.inner.bcast.is_none() {
            if let Some(x) = T::storage(self) {
                return Ok(x.to_shared());
            }
        }
        Ok(crate::kernels::layout::to_standard(self.view::<T>(op)?).into_shared())
    }

    /// Values in row-major order, converted to f64 (for printing and tests).
    pub fn to_f64_vec(&self) -> Vec<f64> {
        fn conv<T: Element>(a: &Array) -> Vec<f64> {
            a.view::<T>("to_vec")
                .expect("dtype matched")
                .iter()
                .map(|x| x.to_f64())
                .collect()
        }
        dispatch!(self.dtype(), T => conv::<T>(self))
    }

    /// Zero-copy broadcast: axis `i` of `self` becomes axis `dims[i]` of `shape`; each of
    /// `self`'s axes must be 1 or equal to its target. This is `broadcast_in_dim`'s kernel.
    pub fn broadcast_in_dim(&self, shape: &[usize], dims: &[usize]) -> Result<Self> {
        let op = "broadcast_in_dim";
        let src = self.shape();
        let fits = dims.len() == src.len()
            && dims.windows(2).all(|w| w[0] < w[1])
            && dims
                .iter()
                .zip(src)
                .all(|(&d, &n)| d < shape.len() && (n == 1 || n == shape[d]));
        if !fits {
            return Err(Error::ShapeMismatch {
                op,
                lhs: src.to_vec(),
                rhs: shape.to_vec(),
                hint: "each axis must map, in order, onto an equal or broadcastable (size-1) axis",
            });
        }
        if src == shape {
            return Ok(self.clone());
        }
        // Insert size-1 axes so storage and target have the same rank, then record the view.
        let mut expanded = vec![1usize; shape.len()];
        for (&d, &n) in dims.iter().zip(src) {
            expanded[d] = n;
        }
        let base = self.materialize().reshape_storage(&expanded)?;
        Ok(Array {
            inner: Arc::new(Inner {
                data: base.inner.data.clone(),
                bcast: Some(Box::new(Shape::from_slice(shape))),
            }),
        })
    }

    /// The same logical array with its own storage (no broadcast view).
    pub fn materialize(&self) -> Self {
        if self.inner.bcast.is_none() {
            return self.clone();
        }
        fn own<T: Element>(a: &Array) -> Array {
            Array::from_ndarray(crate::kernels::layout::to_standard(
                a.view::<T>("materialize").expect("dtype matched"),
            ))
        }
        dispatch!(self.dtype(), T => own::<T>(self))
    }

    /// Reshape of non-broadcast storage (copies into row-major order when needed).
    fn reshape_storage(&self, shape: &[usize]) -> Result<Self> {
        fn go<T: Element>(x: &Store<T>, shape: &[usize]) -> Result<Array> {
            let x = x.to_shared();
            let std = if x.is_standard_layout() {
                x
            } else {
                crate::kernels::layout::to_standard(x.view()).into_shared()
            };
            std.into_shape_with_order(IxDyn(shape))
                .map(T::wrap)
                .map_err(|e| Error::invalid("reshape", e.to_string()))
        }
        dispatch!(self.dtype(), T => go(self.store::<T>(), shape))
    }
}
