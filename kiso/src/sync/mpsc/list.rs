//! The lock-free message queue under every mpsc channel: a singly linked
//! list of fixed-size blocks of slots.
//!
//! * **Sending** claims the next slot index with one `fetch_add` on
//!   `tail_position`, finds (or appends) the block holding that index by
//!   walking from `tail_block`, writes the value and sets the slot's own
//!   `ready` flag. Senders never wait for each other, and two senders only
//!   share a cache line if their slots do: the block's header is written
//!   once per block, not per message.
//! * **Receiving** is done by one thread at a time (the receiver handle is
//!   `&mut`): it reads slot `index` of the `head` block once its ready flag
//!   is set, and moves to the next block at a block boundary.
//! * **Moving `tail_block` on.** A sender that walks past a block whose every
//!   slot is written may swing `tail_block` to the next block. It then
//!   records the `tail_position` it sees (`observed_tail`) in the block and
//!   marks it `released`. Any sender that could still be walking through the
//!   block loaded `tail_block` before the swing, and so claimed its slot
//!   before that `tail_position` was read: its slot index is below
//!   `observed_tail`. It stops touching the list once it has written that
//!   slot.
//! * **Recycling.** Once the receiver has read every slot below a released
//!   block's `observed_tail`, every sender that walked through the block has
//!   finished with it, so the receiver owns it: it resets the block and tries
//!   to append it at the end of the list (a few attempts), or frees it.
//!
//! The release step reads `tail_position` with a read-modify-write
//! (`fetch_add(0)`), not a load. A sender that claims its slot after that
//! RMW in `tail_position`'s modification order acquires from it, so its later
//! load of `tail_block` sees the tail already moved; a sender whose claim
//! comes before it is counted in `observed_tail`. (With a plain load this
//! would be a store-buffering shape that only sequential consistency rules
//! out.) The extra RMW runs once per block, not per message.
//!
//! Waking the receiver is the channel's business (`chan.rs`); the receiver
//! re-checks the queue after a sequentially consistent fence, which is what
//! lets a sender skip the wake when no waker is registered.

use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering::*};
use std::mem::MaybeUninit;
use std::ptr::{self, NonNull};

/// Slots per block. Small under loom so models cross block boundaries. 64
/// rather than 32 halves the per-block work (allocating or recycling a
/// block, moving the tail and the head on): 0.80 -> 0.72 of Tokio's time on
/// mpsc_contended, 0.73 -> 0.63 on mpsc_unbounded. The price is memory: a
/// channel holds at least one block, 64 messages' worth.
#[cfg(loom)]
pub(crate) const BLOCK_CAP: usize = 2;
#[cfg(all(not(loom), target_pointer_width = "64"))]
pub(crate) const BLOCK_CAP: usize = 64;
#[cfg(all(not(loom), not(target_pointer_width = "64")))]
pub(crate) const BLOCK_CAP: usize = 16;

const SLOT_MASK: usize = BLOCK_CAP - 1;

/// How many times the receiver tries to append a recycled block before
/// freeing it.
const REUSE_ATTEMPTS: usize = 3;

/// The fields of a block that senders read on every message but write once
/// per block: on their own cache line, away from the slots that senders on
/// other cores write.
struct Header<T> {
    /// Index of the block's first slot. Written only while the block is not
    /// reachable by senders (when created or recycled).
    start: AtomicUsize,
    next: AtomicPtr<Block<T>>,
    /// The sender side moved `tail_block` past this block (module docs).
    released: AtomicBool,
    /// `tail_position` seen by the sender that released the block; written
    /// before `released` is set, read after it is seen.
    observed_tail: UnsafeCell<usize>,
}

/// A cache line of its own.
#[repr(align(64))]
struct Line<T>(T);

impl<T> std::ops::Deref for Line<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

struct Block<T> {
    header: Line<Header<T>>,
    /// `ready[i]`: slot `i` has been written (Release), and may be read
    /// (Acquire). One byte each, all on one line: senders on different
    /// cores do share it, but with plain stores, which a core does not wait
    /// for, unlike the read-modify-write a ready bitmap would take.
    ready: Line<[AtomicBool; BLOCK_CAP]>,
    slots: [UnsafeCell<MaybeUninit<T>>; BLOCK_CAP],
}

