//! The reactor: one OS event queue (epoll through mio, edge-triggered) per
//! runtime, turned by whichever driving thread goes to sleep first.
//!
//! # Who turns the driver
//!
//! A thread that has nothing to run and wants to sleep tries to take the
//! poll lock. The winner sleeps in `epoll_wait` (its parker is then in the
//! `PARKED_DRIVER` state, and unparking it writes the driver's eventfd); the
//! others sleep on their condvars. Busy threads turn it without blocking
//! every `event_interval` scheduler ticks. Events are dispatched by the
//! turning thread while it still holds the lock, so tasks woken by I/O are
//! queued on that thread.
//!
//! # Lifetime of a registration
//!
//! A resource's token in the event queue is the address of its
//! [`ScheduledIo`]. The driver's registration set holds one reference to
//! each, taken at registration. Dropping a registration moves that reference
//! to a release list after the resource left the event queue; the list is
//! emptied by the next turn, under the poll lock, before it waits. Events are
//! only read and dispatched under the same lock, so no event that could
//! still name a resource is ever looked at after the resource is freed.

use super::scheduled_io::ScheduledIo;
use crate::io::{Interest, Ready};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::*};
// The driver is never part of a loom model (mio is real I/O), so it uses
// std's types directly; `ScheduledIo`, which is modelled, uses the facade.
use std::sync::{Arc, Mutex, MutexGuard};
use mio::event::Source;
use std::io;
use std::time::Duration;

/// The token of the driver's own waker.
const WAKE_TOKEN: mio::Token = mio::Token(usize::MAX);

/// Releases pending past this many ask the driver to turn soon.
const RELEASE_BATCH: usize = 16;

/// The I/O driver of one runtime.
pub(crate) struct Driver {
    registry: mio::Registry,
    waker: Arc<mio::Waker>,
    poll: Mutex<PollState>,
    set: Mutex<RegistrationSet>,
    pending_release: AtomicUsize,
    is_shutdown: AtomicBool,
    /// Counters (kiso-stable metrics).
    pub(crate) fd_registered: AtomicUsize,
    pub(crate) fd_deregistered: AtomicUsize,
    pub(crate) ready_count: AtomicUsize,
    /// How many times the OS was polled (written under the poll lock).
    turns: AtomicUsize,
}

struct PollState {
    poll: mio::Poll,
    events: mio::Events,
}

struct RegistrationSet {
    live: Vec<Arc<ScheduledIo>>,
    released: Vec<Arc<ScheduledIo>>,
    is_shutdown: bool,
}

/// The right to turn the driver, held by one thread at a time.
pub(crate) struct Turn<'a> {
    driver: &'a Driver,
    state: MutexGuard<'a, PollState>,
}

impl Driver {
    pub(crate) fn new(max_events: usize) -> io::Result<Driver> {
        let poll = mio::Poll::new()?;
        let registry = poll.registry().try_clone()?;
        let waker = Arc::new(mio::Waker::new(&registry, WAKE_TOKEN)?);
        Ok(Driver {
            registry,
            waker,
            poll: Mutex::new(PollState { poll, events: mio::Events::with_capacity(max_events.max(1)) }),
            set: Mutex::new(RegistrationSet { live: Vec::new(), released: Vec::new(), is_shutdown: false }),
            pending_release: AtomicUsize::new(0),
            is_shutdown: AtomicBool::new(false),
            fd_registered: AtomicUsize::new(0),
            fd_deregistered: AtomicUsize::new(0),
            ready_count: AtomicUsize::new(0),
            turns: AtomicUsize::new(0),
        })
    }

    /// What a parker calls to wake a thread sleeping in this driver.
    pub(crate) fn waker(&self) -> Arc<mio::Waker> {
        self.waker.clone()
    }

