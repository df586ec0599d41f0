//! Asynchronous file-system operations (`fs`).
//!
//! This module mirrors [`std::fs`]: free functions such as [`read`],
//! [`write()`] and [`create_dir_all`], and the types [`File`],
//! [`OpenOptions`], [`DirBuilder`], [`ReadDir`] and [`DirEntry`].
//!
//! Operating systems offer no readiness notifications for regular files, so
//! each operation runs the blocking `std` call on the runtime's blocking
//! pool (see [`spawn_blocking`](crate::task::spawn_blocking)) and the
//! calling task waits for it without blocking its worker. Doing many small
//! operations one after another therefore costs a thread hand-off each:
//! batch work into one [`spawn_blocking`](crate::task::spawn_blocking) call,
//! or buffer a [`File`] (with `BufReader`/`BufWriter` from `kiso::io`), when
//! that matters.
//!
//! Everything here needs a runtime: calling these functions outside one
//! panics.
//!
//! # Examples
//!
//! ```
//! # #[kiso::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let dir = std::env::temp_dir().join(format!("kiso-doc-fs-mod-{}", std::process::id()));
//! kiso::fs::create_dir_all(&dir).await?;
//! kiso::fs::write(dir.join("greeting"), b"hello").await?;
//! assert_eq!(kiso::fs::read_to_string(dir.join("greeting")).await?, "hello");
//! kiso::fs::remove_dir_all(&dir).await?;
//! # Ok(())
//! # }
//! ```

mod blocking;
mod buf;
mod dir_builder;
mod file;
mod file_times;
mod open_options;
mod ops;
mod read_dir;

pub use dir_builder::DirBuilder;
pub use file::File;
pub use file_times::FileTimes;
pub use open_options::OpenOptions;
pub use ops::{
    canonicalize, copy, create_dir, create_dir_all, hard_link, metadata, read, read_link,
    read_to_string, remove_dir, remove_dir_all, remove_file, rename, set_permissions,
    symlink_metadata, try_exists, write,
};
pub use read_dir::{read_dir, DirEntry, ReadDir};

#[cfg(unix)]
#[cfg_attr(docsrs, doc(cfg(unix)))]
pub use ops::symlink;
