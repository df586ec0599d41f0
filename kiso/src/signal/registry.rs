//! The process-wide side of signal handling: one slot per signal number,
//! the handler installed (once) for each, and the self-pipe the handlers
//! write to.
//!
//! A handler may only do async-signal-safe work, so it does two things: it
//! sets its signal's `pending` flag and writes one byte to the write end of
//! a non-blocking socket pair. Every listener holds its own duplicate of the
//! read end, registered with its runtime's I/O driver, so a byte wakes the
//! listeners that are waiting in every runtime. Whoever runs first drains
//! the pipe and calls [`Globals::broadcast`], which turns each set `pending`
//! flag into one more delivery (a generation counter) and wakes every
//! listener of that signal. A listener completes when the generation moves
//! past the last one it reported, so deliveries that pile up before a
//! listener looks are coalesced into one, as in Tokio.
//!
//! The per-signal delivery state (flag, generation counter, waiter list) is
//! in `deliveries.rs`, with loom models in `loom_tests.rs`.

use super::deliveries::Deliveries;
use std::io::{self, Read, Write};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

/// Process-wide signal state, created on the first `signal` call.
pub(super) struct Globals {
    /// The end the handlers write to (non-blocking).
    sender: UnixStream,
    /// The end listeners duplicate and read from (non-blocking).
    receiver: UnixStream,
    /// One slot per signal number below `SIGRTMAX` (on Linux) or 33.
    slots: Box<[Slot]>,
    /// Source of listener ids (keys in the waiter lists).
    next_id: AtomicU64,
}

/// The state of one signal number.
pub(super) struct Slot {
    /// Deliveries and the listeners waiting for them.
    pub(super) deliveries: Deliveries,
    /// Whether the handler is installed: the result of the one attempt,
    /// `Err(raw OS error)` if it failed.
    installed: OnceLock<Result<(), Option<i32>>>,
}

static GLOBALS: OnceLock<Globals> = OnceLock::new();
static GLOBALS_INIT: Mutex<()> = Mutex::new(());

/// How many signal numbers the table has room for.
fn slot_count() -> usize {
    #[cfg(any(target_os = "linux", target_os = "illumos"))]
    {
        libc::SIGRTMAX() as usize
    }
    #[cfg(not(any(target_os = "linux", target_os = "illumos")))]
    {
        33
    }
}

/// Returns the process-wide state, creating it (and its socket pair) first
/// if needed.
pub(super) fn globals() -> io::Result<&'static Globals> {
    if let Some(g) = GLOBALS.get() {
        return Ok(g);
    }
    let _guard = GLOBALS_INIT.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(g) = GLOBALS.get() {
        return Ok(g);
    }
    let (sender, receiver) = UnixStream::pair()?;
    sender.set_nonblocking(true)?;
    receiver.set_nonblocking(true)?;
    let slots = (0..slot_count())
        .map(|_| Slot {
            deliveries: Deliveries::new(),
            installed: OnceLock::new(),
        })
        .collect();
    let globals = Globals {
        sender,
        receiver,
        slots,
        next_id: AtomicU64::new(0),
    };
    Ok(GLOBALS.get_or_init(|| globals))
}

impl Globals {
    /// The slot of signal `signum`, or an error if the table has no room
    /// for it.
    pub(super) fn slot(&self, signum: libc::c_int) -> io::Result<&Slot> {
        usize::try_from(signum)
            .ok()
            .and_then(|i| self.slots.get(i))
            .ok_or_else(|| io::Error::other("signal too large"))
    }

    /// Installs the handler of `signum` if it is not installed yet.
    ///
    /// The first call decides: if installing fails, every later call
    /// reports the same failure.
    pub(super) fn enable(&'static self, signum: libc::c_int) -> io::Result<()> {
        let slot = self.slot(signum)?;
        let outcome = slot.installed.get_or_init(|| {
            let action = move || self.on_signal(signum);
            // SAFETY: `register` requires the action to be async-signal-safe.
            // `on_signal` stores to an atomic flag and makes one `write(2)`
            // call on a non-blocking socket; it neither allocates, locks nor
            // panics (the slot lookup cannot fail: `signum` was checked
            // above, and the error of the write is ignored).
            let registered = unsafe { signal_hook_registry::register(signum, action) };
            registered.map(|_| ()).map_err(|e| e.raw_os_error())
        });
        match *outcome {
            Ok(()) => Ok(()),
            Err(Some(code)) => Err(io::Error::from_raw_os_error(code)),
            Err(None) => Err(io::Error::other("registering the signal handler failed")),
        }
    }

    /// The handler body: runs in signal context.
    fn on_signal(&self, signum: libc::c_int) {
        if let Some(slot) = self.slots.get(signum as usize) {
            slot.deliveries.record();
        }
        // A full pipe already holds a wake-up; anything else cannot be
        // reported from here.
        let _ = (&self.sender).write(&[1]);
    }

    /// A fresh duplicate of the pipe's read end, for one listener.
    pub(super) fn receiver(&self) -> io::Result<UnixStream> {
        self.receiver.try_clone()
    }

    /// A listener id, unique in this process.
    pub(super) fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// Reads the pipe until it is empty (`WouldBlock`) or fails.
    pub(super) fn drain(mut pipe: impl Read) {
        let mut buf = [0u8; 128];
        loop {
            match pipe.read(&mut buf) {
                Ok(0) => return,
                Ok(_) => continue,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => return,
            }
        }
    }

    /// Turns every recorded delivery into a new generation and wakes that
    /// signal's listeners.
    pub(super) fn broadcast(&self) {
        for slot in self.slots.iter() {
            slot.deliveries.broadcast();
        }
    }
}
