//! Address resolution: `ToSocketAddrs` and `lookup_host`.
//!
//! Anything that names a socket address turns into a [`Resolve`] future.
//! Values that already are addresses (a `SocketAddr`, an IP and a port, a
//! string holding a literal address) produce it at once; host names are
//! looked up with the system resolver (`getaddrinfo`, through std) on the
//! blocking pool, because that call blocks.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

/// Types that name one or more socket addresses, resolving host names
/// without blocking the runtime.
///
/// This is the asynchronous counterpart of [`std::net::ToSocketAddrs`]. It
/// is what [`TcpListener::bind`](crate::net::TcpListener::bind),
/// [`TcpStream::connect`](crate::net::TcpStream::connect) and
/// [`lookup_host`] accept. It is implemented for:
///
/// * [`SocketAddr`], [`SocketAddrV4`], [`SocketAddrV6`];
/// * `(IpAddr, u16)`, `(Ipv4Addr, u16)`, `(Ipv6Addr, u16)`;
/// * `&[SocketAddr]` (every address of the slice, in order);
/// * [`str`] and [`String`] holding `host:port` (`"127.0.0.1:80"`,
///   `"[::1]:80"`, `"example.com:443"`);
/// * `(&str, u16)` and `(String, u16)`: a host and a port;
/// * a reference to any of these.
///
/// Literal addresses are converted directly. Host names are resolved by
/// the system resolver on the runtime's blocking pool, which needs a
/// runtime: resolving a name outside one panics.
///
/// The trait is sealed: its methods are private and it cannot be
/// implemented outside kiso. To resolve an address yourself, call
/// [`lookup_host`].
///
/// # Examples
///
/// ```
/// use kiso::net::{lookup_host, ToSocketAddrs};
/// use std::net::SocketAddr;
///
/// async fn first_address(addr: impl ToSocketAddrs) -> std::io::Result<Option<SocketAddr>> {
///     Ok(lookup_host(addr).await?.next())
/// }
///
/// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// # rt.block_on(async {
/// let addr = first_address(("127.0.0.1", 8080)).await.unwrap();
/// assert_eq!(addr, Some("127.0.0.1:8080".parse().unwrap()));
/// # });
/// ```
pub trait ToSocketAddrs: sealed::ToSocketAddrsPriv {}

/// Starts resolving `addr`: ready at once for literal addresses, a
/// blocking-pool lookup for host names.
pub(crate) fn to_socket_addrs<T: ToSocketAddrs>(addr: T) -> Resolve {
    addr.resolve(sealed::Internal)
}

/// Resolves a host name (or any [`ToSocketAddrs`] value) to socket
/// addresses.
///
/// A value that already is an address resolves immediately, without
/// blocking and without using the blocking pool. A host name is looked up
/// with the system resolver on the blocking pool; the returned iterator
/// then yields every address it reported, in its order. It may yield none.
///
/// This covers the common case of turning a name into addresses to
/// connect to. For anything more (record types, custom servers, caching),
/// use a DNS library.
///
/// # Errors
///
/// Fails if the string is not of the form `host:port` (for example, the
/// port is missing or out of range), or if the resolver fails, for example
/// because the name does not exist.
///
/// # Panics
///
/// Resolving a host name panics if called outside a kiso runtime, as it
/// needs the runtime's blocking pool.
///
/// # Examples
///
/// ```
/// use kiso::net::lookup_host;
///
/// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// # rt.block_on(async {
/// for addr in lookup_host("localhost:3000").await.unwrap() {
///     assert!(addr.ip().is_loopback());
///     assert_eq!(addr.port(), 3000);
/// }
///
/// let literal: Vec<_> = lookup_host("[::1]:443").await.unwrap().collect();
/// assert_eq!(literal, ["[::1]:443".parse().unwrap()]);
/// # });
/// ```
pub async fn lookup_host<T>(host: T) -> io::Result<impl Iterator<Item = SocketAddr>>
where
    T: ToSocketAddrs,
{
    to_socket_addrs(host).await
}

pub(crate) mod sealed {
    //! The private half of [`ToSocketAddrs`](super::ToSocketAddrs): public
    //! (so it can be its supertrait) but unnameable outside kiso.

    use std::future::Future;
    use std::io;
    use std::net::SocketAddr;
    use std::pin::Pin;
    use std::task::{ready, Context, Poll};

