//! Waiting for a child to end, and reaping the children nobody waits for.
//!
//! On Linux a child is watched through a pidfd (`pidfd_open(2)`): the
//! descriptor becomes readable when the process ends, so it is registered
//! with the runtime's reactor like a socket. Where pidfds are missing (old
//! kernels, other Unixes), a blocking-pool thread waits with
//! `waitid(WNOWAIT)`, which sees the end without reaping it. The exit
//! status itself is always collected by std's `try_wait`, so a child is
//! reaped exactly once.
//!
//! A child dropped before it was reaped becomes an orphan: if it has a pidfd
//! and a runtime is at hand, a task waits for it and reaps it; otherwise it
//! goes on a process-wide queue that every later spawn and drop sweeps.

use crate::runtime::io::PollEvented;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::process::{Child as StdChild, ExitStatus};
use std::sync::Mutex;
use std::task::{ready, Context, Poll};

/// How the end of one child is noticed.
pub(super) enum Exit {
    /// A pidfd registered with the reactor.
    #[cfg(target_os = "linux")]
    PidFd(PollEvented<pidfd::PidFd>),
    /// A `SIGCHLD` listener (with the `signal` feature): any child's end
    /// is a reason to look again.
    #[cfg(feature = "signal")]
    Sigchld(crate::signal::unix::Signal),
    /// A blocking-pool thread waiting in `waitid(WNOWAIT)`, once started.
    Blocking(Option<crate::task::JoinHandle<()>>),
}

impl std::fmt::Debug for Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            #[cfg(target_os = "linux")]
            Exit::PidFd(_) => f.write_str("PidFd"),
            #[cfg(feature = "signal")]
            Exit::Sigchld(_) => f.write_str("Sigchld"),
            Exit::Blocking(_) => f.write_str("Blocking"),
        }
    }
}

impl Exit {
    /// Picks the way to watch `child`.
    pub(super) fn new(child: &StdChild) -> Exit {
        #[cfg(target_os = "linux")]
        if let Some(fd) = pidfd::open(child.id()) {
            if let Ok(pe) = PollEvented::new_with_interest(fd, crate::io::Interest::READABLE) {
                return Exit::PidFd(pe);
            }
        }
        let _ = child;
        Exit::fallback()
    }

    /// The way to watch a child without a pidfd: `SIGCHLD` if the `signal`
    /// feature is on (the listener exists before the first `try_wait`, so
    /// no end is missed), the blocking pool otherwise.
    pub(super) fn fallback() -> Exit {
        #[cfg(feature = "signal")]
        if let Ok(signal) = crate::signal::unix::signal(crate::signal::unix::SignalKind::child()) {
            return Exit::Sigchld(signal);
        }
        Exit::Blocking(None)
    }

    /// Waits until `child` has ended and returns its status (reaping it).
    pub(super) fn poll_wait(
        &mut self,
        child: &mut StdChild,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<ExitStatus>> {
        loop {
            if let Some(status) = child.try_wait()? {
                return Poll::Ready(Ok(status));
            }
            match self {
                #[cfg(target_os = "linux")]
                Exit::PidFd(pe) => {
                    let event = ready!(pe.registration().poll_read_ready(cx))?;
                    if child.try_wait()?.is_none() {
                        pe.registration().clear_readiness(event);
                    }
                }
                #[cfg(feature = "signal")]
                Exit::Sigchld(signal) => {
                    ready!(signal.poll_recv(cx));
                }
                Exit::Blocking(Some(handle)) => {
                    let _ = ready!(Pin::new(handle).poll(cx));
                    *self = Exit::Blocking(None);
                    // The child has ended: the next `try_wait` reaps it.
                    if let Some(status) = child.try_wait()? {
                        return Poll::Ready(Ok(status));
                    }
                }
                Exit::Blocking(None) => {
                    let pid = child.id();
                    *self = Exit::Blocking(Some(crate::task::spawn_blocking(move || {
                        wait_no_reap(pid)
                    })));
                }
            }
        }
    }
}

/// Blocks until process `pid` has ended, without reaping it.
fn wait_no_reap(pid: u32) {
    loop {
        // SAFETY: `info` is a plain C struct for which all-zero is a valid
        // value, and `waitid` only writes into it.
        let rc = unsafe {
            let mut info: libc::siginfo_t = std::mem::zeroed();
            libc::waitid(
                libc::P_PID,
                pid as libc::id_t,
                &mut info,
                libc::WEXITED | libc::WNOWAIT,
            )
        };
        if rc == 0 || io::Error::last_os_error().kind() != io::ErrorKind::Interrupted {
            return;
        }
    }
}

/// Children dropped before they were reaped, with no runtime to wait on.
static ORPHANS: Mutex<Vec<StdChild>> = Mutex::new(Vec::new());

/// Reaps the orphans that have ended since the last sweep.
pub(super) fn sweep_orphans() {
    let mut orphans = ORPHANS.lock().unwrap_or_else(|e| e.into_inner());
    orphans.retain_mut(|c| matches!(c.try_wait(), Ok(None)));
}

/// Takes care of `child`, dropped before it was reaped.
pub(super) fn orphan(mut child: StdChild, exit: Exit) {
    sweep_orphans();
    if !matches!(child.try_wait(), Ok(None)) {
        return;
    }
    let Ok(handle) = crate::runtime::Handle::try_current() else {
        ORPHANS
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(child);
        return;
    };
    // A task waits for the end (pidfd, SIGCHLD or blocking pool), then
    // reaps.
    let mut guard = Orphan(Some(child));
    let mut exit = exit;
    drop(handle.spawn(async move {
        let child = guard.0.as_mut().expect("present until reaped");
        let _ = std::future::poll_fn(|cx| exit.poll_wait(child, cx)).await;
        // Reaped (or failed for good): nothing to hand back.
        let _ = guard.0.take();
    }));
}

/// An orphan being waited for by a task: back to the queue if the task is
/// dropped (its runtime shut down) first.
struct Orphan(Option<StdChild>);

impl Drop for Orphan {
    fn drop(&mut self) {
        if let Some(child) = self.0.take() {
            ORPHANS
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(child);
        }
    }
}

#[cfg(target_os = "linux")]
mod pidfd {
    use mio::event::Source;
    use mio::unix::SourceFd;
    use mio::{Interest, Registry, Token};
    use std::io;
    use std::os::unix::io::{AsRawFd, FromRawFd, OwnedFd};

