//! The free functions of `kiso::fs`: each runs its `std::fs` counterpart on
//! the blocking pool, through the seam in `blocking.rs`.

use super::blocking::asyncify;

use std::fs::{Metadata, Permissions};
use std::io;
use std::path::{Path, PathBuf};

/// Reads the whole contents of a file into a byte vector.
///
/// The async version of [`std::fs::read`]: the read runs on the blocking pool.
///
/// # Errors
///
/// Fails if `path` does not exist or cannot be read (see [`std::fs::read`]).
///
/// # Examples
///
/// ```
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let path = std::env::temp_dir().join(format!("kiso-doc-fs-read-{}", std::process::id()));
/// kiso::fs::write(&path, b"hello").await?;
/// assert_eq!(kiso::fs::read(&path).await?, b"hello");
/// # let _ = kiso::fs::remove_file(&path).await;
/// # Ok(())
/// # }
/// ```
pub async fn read(path: impl AsRef<Path>) -> io::Result<Vec<u8>> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::read(path)).await
}

/// Reads the whole contents of a file into a string.
///
/// The async version of [`std::fs::read_to_string`].
///
/// # Errors
///
/// Fails if the file cannot be read, or (with [`ErrorKind::InvalidData`](std::io::ErrorKind::InvalidData)) if it is not valid UTF-8.
///
/// # Examples
///
/// ```
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let path = std::env::temp_dir().join(format!("kiso-doc-fs-read_to_string-{}", std::process::id()));
/// kiso::fs::write(&path, "héllo").await?;
/// assert_eq!(kiso::fs::read_to_string(&path).await?, "héllo");
/// # let _ = kiso::fs::remove_file(&path).await;
/// # Ok(())
/// # }
/// ```
pub async fn read_to_string(path: impl AsRef<Path>) -> io::Result<String> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::read_to_string(path)).await
}

/// Writes `contents` to a file, creating it or replacing what it held.
///
/// The async version of [`std::fs::write`]. The bytes are copied before the write starts.
///
/// # Errors
///
/// Fails if the file cannot be created or written (see [`std::fs::write`]).
///
/// # Examples
///
/// ```
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let path = std::env::temp_dir().join(format!("kiso-doc-fs-write-{}", std::process::id()));
/// kiso::fs::write(&path, b"one").await?;
/// kiso::fs::write(&path, b"two").await?;
/// assert_eq!(kiso::fs::read(&path).await?, b"two");
/// # let _ = kiso::fs::remove_file(&path).await;
/// # Ok(())
/// # }
/// ```
pub async fn write(path: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    let contents = contents.as_ref().to_owned();
    asyncify(move || std::fs::write(path, contents)).await
}

/// Copies the contents and permissions of one file to another; returns the number of bytes copied.
///
/// The async version of [`std::fs::copy`]. `to` is overwritten if it exists.
///
/// # Errors
///
/// Fails if `from` is not a regular file or cannot be read, or `to` cannot be written (see [`std::fs::copy`]).
///
/// # Examples
///
/// ```
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let path = std::env::temp_dir().join(format!("kiso-doc-fs-copy-{}", std::process::id()));
/// let copy = path.with_extension("copy");
/// kiso::fs::write(&path, b"abc").await?;
/// assert_eq!(kiso::fs::copy(&path, &copy).await?, 3);
/// assert_eq!(kiso::fs::read(&copy).await?, b"abc");
/// # kiso::fs::remove_file(&copy).await?;
/// # let _ = kiso::fs::remove_file(&path).await;
/// # Ok(())
/// # }
/// ```
pub async fn copy(from: impl AsRef<Path>, to: impl AsRef<Path>) -> io::Result<u64> {
    let from = from.as_ref().to_owned();
    let to = to.as_ref().to_owned();
    asyncify(move || std::fs::copy(from, to)).await
}

