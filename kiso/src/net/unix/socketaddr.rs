use std::fmt;
use std::path::Path;

/// The address of a Unix-domain socket.
///
/// A thin wrapper around [`std::os::unix::net::SocketAddr`]; [`From`]
/// converts both ways. An address is a filesystem path, a name in Linux's
/// abstract namespace, or unnamed (an unbound socket, or one end of a
/// `pair()`).
///
/// # Examples
///
/// ```
/// use kiso::net::UnixListener;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let dir = std::env::temp_dir().join(format!("kiso-doc-sa-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let path = dir.join("sock");
/// # let _ = std::fs::remove_file(&path);
/// let listener = UnixListener::bind(&path)?;
/// let addr = listener.local_addr()?;
/// assert_eq!(addr.as_pathname(), Some(path.as_path()));
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct SocketAddr(pub(super) std::os::unix::net::SocketAddr);

impl SocketAddr {
    /// Returns true if the address is unnamed, as the local address of an
    /// unbound socket is.
    ///
    /// See [`std::os::unix::net::SocketAddr::is_unnamed`].
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = kiso::net::UnixStream::pair()?;
    /// assert!(a.local_addr()?.is_unnamed());
    /// # Ok(())
    /// # }
    /// ```
    pub fn is_unnamed(&self) -> bool {
        self.0.is_unnamed()
    }

    /// Returns the filesystem path of a pathname address, `None` for other
    /// kinds.
    ///
    /// See [`std::os::unix::net::SocketAddr::as_pathname`].
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::unix::SocketAddr;
    /// use std::path::Path;
    ///
    /// let std_addr = std::os::unix::net::SocketAddr::from_pathname("/tmp/sock")?;
    /// let addr = SocketAddr::from(std_addr);
    /// assert_eq!(addr.as_pathname(), Some(Path::new("/tmp/sock")));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn as_pathname(&self) -> Option<&Path> {
        self.0.as_pathname()
    }

    /// Returns the name of an address in the abstract namespace (without
    /// the leading NUL), `None` for other kinds. Abstract names are a Linux
    /// feature.
    ///
    /// See [`std::os::linux::net::SocketAddrExt::as_abstract_name`].
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::unix::SocketAddr;
    /// use std::os::linux::net::SocketAddrExt;
    ///
    /// let std_addr = std::os::unix::net::SocketAddr::from_abstract_name(b"name")?;
    /// let addr = SocketAddr::from(std_addr);
    /// assert_eq!(addr.as_abstract_name(), Some(&b"name"[..]));
    /// assert_eq!(addr.as_pathname(), None);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
    pub fn as_abstract_name(&self) -> Option<&[u8]> {
        #[cfg(target_os = "android")]
        use std::os::android::net::SocketAddrExt;
        #[cfg(target_os = "linux")]
        use std::os::linux::net::SocketAddrExt;

        self.0.as_abstract_name()
    }
}

impl fmt::Debug for SocketAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl From<std::os::unix::net::SocketAddr> for SocketAddr {
    fn from(addr: std::os::unix::net::SocketAddr) -> SocketAddr {
        SocketAddr(addr)
    }
}

impl From<SocketAddr> for std::os::unix::net::SocketAddr {
    fn from(addr: SocketAddr) -> std::os::unix::net::SocketAddr {
        addr.0
    }
}
