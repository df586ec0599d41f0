#![cfg(feature = "full")]
//! `kiso::net::unix::pipe`: anonymous pipes and FIFOs, EOF when the sender
//! goes away, pipes written by child processes, the open options and checks,
//! fd conversions, the `try_*` and readiness methods, and auto traits. Every
//! async test runs on a current-thread and a multi-thread runtime.

#[macro_use]
mod support;

use kiso::io::{AsyncReadExt, AsyncWriteExt, Interest};
use kiso::net::unix::pipe::{self, OpenOptions, Receiver, Sender};
use std::fs::File;
use std::future::poll_fn;
use std::io::{self, IoSlice, IoSliceMut};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

on_both_runtimes!(
    anonymous_pipe_round_trip,
    eof_when_sender_dropped,
    sender_error_when_receiver_dropped,
    large_transfer_between_tasks,
    full_pipe_then_writable_waits,
    child_writes_into_pipe,
    child_writes_into_fifo,
    fifo_open_options,
    read_write_receiver_never_sees_eof,
    not_a_pipe_is_rejected,
    access_mode_is_checked,
    from_file_and_owned_fd,
    blocking_and_nonblocking_fds,
    try_family,
    poll_ready_and_try_io,
);

/// A path in a fresh directory, removed with the directory on drop.
struct TempPath(PathBuf);

impl Drop for TempPath {
    fn drop(&mut self) {
        if let Some(dir) = self.0.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

impl std::ops::Deref for TempPath {
    type Target = PathBuf;
    fn deref(&self) -> &PathBuf {
        &self.0
    }
}

impl AsRef<std::path::Path> for TempPath {
    fn as_ref(&self) -> &std::path::Path {
        &self.0
    }
}

fn fifo(tag: &str) -> TempPath {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "kiso-pipe-{}-{}-{}",
        std::process::id(),
        tag,
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("fifo");
    let st = Command::new("mkfifo").arg(&path).status().unwrap();
    assert!(st.success());
    TempPath(path)
}

/// Whether the fd's open file description has O_NONBLOCK (from procfs).
fn is_nonblocking(fd: &impl AsRawFd) -> bool {
    let info = std::fs::read_to_string(format!("/proc/self/fdinfo/{}", fd.as_raw_fd())).unwrap();
    let flags = info
        .lines()
        .find_map(|l| l.strip_prefix("flags:"))
        .map(|v| u32::from_str_radix(v.trim(), 8).unwrap())
        .unwrap();
    flags & 0o4000 != 0
}

async fn anonymous_pipe_round_trip() {
    let (mut tx, mut rx) = pipe::pipe().unwrap();
    tx.write_all(b"hello pipe").await.unwrap();
    let mut buf = [0u8; 10];
    rx.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"hello pipe");
    tx.flush().await.unwrap();
    assert!(kiso::io::AsyncWrite::is_write_vectored(&tx));
    let n = tx
        .write_vectored(&[IoSlice::new(b"ab"), IoSlice::new(b"cd")])
        .await
        .unwrap();
    assert_eq!(n, 4);
    let mut four = [0u8; 4];
    rx.read_exact(&mut four).await.unwrap();
    assert_eq!(&four, b"abcd");
    // Shutdown of a pipe sender does nothing; the pipe stays open.
    tx.shutdown().await.unwrap();
    tx.write_all(b"z").await.unwrap();
    let mut one = [0u8; 1];
    rx.read_exact(&mut one).await.unwrap();
    assert_eq!(&one, b"z");
}

async fn eof_when_sender_dropped() {
    let (mut tx, mut rx) = pipe::pipe().unwrap();
    let reader = kiso::spawn(async move {
        let mut all = Vec::new();
        rx.read_to_end(&mut all).await.unwrap();
        all
    });
    tx.write_all(b"last words").await.unwrap();
    drop(tx);
    assert_eq!(reader.await.unwrap(), b"last words");
}

async fn sender_error_when_receiver_dropped() {
    let (mut tx, rx) = pipe::pipe().unwrap();
    drop(rx);
    let err = tx.write_all(b"anyone").await.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
}

async fn large_transfer_between_tasks() {
    let (mut tx, mut rx) = pipe::pipe().unwrap();
    let data: Vec<u8> = (0..(1usize << 20)).map(|i| (i % 253) as u8).collect();
    let expect = data.clone();
    let w = kiso::spawn(async move {
        tx.write_all(&data).await.unwrap();
    });
    let mut got = Vec::new();
    rx.read_to_end(&mut got).await.unwrap();
    w.await.unwrap();
    assert!(got == expect);
}

async fn full_pipe_then_writable_waits() {
    let (tx, mut rx) = pipe::pipe().unwrap();
    let chunk = vec![3u8; 16 * 1024];
    let mut written = 0;
    loop {
        tx.writable().await.unwrap();
        match tx.try_write(&chunk) {
            Ok(n) => written += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) => panic!("{e}"),
        }
    }
    assert!(written >= 4096);
    let mut w = Box::pin(tx.writable());
    assert!(futures::poll!(w.as_mut()).is_pending());
    let mut sink = vec![0u8; written];
    rx.read_exact(&mut sink).await.unwrap();
    w.await.unwrap();
    assert!(tx.try_write(b"more").unwrap() > 0);
}

