//! `File`: an open file, read and written through the blocking pool.
//!
//! One operation is in flight at a time. A write copies the caller's bytes
//! into the file's buffer, starts the blocking write and reports success at
//! once; the next operation (or a flush) waits for it and reports its
//! error. A read fills the buffer with one blocking read and hands out what
//! the caller has room for; the rest stays buffered, and a later write or
//! seek first moves the OS position back over it, so the file position seen
//! by the caller stays right.
//!
//! Methods taking `&self` that must wait for the operation in flight
//! (`sync_all`, `set_len`, ...) take the file's `gate`, a small async lock,
//! so that two of them never interleave; the poll methods take `&mut self`
//! and need no lock.

use super::blocking::{asyncify, run, run_mandatory, Op};
use super::buf::{Buf, DEFAULT_MAX_BUF_SIZE};
use super::{FileTimes, OpenOptions};
use crate::io::{AsyncRead, AsyncSeek, AsyncWrite, ReadBuf};

use std::fmt;
use std::fs::{File as StdFile, Metadata, Permissions};
use std::future::{poll_fn, Future};
use std::io::{self, Seek, SeekFrom};
use std::path::Path;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{ready, Context, Poll, Waker};
use std::time::SystemTime;

/// An open file on the file system.
///
/// The async version of [`std::fs::File`]. Open one with [`File::open`],
/// [`File::create`] or [`OpenOptions`]; read, write and seek it with the
/// [`AsyncReadExt`](crate::io::AsyncReadExt),
/// [`AsyncWriteExt`](crate::io::AsyncWriteExt) and
/// [`AsyncSeekExt`](crate::io::AsyncSeekExt) methods.
///
/// Each operation runs on the blocking pool. A write returns as soon as
/// its bytes are copied into the file's buffer, before they reach the
/// operating system: call [`flush`](crate::io::AsyncWriteExt::flush) to
/// wait for them (and to learn whether the write failed). Dropping a
/// `File` does not wait either; the write still happens, but its error is
/// lost. Reads are buffered: one blocking read fetches up to the
/// [maximum buffer size](File::set_max_buf_size) or the caller's room,
/// whichever is smaller.
///
/// # Examples
///
/// ```
/// use kiso::fs::File;
/// use kiso::io::{AsyncReadExt, AsyncWriteExt};
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let path = std::env::temp_dir().join(format!("kiso-doc-file-{}", std::process::id()));
/// let mut file = File::create(&path).await?;
/// file.write_all(b"hello, file").await?;
/// file.flush().await?;
///
/// let mut contents = String::new();
/// File::open(&path).await?.read_to_string(&mut contents).await?;
/// assert_eq!(contents, "hello, file");
/// # kiso::fs::remove_file(&path).await?;
/// # Ok(())
/// # }
/// ```
pub struct File {
    std: Arc<StdFile>,
    inner: Mutex<Inner>,
    gate: Mutex<Gate>,
    max_buf_size: usize,
}

struct Inner {
    state: State,
    /// The error of a write that finished while the caller was doing
    /// something else (reading, seeking); the next write or flush reports
    /// it.
    last_write_err: Option<io::ErrorKind>,
    /// The position the last seek returned.
    pos: u64,
}

enum State {
    /// The buffer; `None` only while an `&self` method borrows it.
    Idle(Option<Buf>),
    Busy(Op<(Operation, Buf)>),
}

enum Operation {
    Read(io::Result<usize>),
    Write(io::Result<()>),
    Seek(io::Result<u64>),
    /// `set_len`, which leaves the position alone; its result only matters
    /// to the `set_len` call that waits for it.
    SetLen(io::Result<()>),
}

/// The async lock of the `&self` methods.
#[derive(Default)]
struct Gate {
    locked: bool,
    waiters: Vec<Waker>,
}

struct GateGuard<'a>(&'a File);