/// Renames a file or directory, replacing `to` if it exists.
///
/// The async version of [`std::fs::rename`].
///
/// # Errors
///
/// Fails if `from` does not exist, or the rename crosses file systems, or is not allowed (see [`std::fs::rename`]).
///
/// # Examples
///
/// ```
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let path = std::env::temp_dir().join(format!("kiso-doc-fs-rename-{}", std::process::id()));
/// let other = path.with_extension("moved");
/// kiso::fs::write(&path, b"x").await?;
/// kiso::fs::rename(&path, &other).await?;
/// assert!(!kiso::fs::try_exists(&path).await?);
/// kiso::fs::rename(&other, &path).await?;
/// # let _ = kiso::fs::remove_file(&path).await;
/// # Ok(())
/// # }
/// ```
pub async fn rename(from: impl AsRef<Path>, to: impl AsRef<Path>) -> io::Result<()> {
    let from = from.as_ref().to_owned();
    let to = to.as_ref().to_owned();
    asyncify(move || std::fs::rename(from, to)).await
}

/// Removes a file.
///
/// The async version of [`std::fs::remove_file`].
///
/// # Errors
///
/// Fails if `path` does not exist, is a directory, or cannot be removed.
///
/// # Examples
///
/// ```
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let path = std::env::temp_dir().join(format!("kiso-doc-fs-remove_file-{}", std::process::id()));
/// kiso::fs::write(&path, b"x").await?;
/// kiso::fs::remove_file(&path).await?;
/// assert!(!kiso::fs::try_exists(&path).await?);
/// # kiso::fs::write(&path, b"x").await?;
/// # let _ = kiso::fs::remove_file(&path).await;
/// # Ok(())
/// # }
/// ```
pub async fn remove_file(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::remove_file(path)).await
}

/// Removes an empty directory.
///
/// The async version of [`std::fs::remove_dir`].
///
/// # Errors
///
/// Fails if `path` does not exist, is not a directory, or is not empty.
///
/// # Examples
///
/// ```
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let path = std::env::temp_dir().join(format!("kiso-doc-fs-remove_dir-{}", std::process::id()));
/// let dir = path.with_extension("d");
/// kiso::fs::create_dir(&dir).await?;
/// kiso::fs::remove_dir(&dir).await?;
/// assert!(!kiso::fs::try_exists(&dir).await?);
/// # let _ = kiso::fs::remove_file(&path).await;
/// # Ok(())
/// # }
/// ```
pub async fn remove_dir(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::remove_dir(path)).await
}

/// Removes a directory and everything in it.
///
/// The async version of [`std::fs::remove_dir_all`]. Symbolic links inside are removed, not followed.
///
/// # Errors
///
/// Fails if `path` does not exist or is not a directory, or something in it cannot be removed.
///
/// # Examples
///
/// ```
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let path = std::env::temp_dir().join(format!("kiso-doc-fs-remove_dir_all-{}", std::process::id()));
/// let dir = path.with_extension("tree");
/// kiso::fs::create_dir_all(dir.join("a/b")).await?;
/// kiso::fs::write(dir.join("a/f"), b"x").await?;
/// kiso::fs::remove_dir_all(&dir).await?;
/// assert!(!kiso::fs::try_exists(&dir).await?);
/// # let _ = kiso::fs::remove_file(&path).await;
/// # Ok(())
/// # }
/// ```
pub async fn remove_dir_all(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::remove_dir_all(path)).await
}

/// Creates a new, empty directory.
///
/// The async version of [`std::fs::create_dir`]. The parent must exist; see [`create_dir_all`] to create it too.
///
/// # Errors
///
/// Fails if `path` already exists or its parent does not (see [`std::fs::create_dir`]).
///
/// # Examples
///
/// ```
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let path = std::env::temp_dir().join(format!("kiso-doc-fs-create_dir-{}", std::process::id()));
/// let dir = path.with_extension("d");
/// kiso::fs::create_dir(&dir).await?;
/// assert!(kiso::fs::metadata(&dir).await?.is_dir());
/// # kiso::fs::remove_dir(&dir).await?;
/// # let _ = kiso::fs::remove_file(&path).await;
/// # Ok(())
/// # }
/// ```
pub async fn create_dir(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::create_dir(path)).await
}

