//! Helpers shared by kiso's integration tests (included with `mod support;`).

#![cfg(feature = "full")]
#![allow(dead_code)]

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

/// Upper bound for anything a test waits on, so a bug fails instead of
/// hanging CI.
pub const LIMIT: Duration = Duration::from_secs(20);

/// Counts how many times it is dropped.
pub struct DropCounter(pub Arc<AtomicUsize>);

impl Drop for DropCounter {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// A one-shot flag a future can wait on, set from anywhere. It keeps one
/// waker: only one task may wait on a given flag.
#[derive(Clone, Default)]
pub struct Flag(Arc<Mutex<(bool, Option<Waker>)>>);

impl Flag {
    pub fn new() -> Flag {
        Flag::default()
    }

    pub fn set(&self) {
        let waker = {
            let mut g = self.0.lock().unwrap();
            g.0 = true;
            g.1.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }

    pub fn wait(&self) -> FlagWait {
        FlagWait(self.clone())
    }
}

pub struct FlagWait(Flag);

impl Future for FlagWait {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut g = (self.0).0.lock().unwrap();
        if g.0 {
            Poll::Ready(())
        } else {
            g.1 = Some(cx.waker().clone());
            Poll::Pending
        }
    }
}

/// Runs `f` on a thread and fails the test if it takes longer than `LIMIT`.
pub fn with_timeout<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)));
    });
    match rx.recv_timeout(LIMIT) {
        Ok(Ok(r)) => r,
        Ok(Err(p)) => std::panic::resume_unwind(p),
        Err(_) => panic!("test did not finish within {LIMIT:?}"),
    }
}

/// Marks the child process of [`rerun_in_child`]: holds the name of the test
/// it reruns.
pub const CHILD_VAR: &str = "KISO_TEST_CHILD";

/// True in the child process started by `rerun_in_child(name, ..)`.
pub fn in_child(name: &str) -> bool {
    std::env::var(CHILD_VAR).as_deref() == Ok(name)
}

/// Runs test `name` of this test binary again, alone, in a child process,
/// with `TOKIO_WORKER_THREADS` set to `workers` (or removed, so that it never
/// leaks in), and asserts that the child ran exactly that test and that it
/// passed. For tests that need a process of their own (signals, children,
/// environment variables).
pub fn rerun_in_child(name: &str, workers: Option<&str>) {
    let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
    cmd.args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_VAR, name);
    match workers {
        Some(v) => cmd.env("TOKIO_WORKER_THREADS", v),
        None => cmd.env_remove("TOKIO_WORKER_THREADS"),
    };
    let out = with_timeout(move || cmd.output().unwrap());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "child run of {name} failed:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("1 passed"),
        "child did not run {name}:\n{stdout}"
    );
}

