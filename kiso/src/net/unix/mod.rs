//! Unix-domain socket types and Unix pipes.
//!
//! The socket types themselves live in [`kiso::net`](crate::net):
//! `UnixListener`, `UnixStream`, `UnixDatagram` and `UnixSocket`. This
//! module holds what goes with them: the split halves of a stream,
//! [`SocketAddr`], peer credentials ([`UCred`]) and [`pipe`].

/// Unix datagram sockets (an empty module kept for Tokio compatibility; use
/// [`kiso::net::UnixDatagram`](crate::net::UnixDatagram)).
#[doc(hidden)]
pub mod datagram;

pub(crate) mod listener;

pub(crate) mod socket;

mod split;
pub use split::{ReadHalf, WriteHalf};

mod split_owned;
pub use split_owned::{OwnedReadHalf, OwnedWriteHalf, ReuniteError};

mod socketaddr;
pub use socketaddr::SocketAddr;

pub(crate) mod stream;
#[allow(unused_imports)]
pub(crate) use stream::UnixStream;

mod ucred;
pub use ucred::UCred;

pub mod pipe;

/// A user ID, as [`UCred::uid`] returns it.
#[allow(non_camel_case_types)]
pub type uid_t = u32;

/// A group ID, as [`UCred::gid`] returns it.
#[allow(non_camel_case_types)]
pub type gid_t = u32;

/// A process (or process group) ID, as [`UCred::pid`] returns it.
#[allow(non_camel_case_types)]
pub type pid_t = i32;

use std::io;
use std::path::Path;

/// The address `path` names: on Linux and Android a path whose first byte
/// is NUL names the rest in the abstract namespace; otherwise it is a
/// filesystem path.
pub(crate) fn addr_from_path(path: &Path) -> io::Result<std::os::unix::net::SocketAddr> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        #[cfg(target_os = "android")]
        use std::os::android::net::SocketAddrExt;
        #[cfg(target_os = "linux")]
        use std::os::linux::net::SocketAddrExt;
        use std::os::unix::ffi::OsStrExt;

        if let Some(name) = path.as_os_str().as_bytes().strip_prefix(b"\0") {
            return std::os::unix::net::SocketAddr::from_abstract_name(name);
        }
    }
    std::os::unix::net::SocketAddr::from_pathname(path)
}
