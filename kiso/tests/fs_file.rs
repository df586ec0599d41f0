//! `kiso::fs::File`: buffered reads, writes reported done before they
//! reach the OS, seeks, and the `&self` methods.

#![cfg(feature = "full")]

#[macro_use]
mod support;
use support::TempDir;

use kiso::fs::{File, OpenOptions};
use kiso::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};
use std::io::{ErrorKind, SeekFrom};
use std::path::PathBuf;
use std::pin::pin;
use std::sync::Arc;

async fn rw(path: &PathBuf) -> File {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)
        .await
        .unwrap()
}

async fn write_then_read_back() {
    let dir = TempDir::new();
    let p = dir.join("f");
    let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    let mut f = File::create(&p).await.unwrap();
    f.write_all(&data).await.unwrap();
    f.flush().await.unwrap();
    drop(f);
    let mut back = Vec::new();
    File::open(&p)
        .await
        .unwrap()
        .read_to_end(&mut back)
        .await
        .unwrap();
    assert_eq!(back, data);
}

async fn write_seek_read() {
    let dir = TempDir::new();
    let mut f = rw(&dir.join("f")).await;
    f.write_all(b"hello world").await.unwrap();
    assert_eq!(f.seek(SeekFrom::Start(6)).await.unwrap(), 6);
    let mut s = String::new();
    f.read_to_string(&mut s).await.unwrap();
    assert_eq!(s, "world");
    assert_eq!(f.seek(SeekFrom::End(-5)).await.unwrap(), 6);
    assert_eq!(f.stream_position().await.unwrap(), 6);
}

/// Leaves a read with room for `room` bytes in flight from the start of
/// the file, then cancels its future: the bytes it fetches stay buffered
/// ahead of the caller (retries if the first poll already finished it).
async fn read_ahead_from_start(f: &mut File, room: usize) {
    loop {
        f.seek(SeekFrom::Start(0)).await.unwrap();
        let mut big = vec![0u8; room];
        let fut = pin!(f.read(&mut big));
        if support::poll_once(fut).is_pending() {
            return;
        }
    }
}

async fn reads_ahead_are_given_back() {
    let dir = TempDir::new();
    let p = dir.join("f");
    kiso::fs::write(&p, b"0123456789").await.unwrap();
    let mut f = OpenOptions::new()
        .read(true)
        .write(true)
        .open(&p)
        .await
        .unwrap();
    read_ahead_from_start(&mut f, 10).await;
    let mut small = [0u8; 3];
    f.read_exact(&mut small).await.unwrap();
    assert_eq!(&small, b"012");
    let mut two = [0u8; 2];
    f.read_exact(&mut two).await.unwrap();
    assert_eq!(&two, b"34");
    // The OS position is at 10; a write lands right after what the caller
    // read.
    f.write_all(b"AB").await.unwrap();
    f.flush().await.unwrap();
    let mut rest = String::new();
    f.read_to_string(&mut rest).await.unwrap();
    assert_eq!(rest, "789");
    assert_eq!(kiso::fs::read(&p).await.unwrap(), b"01234AB789");
}

async fn read_ahead_then_seeks() {
    let dir = TempDir::new();
    let p = dir.join("f");
    kiso::fs::write(&p, b"abcdefghij").await.unwrap();
    let mut f = File::open(&p).await.unwrap();
    read_ahead_from_start(&mut f, 10).await;
    let mut four = [0u8; 4];
    f.read_exact(&mut four).await.unwrap();
    assert_eq!(&four, b"abcd");
    assert_eq!(f.stream_position().await.unwrap(), 4);
    read_ahead_from_start(&mut f, 10).await;
    f.read_exact(&mut four).await.unwrap();
    assert_eq!(f.seek(SeekFrom::Current(1)).await.unwrap(), 5);
    let mut rest = Vec::new();
    f.read_to_end(&mut rest).await.unwrap();
    assert_eq!(rest, b"fghij");
    // set_len gives read-ahead bytes back as well.
    let mut f = OpenOptions::new()
        .read(true)
        .write(true)
        .open(&p)
        .await
        .unwrap();
    read_ahead_from_start(&mut f, 10).await;
    f.read_exact(&mut four).await.unwrap();
    f.set_len(6).await.unwrap();
    let mut rest = Vec::new();
    f.read_to_end(&mut rest).await.unwrap();
    assert_eq!(rest, b"ef");
}

