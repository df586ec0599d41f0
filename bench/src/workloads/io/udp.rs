//! `io/udp_pingpong` (ns/round-trip): one pair of connected UDP sockets on `127.0.0.1`
//! and two tasks on a `current_thread` runtime (`enable_all`), passing one 32-byte
//! datagram back and forth: the ping task `send`s and awaits `recv`, the pong task awaits
//! `recv` and `send`s the datagram back. `size.n` round trips per repetition.
//!
//! Both ends are on the runtime under test, so every hop goes through its I/O driver: a
//! `recv` that finds nothing registers interest, the runtime runs out of work and polls
//! the driver (`epoll_wait`), which wakes the other task. A `current_thread` runtime keeps
//! that path the only thing measured (on a `multi_thread` runtime the two tasks could also
//! be placed on different workers from one sample to the next); the multi-thread server
//! path is what the `io/echo_*` workloads measure. The timed region covers spawning the
//! two tasks and awaiting them; the sockets are bound and connected before it.
//!
//! Written once in `udp_workloads!` and instantiated for Tokio and for kiso.

use crate::harness::{Better, Workload};

/// Payload of one datagram.
pub const DATAGRAM: usize = 32;

/// Instantiates the UDP workload for the runtime crate at `$rt`, in module `$name`.
macro_rules! udp_workloads {
    ($name:ident, $rt:path) => {
        pub mod $name {
            use std::net::{Ipv4Addr, SocketAddr};

            use super::DATAGRAM;
            use crate::harness::{measure, Sample, Size};
            use $rt as rt;

            pub fn udp_pingpong(size: Size) -> Sample {
                let runtime = rt::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("build a current_thread runtime");
                let (ping, pong) = runtime.block_on(async {
                    let local = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
                    let a = rt::net::UdpSocket::bind(local).await.expect("bind");
                    let b = rt::net::UdpSocket::bind(local).await.expect("bind");
                    a.connect(b.local_addr().unwrap()).await.expect("connect");
                    b.connect(a.local_addr().unwrap()).await.expect("connect");
                    (a, b)
                });
                let trips = size.n * size.reps;
                measure(trips as u64, || {
                    runtime.block_on(async move {
                        let pong = rt::spawn(async move {
                            let mut buf = [0u8; 2 * DATAGRAM];
                            for _ in 0..trips {
                                let n = pong.recv(&mut buf).await.expect("pong recv");
                                pong.send(&buf[..n]).await.expect("pong send");
                            }
                        });
                        let ping = rt::spawn(async move {
                            let msg = [0x5au8; DATAGRAM];
                            let mut buf = [0u8; 2 * DATAGRAM];
                            for _ in 0..trips {
                                ping.send(&msg).await.expect("ping send");
                                let n = ping.recv(&mut buf).await.expect("ping recv");
                                assert_eq!(&buf[..n], &msg[..], "the datagram came back changed");
                            }
                        });
                        ping.await.expect("ping task");
                        pong.await.expect("pong task");
                    })
                })
            }

            #[cfg(test)]
            mod tests {
                use super::*;

                #[test]
                fn udp_pingpong_completes() {
                    let s = udp_pingpong(Size { n: 200, reps: 2 });
                    assert!(s.value > 0.0 && s.cpu_per_op.is_some());
                }
            }
        }
    };
}

udp_workloads!(tokio_impl, ::tokio);
udp_workloads!(kiso_impl, crate::workloads::kiso_rt);

/// The `io/udp_pingpong` workload.
pub fn workload() -> Workload {
    Workload {
        name: "io/udp_pingpong",
        unit: "ns/round-trip",
        better: Better::Lower,
        n: 10_000,
        quick_n: 2_000,
        calibrate: true,
        rounds: None,
        tokio: tokio_impl::udp_pingpong,
        kiso: kiso_impl::udp_pingpong,
    }
}
