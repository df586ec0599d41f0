//! A set of values, each with a waker of its own, that tells its owner which
//! values were woken since it last looked: the engine under `JoinSet`.
//!
//! The owner (one thread at a time, through `&mut`) keeps every entry in a
//! vector, so it can count, visit and drop them all. Entries the owner has
//! not yet looked at since their last wake sit in a FIFO that only the owner
//! touches (`ready`). Wakers run anywhere, so they cannot touch that FIFO:
//! a woken entry pushes itself onto a lock-free stack (`Shared::head`), and
//! the owner moves the whole stack into `ready` with one swap when `ready`
//! runs dry. Nothing is ever scanned: the owner only looks at entries that
//! were woken.
//!
//! Each entry has one atomic flag, `queued`: set while the entry is in the
//! stack or in `ready`. A wake that flips it from false to true owns the
//! entry's stack link until its push succeeds, and holds one reference to the
//! entry for the stack. A wake that finds it already set does nothing: the
//! entry will be looked at anyway. The owner clears the flag just before it
//! looks at the value (polls it), so a wake that arrives during or after
//! that look queues the entry again.
//!
//! Only a push onto an *empty* stack wakes the owner's waker: a push onto a
//! non-empty stack knows that an earlier push has woken the owner, or will,
//! and that the owner has not taken the stack since (its swap would have
//! emptied it), so the owner sees both entries in the same swap.
//!
//! When the set is dropped it swaps a sentinel (`closed`) into the stack head
//! and frees what was there; wakes that come later see the sentinel and drop
//! the reference they took instead of pushing. That breaks the cycle entry
//! -> shared -> stack -> entry, so nothing leaks.
//!
//! Removed entries (their value taken out) may still be in the stack or in
//! `ready`, or be pushed later by a stale waker: the owner skips them. An
//! entry's value is only ever touched by the owner and is always taken out
//! before the owner lets go of the entry, so a waker dropping the last
//! reference on another thread never drops a value there.

use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::{AtomicBool, AtomicPtr, Ordering::*};
use crate::loom::sync::Arc;
use crate::util::atomic_waker::AtomicWaker;
use std::collections::VecDeque;
use std::mem::ManuallyDrop;
use std::ptr::{self, NonNull};
use std::task::{Context, RawWaker, RawWakerVTable, Waker};

/// Marks an entry that is no longer in the set.
const REMOVED: usize = usize::MAX;

pub(crate) struct IdleNotifiedSet<V> {
    shared: Arc<Shared<V>>,
    /// Every entry in the set; each knows its index here.
    all: Vec<Arc<Entry<V>>>,
    /// Entries that are queued (their flag is set) and that the owner has
    /// taken out of the shared stack, oldest first.
    ready: VecDeque<Arc<Entry<V>>>,
}

struct Shared<V> {
    /// Top of the stack of woken entries (each pointer owns one reference),
    /// null when empty, `closed()` once the set is gone.
    head: AtomicPtr<Entry<V>>,
    /// The owner's waker, woken by a push onto an empty stack.
    waker: AtomicWaker,
}

pub(crate) struct Entry<V> {
    shared: Arc<Shared<V>>,
    queued: AtomicBool,
    /// The stack link: written by the wake that pushes the entry, read by
    /// the owner after it took the stack.
    next: UnsafeCell<*mut Entry<V>>,
    /// Owner only: index in `all`, or `REMOVED`.
    index: UnsafeCell<usize>,
    /// Owner only.
    value: UnsafeCell<Option<V>>,
}

// SAFETY: `value` and `index` are only accessed by the owner of the set,
// which has `&mut` to it (so moving the set moves that right with it, which
// needs `V: Send`); `next` is handed over through the atomic flag and the
// stack head; everything else is atomic. A waker dropping an entry on another
// thread finds its value already taken out (see the module docs).
unsafe impl<V: Send> Send for Entry<V> {}
// SAFETY: as above; a shared `&Entry` only allows the atomic wake protocol.
unsafe impl<V: Send> Sync for Entry<V> {}