async fn flush_reports_a_write_error() {
    let dir = TempDir::new();
    let p = dir.join("f");
    kiso::fs::write(&p, b"").await.unwrap();
    // Open read-only: the write fails, but only in the background.
    let mut f = File::open(&p).await.unwrap();
    assert_eq!(f.write(b"data").await.unwrap(), 4);
    assert!(f.flush().await.is_err());
    // Reported once.
    f.flush().await.unwrap();
}

async fn next_write_reports_a_write_error() {
    let dir = TempDir::new();
    let p = dir.join("f");
    kiso::fs::write(&p, b"").await.unwrap();
    let mut f = File::open(&p).await.unwrap();
    assert_eq!(f.write(b"data").await.unwrap(), 4);
    assert!(f.write(b"more").await.is_err());
}

async fn sync_all_keeps_the_write_error_for_flush() {
    let dir = TempDir::new();
    let p = dir.join("f");
    kiso::fs::write(&p, b"").await.unwrap();
    let mut f = File::open(&p).await.unwrap();
    f.write_all(b"data").await.unwrap();
    let _ = f.sync_all().await;
    assert!(f.flush().await.is_err());
}

async fn set_len() {
    let dir = TempDir::new();
    let p = dir.join("f");
    let mut f = rw(&p).await;
    f.write_all(b"0123456789").await.unwrap();
    f.set_len(4).await.unwrap();
    assert_eq!(f.metadata().await.unwrap().len(), 4);
    assert_eq!(kiso::fs::read(&p).await.unwrap(), b"0123");
    f.set_len(6).await.unwrap();
    assert_eq!(kiso::fs::read(&p).await.unwrap(), b"0123\0\0");
    // After a buffered read, set_len does not move the caller's position.
    f.seek(SeekFrom::Start(0)).await.unwrap();
    let mut one = [0u8; 1];
    f.read_exact(&mut one).await.unwrap();
    f.set_len(3).await.unwrap();
    let mut rest = Vec::new();
    f.read_to_end(&mut rest).await.unwrap();
    assert_eq!(rest, b"12");
    // A read-only file cannot change length.
    let ro = File::open(&p).await.unwrap();
    assert!(ro.set_len(0).await.is_err());
}

async fn cancelled_set_len_leaves_the_file_usable() {
    let dir = TempDir::new();
    let p = dir.join("f");
    let mut f = rw(&p).await;
    f.write_all(b"0123456789").await.unwrap();
    f.seek(SeekFrom::Start(3)).await.unwrap();
    for _ in 0..10 {
        let fut = pin!(f.set_len(5));
        let _ = support::poll_once(fut);
    }
    assert_eq!(f.stream_position().await.unwrap(), 3);
    let mut rest = Vec::new();
    f.read_to_end(&mut rest).await.unwrap();
    assert_eq!(rest, b"34");
    f.flush().await.unwrap();
}

async fn sync_all_and_sync_data() {
    let dir = TempDir::new();
    let p = dir.join("f");
    let mut f = File::create(&p).await.unwrap();
    f.write_all(b"durable").await.unwrap();
    f.sync_all().await.unwrap();
    assert_eq!(kiso::fs::read(&p).await.unwrap(), b"durable");
    f.write_all(b"!").await.unwrap();
    f.sync_data().await.unwrap();
    assert_eq!(kiso::fs::read(&p).await.unwrap(), b"durable!");
}

