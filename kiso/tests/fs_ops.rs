//! `kiso::fs` free functions, `DirBuilder` and `OpenOptions`.

#![cfg(feature = "full")]

#[macro_use]
mod support;
use support::TempDir;

use kiso::fs::{self, DirBuilder, OpenOptions};
use kiso::io::{AsyncReadExt, AsyncWriteExt};
use std::io::ErrorKind;
use std::os::unix::fs::{MetadataExt, PermissionsExt};

async fn write_read_round_trip() {
    let dir = TempDir::new();
    let p = dir.join("f");
    fs::write(&p, b"hello").await.unwrap();
    assert_eq!(fs::read(&p).await.unwrap(), b"hello");
    assert_eq!(fs::read_to_string(&p).await.unwrap(), "hello");
    // `write` replaces the contents; `String`, `Vec` and slices all work.
    fs::write(&p, String::from("hi")).await.unwrap();
    assert_eq!(fs::read(&p).await.unwrap(), b"hi");
    fs::write(&p, vec![0xff, 0xfe]).await.unwrap();
    let err = fs::read_to_string(&p).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidData);
}

async fn missing_paths_fail_with_not_found() {
    let dir = TempDir::new();
    let p = dir.join("missing");
    assert_eq!(fs::read(&p).await.unwrap_err().kind(), ErrorKind::NotFound);
    assert_eq!(
        fs::metadata(&p).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert_eq!(
        fs::remove_file(&p).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert_eq!(
        fs::read_dir(&p).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert!(!fs::try_exists(&p).await.unwrap());
    assert!(fs::try_exists(&dir.0).await.unwrap());
}

async fn copy_rename_remove() {
    let dir = TempDir::new();
    let (a, b, c) = (dir.join("a"), dir.join("b"), dir.join("c"));
    fs::write(&a, b"12345").await.unwrap();
    assert_eq!(fs::copy(&a, &b).await.unwrap(), 5);
    assert_eq!(fs::read(&b).await.unwrap(), b"12345");
    fs::rename(&b, &c).await.unwrap();
    assert!(!fs::try_exists(&b).await.unwrap());
    assert_eq!(fs::read(&c).await.unwrap(), b"12345");
    fs::remove_file(&c).await.unwrap();
    assert!(!fs::try_exists(&c).await.unwrap());
}

async fn directories() {
    let dir = TempDir::new();
    let d = dir.join("d");
    fs::create_dir(&d).await.unwrap();
    assert!(fs::metadata(&d).await.unwrap().is_dir());
    assert_eq!(
        fs::create_dir(&d).await.unwrap_err().kind(),
        ErrorKind::AlreadyExists
    );
    let deep = dir.join("x/y/z");
    assert_eq!(
        fs::create_dir(&deep).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    fs::create_dir_all(&deep).await.unwrap();
    fs::create_dir_all(&deep).await.unwrap();
    fs::write(deep.join("f"), b"x").await.unwrap();
    // Not empty.
    assert!(fs::remove_dir(dir.join("x")).await.is_err());
    fs::remove_dir_all(dir.join("x")).await.unwrap();
    assert!(!fs::try_exists(dir.join("x")).await.unwrap());
    fs::remove_dir(&d).await.unwrap();
    assert!(!fs::try_exists(&d).await.unwrap());
}

async fn links_and_metadata() {
    let dir = TempDir::new();
    let (f, sym, hard) = (dir.join("f"), dir.join("sym"), dir.join("hard"));
    fs::write(&f, b"abc").await.unwrap();
    fs::symlink(&f, &sym).await.unwrap();
    assert_eq!(fs::read_link(&sym).await.unwrap(), f);
    assert!(fs::metadata(&sym).await.unwrap().is_file());
    assert_eq!(fs::metadata(&sym).await.unwrap().len(), 3);
    assert!(fs::symlink_metadata(&sym)
        .await
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(
        fs::canonicalize(dir.0.join(".").join("sym")).await.unwrap(),
        std::fs::canonicalize(&f).unwrap()
    );
    fs::hard_link(&f, &hard).await.unwrap();
    assert_eq!(fs::metadata(&f).await.unwrap().nlink(), 2);
    assert_eq!(
        fs::read_link(&f).await.unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    // A dangling symbolic link does not "exist".
    fs::remove_file(&f).await.unwrap();
    assert!(!fs::try_exists(&sym).await.unwrap());
}

async fn permissions() {
    let dir = TempDir::new();
    let f = dir.join("f");
    fs::write(&f, b"x").await.unwrap();
    fs::set_permissions(&f, std::fs::Permissions::from_mode(0o640))
        .await
        .unwrap();
    assert_eq!(
        fs::metadata(&f).await.unwrap().permissions().mode() & 0o777,
        0o640
    );
}

async fn dir_builder() {
    let dir = TempDir::new();
    let nested = dir.join("a/b");
    let err = DirBuilder::new().create(&nested).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let mut builder = DirBuilder::new();
    builder.recursive(true).mode(0o700);
    builder.create(&nested).await.unwrap();
    // Recursive: an existing directory is fine.
    builder.create(&nested).await.unwrap();
    let meta = fs::metadata(&nested).await.unwrap();
    assert!(meta.is_dir());
    assert_eq!(meta.permissions().mode() & 0o777, 0o700);
    let err = DirBuilder::new().create(&nested).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AlreadyExists);
}

async fn open_options() {
    let dir = TempDir::new();
    let p = dir.join("f");
    // No access mode at all.
    let err = OpenOptions::new().open(&p).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    // Not there, not created.
    let err = OpenOptions::new().read(true).open(&p).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);

    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&p)
        .await
        .unwrap();
    f.write_all(b"0123456789").await.unwrap();
    f.flush().await.unwrap();
    drop(f);
    assert_eq!(
        fs::metadata(&p).await.unwrap().permissions().mode() & 0o777,
        0o600
    );
    let err = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&p)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AlreadyExists);

    // Append.
    let mut f = OpenOptions::new().append(true).open(&p).await.unwrap();
    f.write_all(b"ab").await.unwrap();
    f.flush().await.unwrap();
    assert_eq!(fs::read(&p).await.unwrap(), b"0123456789ab");

    // Write without truncate overwrites in place.
    let mut f = OpenOptions::new().write(true).open(&p).await.unwrap();
    f.write_all(b"XY").await.unwrap();
    f.flush().await.unwrap();
    assert_eq!(fs::read(&p).await.unwrap(), b"XY23456789ab");

    // Truncate.
    let f = OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(&p)
        .await
        .unwrap();
    drop(f);
    assert_eq!(fs::read(&p).await.unwrap(), b"");

    // Custom flags: O_APPEND (0o2000 on Linux) through the flags word.
    fs::write(&p, b"start").await.unwrap();
    let mut f = OpenOptions::new()
        .write(true)
        .custom_flags(0o2000)
        .open(&p)
        .await
        .unwrap();
    f.write_all(b"+end").await.unwrap();
    f.flush().await.unwrap();
    assert_eq!(fs::read(&p).await.unwrap(), b"start+end");

    // From std's options, and cloning.
    let mut std_options = std::fs::OpenOptions::new();
    std_options.read(true);
    let options = OpenOptions::from(std_options);
    let mut s = String::new();
    options
        .clone()
        .open(&p)
        .await
        .unwrap()
        .read_to_string(&mut s)
        .await
        .unwrap();
    assert_eq!(s, "start+end");
    let _ = format!("{options:?}");
}

on_both_runtimes!(
    write_read_round_trip,
    missing_paths_fail_with_not_found,
    copy_rename_remove,
    directories,
    links_and_metadata,
    permissions,
    dir_builder,
    open_options,
);

#[test]
fn outside_a_runtime_panics() {
    let res = std::panic::catch_unwind(|| {
        futures::executor::block_on(fs::read(std::env::temp_dir().join("fsh-none")))
    });
    assert!(res.is_err());
}

#[test]
fn auto_traits() {
    fn all<T: Send + Sync + Unpin + std::fmt::Debug>() {}
    all::<fs::File>();
    all::<fs::OpenOptions>();
    all::<fs::DirBuilder>();
    all::<fs::ReadDir>();
    all::<fs::DirEntry>();
    fn clone_default<T: Clone + Default>() {}
    clone_default::<fs::OpenOptions>();
    fn default<T: Default>() {}
    default::<fs::DirBuilder>();
}