impl Drop for GateGuard<'_> {
    fn drop(&mut self) {
        let waiters = {
            let mut gate = lock(&self.0.gate);
            gate.locked = false;
            std::mem::take(&mut gate.waiters)
        };
        // Everyone retries; one wins. Waking all keeps a waiter whose
        // future was dropped from swallowing the hand-off.
        for w in waiters {
            w.wake();
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Nothing panics while these locks are held.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl File {
    /// Opens a file for reading.
    ///
    /// The async version of [`std::fs::File::open`]; see [`OpenOptions`]
    /// for other ways to open a file.
    ///
    /// # Errors
    ///
    /// Fails if `path` does not exist, may not be read, or cannot be opened
    /// for another reason (see [`OpenOptions::open`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::AsyncReadExt;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("kiso-doc-file-open-{}", std::process::id()));
    /// kiso::fs::write(&path, b"data").await?;
    /// let mut file = kiso::fs::File::open(&path).await?;
    /// let mut buf = Vec::new();
    /// file.read_to_end(&mut buf).await?;
    /// assert_eq!(buf, b"data");
    /// # kiso::fs::remove_file(&path).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn open(path: impl AsRef<Path>) -> io::Result<File> {
        let path = path.as_ref().to_owned();
        let std = asyncify(move || StdFile::open(path)).await?;
        Ok(File::from_std(std))
    }

    /// Opens a file for writing, creating it if needed and truncating it if
    /// it exists.
    ///
    /// The async version of [`std::fs::File::create`].
    ///
    /// # Errors
    ///
    /// Fails if the file cannot be created or opened for writing (see
    /// [`OpenOptions::open`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::AsyncWriteExt;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("kiso-doc-file-create-{}", std::process::id()));
    /// let mut file = kiso::fs::File::create(&path).await?;
    /// file.write_all(b"new").await?;
    /// file.flush().await?;
    /// # kiso::fs::remove_file(&path).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn create(path: impl AsRef<Path>) -> io::Result<File> {
        let path = path.as_ref().to_owned();
        let std = asyncify(move || StdFile::create(path)).await?;
        Ok(File::from_std(std))
    }

    /// Creates a new file for reading and writing; fails if the path
    /// already exists.
    ///
    /// Checking and creating happen in one atomic step, so this is safe
    /// against another process creating the same path meanwhile.
    ///
    /// # Errors
    ///
    /// Fails with [`AlreadyExists`](io::ErrorKind::AlreadyExists) if `path`
    /// exists, or if the file cannot be created.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("kiso-doc-file-new-{}", std::process::id()));
    /// # let _ = kiso::fs::remove_file(&path).await;
    /// let file = kiso::fs::File::create_new(&path).await?;
    /// let err = kiso::fs::File::create_new(&path).await.unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
    /// # drop(file);
    /// # kiso::fs::remove_file(&path).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn create_new<P: AsRef<Path>>(path: P) -> io::Result<File> {
        OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(path)
            .await
    }

    /// Returns a new [`OpenOptions`], to open a file with options of one's
    /// own.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("kiso-doc-file-options-{}", std::process::id()));
    /// let file = kiso::fs::File::options().append(true).create(true).open(&path).await?;
    /// # drop(file);
    /// # kiso::fs::remove_file(&path).await?;
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn options() -> OpenOptions {
        OpenOptions::new()
    }

    /// Wraps an open [`std::fs::File`].
    ///
    /// # Examples
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("kiso-doc-file-fromstd-{}", std::process::id()));
    /// let std_file = std::fs::File::create(&path)?;
    /// let file = kiso::fs::File::from_std(std_file);
    /// # drop(file);
    /// # std::fs::remove_file(&path)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn from_std(std: StdFile) -> File {
        File {
            std: Arc::new(std),
            inner: Mutex::new(Inner {
                state: State::Idle(Some(Buf::default())),
                last_write_err: None,
                pos: 0,
            }),
            gate: Mutex::new(Gate::default()),
            max_buf_size: DEFAULT_MAX_BUF_SIZE,
        }
    }

    /// Takes the gate (waiting for another `&self` method to finish).
    async fn gate(&self) -> GateGuard<'_> {
        poll_fn(|cx| {
            let mut gate = lock(&self.gate);
            if gate.locked {
                if !gate.waiters.iter().any(|w| w.will_wake(cx.waker())) {
                    gate.waiters.push(cx.waker().clone());
                }
                Poll::Pending
            } else {
                gate.locked = true;
                Poll::Ready(())
            }
        })
        .await;
        GateGuard(self)
    }

    /// Waits for the operation in flight; a write error it had is kept for
    /// the next write or flush. Call with the gate held.
    async fn complete_inflight(&self) {
        poll_fn(|cx| lock(&self.inner).poll_complete_inflight(cx)).await;
    }

    /// Flushes, then makes the OS write the file's data and metadata to
    /// the storage device.
    ///
    /// The async version of [`std::fs::File::sync_all`]. A write still in
    /// flight is waited for first; if it failed, its error is not returned
    /// here but by the next write or flush.
    ///
    /// # Errors
    ///
    /// Fails if the OS reports an error from `fsync(2)`.
    ///
    /// # Cancel safety
    ///
    /// Not cancel safe in the sense that a cancelled call may or may not
    /// have synced; the file stays usable.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::AsyncWriteExt;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("kiso-doc-file-syncall-{}", std::process::id()));
    /// let mut file = kiso::fs::File::create(&path).await?;
    /// file.write_all(b"durable").await?;
    /// file.sync_all().await?;
    /// # kiso::fs::remove_file(&path).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn sync_all(&self) -> io::Result<()> {
        let _gate = self.gate().await;
        self.complete_inflight().await;
        let std = self.std.clone();
        asyncify(move || std.sync_all()).await
    }

    /// As [`sync_all`](File::sync_all), but may leave out metadata that is
    /// not needed to read the data back (such as the modification time).
    ///
    /// The async version of [`std::fs::File::sync_data`].
    ///
    /// # Errors
    ///
    /// Fails if the OS reports an error from `fdatasync(2)`.
    ///
    /// # Cancel safety
    ///
    /// As [`sync_all`](File::sync_all).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::AsyncWriteExt;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("kiso-doc-file-syncdata-{}", std::process::id()));
    /// let mut file = kiso::fs::File::create(&path).await?;
    /// file.write_all(b"data").await?;
    /// file.sync_data().await?;
    /// # kiso::fs::remove_file(&path).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn sync_data(&self) -> io::Result<()> {
        let _gate = self.gate().await;
        self.complete_inflight().await;
        let std = self.std.clone();
        asyncify(move || std.sync_data()).await
    }

    /// Truncates or extends the file to `size` bytes.
    ///
    /// The async version of [`std::fs::File::set_len`]: extending fills
    /// with zeros, and the file position is not changed. A write in flight
    /// is waited for first, and bytes read ahead are given back, so the
    /// next read starts where the caller left off.
    ///
    /// # Errors
    ///
    /// Fails if the file is not open for writing, or the OS refuses the
    /// size.
    ///
    /// # Cancel safety
    ///
    /// Not cancel safe: a cancelled call may or may not have changed the
    /// length.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("kiso-doc-file-setlen-{}", std::process::id()));
    /// let file = kiso::fs::File::create(&path).await?;
    /// file.set_len(10).await?;
    /// assert_eq!(file.metadata().await?.len(), 10);
    /// # kiso::fs::remove_file(&path).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn set_len(&self, size: u64) -> io::Result<()> {
        let _gate = self.gate().await;
        self.complete_inflight().await;
        {
            let mut inner = lock(&self.inner);
            let mut buf = match &mut inner.state {
                State::Idle(buf) => buf.take().expect("a file's buffer is gone"),
                State::Busy(_) => unreachable!("waited for the operation in flight"),
            };
            let seek = (!buf.is_empty()).then(|| SeekFrom::Current(buf.discard_read()));
            let std = self.std.clone();
            inner.state = State::Busy(run(move || {
                let res = match seek {
                    Some(seek) => (&*std).seek(seek).and_then(|_| std.set_len(size)),
                    None => std.set_len(size),
                };
                (Operation::SetLen(res), buf)
            }));
        }
        poll_fn(|cx| {
            let mut inner = lock(&self.inner);
            let State::Busy(op) = &mut inner.state else {
                unreachable!("set_len's operation is in flight");
            };
            let res = ready!(Pin::new(op).poll(cx));
            let (op, buf) = match res {
                Ok(done) => done,
                Err(e) => {
                    inner.state = State::Idle(Some(Buf::default()));
                    return Poll::Ready(Err(e));
                }
            };
            inner.state = State::Idle(Some(buf));
            match op {
                Operation::SetLen(res) => Poll::Ready(res),
                _ => unreachable!("set_len's operation was in flight"),
            }
        })
        .await
    }

    /// Returns the metadata of the open file.
    ///
    /// # Errors
    ///
    /// Fails if the OS cannot report it.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("kiso-doc-file-meta-{}", std::process::id()));
    /// kiso::fs::write(&path, b"123").await?;
    /// let file = kiso::fs::File::open(&path).await?;
    /// assert_eq!(file.metadata().await?.len(), 3);
    /// # kiso::fs::remove_file(&path).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn metadata(&self) -> io::Result<Metadata> {
        let std = self.std.clone();
        asyncify(move || std.metadata()).await
    }

    /// Returns a new `File` for the same open file (a duplicated
    /// descriptor): both share the file position and the file's data.
    ///
    /// A write in flight is waited for first; the clone gets this file's
    /// [maximum buffer size](File::set_max_buf_size).
    ///
    /// # Errors
    ///
    /// Fails if the descriptor cannot be duplicated (for example, too many
    /// open files).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("kiso-doc-file-clone-{}", std::process::id()));
    /// let file = kiso::fs::File::create(&path).await?;
    /// let other = file.try_clone().await?;
    /// # drop((file, other));
    /// # kiso::fs::remove_file(&path).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn try_clone(&self) -> io::Result<File> {
        {
            let _gate = self.gate().await;
            self.complete_inflight().await;
        }
        let std = self.std.clone();
        let cloned = asyncify(move || std.try_clone()).await?;
        let mut file = File::from_std(cloned);
        file.max_buf_size = self.max_buf_size;
        Ok(file)
    }

    /// Waits for the operation in flight, then returns the wrapped
    /// [`std::fs::File`].
    ///
    /// Bytes read ahead into the buffer are dropped (the OS position is
    /// past them), and a write error not yet reported is lost.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("kiso-doc-file-intostd-{}", std::process::id()));
    /// let file = kiso::fs::File::create(&path).await?;
    /// let std_file: std::fs::File = file.into_std().await;
    /// # drop(std_file);
    /// # kiso::fs::remove_file(&path).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn into_std(self) -> StdFile {
        {
            let _gate = self.gate().await;
            self.complete_inflight().await;
        }
        Arc::try_unwrap(self.std).expect("no operation holds the file once it is idle")
    }

    /// Returns the wrapped [`std::fs::File`] if no operation is in flight;
    /// otherwise gives the `File` back.
    ///
    /// # Errors
    ///
    /// Returns `Err(self)` while an operation (such as a write reported
    /// done but not yet flushed) still uses the file.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("kiso-doc-file-tryintostd-{}", std::process::id()));
    /// let file = kiso::fs::File::create(&path).await?;
    /// let std_file = file.try_into_std().expect("no operation in flight");
    /// # drop(std_file);
    /// # kiso::fs::remove_file(&path).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_into_std(mut self) -> Result<StdFile, Self> {
        match Arc::try_unwrap(self.std) {
            Ok(std) => Ok(std),
            Err(shared) => {
                self.std = shared;
                Err(self)
            }
        }
    }

    /// Changes the permissions of the file.
    ///
    /// The async version of [`std::fs::File::set_permissions`].
    ///
    /// # Errors
    ///
    /// Fails if the caller may not change them.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("kiso-doc-file-perm-{}", std::process::id()));
    /// let file = kiso::fs::File::create(&path).await?;
    /// let mut perm = file.metadata().await?.permissions();
    /// perm.set_readonly(true);
    /// file.set_permissions(perm).await?;
    /// assert!(file.metadata().await?.permissions().readonly());
    /// # kiso::fs::remove_file(&path).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn set_permissions(&self, perm: Permissions) -> io::Result<()> {
        let std = self.std.clone();
        asyncify(move || std.set_permissions(perm)).await
    }

    /// Changes the access and modification times of the file.
    ///
    /// The async version of [`std::fs::File::set_times`]; times not set in
    /// `times` are left alone. A write in flight is waited for first, so it
    /// cannot change the times afterwards.
    ///
    /// # Errors
    ///
    /// Fails if the caller may not change them, or the OS cannot store
    /// them.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("kiso-doc-file-times-{}", std::process::id()));
    /// let file = kiso::fs::File::create(&path).await?;
    /// let when = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
    /// file.set_times(kiso::fs::FileTimes::new().set_modified(when)).await?;
    /// assert_eq!(file.metadata().await?.modified()?, when);
    /// # kiso::fs::remove_file(&path).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn set_times(&self, times: FileTimes) -> io::Result<()> {
        // A write still in flight would change the times after us.
        {
            let _gate = self.gate().await;
            self.complete_inflight().await;
        }
        let std = self.std.clone();
        let times = times.into_std();
        asyncify(move || std.set_times(times)).await
    }

    /// Changes the modification time of the file.
    ///
    /// The same as `set_times(FileTimes::new().set_modified(time))`.
    ///
    /// # Errors
    ///
    /// As [`set_times`](File::set_times).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("kiso-doc-file-mtime-{}", std::process::id()));
    /// let file = kiso::fs::File::create(&path).await?;
    /// let when = SystemTime::UNIX_EPOCH + Duration::from_secs(2_000_000);
    /// file.set_modified(when).await?;
    /// assert_eq!(file.metadata().await?.modified()?, when);
    /// # kiso::fs::remove_file(&path).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn set_modified(&self, time: SystemTime) -> io::Result<()> {
        self.set_times(FileTimes::new().set_modified(time)).await
    }

    /// Sets the largest number of bytes one blocking read or write moves
    /// (2 MiB by default). A larger write is accepted in parts: each
    /// `poll_write` takes at most this many bytes.
    ///
    /// # Panics
    ///
    /// Panics if `max_buf_size` is 0.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("kiso-doc-file-maxbuf-{}", std::process::id()));
    /// let mut file = kiso::fs::File::create(&path).await?;
    /// file.set_max_buf_size(64 * 1024);
    /// assert_eq!(file.max_buf_size(), 64 * 1024);
    /// # kiso::fs::remove_file(&path).await?;
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn set_max_buf_size(&mut self, max_buf_size: usize) {
        assert!(max_buf_size > 0, "`max_buf_size` must be greater than 0");
        self.max_buf_size = max_buf_size;
    }

    /// Returns the largest number of bytes one blocking read or write
    /// moves; see [`set_max_buf_size`](File::set_max_buf_size).
    ///
    /// # Examples
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// let file = kiso::fs::File::from_std(std::fs::File::open(std::env::current_exe()?)?);
    /// assert_eq!(file.max_buf_size(), 2 * 1024 * 1024);
    /// # Ok(())
    /// # }
    /// ```
    pub fn max_buf_size(&self) -> usize {
        self.max_buf_size
    }

    fn inner_mut(&mut self) -> &mut Inner {
        self.inner.get_mut().unwrap_or_else(|e| e.into_inner())
    }
}

