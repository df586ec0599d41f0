//! Task ids.

use std::cell::Cell;
use std::fmt;
use std::num::NonZeroU64;
use std::sync::atomic::{AtomicU64, Ordering};

/// An opaque identifier of a task.
///
/// An id is unique among the tasks of the process that are alive at the same
/// time. Ids carry no other meaning: they are not sequential and say nothing
/// about the order or the runtime in which tasks were spawned.
///
/// # Examples
///
/// ```
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let handle = kiso::spawn(async { kiso::task::id() });
/// let id = handle.id();
/// assert_eq!(handle.await.unwrap(), id);
/// # });
/// ```
#[derive(Clone, Copy, Debug, Hash, Eq, PartialEq, PartialOrd, Ord)]
pub struct Id(pub(crate) NonZeroU64);

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Ids are handed to threads in blocks, so spawning costs no shared atomic
/// operation (a global counter is a known point of contention).
pub(crate) const BLOCK: u64 = 1024;

// A plain `std` atomic, not the loom facade's: it must be a `static`, and it
// takes part in no protocol a model checks (any unique value will do).
static NEXT_BLOCK: AtomicU64 = AtomicU64::new(1);

std::thread_local! {
    /// `(next, end)` of this thread's current block.
    static RANGE: Cell<(u64, u64)> = const { Cell::new((0, 0)) };
}

impl Id {
    pub(crate) fn next() -> Id {
        let raw = RANGE
            .try_with(|r| {
                let (mut next, mut end) = r.get();
                if next == end {
                    next = NEXT_BLOCK.fetch_add(BLOCK, Ordering::Relaxed);
                    end = next + BLOCK;
                }
                r.set((next + 1, end));
                next
            })
            // During thread teardown: take a block of one.
            .unwrap_or_else(|_| NEXT_BLOCK.fetch_add(1, Ordering::Relaxed));
        Id(NonZeroU64::new(raw).expect("task id space exhausted"))
    }
}
