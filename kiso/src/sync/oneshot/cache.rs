//! A short per-thread list of freed channel allocations, for reuse.
//!
//! Every `oneshot::channel()` allocates the shared state of the channel and
//! the last handle to go frees it. Code that makes one channel per request
//! does that allocator round trip once per request, and with the system
//! allocator it is a large part of what a channel costs.
//!
//! Channels whose shared state fits in [`SLOT`] all get blocks of that one
//! layout, so any such block can serve any such channel. A freed block goes
//! to the front of a short list kept by the thread that frees it (up to
//! [`CAPACITY`] blocks; past that it goes back to the allocator), and the next
//! channel created on that thread takes it from there. The list is only
//! touched by its own thread, so it needs no synchronisation; blocks move
//! between threads only the way any heap memory does, through the channel's
//! own synchronised state. The blocks left on a list are freed when its
//! thread exits.

use std::alloc::{alloc, dealloc, handle_alloc_error, Layout};
use std::cell::Cell;
use std::ptr::{self, NonNull};

/// The layout of every cached block.
pub(super) const SLOT: Layout = match Layout::from_size_align(128, 16) {
    Ok(layout) => layout,
    Err(_) => panic!("invalid slot layout"),
};

/// Most blocks one thread keeps.
const CAPACITY: usize = 16;

/// A block on the list; its first word links to the next one.
struct FreeBlock {
    next: *mut FreeBlock,
}

const _: () = assert!(std::mem::size_of::<FreeBlock>() <= SLOT.size());
const _: () = assert!(std::mem::align_of::<FreeBlock>() <= SLOT.align());

struct FreeList {
    head: Cell<*mut FreeBlock>,
    len: Cell<usize>,
}

impl FreeList {
    fn pop(&self) -> Option<NonNull<u8>> {
        let head = NonNull::new(self.head.get())?;
        // SAFETY: blocks on the list are live `SLOT` allocations owned by
        // the list, each holding a `FreeBlock` written by `push`.
        self.head.set(unsafe { (*head.as_ptr()).next });
        self.len.set(self.len.get() - 1);
        Some(head.cast())
    }

    fn push(&self, block: NonNull<u8>) -> bool {
        if self.len.get() == CAPACITY {
            return false;
        }
        let block = block.cast::<FreeBlock>();
        // SAFETY: the caller hands over a live `SLOT` block it no longer
        // uses; a `FreeBlock` fits in it (checked above).
        unsafe { block.as_ptr().write(FreeBlock { next: self.head.get() }) };
        self.head.set(block.as_ptr());
        self.len.set(self.len.get() + 1);
        true
    }
}

impl Drop for FreeList {
    fn drop(&mut self) {
        while let Some(block) = self.pop() {
            // SAFETY: the block came from `alloc(SLOT)` and nothing else
            // refers to it.
            unsafe { dealloc(block.as_ptr(), SLOT) };
        }
    }
}

std::thread_local! {
    static FREE: FreeList = const {
        FreeList {
            head: Cell::new(ptr::null_mut()),
            len: Cell::new(0),
        }
    };
}

/// Whether values of `layout` are allocated as cached blocks.
pub(super) const fn fits(layout: Layout) -> bool {
    layout.size() <= SLOT.size() && layout.align() <= SLOT.align()
}

/// A block of layout [`SLOT`]: a cached one if this thread has one.
pub(super) fn alloc_block() -> NonNull<u8> {
    if let Ok(Some(block)) = FREE.try_with(FreeList::pop) {
        return block;
    }
    // SAFETY: `SLOT` has a non-zero size.
    let block = unsafe { alloc(SLOT) };
    NonNull::new(block).unwrap_or_else(|| handle_alloc_error(SLOT))
}

/// Gives back a block from [`alloc_block`].
///
/// # Safety
///
/// `block` came from `alloc_block` and is not used afterwards.
pub(super) unsafe fn free_block(block: NonNull<u8>) {
    if FREE.try_with(|list| list.push(block)) != Ok(true) {
        // SAFETY: per the contract it is a `SLOT` block nobody uses; the
        // list is full or already gone (thread exit).
        unsafe { dealloc(block.as_ptr(), SLOT) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_reused_up_to_capacity() {
        // Start from an empty list (with one test thread, earlier tests ran
        // on this thread too).
        FREE.with(|list| {
            while let Some(b) = list.pop() {
                // SAFETY: a `SLOT` block nobody else refers to.
                unsafe { dealloc(b.as_ptr(), SLOT) };
            }
        });
        let blocks: Vec<_> = (0..CAPACITY + 4).map(|_| alloc_block()).collect();
        for &b in &blocks {
            // SAFETY: from `alloc_block`, not used again.
            unsafe { free_block(b) };
        }
        assert_eq!(FREE.with(|l| l.len.get()), CAPACITY);
        // The last blocks freed come back first.
        let again: Vec<_> = (0..CAPACITY).map(|_| alloc_block()).collect();
        let kept: Vec<_> = blocks[..CAPACITY].iter().rev().copied().collect();
        assert_eq!(again, kept);
        assert_eq!(FREE.with(|l| l.len.get()), 0);
        for b in again {
            // SAFETY: as above.
            unsafe { free_block(b) };
        }
    }

    #[test]
    fn a_thread_frees_its_list_on_exit() {
        // Run under a leak checker (valgrind, Miri) to see the effect; here
        // it must at least not crash when the list is dropped full.
        std::thread::spawn(|| {
            let blocks: Vec<_> = (0..CAPACITY).map(|_| alloc_block()).collect();
            for b in blocks {
                // SAFETY: from `alloc_block`, not used again.
                unsafe { free_block(b) };
            }
        })
        .join()
        .unwrap();
    }
}
