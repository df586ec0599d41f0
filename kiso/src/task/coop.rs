//! Cooperative scheduling: a budget that makes busy tasks yield.
//!
//! A task that always finds work ready (a channel that is never empty, a
//! socket that always has data) would never return `Pending` and would keep
//! its thread from running anything else. To prevent that, each time the
//! runtime polls a task it gives the task a budget of 128 units. Every kiso
//! resource (join handles, and later channels, sockets, timers) spends one
//! unit when it is ready; once the budget is spent, resources pretend not to
//! be ready (returning `Pending` after waking the task), so the task yields
//! and is polled again after the others had their turn.
//!
//! Code outside kiso can join in with [`consume_budget`], [`poll_proceed`] or
//! [`cooperative`], and opt a future out with [`unconstrained`].
//!
//! # Examples
//!
//! ```
//! # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
//! # rt.block_on(async {
//! // A CPU-bound loop that still lets other tasks run.
//! let mut sum = 0u64;
//! for i in 0..10_000u64 {
//!     sum += i;
//!     kiso::task::coop::consume_budget().await;
//! }
//! assert_eq!(sum, 49_995_000);
//! # });
//! ```

use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Wakes the task being polled so that it is polled again after the other
/// tasks that are ready: a yield (`yield_now`, a spent budget). The
/// multi-thread scheduler keeps such a task on its worker for a while
/// instead of offering it to the others, as Tokio defers yields; a task that
/// another thread woke while it ran is queued normally.
#[cfg_attr(not(feature = "rt"), allow(dead_code))]
pub(crate) fn wake_to_yield(waker: &std::task::Waker) {
    let _ = YIELDING.try_with(|y| y.set(true));
    waker.wake_by_ref();
}

/// Returns whether the task just polled asked to yield (see
/// [`wake_to_yield`]), and clears the mark.
#[cfg_attr(not(feature = "rt-multi-thread"), allow(dead_code))]
pub(crate) fn take_yielding() -> bool {
    YIELDING.try_with(|y| y.replace(false)).unwrap_or(false)
}

/// Units of budget a task gets per poll.
#[cfg_attr(not(feature = "rt"), allow(dead_code))]
const INITIAL: u8 = 128;

/// `None` means unconstrained (outside a runtime, or inside `unconstrained`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Budget(Option<u8>);

impl Budget {
    #[cfg_attr(not(feature = "rt"), allow(dead_code))]
    pub(crate) const fn initial() -> Budget {
        Budget(Some(INITIAL))
    }

    pub(crate) const fn unconstrained() -> Budget {
        Budget(None)
    }
}

std::thread_local! {
    static BUDGET: Cell<Budget> = const { Cell::new(Budget(None)) };
    /// Set by [`wake_to_yield`]: the task being polled woke itself to let
    /// the others run (a yield), rather than being woken while it ran.
    static YIELDING: Cell<bool> = const { Cell::new(false) };
}

/// Restores the budget that was in force before on drop.
struct ResetGuard(Budget);

impl Drop for ResetGuard {
    fn drop(&mut self) {
        let _ = BUDGET.try_with(|b| b.set(self.0));
    }
}

/// Runs `f` with `budget` in force, then restores the previous one.
#[inline]
pub(crate) fn with_budget<R>(budget: Budget, f: impl FnOnce() -> R) -> R {
    let prev = BUDGET
        .try_with(|b| b.replace(budget))
        .unwrap_or(Budget(None));
    let _reset = ResetGuard(prev);
    f()
}

/// Runs `f` with a fresh per-poll budget.
#[inline]
#[cfg_attr(not(feature = "rt"), allow(dead_code))]
pub(crate) fn budget<R>(f: impl FnOnce() -> R) -> R {
    with_budget(Budget::initial(), f)
}

/// Returns true if the current task may still make progress before it has to
/// yield: its budget is not spent, or it runs unconstrained.
///
/// Useful to decide whether to take on one more piece of work in a loop that
/// polls several resources by hand.
///
/// # Examples
///
/// ```
/// use kiso::task::coop::{consume_budget, has_budget_remaining};
///
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// kiso::spawn(async {
///     assert!(has_budget_remaining());
///     for _ in 0..128 {
///         consume_budget().await;
///     }
///     // All 128 units were spent within one poll.
///     assert!(!has_budget_remaining());
/// })
/// .await
/// .unwrap();
/// # });
/// ```
#[inline]
pub fn has_budget_remaining() -> bool {
    BUDGET.try_with(|b| b.get().0 != Some(0)).unwrap_or(true)
}

