//! `PollEvented`: a mio resource plus its registration, with the read and
//! write loops every socket type shares.

use super::registration::Registration;
use super::scheduled_io::Direction;
use crate::io::{Interest, ReadBuf};
use crate::runtime::HandleInner;
use mio::event::Source;
use std::io::{self, Read, Write};
use std::ops::Deref;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

/// A mio `Source` registered with a runtime's I/O driver. Deregistered
/// when dropped (or handed back by [`PollEvented::into_inner`]).
pub(crate) struct PollEvented<E: Source> {
    io: Option<E>,
    registration: Registration,
}

impl<E: Source> PollEvented<E> {
    /// Registers `io` for reads and writes with the current runtime.
    #[track_caller]
    pub(crate) fn new(io: E) -> io::Result<Self> {
        PollEvented::new_with_interest(io, Interest::READABLE | Interest::WRITABLE)
    }

    #[track_caller]
    pub(crate) fn new_with_interest(mut io: E, interest: Interest) -> io::Result<Self> {
        let registration = Registration::new(&mut io, interest)?;
        Ok(PollEvented { io: Some(io), registration })
    }

    #[track_caller]
    #[allow(dead_code)]
    pub(crate) fn new_with_interest_and_handle(
        mut io: E,
        interest: Interest,
        handle: Arc<HandleInner>,
    ) -> io::Result<Self> {
        let registration = Registration::new_with_handle(&mut io, interest, handle)?;
        Ok(PollEvented { io: Some(io), registration })
    }

    pub(crate) fn registration(&self) -> &Registration {
        &self.registration
    }

    /// Deregisters the resource and hands it back.
    pub(crate) fn into_inner(mut self) -> io::Result<E> {
        let mut io = self.io.take().expect("resource present until drop");
        self.registration.deregister(&mut io)?;
        Ok(io)
    }

    /// Reads into `buf`'s unfilled part once the resource is readable.
    pub(crate) fn poll_read<'a>(&'a self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>>
    where
        &'a E: Read + 'a,
    {
        loop {
            let ev = ready!(self.registration.poll_read_ready(cx))?;
            // SAFETY: the slice is only written to by the `read` system call
            // (mio's `Read` for sockets and pipes), never read from; the
            // bytes it reports as read are initialised by the kernel, and
            // only those are marked filled below.
            let unfilled = unsafe { &mut *(buf.unfilled_mut() as *mut [std::mem::MaybeUninit<u8>] as *mut [u8]) };
            let len = unfilled.len();
            let mut io: &E = self.io_ref();
            match io.read(unfilled) {
                Ok(n) => {
                    // A short read on an edge-triggered stream drained the
                    // kernel's buffer: the next read would be WouldBlock, so
                    // skip straight to waiting for the next edge.
                    if n > 0 && n < len {
                        self.registration.clear_readiness(ev);
                    }
                    // SAFETY: `read` initialised the first `n` bytes.
                    unsafe { buf.assume_init(n) };
                    buf.advance(n);
                    return Poll::Ready(Ok(()));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.registration.clear_readiness(ev),
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }

    /// Writes `buf` once the resource is writable.
    pub(crate) fn poll_write<'a>(&'a self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>>
    where
        &'a E: Write + 'a,
    {
        loop {
            let ev = ready!(self.registration.poll_write_ready(cx))?;
            let mut io: &E = self.io_ref();
            match io.write(buf) {
                Ok(n) => {
                    // A short write filled the kernel's buffer.
                    if n > 0 && n < buf.len() {
                        self.registration.clear_readiness(ev);
                    }
                    return Poll::Ready(Ok(n));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.registration.clear_readiness(ev),
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }

    /// Vectored write once the resource is writable.
    pub(crate) fn poll_write_vectored<'a>(
        &'a self,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>>
    where
        &'a E: Write + 'a,
    {
        self.registration.poll_io(cx, Direction::Write, || { let mut io: &E = self.io_ref(); io.write_vectored(bufs) })
    }

    fn io_ref(&self) -> &E {
        self.io.as_ref().expect("resource present until drop")
    }
}

// A panic while a resource is in use leaves nothing half-updated that a
// later use could observe: readiness is a hint and is re-checked by the OS
// call.
impl<E: Source> std::panic::UnwindSafe for PollEvented<E> {}
impl<E: Source> std::panic::RefUnwindSafe for PollEvented<E> {}

impl<E: Source> Deref for PollEvented<E> {
    type Target = E;

    fn deref(&self) -> &E {
        self.io_ref()
    }
}

impl<E: Source> Drop for PollEvented<E> {
    fn drop(&mut self) {
        if let Some(mut io) = self.io.take() {
            // Leave the event queue before the descriptor closes (with `io`,
            // right after), so no event can name the registration.
            let _ = self.registration.deregister(&mut io);
        }
    }
}

impl<E: Source + std::fmt::Debug> std::fmt::Debug for PollEvented<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PollEvented").field("io", &self.io).finish()
    }
}
