//! A worker's run queue: a fixed ring of task pointers with one producer (the
//! owning worker) and any number of stealers.
//!
//! ```text
//!  head (one AtomicU64) = [ steal: u32 | real: u32 ]      tail: AtomicU32
//!
//!  slots  steal .. real   being copied out by a stealer (still reserved)
//!         real  .. tail   queued, poppable by the owner and stealable
//! ```
//!
//! * The owner pushes at `tail` (a plain release store: it is the only
//!   writer) and pops at `real` with a CAS on `head`.
//! * A stealer first moves `real` forward over about half the queued tasks
//!   with one CAS (`steal` stays behind, so those slots stay reserved), copies
//!   them into its own queue, then moves `steal` up to `real` with a second
//!   CAS. While a steal is in progress (`steal != real`) no other stealer
//!   starts one, and the owner counts free space from `steal`, so it never
//!   overwrites slots that are being copied.
//! * When the ring is full, the owner moves half of it to the inject queue in
//!   one linked batch, so a burst of local spawns never blocks and the excess
//!   becomes visible to every worker.
//!
//! Indices are free-running `u32`s compared with wrapping arithmetic; a
//! stealer would have to sleep through four billion operations between its
//! two reads for an index to alias.

use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::{AtomicU32, AtomicU64, Ordering::*};
use crate::loom::sync::Arc;
use crate::runtime::scheduler::inject::Inject;
use crate::runtime::task::{Notified, RawTask};
use std::mem::MaybeUninit;

#[cfg(not(loom))]
pub(crate) const CAPACITY: usize = 256;
#[cfg(loom)]
pub(crate) const CAPACITY: usize = 4;

const MASK: usize = CAPACITY - 1;

/// The owner's end of a queue.
pub(crate) struct Local {
    inner: Arc<Inner>,
}

/// A stealer's end of a queue.
pub(crate) struct Steal(Arc<Inner>);

struct Inner {
    head: AtomicU64,
    tail: AtomicU32,
    buffer: Box<[UnsafeCell<MaybeUninit<RawTask>>]>,
}

// SAFETY: slots are handed between threads under the head/tail protocol
// described above; each slot is read only after the write that filled it is
// published (release on `tail`, acquire by readers).
unsafe impl Send for Inner {}
// SAFETY: as above.
unsafe impl Sync for Inner {}

fn pack(steal: u32, real: u32) -> u64 {
    ((steal as u64) << 32) | real as u64
}

fn unpack(v: u64) -> (u32, u32) {
    ((v >> 32) as u32, v as u32)
}

/// Creates a queue, returning the owner's end and a stealer's end.
pub(crate) fn new() -> (Local, Steal) {
    let buffer = (0..CAPACITY).map(|_| UnsafeCell::new(MaybeUninit::uninit())).collect();
    let inner = Arc::new(Inner { head: AtomicU64::new(0), tail: AtomicU32::new(0), buffer });
    (Local { inner: inner.clone() }, Steal(inner))
}

impl Inner {
    fn len(&self) -> usize {
        let (_, real) = unpack(self.head.load(Acquire));
        let tail = self.tail.load(Acquire);
        tail.wrapping_sub(real) as usize
    }

    /// # Safety
    ///
    /// The caller has exclusive access to slot `pos` (owner writing past the
    /// tail).
    unsafe fn write(&self, pos: u32, task: RawTask) {
        // SAFETY: per the caller.
        self.buffer[pos as usize & MASK].with_mut(|p| unsafe { (*p).write(task) });
    }

    /// # Safety
    ///
    /// Slot `pos` holds a published task that the caller has claimed.
    unsafe fn read(&self, pos: u32) -> RawTask {
        // SAFETY: per the caller.
        self.buffer[pos as usize & MASK].with(|p| unsafe { (*p).assume_init_read() })
    }
}

