//! `DirBuilder`: directory creation with options.

use super::blocking::asyncify;

use std::io;
use std::path::Path;

/// Creates directories, with options: recursive creation and, on Unix, the
/// permission bits.
///
/// The async version of [`std::fs::DirBuilder`].
///
/// # Examples
///
/// ```
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let dir = std::env::temp_dir().join(format!("kiso-doc-fs-dirbuilder-{}", std::process::id()));
/// kiso::fs::DirBuilder::new().recursive(true).create(dir.join("a/b")).await?;
/// assert!(kiso::fs::metadata(dir.join("a/b")).await?.is_dir());
/// # kiso::fs::remove_dir_all(&dir).await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Default)]
pub struct DirBuilder {
    recursive: bool,
    #[cfg(unix)]
    mode: Option<u32>,
}

impl DirBuilder {
    /// Returns a builder with the default options: not recursive, default
    /// permissions.
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = kiso::fs::DirBuilder::new();
    /// # let _ = builder;
    /// ```
    pub fn new() -> Self {
        DirBuilder::default()
    }

    /// Sets whether missing parent directories are created too (and an
    /// existing directory is not an error).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut builder = kiso::fs::DirBuilder::new();
    /// builder.recursive(true);
    /// ```
    pub fn recursive(&mut self, recursive: bool) -> &mut Self {
        self.recursive = recursive;
        self
    }

    /// Creates the directory `path` with the options of this builder.
    ///
    /// # Errors
    ///
    /// Fails as [`std::fs::DirBuilder::create`] does: for example if `path`
    /// exists (unless recursive and a directory), or its parent is missing
    /// and the builder is not recursive.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let dir = std::env::temp_dir().join(format!("kiso-doc-fs-dbcreate-{}", std::process::id()));
    /// let builder = kiso::fs::DirBuilder::new();
    /// builder.create(&dir).await?;
    /// assert!(builder.create(&dir).await.is_err());
    /// # kiso::fs::remove_dir(&dir).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn create(&self, path: impl AsRef<Path>) -> io::Result<()> {
        let path = path.as_ref().to_owned();
        let mut std = std::fs::DirBuilder::new();
        std.recursive(self.recursive);
        #[cfg(unix)]
        if let Some(mode) = self.mode {
            std::os::unix::fs::DirBuilderExt::mode(&mut std, mode);
        }
        asyncify(move || std.create(path)).await
    }

    /// Sets the permission bits of the directories created (before the
    /// process's umask applies). The default is `0o777`.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut builder = kiso::fs::DirBuilder::new();
    /// builder.mode(0o750);
    /// ```
    #[cfg(unix)]
    #[cfg_attr(docsrs, doc(cfg(unix)))]
    pub fn mode(&mut self, mode: u32) -> &mut Self {
        self.mode = Some(mode);
        self
    }
}
