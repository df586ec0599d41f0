//! The future of `AsyncSeekExt::{seek, rewind, stream_position}`.

use crate::io::AsyncSeek;
use std::future::Future;
use std::io::{self, SeekFrom};
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// The future of [`AsyncSeekExt::seek`](crate::io::AsyncSeekExt::seek).
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Seek<'a, S: ?Sized> {
    seek: &'a mut S,
    /// The seek still to start; `None` once started.
    pos: Option<SeekFrom>,
    _pin: PhantomPinned,
}

impl<'a, S: AsyncSeek + Unpin + ?Sized> Seek<'a, S> {
    pub(super) fn new(seek: &'a mut S, pos: SeekFrom) -> Self {
        Seek {
            seek,
            pos: Some(pos),
            _pin: PhantomPinned,
        }
    }
}

impl<S: AsyncSeek + Unpin + ?Sized> Future for Seek<'_, S> {
    type Output = io::Result<u64>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: no field is structurally pinned (the marker only makes
        // the type `!Unpin`), and nothing is moved out of `self`.
        let me = unsafe { self.get_unchecked_mut() };
        if let Some(pos) = me.pos {
            // A seek started earlier (and never waited for) must finish
            // before a new one can start.
            ready!(Pin::new(&mut *me.seek).poll_complete(cx))?;
            Pin::new(&mut *me.seek).start_seek(pos)?;
            me.pos = None;
        }
        Pin::new(&mut *me.seek).poll_complete(cx)
    }
}
