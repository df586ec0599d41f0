//! The FIFO semaphore that `Semaphore`, `Mutex` and `RwLock` are built on.
//!
//! Available permits live in one atomic word
//! (`permits << 2 | waiters << 1 | closed`), so an uncontended acquire or
//! release is a single CAS, without touching the queue lock. Tasks that cannot
//! get all their permits at once wait in an intrusive queue (nodes live in
//! the `Acquire` futures) guarded by a mutex. Releases hand permits to the
//! queue front first, partially if the front needs more than what is
//! released, and only add to the atomic word when nobody waits. Hence:
//!
//! * **invariant**: while the queue is non-empty the atomic word holds zero
//!   permits, so a newcomer can never overtake a waiter (FIFO fairness);
//! * the `WAITERS` bit of the word is set exactly while the queue is
//!   non-empty, and only changed with the queue lock held. A release that
//!   sees it clear adds its permits with one CAS; one that sees it set takes
//!   the lock and hands the permits to the queue. An acquirer that is about
//!   to queue sets the bit (under the lock) with the same CAS that checks the
//!   word for permits, so a lock-free release either lands before that CAS
//!   (and the acquirer sees its permits) or fails its own CAS and goes
//!   through the lock: no release is missed.

use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::AtomicUsize;
use crate::loom::sync::atomic::Ordering::{AcqRel, Acquire as AcqOrd, Relaxed};
use crate::loom::sync::{Mutex, MutexGuard};
use crate::util::linked_list::{self, LinkedList, Pointers};

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::ptr::NonNull;
use std::task::{ready, Context, Poll, Waker};

/// A FIFO semaphore with batch acquires.
pub(crate) struct Semaphore {
    /// `available << PERMIT_SHIFT | WAITERS | CLOSED`.
    permits: AtomicUsize,
    waiters: Mutex<Waitlist>,
}

struct Waitlist {
    queue: LinkedList<Waiter>,
    closed: bool,
}

/// Error from [`Semaphore::acquire`](crate::sync::Semaphore::acquire) and
/// the other waiting acquires: the semaphore was closed.
///
/// # Examples
///
/// ```
/// use kiso::sync::Semaphore;
///
/// let sem = Semaphore::new(1);
/// sem.close();
/// let err = futures::executor::block_on(sem.acquire()).unwrap_err();
/// assert_eq!(err.to_string(), "semaphore closed");
/// ```
#[derive(Debug)]
pub struct AcquireError(());

/// Error from [`Semaphore::try_acquire`](crate::sync::Semaphore::try_acquire)
/// and the other non-waiting acquires.
///
/// # Examples
///
/// ```
/// use kiso::sync::{Semaphore, TryAcquireError};
///
/// let sem = Semaphore::new(0);
/// assert_eq!(sem.try_acquire().unwrap_err(), TryAcquireError::NoPermits);
/// sem.close();
/// assert_eq!(sem.try_acquire().unwrap_err(), TryAcquireError::Closed);
/// assert_eq!(TryAcquireError::NoPermits.to_string(), "no permits available");
/// ```
#[derive(Debug, PartialEq, Eq)]
pub enum TryAcquireError {
    /// The semaphore has been [closed] and cannot issue new permits.
    ///
    /// [closed]: crate::sync::Semaphore::close
    Closed,
    /// The semaphore has no available permits.
    NoPermits,
}

/// A queued acquire. All of `state` is guarded by the `waiters` lock.
struct Waiter {
    state: UnsafeCell<WaiterState>,
    pointers: Pointers<Waiter>,
}

struct WaiterState {
    /// Permits still to be handed to this waiter.
    needed: usize,
    /// Whether the node is linked in the queue.
    queued: bool,
    waker: Option<Waker>,
}

