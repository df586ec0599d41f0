//! The worker thread of a multi-thread runtime.
//!
//! Until the work-stealing scheduler lands, a multi-thread runtime is the
//! current-thread scheduler driven by one dedicated thread, so that its tasks
//! run whether or not anyone is in `block_on`, as users of a multi-thread
//! runtime expect.

use crate::loom::sync::atomic::{AtomicBool, Ordering::*};
use crate::runtime::handle::Handle;
use crate::runtime::scheduler::current_thread;
use crate::runtime::{context, Callback};
use std::io;
use std::sync::Arc;
use std::task::Poll;

pub(crate) struct Worker {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Worker {
    pub(crate) fn start(
        handle: &Handle,
        name: String,
        stack_size: Option<usize>,
        after_start: Option<Callback>,
        before_stop: Option<Callback>,
    ) -> io::Result<Worker> {
        let stop = Arc::new(AtomicBool::new(false));
        let mut builder = std::thread::Builder::new().name(name);
        if let Some(size) = stack_size {
            builder = builder.stack_size(size);
        }
        let inner = handle.inner.clone();
        let flag = stop.clone();
        let thread = builder.spawn(move || {
            if let Some(f) = &after_start {
                f();
            }
            {
                let _driving = context::enter_driving();
                let _enter = context::set_current(&inner);
                let stop = std::future::poll_fn(|_| if flag.load(Acquire) { Poll::Ready(()) } else { Poll::Pending });
                current_thread::block_on(&inner, stop);
            }
            drop(inner);
            if let Some(f) = &before_stop {
                f();
            }
        })?;
        Ok(Worker { stop, thread: Some(thread) })
    }

    /// Stops the worker and waits for it to hand the core back.
    pub(crate) fn stop(&mut self, handle: &Handle) {
        self.stop.store(true, Release);
        handle.inner.current_thread().wake_block_on();
        if let Some(t) = self.thread.take() {
            if t.thread().id() == std::thread::current().id() {
                return;
            }
            let _ = t.join();
        }
    }
}
