//! Unix signals as asynchronous streams of notifications.
//!
//! [`signal`] creates a [`Signal`] listener for one [`SignalKind`]; its
//! [`recv`](Signal::recv) completes once the signal has arrived since the
//! last notification the listener reported.
//!
//! Registering a listener installs a process-wide handler for that signal
//! the first time, and the handler is never removed: from then on the
//! signal's default action (for `SIGINT`, ending the process) no longer
//! happens, even once every listener is gone.

use super::deliveries::Seen;
use super::registry::{globals, Globals, Slot};
use crate::io::Interest;
use crate::runtime::io::PollEvented;
use std::io;
use std::os::raw::c_int;
use std::task::{Context, Poll};

/// A kind of Unix signal, by number.
///
/// The constructors name the common signals; [`SignalKind::from_raw`] (or
/// `From<c_int>`) takes any number, including real-time signals.
///
/// # Examples
///
/// ```
/// use kiso::signal::unix::SignalKind;
///
/// let kind = SignalKind::hangup();
/// assert_eq!(kind, SignalKind::from_raw(kind.as_raw_value()));
/// assert_ne!(kind, SignalKind::terminate());
/// ```
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq)]
pub struct SignalKind(c_int);

impl SignalKind {
    /// Makes a `SignalKind` from a raw signal number.
    ///
    /// The number is not checked here: [`signal`] rejects numbers it cannot
    /// listen for.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::signal::unix::SignalKind;
    ///
    /// // SIGUSR1 is 10 on Linux.
    /// # #[cfg(target_os = "linux")]
    /// assert_eq!(SignalKind::from_raw(10), SignalKind::user_defined1());
    /// ```
    pub const fn from_raw(signum: c_int) -> Self {
        SignalKind(signum)
    }

    /// Returns the raw signal number.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::signal::unix::SignalKind;
    ///
    /// assert_eq!(SignalKind::from_raw(12).as_raw_value(), 12);
    /// ```
    pub const fn as_raw_value(&self) -> c_int {
        self.0
    }

    /// `SIGALRM`: a timer set with `alarm(2)` or `setitimer(2)` ran out.
    ///
    /// Its default action ends the process.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::signal::unix::SignalKind;
    ///
    /// # #[cfg(target_os = "linux")]
    /// assert_eq!(SignalKind::alarm().as_raw_value(), 14);
    /// ```
    pub const fn alarm() -> Self {
        SignalKind(libc::SIGALRM)
    }

    /// `SIGCHLD`: a child process stopped, continued or ended.
    ///
    /// It is ignored by default.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::signal::unix::SignalKind;
    ///
    /// # #[cfg(target_os = "linux")]
    /// assert_eq!(SignalKind::child().as_raw_value(), 17);
    /// ```
    pub const fn child() -> Self {
        SignalKind(libc::SIGCHLD)
    }

    /// `SIGHUP`: the controlling terminal went away; daemons often take it
    /// as "reload the configuration".
    ///
    /// Its default action ends the process.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::signal::unix::SignalKind;
    ///
    /// assert_eq!(SignalKind::hangup().as_raw_value(), 1);
    /// ```
    pub const fn hangup() -> Self {
        SignalKind(libc::SIGHUP)
    }

