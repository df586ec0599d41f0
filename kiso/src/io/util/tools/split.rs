//! `split`: one read/write value as separate read and write halves.

use crate::io::{AsyncRead, AsyncWrite, ReadBuf};

use std::fmt;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

/// The read half of a value split by [`split`].
///
/// It implements [`AsyncRead`]; each read locks the value shared with the
/// [`WriteHalf`] for the duration of the `poll_read` call.
///
/// # Examples
///
/// ```
/// let (a, _b) = kiso::io::duplex(8);
/// let (read_half, write_half) = kiso::io::split(a);
/// assert!(read_half.is_pair_of(&write_half));
/// ```
pub struct ReadHalf<T> {
    shared: Arc<Shared<T>>,
}

/// The write half of a value split by [`split`].
///
/// It implements [`AsyncWrite`]; each operation locks the value shared with
/// the [`ReadHalf`] for the duration of the `poll_*` call.
///
/// # Examples
///
/// ```
/// let (a, _b) = kiso::io::duplex(8);
/// let (read_half, write_half) = kiso::io::split(a);
/// assert!(write_half.is_pair_of(&read_half));
/// ```
pub struct WriteHalf<T> {
    shared: Arc<Shared<T>>,
}

/// Splits a value that is both [`AsyncRead`] and [`AsyncWrite`] into a read
/// half and a write half, which can be moved to different tasks.
///
/// Both halves share the value behind a lock, taken for the length of each
/// `poll_*` call (never across an `.await`), so one half's operation briefly
/// waits for the other's to return. Types that have a cheaper way to split
/// themselves (such as TCP streams' `into_split`) are better split that way.
///
/// [`ReadHalf::unsplit`] puts the halves back together.
///
/// # Examples
///
/// ```
/// use kiso::io::{AsyncReadExt, AsyncWriteExt};
///
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let (a, mut b) = kiso::io::duplex(64);
/// let (mut rd, mut wr) = kiso::io::split(a);
///
/// // The halves can live in different tasks.
/// let writer = kiso::spawn(async move {
///     wr.write_all(b"hi").await.unwrap();
///     wr
/// });
/// let reader = kiso::spawn(async move {
///     let mut buf = [0u8; 3];
///     rd.read_exact(&mut buf).await.unwrap();
///     assert_eq!(&buf, b"yo!");
///     rd
/// });
///
/// let mut buf = [0u8; 2];
/// b.read_exact(&mut buf).await.unwrap();
/// assert_eq!(&buf, b"hi");
/// b.write_all(b"yo!").await.unwrap();
///
/// let (wr, rd) = (writer.await.unwrap(), reader.await.unwrap());
/// let _a = rd.unsplit(wr);
/// # });
/// ```
pub fn split<T>(stream: T) -> (ReadHalf<T>, WriteHalf<T>)
where
    T: AsyncRead + AsyncWrite,
{
    let is_write_vectored = stream.is_write_vectored();
    let shared = Arc::new(Shared {
        stream: Mutex::new(stream),
        is_write_vectored,
    });
    (
        ReadHalf {
            shared: shared.clone(),
        },
        WriteHalf { shared },
    )
}

struct Shared<T> {
    stream: Mutex<T>,
    /// Asked once, at the split: `is_write_vectored` cannot take the lock.
    is_write_vectored: bool,
}

impl<T> Shared<T> {
    /// Runs `f` on the pinned stream, under the lock.
    fn with_stream<R>(&self, f: impl FnOnce(Pin<&mut T>) -> R) -> R {
        let mut guard = self
            .stream
            .lock()
            .expect("a previous operation on the split stream panicked");
        // SAFETY: the stream lives inside the `Arc` allocation and is never
        // moved out of it while pinned: the only way out is `unsplit`, which
        // requires `T: Unpin`. So it may be treated as pinned.
        let stream = unsafe { Pin::new_unchecked(&mut *guard) };
        f(stream)
    }
}