/// Spends one unit of the current task's budget, if it has one; if the
/// budget is spent, wakes the task and returns `Pending` so that it yields.
///
/// On success it returns a [`RestoreOnPending`] guard: call
/// [`made_progress`](RestoreOnPending::made_progress) on it if the operation
/// went ahead; if the guard is dropped without that, the unit is given back,
/// so an operation that ends up `Pending` costs nothing.
///
/// # Examples
///
/// ```
/// use std::future::Future;
/// use std::pin::Pin;
/// use std::task::{ready, Context, Poll};
///
/// /// A counter that is always ready, but still yields when the budget runs out.
/// struct Ticks(u32);
///
/// impl Future for Ticks {
///     type Output = u32;
///     fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
///         let coop = ready!(kiso::task::coop::poll_proceed(cx));
///         self.0 += 1;
///         coop.made_progress();
///         Poll::Ready(self.0)
///     }
/// }
///
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// assert_eq!(Ticks(0).await, 1);
/// # });
/// ```
#[inline]
pub fn poll_proceed(cx: &mut Context<'_>) -> Poll<RestoreOnPending> {
    let res = BUDGET.try_with(|cell| {
        let before = cell.get();
        match before.0 {
            Some(0) => None,
            Some(n) => {
                cell.set(Budget(Some(n - 1)));
                Some(RestoreOnPending {
                    restore: Cell::new(before),
                    _not_send: PhantomData,
                })
            }
            None => Some(RestoreOnPending {
                restore: Cell::new(before),
                _not_send: PhantomData,
            }),
        }
    });
    match res {
        Ok(Some(guard)) => Poll::Ready(guard),
        Ok(None) => {
            // Out of budget: ask to be polled again, after the others.
            wake_to_yield(cx.waker());
            Poll::Pending
        }
        // Thread-local storage is gone: no budget to enforce.
        Err(_) => Poll::Ready(RestoreOnPending {
            restore: Cell::new(Budget(None)),
            _not_send: PhantomData,
        }),
    }
}

/// Gives back a unit of budget taken by [`poll_proceed`] unless
/// [`made_progress`](RestoreOnPending::made_progress) is called.
pub struct RestoreOnPending {
    restore: Cell<Budget>,
    _not_send: PhantomData<*const ()>,
}

impl RestoreOnPending {
    /// Keeps the unit spent: the operation made progress.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::task::{Context, Poll};
    ///
    /// fn poll_op(cx: &mut Context<'_>) -> Poll<()> {
    ///     let coop = std::task::ready!(kiso::task::coop::poll_proceed(cx));
    ///     // ... the operation succeeded ...
    ///     coop.made_progress();
    ///     Poll::Ready(())
    /// }
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(std::future::poll_fn(poll_op));
    /// ```
    pub fn made_progress(&self) {
        self.restore.set(Budget(None));
    }
}

impl Drop for RestoreOnPending {
    fn drop(&mut self) {
        let restore = self.restore.get();
        if restore.0.is_some() {
            let _ = BUDGET.try_with(|b| b.set(restore));
        }
    }
}

impl fmt::Debug for RestoreOnPending {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RestoreOnPending").finish_non_exhaustive()
    }
}

/// Spends one unit of the current task's budget, yielding to the scheduler
/// first if the budget is spent.
///
/// Call it in long loops that do not otherwise touch a kiso resource, so the
/// task still gives other tasks a turn.
///
/// # Cancel safety
///
/// Cancel safe: nothing happens if it is dropped before completing.
///
/// # Examples
///
/// ```
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let mut total = 0u64;
/// for i in 0..1000u64 {
///     total += i;
///     kiso::task::coop::consume_budget().await;
/// }
/// assert_eq!(total, 499_500);
/// # });
/// ```
pub async fn consume_budget() {
    std::future::poll_fn(|cx| {
        let coop = ready!(poll_proceed(cx));
        coop.made_progress();
        Poll::Ready(())
    })
    .await
}

/// Runs a future with no budget: kiso resources inside it never force it to
/// yield.
///
/// Use with care: an unconstrained future that always finds work can keep its
/// thread from running any other task.
///
/// # Examples
///
/// ```
/// use kiso::task::coop::{consume_budget, has_budget_remaining, unconstrained};
///
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// kiso::spawn(unconstrained(async {
///     for _ in 0..1000 {
///         consume_budget().await;
///     }
///     assert!(has_budget_remaining());
/// }))
/// .await
/// .unwrap();
/// # });
/// ```
pub fn unconstrained<F: Future>(inner: F) -> Unconstrained<F> {
    Unconstrained { inner }
}

/// A future that runs its inner future without a budget; see
/// [`unconstrained`].
#[must_use = "futures do nothing unless you `.await` or poll them"]
#[allow(missing_debug_implementations)]
pub struct Unconstrained<F> {
    inner: F,
}

impl<F: Unpin> Unpin for Unconstrained<F> {}

impl<F: Future> Future for Unconstrained<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: `inner` is structurally pinned: it is never moved out of
        // `self`, and `Unconstrained` is `Unpin` only when `F` is.
        let inner = unsafe { self.map_unchecked_mut(|s| &mut s.inner) };
        with_budget(Budget::unconstrained(), || inner.poll(cx))
    }
}

/// Makes a future take part in the budget: each poll first spends a unit
/// (yielding if the budget is spent), and the unit is given back if the
/// inner future returns `Pending`.
///
/// # Examples
///
/// ```
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let answer = kiso::task::coop::cooperative(async { 42 }).await;
/// assert_eq!(answer, 42);
/// # });
/// ```
pub fn cooperative<F: Future>(fut: F) -> Coop<F> {
    Coop { fut }
}

/// A future that spends budget on each poll; see [`cooperative`].
#[must_use = "futures do nothing unless you `.await` or poll them"]
#[derive(Debug)]
pub struct Coop<F> {
    fut: F,
}

impl<F: Unpin> Unpin for Coop<F> {}

impl<F: Future> Future for Coop<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let coop = ready!(poll_proceed(cx));
        // SAFETY: `fut` is structurally pinned, as in `Unconstrained`.
        let fut = unsafe { self.map_unchecked_mut(|s| &mut s.fut) };
        let out = ready!(fut.poll(cx));
        coop.made_progress();
        Poll::Ready(out)
    }
}