/// The parts of a `File` its poll methods use, borrowed apart.
fn parts(file: &mut File) -> (&Arc<StdFile>, &mut Inner, usize) {
    let inner = file.inner.get_mut().unwrap_or_else(|e| e.into_inner());
    (&file.std, inner, file.max_buf_size)
}

impl Inner {
    /// Takes the idle buffer.
    fn take_buf(&mut self) -> Buf {
        match &mut self.state {
            State::Idle(buf) => buf.take().expect("a file's buffer is gone"),
            State::Busy(_) => unreachable!("an operation is in flight"),
        }
    }

    /// Waits for the operation in flight and puts its buffer back. A
    /// lost operation (runtime shut down) leaves an empty buffer behind
    /// and reports its error.
    fn poll_op(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Operation>> {
        let State::Busy(op) = &mut self.state else {
            unreachable!("no operation in flight");
        };
        match ready!(Pin::new(op).poll(cx)) {
            Ok((op, buf)) => {
                self.state = State::Idle(Some(buf));
                Poll::Ready(Ok(op))
            }
            Err(e) => {
                self.state = State::Idle(Some(Buf::default()));
                Poll::Ready(Err(e))
            }
        }
    }

    /// Waits for the operation in flight; reports a pending write error.
    fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(kind) = self.last_write_err.take() {
            return Poll::Ready(Err(kind.into()));
        }
        if let State::Idle(_) = self.state {
            return Poll::Ready(Ok(()));
        }
        match ready!(self.poll_op(cx))? {
            Operation::Write(res) => Poll::Ready(res),
            Operation::Read(_) | Operation::SetLen(_) => Poll::Ready(Ok(())),
            Operation::Seek(res) => {
                if let Ok(pos) = res {
                    self.pos = pos;
                }
                Poll::Ready(Ok(()))
            }
        }
    }

