#![cfg(feature = "full")]
//! `TcpSocket`: creating, configuring, binding, connecting and listening,
//! and its raw-descriptor conversions. Every runtime test runs on both
//! runtime flavors.

mod support;

use kiso::io::{AsyncReadExt, AsyncWriteExt};
use kiso::net::{TcpListener, TcpSocket, TcpStream};
use std::io;
use std::net::SocketAddr;
use std::os::fd::{AsFd, AsRawFd, FromRawFd, IntoRawFd};
use std::time::Duration;

/// Runs `async fn $name()` on both runtime flavors, under a timeout.
macro_rules! rt_test {
    ($name:ident) => {
        mod $name {
            #[test]
            fn current_thread() {
                crate::support::with_timeout(|| {
                    crate::support::current_thread().block_on(super::$name())
                })
            }
            #[test]
            fn multi_thread() {
                crate::support::with_timeout(|| crate::support::multi(2).block_on(super::$name()))
            }
        }
    };
}

extern "C" {
    fn fcntl(fd: i32, cmd: i32, ...) -> i32;
}

const F_GETFL: i32 = 3;
const O_NONBLOCK: i32 = 0o4000;

fn is_nonblocking(fd: i32) -> bool {
    // SAFETY: F_GETFL only reads the descriptor's flags.
    let flags = unsafe { fcntl(fd, F_GETFL) };
    assert!(flags >= 0);
    flags & O_NONBLOCK != 0
}

fn loopback() -> SocketAddr {
    "127.0.0.1:0".parse().unwrap()
}

async fn bind_listen_connect() {
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_reuseaddr(true).unwrap();
    socket.bind(loopback()).unwrap();
    let addr = socket.local_addr().unwrap();
    assert_ne!(addr.port(), 0);
    let listener = socket.listen(1024).unwrap();
    assert_eq!(listener.local_addr().unwrap(), addr);

    let client = TcpSocket::new_v4().unwrap();
    let (stream, accepted) = futures::future::join(client.connect(addr), listener.accept()).await;
    let mut stream = stream.unwrap();
    let (mut server, peer) = accepted.unwrap();
    assert_eq!(stream.local_addr().unwrap(), peer);
    stream.write_all(b"tcp socket").await.unwrap();
    let mut buf = [0u8; 10];
    server.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"tcp socket");
}
rt_test!(bind_listen_connect);

async fn connect_from_a_bound_socket() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let client = TcpSocket::new_v4().unwrap();
    client.bind(loopback()).unwrap();
    let local = client.local_addr().unwrap();
    let (stream, accepted) = futures::future::join(client.connect(addr), listener.accept()).await;
    assert_eq!(stream.unwrap().local_addr().unwrap(), local);
    assert_eq!(accepted.unwrap().1, local);
}
rt_test!(connect_from_a_bound_socket);

async fn connect_refused() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let err = TcpSocket::new_v4()
        .unwrap()
        .connect(port)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused);
}
rt_test!(connect_refused);

async fn connect_to_an_unreachable_address_fails_at_once() {
    let err = TcpSocket::new_v4()
        .unwrap()
        .connect("224.0.0.1:80".parse().unwrap())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::NetworkUnreachable);
}
rt_test!(connect_to_an_unreachable_address_fails_at_once);

async fn listen_backlog_saturates() {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(loopback()).unwrap();
    // Larger than i32::MAX: clamped, not an error.
    let listener = socket.listen(u32::MAX).unwrap();
    let addr = listener.local_addr().unwrap();
    let (c, a) = futures::future::join(TcpStream::connect(addr), listener.accept()).await;
    assert_eq!(a.unwrap().1, c.unwrap().local_addr().unwrap());
}
rt_test!(listen_backlog_saturates);

#[test]
fn new_sockets_are_nonblocking() {
    let v4 = TcpSocket::new_v4().unwrap();
    assert!(is_nonblocking(v4.as_raw_fd()));
    if let Ok(v6) = TcpSocket::new_v6() {
        assert!(is_nonblocking(v6.as_raw_fd()));
    }
}

