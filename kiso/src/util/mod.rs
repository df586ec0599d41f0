//! Small pieces shared across kiso.

pub(crate) mod atomic_waker;
#[cfg(feature = "rt")]
pub(crate) mod idle_notified_set;
pub(crate) mod linked_list;
pub(crate) mod rand;

use std::ops::DerefMut;
use std::pin::Pin;

/// `Pin<&mut Pin<P>>` to `Pin<&mut P::Target>` (what `Pin::as_deref_mut`
/// does on newer compilers).
#[allow(dead_code)]
pub(crate) fn pin_as_deref_mut<P: DerefMut>(pin: Pin<&mut Pin<P>>) -> Pin<&mut P::Target> {
    // SAFETY: the inner `Pin<P>` guarantees its target is pinned; we only
    // reborrow it, never move it.
    unsafe { pin.get_unchecked_mut() }.as_mut()
}

/// Keeps `T` on cache lines of its own (128 bytes covers the adjacent-line
/// prefetcher of x86 and the line size of recent ARM cores), so writes to it
/// do not slow down readers of its neighbours.
#[repr(align(128))]
#[derive(Debug, Default)]
pub(crate) struct CachePadded<T>(pub(crate) T);

/// Keeps `T` on a 64-byte cache line of its own: for arrays of small items
/// written from different cores, where `CachePadded`'s 128 bytes would cost
/// too much memory.
#[repr(align(64))]
#[derive(Debug, Default)]
pub(crate) struct CacheLine<T>(pub(crate) T);

impl<T> std::ops::Deref for CacheLine<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> std::ops::Deref for CachePadded<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}