async fn child_writes_into_pipe() {
    let (tx, mut rx) = pipe::pipe().unwrap();
    let fd: OwnedFd = tx.into_blocking_fd().unwrap();
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg("printf 'from the child'; printf ' and done'")
        .stdout(Stdio::from(fd));
    let mut child = cmd.spawn().unwrap();
    // The command holds our copy of the write end until dropped.
    drop(cmd);
    let mut out = String::new();
    rx.read_to_string(&mut out).await.unwrap();
    assert_eq!(out, "from the child and done");
    assert!(child.wait().unwrap().success());
}

async fn child_writes_into_fifo() {
    let path = fifo("child");
    // Opening the read end of a FIFO does not wait for a writer.
    let mut rx = OpenOptions::new().open_receiver(&path).unwrap();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("printf 'through the fifo' > \"$0\"")
        .arg(path.as_path())
        .spawn()
        .unwrap();
    let mut out = String::new();
    rx.read_to_string(&mut out).await.unwrap();
    assert_eq!(out, "through the fifo");
    assert!(child.wait().unwrap().success());
}

async fn fifo_open_options() {
    let path = fifo("opts");
    // No reader yet: opening the write end fails with ENXIO.
    let err = OpenOptions::new().open_sender(&path).unwrap_err();
    assert_eq!(err.raw_os_error(), Some(6), "{err:?}");
    // With read_write the sender opens without a reader.
    let mut tx = OpenOptions::new()
        .read_write(true)
        .open_sender(&path)
        .unwrap();
    let mut rx = OpenOptions::new().open_receiver(&path).unwrap();
    tx.write_all(b"fifo!").await.unwrap();
    let mut buf = [0u8; 5];
    rx.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"fifo!");
    // Now there is a reader: a plain sender opens too.
    let mut tx2 = OpenOptions::default().open_sender(&path).unwrap();
    tx2.write_all(b"2").await.unwrap();
    let mut one = [0u8; 1];
    rx.read_exact(&mut one).await.unwrap();
    assert_eq!(&one, b"2");
    let opts = OpenOptions::new().unchecked(true).clone();
    let _ = format!("{opts:?}");
}

async fn read_write_receiver_never_sees_eof() {
    let path = fifo("rw");
    let mut rx = OpenOptions::new()
        .read_write(true)
        .open_receiver(&path)
        .unwrap();
    let mut tx = OpenOptions::new().open_sender(&path).unwrap();
    tx.write_all(b"x").await.unwrap();
    drop(tx);
    let mut one = [0u8; 1];
    rx.read_exact(&mut one).await.unwrap();
    // The receiver holds a write end itself: no EOF, just nothing to read.
    assert_eq!(
        rx.try_read(&mut one).unwrap_err().kind(),
        io::ErrorKind::WouldBlock
    );
}

async fn not_a_pipe_is_rejected() {
    let dir = fifo("notpipe");
    let file = dir.with_file_name("regular");
    std::fs::write(&file, b"data").unwrap();
    let err = OpenOptions::new().open_receiver(&file).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    assert_eq!(err.to_string(), "not a pipe");
    let err = OpenOptions::new().open_sender(&file).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    let err = Receiver::from_file(File::open(&file).unwrap()).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    let err = Sender::from_file(File::options().write(true).open(&file).unwrap()).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    // Unchecked skips the test, but the OS refuses to poll a regular file.
    let err = OpenOptions::new()
        .unchecked(true)
        .open_receiver(&file)
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::PermissionDenied, "{err:?}");
    let missing = file.with_file_name("missing");
    let err = OpenOptions::new().open_receiver(&missing).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::NotFound);
}

async fn access_mode_is_checked() {
    let path = fifo("mode");
    let read_end = File::options()
        .read(true)
        .custom_flags_nonblock()
        .open(&path)
        .unwrap();
    let err = Sender::from_file(read_end.try_clone().unwrap()).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    assert_eq!(err.to_string(), "not in O_WRONLY or O_RDWR access mode");
    let write_end = File::options().write(true).open(&path).unwrap();
    let err = Receiver::from_file(write_end.try_clone().unwrap()).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    assert_eq!(err.to_string(), "not in O_RDONLY or O_RDWR access mode");
    let mut rx = Receiver::from_file(read_end).unwrap();
    let mut tx = Sender::from_file(write_end).unwrap();
    tx.write_all(b"ok").await.unwrap();
    let mut buf = [0u8; 2];
    rx.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"ok");
}