    /// As `poll_flush`, but keeps a write error for the next write or
    /// flush instead of returning it.
    fn poll_complete_inflight(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if let Err(e) = ready!(self.poll_flush(cx)) {
            self.last_write_err = Some(e.kind());
        }
        Poll::Ready(())
    }
}

impl AsyncRead for File {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        dst: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let (std, inner, max) = parts(self.get_mut());
        loop {
            match &mut inner.state {
                State::Idle(Some(buf)) if !buf.is_empty() || dst.remaining() == 0 => {
                    buf.copy_to(dst);
                    return Poll::Ready(Ok(()));
                }
                State::Idle(_) => {
                    let mut buf = inner.take_buf();
                    let std = std.clone();
                    let len = dst.remaining().min(max);
                    inner.state = State::Busy(run(move || {
                        let res = buf.read_from(&mut &*std, len);
                        (Operation::Read(res), buf)
                    }));
                }
                State::Busy(_) => match ready!(inner.poll_op(cx))? {
                    Operation::Read(res) => {
                        if let State::Idle(Some(buf)) = &mut inner.state {
                            buf.copy_to(dst);
                        }
                        return Poll::Ready(res.map(|_| ()));
                    }
                    Operation::Write(Ok(())) | Operation::SetLen(_) => {}
                    Operation::Write(Err(e)) => inner.last_write_err = Some(e.kind()),
                    Operation::Seek(res) => {
                        if let Ok(pos) = res {
                            inner.pos = pos;
                        }
                    }
                },
            }
        }
    }
}

