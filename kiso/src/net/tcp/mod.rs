//! TCP helper types: the halves of a split [`TcpStream`].
//!
//! [`TcpStream::split`](crate::net::TcpStream::split) borrows the stream
//! and gives a [`ReadHalf`] and a [`WriteHalf`];
//! [`TcpStream::into_split`](crate::net::TcpStream::into_split) consumes it
//! and gives an [`OwnedReadHalf`] and an [`OwnedWriteHalf`], which can move
//! to different tasks and be put back together with
//! [`reunite`](OwnedReadHalf::reunite). Unlike the generic
//! [`io::split`](crate::io::split), these need no lock: reading and writing a
//! socket never touch the same state.
//!
//! The socket types themselves live in [`kiso::net`](crate::net).
//!
//! # Examples
//!
//! ```
//! use kiso::io::{AsyncReadExt, AsyncWriteExt};
//! use kiso::net::{TcpListener, TcpStream};
//!
//! # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
//! # rt.block_on(async {
//! let listener = TcpListener::bind("127.0.0.1:0").await?;
//! let mut client = TcpStream::connect(listener.local_addr()?).await?;
//! let (server, _) = listener.accept().await?;
//!
//! // The server reads and writes from two tasks.
//! let (mut reader, mut writer) = server.into_split();
//! let echo = kiso::spawn(async move { kiso::io::copy(&mut reader, &mut writer).await });
//!
//! client.write_all(b"ping").await?;
//! let mut buf = [0u8; 4];
//! client.read_exact(&mut buf).await?;
//! assert_eq!(&buf, b"ping");
//! # drop(client);
//! # echo.await.unwrap()?;
//! # Ok::<(), std::io::Error>(())
//! # }).unwrap();
//! ```

mod listener;
mod socket;
mod split;
mod split_owned;
mod stream;

pub use split::{ReadHalf, WriteHalf};
pub use split_owned::{OwnedReadHalf, OwnedWriteHalf, ReuniteError};

// The socket types are documented (and named) at `kiso::net`, as in Tokio;
// they are exported from here only so `net` can re-export them.
#[doc(hidden)]
pub use listener::TcpListener;
#[doc(hidden)]
pub use socket::TcpSocket;
#[doc(hidden)]
pub use stream::TcpStream;

/// Debug-build check that a socket handed to `from_std` is non-blocking:
/// a blocking socket would stall a runtime thread on every operation.
#[track_caller]
fn check_nonblocking<S: std::os::fd::AsFd>(socket: &S) -> std::io::Result<()> {
    if cfg!(debug_assertions) {
        let nonblocking = socket2::SockRef::from(socket).nonblocking()?;
        assert!(
            nonblocking,
            "a blocking socket was given to kiso; call `set_nonblocking(true)` on it before \
             converting it (blocking sockets would block the runtime's threads)"
        );
    }
    Ok(())
}