impl<T> Block<T> {
    fn alloc(start: usize) -> NonNull<Block<T>> {
        let block = Box::new(Block {
            header: Line(Header {
                start: AtomicUsize::new(start),
                next: AtomicPtr::new(ptr::null_mut()),
                released: AtomicBool::new(false),
                observed_tail: UnsafeCell::new(0),
            }),
            ready: Line(std::array::from_fn(|_| AtomicBool::new(false))),
            slots: std::array::from_fn(|_| UnsafeCell::new(MaybeUninit::uninit())),
        });
        NonNull::from(Box::leak(block))
    }

    /// # Safety
    ///
    /// `block` came from `alloc`, is unreachable by any other thread, and
    /// holds no value.
    unsafe fn free(block: NonNull<Block<T>>) {
        // SAFETY: per the caller, we own the allocation.
        drop(unsafe { Box::from_raw(block.as_ptr()) });
    }

    fn start(&self) -> usize {
        self.header.start.load(Relaxed)
    }

    /// Whether every slot has been written. (Once per block and sender that
    /// walks past it; the last slot, written last as a rule, goes first.)
    fn is_full(&self) -> bool {
        self.ready.iter().rev().all(|r| r.load(Acquire))
    }

    /// The next block, appending a new one if there is none yet.
    fn next_or_grow(&self) -> NonNull<Block<T>> {
        if let Some(next) = NonNull::new(self.header.next.load(Acquire)) {
            return next;
        }
        let new = Block::<T>::alloc(self.start() + BLOCK_CAP);
        match self.header.next.compare_exchange(ptr::null_mut(), new.as_ptr(), AcqRel, Acquire) {
            Ok(_) => new,
            Err(winner) => {
                // Another sender appended first. Rather than waste the
                // allocation, hang it further down the list.
                // SAFETY: blocks at or after `tail_block` are never freed
                // while senders exist, and `winner` is after `self`.
                let winner = unsafe { NonNull::new_unchecked(winner) };
                // SAFETY: as above; `new` is still ours alone.
                unsafe { append_after(winner, new) };
                winner
            }
        }
    }
}

/// Hangs the private block `block` at the end of the list that continues at
/// `from`, renumbering it as it goes; frees it if that keeps failing.
///
/// # Safety
///
/// `from` and every block after it stay allocated during the call; `block`
/// is owned by the caller and holds no value.
unsafe fn append_after<T>(from: NonNull<Block<T>>, block: NonNull<Block<T>>) {
    let mut curr = from;
    for _ in 0..REUSE_ATTEMPTS {
        // SAFETY: `curr` is `from` or a block after it (caller).
        let c = unsafe { curr.as_ref() };
        // SAFETY: `block` is ours: no other thread can see it yet.
        unsafe { block.as_ref() }.header.start.store(c.start() + BLOCK_CAP, Relaxed);
        match c.header.next.compare_exchange(ptr::null_mut(), block.as_ptr(), AcqRel, Acquire) {
            Ok(_) => return,
            // SAFETY: a non-null `next` is a live block after `curr`.
            Err(next) => curr = unsafe { NonNull::new_unchecked(next) },
        }
    }
    // SAFETY: the block never became reachable and holds no value.
    unsafe { Block::free(block) };
}

/// `tail_position`'s low bit: the receiver found no message and waits to be
/// woken (see [`Tx::request_wake`]).
const RX_WAITING: usize = 1;
/// One slot in `tail_position` (the bits above `RX_WAITING`).
const POSITION_ONE: usize = 2;

/// The sending half of the queue, shared by every sender.
pub(crate) struct Tx<T> {
    /// The block senders start walking from.
    tail_block: AtomicPtr<Block<T>>,
    /// `next slot index to claim << 1 | RX_WAITING`. The flag shares the
    /// word that every send updates anyway, so a sender learns whether to
    /// wake the receiver from its claim, without a fence or another load.
    tail_position: AtomicUsize,
}

/// The receiving half, used by one thread at a time.
pub(crate) struct Rx<T> {
    /// The block holding slot `index`, or one before it.
    head: NonNull<Block<T>>,
    /// The next slot to read.
    index: usize,
    /// The oldest block still in the list (blocks from here to `head` wait
    /// to be recycled).
    free_head: NonNull<Block<T>>,
}