    /// `SIGINFO`: a status request from the terminal (Ctrl+T), on the
    /// systems that have it.
    ///
    /// It is ignored by default.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::signal::unix::SignalKind;
    ///
    /// let _ = SignalKind::info();
    /// ```
    #[cfg(any(
        target_os = "dragonfly",
        target_os = "freebsd",
        target_os = "macos",
        target_os = "netbsd",
        target_os = "openbsd",
        target_os = "illumos"
    ))]
    pub const fn info() -> Self {
        SignalKind(libc::SIGINFO)
    }

    /// `SIGINT`: the interrupt key of the terminal (usually Ctrl+C).
    ///
    /// Its default action ends the process.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::signal::unix::SignalKind;
    ///
    /// assert_eq!(SignalKind::interrupt().as_raw_value(), 2);
    /// ```
    pub const fn interrupt() -> Self {
        SignalKind(libc::SIGINT)
    }

    /// `SIGIO` (`SIGPOLL` on Haiku): I/O is possible on a descriptor set up
    /// for signal-driven I/O.
    ///
    /// It is ignored by default on most systems.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::signal::unix::SignalKind;
    ///
    /// # #[cfg(target_os = "linux")]
    /// assert_eq!(SignalKind::io().as_raw_value(), 29);
    /// ```
    #[cfg(not(target_os = "haiku"))]
    pub const fn io() -> Self {
        SignalKind(libc::SIGIO)
    }

    /// `SIGPOLL`: I/O is possible on a descriptor set up for signal-driven
    /// I/O.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::signal::unix::SignalKind;
    ///
    /// let _ = SignalKind::io();
    /// ```
    #[cfg(target_os = "haiku")]
    pub const fn io() -> Self {
        SignalKind(libc::SIGPOLL)
    }

    /// `SIGPIPE`: a write to a pipe or socket nobody reads any more.
    ///
    /// Rust programs ignore it from the start (writes fail with
    /// `BrokenPipe` instead); listening for it makes it visible again.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::signal::unix::SignalKind;
    ///
    /// assert_eq!(SignalKind::pipe().as_raw_value(), 13);
    /// ```
    pub const fn pipe() -> Self {
        SignalKind(libc::SIGPIPE)
    }

    /// `SIGQUIT`: the quit key of the terminal (usually Ctrl+\\).
    ///
    /// Its default action ends the process with a core dump.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::signal::unix::SignalKind;
    ///
    /// assert_eq!(SignalKind::quit().as_raw_value(), 3);
    /// ```
    pub const fn quit() -> Self {
        SignalKind(libc::SIGQUIT)
    }

    /// `SIGTERM`: a polite request to end, as sent by `kill` without options
    /// and by service managers.
    ///
    /// Its default action ends the process.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::signal::unix::SignalKind;
    ///
    /// assert_eq!(SignalKind::terminate().as_raw_value(), 15);
    /// ```
    pub const fn terminate() -> Self {
        SignalKind(libc::SIGTERM)
    }

    /// `SIGUSR1`: a signal with no set meaning, for programs to use as they
    /// wish.
    ///
    /// Its default action ends the process.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::signal::unix::SignalKind;
    ///
    /// assert_ne!(SignalKind::user_defined1(), SignalKind::user_defined2());
    /// ```
    pub const fn user_defined1() -> Self {
        SignalKind(libc::SIGUSR1)
    }

    /// `SIGUSR2`: a second signal with no set meaning.
    ///
    /// Its default action ends the process.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::signal::unix::SignalKind;
    ///
    /// # #[cfg(target_os = "linux")]
    /// assert_eq!(SignalKind::user_defined2().as_raw_value(), 12);
    /// ```
    pub const fn user_defined2() -> Self {
        SignalKind(libc::SIGUSR2)
    }

    /// `SIGWINCH`: the terminal's window changed size.
    ///
    /// It is ignored by default.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::signal::unix::SignalKind;
    ///
    /// assert_eq!(SignalKind::window_change().as_raw_value(), 28);
    /// ```
    pub const fn window_change() -> Self {
        SignalKind(libc::SIGWINCH)
    }
}

impl From<c_int> for SignalKind {
    /// Same as [`SignalKind::from_raw`].
    fn from(signum: c_int) -> Self {
        SignalKind::from_raw(signum)
    }
}

impl From<SignalKind> for c_int {
    /// Same as [`SignalKind::as_raw_value`].
    fn from(kind: SignalKind) -> Self {
        kind.as_raw_value()
    }
}

/// A listener for one kind of signal, made by [`signal`].
///
/// Each listener sees every delivery of its signal that happens while it
/// exists, however many listeners there are and whichever runtime they run
/// on. Deliveries that arrive between two calls to [`recv`](Signal::recv)
/// are merged into one notification: the count of notifications is not the
/// count of signals. A signal that arrives after the listener was created
/// but before its first `recv` is not lost.
///
/// # Examples
///
/// ```
/// use kiso::signal::unix::{signal, SignalKind};
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let mut hangups = signal(SignalKind::hangup())?;
/// // Someone (here, the program itself) sends SIGHUP.
/// std::process::Command::new("kill")
///     .args(["-HUP", &std::process::id().to_string()])
///     .status()?;
/// hangups.recv().await;
/// println!("reloading the configuration");
/// # Ok(())
/// # }
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct Signal {
    /// The process-wide state.
    globals: &'static Globals,
    /// The signal's process-wide slot.
    slot: &'static Slot,
    /// This listener's key in the slot's waiter list.
    id: u64,
    /// The last generation of the slot this listener reported.
    seen: Seen,
    /// A duplicate of the self-pipe's read end, registered with the
    /// runtime the listener was made on.
    pipe: PollEvented<mio::net::UnixStream>,
    /// False once that runtime has shut down: the listener then waits for
    /// the other runtimes to broadcast.
    driving: bool,
}

impl std::fmt::Debug for Signal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signal")
            .field("id", &self.id)
            .field("seen", &self.seen.0)
            .field("generation", &self.slot.deliveries.generation())
            .finish_non_exhaustive()
    }
}