fn closed<V>() -> *mut Entry<V> {
    // A well-aligned address that no allocation can have.
    NonNull::<Entry<V>>::dangling().as_ptr()
}

impl<V> IdleNotifiedSet<V> {
    pub(crate) fn new() -> IdleNotifiedSet<V> {
        IdleNotifiedSet {
            shared: Arc::new(Shared {
                head: AtomicPtr::new(ptr::null_mut()),
                waker: AtomicWaker::new(),
            }),
            all: Vec::new(),
            ready: VecDeque::new(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.all.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.all.is_empty()
    }

    /// Adds a value, already queued: the owner will look at it once before it
    /// waits for a wake.
    pub(crate) fn insert_notified(&mut self, value: V) {
        let entry = Arc::new(Entry {
            shared: self.shared.clone(),
            queued: AtomicBool::new(true),
            next: UnsafeCell::new(ptr::null_mut()),
            index: UnsafeCell::new(self.all.len()),
            value: UnsafeCell::new(Some(value)),
        });
        self.all.push(entry.clone());
        self.ready.push_back(entry);
    }

    /// Returns the next entry that was woken (or inserted) and not looked at
    /// since, with its flag cleared: a wake from now on queues it again.
    ///
    /// With `waker`, when no entry is woken, registers it to be woken by the
    /// next wake (and checks once more, so no wake is lost).
    pub(crate) fn pop_notified(&mut self, waker: Option<&Waker>) -> Option<EntryMut<'_, V>> {
        let entry = loop {
            if let Some(entry) = self.ready.pop_front() {
                // SAFETY: owner-only field, and we are the owner.
                if entry.index.with(|i| unsafe { *i }) == REMOVED {
                    continue;
                }
                entry.queued.swap(false, AcqRel);
                break entry;
            }
            if self.take_stack() {
                continue;
            }
            let waker = waker?;
            if self.all.is_empty() {
                return None;
            }
            self.shared.waker.register(waker);
            if !self.take_stack() {
                return None;
            }
        };
        Some(EntryMut { set: self, entry })
    }

    /// Moves the shared stack into `ready`, oldest first. False if it was
    /// empty.
    fn take_stack(&mut self) -> bool {
        let mut top = self.shared.head.swap(ptr::null_mut(), Acquire);
        if top.is_null() {
            return false;
        }
        let start = self.ready.len();
        while !top.is_null() {
            // SAFETY: every pointer in the stack owns one reference, taken by
            // the wake that pushed it; the swap handed them all to us.
            let entry = unsafe { Arc::from_raw(top) };
            // SAFETY: the pushing wake wrote the link before its releasing
            // exchange, which our acquiring swap read (through the release
            // sequence of later pushes); the entry stays queued, so no other
            // wake writes the link until we clear the flag.
            top = entry.next.with(|p| unsafe { *p });
            self.ready.push_back(entry);
        }
        self.ready.make_contiguous()[start..].reverse();
        true
    }

    /// Visits every value.
    pub(crate) fn for_each(&mut self, mut f: impl FnMut(&mut V)) {
        for entry in &self.all {
            // SAFETY: owner-only field; every entry in `all` holds a value.
            entry.value.with_mut(|v| {
                f(unsafe { (*v).as_mut() }.expect("entry in the set without a value"))
            });
        }
    }

    /// Removes every value, handing each to `f`. If `f` panics, the values
    /// not yet visited are dropped.
    pub(crate) fn drain(&mut self, mut f: impl FnMut(V)) {
        self.ready.clear();
        let all = std::mem::take(&mut self.all);
        let mut values = Vec::with_capacity(all.len());
        for entry in all {
            // SAFETY: owner-only fields.
            entry.index.with_mut(|i| unsafe { *i = REMOVED });
            if let Some(v) = entry.value.with_mut(|v| unsafe { (*v).take() }) {
                values.push(v);
            }
        }
        for v in values {
            f(v);
        }
    }
}

impl<V> Drop for IdleNotifiedSet<V> {
    fn drop(&mut self) {
        self.drain(drop);
        let mut top = self.shared.head.swap(closed(), Acquire);
        while !top.is_null() {
            // SAFETY: as in `take_stack`.
            let entry = unsafe { Arc::from_raw(top) };
            // SAFETY: as in `take_stack`.
            top = entry.next.with(|p| unsafe { *p });
        }
    }
}

/// An entry handed out by [`IdleNotifiedSet::pop_notified`].
pub(crate) struct EntryMut<'a, V> {
    set: &'a mut IdleNotifiedSet<V>,
    entry: Arc<Entry<V>>,
}

