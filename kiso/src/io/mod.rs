//! Asynchronous I/O: the read, write, buffered-read and seek traits, and
//! the buffer type they read into.
//!
//! [`AsyncRead`], [`AsyncWrite`], [`AsyncBufRead`] and [`AsyncSeek`] are the
//! asynchronous counterparts of `std::io`'s `Read`, `Write`, `BufRead` and
//! `Seek`; they are Tokio's traits (not the `futures-io` ones), so code and
//! libraries written against Tokio's use kiso's. Byte slices, `Vec<u8>` and
//! `std::io::Cursor` implement them, as do boxes, mutable references and
//! pinned pointers to implementors.
//!
//! # Examples
//!
//! ```
//! use kiso::io::{AsyncRead, ReadBuf};
//! use std::pin::Pin;
//! use std::task::{Context, Waker};
//!
//! let mut src = std::io::Cursor::new(b"abc".to_vec());
//! let mut storage = [0u8; 2];
//! let mut buf = ReadBuf::new(&mut storage);
//! let mut cx = Context::from_waker(Waker::noop());
//! let _ = Pin::new(&mut src).poll_read(&mut cx, &mut buf);
//! assert_eq!(buf.filled(), b"ab");
//! ```

mod async_buf_read;
mod async_read;
mod async_seek;
mod async_write;
#[cfg(any(feature = "net", feature = "process", feature = "signal"))]
mod interest;
mod read_buf;

#[cfg(all(unix, feature = "net"))]
#[cfg_attr(docsrs, doc(cfg(all(unix, feature = "net"))))]
pub mod unix;

cfg_io_util! {
    mod util;
    #[allow(unused_imports)]
    pub use util::*;
}

#[cfg(any(feature = "io-std", feature = "fs"))]
pub(crate) mod blocking_buf;

cfg_io_std! {
    mod stdio;
    #[allow(unused_imports)]
    pub use stdio::*;
}

pub use async_buf_read::AsyncBufRead;
pub use async_read::AsyncRead;
pub use async_seek::AsyncSeek;
pub use async_write::AsyncWrite;
#[cfg(feature = "net")]
#[cfg_attr(docsrs, doc(cfg(feature = "net")))]
pub use interest::{Interest, Ready};
// The I/O driver uses them with `process` or `signal` alone too.
#[cfg(all(not(feature = "net"), any(feature = "process", feature = "signal")))]
pub(crate) use interest::{Interest, Ready};
pub use read_buf::ReadBuf;
pub use std::io::{Error, ErrorKind, Result, SeekFrom};
