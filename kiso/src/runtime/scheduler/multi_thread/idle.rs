//! Which workers are parked and which are searching for work.
//!
//! One atomic word counts the searching workers (low bits) and the unparked
//! ones (high bits); a mutex-protected list holds the parked workers' indices.
//! The rules, which together guarantee that work pushed anywhere is always
//! picked up:
//!
//! * Whoever queues work that other workers could run calls
//!   [`Idle::worker_to_notify`]: if some worker is searching, it will find
//!   the work, so nobody is woken; otherwise one parked worker is woken, and
//!   it starts out searching.
//! * At most half the workers search at once, so a burst of notifications
//!   does not wake everybody to fight over one task.
//! * A searcher that finds work stops searching; if it was the last searcher
//!   it wakes another worker, since more work may be queued (the wake-up
//!   chain). A searcher that parks as the last searcher checks every queue
//!   once more after registering as parked, and wakes a worker if it finds
//!   work: between its last look and its registration, producers saw a
//!   searcher and did not notify.
//! * The word is only touched with sequentially consistent operations, and
//!   producers issue a SeqCst fence between queueing and reading it, so a
//!   producer and a parking worker cannot both miss each other.

use crate::loom::sync::atomic::{fence, AtomicUsize, Ordering::SeqCst};
use crate::loom::sync::Mutex;

const UNPARKED_SHIFT: usize = 16;
const UNPARKED_ONE: usize = 1 << UNPARKED_SHIFT;
const SEARCHING_MASK: usize = UNPARKED_ONE - 1;

pub(crate) struct Idle {
    state: AtomicUsize,
    sleepers: Mutex<Vec<usize>>,
    num_workers: usize,
}

fn searching(state: usize) -> usize {
    state & SEARCHING_MASK
}

fn unparked(state: usize) -> usize {
    state >> UNPARKED_SHIFT
}

impl Idle {
    pub(crate) fn new(num_workers: usize) -> Idle {
        assert!(num_workers < SEARCHING_MASK, "too many workers");
        Idle {
            state: AtomicUsize::new(num_workers << UNPARKED_SHIFT),
            sleepers: Mutex::new(Vec::with_capacity(num_workers)),
            num_workers,
        }
    }

    fn should_notify(&self) -> bool {
        let s = self.load_state();
        searching(s) == 0 && unparked(s) < self.num_workers
    }

    /// Reads the state after a SeqCst fence. The protocol needs the fence
    /// and this load to see any parking worker's earlier SeqCst update, as
    /// the C++ memory model guarantees; loom models SeqCst accesses as
    /// acquire/release only, so under loom the read is a read-modify-write,
    /// which always sees the latest value.
    #[cfg(not(loom))]
    fn load_state(&self) -> usize {
        self.state.load(SeqCst)
    }

    #[cfg(loom)]
    fn load_state(&self) -> usize {
        self.state.fetch_add(0, SeqCst)
    }


    /// Picks a parked worker to wake for newly queued work, marking it
    /// unparked and searching; `None` if a searcher exists or every worker
    /// is awake.
    pub(crate) fn worker_to_notify(&self) -> Option<usize> {
        // Order the caller's push before our read of the state.
        fence(SeqCst);
        self.worker_to_notify_unfenced()
    }

    /// As `worker_to_notify`, without ordering the caller's push first.
    /// For work the calling worker will run itself if nobody else does (its
    /// own queue): a stale read can only cost parallelism, never the work.
    pub(crate) fn worker_to_notify_unfenced(&self) -> Option<usize> {
        if !self.should_notify() {
            return None;
        }
        let mut sleepers = crate::loom::lock(&self.sleepers);
        // Re-check under the lock: another notifier may have won.
        if !self.should_notify() {
            return None;
        }
        let worker = sleepers.pop()?;
        self.state.fetch_add(1 | UNPARKED_ONE, SeqCst);
        Some(worker)
    }

    /// A worker with no local work wants to steal. Returns false if enough
    /// workers are searching already.
    pub(crate) fn transition_to_searching(&self) -> bool {
        let s = self.state.load(SeqCst);
        if 2 * searching(s) >= self.num_workers {
            return false;
        }
        self.state.fetch_add(1, SeqCst);
        true
    }

    /// A searcher stops searching (it found work). Returns true if it was
    /// the last one.
    pub(crate) fn transition_from_searching(&self) -> bool {
        let prev = self.state.fetch_sub(1, SeqCst);
        debug_assert!(searching(prev) > 0);
        searching(prev) == 1
    }

    /// Registers `worker` as parked. Returns true if it was the last
    /// searcher, in which case the caller must look at every queue once more.
    ///
    /// Notifiers wake the worker on top of the list first: a worker that
    /// will spin before sleeping goes on top (`on_top`), one that sleeps at
    /// once goes to the bottom, so that work goes to the thread that can
    /// take it without a system call.
    pub(crate) fn transition_to_parked(&self, worker: usize, is_searching: bool, on_top: bool) -> bool {
        let mut sleepers = crate::loom::lock(&self.sleepers);
        let delta = UNPARKED_ONE + usize::from(is_searching);
        let prev = self.state.fetch_sub(delta, SeqCst);
        if on_top {
            sleepers.push(worker);
        } else {
            sleepers.insert(0, worker);
        }
        drop(sleepers);
        // Pairs with the fence in `worker_to_notify`: a producer that read
        // the state before our change is seen by the caller's re-check of
        // the queues.
        fence(SeqCst);
        is_searching && searching(prev) == 1
    }

    /// True while `worker` is registered as parked (a wake-up that did not
    /// come from a notifier leaves it registered).
    /// How many workers are not parked (running, searching, or on their
    /// way to park).
    pub(crate) fn num_unparked(&self) -> usize {
        unparked(self.state.load(SeqCst))
    }

    pub(crate) fn is_parked(&self, worker: usize) -> bool {
        crate::loom::lock(&self.sleepers).contains(&worker)
    }

    /// Unregisters a parked worker that leaves on its own (shutdown, or
    /// work it found itself). Returns false if it was not registered any
    /// more: a notifier chose it, and counted it as searching.
    pub(crate) fn unpark_worker(&self, worker: usize) -> bool {
        let mut sleepers = crate::loom::lock(&self.sleepers);
        let Some(i) = sleepers.iter().position(|&w| w == worker) else { return false };
        sleepers.swap_remove(i);
        self.state.fetch_add(UNPARKED_ONE, SeqCst);
        true
    }

    #[cfg(all(test, loom))]
    pub(crate) fn num_searching(&self) -> usize {
        searching(self.state.load(SeqCst))
    }
}
