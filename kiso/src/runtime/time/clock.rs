//! The runtime's clock: real time, or (with `test-util`) a paused clock that
//! moves only when told to or when the runtime is idle.

#[cfg(feature = "test-util")]
use crate::loom::sync::atomic::{AtomicBool, Ordering::*};
#[cfg(feature = "test-util")]
use crate::loom::sync::Mutex;
use std::time::{Duration, Instant};

pub(crate) struct Clock {
    start: Instant,
    #[cfg(feature = "test-util")]
    paused: AtomicBool,
    #[cfg(feature = "test-util")]
    frozen: Mutex<Frozen>,
    /// Set once the clock was resumed after a pause: it no longer reads the
    /// system clock directly.
    #[cfg(feature = "test-util")]
    shifted: AtomicBool,
}

#[cfg(feature = "test-util")]
struct Frozen {
    /// The paused time.
    now: Instant,
    /// Running blocking tasks, which keep the clock from jumping ahead.
    inhibit: usize,
    /// Once resumed: the clock reads `base + (Instant::now() - real_base)`,
    /// so it continues from where it was paused.
    resumed: Option<(Instant, Instant)>,
}

impl Clock {
    pub(crate) fn new(start_paused: bool) -> Clock {
        let start = Instant::now();
        let _ = start_paused;
        Clock {
            start,
            #[cfg(feature = "test-util")]
            paused: AtomicBool::new(start_paused),
            #[cfg(feature = "test-util")]
            frozen: Mutex::new(Frozen { now: start, inhibit: 0, resumed: None }),
            #[cfg(feature = "test-util")]
            shifted: AtomicBool::new(false),
        }
    }

    pub(crate) fn start(&self) -> Instant {
        self.start
    }

    pub(crate) fn now(&self) -> Instant {
        #[cfg(feature = "test-util")]
        if self.paused.load(Acquire) || self.shifted.load(Acquire) {
            let f = crate::loom::lock(&self.frozen);
            if self.paused.load(Acquire) {
                return f.now;
            }
            if let Some((base, real)) = f.resumed {
                return base + real.elapsed();
            }
        }
        Instant::now()
    }

    /// Whole milliseconds since the start.
    pub(crate) fn now_tick(&self) -> u64 {
        self.now().saturating_duration_since(self.start).as_millis() as u64
    }

    /// How long until `tick` (zero if it has passed).
    pub(crate) fn until_tick(&self, tick: u64) -> Duration {
        let at = self.start + Duration::from_millis(tick);
        at.saturating_duration_since(self.now())
    }

    #[cfg(feature = "test-util")]
    pub(crate) fn is_paused(&self) -> bool {
        self.paused.load(Acquire)
    }

    /// True if the clock does not simply read the system clock (it is
    /// paused, or was resumed after a pause).
    #[cfg(feature = "test-util")]
    pub(crate) fn is_controlled(&self) -> bool {
        self.paused.load(Acquire) || self.shifted.load(Acquire)
    }
}

#[cfg(feature = "test-util")]
impl Clock {
    #[track_caller]
    pub(crate) fn pause(&self) {
        if self.paused.load(Acquire) {
            panic!("time is already frozen");
        }
        let now = self.now();
        let mut f = crate::loom::lock(&self.frozen);
        if self.paused.load(Acquire) {
            panic!("time is already frozen");
        }
        f.now = now;
        self.paused.store(true, Release);
    }

    #[track_caller]
    pub(crate) fn resume(&self) {
        let mut f = crate::loom::lock(&self.frozen);
        if !self.paused.load(Acquire) {
            panic!("time is not frozen");
        }
        f.resumed = Some((f.now, Instant::now()));
        self.shifted.store(true, Release);
        self.paused.store(false, Release);
    }

    #[track_caller]
    pub(crate) fn advance(&self, by: Duration) {
        let mut f = crate::loom::lock(&self.frozen);
        if !self.paused.load(Acquire) {
            panic!("time is not frozen");
        }
        f.now += by;
    }

    /// Jumps to `tick` if paused and no blocking task runs; true if it did.
    pub(crate) fn auto_advance_to(&self, tick: u64) -> bool {
        let mut f = crate::loom::lock(&self.frozen);
        if !self.paused.load(Acquire) || f.inhibit > 0 {
            return false;
        }
        let at = self.start + Duration::from_millis(tick);
        if at > f.now {
            f.now = at;
        }
        true
    }

    /// True if paused and no blocking task holds the clock.
    pub(crate) fn can_auto_advance(&self) -> bool {
        let f = crate::loom::lock(&self.frozen);
        self.paused.load(Acquire) && f.inhibit == 0
    }

    pub(crate) fn inhibit_auto_advance(&self) {
        crate::loom::lock(&self.frozen).inhibit += 1;
    }

    pub(crate) fn allow_auto_advance(&self) {
        crate::loom::lock(&self.frozen).inhibit -= 1;
    }
}
