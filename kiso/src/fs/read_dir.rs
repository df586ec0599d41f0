//! `read_dir`, `ReadDir` and `DirEntry`: listing a directory.

use super::blocking::{asyncify, run, Op};

use std::collections::VecDeque;
use std::ffi::OsString;
use std::fs::{FileType, Metadata};
use std::future::{poll_fn, Future};
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

/// How many entries one trip to the blocking pool fetches. Each trip ends
/// with a wake-up of the task, often of a sleeping worker (tens of
/// microseconds here), so fewer, larger trips pay: 32 per trip (Tokio's
/// number) read 10k entries in 1.06-1.20x Tokio's time, 128 in 0.63-0.68x.
const CHUNK: usize = 128;

/// Returns a stream over the entries of a directory.
///
/// The async version of [`std::fs::read_dir`]. Entries come in no
/// particular order and `.` and `..` are left out; they are fetched from
/// the blocking pool a batch at a time.
///
/// # Errors
///
/// Fails if `path` does not exist, is not a directory, or may not be
/// listed. Errors reading single entries come from
/// [`ReadDir::next_entry`].
///
/// # Examples
///
/// ```
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let dir = std::env::temp_dir().join(format!("kiso-doc-fs-readdir-{}", std::process::id()));
/// kiso::fs::create_dir_all(&dir).await?;
/// kiso::fs::write(dir.join("a"), b"").await?;
/// kiso::fs::write(dir.join("b"), b"").await?;
///
/// let mut names = Vec::new();
/// let mut entries = kiso::fs::read_dir(&dir).await?;
/// while let Some(entry) = entries.next_entry().await? {
///     names.push(entry.file_name());
/// }
/// names.sort();
/// assert_eq!(names, ["a", "b"]);
/// # kiso::fs::remove_dir_all(&dir).await?;
/// # Ok(())
/// # }
/// ```
pub async fn read_dir(path: impl AsRef<Path>) -> io::Result<ReadDir> {
    let path = path.as_ref().to_owned();
    let (std, buf, done) = asyncify(move || {
        let mut std = std::fs::read_dir(path)?;
        let mut buf = VecDeque::with_capacity(CHUNK);
        let done = fetch(&mut std, &mut buf);
        Ok((std, buf, done))
    })
    .await?;
    Ok(ReadDir {
        ready: VecDeque::new(),
        state: State::Idle(Some(Chunk { std, buf, done })),
    })
}

/// Moves up to `CHUNK` entries from `std` into `buf`; returns whether the
/// directory is exhausted.
fn fetch(std: &mut std::fs::ReadDir, buf: &mut VecDeque<io::Result<DirEntry>>) -> bool {
    for _ in 0..CHUNK {
        match std.next() {
            Some(res) => buf.push_back(res.map(DirEntry::new)),
            None => return true,
        }
    }
    false
}

/// The entries of a directory, as returned by [`read_dir`].
///
/// Get them one at a time with [`next_entry`](ReadDir::next_entry) (or
/// [`poll_next_entry`](ReadDir::poll_next_entry)).
///
/// # Examples
///
/// ```
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let mut entries = kiso::fs::read_dir(std::env::temp_dir()).await?;
/// let mut count = 0;
/// while entries.next_entry().await?.is_some() {
///     count += 1;
/// }
/// # let _ = count;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
#[must_use = "a ReadDir does nothing unless its entries are read"]
pub struct ReadDir {
    /// Entries fetched and not handed out yet.
    ready: VecDeque<io::Result<DirEntry>>,
    /// The directory, idle or fetching the next chunk. A fetch starts as
    /// soon as `ready` is handed its chunk, so that it runs while the caller
    /// goes through those entries instead of after (each fetch is a trip to
    /// the blocking pool and back).
    state: State,
}

#[derive(Debug)]
struct Chunk {
    std: std::fs::ReadDir,
    buf: VecDeque<io::Result<DirEntry>>,
    /// `std` has no more entries.
    done: bool,
}

#[derive(Debug)]
enum State {
    /// `None` only if a fetch was lost (the runtime shut down under it).
    Idle(Option<Chunk>),
    Busy(Op<Chunk>),
}