impl Local {
    /// Number of queued tasks (approximate while stealers are active).
    pub(crate) fn len(&self) -> usize {
        self.inner.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True if there is room for `n` more tasks right now.
    fn has_room(&self, n: usize) -> bool {
        let (steal, _) = unpack(self.inner.head.load(Acquire));
        let tail = self.inner.tail.load(Relaxed);
        tail.wrapping_sub(steal) as usize + n <= CAPACITY
    }

    /// Pushes a task at the back. If the ring is full, half of it and the
    /// task go to `inject`. Returns true if tasks overflowed.
    pub(crate) fn push_back(&mut self, task: Notified, inject: &Inject) -> bool {
        let mut task = task.into_raw();
        loop {
            let head = self.inner.head.load(Acquire);
            let (steal, real) = unpack(head);
            // Only this thread writes `tail`.
            let tail = self.inner.tail.load(Relaxed);
            if (tail.wrapping_sub(steal) as usize) < CAPACITY {
                // SAFETY: the slot at `tail` is outside every claimed range.
                unsafe { self.inner.write(tail, task) };
                self.inner.tail.store(tail.wrapping_add(1), Release);
                return false;
            }
            if steal != real {
                // A stealer is freeing room right now; do not wait for it.
                // SAFETY: we own the `Notified` reference.
                inject.push(unsafe { Notified::from_raw(task.header_ptr()) });
                return true;
            }
            match self.push_overflow(task, real, tail, inject) {
                Ok(()) => return true,
                // A stealer took tasks meanwhile: there is room now.
                Err(t) => task = t,
            }
        }
    }

    /// Moves the older half of a full ring, plus `task`, to the inject queue.
    fn push_overflow(&mut self, task: RawTask, head: u32, tail: u32, inject: &Inject) -> Result<(), RawTask> {
        const HALF: u32 = (CAPACITY / 2) as u32;
        debug_assert_eq!(tail.wrapping_sub(head) as usize, CAPACITY);
        let prev = pack(head, head);
        let next = pack(head.wrapping_add(HALF), head.wrapping_add(HALF));
        // Claim the oldest half; fails if a stealer got there first.
        if self.inner.head.compare_exchange(prev, next, Release, Relaxed).is_err() {
            return Err(task);
        }
        let batch = (0..HALF)
            // SAFETY: the CAS above gave us these slots.
            .map(|i| unsafe { self.inner.read(head.wrapping_add(i)) })
            .chain(std::iter::once(task));
        inject.push_batch(batch);
        Ok(())
    }

    /// Pops the oldest task.
    pub(crate) fn pop(&mut self) -> Option<Notified> {
        let mut head = self.inner.head.load(Acquire);
        let pos = loop {
            let (steal, real) = unpack(head);
            let tail = self.inner.tail.load(Relaxed);
            if real == tail {
                return None;
            }
            let next_real = real.wrapping_add(1);
            // If no steal is in progress, both halves move together.
            let next = if steal == real { pack(next_real, next_real) } else { pack(steal, next_real) };
            match self.inner.head.compare_exchange(head, next, AcqRel, Acquire) {
                Ok(_) => break real,
                Err(actual) => head = actual,
            }
        };
        // SAFETY: the CAS claimed slot `pos`.
        let raw = unsafe { self.inner.read(pos) };
        // SAFETY: queued tasks are `Notified` references.
        Some(unsafe { Notified::from_raw(raw.header_ptr()) })
    }
}

impl Steal {
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Steals about half of this queue's tasks into `dst` (the caller's own
    /// queue) and returns one of them to run. Returns `None` if there was
    /// nothing to steal, another steal was in progress, or `dst` is more
    /// than half full.
    pub(crate) fn steal_into(&self, dst: &mut Local) -> Option<(Notified, usize)> {
        let dst_tail = dst.inner.tail.load(Relaxed);
        if !dst.has_room(CAPACITY / 2) {
            return None;
        }
        let n = self.steal_into_inner(dst, dst_tail);
        if n == 0 {
            return None;
        }
        // Run the last one stolen; publish the others.
        let n = n - 1;
        // SAFETY: we copied a task into this slot and have not published it.
        let ret = unsafe { dst.inner.read(dst_tail.wrapping_add(n)) };
        if n > 0 {
            dst.inner.tail.store(dst_tail.wrapping_add(n), Release);
        }
        // SAFETY: queued tasks are `Notified` references.
        Some((unsafe { Notified::from_raw(ret.header_ptr()) }, n as usize + 1))
    }

    fn steal_into_inner(&self, dst: &mut Local, dst_tail: u32) -> u32 {
        let src = &self.0;
        let mut prev = src.head.load(Acquire);
        let (first, claimed) = loop {
            let (steal, real) = unpack(prev);
            if steal != real {
                // Someone else is stealing.
                return 0;
            }
            let tail = src.tail.load(Acquire);
            let avail = tail.wrapping_sub(real);
            let n = avail - avail / 2;
            if n == 0 {
                return 0;
            }
            let next = pack(steal, real.wrapping_add(n));
            match src.head.compare_exchange(prev, next, AcqRel, Acquire) {
                Ok(_) => break (steal, n),
                Err(actual) => prev = actual,
            }
        };
        debug_assert!(claimed as usize <= CAPACITY / 2);
        for i in 0..claimed {
            // SAFETY: slots `first..first+claimed` were claimed by our CAS;
            // the destination slots are past `dst`'s tail, which only we
            // (its owner) write.
            unsafe {
                let task = src.read(first.wrapping_add(i));
                dst.inner.write(dst_tail.wrapping_add(i), task);
            }
        }
        // Release the claim: `steal` catches up with `real`.
        let mut prev = pack(first, first.wrapping_add(claimed));
        loop {
            let (_, real) = unpack(prev);
            match src.head.compare_exchange(prev, pack(real, real), AcqRel, Acquire) {
                Ok(_) => return claimed,
                Err(actual) => {
                    // The owner popped meanwhile (only `real` moved).
                    debug_assert_eq!(unpack(actual).0, first);
                    prev = actual;
                }
            }
        }
    }
}

impl Drop for Local {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            assert!(self.pop().is_none(), "a worker's run queue was dropped with tasks in it");
        }
    }
}