// SAFETY: a waiter's links and state are only read or written with the
// semaphore's queue lock held (or by the owning future before it is
// linked), so moving or sharing it between threads cannot race; its data
// (integers, a bool, a `Waker`) is itself `Send + Sync`.
unsafe impl Send for Waiter {}
// SAFETY: as above.
unsafe impl Sync for Waiter {}

// SAFETY: `pointers` is a field of `Waiter`; the returned pointer is
// derived from `target` without creating a reference.
unsafe impl linked_list::Link for Waiter {
    type Target = Waiter;

    unsafe fn pointers(target: NonNull<Waiter>) -> NonNull<Pointers<Waiter>> {
        // SAFETY: `target` points to a live `Waiter` (caller); `addr_of_mut!`
        // only computes the field address.
        unsafe { NonNull::new_unchecked(std::ptr::addr_of_mut!((*target.as_ptr()).pointers)) }
    }
}

/// The future of a waiting acquire.
pub(crate) struct Acquire<'a> {
    node: Waiter,
    semaphore: &'a Semaphore,
    num_permits: usize,
    /// Whether `node` was pushed into the queue and the outcome has not been
    /// consumed yet (only this future touches it).
    queued: bool,
}

// SAFETY: the raw pointers inside `node` are only followed under the
// semaphore's lock; everything else in the future (a `&Semaphore`, a
// `Waker`, integers) is `Send`.
unsafe impl Send for Acquire<'_> {}
// SAFETY: `&Acquire` gives access to nothing; all work goes through
// `Pin<&mut Acquire>`.
unsafe impl Sync for Acquire<'_> {}

/// How many wakers a release collects before dropping the lock to wake them.
const WAKE_BATCH: usize = 32;

impl Semaphore {
    /// The most permits a semaphore can hold.
    pub(crate) const MAX_PERMITS: usize = usize::MAX >> 3;
    const CLOSED: usize = 1;
    /// Set while the queue is non-empty (changed only under the queue lock).
    const WAITERS: usize = 2;
    const PERMIT_SHIFT: usize = 2;

    /// A semaphore with `permits` permits.
    #[track_caller]
    pub(crate) fn new(permits: usize) -> Semaphore {
        assert!(
            permits <= Self::MAX_PERMITS,
            "a semaphore may not have more than MAX_PERMITS permits ({})",
            Self::MAX_PERMITS
        );
        Semaphore {
            permits: AtomicUsize::new(permits << Self::PERMIT_SHIFT),
            waiters: Mutex::new(Waitlist {
                queue: LinkedList::new(),
                closed: false,
            }),
        }
    }

    /// As `new`, usable in constants and statics.
    #[cfg(not(loom))]
    #[track_caller]
    pub(crate) const fn const_new(permits: usize) -> Semaphore {
        assert!(
            permits <= Self::MAX_PERMITS,
            "a semaphore may not have more than MAX_PERMITS permits"
        );
        Semaphore {
            permits: AtomicUsize::new(permits << Self::PERMIT_SHIFT),
            waiters: Mutex::new(Waitlist {
                queue: LinkedList::new(),
                closed: false,
            }),
        }
    }

    /// A closed semaphore with no permits.
    #[allow(dead_code)]
    pub(crate) fn new_closed() -> Semaphore {
        Semaphore {
            permits: AtomicUsize::new(Self::CLOSED),
            waiters: Mutex::new(Waitlist {
                queue: LinkedList::new(),
                closed: true,
            }),
        }
    }

