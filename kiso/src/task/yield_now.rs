//! `yield_now`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Yields execution back to the runtime.
///
/// The task is put at the back of the run queue: every other task that is
/// ready runs before it is polled again. Useful in long computations that
/// have no natural await point.
///
/// Inside a kiso task this costs one atomic operation: the task marks itself
/// as woken, and the scheduler re-queues it when the poll returns.
///
/// # Cancel safety
///
/// Cancel safe: dropping it has no effect beyond not yielding.
///
/// # Examples
///
/// ```
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let other = kiso::spawn(async { "other ran" });
/// // Lets `other` run on this single-threaded runtime.
/// kiso::task::yield_now().await;
/// assert!(other.is_finished());
/// # });
/// ```
pub async fn yield_now() {
    YieldNow { yielded: false }.await
}

struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        crate::task::coop::wake_to_yield(cx.waker());
        Poll::Pending
    }
}