async fn concurrent_self_methods() {
    let dir = TempDir::new();
    let mut f = File::create(dir.join("f")).await.unwrap();
    f.write_all(b"x").await.unwrap();
    let f = Arc::new(f);
    let (a, b, c) = futures::join!(f.sync_all(), f.set_len(10), f.sync_data());
    a.unwrap();
    b.unwrap();
    c.unwrap();
    assert_eq!(f.metadata().await.unwrap().len(), 10);
}

async fn from_std_and_into_std() {
    use std::io::{Read, Seek, Write};
    let dir = TempDir::new();
    let p = dir.join("f");
    let mut std_file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&p)
        .unwrap();
    std_file.write_all(b"std:").unwrap();
    let mut f = File::from_std(std_file);
    f.write_all(b"kiso").await.unwrap();
    // into_std waits for the write.
    let mut std_file = f.into_std().await;
    std_file.write_all(b":std").unwrap();
    std_file.rewind().unwrap();
    let mut s = String::new();
    std_file.read_to_string(&mut s).unwrap();
    assert_eq!(s, "std:kiso:std");
    let f: File = std_file.into();
    let _ = format!("{f:?}");
}

async fn try_into_std_fails_while_an_op_is_in_flight() {
    use std::io::Read;
    // A socket whose peer does not read: a large write stays in flight.
    let (ours, mut theirs) = std::os::unix::net::UnixStream::pair().unwrap();
    let fd = std::os::fd::OwnedFd::from(ours);
    let mut f = File::from(fd);
    let data = vec![7u8; 4 * 1024 * 1024];
    let n = f.write(&data).await.unwrap();
    assert!(n > 0);
    let mut f = f.try_into_std().expect_err("a write is in flight");
    // Drain the other end, then the write completes.
    let reader = kiso::task::spawn_blocking(move || {
        let mut total = 0;
        let mut buf = vec![0u8; 64 * 1024];
        while total < n {
            total += theirs.read(&mut buf).unwrap();
        }
        total
    });
    f.flush().await.unwrap();
    assert_eq!(reader.await.unwrap(), n);
    let std_file = f.try_into_std().expect("nothing in flight after flush");
    drop(std_file);
}

async fn max_buf_size_splits_large_writes() {
    let dir = TempDir::new();
    let p = dir.join("f");
    let mut f = rw(&p).await;
    assert_eq!(f.max_buf_size(), 2 * 1024 * 1024);
    f.set_max_buf_size(4);
    assert_eq!(f.write(b"0123456789").await.unwrap(), 4);
    assert_eq!(f.write(b"456789").await.unwrap(), 4);
    f.write_all(b"89").await.unwrap();
    f.flush().await.unwrap();
    assert_eq!(kiso::fs::read(&p).await.unwrap(), b"0123456789");
    // Reads are split too.
    f.rewind().await.unwrap();
    let mut buf = [0u8; 100];
    assert_eq!(f.read(&mut buf).await.unwrap(), 4);
    assert_eq!(&buf[..4], b"0123");
    // The default size: one write takes at most 2 MiB.
    f.set_max_buf_size(2 * 1024 * 1024);
    let big = vec![1u8; 3 * 1024 * 1024];
    assert_eq!(f.write(&big).await.unwrap(), 2 * 1024 * 1024);
}

async fn vectored_writes() {
    let dir = TempDir::new();
    let p = dir.join("f");
    let mut f = File::create(&p).await.unwrap();
    assert!(kiso::io::AsyncWrite::is_write_vectored(&f));
    let bufs = [std::io::IoSlice::new(b"ab"), std::io::IoSlice::new(b"cd")];
    assert_eq!(f.write_vectored(&bufs).await.unwrap(), 4);
    f.flush().await.unwrap();
    assert_eq!(kiso::fs::read(&p).await.unwrap(), b"abcd");
}