    /// A closed semaphore with no permits (`const`).
    #[cfg(not(loom))]
    #[allow(dead_code)]
    pub(crate) const fn const_new_closed() -> Semaphore {
        Semaphore {
            permits: AtomicUsize::new(Self::CLOSED),
            waiters: Mutex::new(Waitlist {
                queue: LinkedList::new(),
                closed: true,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Waitlist> {
        crate::loom::lock(&self.waiters)
    }

    /// Permits available right now.
    pub(crate) fn available_permits(&self) -> usize {
        self.permits.load(AcqOrd) >> Self::PERMIT_SHIFT
    }

    /// Whether `close` was called.
    pub(crate) fn is_closed(&self) -> bool {
        self.permits.load(AcqOrd) & Self::CLOSED == Self::CLOSED
    }

    /// Takes `num_permits` permits if they are all available now.
    pub(crate) fn try_acquire(&self, num_permits: usize) -> Result<(), TryAcquireError> {
        assert!(
            num_permits <= Self::MAX_PERMITS,
            "a semaphore may not have more than MAX_PERMITS permits ({})",
            Self::MAX_PERMITS
        );
        let want = num_permits << Self::PERMIT_SHIFT;
        let mut curr = self.permits.load(AcqOrd);
        loop {
            if curr & Self::CLOSED == Self::CLOSED {
                return Err(TryAcquireError::Closed);
            }
            if curr < want {
                return Err(TryAcquireError::NoPermits);
            }
            match self
                .permits
                .compare_exchange(curr, curr - want, AcqRel, AcqOrd)
            {
                Ok(_) => return Ok(()),
                Err(actual) => curr = actual,
            }
        }
    }

    /// Takes up to `max` permits (as many as are available); `Err` if closed.
    /// When that is fewer than `max` the caller is going to queue, so the same
    /// CAS sets `WAITERS`. Must be called with the queue lock held.
    fn take_available(&self, max: usize) -> Result<usize, ()> {
        let mut curr = self.permits.load(AcqOrd);
        loop {
            if curr & Self::CLOSED == Self::CLOSED {
                return Err(());
            }
            let take = (curr >> Self::PERMIT_SHIFT).min(max);
            let mut next = curr - (take << Self::PERMIT_SHIFT);
            if take < max {
                next |= Self::WAITERS;
            }
            if next == curr {
                return Ok(take);
            }
            match self.permits.compare_exchange(curr, next, AcqRel, AcqOrd) {
                Ok(_) => return Ok(take),
                Err(actual) => curr = actual,
            }
        }
    }

    /// A future that resolves once `num_permits` permits were acquired.
    pub(crate) fn acquire(&self, num_permits: usize) -> Acquire<'_> {
        Acquire {
            node: Waiter {
                state: UnsafeCell::new(WaiterState {
                    needed: num_permits,
                    queued: false,
                    waker: None,
                }),
                pointers: Pointers::new(),
            },
            semaphore: self,
            num_permits,
            queued: false,
        }
    }

    /// Gives `added` permits back: to the waiters first, in FIFO order.
    #[track_caller]
    pub(crate) fn release(&self, added: usize) {
        if added == 0 {
            return;
        }
        // Fast path: nobody waits, so the permits go straight into the word.
        let mut curr = self.permits.load(AcqOrd);
        while curr & Self::WAITERS == 0 {
            let prev = curr >> Self::PERMIT_SHIFT;
            assert!(
                added <= Self::MAX_PERMITS - prev,
                "number of added permits ({}) would overflow MAX_PERMITS ({})",
                added,
                Self::MAX_PERMITS
            );
            match self.permits.compare_exchange(
                curr,
                curr + (added << Self::PERMIT_SHIFT),
                AcqRel,
                AcqOrd,
            ) {
                Ok(_) => return,
                Err(actual) => curr = actual,
            }
        }
        self.add_permits_locked(added, self.lock());
    }

    /// Clears `WAITERS` once the queue is empty. Called with the lock held.
    fn clear_waiters_if_empty(&self, waiters: &Waitlist) {
        if waiters.queue.is_empty() {
            self.permits.fetch_and(!Self::WAITERS, AcqRel);
        }
    }

    #[track_caller]
    fn add_permits_locked<'a>(&'a self, mut rem: usize, mut waiters: MutexGuard<'a, Waitlist>) {
        let mut wakers: [Option<Waker>; WAKE_BATCH] = Default::default();
        loop {
            let mut n = 0;
            while rem > 0 && n < WAKE_BATCH {
                let Some(front) = waiters.queue.front() else {
                    break;
                };
                // SAFETY: `front` is linked, hence live (a linked waiter's
                // future unlinks it under this lock before going away), and
                // we hold the lock that guards its state.
                let done = unsafe {
                    front.as_ref().state.with_mut(|st| {
                        let st = &mut *st;
                        if st.needed <= rem {
                            rem -= st.needed;
                            st.needed = 0;
                            st.queued = false;
                            wakers[n] = st.waker.take();
                            true
                        } else {
                            st.needed -= rem;
                            rem = 0;
                            false
                        }
                    })
                };
                if done {
                    waiters.queue.pop_front();
                    n += 1;
                }
            }
            if waiters.queue.is_empty() {
                let prev = self.permits.load(Relaxed) >> Self::PERMIT_SHIFT;
                if rem > Self::MAX_PERMITS - prev {
                    // Keep the word consistent with the (empty) queue before
                    // panicking.
                    self.permits.fetch_and(!Self::WAITERS, AcqRel);
                    panic!(
                        "number of added permits ({}) would overflow MAX_PERMITS ({})",
                        rem,
                        Self::MAX_PERMITS
                    );
                }
                // Only lock holders touch `WAITERS`, and other threads only
                // move permits in and out with CASes that fail on a changed
                // word, so a CAS loop sets both at once.
                let mut curr = self.permits.load(AcqOrd);
                loop {
                    let next = (curr & !Self::WAITERS) + (rem << Self::PERMIT_SHIFT);
                    match self.permits.compare_exchange(curr, next, AcqRel, AcqOrd) {
                        Ok(_) => break,
                        Err(actual) => curr = actual,
                    }
                }
                rem = 0;
            }
            drop(waiters);
            for w in wakers.iter_mut().take(n) {
                if let Some(w) = w.take() {
                    w.wake();
                }
            }
            if rem == 0 {
                return;
            }
            waiters = self.lock();
        }
    }

    /// Removes up to `n` available permits for good; returns how many.
    pub(crate) fn forget_permits(&self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        let mut curr = self.permits.load(AcqOrd);
        loop {
            let take = (curr >> Self::PERMIT_SHIFT).min(n);
            match self.permits.compare_exchange(
                curr,
                curr - (take << Self::PERMIT_SHIFT),
                AcqRel,
                AcqOrd,
            ) {
                Ok(_) => return take,
                Err(actual) => curr = actual,
            }
        }
    }

    /// Closes the semaphore: pending and future acquires fail.
    pub(crate) fn close(&self) {
        let mut waiters = self.lock();
        self.permits.fetch_or(Self::CLOSED, AcqRel);
        waiters.closed = true;
        self.permits.fetch_and(!Self::WAITERS, AcqRel);
        let mut wakers = Vec::new();
        while let Some(node) = waiters.queue.pop_front() {
            // SAFETY: as in `add_permits_locked`: linked nodes are live and
            // we hold the lock.
            let waker = unsafe {
                node.as_ref().state.with_mut(|st| {
                    (*st).queued = false;
                    (*st).waker.take()
                })
            };
            wakers.extend(waker);
        }
        drop(waiters);
        for w in wakers {
            w.wake();
        }
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Semaphore")
            .field("permits", &self.available_permits())
            .finish()
    }
}

impl Acquire<'_> {
    fn project(self: Pin<&mut Self>) -> (NonNull<Waiter>, &Semaphore, usize, &mut bool) {
        // SAFETY: we never move out of `self`; `node` stays where it is (it
        // is only ever used through a pointer).
        let this = unsafe { self.get_unchecked_mut() };
        (
            NonNull::from(&mut this.node),
            this.semaphore,
            this.num_permits,
            &mut this.queued,
        )
    }
}

impl Future for Acquire<'_> {
    type Output = Result<(), AcquireError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let coop = ready!(crate::task::coop::poll_proceed(cx));
        let (node, sem, num_permits, queued) = self.project();