    /// Converts or starts resolving a value into socket addresses.
    #[doc(hidden)]
    pub trait ToSocketAddrsPriv {
        /// Starts the conversion; see [`Resolve`].
        #[doc(hidden)]
        fn resolve(&self, internal: Internal) -> Resolve;
    }

    /// A token only kiso can make, so only kiso can call `resolve`.
    #[doc(hidden)]
    #[derive(Debug)]
    pub struct Internal;

    /// The addresses a resolution produced.
    #[doc(hidden)]
    #[derive(Debug)]
    pub enum Addrs {
        One(std::option::IntoIter<SocketAddr>),
        Many(std::vec::IntoIter<SocketAddr>),
    }

    impl Iterator for Addrs {
        type Item = SocketAddr;

        fn next(&mut self) -> Option<SocketAddr> {
            match self {
                Addrs::One(it) => it.next(),
                Addrs::Many(it) => it.next(),
            }
        }

        fn size_hint(&self) -> (usize, Option<usize>) {
            match self {
                Addrs::One(it) => it.size_hint(),
                Addrs::Many(it) => it.size_hint(),
            }
        }
    }

    #[cfg(feature = "rt")]
    type Lookup = crate::task::JoinHandle<io::Result<std::vec::IntoIter<SocketAddr>>>;
    /// Without `rt` there is no blocking pool to run a lookup on.
    #[cfg(not(feature = "rt"))]
    type Lookup = NoLookup;

    /// A lookup that cannot exist (no `rt` feature).
    #[cfg(not(feature = "rt"))]
    #[derive(Debug)]
    pub(crate) enum NoLookup {}

    #[cfg(not(feature = "rt"))]
    impl Future for NoLookup {
        type Output = Result<io::Result<std::vec::IntoIter<SocketAddr>>, io::Error>;
        fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Self::Output> {
            match *self.get_mut() {}
        }
    }

    /// A resolution in progress (see [`to_socket_addrs`](super::to_socket_addrs)).
    #[doc(hidden)]
    #[derive(Debug)]
    pub struct Resolve(State);

    #[derive(Debug)]
    enum State {
        /// Resolved without a lookup; taken by the first poll.
        Done(Option<Addrs>),
        /// A system-resolver call running on the blocking pool.
        Lookup(Lookup),
    }

    impl Resolve {
        pub(super) fn one(addr: SocketAddr) -> Resolve {
            Resolve(State::Done(Some(Addrs::One(Some(addr).into_iter()))))
        }

        pub(super) fn many(addrs: Vec<SocketAddr>) -> Resolve {
            Resolve(State::Done(Some(Addrs::Many(addrs.into_iter()))))
        }

        /// Runs the system resolver for `host` on the blocking pool.
        #[track_caller]
        pub(super) fn lookup<H>(host: H) -> Resolve
        where
            H: std::net::ToSocketAddrs<Iter = std::vec::IntoIter<SocketAddr>> + Send + 'static,
        {
            #[cfg(feature = "rt")]
            return Resolve(State::Lookup(crate::task::spawn_blocking(move || {
                host.to_socket_addrs()
            })));
            #[cfg(not(feature = "rt"))]
            {
                let _ = host;
                panic!(
                    "resolving a host name needs a runtime's blocking pool: \
                     there is no reactor running, must be called from the context of a Tokio 1.x runtime"
                )
            }
        }
    }

    impl Future for Resolve {
        type Output = io::Result<Addrs>;

        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<Addrs>> {
            match &mut self.0 {
                State::Done(addrs) => {
                    Poll::Ready(Ok(addrs.take().expect("`Resolve` polled after completion")))
                }
                State::Lookup(handle) => {
                    let res = ready!(Pin::new(handle).poll(cx))?;
                    Poll::Ready(res.map(Addrs::Many))
                }
            }
        }
    }
}

use sealed::{Internal, Resolve, ToSocketAddrsPriv};

impl<T: ToSocketAddrs + ?Sized> ToSocketAddrs for &T {}

impl<T: ToSocketAddrsPriv + ?Sized> ToSocketAddrsPriv for &T {
    fn resolve(&self, internal: Internal) -> Resolve {
        (**self).resolve(internal)
    }
}

