//! Waiting for a future on a thread that is not driving a runtime: what the
//! `blocking_*` methods of the primitives use.

use std::future::Future;

/// Runs `future` to completion on this thread, parking it between polls.
///
/// # Panics
///
/// Panics, with Tokio's message, when the thread is driving an asynchronous
/// runtime: blocking it would stall every task of that runtime.
#[track_caller]
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    #[cfg(feature = "rt")]
    if crate::runtime::context::is_driving() {
        panic!(
            "Cannot block the current thread from within a runtime. This happens because a \
             function attempted to block the current thread while the thread is being used to \
             drive asynchronous tasks."
        );
    }
    park(future)
}

#[cfg(not(loom))]
fn park<F: Future>(future: F) -> F::Output {
    use std::sync::Arc;
    use std::task::{Context, Poll, Wake, Waker};

    struct ThreadWaker(std::thread::Thread);
    impl Wake for ThreadWaker {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
        fn wake_by_ref(self: &Arc<Self>) {
            self.0.unpark();
        }
    }

    let waker = Waker::from(Arc::new(ThreadWaker(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        if let Poll::Ready(out) = crate::task::coop::budget(|| future.as_mut().poll(&mut cx)) {
            return out;
        }
        // A spurious unpark only costs one more poll.
        std::thread::park();
    }
}

/// Under loom, model threads share OS threads: loom's own executor parks.
#[cfg(loom)]
fn park<F: Future>(future: F) -> F::Output {
    loom::future::block_on(future)
}