/// Creates a listener for the signal `kind`.
///
/// The first call for a given signal installs the process-wide handler for
/// it, which stays installed for the life of the process: the signal's
/// default action no longer applies, even once every listener is dropped.
///
/// # Errors
///
/// Returns an error if the signal cannot be listened for: a number that is
/// not positive, one of the signals no handler may be installed for
/// (`SIGKILL`, `SIGSTOP`, `SIGILL`, `SIGFPE`, `SIGSEGV`), a number past the
/// end of the supported range, or a failure of the OS to install the
/// handler or to set up the listener's descriptor.
///
/// # Panics
///
/// Panics if called outside a kiso runtime, or in a runtime whose I/O driver
/// is not enabled (see `Builder::enable_io`).
///
/// # Examples
///
/// ```
/// use kiso::signal::unix::{signal, SignalKind};
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() {
/// let listener = signal(SignalKind::user_defined1());
/// assert!(listener.is_ok());
///
/// // SIGKILL cannot be caught.
/// assert!(signal(SignalKind::from_raw(9)).is_err());
/// # }
/// ```
#[track_caller]
pub fn signal(kind: SignalKind) -> io::Result<Signal> {
    let handle = crate::runtime::Handle::current().inner;
    if handle.io().is_none() {
        panic!(
            "A Tokio 1.x context was found, but IO is disabled. Call `enable_io` on the runtime builder to enable IO."
        );
    }
    let signum = kind.as_raw_value();
    if signum <= 0 || signal_hook_registry::FORBIDDEN.contains(&signum) {
        return Err(io::Error::other(format!(
            "Refusing to register signal {signum}"
        )));
    }
    let globals = globals()?;
    let slot = globals.slot(signum)?;
    globals.enable(signum)?;
    let pipe = mio::net::UnixStream::from_std(globals.receiver()?);
    let pipe = PollEvented::new_with_interest_and_handle(pipe, Interest::READABLE, handle)?;
    Ok(Signal {
        globals,
        slot,
        id: globals.next_id(),
        seen: Seen(slot.deliveries.generation()),
        pipe,
        driving: true,
    })
}

impl Signal {
    /// Waits for the next notification of the signal.
    ///
    /// Completes with `Some(())` once the signal has been delivered since the
    /// previous notification (or since the listener was made). Several
    /// deliveries in between make one notification. In practice it never
    /// returns `None`: the process-wide state behind it is never torn down.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: dropping the future before it completes
    /// loses nothing, and a delivery it did not report is reported by the
    /// next call.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::signal::unix::{signal, SignalKind};
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut usr2 = signal(SignalKind::user_defined2())?;
    /// let waiter = kiso::spawn(async move {
    ///     usr2.recv().await
    /// });
    /// std::process::Command::new("kill")
    ///     .args(["-USR2", &std::process::id().to_string()])
    ///     .status()?;
    /// assert_eq!(waiter.await.unwrap(), Some(()));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn recv(&mut self) -> Option<()> {
        std::future::poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// Polls for the next notification of the signal.
    ///
    /// Returns `Poll::Pending` if no delivery has happened since the last
    /// notification, and arranges for the waker of `cx` to be woken at the
    /// next one; only the waker of the latest call is woken. Returns
    /// `Poll::Ready(Some(()))` once a delivery has happened. It never
    /// returns `Poll::Ready(None)` in practice.
    ///
    /// This is what a hand-written `Future` or `Stream` that owns a `Signal`
    /// calls.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::signal::unix::{signal, Signal, SignalKind};
    /// use std::future::Future;
    /// use std::pin::Pin;
    /// use std::task::{Context, Poll};
    ///
    /// /// Completes at the next SIGWINCH.
    /// struct Resized(Signal);
    ///
    /// impl Future for Resized {
    ///     type Output = ();
    ///
    ///     fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
    ///         self.0.poll_recv(cx).map(|_| ())
    ///     }
    /// }
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let resized = Resized(signal(SignalKind::window_change())?);
    /// std::process::Command::new("kill")
    ///     .args(["-WINCH", &std::process::id().to_string()])
    ///     .status()?;
    /// resized.await;
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<()>> {
        loop {
            self.globals.broadcast();
            if self.take_delivery() {
                return Poll::Ready(Some(()));
            }
            self.slot.deliveries.register(self.id, cx.waker());
            if self.take_delivery() {
                return Poll::Ready(Some(()));
            }
            if !self.driving {
                return Poll::Pending;
            }
            match self.pipe.registration().poll_read_ready(cx) {
                Poll::Ready(Ok(event)) => {
                    Globals::drain(&*self.pipe);
                    self.pipe.registration().clear_readiness(event);
                }
                Poll::Ready(Err(_)) => {
                    // This runtime is gone; listeners on other runtimes
                    // still broadcast, and the waker is registered.
                    self.driving = false;
                    return Poll::Pending;
                }
                Poll::Pending => return Poll::Pending,
            }
        }
    }

    /// Reports a delivery this listener has not reported yet, if any.
    fn take_delivery(&mut self) -> bool {
        self.seen.take(&self.slot.deliveries)
    }
}

impl Drop for Signal {
    fn drop(&mut self) {
        self.slot.deliveries.deregister(self.id);
    }
}

/// Returns a listener for `SIGINT`, for `ctrl_c`.
pub(crate) fn ctrl_c() -> io::Result<Signal> {
    signal(SignalKind::interrupt())
}
