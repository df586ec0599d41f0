//! Parking a driving thread with the runtime's drivers: sleeping in the I/O
//! driver when it has one and no other thread is in it, on the parker's
//! condvar otherwise.

use crate::runtime::park::ParkInner;
use crate::runtime::HandleInner;
use std::time::Duration;

/// How often a thread spinning while it holds the I/O driver checks the OS
/// for events (in spin steps, about 1 µs).
const SPIN_POLL_EVERY: u32 = 64;

/// Sleeps on `park` for up to `timeout` (`None`: until unparked). If the
/// thread holds the I/O driver, the events it read are dispatched through
/// `dispatch`, which receives the function that wakes their tasks (so the
/// caller can make its run queue reachable while they are queued). Returns
/// how many resource events were dispatched.
///
/// First the thread spins `spins` steps, watching for a notification (a
/// sleeping thread takes tens of microseconds to wake; a spinning one, a
/// fraction of one). If it holds the I/O driver it also polls the OS for
/// events when it starts and every [`SPIN_POLL_EVERY`] steps after, so I/O
/// that arrives during the spin is not kept waiting, and stops spinning when
/// there are some.
/// `spin_done` runs when the spin ends, however it ends. With `may_drive`
/// false the thread leaves the driver to others and sleeps on its parker.
pub(crate) fn park(
    handle: &HandleInner,
    park: &ParkInner,
    spins: u32,
    timeout: Option<Duration>,
    may_drive: bool,
    spin_done: impl FnOnce(),
    dispatch: impl FnOnce(&mut dyn FnMut() -> usize) -> usize,
) -> usize {
    #[cfg(any(feature = "net", feature = "process", feature = "signal"))]
    if let Some(mut turn) = handle.io().filter(|_| may_drive).and_then(|d| d.try_turn()) {
        for i in 0..spins {
            if park.try_consume() {
                spin_done();
                return 0;
            }
            // First at once: the events that made the queue run dry (a
            // reply on loopback, say) are often there already.
            if i % SPIN_POLL_EVERY == 0 {
                turn.poll(Some(Duration::ZERO));
                if turn.has_events() {
                    spin_done();
                    return dispatch(&mut || turn.dispatch());
                }
            }
            crate::runtime::park::spin_step(i);
        }
        spin_done();
        park.park_in_driver(timeout, |t| turn.poll(t));
        return dispatch(&mut || turn.dispatch());
    }
    let _ = (handle, &dispatch, may_drive);
    for i in 0..spins {
        if park.try_consume() {
            spin_done();
            return 0;
        }
        crate::runtime::park::spin_step(i);
    }
    spin_done();
    match timeout {
        Some(t) => park.park_spin_timeout(0, t),
        None => park.park_spin(0),
    }
    0
}

/// Polls the I/O driver without blocking, if it is free, dispatching as
/// [`park`] does. Returns how many resource events were dispatched.
pub(crate) fn poll_now(handle: &HandleInner, dispatch: impl FnOnce(&mut dyn FnMut() -> usize) -> usize) -> usize {
    #[cfg(any(feature = "net", feature = "process", feature = "signal"))]
    if let Some(mut turn) = handle.io().and_then(|d| d.try_turn()) {
        turn.poll(Some(Duration::ZERO));
        return dispatch(&mut || turn.dispatch());
    }
    let _ = (handle, dispatch);
    0
}

/// `dispatch` argument for callers whose run queue is already reachable.
pub(crate) fn direct(f: &mut dyn FnMut() -> usize) -> usize {
    f()
}