        if !*queued {
            match sem.try_acquire(num_permits) {
                Ok(()) => {
                    coop.made_progress();
                    return Poll::Ready(Ok(()));
                }
                Err(TryAcquireError::Closed) => return Poll::Ready(Err(AcquireError(()))),
                Err(TryAcquireError::NoPermits) => {}
            }
            let mut waiters = sem.lock();
            let got = match sem.take_available(num_permits) {
                Ok(got) => got,
                Err(()) => return Poll::Ready(Err(AcquireError(()))),
            };
            if got == num_permits {
                coop.made_progress();
                return Poll::Ready(Ok(()));
            }
            // SAFETY: the node is not linked yet; we hold the lock.
            unsafe {
                node.as_ref().state.with_mut(|st| {
                    (*st).needed = num_permits - got;
                    (*st).queued = true;
                    (*st).waker = Some(cx.waker().clone());
                });
                // SAFETY: the node lives inside this pinned future, which
                // unlinks it (under the lock) in `Drop` before going away.
                waiters.queue.push_back(node);
            }
            *queued = true;
            return Poll::Pending;
        }

        let waiters = sem.lock();
        // SAFETY: the node is ours and live; we hold the lock guarding it.
        let (still_queued, needed, old_waker) = unsafe {
            node.as_ref().state.with_mut(|st| {
                let st = &mut *st;
                let mut old = None;
                if st.queued {
                    let keep = matches!(&st.waker, Some(w) if w.will_wake(cx.waker()));
                    if !keep {
                        old = st.waker.replace(cx.waker().clone());
                    }
                }
                (st.queued, st.needed, old)
            })
        };
        if still_queued {
            drop(waiters);
            drop(old_waker);
            return Poll::Pending;
        }
        *queued = false;
        if needed == 0 {
            drop(waiters);
            coop.made_progress();
            Poll::Ready(Ok(()))
        } else {
            // Closed while waiting: give back what was handed to us.
            let assigned = num_permits - needed;
            if assigned > 0 {
                sem.add_permits_locked(assigned, waiters);
            }
            Poll::Ready(Err(AcquireError(())))
        }
    }
}

