//! The parent's ends of a child's standard streams, as asynchronous pipes.

use crate::io::{AsyncRead, AsyncWrite, Interest, ReadBuf};
use crate::runtime::io::PollEvented;
use mio::unix::pipe::{Receiver, Sender};
use std::io;
use std::os::unix::io::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::pin::Pin;
use std::process::Stdio;
use std::task::{Context, Poll};

/// The writing end of a child's standard input, from [`Child::stdin`].
///
/// Writes go to the pipe without blocking a worker thread. Dropping it
/// closes the pipe, which the child reads as the end of its input.
///
/// [`Child::stdin`]: crate::process::Child::stdin
///
/// # Examples
///
/// ```
/// use kiso::io::AsyncWriteExt;
/// use kiso::process::Command;
/// use std::process::Stdio;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let mut child = Command::new("cat").stdin(Stdio::piped()).stdout(Stdio::null()).spawn()?;
/// let mut stdin = child.stdin.take().unwrap();
/// stdin.write_all(b"hello\n").await?;
/// drop(stdin); // end of input: `cat` ends
/// assert!(child.wait().await?.success());
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct ChildStdin {
    io: PollEvented<Sender>,
}

/// The reading end of a child's standard output, from [`Child::stdout`].
///
/// [`Child::stdout`]: crate::process::Child::stdout
///
/// # Examples
///
/// ```
/// use kiso::io::AsyncReadExt;
/// use kiso::process::Command;
/// use std::process::Stdio;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let mut child = Command::new("echo").arg("hi").stdout(Stdio::piped()).spawn()?;
/// let mut out = String::new();
/// child.stdout.take().unwrap().read_to_string(&mut out).await?;
/// assert_eq!(out, "hi\n");
/// child.wait().await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct ChildStdout {
    io: PollEvented<Receiver>,
}

/// The reading end of a child's standard error, from [`Child::stderr`].
///
/// [`Child::stderr`]: crate::process::Child::stderr
///
/// # Examples
///
/// ```
/// use kiso::io::AsyncReadExt;
/// use kiso::process::Command;
/// use std::process::Stdio;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let mut child = Command::new("sh").args(["-c", "echo oops >&2"]).stderr(Stdio::piped()).spawn()?;
/// let mut err = String::new();
/// child.stderr.take().unwrap().read_to_string(&mut err).await?;
/// assert_eq!(err, "oops\n");
/// child.wait().await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct ChildStderr {
    io: PollEvented<Receiver>,
}

impl ChildStdin {
    /// Wraps std's `ChildStdin`, switching the pipe to non-blocking mode.
    ///
    /// # Errors
    ///
    /// Returns an error if the pipe cannot be made non-blocking or
    /// registered with the runtime.
    ///
    /// # Panics
    ///
    /// Panics if called outside a kiso runtime with I/O enabled.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::process::ChildStdin;
    /// use std::process::{Command, Stdio};
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut child = Command::new("cat").stdin(Stdio::piped()).spawn()?;
    /// let stdin = ChildStdin::from_std(child.stdin.take().unwrap())?;
    /// drop(stdin);
    /// child.wait()?;
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn from_std(inner: std::process::ChildStdin) -> io::Result<Self> {
        let pipe = Sender::from(inner);
        pipe.set_nonblocking(true)?;
        Ok(ChildStdin {
            io: PollEvented::new_with_interest(pipe, Interest::WRITABLE)?,
        })
    }

    /// Turns it back into a blocking file descriptor.
    ///
    /// # Errors
    ///
    /// Returns an error if the descriptor cannot be deregistered or made
    /// blocking again.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::process::Command;
    /// use std::process::Stdio;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut child = Command::new("cat").stdin(Stdio::piped()).spawn()?;
    /// let fd = child.stdin.take().unwrap().into_owned_fd()?;
    /// drop(fd);
    /// child.wait().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_owned_fd(self) -> io::Result<OwnedFd> {
        owned_blocking(self.io.into_inner()?)
    }
}