impl<T> ReadHalf<T> {
    /// Returns true if `other` is the write half split off together with
    /// this read half.
    ///
    /// # Examples
    ///
    /// ```
    /// let (a, b) = kiso::io::duplex(8);
    /// let (rd_a, wr_a) = kiso::io::split(a);
    /// let (_rd_b, wr_b) = kiso::io::split(b);
    /// assert!(rd_a.is_pair_of(&wr_a));
    /// assert!(!rd_a.is_pair_of(&wr_b));
    /// ```
    pub fn is_pair_of(&self, other: &WriteHalf<T>) -> bool {
        other.is_pair_of(self)
    }

    /// Joins this read half with its write half and returns the original
    /// value.
    ///
    /// # Panics
    ///
    /// Panics if `wr` is not the write half split off together with this
    /// read half (see [`is_pair_of`](ReadHalf::is_pair_of)).
    ///
    /// # Examples
    ///
    /// ```
    /// let (a, _b) = kiso::io::duplex(8);
    /// let (rd, wr) = kiso::io::split(a);
    /// let _a: kiso::io::DuplexStream = rd.unsplit(wr);
    /// ```
    #[track_caller]
    pub fn unsplit(self, wr: WriteHalf<T>) -> T
    where
        T: Unpin,
    {
        if !self.is_pair_of(&wr) {
            panic!("`ReadHalf::unsplit` was given a `WriteHalf` from a different `split`");
        }
        drop(wr);
        let shared = match Arc::try_unwrap(self.shared) {
            Ok(shared) => shared,
            // Each split makes exactly two references, one per half, and
            // the other one was just dropped.
            Err(_) => unreachable!("the halves of a split are its only owners"),
        };
        match shared.stream.into_inner() {
            Ok(stream) => stream,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}

impl<T> WriteHalf<T> {
    /// Returns true if `other` is the read half split off together with
    /// this write half.
    ///
    /// # Examples
    ///
    /// ```
    /// let (a, b) = kiso::io::duplex(8);
    /// let (rd_a, wr_a) = kiso::io::split(a);
    /// let (rd_b, _wr_b) = kiso::io::split(b);
    /// assert!(wr_a.is_pair_of(&rd_a));
    /// assert!(!wr_a.is_pair_of(&rd_b));
    /// ```
    pub fn is_pair_of(&self, other: &ReadHalf<T>) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }
}

impl<T: AsyncRead> AsyncRead for ReadHalf<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.shared.with_stream(|s| s.poll_read(cx, buf))
    }
}

impl<T: AsyncWrite> AsyncWrite for WriteHalf<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.shared.with_stream(|s| s.poll_write(cx, buf))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.shared.with_stream(|s| s.poll_write_vectored(cx, bufs))
    }

    fn is_write_vectored(&self) -> bool {
        self.shared.is_write_vectored
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.shared.with_stream(|s| s.poll_flush(cx))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.shared.with_stream(|s| s.poll_shutdown(cx))
    }
}

// SAFETY: a half gives access to the `T` only under the mutex, one thread at
// a time, so sending a half to another thread needs no more than `T: Send`.
unsafe impl<T: Send> Send for ReadHalf<T> {}
// SAFETY: as for `ReadHalf`.
unsafe impl<T: Send> Send for WriteHalf<T> {}
// SAFETY: a shared `&ReadHalf` only allows `is_pair_of`, which never touches
// the `T`; requiring `T: Sync` is stricter than needed.
unsafe impl<T: Sync> Sync for ReadHalf<T> {}
// SAFETY: a shared `&WriteHalf` only allows `is_pair_of` and
// `is_write_vectored`, which never touch the `T`.
unsafe impl<T: Sync> Sync for WriteHalf<T> {}

impl<T: fmt::Debug> fmt::Debug for ReadHalf<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("split::ReadHalf").finish()
    }
}

impl<T: fmt::Debug> fmt::Debug for WriteHalf<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("split::WriteHalf").finish()
    }
}
