use crate::net::unix::{gid_t, pid_t, uid_t};

/// The credentials of the process at the other end of a
/// [`UnixStream`](crate::net::UnixStream), as the kernel recorded them when
/// the connection (or pair) was made.
///
/// # Examples
///
/// ```
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (a, _b) = kiso::net::UnixStream::pair()?;
/// let cred = a.peer_cred()?;
/// assert_eq!(cred.pid(), Some(std::process::id() as kiso::net::unix::pid_t));
/// # Ok(())
/// # }
/// ```
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
pub struct UCred {
    pid: Option<pid_t>,
    uid: uid_t,
    gid: gid_t,
}

impl UCred {
    /// Returns the peer's (effective) user ID.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use std::os::unix::fs::MetadataExt;
    ///
    /// let (a, _b) = kiso::net::UnixStream::pair()?;
    /// // A file this process creates is owned by the same user.
    /// let probe = std::env::temp_dir().join(format!("kiso-doc-uid-{}", std::process::id()));
    /// std::fs::write(&probe, b"")?;
    /// assert_eq!(a.peer_cred()?.uid(), std::fs::metadata(&probe)?.uid());
    /// # std::fs::remove_file(&probe)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn uid(&self) -> uid_t {
        self.uid
    }

    /// Returns the peer's (effective) group ID.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = kiso::net::UnixStream::pair()?;
    /// assert_eq!(a.peer_cred()?.gid(), b.peer_cred()?.gid());
    /// # Ok(())
    /// # }
    /// ```
    pub fn gid(&self) -> gid_t {
        self.gid
    }

    /// Returns the peer's process ID, if the platform reports it (Linux,
    /// Android and macOS do).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = kiso::net::UnixStream::pair()?;
    /// if let Some(pid) = a.peer_cred()?.pid() {
    ///     assert_eq!(pid as u32, std::process::id());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn pid(&self) -> Option<pid_t> {
        self.pid
    }
}

#[cfg(any(
    target_os = "linux",
    target_os = "android",
    target_os = "redox",
    target_os = "haiku",
    target_os = "cygwin"
))]
pub(crate) fn get_peer_cred(sock: &impl std::os::fd::AsRawFd) -> std::io::Result<UCred> {
    use std::mem::size_of;

    let mut cred = libc::ucred {
        pid: 0,
        uid: 0,
        gid: 0,
    };
    let mut len = size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: `cred` is a valid, writable `ucred` and `len` holds its size,
    // which is what `SO_PEERCRED` fills in; the descriptor is borrowed from
    // a live socket.
    let ret = unsafe {
        libc::getsockopt(
            sock.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            (&mut cred as *mut libc::ucred).cast(),
            &mut len,
        )
    };
    if ret != 0 {
        return Err(std::io::Error::last_os_error());
    }
    if len as usize != size_of::<libc::ucred>() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "unexpected ucred size from SO_PEERCRED",
        ));
    }
    Ok(UCred {
        uid: cred.uid as uid_t,
        gid: cred.gid as gid_t,
        pid: Some(cred.pid as pid_t),
    })
}

#[cfg(any(
    target_os = "macos",
    target_os = "ios",
    target_os = "tvos",
    target_os = "watchos",
    target_os = "visionos"
))]
pub(crate) fn get_peer_cred(sock: &impl std::os::fd::AsRawFd) -> std::io::Result<UCred> {
    let fd = sock.as_raw_fd();
    let mut pid: libc::pid_t = 0;
    let mut len = std::mem::size_of::<libc::pid_t>() as libc::socklen_t;
    // SAFETY: `pid` is writable and `len` holds its size, as
    // `LOCAL_PEEREPID` expects.
    let ret = unsafe {
        libc::getsockopt(
            fd,
            libc::SOL_LOCAL,
            libc::LOCAL_PEEREPID,
            (&mut pid as *mut libc::pid_t).cast(),
            &mut len,
        )
    };
    if ret != 0 {
        return Err(std::io::Error::last_os_error());
    }
    let (uid, gid) = peer_eid(fd)?;
    Ok(UCred {
        uid,
        gid,
        pid: Some(pid as pid_t),
    })
}

#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_os = "redox",
    target_os = "haiku",
    target_os = "cygwin",
    target_os = "macos",
    target_os = "ios",
    target_os = "tvos",
    target_os = "watchos",
    target_os = "visionos"
)))]
pub(crate) fn get_peer_cred(sock: &impl std::os::fd::AsRawFd) -> std::io::Result<UCred> {
    let (uid, gid) = peer_eid(sock.as_raw_fd())?;
    Ok(UCred {
        uid,
        gid,
        pid: None,
    })
}

#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_os = "redox",
    target_os = "haiku",
    target_os = "cygwin"
)))]
fn peer_eid(fd: std::os::fd::RawFd) -> std::io::Result<(uid_t, gid_t)> {
    let mut uid: libc::uid_t = 0;
    let mut gid: libc::gid_t = 0;
    // SAFETY: both out-pointers are valid and writable.
    if unsafe { libc::getpeereid(fd, &mut uid, &mut gid) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok((uid as uid_t, gid as gid_t))
}