pub fn current_thread() -> kiso::runtime::Runtime {
    kiso::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// A multi-thread runtime with `workers` workers and every driver enabled.
#[cfg(feature = "rt-multi-thread")]
pub fn multi(workers: usize) -> kiso::runtime::Runtime {
    kiso::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .unwrap()
}

/// Runs the future `f` makes on a new current-thread runtime whose clock
/// starts paused, on a thread of its own, and fails the test if that takes
/// more than `LIMIT` of real time.
#[cfg(feature = "test-util")]
pub fn paused<Fut>(f: impl FnOnce() -> Fut + Send + 'static) -> Fut::Output
where
    Fut: std::future::Future,
    Fut::Output: Send + 'static,
{
    with_timeout(move || {
        let rt = kiso::runtime::Builder::new_current_thread()
            .enable_all()
            .start_paused(true)
            .build()
            .unwrap();
        rt.block_on(f())
    })
}

/// A waker that counts its wake-ups.
#[derive(Default)]
pub struct CountingWaker(pub AtomicUsize);

impl CountingWaker {
    /// The counter and a waker that bumps it.
    pub fn new() -> (Arc<CountingWaker>, Waker) {
        let w = Arc::new(CountingWaker::default());
        (w.clone(), Waker::from(w))
    }

    pub fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

impl std::task::Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// `n` milliseconds.
pub fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// The panic message of a caught panic payload (empty if not a string).
pub fn message(payload: Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else {
        String::new()
    }
}

/// Returns the panic message of `f`, which must panic.
pub fn panic_message(f: impl FnOnce()) -> String {
    message(
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).expect_err("expected a panic"),
    )
}

/// A reader that breaks the `AsyncRead` contract: it replaces the buffer it
/// is given with another one (whose storage it allocates). Adapters must
/// panic rather than trust what it reports.
#[cfg(feature = "io-util")]
pub struct Swapper;

#[cfg(feature = "io-util")]
thread_local! {
    static SWAPPED_IN: std::cell::Cell<Option<*mut [u8]>> = const { std::cell::Cell::new(None) };
}

#[cfg(feature = "io-util")]
impl Swapper {
    /// Frees the storage the last `poll_read` swapped in (call once nothing
    /// refers to it any more), so leak checkers stay quiet.
    pub fn free_swapped_in() {
        if let Some(raw) = SWAPPED_IN.with(|c| c.take()) {
            // SAFETY: allocated by `Box::into_raw` in `poll_read`; the
            // `ReadBuf` that pointed into it is gone.
            drop(unsafe { Box::from_raw(raw) });
        }
    }
}

#[cfg(feature = "io-util")]
impl kiso::io::AsyncRead for Swapper {
    fn poll_read(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &mut kiso::io::ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let raw = Box::into_raw(vec![7u8; 4].into_boxed_slice());
        SWAPPED_IN.with(|c| c.set(Some(raw)));
        // SAFETY: `raw` is a live allocation, freed by `free_swapped_in`
        // only after every reference to it is gone.
        let other: &'static mut [u8] = unsafe { &mut *raw };
        let mut fresh = kiso::io::ReadBuf::new(other);
        fresh.put_slice(&[1, 2, 3, 4]);
        *buf = fresh;
        Poll::Ready(Ok(()))
    }
}

/// Turns each named `async fn` of the test file into two tests, one on a
/// current-thread runtime and one on a 2-worker multi-thread runtime, each
/// under [`with_timeout`]. (Declare the module with `#[macro_use] mod
/// support;`.)
#[allow(unused_macros)]
macro_rules! on_both_runtimes {
    ($($name:ident),* $(,)?) => {
        mod current_thread {
            $(
                #[test]
                fn $name() {
                    super::support::with_timeout(|| {
                        super::support::current_thread().block_on(super::$name())
                    });
                }
            )*
        }
        mod multi_thread {
            $(
                #[test]
                fn $name() {
                    super::support::with_timeout(|| super::support::multi(2).block_on(super::$name()));
                }
            )*
        }
    };
}

/// Runs `f` to completion on a current-thread runtime, failing the test if
/// it takes longer than `LIMIT`.
#[allow(dead_code)]
pub fn run<F>(f: F) -> F::Output
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    with_timeout(move || current_thread().block_on(f))
}

/// Polls `f` once with a waker that does nothing.
#[allow(dead_code)]
pub fn poll_once<F: Future>(f: Pin<&mut F>) -> Poll<F::Output> {
    f.poll(&mut Context::from_waker(Waker::noop()))
}

/// A reader (buffered or not) that plays a script of answers: bytes in
/// chunks, `Pending`, errors; once the script runs out it is at end of
/// file.
#[allow(dead_code)]
pub mod script {
    use kiso::io::{AsyncBufRead, AsyncRead, ReadBuf};
    use std::collections::VecDeque;
    use std::io::{self, ErrorKind};
    use std::pin::Pin;
    use std::task::{Context, Poll};

    /// One scripted answer of [`Script`].
    #[derive(Debug)]
    pub enum Step {
        /// These bytes, handed out over as many reads as the buffers take
        /// (empty: one end of file).
        Data(Vec<u8>),
        /// `Pending` once (waking the task at once).
        Pending,
        /// Fails once with this kind.
        Fail(ErrorKind),
    }

    /// `Step::Data` of a copy of `b`.
    pub fn data(b: &[u8]) -> Step {
        Step::Data(b.to_vec())
    }

    /// See the module docs. `polls` counts calls of `poll_read` and
    /// `poll_fill_buf`.
    #[derive(Debug, Default)]
    pub struct Script {
        pub steps: VecDeque<Step>,
        pub polls: usize,
    }

    impl Script {
        pub fn new(steps: Vec<Step>) -> Script {
            Script {
                steps: steps.into(),
                polls: 0,
            }
        }

        /// `bytes` one at a time, with a `Pending` before each.
        pub fn trickle(bytes: &[u8]) -> Script {
            let mut steps = Vec::new();
            for b in bytes {
                steps.push(Step::Pending);
                steps.push(Step::Data(vec![*b]));
            }
            Script::new(steps)
        }

        /// The answer at the front, with `Pending` and failures used up.
        fn front(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Option<&mut Vec<u8>>>> {
            match self.steps.front() {
                None => Poll::Ready(Ok(None)),
                Some(Step::Data(_)) => match self.steps.front_mut() {
                    Some(Step::Data(d)) => Poll::Ready(Ok(Some(d))),
                    _ => unreachable!(),
                },
                Some(Step::Pending) => {
                    self.steps.pop_front();
                    cx.waker().wake_by_ref();
                    Poll::Pending
                }
                Some(Step::Fail(kind)) => {
                    let kind = *kind;
                    self.steps.pop_front();
                    Poll::Ready(Err(io::Error::new(kind, "scripted")))
                }
            }
        }

        fn take(&mut self, n: usize) {
            if let Some(Step::Data(d)) = self.steps.front_mut() {
                d.drain(..n);
                if d.is_empty() {
                    self.steps.pop_front();
                }
            }
        }
    }

    impl AsyncRead for Script {
        fn poll_read(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<()>> {
            let this = self.get_mut();
            this.polls += 1;
            let n = match std::task::ready!(this.front(cx))? {
                None => return Poll::Ready(Ok(())),
                Some(d) => {
                    let n = d.len().min(buf.remaining());
                    buf.put_slice(&d[..n]);
                    n
                }
            };
            // An empty chunk is one end of file: used up by this read.
            if n == 0 {
                this.steps.pop_front();
            } else {
                this.take(n);
            }
            Poll::Ready(Ok(()))
        }
    }

    impl AsyncBufRead for Script {
        fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
            let this = self.get_mut();
            this.polls += 1;
            let empty = matches!(std::task::ready!(this.front(cx))?, Some(d) if d.is_empty());
            if empty {
                this.steps.pop_front();
                return Poll::Ready(Ok(&[]));
            }
            match this.steps.front() {
                Some(Step::Data(d)) => Poll::Ready(Ok(&d[..])),
                _ => Poll::Ready(Ok(&[])),
            }
        }

        fn consume(self: Pin<&mut Self>, amt: usize) {
            if amt > 0 {
                let this = self.get_mut();
                assert!(
                    matches!(this.steps.front(), Some(Step::Data(_))),
                    "consume without data"
                );
                this.take(amt);
            }
        }
    }
}

/// A fresh, empty directory under the system's temporary directory, removed
/// when dropped.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("kiso-test-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    /// `name` inside the directory.
    pub fn join(&self, name: &str) -> std::path::PathBuf {
        self.0.join(name)
    }
}

impl Default for TempDir {
    fn default() -> TempDir {
        TempDir::new()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
