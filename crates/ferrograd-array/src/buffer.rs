//! A per-thread cache of freed array buffers, reused by the next kernel that needs one of
//! about the same size.
//!
//! Eager code frees and allocates buffers of the same few sizes over and over (a training
//! step makes the same arrays every step). Through the system allocator, each large buffer
//! costs a `malloc`, page faults on first touch (the kernel zeroes every page), and a `free`
//! that may hand the pages back (glibc trims the heap and unmaps large blocks). Kept here
//! instead, a buffer's pages stay mapped and warm in cache.
//!
//! Buffers of at least [`MIN_BYTES`] are cached when their array's storage is dropped and
//! nothing else shares it. Each thread keeps at most [`MAX_BUFFERS`] buffers and
//! [`MAX_BYTES`] bytes (the oldest go first); a request takes the most recently freed buffer
//! of its dtype that holds it without wasting more than a quarter of its capacity (the
//! likeliest to be still in the CPU's caches). A buffer freed on one thread is cached on
//! that thread. [`clear`] returns the calling thread's
//! buffers to the system allocator.

use std::cell::RefCell;
use std::mem::size_of;
use std::ptr::NonNull;

use crate::{DType, Element};

/// Buffers smaller than this go straight to the system allocator, whose small-size paths
/// are already fast. Arrays of 512 f64 and more are cached, so that the steady state of a
/// training loop on small batches (W4's 1000×4 activations) and of a compiled call takes
/// every data buffer from the cache.
pub const MIN_BYTES: usize = 4 << 10;
/// Most bytes one thread keeps cached.
pub const MAX_BYTES: usize = 256 << 20;
/// Most buffers one thread keeps cached.
pub const MAX_BUFFERS: usize = 64;

/// One cached buffer: the allocation of a `Vec<T>` of `cap` elements of `dtype`'s type.
struct Cached {
    dtype: DType,
    ptr: NonNull<u8>,
    cap: usize,
    bytes: usize,
}

#[derive(Default)]
struct Cache {
    /// Oldest first.
    buffers: Vec<Cached>,
    bytes: usize,
}

impl Drop for Cache {
    fn drop(&mut self) {
        while let Some(b) = self.buffers.pop() {
            free(b);
        }
    }
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache::default());
}

/// Returns a cached buffer's allocation to the system allocator.
fn free(b: Cached) {
    fn go<T: Element>(b: &Cached) {
        // SAFETY: `b` was made from a `Vec<T>` of capacity `b.cap` with `T::DTYPE == b.dtype`
        // (see `recycle`), and is owned by the cache alone.
        drop(unsafe { Vec::from_raw_parts(b.ptr.as_ptr().cast::<T>(), 0, b.cap) });
    }
    dispatch!(b.dtype, T => go::<T>(&b))
}

/// Whether buffers of `len` elements of `T` go through the cache (else straight to the
/// system allocator).
pub fn is_cached_size<T>(len: usize) -> bool {
    (MIN_BYTES..=MAX_BYTES).contains(&(len * size_of::<T>()))
}

/// An empty vector with capacity for at least `len` elements: a cached buffer when one
/// fits, else a fresh allocation of exactly `len`. Fill it with `extend` or `push`.
pub fn with_capacity<T: Element>(len: usize) -> Vec<T> {
    let bytes = len * size_of::<T>();
    if bytes >= MIN_BYTES {
        let hit = CACHE.try_with(|c| {
            let mut c = c.borrow_mut();
            let fits = |b: &Cached| b.dtype == T::DTYPE && b.cap >= len && b.cap - len <= b.cap / 4;
            // The newest that fits: the most recently freed buffer is the likeliest to be
            // still in the CPU's caches.
            let i = c.buffers.iter().rposition(fits)?;
            let b = c.buffers.remove(i);
            c.bytes -= b.bytes;
            // SAFETY: made from a `Vec<T>` of capacity `b.cap` (see `recycle`); the cache gave
            // up ownership above.
            Some(unsafe { Vec::from_raw_parts(b.ptr.as_ptr().cast::<T>(), 0, b.cap) })
        });
        if let Ok(Some(v)) = hit {
            return v;
        }
    }
    Vec::with_capacity(len)
}

/// `n` copies of `value` in a buffer from [`with_capacity`].
pub fn filled<T: Element>(n: usize, value: T) -> Vec<T> {
    let mut v = with_capacity(n);
    v.resize(n, value);
    v
}

/// Offers `v`'s allocation to the cache (dropped normally when too small or the cache is
/// full of newer buffers).
pub fn recycle<T: Element>(mut v: Vec<T>) {
    let bytes = v.capacity() * size_of::<T>();
    if !(MIN_BYTES..=MAX_BYTES).contains(&bytes) {
        return;
    }
    v.clear();
    let mut v = std::mem::ManuallyDrop::new(v);
    let cached = Cached {
        dtype: T::DTYPE,
        ptr: NonNull::new(v.as_mut_ptr().cast::<u8>()).expect("a Vec's pointer is non-null"),
        cap: v.capacity(),
        bytes,
    };
    let evicted = CACHE.try_with(|c| {
        let mut c = c.borrow_mut();
        let mut evicted = Vec::new();
        while c.buffers.len() >= MAX_BUFFERS || c.bytes + bytes > MAX_BYTES {
            let old = c.buffers.remove(0);
            c.bytes -= old.bytes;
            evicted.push(old);
        }
        c.bytes += bytes;
        c.buffers.push(cached);
        evicted
    });
    match evicted {
        // Freed outside the borrow.
        Ok(evicted) => evicted.into_iter().for_each(free),
        // The thread is exiting and its cache is gone: free the buffer now.
        Err(_) => free(Cached {
            dtype: T::DTYPE,
            ptr: NonNull::new(v.as_mut_ptr().cast::<u8>()).expect("non-null"),
            cap: v.capacity(),
            bytes,
        }),
    }
}

/// Returns every buffer cached by the calling thread to the system allocator.
pub fn clear() {
    let all = CACHE
        .try_with(|c| {
            let mut c = c.borrow_mut();
            c.bytes = 0;
            std::mem::take(&mut c.buffers)
        })
        .unwrap_or_default();
    all.into_iter().for_each(free);
}

/// Bytes cached by the calling thread.
pub fn cached_bytes() -> usize {
    CACHE.try_with(|c| c.borrow().bytes).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_freed_buffer_is_reused_by_a_request_that_fits() {
        clear();
        let v: Vec<f64> = filled(10_000, 1.5);
        let p = v.as_ptr();
        recycle(v);
        assert_eq!(cached_bytes(), 80_000);
        // Another dtype, or a request more than a quarter smaller, does not take it.
        let (other_dtype, too_small) = (with_capacity::<i64>(10_000), with_capacity::<f64>(7_000));
        assert_ne!(other_dtype.as_ptr().cast::<f64>(), p);
        assert_ne!(too_small.as_ptr(), p);
        let w = with_capacity::<f64>(9_000);
        assert_eq!((w.as_ptr(), w.len(), cached_bytes()), (p, 0, 0));
        // Small buffers are not cached.
        recycle(vec![0.0f32; 8]);
        assert_eq!(cached_bytes(), 0);
    }

    #[test]
    fn the_cache_is_bounded() {
        clear();
        for _ in 0..(MAX_BUFFERS + 10) {
            recycle(vec![0u32; MIN_BYTES / 4]);
        }
        assert_eq!(cached_bytes(), MAX_BUFFERS * MIN_BYTES);
        clear();
        assert_eq!(cached_bytes(), 0);
    }
}
