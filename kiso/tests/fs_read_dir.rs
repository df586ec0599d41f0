//! `kiso::fs::read_dir`, `ReadDir` and `DirEntry`.

#![cfg(feature = "full")]

#[macro_use]
mod support;
use support::TempDir;

use kiso::fs;
use std::collections::BTreeSet;
use std::future::poll_fn;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::pin::pin;

/// Creates `n` empty files named `0`..`n` in `dir` (on the blocking pool)
/// and returns their names.
async fn populate(dir: PathBuf, n: usize) -> BTreeSet<String> {
    kiso::task::spawn_blocking(move || {
        (0..n)
            .map(|i| {
                let name = i.to_string();
                std::fs::File::create(dir.join(&name)).unwrap();
                name
            })
            .collect()
    })
    .await
    .unwrap()
}

async fn empty_directory() {
    let dir = TempDir::new();
    let mut rd = fs::read_dir(&dir.0).await.unwrap();
    assert!(rd.next_entry().await.unwrap().is_none());
    // Stays at the end.
    assert!(rd.next_entry().await.unwrap().is_none());
}

async fn ten_thousand_entries() {
    let dir = TempDir::new();
    let expected = populate(dir.0.clone(), 10_000).await;
    let mut rd = fs::read_dir(&dir.0).await.unwrap();
    let mut seen = BTreeSet::new();
    while let Some(entry) = rd.next_entry().await.unwrap() {
        assert_eq!(entry.path(), dir.0.join(entry.file_name()));
        let name = entry.file_name().into_string().unwrap();
        assert!(seen.insert(name), "an entry came twice");
    }
    assert_eq!(seen, expected);
}

async fn poll_next_entry_reads_everything() {
    let dir = TempDir::new();
    let expected = populate(dir.0.clone(), 100).await;
    let mut rd = fs::read_dir(&dir.0).await.unwrap();
    let mut seen = BTreeSet::new();
    while let Some(entry) = poll_fn(|cx| rd.poll_next_entry(cx)).await.unwrap() {
        seen.insert(entry.file_name().into_string().unwrap());
    }
    assert_eq!(seen, expected);
}

async fn next_entry_is_cancel_safe() {
    let dir = TempDir::new();
    let expected = populate(dir.0.clone(), 200).await;
    let mut rd = fs::read_dir(&dir.0).await.unwrap();
    let mut seen = BTreeSet::new();
    loop {
        // Poll once and drop the future, then read one entry for real: no
        // entry may be lost or repeated.
        {
            let fut = pin!(rd.next_entry());
            if let std::task::Poll::Ready(res) = support::poll_once(fut) {
                match res.unwrap() {
                    Some(e) => assert!(seen.insert(e.file_name().into_string().unwrap())),
                    None => break,
                }
            }
        }
        match rd.next_entry().await.unwrap() {
            Some(e) => assert!(seen.insert(e.file_name().into_string().unwrap())),
            None => break,
        }
    }
    assert_eq!(seen, expected);
}

async fn entry_details() {
    let dir = TempDir::new();
    fs::write(dir.0.join("file"), b"12345").await.unwrap();
    fs::create_dir(dir.0.join("sub")).await.unwrap();
    fs::symlink(dir.0.join("file"), dir.0.join("link"))
        .await
        .unwrap();
    let mut rd = fs::read_dir(&dir.0).await.unwrap();
    let mut kinds = Vec::new();
    while let Some(e) = rd.next_entry().await.unwrap() {
        let name = e.file_name().into_string().unwrap();
        let ft = e.file_type().await.unwrap();
        let meta = e.metadata().await.unwrap();
        // Neither follows the symbolic link.
        assert_eq!(ft.is_symlink(), meta.file_type().is_symlink());
        assert_eq!(e.ino(), meta.ino());
        if name == "file" {
            assert_eq!(meta.len(), 5);
        }
        let kind = if ft.is_symlink() {
            "link"
        } else if ft.is_dir() {
            "dir"
        } else {
            "file"
        };
        kinds.push((name, kind));
        let _ = format!("{e:?}");
    }
    kinds.sort();
    assert_eq!(
        kinds,
        [
            ("file".to_string(), "file"),
            ("link".to_string(), "link"),
            ("sub".to_string(), "dir")
        ]
    );
}

async fn not_a_directory() {
    let dir = TempDir::new();
    let f = dir.0.join("f");
    fs::write(&f, b"").await.unwrap();
    assert!(fs::read_dir(&f).await.is_err());
}

async fn metadata_of_removed_entry_fails() {
    let dir = TempDir::new();
    fs::write(dir.0.join("f"), b"").await.unwrap();
    let mut rd = fs::read_dir(&dir.0).await.unwrap();
    let e = rd.next_entry().await.unwrap().unwrap();
    fs::remove_file(e.path()).await.unwrap();
    let err = e.metadata().await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
}

on_both_runtimes!(
    empty_directory,
    ten_thousand_entries,
    poll_next_entry_reads_everything,
    next_entry_is_cancel_safe,
    entry_details,
    not_a_directory,
    metadata_of_removed_entry_fails,
);