/// Creates a directory and every missing parent of it.
///
/// The async version of [`std::fs::create_dir_all`]. A directory that already exists is not an error.
///
/// # Errors
///
/// Fails if a component of `path` exists and is not a directory, or cannot be created.
///
/// # Examples
///
/// ```
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let path = std::env::temp_dir().join(format!("kiso-doc-fs-create_dir_all-{}", std::process::id()));
/// let dir = path.with_extension("deep");
/// kiso::fs::create_dir_all(dir.join("a/b/c")).await?;
/// assert!(kiso::fs::metadata(dir.join("a/b/c")).await?.is_dir());
/// # kiso::fs::remove_dir_all(&dir).await?;
/// # let _ = kiso::fs::remove_file(&path).await;
/// # Ok(())
/// # }
/// ```
pub async fn create_dir_all(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::create_dir_all(path)).await
}

/// Returns the metadata of a file or directory, following symbolic links.
///
/// The async version of [`std::fs::metadata`].
///
/// # Errors
///
/// Fails if `path` does not exist or cannot be examined.
///
/// # Examples
///
/// ```
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let path = std::env::temp_dir().join(format!("kiso-doc-fs-metadata-{}", std::process::id()));
/// kiso::fs::write(&path, b"four").await?;
/// let meta = kiso::fs::metadata(&path).await?;
/// assert!(meta.is_file());
/// assert_eq!(meta.len(), 4);
/// # let _ = kiso::fs::remove_file(&path).await;
/// # Ok(())
/// # }
/// ```
pub async fn metadata(path: impl AsRef<Path>) -> io::Result<Metadata> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::metadata(path)).await
}

/// Returns the metadata of a path without following a symbolic link at its end.
///
/// The async version of [`std::fs::symlink_metadata`].
///
/// # Errors
///
/// Fails if `path` does not exist or cannot be examined.
///
/// # Examples
///
/// ```
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let path = std::env::temp_dir().join(format!("kiso-doc-fs-symlink_metadata-{}", std::process::id()));
/// kiso::fs::write(&path, b"x").await?;
/// assert!(kiso::fs::symlink_metadata(&path).await?.is_file());
/// # let _ = kiso::fs::remove_file(&path).await;
/// # Ok(())
/// # }
/// ```
pub async fn symlink_metadata(path: impl AsRef<Path>) -> io::Result<Metadata> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::symlink_metadata(path)).await
}

/// Returns the path a symbolic link points to.
///
/// The async version of [`std::fs::read_link`].
///
/// # Errors
///
/// Fails if `path` is not a symbolic link or does not exist.
///
/// # Examples
///
/// ```
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let path = std::env::temp_dir().join(format!("kiso-doc-fs-read_link-{}", std::process::id()));
/// kiso::fs::write(&path, b"x").await?;
/// let link = path.with_extension("link");
/// # let _ = kiso::fs::remove_file(&link).await;
/// kiso::fs::symlink(&path, &link).await?;
/// assert_eq!(kiso::fs::read_link(&link).await?, path);
/// # kiso::fs::remove_file(&link).await?;
/// # let _ = kiso::fs::remove_file(&path).await;
/// # Ok(())
/// # }
/// ```
pub async fn read_link(path: impl AsRef<Path>) -> io::Result<PathBuf> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::read_link(path)).await
}

/// Returns the absolute form of a path, with every `.`, `..` and symbolic link resolved.
///
/// The async version of [`std::fs::canonicalize`].
///
/// # Errors
///
/// Fails if `path` does not exist or a component of it is not a directory.
///
/// # Examples
///
/// ```
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let path = std::env::temp_dir().join(format!("kiso-doc-fs-canonicalize-{}", std::process::id()));
/// kiso::fs::write(&path, b"x").await?;
/// let odd = path.parent().unwrap().join(".").join(path.file_name().unwrap());
/// assert_eq!(kiso::fs::canonicalize(&odd).await?, std::fs::canonicalize(&path)?);
/// # let _ = kiso::fs::remove_file(&path).await;
/// # Ok(())
/// # }
/// ```
pub async fn canonicalize(path: impl AsRef<Path>) -> io::Result<PathBuf> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::canonicalize(path)).await
}