impl AsyncSeek for File {
    fn start_seek(self: Pin<&mut Self>, mut pos: SeekFrom) -> io::Result<()> {
        let (std, inner, _) = parts(self.get_mut());
        if let State::Busy(_) = inner.state {
            return Err(io::Error::other(
                "another file operation is in flight: call poll_complete before start_seek",
            ));
        }
        let mut buf = inner.take_buf();
        if !buf.is_empty() {
            // The OS position is past the bytes read ahead.
            let back = buf.discard_read();
            if let SeekFrom::Current(offset) = &mut pos {
                *offset += back;
            }
        }
        let std = std.clone();
        inner.state = State::Busy(run(move || {
            let res = (&*std).seek(pos);
            (Operation::Seek(res), buf)
        }));
        Ok(())
    }

    fn poll_complete(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        let (_, inner, _) = parts(self.get_mut());
        if let Some(kind) = inner.last_write_err.take() {
            return Poll::Ready(Err(kind.into()));
        }
        loop {
            if let State::Idle(_) = inner.state {
                return Poll::Ready(Ok(inner.pos));
            }
            match ready!(inner.poll_op(cx))? {
                Operation::Read(_) | Operation::Write(Ok(())) | Operation::SetLen(_) => {}
                Operation::Write(Err(e)) => inner.last_write_err = Some(e.kind()),
                Operation::Seek(res) => {
                    if let Ok(pos) = res {
                        inner.pos = pos;
                    }
                    return Poll::Ready(res);
                }
            }
        }
    }
}