macro_rules! reader_impls {
    ($ty:ident, $std:ident, $field:ident) => {
        impl $ty {
            /// Wraps std's handle on the pipe, switching it to non-blocking
            /// mode.
            ///
            /// # Errors
            ///
            /// Returns an error if the pipe cannot be made non-blocking or
            /// registered with the runtime.
            ///
            /// # Panics
            ///
            /// Panics if called outside a kiso runtime with I/O enabled.
            ///
            /// # Examples
            ///
            /// ```
            #[doc = concat!("use kiso::process::", stringify!($ty), ";")]
            /// use std::process::{Command, Stdio};
            ///
            /// # #[kiso::main(flavor = "current_thread")]
            /// # async fn main() -> std::io::Result<()> {
            #[doc = concat!("let mut child = Command::new(\"true\").", stringify!($field), "(Stdio::piped()).spawn()?;")]
            #[doc = concat!("let pipe = ", stringify!($ty), "::from_std(child.", stringify!($field), ".take().unwrap())?;")]
            /// drop(pipe);
            /// child.wait()?;
            /// # Ok(())
            /// # }
            /// ```
            #[track_caller]
            pub fn from_std(inner: std::process::$std) -> io::Result<Self> {
                let pipe = Receiver::from(inner);
                pipe.set_nonblocking(true)?;
                Ok($ty { io: PollEvented::new_with_interest(pipe, Interest::READABLE)? })
            }

            /// Turns it back into a blocking file descriptor.
            ///
            /// # Errors
            ///
            /// Returns an error if the descriptor cannot be deregistered or
            /// made blocking again.
            ///
            /// # Examples
            ///
            /// ```
            /// use kiso::process::Command;
            /// use std::process::Stdio;
            ///
            /// # #[kiso::main(flavor = "current_thread")]
            /// # async fn main() -> std::io::Result<()> {
            #[doc = concat!("let mut child = Command::new(\"true\").", stringify!($field), "(Stdio::piped()).spawn()?;")]
            #[doc = concat!("let fd = child.", stringify!($field), ".take().unwrap().into_owned_fd()?;")]
            /// drop(fd);
            /// child.wait().await?;
            /// # Ok(())
            /// # }
            /// ```
            pub fn into_owned_fd(self) -> io::Result<OwnedFd> {
                owned_blocking(self.io.into_inner()?)
            }
        }

        impl AsyncRead for $ty {
            fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
                self.io.poll_read(cx, buf)
            }
        }

        impl AsRawFd for $ty {
            fn as_raw_fd(&self) -> RawFd {
                self.io.as_raw_fd()
            }
        }

        impl AsFd for $ty {
            fn as_fd(&self) -> BorrowedFd<'_> {
                self.io.as_fd()
            }
        }

        impl TryInto<Stdio> for $ty {
            type Error = io::Error;

            /// Hands the pipe to another child (as its standard input,
            /// output or error), in blocking mode again.
            fn try_into(self) -> io::Result<Stdio> {
                self.into_owned_fd().map(Stdio::from)
            }
        }
    };
}

reader_impls!(ChildStdout, ChildStdout, stdout);
reader_impls!(ChildStderr, ChildStderr, stderr);

impl AsyncWrite for ChildStdin {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

impl AsRawFd for ChildStdin {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for ChildStdin {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.as_fd()
    }
}

impl TryInto<Stdio> for ChildStdin {
    type Error = io::Error;

    /// Hands the pipe to another child, in blocking mode again.
    fn try_into(self) -> io::Result<Stdio> {
        self.into_owned_fd().map(Stdio::from)
    }
}

/// The descriptor of a deregistered pipe end, made blocking again.
fn owned_blocking<P: Into<OwnedFd> + NonBlocking>(pipe: P) -> io::Result<OwnedFd> {
    pipe.set_blocking()?;
    Ok(pipe.into())
}

/// Both mio pipe ends can switch their mode.
trait NonBlocking {
    fn set_blocking(&self) -> io::Result<()>;
}

impl NonBlocking for Sender {
    fn set_blocking(&self) -> io::Result<()> {
        self.set_nonblocking(false)
    }
}

impl NonBlocking for Receiver {
    fn set_blocking(&self) -> io::Result<()> {
        self.set_nonblocking(false)
    }
}
