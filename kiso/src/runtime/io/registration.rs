//! A resource's registration with its runtime's I/O driver: what socket
//! types (and `AsyncFd`) use to wait for readiness and to run operations
//! that may return `WouldBlock`.

use super::scheduled_io::{Direction, ReadyEvent, ScheduledIo};
use super::Driver;
use crate::io::Interest;
use crate::runtime::HandleInner;
use crate::task::coop;
use mio::event::Source;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

/// Registration of one resource; deregistered from the event queue by
/// [`Registration::deregister`] and released from the driver on drop.
pub(crate) struct Registration {
    handle: Arc<HandleInner>,
    shared: Arc<ScheduledIo>,
}

const IO_DISABLED: &str =
    "A Tokio 1.x context was found, but IO is disabled. Call `enable_io` on the runtime builder to enable IO.";

impl Registration {
    /// Registers `io` with the runtime entered on this thread.
    ///
    /// Panics if no runtime is entered, or its I/O driver is not enabled.
    #[track_caller]
    pub(crate) fn new(io: &mut impl Source, interest: Interest) -> io::Result<Registration> {
        let handle = crate::runtime::Handle::current().inner;
        Registration::new_with_handle(io, interest, handle)
    }

    /// Registers `io` with `handle`'s I/O driver.
    #[track_caller]
    pub(crate) fn new_with_handle(
        io: &mut impl Source,
        interest: Interest,
        handle: Arc<HandleInner>,
    ) -> io::Result<Registration> {
        let Some(driver) = handle.io() else { panic!("{IO_DISABLED}") };
        let shared = driver.add_source(io, interest)?;
        Ok(Registration { handle, shared })
    }

    fn driver(&self) -> &Driver {
        self.handle.io().expect("a registration implies an I/O driver")
    }

    /// Takes `io` out of the event queue (before it is closed or handed
    /// back to the user).
    pub(crate) fn deregister(&self, io: &mut impl Source) -> io::Result<()> {
        if self.driver().is_shutdown() {
            // The event queue may already be gone with the runtime; the
            // registration is inert either way.
            return Ok(());
        }
        self.driver().deregister_source(io)
    }

    /// Records readiness known without an OS event (a freshly accepted or
    /// paired socket can be written at once), so a `try_` operation right
    /// away does not report `WouldBlock`.
    pub(crate) fn assume_ready(&self, ready: crate::io::Ready) {
        self.shared.set_readiness(ready);
    }

    /// Forgets the readiness `event` saw (the operation hit `WouldBlock`),
    /// unless a newer edge has arrived since.
    pub(crate) fn clear_readiness(&self, event: ReadyEvent) {
        self.shared.clear_readiness(event);
    }

    pub(crate) fn poll_read_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<ReadyEvent>> {
        self.poll_ready(cx, Direction::Read)
    }

    pub(crate) fn poll_write_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<ReadyEvent>> {
        self.poll_ready(cx, Direction::Write)
    }

    /// Waits (poll-style, one waker per direction) until `direction` is
    /// ready. Spends a unit of coop budget.
    pub(crate) fn poll_ready(&self, cx: &mut Context<'_>, direction: Direction) -> Poll<io::Result<ReadyEvent>> {
        let coop = ready!(coop::poll_proceed(cx));
        let ev = ready!(self.shared.poll_readiness(cx, direction));
        if ev.is_shutdown {
            return Poll::Ready(Err(super::shutdown_error()));
        }
        coop.made_progress();
        Poll::Ready(Ok(ev))
    }

    /// Runs `f` once `direction` is ready, until it stops returning
    /// `WouldBlock`.
    pub(crate) fn poll_io<R>(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
        mut f: impl FnMut() -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        loop {
            let ev = ready!(self.poll_ready(cx, direction))?;
            match f() {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.clear_readiness(ev),
                res => return Poll::Ready(res),
            }
        }
    }

    /// Runs `f` if the resource looks ready for `interest`, without waiting;
    /// `WouldBlock` otherwise.
    pub(crate) fn try_io<R>(&self, interest: Interest, f: impl FnOnce() -> io::Result<R>) -> io::Result<R> {
        let ev = self.shared.ready_event(interest);
        if ev.ready.is_empty() {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        match f() {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                self.clear_readiness(ev);
                Err(e)
            }
            res => res,
        }
    }

    /// Waits until the resource is ready for `interest` (any number of
    /// tasks may wait at once).
    pub(crate) fn readiness(&self, interest: Interest) -> Readiness<'_> {
        Readiness { shared: &self.shared, interest, slot: None }
    }

    /// Waits for `interest`, then runs `f`, until it stops returning
    /// `WouldBlock`.
    pub(crate) async fn async_io<R>(&self, interest: Interest, mut f: impl FnMut() -> io::Result<R>) -> io::Result<R> {
        loop {
            let ev = self.readiness(interest).await?;
            match f() {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.clear_readiness(ev),
                res => return res,
            }
        }
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        // Wakers may own the task that owns this resource: break the cycle.
        self.shared.clear_wakers();
        if let Some(driver) = self.handle.io() {
            driver.release(&self.shared);
        }
    }
}

impl std::fmt::Debug for Registration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registration").field("shared", &self.shared).finish()
    }
}

/// Future of [`Registration::readiness`].
pub(crate) struct Readiness<'a> {
    shared: &'a ScheduledIo,
    interest: Interest,
    slot: Option<usize>,
}

impl Future for Readiness<'_> {
    type Output = io::Result<ReadyEvent>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<ReadyEvent>> {
        let this = self.get_mut();
        let coop = ready!(coop::poll_proceed(cx));
        let ev = ready!(this.shared.poll_interest(cx, this.interest, &mut this.slot));
        if ev.is_shutdown {
            return Poll::Ready(Err(super::shutdown_error()));
        }
        coop.made_progress();
        Poll::Ready(Ok(ev))
    }
}

impl Drop for Readiness<'_> {
    fn drop(&mut self) {
        self.shared.release_slot(&mut self.slot);
    }
}