impl File {
    /// The shared part of `poll_write` and `poll_write_vectored`: waits
    /// for the operation in flight, then starts a write of what `fill` puts
    /// into the buffer (at most the maximum buffer size).
    fn poll_write_with(
        &mut self,
        cx: &mut Context<'_>,
        fill: impl FnOnce(&mut Buf, usize) -> usize,
    ) -> Poll<io::Result<usize>> {
        let (std, inner, max) = parts(self);
        if let Some(kind) = inner.last_write_err.take() {
            return Poll::Ready(Err(kind.into()));
        }
        loop {
            match &mut inner.state {
                State::Idle(_) => {
                    let mut buf = inner.take_buf();
                    // Bytes read ahead: move the OS position back to where
                    // the caller is before writing.
                    let seek = (!buf.is_empty()).then(|| SeekFrom::Current(buf.discard_read()));
                    let n = fill(&mut buf, max);
                    let std = std.clone();
                    inner.state = State::Busy(run_mandatory(move || {
                        let res = match seek {
                            Some(seek) => (&*std).seek(seek).and_then(|_| buf.write_to(&mut &*std)),
                            None => buf.write_to(&mut &*std),
                        };
                        (Operation::Write(res), buf)
                    }));
                    return Poll::Ready(Ok(n));
                }
                State::Busy(_) => match ready!(inner.poll_op(cx))? {
                    Operation::Read(_) | Operation::SetLen(_) => {}
                    Operation::Write(res) => res?,
                    Operation::Seek(res) => {
                        if let Ok(pos) = res {
                            inner.pos = pos;
                        }
                    }
                },
            }
        }
    }
}