impl<V> EntryMut<'_, V> {
    /// Calls `f` with the value and a context whose waker queues this entry.
    pub(crate) fn with_value_and_context<R>(
        &mut self,
        f: impl FnOnce(&mut V, &mut Context<'_>) -> R,
    ) -> R {
        let raw = RawWaker::new(Arc::as_ptr(&self.entry).cast(), &Entry::<V>::VTABLE);
        // SAFETY: the vtable's functions match the data pointer, an
        // `Arc<Entry<V>>` pointer; the waker borrows `self.entry`'s reference
        // (hence `ManuallyDrop`, and it does not outlive this call; clones
        // take references of their own).
        let waker = ManuallyDrop::new(unsafe { Waker::from_raw(raw) });
        let mut cx = Context::from_waker(&waker);
        // SAFETY: owner-only field; an entry handed out is in the set.
        self.entry.value.with_mut(|v| {
            f(
                unsafe { (*v).as_mut() }.expect("entry in the set without a value"),
                &mut cx,
            )
        })
    }

    /// Takes the entry out of the set and returns its value.
    pub(crate) fn remove(self) -> V {
        let set = self.set;
        // SAFETY: owner-only fields.
        let index = self
            .entry
            .index
            .with_mut(|i| unsafe { std::mem::replace(&mut *i, REMOVED) });
        let last = set.all.pop().expect("entry in an empty set");
        if index < set.all.len() {
            // SAFETY: owner-only field.
            last.index.with_mut(|i| unsafe { *i = index });
            set.all[index] = last;
        } else {
            drop(last);
        }
        // SAFETY: owner-only field.
        self.entry
            .value
            .with_mut(|v| unsafe { (*v).take() })
            .expect("entry in the set without a value")
    }
}

impl<V> Entry<V> {
    const VTABLE: RawWakerVTable = RawWakerVTable::new(
        Self::clone_waker,
        Self::wake,
        Self::wake_by_ref,
        Self::drop_waker,
    );

    unsafe fn clone_waker(ptr: *const ()) -> RawWaker {
        // SAFETY: `ptr` comes from an `Arc<Entry<V>>` that the waker keeps
        // alive; the clone takes a reference of its own.
        unsafe { Arc::increment_strong_count(ptr.cast::<Entry<V>>()) };
        RawWaker::new(ptr, &Self::VTABLE)
    }

    unsafe fn wake(ptr: *const ()) {
        // SAFETY: the waker's reference keeps the entry alive...
        unsafe { Self::notify(ptr.cast()) };
        // ...and is released here.
        // SAFETY: the waker owns one reference.
        drop(unsafe { Arc::from_raw(ptr.cast::<Entry<V>>()) });
    }

    unsafe fn wake_by_ref(ptr: *const ()) {
        // SAFETY: the waker's reference keeps the entry alive.
        unsafe { Self::notify(ptr.cast()) };
    }

    unsafe fn drop_waker(ptr: *const ()) {
        // SAFETY: the waker owns one reference, released here.
        drop(unsafe { Arc::from_raw(ptr.cast::<Entry<V>>()) });
    }

