#![cfg(feature = "full")]
//! `stdin`, `stdout` and `stderr`.
//!
//! The behaviour that needs real standard streams is checked in a child
//! process: this test binary runs itself with `IO_STD_CHILD` set, which
//! makes the `child` test act out a scenario (and do nothing otherwise).
//! The child's output of interest is framed by markers, as the test harness
//! writes to standard output too.

mod support;

use kiso::io::{AsyncRead, AsyncWrite, ReadBuf, Stderr, Stdin, Stdout};
use std::future::poll_fn;
use std::io::{self, Write};
use std::pin::Pin;
use std::process::{Command, Stdio};
use std::task::{Context, Poll, Waker};

const CHILD_ENV: &str = "IO_STD_CHILD";
const BEGIN: &str = "<<<begin>>>\n";
const END: &str = "<<<end>>>\n";

async fn write_all<W: AsyncWrite + Unpin>(w: &mut W, mut data: &[u8]) -> io::Result<()> {
    while !data.is_empty() {
        let n = poll_fn(|cx| Pin::new(&mut *w).poll_write(cx, data)).await?;
        data = &data[n..];
    }
    Ok(())
}

/// One `poll_write` call; returns how much it took.
async fn write_once<W: AsyncWrite + Unpin>(w: &mut W, data: &[u8]) -> io::Result<usize> {
    poll_fn(|cx| Pin::new(&mut *w).poll_write(cx, data)).await
}

async fn flush<W: AsyncWrite + Unpin>(w: &mut W) -> io::Result<()> {
    poll_fn(|cx| Pin::new(&mut *w).poll_flush(cx)).await
}

async fn read_some<R: AsyncRead + Unpin>(r: &mut R, max: usize) -> io::Result<Vec<u8>> {
    let mut storage = vec![0u8; max];
    let mut buf = ReadBuf::new(&mut storage);
    poll_fn(|cx| Pin::new(&mut *r).poll_read(cx, &mut buf)).await?;
    Ok(buf.filled().to_vec())
}

fn std_marker(m: &str) {
    let mut out = io::stdout().lock();
    out.write_all(m.as_bytes()).unwrap();
    out.flush().unwrap();
}

fn std_err_marker(m: &str) {
    let mut out = io::stderr().lock();
    out.write_all(m.as_bytes()).unwrap();
    out.flush().unwrap();
}

/// Runs the `child` test in a new process in `mode`, feeding it `input`;
/// returns what it wrote between the markers on stdout and stderr.
fn run_child(mode: &str, input: Vec<u8>) -> (Vec<u8>, Vec<u8>) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["child", "--exact", "--nocapture", "--test-threads=1", "-q"])
        .env(CHILD_ENV, mode)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        // The child may stop reading early; ignore a broken pipe.
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    assert!(
        out.status.success(),
        "child failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (framed(&out.stdout), framed(&out.stderr))
}

fn framed(all: &[u8]) -> Vec<u8> {
    let text = all;
    let find = |pat: &[u8], from: usize| {
        text[from..]
            .windows(pat.len())
            .position(|w| w == pat)
            .map(|i| i + from)
    };
    let Some(b) = find(BEGIN.as_bytes(), 0) else {
        return Vec::new();
    };
    let start = b + BEGIN.len();
    let end = find(END.as_bytes(), start).expect("no end marker");
    text[start..end].to_vec()
}

fn payload(n: usize) -> Vec<u8> {
    (0..n)
        .map(|i| b"abcdefghijklmnopqrstuvwxyz0123456789\n"[i % 37])
        .collect()
}