#[test]
#[allow(deprecated)]
fn options_round_trip() {
    let s = TcpSocket::new_v4().unwrap();

    s.set_reuseaddr(true).unwrap();
    assert!(s.reuseaddr().unwrap());
    s.set_reuseaddr(false).unwrap();
    assert!(!s.reuseaddr().unwrap());

    s.set_reuseport(true).unwrap();
    assert!(s.reuseport().unwrap());
    s.set_reuseport(false).unwrap();
    assert!(!s.reuseport().unwrap());

    s.set_keepalive(true).unwrap();
    assert!(s.keepalive().unwrap());
    s.set_keepalive(false).unwrap();
    assert!(!s.keepalive().unwrap());

    s.set_nodelay(true).unwrap();
    assert!(s.nodelay().unwrap());
    s.set_nodelay(false).unwrap();
    assert!(!s.nodelay().unwrap());

    // The kernel may round buffer sizes up (Linux doubles them).
    s.set_send_buffer_size(64 * 1024).unwrap();
    assert!(s.send_buffer_size().unwrap() >= 64 * 1024);
    s.set_recv_buffer_size(64 * 1024).unwrap();
    assert!(s.recv_buffer_size().unwrap() >= 64 * 1024);

    assert_eq!(s.linger().unwrap(), None);
    s.set_linger(Some(Duration::from_secs(2))).unwrap();
    assert_eq!(s.linger().unwrap(), Some(Duration::from_secs(2)));
    s.set_zero_linger().unwrap();
    assert_eq!(s.linger().unwrap(), Some(Duration::ZERO));
    s.set_linger(None).unwrap();
    assert_eq!(s.linger().unwrap(), None);

    s.set_tos_v4(0x10).unwrap();
    assert_eq!(s.tos_v4().unwrap(), 0x10);

    #[cfg(target_os = "linux")]
    {
        assert_eq!(s.device().unwrap(), None);
        s.bind_device(None).unwrap();
        assert_eq!(s.device().unwrap(), None);
    }

    assert!(s.take_error().unwrap().is_none());
}

#[test]
fn ipv6_options() {
    let Ok(s) = TcpSocket::new_v6() else { return };
    s.set_tclass_v6(0x20).unwrap();
    assert_eq!(s.tclass_v6().unwrap(), 0x20);
}

#[test]
fn local_addr_of_an_unbound_socket() {
    let s = TcpSocket::new_v4().unwrap();
    // Unbound: the wildcard address and port 0.
    let addr = s.local_addr().unwrap();
    assert!(addr.ip().is_unspecified());
    assert_eq!(addr.port(), 0);
}

async fn bind_twice_to_the_same_port_fails_without_reuse() {
    let a = TcpSocket::new_v4().unwrap();
    a.bind(loopback()).unwrap();
    let addr = a.local_addr().unwrap();
    let _l = a.listen(8).unwrap();
    let b = TcpSocket::new_v4().unwrap();
    assert_eq!(b.bind(addr).unwrap_err().kind(), io::ErrorKind::AddrInUse);
}
rt_test!(bind_twice_to_the_same_port_fails_without_reuse);

#[test]
fn raw_fd_round_trip() {
    let s = TcpSocket::new_v4().unwrap();
    assert_eq!(s.as_fd().as_raw_fd(), s.as_raw_fd());
    let fd = s.into_raw_fd();
    // SAFETY: `fd` was just released by `into_raw_fd` and is owned by nobody
    // else.
    let s = unsafe { TcpSocket::from_raw_fd(fd) };
    assert_eq!(s.as_raw_fd(), fd);
    s.bind(loopback()).unwrap();
    assert!(!format!("{s:?}").is_empty());
}

async fn from_std_stream_keeps_the_connection() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let std_stream = std::net::TcpStream::connect(addr).unwrap();
    let local = std_stream.local_addr().unwrap();
    let socket = TcpSocket::from_std_stream(std_stream);
    assert_eq!(socket.local_addr().unwrap(), local);
    socket.set_nodelay(true).unwrap();
    assert!(socket.nodelay().unwrap());
}
rt_test!(from_std_stream_keeps_the_connection);

async fn ipv6_bind_listen_connect() {
    if std::net::TcpListener::bind("[::1]:0").is_err() {
        return;
    }
    let socket = TcpSocket::new_v6().unwrap();
    socket.bind("[::1]:0".parse().unwrap()).unwrap();
    let listener = socket.listen(16).unwrap();
    let addr = listener.local_addr().unwrap();
    let (c, a) = futures::future::join(
        TcpSocket::new_v6().unwrap().connect(addr),
        listener.accept(),
    )
    .await;
    assert_eq!(a.unwrap().1, c.unwrap().local_addr().unwrap());
}
rt_test!(ipv6_bind_listen_connect);

/// Two listeners on one port with SO_REUSEPORT.
async fn reuseport_shares_a_port() {
    let a = TcpSocket::new_v4().unwrap();
    a.set_reuseport(true).unwrap();
    a.bind(loopback()).unwrap();
    let addr = a.local_addr().unwrap();
    let b = TcpSocket::new_v4().unwrap();
    b.set_reuseport(true).unwrap();
    b.bind(addr).unwrap();
    let la = a.listen(16).unwrap();
    let lb = b.listen(16).unwrap();
    assert_eq!(la.local_addr().unwrap(), lb.local_addr().unwrap());
}
rt_test!(reuseport_shares_a_port);

#[test]
fn auto_traits() {
    fn send_sync_unpin<T: Send + Sync + Unpin>() {}
    // Futures are Send and Sync, as Tokio's are.
    fn send<T: Send + Sync>(_: &T) {}
    send_sync_unpin::<TcpSocket>();
    let s = TcpSocket::new_v4().unwrap();
    send(&s.connect("127.0.0.1:1".parse().unwrap()));
}