/// Makes an empty queue.
pub(crate) fn channel<T>() -> (Tx<T>, Rx<T>) {
    let first = Block::<T>::alloc(0);
    (
        Tx { tail_block: AtomicPtr::new(first.as_ptr()), tail_position: AtomicUsize::new(0) },
        Rx { head: first, index: 0, free_head: first },
    )
}

impl<T> Tx<T> {
    /// Appends `value`. Returns true if the receiver asked to be woken
    /// before this slot was claimed: the caller must wake it (and should
    /// call [`Tx::clear_wake_request`] first).
    pub(crate) fn push(&self, value: T) -> bool {
        let claimed = self.tail_position.fetch_add(POSITION_ONE, AcqRel);
        let slot = claimed >> 1;
        let block = self.find_block(slot);
        // SAFETY: `find_block` returns the live block holding `slot`, which
        // stays live until this sender is done with it (module docs).
        let b = unsafe { block.as_ref() };
        let i = slot & SLOT_MASK;
        // SAFETY: this sender alone claimed the slot; the receiver reads it
        // only after the ready flag is set below.
        b.slots[i].with_mut(|p| unsafe { (*p).write(value) });
        b.ready[i].store(true, Release);
        claimed & RX_WAITING != 0
    }

    /// Slots claimed so far (sent or being sent).
    pub(crate) fn tail_position(&self) -> usize {
        self.tail_position.load(Acquire) >> 1
    }

    /// The receiver, which found no message at its read position and has
    /// registered its waker, asks the senders to wake it. Every slot claimed
    /// from now on sees the request. Returns the number of slots claimed
    /// before it: if that is beyond the read position, a sender that did not
    /// see the request is still writing the next message.
    pub(crate) fn request_wake(&self) -> usize {
        self.tail_position.fetch_or(RX_WAITING, AcqRel) >> 1
    }

    /// Withdraws the receiver's wake request (the sender that is about to
    /// wake it calls this, so that the senders after it do not wake it too).
    pub(crate) fn clear_wake_request(&self) {
        self.tail_position.fetch_and(!RX_WAITING, AcqRel);
    }

    fn find_block(&self, slot: usize) -> NonNull<Block<T>> {
        let start = slot & !SLOT_MASK;
        let offset = slot & SLOT_MASK;
        let mut block = self.tail_block.load(Acquire);
        // SAFETY: `tail_block` always points to a live block: blocks are
        // only recycled after `tail_block` moved past them and every sender
        // that could have loaded them is done (module docs).
        let mut curr = unsafe { NonNull::new_unchecked(block) };
        // Only a sender whose slot lies a few blocks ahead tries to move the
        // tail on: slots early in a block rarely find the blocks before it
        // full yet, and fewer senders racing the CAS is cheaper.
        // SAFETY: as above.
        let distance = (start - unsafe { curr.as_ref() }.start()) / BLOCK_CAP;
        let mut try_release = offset < distance;
        loop {
            // SAFETY: `curr` is `tail_block` or after it: live (see above).
            let c = unsafe { curr.as_ref() };
            if c.start() == start {
                return curr;
            }
            let next = c.next_or_grow();
            if try_release && c.is_full() {
                if self
                    .tail_block
                    .compare_exchange(block, next.as_ptr(), AcqRel, Relaxed)
                    .is_ok()
                {
                    // An RMW, not a load: it reads the newest claim, and any
                    // sender whose claim comes after it in the modification
                    // order acquires from it, and so sees the tail already
                    // moved (module docs).
                    let observed = self.tail_position.fetch_add(0, AcqRel) >> 1;
                    // SAFETY: only the sender whose CAS moved the tail past
                    // this block writes `observed_tail`, and only the
                    // receiver reads it after seeing `released` (Release /
                    // Acquire).
                    c.header.observed_tail.with_mut(|p| unsafe { *p = observed });
                    c.header.released.store(true, Release);
                    block = next.as_ptr();
                } else {
                    try_release = false;
                }
            } else {
                try_release = false;
            }
            curr = next;
        }
    }
}