    /// Queues the entry for its owner, unless it is queued already.
    ///
    /// # Safety
    ///
    /// `me` is a pointer obtained from an `Arc<Entry<V>>` (so it may be
    /// turned back into one), and the caller keeps a reference alive.
    unsafe fn notify(me: *const Entry<V>) {
        // SAFETY: per the caller, the entry is alive.
        let this = unsafe { &*me };
        if this.queued.swap(true, AcqRel) {
            return;
        }
        // The reference the stack will own.
        // SAFETY: `me` comes from an `Arc` that the caller keeps alive.
        unsafe { Arc::increment_strong_count(me) };
        let shared = &*this.shared;
        let mut head = shared.head.load(Acquire);
        loop {
            if head == closed() {
                // The set is gone: nobody will take the entry.
                // SAFETY: the reference taken above.
                drop(unsafe { Arc::from_raw(me) });
                return;
            }
            // SAFETY: setting the flag gave us the link until the push
            // below publishes it.
            this.next.with_mut(|p| unsafe { *p = head });
            match shared
                .head
                .compare_exchange_weak(head, me.cast_mut(), AcqRel, Acquire)
            {
                Ok(_) => break,
                Err(actual) => head = actual,
            }
        }
        if head.is_null() {
            shared.waker.wake();
        }
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use loom::future::block_on;
    use loom::thread;
    use std::future::poll_fn;
    use std::task::Poll;

    /// Polls the set until `n` entries were woken, removing each.
    fn wait_removed(set: &mut IdleNotifiedSet<usize>, n: usize) -> Vec<usize> {
        let mut got = Vec::new();
        block_on(poll_fn(|cx| loop {
            match set.pop_notified(Some(cx.waker())) {
                Some(entry) => got.push(entry.remove()),
                None => return Poll::Pending,
            }
            if got.len() == n {
                return Poll::Ready(());
            }
        }));
        got
    }

    fn waker_of(set: &mut IdleNotifiedSet<usize>) -> Waker {
        let mut entry = set.pop_notified(None).unwrap();
        entry.with_value_and_context(|_, cx| cx.waker().clone())
    }

    /// Two wakes from two threads, the owner waiting for both: neither wake
    /// is lost, whichever order the pushes, the swaps and the registration
    /// take.
    #[test]
    fn loom_wakes_race_the_owner() {
        loom::model(|| {
            let mut set = IdleNotifiedSet::new();
            set.insert_notified(1);
            set.insert_notified(2);
            let w1 = waker_of(&mut set);
            let w2 = waker_of(&mut set);
            let t1 = thread::spawn(move || w1.wake());
            let t2 = thread::spawn(move || w2.wake());
            let mut got = wait_removed(&mut set, 2);
            got.sort();
            assert_eq!(got, [1, 2]);
            assert!(set.is_empty());
            t1.join().unwrap();
            t2.join().unwrap();
        });
    }

    /// A wake racing the removal of its entry (the owner takes it out while
    /// it is idle, then the stale waker fires): nothing leaks, and the owner
    /// skips the removed entry.
    #[test]
    fn loom_wake_races_removal() {
        loom::model(|| {
            let mut set = IdleNotifiedSet::new();
            set.insert_notified(1);
            set.insert_notified(2);
            let w1 = waker_of(&mut set);
            let w2 = waker_of(&mut set);
            let t = thread::spawn(move || {
                w1.wake_by_ref();
                drop(w1);
            });
            set.drain(|v| assert!(v == 1 || v == 2));
            assert!(set.pop_notified(None).is_none());
            t.join().unwrap();
            assert!(set.pop_notified(None).is_none());
            drop(w2);
        });
    }

    /// A wake racing the drop of the whole set: the wake either pushes before
    /// the set closes its stack (and the drop frees the entry) or sees it
    /// closed (and frees its own reference). Loom reports a leak otherwise.
    #[test]
    fn loom_wake_races_drop_of_set() {
        loom::model(|| {
            let mut set = IdleNotifiedSet::new();
            set.insert_notified(7);
            let w = waker_of(&mut set);
            let t = thread::spawn(move || w.wake());
            drop(set);
            t.join().unwrap();
        });
    }

    /// A wake arriving while the owner looks at the entry queues it again.
    #[test]
    fn loom_wake_during_poll_requeues() {
        loom::model(|| {
            let mut set = IdleNotifiedSet::new();
            set.insert_notified(3);
            let w = waker_of(&mut set);
            let t = thread::spawn(move || w.wake());
            // Look at the entry after the wake may or may not have happened:
            // either way one more wake-driven visit must come.
            let got = wait_removed(&mut set, 1);
            assert_eq!(got, [3]);
            t.join().unwrap();
        });
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
    use std::task::Wake;

    /// Counts its wakes.
    struct CountingWaker(AtomicUsize);

    impl Wake for CountingWaker {
        fn wake(self: std::sync::Arc<Self>) {
            self.0.fetch_add(1, SeqCst);
        }
    }

    fn waker_of(set: &mut IdleNotifiedSet<u32>) -> Waker {
        let mut entry = set.pop_notified(None).unwrap();
        entry.with_value_and_context(|_, cx| cx.waker().clone())
    }

    #[test]
    fn new_entries_are_notified_once_in_insertion_order() {
        let mut set = IdleNotifiedSet::new();
        for i in 0..3 {
            set.insert_notified(i);
        }
        let mut seen = Vec::new();
        while let Some(mut e) = set.pop_notified(None) {
            e.with_value_and_context(|v, _| seen.push(*v));
        }
        assert_eq!(seen, [0, 1, 2]);
        assert_eq!(set.len(), 3);
    }

    #[test]
    fn wakes_queue_entries_once_and_wake_the_owner_once_per_batch() {
        let owner = std::sync::Arc::new(CountingWaker(AtomicUsize::new(0)));
        let owner_waker = Waker::from(owner.clone());
        let mut set = IdleNotifiedSet::new();
        set.insert_notified(10);
        set.insert_notified(20);
        let w10 = waker_of(&mut set);
        let w20 = waker_of(&mut set);
        assert!(set.pop_notified(Some(&owner_waker)).is_none());
        w20.wake_by_ref();
        w20.wake_by_ref(); // already queued: nothing
        w10.wake_by_ref(); // pushed onto a non-empty stack: no owner wake
        assert_eq!(owner.0.load(SeqCst), 1);
        let first = set.pop_notified(Some(&owner_waker)).unwrap().remove();
        let second = set.pop_notified(Some(&owner_waker)).unwrap().remove();
        assert_eq!((first, second), (20, 10));
        assert!(set.is_empty());
        assert!(set.pop_notified(Some(&owner_waker)).is_none());
    }

    #[test]
    fn remove_keeps_the_other_entries_reachable() {
        let mut set = IdleNotifiedSet::new();
        for i in 0..5 {
            set.insert_notified(i);
        }
        // Remove the first: the last moves into its slot.
        assert_eq!(set.pop_notified(None).unwrap().remove(), 0);
        let mut all = Vec::new();
        set.for_each(|v| all.push(*v));
        all.sort();
        assert_eq!(all, [1, 2, 3, 4]);
        let mut drained = Vec::new();
        set.drain(|v| drained.push(v));
        drained.sort();
        assert_eq!(drained, [1, 2, 3, 4]);
        assert!(set.pop_notified(None).is_none());
    }

    #[test]
    fn stale_wakers_outlive_the_set() {
        let mut set = IdleNotifiedSet::new();
        set.insert_notified(1);
        let w = waker_of(&mut set);
        let w2 = w.clone();
        w.wake_by_ref();
        drop(set);
        w.wake();
        w2.wake();
    }
}