trait NonBlockExt {
    fn custom_flags_nonblock(&mut self) -> &mut Self;
}

impl NonBlockExt for std::fs::OpenOptions {
    fn custom_flags_nonblock(&mut self) -> &mut Self {
        use std::os::unix::fs::OpenOptionsExt;
        self.custom_flags(0o4000)
    }
}

async fn from_file_and_owned_fd() {
    let (rx_fd, tx_fd) = blocking_pipe();
    assert!(!is_nonblocking(&rx_fd));
    let mut rx = Receiver::from_owned_fd(rx_fd).unwrap();
    let mut tx = Sender::from_owned_fd(tx_fd).unwrap();
    // The checked constructors switch the descriptors to non-blocking mode.
    assert!(is_nonblocking(&rx));
    assert!(is_nonblocking(&tx));
    assert_eq!(rx.as_fd().as_raw_fd(), rx.as_raw_fd());
    assert_eq!(tx.as_fd().as_raw_fd(), tx.as_raw_fd());
    tx.write_all(b"owned").await.unwrap();
    let mut buf = [0u8; 5];
    rx.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"owned");

    // The unchecked ones take the descriptor as it is (already
    // non-blocking here).
    let (rx_fd, tx_fd) = blocking_pipe();
    let rx_file = File::from(rx_fd);
    let tx_file = File::from(tx_fd);
    set_nonblocking_via_kiso(&rx_file, &tx_file);
    let mut rx = Receiver::from_file_unchecked(rx_file).unwrap();
    let mut tx = Sender::from_file_unchecked(tx_file).unwrap();
    tx.write_all(b"unchecked").await.unwrap();
    drop(tx);
    let mut s = String::new();
    rx.read_to_string(&mut s).await.unwrap();
    assert_eq!(s, "unchecked");

    let (rx_fd, tx_fd) = blocking_pipe();
    let mut rx = Receiver::from_owned_fd(rx_fd).unwrap();
    let tx_fd = Sender::from_owned_fd(tx_fd)
        .unwrap()
        .into_nonblocking_fd()
        .unwrap();
    let mut tx = Sender::from_owned_fd_unchecked(tx_fd).unwrap();
    let rx_fd = rx.into_nonblocking_fd().unwrap();
    rx = Receiver::from_owned_fd_unchecked(rx_fd).unwrap();
    tx.write_all(b"u2").await.unwrap();
    let mut two = [0u8; 2];
    rx.read_exact(&mut two).await.unwrap();
    assert_eq!(&two, b"u2");
}

/// A pipe in blocking mode, as (read end, write end).
fn blocking_pipe() -> (OwnedFd, OwnedFd) {
    let (tx, rx) = pipe::pipe().unwrap();
    (
        rx.into_blocking_fd().unwrap(),
        tx.into_blocking_fd().unwrap(),
    )
}

/// Makes both files non-blocking by passing them through the checked
/// constructors and back out.
fn set_nonblocking_via_kiso(rx: &File, tx: &File) {
    let rx_fd = Receiver::from_owned_fd(rx.as_fd().try_clone_to_owned().unwrap())
        .unwrap()
        .into_nonblocking_fd()
        .unwrap();
    let tx_fd = Sender::from_owned_fd(tx.as_fd().try_clone_to_owned().unwrap())
        .unwrap()
        .into_nonblocking_fd()
        .unwrap();
    assert!(is_nonblocking(rx) && is_nonblocking(tx));
    drop((rx_fd, tx_fd));
}

async fn blocking_and_nonblocking_fds() {
    let (tx, rx) = pipe::pipe().unwrap();
    assert!(is_nonblocking(&tx));
    assert!(is_nonblocking(&rx));
    let rx_fd = rx.into_nonblocking_fd().unwrap();
    assert!(is_nonblocking(&rx_fd));
    let tx_fd = tx.into_blocking_fd().unwrap();
    assert!(!is_nonblocking(&tx_fd));
    // The blocking fd works with std I/O; the non-blocking one reads without
    // waiting.
    let mut tx_file = File::from(tx_fd);
    std::io::Write::write_all(&mut tx_file, b"std").unwrap();
    let mut rx_file = File::from(rx_fd);
    let mut buf = [0u8; 8];
    assert_eq!(std::io::Read::read(&mut rx_file, &mut buf).unwrap(), 3);
    assert_eq!(
        std::io::Read::read(&mut rx_file, &mut buf)
            .unwrap_err()
            .kind(),
        io::ErrorKind::WouldBlock
    );
    // Re-registered after conversion.
    let rx = Receiver::from_file(rx_file).unwrap();
    let rx_fd = rx.into_blocking_fd().unwrap();
    assert!(!is_nonblocking(&rx_fd));
}