impl AsyncWrite for File {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        src: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut()
            .poll_write_with(cx, |buf, max| buf.copy_from(src, max))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.get_mut()
            .poll_write_with(cx, |buf, max| buf.copy_from_bufs(bufs, max))
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().inner_mut().poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().inner_mut().poll_flush(cx)
    }
}

impl From<StdFile> for File {
    fn from(std: StdFile) -> File {
        File::from_std(std)
    }
}

impl fmt::Debug for File {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("kiso::fs::File")
            .field("std", &self.std)
            .finish()
    }
}

#[cfg(unix)]
impl From<std::os::fd::OwnedFd> for File {
    fn from(fd: std::os::fd::OwnedFd) -> File {
        File::from_std(StdFile::from(fd))
    }
}

#[cfg(unix)]
impl std::os::fd::AsRawFd for File {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        self.std.as_raw_fd()
    }
}

#[cfg(unix)]
impl std::os::fd::AsFd for File {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        self.std.as_fd()
    }
}

#[cfg(unix)]
impl std::os::fd::FromRawFd for File {
    unsafe fn from_raw_fd(fd: std::os::fd::RawFd) -> File {
        // SAFETY: the caller promises that `fd` is an open file descriptor
        // that it owns and hands over, which is what `StdFile` needs.
        File::from_std(unsafe { StdFile::from_raw_fd(fd) })
    }
}
