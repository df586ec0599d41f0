//! `io/copy` (MiB/s, higher is better): `io::copy` between two loopback TCP connections,
//! on a `current_thread` runtime (`enable_all`).
//!
//! Each repetition connects two fresh pairs of TCP sockets on `127.0.0.1` (not timed), then
//! runs three tasks: a writer `write_all`s `size.n` MiB in 64 KiB chunks into the first
//! connection and shuts it down; the copier runs `io::copy(&mut first_read_end,
//! &mut second_write_end)` until end of stream and shuts the second connection down; a
//! reader reads the second connection into a 64 KiB buffer until end of stream and checks
//! the byte count. The timed region is from spawning the three tasks until all have
//! finished; the sample is MiB copied per second of it, and the CPU column is CPU ns (the
//! whole process) per MiB.
//!
//! What differs between runtimes: the copy loop itself (its buffer size, how it
//! alternates reads and writes, how it spends the cooperative budget) and the readiness
//! path of the three sockets the tasks wait on; the kernel's share (copying bytes through
//! loopback TCP) is the same for both. One thread, so the three tasks take turns and the
//! number is the runtime's cost, not a matter of where tasks happened to run.
//!
//! Written once in `copy_workloads!` and instantiated for Tokio and for kiso.

use crate::harness::{Better, Workload};

/// One MiB.
pub const MIB: usize = 1 << 20;
/// Write and read chunk of the writer and reader tasks.
pub const CHUNK: usize = 64 * 1024;

/// Instantiates the copy workload for the runtime crate at `$rt`, in module `$name`.
macro_rules! copy_workloads {
    ($name:ident, $rt:path) => {
        pub mod $name {
            use std::net::{Ipv4Addr, SocketAddr};

            use super::{CHUNK, MIB};
            use crate::harness::{Sample, Size};
            use crate::workloads::rt_multi::Segments;
            use rt::io::{AsyncReadExt, AsyncWriteExt};
            use rt::net::{TcpListener, TcpStream};
            use $rt as rt;

            /// A connected pair: (client end, accepted end).
            async fn pair(listener: &TcpListener) -> (TcpStream, TcpStream) {
                let addr = listener.local_addr().expect("local_addr");
                // The kernel completes the handshake before `accept` is called.
                let client = TcpStream::connect(addr).await.expect("connect");
                let (server, _) = listener.accept().await.expect("accept");
                (client, server)
            }

            /// Copies `bytes` through `io::copy` as described in the module docs.
            async fn copy_once(
                (mut src_w, mut src_r): (TcpStream, TcpStream),
                (mut dst_w, mut dst_r): (TcpStream, TcpStream),
                bytes: usize,
            ) {
                let writer = rt::spawn(async move {
                    let chunk = vec![0xa5u8; CHUNK];
                    let mut left = bytes;
                    while left > 0 {
                        let n = left.min(CHUNK);
                        src_w.write_all(&chunk[..n]).await.expect("write");
                        left -= n;
                    }
                    src_w.shutdown().await.expect("shutdown");
                });
                let copier = rt::spawn(async move {
                    let copied = rt::io::copy(&mut src_r, &mut dst_w).await.expect("copy");
                    dst_w.shutdown().await.expect("shutdown");
                    copied
                });
                let reader = rt::spawn(async move {
                    let mut buf = vec![0u8; CHUNK];
                    let mut got = 0usize;
                    loop {
                        match dst_r.read(&mut buf).await.expect("read") {
                            0 => return got,
                            n => got += n,
                        }
                    }
                });
                writer.await.expect("writer task");
                assert_eq!(copier.await.expect("copier task"), bytes as u64);
                assert_eq!(reader.await.expect("reader task"), bytes);
            }

            pub fn copy(size: Size) -> Sample {
                let runtime = rt::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("build a current_thread runtime");
                let listener = runtime
                    .block_on(TcpListener::bind(SocketAddr::from((
                        Ipv4Addr::LOCALHOST,
                        0,
                    ))))
                    .expect("bind");
                let bytes = size.n * MIB;
                let mut timed = Segments::default();
                for _ in 0..size.reps {
                    let (first, second) =
                        runtime.block_on(async { (pair(&listener).await, pair(&listener).await) });
                    timed.time(|| runtime.block_on(copy_once(first, second, bytes)));
                }
                // ns per MiB, turned into MiB per second.
                let per_mib = timed.sample(size.n * size.reps);
                Sample {
                    value: 1e9 / per_mib.value,
                    ..per_mib
                }
            }

            #[cfg(test)]
            mod tests {
                use super::*;

                #[test]
                fn copy_moves_every_byte() {
                    let s = copy(Size { n: 2, reps: 2 });
                    assert!(s.value > 0.0 && s.cpu_per_op.is_some());
                }
            }
        }
    };
}

copy_workloads!(tokio_impl, ::tokio);
copy_workloads!(kiso_impl, crate::workloads::kiso_rt);

/// The `io/copy` workload.
pub fn workload() -> Workload {
    Workload {
        name: "io/copy",
        unit: "MiB/s",
        better: Better::Higher,
        n: 64,
        quick_n: 8,
        calibrate: true,
        rounds: None,
        tokio: tokio_impl::copy,
        kiso: kiso_impl::copy,
    }
}