    /// A pidfd: readable once its process has ended.
    #[derive(Debug)]
    pub(in crate::process) struct PidFd(OwnedFd);

    /// Opens a pidfd for `pid`, or `None` if the kernel cannot.
    pub(super) fn open(pid: u32) -> Option<PidFd> {
        // SAFETY: `pidfd_open` takes a pid and flags and returns a new
        // descriptor or -1; it touches no memory of ours.
        let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid as libc::pid_t, 0) };
        if fd < 0 {
            return None;
        }
        // SAFETY: `fd` is a descriptor the kernel just opened for us and that
        // nothing else owns.
        Some(PidFd(unsafe { OwnedFd::from_raw_fd(fd as i32) }))
    }

    impl Source for PidFd {
        fn register(
            &mut self,
            registry: &Registry,
            token: Token,
            interests: Interest,
        ) -> io::Result<()> {
            SourceFd(&self.0.as_raw_fd()).register(registry, token, interests)
        }

        fn reregister(
            &mut self,
            registry: &Registry,
            token: Token,
            interests: Interest,
        ) -> io::Result<()> {
            SourceFd(&self.0.as_raw_fd()).reregister(registry, token, interests)
        }

        fn deregister(&mut self, registry: &Registry) -> io::Result<()> {
            SourceFd(&self.0.as_raw_fd()).deregister(registry)
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    /// The fallback used without pidfds: waiting through the blocking pool.
    #[test]
    fn blocking_fallback_waits_and_reaps() {
        let rt = crate::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let mut child = std::process::Command::new("sh")
                .args(["-c", "exit 4"])
                .spawn()
                .unwrap();
            let mut exit = Exit::Blocking(None);
            let status = std::future::poll_fn(|cx| exit.poll_wait(&mut child, cx))
                .await
                .unwrap();
            assert_eq!(status.code(), Some(4));
            assert!(child.try_wait().unwrap().is_some());
        });
    }

    /// The `SIGCHLD` fallback waits and reaps too.
    #[cfg(feature = "signal")]
    #[test]
    fn sigchld_fallback_waits_and_reaps() {
        let rt = crate::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let mut exit = Exit::fallback();
            assert!(matches!(exit, Exit::Sigchld(_)));
            let mut child = std::process::Command::new("sh")
                .args(["-c", "exit 6"])
                .spawn()
                .unwrap();
            let status = std::future::poll_fn(|cx| exit.poll_wait(&mut child, cx))
                .await
                .unwrap();
            assert_eq!(status.code(), Some(6));
        });
    }

    /// A dropped child without a pidfd is reaped by the blocking pool.
    #[test]
    fn blocking_orphan_is_reaped() {
        let rt = crate::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let child = std::process::Command::new("true").spawn().unwrap();
            let pid = child.id();
            orphan(child, Exit::Blocking(None));
            // Once reaped, the pid is no longer a child of ours: `waitid`
            // fails (ECHILD). Until then it reports "not yet" or a zombie.
            loop {
                // SAFETY: `info` is a plain C struct for which all-zero is
                // valid; `waitid` only writes into it, and WNOWAIT leaves the
                // child for the reaper.
                let rc = unsafe {
                    let mut info: libc::siginfo_t = std::mem::zeroed();
                    let flags = libc::WEXITED | libc::WNOHANG | libc::WNOWAIT;
                    libc::waitid(libc::P_PID, pid as libc::id_t, &mut info, flags)
                };
                if rc == -1 {
                    break;
                }
                crate::task::yield_now().await;
            }
        });
    }
}