    /// Takes the right to turn the driver, if no other thread has it.
    pub(crate) fn try_turn(&self) -> Option<Turn<'_>> {
        if self.is_shutdown.load(Acquire) {
            return None;
        }
        let state = match self.poll.try_lock() {
            Ok(state) => state,
            Err(std::sync::TryLockError::Poisoned(e)) => e.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => return None,
        };
        Some(Turn { driver: self, state })
    }

    /// How many times a thread has polled the OS for events so far: a
    /// worker that leaves the driver to the others checks that it moves.
    pub(crate) fn turns(&self) -> usize {
        self.turns.load(Relaxed)
    }

    /// Registers `source` for `interest`; its readiness is then tracked in
    /// the returned state.
    pub(crate) fn add_source(&self, source: &mut impl Source, interest: Interest) -> io::Result<Arc<ScheduledIo>> {
        let io = Arc::new(ScheduledIo::new());
        let mut set = lock(&self.set);
        if set.is_shutdown {
            return Err(super::shutdown_error());
        }
        self.registry.register(source, io.token(), to_mio(interest))?;
        io.set_index.store(set.live.len(), Relaxed);
        set.live.push(io.clone());
        drop(set);
        self.fd_registered.fetch_add(1, Relaxed);
        Ok(io)
    }

    /// Takes `source` out of the event queue.
    pub(crate) fn deregister_source(&self, source: &mut impl Source) -> io::Result<()> {
        self.registry.deregister(source)?;
        self.fd_deregistered.fetch_add(1, Relaxed);
        Ok(())
    }

    /// Gives up the set's reference to `io`; it is freed by the next turn.
    pub(crate) fn release(&self, io: &Arc<ScheduledIo>) {
        let mut set = lock(&self.set);
        let index = io.set_index.swap(usize::MAX, Relaxed);
        if index == usize::MAX {
            return;
        }
        let entry = set.live.swap_remove(index);
        debug_assert!(Arc::ptr_eq(&entry, io));
        if let Some(moved) = set.live.get(index) {
            moved.set_index.store(index, Relaxed);
        }
        set.released.push(entry);
        let pending = set.released.len();
        drop(set);
        self.pending_release.store(pending, Relaxed);
        if pending == RELEASE_BATCH {
            // Nobody may turn the driver for a while (busy workers turn it
            // every event_interval ticks, idle ones when they sleep); make
            // sure the memory comes back.
            let _ = self.waker.wake();
        }
    }

    /// Shuts the driver down: every resource sees an error from now on, and
    /// its waiters are woken.
    pub(crate) fn shutdown(&self) {
        let live = {
            let mut set = lock(&self.set);
            if set.is_shutdown {
                return;
            }
            set.is_shutdown = true;
            self.is_shutdown.store(true, Release);
            let live = std::mem::take(&mut set.live);
            for io in &live {
                io.set_index.store(usize::MAX, Relaxed);
            }
            // Freed with the driver: nothing turns it any more.
            set.released.extend(live.iter().cloned());
            live
        };
        for io in &live {
            io.shutdown();
        }
        let _ = self.waker.wake();
    }

    pub(crate) fn is_shutdown(&self) -> bool {
        self.is_shutdown.load(Acquire)
    }

    /// Resources currently registered (for metrics and tests).
    #[allow(dead_code)]
    pub(crate) fn num_registered(&self) -> usize {
        lock(&self.set).live.len()
    }
}

impl Turn<'_> {
    /// Waits up to `timeout` (forever if `None`) for events, reading them
    /// into the driver's buffer. Frees released registrations first.
    pub(crate) fn poll(&mut self, timeout: Option<Duration>) {
        let driver = self.driver;
        if driver.pending_release.load(Relaxed) > 0 {
            let released = {
                let mut set = lock(&driver.set);
                driver.pending_release.store(0, Relaxed);
                if set.is_shutdown {
                    Vec::new()
                } else {
                    std::mem::take(&mut set.released)
                }
            };
            drop(released);
        }
        // Only the holder of the poll lock writes it.
        driver.turns.store(driver.turns.load(Relaxed).wrapping_add(1), Relaxed);
        let PollState { poll, events } = &mut *self.state;
        if let Err(e) = poll.poll(events, timeout) {
            // EINTR: a spurious wakeup, which callers tolerate. Anything
            // else means the epoll descriptor itself is broken.
            if e.kind() != io::ErrorKind::Interrupted {
                panic!("kiso: polling the I/O driver failed: {e}");
            }
            events.clear();
        }
    }

    /// Whether the last [`Turn::poll`] read any events (including wakeups of
    /// the driver itself).
    pub(crate) fn has_events(&self) -> bool {
        !self.state.events.is_empty()
    }

    /// Publishes the events read by [`Turn::poll`] and wakes their waiters,
    /// then forgets them (a parker that returned early, without polling,
    /// dispatches nothing). Returns how many resource events there were.
    pub(crate) fn dispatch(&mut self) -> usize {
        let mut n = 0;
        for event in self.state.events.iter() {
            let token = event.token();
            if token == WAKE_TOKEN {
                continue;
            }
            let ready = from_mio(event);
            // SAFETY: the token is the address of a `ScheduledIo` that the
            // registration set kept alive when it was registered. It is
            // freed only by a later `poll` on this same lock, after it left
            // the event queue (see the module docs), so it is alive while
            // this turn's events are dispatched.
            let io = unsafe { &*(token.0 as *const ScheduledIo) };
            io.set_readiness(ready);
            io.wake(ready);
            n += 1;
        }
        // Never dispatched twice: the next turn may have freed their
        // resources.
        self.state.events.clear();
        if n > 0 {
            self.driver.ready_count.fetch_add(n, Relaxed);
        }
        n
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn to_mio(interest: Interest) -> mio::Interest {
    let mut m: Option<mio::Interest> = None;
    let mut add = |i: mio::Interest| m = Some(m.map_or(i, |m| m | i));
    if interest.is_readable() {
        add(mio::Interest::READABLE);
    }
    if interest.is_writable() {
        add(mio::Interest::WRITABLE);
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    if interest.is_priority() {
        add(mio::Interest::PRIORITY);
    }
    // Errors are always reported; mio needs some interest to register, so
    // an error-only registration asks for readability too.
    m.unwrap_or(mio::Interest::READABLE)
}

fn from_mio(event: &mio::event::Event) -> Ready {
    let mut ready = Ready::EMPTY;
    if event.is_readable() {
        ready |= Ready::READABLE;
    }
    if event.is_writable() {
        ready |= Ready::WRITABLE;
    }
    if event.is_read_closed() {
        ready |= Ready::READ_CLOSED;
    }
    if event.is_write_closed() {
        ready |= Ready::WRITE_CLOSED;
    }
    if event.is_priority() {
        ready |= Ready::PRIORITY;
    }
    if event.is_error() {
        ready |= Ready::ERROR;
    }
    ready
}

impl std::fmt::Debug for Driver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Driver").finish_non_exhaustive()
    }
}