impl Drop for Acquire<'_> {
    fn drop(&mut self) {
        if !self.queued {
            return;
        }
        let node = NonNull::from(&mut self.node);
        let sem = self.semaphore;
        let mut waiters = sem.lock();
        // SAFETY: the node is live (we are in its owner's drop) and the lock
        // is held; it is either in the queue or in none.
        let needed = unsafe {
            let (queued, needed) = node.as_ref().state.with(|st| ((*st).queued, (*st).needed));
            if queued {
                waiters.queue.remove(node);
            }
            needed
        };
        sem.clear_waiters_if_empty(&waiters);
        let assigned = self.num_permits - needed;
        if assigned > 0 {
            sem.add_permits_locked(assigned, waiters);
        }
    }
}

#[allow(dead_code)]
impl AcquireError {
    pub(crate) fn closed() -> AcquireError {
        AcquireError(())
    }
}

impl fmt::Display for AcquireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("semaphore closed")
    }
}

impl std::error::Error for AcquireError {}

#[allow(dead_code)]
impl TryAcquireError {
    /// Whether the semaphore was closed.
    pub(crate) fn is_closed(&self) -> bool {
        matches!(self, TryAcquireError::Closed)
    }

    /// Whether there were not enough permits.
    pub(crate) fn is_no_permits(&self) -> bool {
        matches!(self, TryAcquireError::NoPermits)
    }
}

impl fmt::Display for TryAcquireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryAcquireError::Closed => f.write_str("semaphore closed"),
            TryAcquireError::NoPermits => f.write_str("no permits available"),
        }
    }
}

impl std::error::Error for TryAcquireError {}

pub(crate) use super::blocking::block_on;