/// The scenarios run in the child process.
#[test]
fn child() {
    let Ok(mode) = std::env::var(CHILD_ENV) else {
        return;
    };
    match mode.as_str() {
        // Copy stdin to stdout with small reads.
        "echo" => support::current_thread().block_on(async {
            std_marker(BEGIN);
            let mut stdin = kiso::io::stdin();
            let mut stdout = kiso::io::stdout();
            loop {
                let chunk = read_some(&mut stdin, 777).await.unwrap();
                if chunk.is_empty() {
                    break;
                }
                write_all(&mut stdout, &chunk).await.unwrap();
            }
            flush(&mut stdout).await.unwrap();
            std_marker(END);
        }),
        // `copy` from stdin to stdout and stderr on a multi-thread runtime.
        "copy" => support::multi(2).block_on(async {
            std_marker(BEGIN);
            std_err_marker(BEGIN);
            let n = kiso::io::copy(&mut kiso::io::stdin(), &mut kiso::io::stdout())
                .await
                .unwrap();
            let mut stderr = kiso::io::stderr();
            write_all(&mut stderr, format!("copied {n}\n").as_bytes())
                .await
                .unwrap();
            flush(&mut stderr).await.unwrap();
            std_marker(END);
            std_err_marker(END);
        }),
        // A read whose future is dropped while the blocking read is in
        // flight loses nothing.
        "cancel_read" => support::current_thread().block_on(async {
            std_marker(BEGIN);
            let mut stdin = kiso::io::stdin();
            let mut got = Vec::new();
            {
                let mut storage = [0u8; 64];
                let mut buf = ReadBuf::new(&mut storage);
                let mut cx = Context::from_waker(Waker::noop());
                if let Poll::Ready(res) = Pin::new(&mut stdin).poll_read(&mut cx, &mut buf) {
                    res.unwrap();
                    got.extend_from_slice(buf.filled());
                }
            }
            loop {
                let chunk = read_some(&mut stdin, 64).await.unwrap();
                if chunk.is_empty() {
                    break;
                }
                got.extend(chunk);
            }
            let mut stdout = kiso::io::stdout();
            write_all(&mut stdout, &got).await.unwrap();
            flush(&mut stdout).await.unwrap();
            std_marker(END);
        }),
        // Tasks writing whole lines, one write each, through their own
        // handles at the same time.
        "lines" => support::multi(4).block_on(async {
            std_marker(BEGIN);
            let tasks: Vec<_> = (0..4)
                .map(|t| {
                    kiso::spawn(async move {
                        let mut out = kiso::io::stdout();
                        for j in 0..200 {
                            let line =
                                format!("task {t} line {j:03} {}\n", "=".repeat(40 + j % 30));
                            let n = write_once(&mut out, line.as_bytes()).await.unwrap();
                            assert_eq!(n, line.len());
                        }
                        flush(&mut out).await.unwrap();
                    })
                })
                .collect();
            for t in tasks {
                t.await.unwrap();
            }
            std_marker(END);
        }),
        // A flush returns only once the bytes were written.
        "order" => support::current_thread().block_on(async {
            std_marker(BEGIN);
            let mut out = kiso::io::stdout();
            for i in 0..50 {
                write_all(&mut out, format!("async {i}\n").as_bytes())
                    .await
                    .unwrap();
                flush(&mut out).await.unwrap();
                std_marker(&format!("sync {i}\n"));
            }
            std_marker(END);
        }),
        // Writes reported done are not lost when the runtime shuts down
        // right after, without a flush.
        "shutdown" => {
            std_marker(BEGIN);
            let rt = support::current_thread();
            rt.block_on(async {
                let mut out = kiso::io::stdout();
                for i in 0..300 {
                    write_all(&mut out, format!("line {i}\n").as_bytes())
                        .await
                        .unwrap();
                }
            });
            drop(rt);
            std_marker(END);
        }
        other => panic!("unknown child mode {other}"),
    }
}

#[test]
fn echo_through_stdin_and_stdout() {
    let input = payload(100_000);
    let (out, _) = run_child("echo", input.clone());
    assert_eq!(out.len(), input.len());
    assert!(out == input, "output differs from input");
}

#[test]
fn copy_through_stdin_stdout_and_stderr() {
    let input = payload(300_001);
    let (out, err) = run_child("copy", input.clone());
    assert!(out == input, "output differs from input");
    assert_eq!(String::from_utf8(err).unwrap(), "copied 300001\n");
}

#[test]
fn empty_stdin_reads_end_of_file() {
    let (out, _) = run_child("echo", Vec::new());
    assert!(out.is_empty());
}

#[test]
fn dropped_read_loses_nothing() {
    let (out, _) = run_child("cancel_read", b"hello, stdin".to_vec());
    assert_eq!(out, b"hello, stdin");
}

#[test]
fn single_writes_are_not_interleaved() {
    let (out, _) = run_child("lines", Vec::new());
    let text = String::from_utf8(out).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 800);
    let mut expected: Vec<String> = (0..4)
        .flat_map(|t| {
            (0..200).map(move |j| format!("task {t} line {j:03} {}", "=".repeat(40 + j % 30)))
        })
        .collect();
    // Each task's lines are intact and in order.
    for t in 0..4 {
        let prefix = format!("task {t} ");
        let mine: Vec<&str> = lines
            .iter()
            .copied()
            .filter(|l| l.starts_with(&prefix))
            .collect();
        let want: Vec<&String> = expected.iter().filter(|l| l.starts_with(&prefix)).collect();
        assert_eq!(mine.len(), 200);
        for (got, want) in mine.iter().zip(want) {
            assert_eq!(got, want);
        }
    }
    lines.sort();
    expected.sort();
    assert_eq!(lines, expected);
}