async fn try_family() {
    let (tx, rx) = pipe::pipe().unwrap();
    let mut buf = [0u8; 8];
    assert_eq!(
        rx.try_read(&mut buf).unwrap_err().kind(),
        io::ErrorKind::WouldBlock
    );
    let mut v: Vec<u8> = Vec::with_capacity(8);
    assert_eq!(
        rx.try_read_buf(&mut v).unwrap_err().kind(),
        io::ErrorKind::WouldBlock
    );
    tx.writable().await.unwrap();
    assert!(tx.ready(Interest::WRITABLE).await.unwrap().is_writable());
    assert_eq!(tx.try_write(b"abc").unwrap(), 3);
    assert_eq!(
        tx.try_write_vectored(&[IoSlice::new(b"de"), IoSlice::new(b"f")])
            .unwrap(),
        3
    );
    rx.readable().await.unwrap();
    assert!(rx.ready(Interest::READABLE).await.unwrap().is_readable());
    assert_eq!(rx.try_read(&mut buf[..2]).unwrap(), 2);
    assert_eq!(&buf[..2], b"ab");
    let mut x = [0u8; 1];
    let mut y = [0u8; 1];
    let n = rx
        .try_read_vectored(&mut [IoSliceMut::new(&mut x), IoSliceMut::new(&mut y)])
        .unwrap();
    assert_eq!((n, x, y), (2, *b"c", *b"d"));
    let mut v = b"=".to_vec();
    v.reserve(8);
    assert_eq!(rx.try_read_buf(&mut v).unwrap(), 2);
    assert_eq!(v, b"=ef");
    assert_eq!(
        rx.try_read(&mut buf).unwrap_err().kind(),
        io::ErrorKind::WouldBlock
    );
    drop(tx);
    rx.readable().await.unwrap();
    assert_eq!(rx.try_read(&mut buf).unwrap(), 0);
}

async fn poll_ready_and_try_io() {
    use std::io::{Read, Write};
    let (tx, rx) = pipe::pipe().unwrap();
    poll_fn(|cx| tx.poll_write_ready(cx)).await.unwrap();
    let mut raw_tx = File::from(tx.as_fd().try_clone_to_owned().unwrap());
    let mut raw_rx = File::from(rx.as_fd().try_clone_to_owned().unwrap());
    assert_eq!(tx.try_io(|| raw_tx.write(b"raw")).unwrap(), 3);
    poll_fn(|cx| rx.poll_read_ready(cx)).await.unwrap();
    let mut buf = [0u8; 8];
    assert_eq!(rx.try_io(|| raw_rx.read(&mut buf)).unwrap(), 3);
    let err = rx.try_io(|| raw_rx.read(&mut buf)).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
    // Readiness was cleared by the WouldBlock: the closure is skipped now.
    let err = rx
        .try_io(|| -> io::Result<()> { panic!("called") })
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
    let reader = kiso::spawn(async move {
        poll_fn(|cx| rx.poll_read_ready(cx)).await.unwrap();
        let mut buf = [0u8; 8];
        rx.try_read(&mut buf).unwrap()
    });
    kiso::task::yield_now().await;
    tx.try_write(b"wake").unwrap();
    assert_eq!(reader.await.unwrap(), 4);
}

#[test]
fn pipe_outside_runtime_panics() {
    assert!(std::panic::catch_unwind(pipe::pipe).is_err());
}

fn is_send<T: Send>(_: &T) {}
fn is_sync<T: Sync>(_: &T) {}
fn send_sync_unpin<T: Send + Sync + Unpin>() {}

fn unwind_safe<T: std::panic::UnwindSafe + std::panic::RefUnwindSafe>() {}

#[test]
fn auto_traits() {
    send_sync_unpin::<Sender>();
    unwind_safe::<Sender>();
    unwind_safe::<Receiver>();
    unwind_safe::<OpenOptions>();
    send_sync_unpin::<Receiver>();
    send_sync_unpin::<OpenOptions>();
    let rt = support::current_thread();
    let _g = rt.enter();
    let (tx, rx) = pipe::pipe().unwrap();
    let f = tx.writable();
    is_send(&f);
    is_sync(&f);
    drop(f);
    let f = tx.ready(Interest::WRITABLE);
    is_send(&f);
    is_sync(&f);
    drop(f);
    let f = rx.readable();
    is_send(&f);
    is_sync(&f);
    drop(f);
    let f = rx.ready(Interest::READABLE);
    is_send(&f);
    is_sync(&f);
    drop(f);
    let _ = format!("{tx:?} {rx:?}");
}
