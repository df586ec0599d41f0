//! `fs/*` and `process/*`: files on the blocking pool, and child processes. Built with the
//! `fs-workloads` cargo feature of kiso-bench.
//!
//! Written once in `fs_workloads!` and instantiated for Tokio and for kiso. Every sample
//! runs on the 2-worker runtime of the `rt_multi` workloads, in one task spawned from
//! outside; files and directories are prepared before the timed region (in a directory
//! under the system's temporary directory, removed afterwards), so the page cache holds
//! them and the samples measure the runtime, not the disk:
//!
//! - `fs/read_4k` (ns/read): one `File::open` of a 4 MiB file, then 1000 sequential
//!   `read_exact`s of 4 KiB each (checking the bytes of the last one).
//! - `fs/write_64m` (ns/MiB): `File::create`, 64 MiB written with `write_all` in 64 KiB
//!   pieces, then `flush` (which waits for the last write) and `sync_data`.
//! - `fs/read_dir_10k` (ns/entry): `read_dir` of a directory of 10 000 empty files,
//!   `next_entry` until `None`, counting them and touching each entry's `file_name`.
//! - `process/spawn_output` (ns/process): 100 times, one after the other,
//!   `Command::new("echo").arg(i).output().await`, checking the exit status and the
//!   output.

use crate::harness::{Better, Workload};

/// Reads per `fs/read_4k` sample, and their size.
pub const READS: usize = 1000;
pub const READ_SIZE: usize = 4096;
/// Bytes written per `fs/write_64m` sample, and the size of each `write_all`.
pub const WRITE_TOTAL: usize = 64 << 20;
pub const WRITE_CHUNK: usize = 64 << 10;
/// Files in the `fs/read_dir_10k` directory.
pub const DIR_ENTRIES: usize = 10_000;
/// Processes per `process/spawn_output` sample.
pub const PROCESSES: usize = 100;

/// A fresh directory under the system's temporary directory, removed on drop.
pub struct Scratch(pub std::path::PathBuf);

impl Scratch {
    pub fn new(what: &str) -> Scratch {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "kiso-bench-{what}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("create the scratch directory");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Instantiates every `fs/` and `process/` workload for the runtime crate at `$rt`.
macro_rules! fs_workloads {
    ($name:ident, $rt:path) => {
        pub mod $name {
            use super::*;
            use crate::harness::{measure, Sample, Size};
            use crate::workloads::rt_multi::$name::runtime as multi_thread;
            use rt::io::{AsyncReadExt, AsyncWriteExt};
            use std::hint::black_box;
            use $rt as rt;

            /// Runs `f`'s future as one task on the 2-worker runtime, timing it.
            fn timed<F, Fut>(ops: u64, f: F) -> Sample
            where
                F: FnOnce() -> Fut,
                Fut: std::future::Future<Output = ()> + Send + 'static,
            {
                let runtime = multi_thread();
                let fut = f();
                measure(ops, || {
                    runtime
                        .block_on(runtime.spawn(fut))
                        .expect("fs workload task");
                })
            }

            pub fn read_4k(size: Size) -> Sample {
                let scratch = Scratch::new("read");
                let path = scratch.0.join("data");
                let data: Vec<u8> = (0..READS * READ_SIZE).map(|i| (i % 251) as u8).collect();
                std::fs::write(&path, &data).expect("write the file to read");
                let reps = size.reps;
                let sample = timed((READS * reps) as u64, move || async move {
                    for _ in 0..reps {
                        let mut file = rt::fs::File::open(&path).await.expect("open");
                        let mut buf = vec![0u8; READ_SIZE];
                        for _ in 0..READS {
                            file.read_exact(&mut buf).await.expect("read_exact");
                        }
                        assert_eq!(buf[..], data[(READS - 1) * READ_SIZE..]);
                        black_box(&buf);
                    }
                });
                drop(scratch);
                sample
            }

            pub fn write_64m(size: Size) -> Sample {
                let scratch = Scratch::new("write");
                let path = scratch.0.join("data");
                let reps = size.reps;
                let chunk: Vec<u8> = (0..WRITE_CHUNK).map(|i| (i % 253) as u8).collect();
                let p = path.clone();
                let sample = timed(((WRITE_TOTAL >> 20) * reps) as u64, move || async move {
                    for _ in 0..reps {
                        let mut file = rt::fs::File::create(&p).await.expect("create");
                        for _ in 0..WRITE_TOTAL / WRITE_CHUNK {
                            file.write_all(&chunk).await.expect("write_all");
                        }
                        file.flush().await.expect("flush");
                        file.sync_data().await.expect("sync_data");
                    }
                });
                assert_eq!(
                    std::fs::metadata(&path).expect("metadata").len(),
                    WRITE_TOTAL as u64
                );
                drop(scratch);
                sample
            }

            pub fn read_dir_10k(size: Size) -> Sample {
                let scratch = Scratch::new("dir");
                for i in 0..DIR_ENTRIES {
                    std::fs::File::create(scratch.0.join(format!("f{i}")))
                        .expect("create an entry");
                }
                let dir = scratch.0.clone();
                let reps = size.reps;
                let sample = timed((DIR_ENTRIES * reps) as u64, move || async move {
                    for _ in 0..reps {
                        let mut entries = rt::fs::read_dir(&dir).await.expect("read_dir");
                        let mut n = 0;
                        while let Some(entry) = entries.next_entry().await.expect("next_entry") {
                            black_box(entry.file_name());
                            n += 1;
                        }
                        assert_eq!(n, DIR_ENTRIES);
                    }
                });
                drop(scratch);
                sample
            }

            pub fn spawn_output(size: Size) -> Sample {
                let reps = size.reps;
                timed((PROCESSES * reps) as u64, move || async move {
                    for _ in 0..reps {
                        for i in 0..PROCESSES {
                            let out = rt::process::Command::new("echo")
                                .arg(i.to_string())
                                .output()
                                .await
                                .expect("spawn echo");
                            assert!(out.status.success());
                            assert_eq!(out.stdout, format!("{i}\n").into_bytes());
                        }
                    }
                })
            }

            #[cfg(test)]
            mod tests {
                use super::*;

                #[test]
                fn every_workload_runs() {
                    for f in [read_4k, write_64m, read_dir_10k, spawn_output] {
                        let sample = f(Size { n: 1, reps: 1 });
                        assert!(sample.value > 0.0 && sample.cpu_per_op.is_some());
                    }
                }
            }
        }
    };
}

fs_workloads!(tokio_impl, ::tokio);
fs_workloads!(kiso_impl, crate::workloads::kiso_rt);

/// The `fs/` and `process/` workloads, in table order.
pub fn workloads() -> Vec<Workload> {
    macro_rules! entry {
        ($group:literal, $f:ident, $unit:expr) => {
            Workload {
                name: concat!($group, "/", stringify!($f)),
                unit: $unit,
                better: Better::Lower,
                n: 1,
                quick_n: 1,
                calibrate: true,
                rounds: None,
                tokio: tokio_impl::$f,
                kiso: kiso_impl::$f,
            }
        };
    }
    vec![
        entry!("fs", read_4k, "ns/read"),
        entry!("fs", write_64m, "ns/MiB"),
        entry!("fs", read_dir_10k, "ns/entry"),
        entry!("process", spawn_output, "ns/process"),
    ]
}