/// Creates a new hard link `link` to the file `original`.
///
/// The async version of [`std::fs::hard_link`].
///
/// # Errors
///
/// Fails if `original` does not exist, `link` already exists, or they are on different file systems.
///
/// # Examples
///
/// ```
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let path = std::env::temp_dir().join(format!("kiso-doc-fs-hard_link-{}", std::process::id()));
/// kiso::fs::write(&path, b"shared").await?;
/// let link = path.with_extension("hard");
/// # let _ = kiso::fs::remove_file(&link).await;
/// kiso::fs::hard_link(&path, &link).await?;
/// assert_eq!(kiso::fs::read(&link).await?, b"shared");
/// # kiso::fs::remove_file(&link).await?;
/// # let _ = kiso::fs::remove_file(&path).await;
/// # Ok(())
/// # }
/// ```
pub async fn hard_link(original: impl AsRef<Path>, link: impl AsRef<Path>) -> io::Result<()> {
    let original = original.as_ref().to_owned();
    let link = link.as_ref().to_owned();
    asyncify(move || std::fs::hard_link(original, link)).await
}

/// Changes the permissions of a file or directory.
///
/// The async version of [`std::fs::set_permissions`].
///
/// # Errors
///
/// Fails if `path` does not exist or the caller may not change its permissions.
///
/// # Examples
///
/// ```
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let path = std::env::temp_dir().join(format!("kiso-doc-fs-set_permissions-{}", std::process::id()));
/// kiso::fs::write(&path, b"x").await?;
/// let mut perm = kiso::fs::metadata(&path).await?.permissions();
/// perm.set_readonly(true);
/// kiso::fs::set_permissions(&path, perm.clone()).await?;
/// assert!(kiso::fs::metadata(&path).await?.permissions().readonly());
/// # perm.set_readonly(false);
/// # kiso::fs::set_permissions(&path, perm).await?;
/// # let _ = kiso::fs::remove_file(&path).await;
/// # Ok(())
/// # }
/// ```
pub async fn set_permissions(path: impl AsRef<Path>, perm: Permissions) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::set_permissions(path, perm)).await
}

/// Returns whether a path exists, following symbolic links.
///
/// The async version of [`Path::try_exists`]: `Ok(false)` for a path that does not exist (or a broken symbolic link), an error when it cannot be told.
///
/// # Errors
///
/// Fails when existence cannot be checked, for example when a parent directory may not be searched.
///
/// # Examples
///
/// ```
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let path = std::env::temp_dir().join(format!("kiso-doc-fs-try_exists-{}", std::process::id()));
/// kiso::fs::write(&path, b"x").await?;
/// assert!(kiso::fs::try_exists(&path).await?);
/// assert!(!kiso::fs::try_exists(path.with_extension("none")).await?);
/// # let _ = kiso::fs::remove_file(&path).await;
/// # Ok(())
/// # }
/// ```
pub async fn try_exists(path: impl AsRef<Path>) -> io::Result<bool> {
    let path = path.as_ref().to_owned();
    asyncify(move || path.try_exists()).await
}

/// Creates a symbolic link `link` that points to `original`.
///
/// The async version of [`std::os::unix::fs::symlink`]. `original` does not
/// have to exist.
///
/// # Errors
///
/// Fails if `link` already exists or cannot be created.
///
/// # Examples
///
/// ```
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let path = std::env::temp_dir().join(format!("kiso-doc-fs-symlink-{}", std::process::id()));
/// let link = path.with_extension("link");
/// # let _ = kiso::fs::remove_file(&link).await;
/// kiso::fs::write(&path, b"target").await?;
/// kiso::fs::symlink(&path, &link).await?;
/// assert_eq!(kiso::fs::read(&link).await?, b"target");
/// assert!(kiso::fs::symlink_metadata(&link).await?.file_type().is_symlink());
/// kiso::fs::remove_file(&link).await?;
/// kiso::fs::remove_file(&path).await?;
/// # Ok(())
/// # }
/// ```
#[cfg(unix)]
pub async fn symlink(original: impl AsRef<Path>, link: impl AsRef<Path>) -> io::Result<()> {
    let original = original.as_ref().to_owned();
    let link = link.as_ref().to_owned();
    asyncify(move || std::os::unix::fs::symlink(original, link)).await
}
