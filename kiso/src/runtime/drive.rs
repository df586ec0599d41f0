//! Parking a driving thread with the runtime's drivers: sleeping in the I/O
//! driver when it has one and no other thread is in it, on the parker's
//! condvar otherwise.

use crate::runtime::park::ParkInner;
use crate::runtime::HandleInner;
use std::time::Duration;

/// Sleeps on `park` for up to `timeout` (`None`: until unparked), spinning
/// `spins` times first. If the thread slept in the I/O driver, the events it
/// read are dispatched through `dispatch`, which receives the function that
/// wakes their tasks (so the caller can make its run queue reachable while
/// they are queued). Returns how many resource events were dispatched.
pub(crate) fn park(
    handle: &HandleInner,
    park: &ParkInner,
    spins: u32,
    timeout: Option<Duration>,
    dispatch: impl FnOnce(&mut dyn FnMut() -> usize) -> usize,
) -> usize {
    #[cfg(any(feature = "net", feature = "process", feature = "signal"))]
    if let Some(mut turn) = handle.io().and_then(|d| d.try_turn()) {
        park.park_in_driver(spins, timeout, |t| turn.poll(t));
        return dispatch(&mut || turn.dispatch());
    }
    let _ = (handle, &dispatch);
    match timeout {
        Some(t) => park.park_spin_timeout(spins, t),
        None => park.park_spin(spins),
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