async fn times_permissions_clone() {
    use std::time::{Duration, SystemTime};
    let dir = TempDir::new();
    let p = dir.join("f");
    let mut f = File::create(&p).await.unwrap();
    let when = SystemTime::UNIX_EPOCH + Duration::from_secs(1_234_567);
    // The write in flight finishes before the times are set.
    f.write_all(b"data").await.unwrap();
    f.set_modified(when).await.unwrap();
    assert_eq!(f.metadata().await.unwrap().modified().unwrap(), when);
    let later = when + Duration::from_secs(10);
    f.set_times(
        kiso::fs::FileTimes::new()
            .set_modified(later)
            .set_accessed(later),
    )
    .await
    .unwrap();
    assert_eq!(f.metadata().await.unwrap().modified().unwrap(), later);
    let mut perm = f.metadata().await.unwrap().permissions();
    perm.set_readonly(true);
    f.set_permissions(perm).await.unwrap();
    assert!(kiso::fs::metadata(&p)
        .await
        .unwrap()
        .permissions()
        .readonly());
    // A clone is a working handle to the same file.
    let mut a = File::options().read(true).open(&p).await.unwrap();
    a.set_max_buf_size(1234);
    let b = a.try_clone().await.unwrap();
    assert_eq!(b.max_buf_size(), 1234);
    drop(a);
    assert!(b.metadata().await.unwrap().permissions().readonly());
}

async fn create_new_and_open_missing() {
    let dir = TempDir::new();
    let p = dir.join("f");
    assert_eq!(
        File::open(&p).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    let mut f = File::create_new(&p).await.unwrap();
    f.write_all(b"rw").await.unwrap();
    f.rewind().await.unwrap();
    let mut s = String::new();
    f.read_to_string(&mut s).await.unwrap();
    assert_eq!(s, "rw");
    assert_eq!(
        File::create_new(&p).await.unwrap_err().kind(),
        ErrorKind::AlreadyExists
    );
}

async fn start_seek_while_busy_fails() {
    use kiso::io::AsyncSeek;
    use std::pin::Pin;
    let (ours, _theirs) = std::os::unix::net::UnixStream::pair().unwrap();
    let mut f = File::from(std::os::fd::OwnedFd::from(ours));
    // Fill the socket so the write stays in flight.
    f.write(&vec![0u8; 4 * 1024 * 1024]).await.unwrap();
    assert!(Pin::new(&mut f).start_seek(SeekFrom::Start(0)).is_err());
    drop(_theirs);
    // The write now fails (peer gone): the error comes from flush.
    assert!(f.flush().await.is_err());
}

on_both_runtimes!(
    write_then_read_back,
    write_seek_read,
    reads_ahead_are_given_back,
    read_ahead_then_seeks,
    flush_reports_a_write_error,
    next_write_reports_a_write_error,
    sync_all_keeps_the_write_error_for_flush,
    set_len,
    cancelled_set_len_leaves_the_file_usable,
    sync_all_and_sync_data,
    concurrent_self_methods,
    from_std_and_into_std,
    try_into_std_fails_while_an_op_is_in_flight,
    max_buf_size_splits_large_writes,
    vectored_writes,
    times_permissions_clone,
    create_new_and_open_missing,
    start_seek_while_busy_fails,
);

#[test]
fn zero_max_buf_size_panics() {
    let mut f = File::from_std(std::fs::File::open(std::env::current_exe().unwrap()).unwrap());
    let msg = support::panic_message(move || f.set_max_buf_size(0));
    assert!(msg.contains("max_buf_size"), "{msg}");
}

#[test]
fn a_write_reported_done_survives_runtime_shutdown() {
    support::with_timeout(|| {
        let dir = TempDir::new();
        let p = dir.join("f");
        let rt = support::current_thread();
        let data = vec![5u8; 1024 * 1024];
        let expected = data.clone();
        let p2 = p.clone();
        rt.block_on(async move {
            let mut f = File::create(&p2).await.unwrap();
            f.write_all(&data).await.unwrap();
            // Dropped without a flush.
        });
        drop(rt);
        assert_eq!(std::fs::read(&p).unwrap(), expected);
    });
}