/// Result of [`Rx::pop`].
pub(crate) enum Pop<T> {
    Value(T),
    /// No slot has been claimed at the read position yet.
    Empty,
    /// A sender claimed the slot at the read position but has not finished
    /// writing it; it will wake the receiver when it has.
    Busy,
}

impl<T> Rx<T> {
    /// Takes the next value, if it has been written.
    pub(crate) fn pop(&mut self, tx: &Tx<T>) -> Pop<T> {
        if !self.advance_head() {
            return self.empty_or_busy(tx);
        }
        self.recycle(tx);
        // SAFETY: `head` is live: the receiver never recycles its own head.
        let head = unsafe { self.head.as_ref() };
        let i = self.index & SLOT_MASK;
        if !head.ready[i].load(Acquire) {
            return self.empty_or_busy(tx);
        }
        // SAFETY: the ready flag says the slot was written (the Acquire load
        // pairs with the Release that set it); each slot is read once, as
        // `index` moves on.
        let value = head.slots[i].with(|p| unsafe { (*p).assume_init_read() });
        self.index += 1;
        Pop::Value(value)
    }

    fn empty_or_busy(&self, tx: &Tx<T>) -> Pop<T> {
        if tx.tail_position() > self.index {
            Pop::Busy
        } else {
            Pop::Empty
        }
    }

    /// The next slot to read.
    pub(crate) fn index(&self) -> usize {
        self.index
    }

    /// Messages claimed but not read yet (some may still be being written).
    pub(crate) fn len(&self, tx: &Tx<T>) -> usize {
        tx.tail_position().saturating_sub(self.index)
    }

    /// Whether the next slot holds no written value.
    pub(crate) fn is_empty(&self, tx: &Tx<T>) -> bool {
        self.len(tx) == 0
    }

    /// Moves `head` to the block holding `index`; `false` if that block has
    /// not been appended yet.
    fn advance_head(&mut self) -> bool {
        let start = self.index & !SLOT_MASK;
        loop {
            // SAFETY: `head` is live (never recycled while it is the head).
            let head = unsafe { self.head.as_ref() };
            if head.start() == start {
                return true;
            }
            match NonNull::new(head.header.next.load(Acquire)) {
                Some(next) => self.head = next,
                None => return false,
            }
        }
    }

    /// Recycles the blocks before `head` that no sender can be using.
    fn recycle(&mut self, tx: &Tx<T>) {
        while self.free_head != self.head {
            // SAFETY: blocks between `free_head` and `head` are live; only
            // this receiver frees them.
            let block = unsafe { self.free_head.as_ref() };
            if !block.header.released.load(Acquire) {
                return;
            }
            // SAFETY: written before `released` was set; we saw it set.
            let observed = block.header.observed_tail.with(|p| unsafe { *p });
            if observed > self.index {
                return;
            }
            // SAFETY: a block before `head` has a next block.
            let next = unsafe { NonNull::new_unchecked(block.header.next.load(Acquire)) };
            let recycled = self.free_head;
            self.free_head = next;
            // The block's values were all read, and no sender can reach it
            // (module docs): reset it for reuse.
            block.header.next.store(ptr::null_mut(), Relaxed);
            block.header.released.store(false, Relaxed);
            for ready in block.ready.iter() {
                ready.store(false, Relaxed);
            }
            let tail = tx.tail_block.load(Acquire);
            // SAFETY: `tail` and the blocks after it are live (only this
            // receiver frees blocks, and never those); `recycled` is ours.
            unsafe { append_after(NonNull::new_unchecked(tail), recycled) };
        }
    }

    /// Drops every unread value and frees every block. Only for the
    /// channel's destructor: no sender or receiver can use the queue again.
    ///
    /// # Safety
    ///
    /// Called once, with no other handle to the queue left.
    pub(crate) unsafe fn free_all(&mut self, tx: &Tx<T>) {
        while let Pop::Value(v) = self.pop(tx) {
            drop(v);
        }
        let mut curr = Some(self.free_head);
        while let Some(block) = curr {
            // SAFETY: every block of the list is live and ours now.
            curr = NonNull::new(unsafe { block.as_ref() }.header.next.load(Relaxed));
            // SAFETY: unreachable from now on; its values were dropped above
            // (a slot claimed but never written holds nothing).
            unsafe { Block::free(block) };
        }
    }
}