/// Implements the trait for types that convert into a single
/// `SocketAddr` without a lookup.
macro_rules! direct {
    ($($ty:ty => |$v:ident| $to:expr;)*) => {
        $(
            impl ToSocketAddrs for $ty {}

            impl ToSocketAddrsPriv for $ty {
                fn resolve(&self, _: Internal) -> Resolve {
                    let $v = *self;
                    Resolve::one($to)
                }
            }
        )*
    };
}

direct! {
    SocketAddr => |a| a;
    SocketAddrV4 => |a| SocketAddr::V4(a);
    SocketAddrV6 => |a| SocketAddr::V6(a);
    (IpAddr, u16) => |a| SocketAddr::from(a);
    (Ipv4Addr, u16) => |a| SocketAddr::V4(SocketAddrV4::new(a.0, a.1));
    (Ipv6Addr, u16) => |a| SocketAddr::V6(SocketAddrV6::new(a.0, a.1, 0, 0));
}

impl ToSocketAddrs for &[SocketAddr] {}

impl ToSocketAddrsPriv for &[SocketAddr] {
    fn resolve(&self, _: Internal) -> Resolve {
        // Copied: the result must outlive the borrowed slice.
        Resolve::many(self.to_vec())
    }
}

impl ToSocketAddrs for str {}

impl ToSocketAddrsPriv for str {
    #[track_caller]
    fn resolve(&self, _: Internal) -> Resolve {
        match self.parse::<SocketAddr>() {
            Ok(addr) => Resolve::one(addr),
            Err(_) => Resolve::lookup(self.to_owned()),
        }
    }
}

impl ToSocketAddrs for String {}

impl ToSocketAddrsPriv for String {
    #[track_caller]
    fn resolve(&self, internal: Internal) -> Resolve {
        self.as_str().resolve(internal)
    }
}

impl ToSocketAddrs for (&str, u16) {}

impl ToSocketAddrsPriv for (&str, u16) {
    #[track_caller]
    fn resolve(&self, _: Internal) -> Resolve {
        let (host, port) = *self;
        if let Ok(ip) = host.parse::<Ipv4Addr>() {
            return Resolve::one(SocketAddr::V4(SocketAddrV4::new(ip, port)));
        }
        if let Ok(ip) = host.parse::<Ipv6Addr>() {
            return Resolve::one(SocketAddr::V6(SocketAddrV6::new(ip, port, 0, 0)));
        }
        Resolve::lookup((host.to_owned(), port))
    }
}

impl ToSocketAddrs for (String, u16) {}

impl ToSocketAddrsPriv for (String, u16) {
    #[track_caller]
    fn resolve(&self, internal: Internal) -> Resolve {
        (self.0.as_str(), self.1).resolve(internal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    fn now(r: Resolve) -> Vec<SocketAddr> {
        let mut r = r;
        let waker = std::task::Waker::noop();
        let mut cx = Context::from_waker(waker);
        match Pin::new(&mut r).poll(&mut cx) {
            Poll::Ready(Ok(addrs)) => addrs.collect(),
            other => panic!("not resolved at once: {other:?}"),
        }
    }

    #[test]
    #[allow(clippy::needless_borrows_for_generic_args)] // the `&T` impl is tested
    fn literals_resolve_without_a_runtime() {
        let a: SocketAddr = "10.1.2.3:99".parse().unwrap();
        assert_eq!(now(to_socket_addrs("10.1.2.3:99")), [a]);
        assert_eq!(now(to_socket_addrs(("10.1.2.3", 99))), [a]);
        assert_eq!(now(to_socket_addrs(&a)), [a]);
        let b: SocketAddr = "[fe80::1]:7".parse().unwrap();
        assert_eq!(now(to_socket_addrs(("fe80::1", 7))), [b]);
        assert_eq!(now(to_socket_addrs(&[a, b][..])), [a, b]);
    }

    #[test]
    fn size_hint_is_exact() {
        let a: SocketAddr = "10.1.2.3:99".parse().unwrap();
        let mut r = to_socket_addrs(&[a, a, a][..]);
        let mut cx = Context::from_waker(std::task::Waker::noop());
        let Poll::Ready(Ok(addrs)) = Pin::new(&mut r).poll(&mut cx) else {
            panic!()
        };
        assert_eq!(addrs.size_hint(), (3, Some(3)));
    }
}