#[test]
fn flush_waits_for_the_write() {
    let (out, _) = run_child("order", Vec::new());
    let expected: String = (0..50).map(|i| format!("async {i}\nsync {i}\n")).collect();
    assert_eq!(String::from_utf8(out).unwrap(), expected);
}

#[test]
fn writes_survive_runtime_shutdown() {
    let (out, _) = run_child("shutdown", Vec::new());
    let expected: String = (0..300).map(|i| format!("line {i}\n")).collect();
    assert_eq!(String::from_utf8(out).unwrap(), expected);
}

#[test]
fn stdout_and_stderr_write_and_flush() {
    for rt in [support::current_thread(), support::multi(2)] {
        rt.block_on(async {
            let mut out = kiso::io::stdout();
            write_all(&mut out, b"io_std: a line on stdout\n")
                .await
                .unwrap();
            flush(&mut out).await.unwrap();
            poll_fn(|cx| Pin::new(&mut out).poll_shutdown(cx))
                .await
                .unwrap();
            let mut err = kiso::io::stderr();
            write_all(&mut err, b"io_std: a line on stderr\n")
                .await
                .unwrap();
            flush(&mut err).await.unwrap();
            // Flushing with nothing written is immediate.
            flush(&mut kiso::io::stderr()).await.unwrap();
        });
    }
}

#[test]
fn write_is_reported_before_it_is_done() {
    support::current_thread().block_on(async {
        let mut out = kiso::io::stdout();
        // The first write only hands the bytes over: ready at once.
        let res = Pin::new(&mut out)
            .poll_write(&mut Context::from_waker(Waker::noop()), b"io_std: quick\n");
        assert!(matches!(res, Poll::Ready(Ok(14))));
        flush(&mut out).await.unwrap();
    });
}

#[test]
fn use_outside_a_runtime_panics() {
    let res = std::panic::catch_unwind(|| {
        let mut out = kiso::io::stdout();
        let _ = Pin::new(&mut out).poll_write(&mut Context::from_waker(Waker::noop()), b"x");
    });
    assert!(res.is_err());
    let res = std::panic::catch_unwind(|| {
        let mut input = kiso::io::stdin();
        let mut storage = [0u8; 4];
        let mut buf = ReadBuf::new(&mut storage);
        let _ = Pin::new(&mut input).poll_read(&mut Context::from_waker(Waker::noop()), &mut buf);
    });
    assert!(res.is_err());
    // Creating the handles is fine.
    let _ = (kiso::io::stdin(), kiso::io::stdout(), kiso::io::stderr());
}

#[cfg(unix)]
#[test]
fn raw_descriptors() {
    use std::os::unix::io::{AsFd, AsRawFd};
    assert_eq!(kiso::io::stdin().as_raw_fd(), 0);
    assert_eq!(kiso::io::stdout().as_raw_fd(), 1);
    assert_eq!(kiso::io::stderr().as_raw_fd(), 2);
    assert_eq!(kiso::io::stdin().as_fd().as_raw_fd(), 0);
    assert_eq!(kiso::io::stdout().as_fd().as_raw_fd(), 1);
    assert_eq!(kiso::io::stderr().as_fd().as_raw_fd(), 2);
}

#[test]
fn debug() {
    assert!(format!("{:?}", kiso::io::stdin()).contains("Stdin"));
    assert!(format!("{:?}", kiso::io::stdout()).contains("Stdout"));
    assert!(format!("{:?}", kiso::io::stderr()).contains("Stderr"));
}

fn is_send<T: Send>() {}
fn is_sync<T: Sync>() {}
fn is_unpin<T: Unpin>() {}

#[test]
fn auto_traits() {
    is_send::<Stdin>();
    is_sync::<Stdin>();
    is_unpin::<Stdin>();
    is_send::<Stdout>();
    is_sync::<Stdout>();
    is_unpin::<Stdout>();
    is_send::<Stderr>();
    is_sync::<Stderr>();
    is_unpin::<Stderr>();
}
