//! `kiso::process`: pipes, exit codes, kill, `kill_on_drop`, reaping of
//! dropped children, `wait_with_output`.

#![cfg(all(feature = "process", feature = "rt-multi-thread", feature = "io-util"))]

mod support;

use kiso::io::{AsyncReadExt, AsyncWriteExt};
use kiso::process::Command;
use std::os::unix::process::ExitStatusExt;
use std::process::Stdio;
use support::*;

/// The pids of this process's children, zombies included.
fn children() -> Vec<u32> {
    let mut pids = Vec::new();
    for task in std::fs::read_dir("/proc/self/task").unwrap() {
        let path = task.unwrap().path().join("children");
        if let Ok(text) = std::fs::read_to_string(path) {
            pids.extend(text.split_whitespace().map(|p| p.parse::<u32>().unwrap()));
        }
    }
    pids
}

#[test]
fn stdin_piped_to_cat_comes_back() {
    with_timeout(|| {
        multi(2).block_on(async {
            let mut child = Command::new("cat")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .unwrap();
            let mut stdin = child.stdin.take().unwrap();
            let mut stdout = child.stdout.take().unwrap();
            // More than a pipe buffer, so writer and reader must overlap.
            let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
            let expected = data.clone();
            let writer = kiso::spawn(async move {
                stdin.write_all(&data).await.unwrap();
                // Dropping stdin ends cat's input.
            });
            let mut got = Vec::new();
            stdout.read_to_end(&mut got).await.unwrap();
            writer.await.unwrap();
            assert_eq!(got.len(), expected.len());
            assert!(got == expected);
            assert!(child.wait().await.unwrap().success());
        });
    });
}

#[test]
fn exit_codes_and_repeated_wait() {
    with_timeout(|| {
        current_thread().block_on(async {
            for code in [0, 1, 42] {
                let mut child = Command::new("sh")
                    .arg("-c")
                    .arg(format!("exit {code}"))
                    .spawn()
                    .unwrap();
                let status = child.wait().await.unwrap();
                assert_eq!(status.code(), Some(code));
                // Collected once, kept afterwards.
                assert_eq!(child.wait().await.unwrap().code(), Some(code));
                assert_eq!(child.try_wait().unwrap().unwrap().code(), Some(code));
                assert_eq!(child.id(), None);
            }
            assert!(Command::new("false").status().await.unwrap().code() == Some(1));
            assert!(Command::new("/definitely/not/a/program").spawn().is_err());
        });
    });
}

#[test]
fn kill_and_try_wait() {
    with_timeout(|| {
        current_thread().block_on(async {
            let mut child = Command::new("sleep").arg("1000").spawn().unwrap();
            assert!(child.try_wait().unwrap().is_none());
            assert!(child.id().is_some());
            child.kill().await.unwrap();
            let status = child.wait().await.unwrap();
            assert_eq!(status.signal(), Some(9));
            // Killing a collected child is a no-op.
            child.start_kill().unwrap();
        });
    });
}

#[test]
fn kill_on_drop_kills() {
    with_timeout(|| {
        current_thread().block_on(async {
            // The child's stdout pipe closes only when the child is gone:
            // without the kill, the read below would wait for 1000 s.
            let mut child = Command::new("sleep")
                .arg("1000")
                .stdout(Stdio::piped())
                .kill_on_drop(true)
                .spawn()
                .unwrap();
            let mut out = child.stdout.take().unwrap();
            drop(child);
            // EOF only once the killed process has closed its end.
            let mut buf = Vec::new();
            out.read_to_end(&mut buf).await.unwrap();
            assert!(buf.is_empty());
        });
    });
}

#[test]
fn wait_with_output_collects_both_streams() {
    with_timeout(|| {
        multi(2).block_on(async {
            // Output larger than a pipe buffer on both streams: the child
            // only ends if both are read while waiting.
            let script = "head -c 200000 /dev/zero; head -c 150000 /dev/zero >&2; exit 5";
            let child = Command::new("sh")
                .args(["-c", script])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let out = child.wait_with_output().await.unwrap();
            assert_eq!(out.status.code(), Some(5));
            assert_eq!(out.stdout.len(), 200_000);
            assert_eq!(out.stderr.len(), 150_000);
            let out = Command::new("echo").arg("x").output().await.unwrap();
            assert_eq!(out.stdout, b"x\n");
        });
    });
}

#[test]
fn no_zombies_after_dropping_many_children() {
    const NAME: &str = "no_zombies_after_dropping_many_children";
    if !in_child(NAME) {
        // Counting this process's children must see only its own.
        rerun_in_child(NAME, None);
        return;
    }
    with_timeout(|| {
        let rt = current_thread();
        rt.block_on(async {
            let mut pids = Vec::new();
            for _ in 0..100 {
                let child = Command::new("true").spawn().unwrap();
                pids.push(child.id().unwrap());
                drop(child);
            }
            // Each dropped child is reaped in the background once it ends:
            // let the runtime run until none is left (bounded by the
            // test's timeout).
            while children().iter().any(|p| pids.contains(p)) {
                kiso::task::yield_now().await;
            }
        });
        assert!(children().is_empty(), "left: {:?}", children());
    });
}

#[test]
fn a_childs_stdout_feeds_another_childs_stdin() {
    with_timeout(|| {
        current_thread().block_on(async {
            let mut first = Command::new("echo")
                .arg("relay")
                .stdout(Stdio::piped())
                .spawn()
                .unwrap();
            let pipe: Stdio = first.stdout.take().unwrap().try_into().unwrap();
            let out = Command::new("cat").stdin(pipe).output().await.unwrap();
            assert_eq!(out.stdout, b"relay\n");
            assert!(first.wait().await.unwrap().success());
        });
    });
}

#[test]
fn process_types_are_send_sync_unpin() {
    fn check<T: Send + Sync + Unpin>() {}
    check::<Command>();
    check::<kiso::process::Child>();
    check::<kiso::process::ChildStdin>();
    check::<kiso::process::ChildStdout>();
    check::<kiso::process::ChildStderr>();
}

#[test]
fn spawn_outside_a_runtime_panics() {
    let res = std::panic::catch_unwind(|| Command::new("true").spawn());
    assert!(res.is_err());
}
