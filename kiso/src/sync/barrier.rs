//! `Barrier`: lets a fixed number of tasks meet before any continues.
//!
//! A mutex guards the arrival count and the generation number. A task that
//! is not the last to arrive creates its `Notified` while holding that mutex,
//! so the leader's later `notify_waiters` (made after it bumped the
//! generation) is guaranteed to reach it. A wake-up meant for an earlier
//! generation is told apart by re-reading the generation.

use super::futures::Notified;
use super::Notify;
use crate::loom::sync::Mutex;

use std::fmt;

#[cfg(all(test, loom))]
mod loom_tests;

/// A barrier enables multiple tasks to synchronize the beginning of some
/// computation.
///
/// A barrier created with `n` makes the first `n - 1` tasks that call
/// [`wait`](Barrier::wait) wait until the `n`th arrives; then all of them
/// continue. The barrier can then be used again by the next `n` tasks.
///
/// # Examples
///
/// ```
/// use kiso::sync::Barrier;
/// use std::sync::Arc;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() {
/// let n = 10;
/// let barrier = Arc::new(Barrier::new(n));
/// let mut handles = Vec::new();
/// for _ in 0..n {
///     let b = barrier.clone();
///     handles.push(kiso::spawn(async move { b.wait().await }));
/// }
///
/// let mut leaders = 0;
/// for h in handles {
///     if h.await.unwrap().is_leader() {
///         leaders += 1;
///     }
/// }
/// assert_eq!(leaders, 1);
/// # }
/// ```
pub struct Barrier {
    state: Mutex<Arrivals>,
    notify: Notify,
    n: usize,
}

struct Arrivals {
    arrived: usize,
    generation: usize,
}

impl Barrier {
    /// Creates a new barrier for `n` tasks.
    ///
    /// `n - 1` tasks calling [`wait`](Barrier::wait) are held back until the
    /// `n`th one calls it. A barrier of `0` behaves like a barrier of `1`:
    /// every call to `wait` returns at once, as leader.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Barrier;
    ///
    /// let barrier = Barrier::new(3);
    /// # let _ = barrier;
    /// ```
    pub fn new(n: usize) -> Barrier {
        Barrier {
            state: Mutex::new(Arrivals {
                arrived: 0,
                generation: 0,
            }),
            notify: Notify::new(),
            n: n.max(1),
        }
    }

    /// Waits until all `n` tasks have reached the barrier.
    ///
    /// The barrier can be reused once all `n` tasks have met. Exactly one
    /// task of each group (the last one to arrive) gets a
    /// [`BarrierWaitResult`] whose [`is_leader`](BarrierWaitResult::is_leader)
    /// returns `true`; the others get `false`.
    ///
    /// # Cancel safety
    ///
    /// This method is not cancel safe: a task that arrived and was cancelled
    /// while waiting still counts as arrived for the current group.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Barrier;
    /// use std::sync::Arc;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let barrier = Arc::new(Barrier::new(2));
    /// let other = barrier.clone();
    /// let task = kiso::spawn(async move { other.wait().await.is_leader() });
    /// let mine = barrier.wait().await.is_leader();
    /// // Exactly one of the two is the leader.
    /// assert!(mine != task.await.unwrap());
    /// # }
    /// ```
    pub async fn wait(&self) -> BarrierWaitResult {
        let (generation, mut notified) = match self.arrive() {
            Some(pending) => pending,
            None => return BarrierWaitResult(true),
        };
        loop {
            // Waiting spends coop budget, as a receive does.
            crate::task::coop::cooperative(notified).await;
            match self.still_waiting(generation) {
                Some(next) => notified = next,
                None => return BarrierWaitResult(false),
            }
        }
    }

    /// Counts one arrival. Returns `None` for the leader, else the
    /// generation to wait out and a future registered for its end.
    fn arrive(&self) -> Option<(usize, Notified<'_>)> {
        let mut state = crate::loom::lock(&self.state);
        state.arrived += 1;
        if state.arrived == self.n {
            state.arrived = 0;
            state.generation = state.generation.wrapping_add(1);
            drop(state);
            self.notify.notify_waiters();
            return None;
        }
        Some((state.generation, self.notify.notified()))
    }

    /// `None` once `generation` is over; otherwise a fresh future registered
    /// for its end.
    fn still_waiting(&self, generation: usize) -> Option<Notified<'_>> {
        let state = crate::loom::lock(&self.state);
        if state.generation != generation {
            None
        } else {
            Some(self.notify.notified())
        }
    }
}

impl fmt::Debug for Barrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = crate::loom::lock(&self.state);
        f.debug_struct("Barrier")
            .field("n", &self.n)
            .field("arrived", &state.arrived)
            .field("generation", &state.generation)
            .finish()
    }
}

/// Returned by [`Barrier::wait`] once all tasks have met.
///
/// # Examples
///
/// ```
/// use kiso::sync::Barrier;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() {
/// let result = Barrier::new(1).wait().await;
/// assert!(result.is_leader());
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct BarrierWaitResult(bool);

impl BarrierWaitResult {
    /// Returns `true` if this task was the leader of its group: exactly one
    /// task of each group of `n` gets `true`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Barrier;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let barrier = Barrier::new(1);
    /// assert!(barrier.wait().await.is_leader());
    /// # }
    /// ```
    pub fn is_leader(&self) -> bool {
        self.0
    }
}
