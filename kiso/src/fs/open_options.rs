//! `OpenOptions`: how a `File` is opened.

use super::blocking::asyncify;
use super::File;

use std::io;
use std::path::Path;

/// Options for opening a [`File`]: access mode, creation and truncation.
///
/// The async version of [`std::fs::OpenOptions`]: set options with the
/// builder methods, then call [`open`](OpenOptions::open). By default every
/// option is off, so at least one of `read`, `write` or `append` must be
/// set.
///
/// # Examples
///
/// ```
/// use kiso::fs::OpenOptions;
/// use kiso::io::AsyncWriteExt;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let path = std::env::temp_dir().join(format!("kiso-doc-fs-openoptions-{}", std::process::id()));
/// let mut file = OpenOptions::new().write(true).create(true).truncate(true).open(&path).await?;
/// file.write_all(b"hello").await?;
/// file.flush().await?;
/// assert_eq!(kiso::fs::read(&path).await?, b"hello");
/// # kiso::fs::remove_file(&path).await?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct OpenOptions(std::fs::OpenOptions);

impl OpenOptions {
    /// Returns a set of options with everything off.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut options = kiso::fs::OpenOptions::new();
    /// options.read(true);
    /// ```
    pub fn new() -> OpenOptions {
        OpenOptions(std::fs::OpenOptions::new())
    }

    /// Sets whether the file is opened for reading.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut options = kiso::fs::OpenOptions::new();
    /// options.read(true);
    /// ```
    pub fn read(&mut self, read: bool) -> &mut OpenOptions {
        self.0.read(read);
        self
    }

    /// Sets whether the file is opened for writing (a file opened for writing is not truncated unless [`truncate`](OpenOptions::truncate) is set too).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut options = kiso::fs::OpenOptions::new();
    /// options.write(true);
    /// ```
    pub fn write(&mut self, write: bool) -> &mut OpenOptions {
        self.0.write(write);
        self
    }

    /// Sets append mode: every write goes to the end of the file, whatever the current position. Implies write access.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut options = kiso::fs::OpenOptions::new();
    /// options.append(true);
    /// ```
    pub fn append(&mut self, append: bool) -> &mut OpenOptions {
        self.0.append(append);
        self
    }

    /// Sets whether an existing file is cut to length 0 when opened. Needs write access.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut options = kiso::fs::OpenOptions::new();
    /// options.truncate(true);
    /// ```
    pub fn truncate(&mut self, truncate: bool) -> &mut OpenOptions {
        self.0.truncate(truncate);
        self
    }

    /// Sets whether the file is created if it does not exist. Needs write or append access.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut options = kiso::fs::OpenOptions::new();
    /// options.create(true);
    /// ```
    pub fn create(&mut self, create: bool) -> &mut OpenOptions {
        self.0.create(create);
        self
    }

    /// Sets whether a new file must be created: opening fails if the path exists (even as a dangling symbolic link). Checking and creating is one atomic step. When set, `create` and `truncate` are ignored.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut options = kiso::fs::OpenOptions::new();
    /// options.create_new(true);
    /// ```
    pub fn create_new(&mut self, create_new: bool) -> &mut OpenOptions {
        self.0.create_new(create_new);
        self
    }

    /// Opens the file at `path` with these options.
    ///
    /// # Errors
    ///
    /// Fails as [`std::fs::OpenOptions::open`] does, for example with
    /// [`NotFound`](io::ErrorKind::NotFound) when the file does not exist and
    /// `create` is off, [`AlreadyExists`](io::ErrorKind::AlreadyExists) with
    /// `create_new` when it does, [`PermissionDenied`](io::ErrorKind::PermissionDenied),
    /// or [`InvalidInput`](io::ErrorKind::InvalidInput) for a combination of
    /// options that makes no sense (such as no access mode).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let missing = std::env::temp_dir().join(format!("kiso-doc-fs-missing-{}", std::process::id()));
    /// let err = kiso::fs::OpenOptions::new().read(true).open(&missing).await.unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn open(&self, path: impl AsRef<Path>) -> io::Result<File> {
        let path = path.as_ref().to_owned();
        let options = self.0.clone();
        let std = asyncify(move || options.open(path)).await?;
        Ok(File::from_std(std))
    }

    /// Sets the permission bits a newly created file gets (before the
    /// process's umask applies). The default is `0o666`.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut options = kiso::fs::OpenOptions::new();
    /// options.write(true).create(true).mode(0o600);
    /// ```
    #[cfg(unix)]
    #[cfg_attr(docsrs, doc(cfg(unix)))]
    pub fn mode(&mut self, mode: u32) -> &mut OpenOptions {
        std::os::unix::fs::OpenOptionsExt::mode(&mut self.0, mode);
        self
    }

    /// Adds flags to the `open(2)` call (for example `libc::O_NOFOLLOW`).
    /// The access-mode bits of `flags` are ignored: they come from `read`,
    /// `write` and `append`.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut options = kiso::fs::OpenOptions::new();
    /// options.read(true).custom_flags(0);
    /// ```
    #[cfg(unix)]
    #[cfg_attr(docsrs, doc(cfg(unix)))]
    pub fn custom_flags(&mut self, flags: i32) -> &mut OpenOptions {
        std::os::unix::fs::OpenOptionsExt::custom_flags(&mut self.0, flags);
        self
    }
}

impl From<std::fs::OpenOptions> for OpenOptions {
    fn from(options: std::fs::OpenOptions) -> OpenOptions {
        OpenOptions(options)
    }
}

impl Default for OpenOptions {
    fn default() -> OpenOptions {
        OpenOptions::new()
    }
}
