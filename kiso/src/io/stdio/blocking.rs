//! `Blocking<T>`: a blocking `std::io::Read` or `Write` driven from async
//! code by running each operation on the blocking pool.
//!
//! One operation is in flight at a time. A write copies the caller's bytes
//! into an internal buffer, starts the blocking write and reports success at
//! once; the next write, or a flush, first waits for it (and reports its
//! error, if any). A read starts a blocking read into the internal buffer
//! and copies out of it when it is done; what the caller had no room for
//! stays buffered for the next read.
//!
//! The pieces (`Buf`, `spawn_op`, `Pending`) are also meant for other
//! adapters over blocking handles, such as files.

#![cfg_attr(not(feature = "rt"), allow(dead_code, unused_variables))]

pub(crate) use crate::io::blocking_buf::Buf;
use crate::io::{AsyncRead, AsyncWrite, ReadBuf};

use std::fmt;
use std::future::Future;
use std::io::{self, Read, Write};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Largest number of bytes moved by one blocking operation.
pub(crate) const MAX_BUF: usize = 2 * 1024 * 1024;

/// An async reader or writer over the blocking `T`.
///
/// `T` should be a reader or a writer, not both: reads and writes share the
/// one internal buffer.
pub(crate) struct Blocking<T> {
    /// `None` while an operation holds it (or once it is lost).
    inner: Option<T>,
    state: State<T>,
    /// Bytes were written since the last flush.
    need_flush: bool,
    /// Operations still run if the runtime shuts down before a pool thread
    /// gets to them.
    mandatory: bool,
}

enum State<T> {
    /// No operation in flight. `None` once the handle is unusable: an
    /// operation was cancelled by a runtime shutdown (or panicked), and took
    /// `T` with it.
    Idle(Option<Buf>),
    /// An operation is in flight; it gives back its result, the buffer and
    /// `T`.
    Busy(Pending<(io::Result<usize>, Buf, T)>),
}

impl<T> Blocking<T> {
    /// Wraps `inner`. Its operations are cancelled (and the handle becomes
    /// unusable) if the runtime shuts down before they start.
    #[allow(dead_code)]
    pub(crate) fn new(inner: T) -> Blocking<T> {
        Blocking {
            inner: Some(inner),
            state: State::Idle(Some(Buf::with_capacity(0))),
            need_flush: false,
            mandatory: false,
        }
    }

    /// Wraps `inner`. An operation that was started still happens if the
    /// runtime shuts down before a pool thread gets to it (it then runs on
    /// the thread that shuts the runtime down), so a write reported done is
    /// not lost.
    pub(crate) fn new_mandatory(inner: T) -> Blocking<T> {
        Blocking {
            mandatory: true,
            ..Blocking::new(inner)
        }
    }

    /// Waits for the operation in flight, if any, and puts the buffer and
    /// `T` back. Returns that operation's result.
    fn poll_idle(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let State::Busy(pending) = &mut self.state else {
            return Poll::Ready(Ok(0));
        };
        match ready!(Pin::new(pending).poll(cx)) {
            Ok((res, buf, inner)) => {
                self.state = State::Idle(Some(buf));
                self.inner = Some(inner);
                Poll::Ready(res)
            }
            Err(e) => {
                self.state = State::Idle(None);
                Poll::Ready(Err(e))
            }
        }
    }

    /// Takes the buffer and `T` for a new operation, or fails if they were
    /// lost.
    fn take_parts(&mut self) -> io::Result<(Buf, T)> {
        match &mut self.state {
            State::Idle(buf) => match (buf.take(), self.inner.take()) {
                (Some(buf), Some(inner)) => Ok((buf, inner)),
                _ => Err(gone()),
            },
            State::Busy(_) => unreachable!("an operation is already in flight"),
        }
    }

    #[track_caller]
    fn start<F>(&mut self, op: F)
    where
        F: FnOnce() -> (io::Result<usize>, Buf, T) + Send + 'static,
        T: Send + 'static,
    {
        self.state = State::Busy(spawn_op(self.mandatory, op));
    }
}

impl<T> AsyncRead for Blocking<T>
where
    T: Read + Unpin + Send + 'static,
{
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        dst: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        loop {
            match &mut this.state {
                State::Idle(Some(buf)) if !buf.is_empty() => {
                    // Left over from an earlier read.
                    buf.copy_to(dst);
                    return Poll::Ready(Ok(()));
                }
                State::Idle(_) => {
                    let (mut buf, mut inner) = match this.take_parts() {
                        Ok(parts) => parts,
                        Err(e) => return Poll::Ready(Err(e)),
                    };
                    let max = dst.remaining().min(MAX_BUF);
                    this.start(move || {
                        let res = buf.read_from(&mut inner, max);
                        (res, buf, inner)
                    });
                }
                State::Busy(_) => {
                    let res = ready!(this.poll_idle(cx));
                    if let Err(e) = res {
                        return Poll::Ready(Err(e));
                    }
                    if let State::Idle(Some(buf)) = &mut this.state {
                        buf.copy_to(dst);
                    }
                    return Poll::Ready(Ok(()));
                }
            }
        }
    }
}

