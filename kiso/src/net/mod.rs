//! TCP, UDP and Unix-domain sockets, driven by the runtime's I/O driver.
//!
//! The types here are the asynchronous counterparts of `std::net`'s and
//! `std::os::unix::net`'s: [`TcpListener`], [`TcpStream`], [`TcpSocket`],
//! [`UdpSocket`], and on Unix [`UnixListener`], [`UnixStream`],
//! [`UnixDatagram`], [`UnixSocket`] and [`unix::pipe`]. Creating one needs a
//! runtime with I/O enabled (`Builder::enable_io` or `enable_all`).
//!
//! For a descriptor type kiso does not wrap, use
//! [`AsyncFd`](crate::io::unix::AsyncFd).

mod addr;
pub(crate) use addr::to_socket_addrs;
pub use addr::{lookup_host, ToSocketAddrs};

pub mod tcp;
pub use tcp::{TcpListener, TcpSocket, TcpStream};

mod udp;
pub use udp::UdpSocket;

#[cfg(unix)]
pub mod unix;
#[cfg(unix)]
pub use unix::datagram::socket::UnixDatagram;
#[cfg(unix)]
pub use unix::listener::UnixListener;
#[cfg(unix)]
pub use unix::socket::UnixSocket;
#[cfg(unix)]
pub use unix::stream::UnixStream;