impl ReadDir {
    /// Returns the next entry of the directory, or `None` when there are no
    /// more.
    ///
    /// # Errors
    ///
    /// Returns the error of an entry that could not be read (the stream
    /// goes on after it), or an error if the runtime shut down.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if the future is dropped before it completes, no entry
    /// is lost; the next call returns it.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let dir = std::env::temp_dir().join(format!("kiso-doc-fs-nextentry-{}", std::process::id()));
    /// kiso::fs::create_dir_all(&dir).await?;
    /// let mut entries = kiso::fs::read_dir(&dir).await?;
    /// assert!(entries.next_entry().await?.is_none());
    /// # kiso::fs::remove_dir_all(&dir).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn next_entry(&mut self) -> io::Result<Option<DirEntry>> {
        poll_fn(|cx| self.poll_next_entry(cx)).await
    }

    /// Polls for the next entry of the directory.
    ///
    /// Returns `Poll::Pending` (and arranges for `cx`'s waker to be woken)
    /// while a batch of entries is being fetched, `Ready(Ok(Some(entry)))`
    /// for an entry, and `Ready(Ok(None))` at the end. Only the waker of
    /// the latest call is woken.
    ///
    /// # Errors
    ///
    /// As [`next_entry`](ReadDir::next_entry).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut entries = kiso::fs::read_dir(std::env::temp_dir()).await?;
    /// let first = poll_fn(|cx| entries.poll_next_entry(cx)).await?;
    /// # let _ = first;
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_next_entry(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Option<DirEntry>>> {
        loop {
            if let Some(res) = self.ready.pop_front() {
                self.prefetch();
                return Poll::Ready(res.map(Some));
            }
            match &mut self.state {
                State::Idle(None) => return Poll::Ready(Err(super::blocking::gone())),
                State::Idle(Some(chunk)) => {
                    if !chunk.buf.is_empty() {
                        std::mem::swap(&mut self.ready, &mut chunk.buf);
                        continue;
                    }
                    if chunk.done {
                        return Poll::Ready(Ok(None));
                    }
                    self.fetch_next();
                }
                State::Busy(op) => match ready!(Pin::new(op).poll(cx)) {
                    Ok(chunk) => self.state = State::Idle(Some(chunk)),
                    Err(e) => {
                        self.state = State::Idle(None);
                        return Poll::Ready(Err(e));
                    }
                },
            }
        }
    }

    /// Starts fetching the next chunk if none is fetched or being fetched
    /// and the directory has more.
    fn prefetch(&mut self) {
        if let State::Idle(Some(chunk)) = &self.state {
            if chunk.buf.is_empty() && !chunk.done {
                self.fetch_next();
            }
        }
    }

    /// Sends the idle directory to the blocking pool for its next chunk.
    fn fetch_next(&mut self) {
        let State::Idle(Some(mut chunk)) = std::mem::replace(&mut self.state, State::Idle(None))
        else {
            unreachable!("fetch_next on a busy or lost directory");
        };
        self.state = State::Busy(run(move || {
            chunk.done = fetch(&mut chunk.std, &mut chunk.buf);
            chunk
        }));
    }
}

/// One entry of a directory, returned by [`ReadDir`].
///
/// The async version of [`std::fs::DirEntry`]: the name and path are at
/// hand; metadata is fetched on demand.
///
/// # Examples
///
/// ```
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let dir = std::env::temp_dir().join(format!("kiso-doc-fs-direntry-{}", std::process::id()));
/// kiso::fs::create_dir_all(&dir).await?;
/// kiso::fs::write(dir.join("file"), b"abc").await?;
/// let entry = kiso::fs::read_dir(&dir).await?.next_entry().await?.unwrap();
/// assert_eq!(entry.file_name(), "file");
/// assert_eq!(entry.path(), dir.join("file"));
/// assert!(entry.file_type().await?.is_file());
/// assert_eq!(entry.metadata().await?.len(), 3);
/// # kiso::fs::remove_dir_all(&dir).await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct DirEntry {
    std: Arc<std::fs::DirEntry>,
    /// Known without a system call on most file systems (from the
    /// directory listing itself), so it is read on the pool thread.
    file_type: Option<FileType>,
}

impl DirEntry {
    fn new(std: std::fs::DirEntry) -> DirEntry {
        let file_type = std.file_type().ok();
        DirEntry {
            std: Arc::new(std),
            file_type,
        }
    }

    /// Returns the full path of the entry: the directory given to
    /// [`read_dir`] joined with the entry's name.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut entries = kiso::fs::read_dir(std::env::temp_dir()).await?;
    /// if let Some(entry) = entries.next_entry().await? {
    ///     assert!(entry.path().starts_with(std::env::temp_dir()));
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn path(&self) -> PathBuf {
        self.std.path()
    }

    /// Returns the name of the entry (the last component of its path).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut entries = kiso::fs::read_dir(std::env::temp_dir()).await?;
    /// if let Some(entry) = entries.next_entry().await? {
    ///     assert_eq!(Some(entry.file_name().as_os_str()), entry.path().file_name());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn file_name(&self) -> OsString {
        self.std.file_name()
    }

    /// Returns the metadata of the entry, without following a symbolic
    /// link.
    ///
    /// # Errors
    ///
    /// Fails if the entry's metadata cannot be read (for example, it was
    /// removed since the listing).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut entries = kiso::fs::read_dir(std::env::temp_dir()).await?;
    /// if let Some(entry) = entries.next_entry().await? {
    ///     let _ = entry.metadata().await;
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn metadata(&self) -> io::Result<Metadata> {
        let std = self.std.clone();
        asyncify(move || std.metadata()).await
    }

    /// Returns the file type of the entry, without following a symbolic
    /// link.
    ///
    /// # Errors
    ///
    /// Fails if the type was not in the listing and cannot be read.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let dir = std::env::temp_dir().join(format!("kiso-doc-fs-filetype-{}", std::process::id()));
    /// kiso::fs::create_dir_all(dir.join("sub")).await?;
    /// let entry = kiso::fs::read_dir(&dir).await?.next_entry().await?.unwrap();
    /// assert!(entry.file_type().await?.is_dir());
    /// # kiso::fs::remove_dir_all(&dir).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn file_type(&self) -> io::Result<FileType> {
        if let Some(t) = self.file_type {
            return Ok(t);
        }
        let std = self.std.clone();
        asyncify(move || std.file_type()).await
    }

    /// Returns the inode number of the entry, from the listing.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::fs::MetadataExt;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let dir = std::env::temp_dir().join(format!("kiso-doc-fs-ino-{}", std::process::id()));
    /// kiso::fs::create_dir_all(&dir).await?;
    /// kiso::fs::write(dir.join("f"), b"").await?;
    /// let entry = kiso::fs::read_dir(&dir).await?.next_entry().await?.unwrap();
    /// assert_eq!(entry.ino(), entry.metadata().await?.ino());
    /// # kiso::fs::remove_dir_all(&dir).await?;
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(unix)]
    #[cfg_attr(docsrs, doc(cfg(unix)))]
    pub fn ino(&self) -> u64 {
        std::os::unix::fs::DirEntryExt::ino(&*self.std)
    }
}