impl<T> AsyncWrite for Blocking<T>
where
    T: Write + Unpin + Send + 'static,
{
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        src: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        // The previous write must be done (and succeed) first.
        ready!(this.poll_idle(cx))?;
        let (mut buf, mut inner) = this.take_parts()?;
        let n = buf.copy_from(src, MAX_BUF);
        this.start(move || {
            let len = buf.len();
            let res = buf.write_to(&mut inner).map(|()| len);
            (res, buf, inner)
        });
        this.need_flush = true;
        Poll::Ready(Ok(n))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        loop {
            ready!(this.poll_idle(cx))?;
            if !this.need_flush {
                return Poll::Ready(Ok(()));
            }
            let (buf, mut inner) = this.take_parts()?;
            this.start(move || {
                let res = inner.flush().map(|()| 0);
                (res, buf, inner)
            });
            this.need_flush = false;
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // Nothing to close: the handle stays usable, as the std one does.
        Poll::Ready(Ok(()))
    }
}

impl<T> fmt::Debug for Blocking<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            State::Idle(Some(_)) => "idle",
            State::Idle(None) => "gone",
            State::Busy(_) => "busy",
        };
        f.debug_struct("Blocking")
            .field("state", &state)
            .field("need_flush", &self.need_flush)
            .finish_non_exhaustive()
    }
}

/// The error of every operation on a handle whose `T` was lost because the
/// runtime shut down.
pub(crate) fn gone() -> io::Error {
    #[cfg(feature = "rt")]
    {
        io::Error::other(crate::runtime::ShutdownError)
    }
    #[cfg(not(feature = "rt"))]
    {
        io::Error::other("the runtime is shutting down")
    }
}

/// Runs `op` when dropped, unless it already ran. Mandatory operations are
/// spawned as mandatory blocking tasks, which the pool runs even when it
/// shuts down before reaching them; one spawned after the pool shut down is
/// dropped unrun instead, and this runs it there and then.
struct RunOnDrop<F: FnOnce() -> R, R>(Option<F>);

impl<F: FnOnce() -> R, R> RunOnDrop<F, R> {
    fn run(mut self) -> R {
        let op = self.0.take().expect("operation already ran");
        op()
    }
}

impl<F: FnOnce() -> R, R> Drop for RunOnDrop<F, R> {
    fn drop(&mut self) {
        if let Some(op) = self.0.take() {
            drop(op());
        }
    }
}

/// Starts `op` on the runtime's blocking pool. If `mandatory`, `op` runs
/// even if the runtime shuts down before a pool thread picks it up.
///
/// # Panics
///
/// Panics outside a runtime, or when kiso is built without the `rt`
/// feature.
#[track_caller]
pub(crate) fn spawn_op<F, R>(mandatory: bool, op: F) -> Pending<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    #[cfg(feature = "rt")]
    {
        let handle = if mandatory {
            let guard = RunOnDrop(Some(op));
            crate::runtime::Handle::current().spawn_mandatory_blocking(move || guard.run())
        } else {
            crate::task::spawn_blocking(op)
        };
        Pending(handle)
    }
    #[cfg(not(feature = "rt"))]
    {
        drop(op);
        panic!(
            "kiso's standard I/O handles need a runtime: enable kiso's `rt` feature \
             and use them from within a runtime"
        )
    }
}

/// The result of an operation started with [`spawn_op`].
pub(crate) struct Pending<R>(
    #[cfg(feature = "rt")] crate::task::JoinHandle<R>,
    #[cfg(not(feature = "rt"))] std::marker::PhantomData<fn() -> R>,
);

impl<R> Future for Pending<R> {
    type Output = io::Result<R>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<R>> {
        #[cfg(feature = "rt")]
        {
            match ready!(Pin::new(&mut self.get_mut().0).poll(cx)) {
                Ok(r) => Poll::Ready(Ok(r)),
                Err(e) if e.is_cancelled() => Poll::Ready(Err(gone())),
                Err(e) => Poll::Ready(Err(io::Error::other(format!(
                    "a blocking I/O operation panicked: {e}"
                )))),
            }
        }
        #[cfg(not(feature = "rt"))]
        {
            let _ = cx;
            unreachable!("no operation can be started without the `rt` feature")
        }
    }
}

impl<R> fmt::Debug for Pending<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pending").finish_non_exhaustive()
    }
}
