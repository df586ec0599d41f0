//! `time/*`: the timer wheel and the clock (Tokio's `tokio::time` API). Built with the
//! `time-workloads` cargo feature of kiso-bench (a default feature).
//!
//! Every workload is written once in `time_workloads!` and instantiated for Tokio and for
//! kiso. Each sample builds a fresh runtime (with `enable_all`, so the time driver is on)
//! outside the timed region and drops it after.
//!
//! - `timers_1m` (CPU ns/timer): on a `current_thread` runtime a driver task spawns 1000 tasks;
//!   each task creates 1000 `Sleep`s with `sleep_until` (kept in one pinned boxed slice,
//!   so a timer costs no allocation of its own) and polls every one of them once, which
//!   **registers** all 1,000,000 timers in the wheel at the same time, then waits until
//!   each has fired (a hand-written join, [`SleepAll`](tokio_impl::SleepAll), that polls
//!   them in deadline order). Timer `k` (0 <= k < 1,000,000) is due at
//!   `start + 300 ms + k us`: the deadlines are spread over 1000 ms, 1000 per millisecond,
//!   and each task owns one millisecond of them. The 300 ms lead ([`TIMER_LEAD`]) lets
//!   the registration of all 1,000,000 finish before the first one is due (Tokio needs
//!   about 150 ms here; at 100 ms it was not enough), so every timer really sits in the
//!   wheel at once and none completes on its registering poll; the share of samples
//!   where this held is printed under the table. The wall time is therefore at least
//!   (300 ms + 1000 ms) / 1,000,000 = 1300 ns/timer whatever the runtime does, so the
//!   value reported is the **CPU time** per timer (registering, firing and polling
//!   1,000,000 timers, plus parking between the ticks), the cost to compare. The sample is timed from before the
//!   spawns to the completion of the last task. Fixed rounds ([`TIMER_ROUNDS`]), no
//!   warm-up. With a smaller size `n` (`--quick`, tests) the spacing and the lead stay
//!   the same, so the spread is `n` microseconds.
//! - `timers_1m_rss` (bytes/timer): the same 1,000,000 timers in a fresh child process
//!   (see [`time_rss`](super::time_rss)): peak RSS growth divided by the timer count.
//!   The `Sleep`s themselves (their `size_of`) are part of what a pending timer costs.
//! - `timeout_churn` (ns/op): on a 2-worker `multi_thread` runtime, 8 tasks
//!   ([`CHURN_TASKS`]) spawned from outside share 1,000,000 operations, each
//!   `timeout(Duration::from_secs(1), yield_now()).await`. `Timeout` polls the inner
//!   future first, so a future that is ready at once would never register the timer;
//!   `yield_now` is pending on the first poll, so the timer is registered (the `Sleep`
//!   of the timeout is polled), and on the second poll the future wins and the timeout
//!   is dropped, which cancels (removes) the registered timer. Every op is thus one
//!   registration and one cancellation, on both workers at once (the share of samples
//!   where the tasks were seen on both workers is printed under the table).
//! - `sleep_reset` (ns/reset): one `Sleep` pinned inside a task on a `current_thread`
//!   runtime and polled once (registered), then `reset` 1,000,000 times, each reset
//!   followed by a poll that must return `Pending`. Reset `i` moves the deadline to
//!   `start + 10 s + (1000 - i % 1000) ms`: each reset is 1 ms *earlier* than the one
//!   before (except one in 1000, which jumps back up), because a runtime may handle a
//!   later deadline lazily (Tokio only records it, and re-inserts the entry when the
//!   old deadline comes due), while an earlier deadline has to move the entry in the
//!   wheel. So every reset (but 1 in 1000) re-registers the timer. No deadline comes due
//!   while the sample runs (a poll returning `Ready` would fail the workload).
//! - `instant_now` (ns/call): `time::Instant::now()` called 1,000,000 times inside
//!   `block_on` of a `current_thread` runtime (the runtime's clock, with its context set).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::harness::{Better, Workload};

/// Timers per task in `timers_1m` (and in its memory child).
pub const TIMERS_PER_TASK: usize = 1000;
/// Distance between two consecutive deadlines of `timers_1m`: 1,000,000 timers span 1 s.
pub const TIMER_SPACING: Duration = Duration::from_micros(1);
/// Time from the start of a `timers_1m` sample to the first deadline: long enough to
/// register every timer before any is due.
pub const TIMER_LEAD: Duration = Duration::from_millis(300);
/// Measured rounds of `timers_1m` and `timers_1m_rss` (each sample lasts over a second).
pub const TIMER_ROUNDS: usize = 3;
/// Tasks sharing the operations of `timeout_churn`.
pub const CHURN_TASKS: usize = 8;
/// The timeout of every `timeout_churn` operation (never reached).
pub const CHURN_TIMEOUT: Duration = Duration::from_secs(1);
/// Worker threads of the `timeout_churn` runtime.
pub const WORKERS: usize = super::rt_multi::WORKERS;
/// `sleep_reset`: the deadlines cycle down through this many milliseconds.
pub const RESET_WINDOW_MS: usize = 1000;
/// `sleep_reset`: how far beyond the start of the sample the window of deadlines begins.
pub const RESET_AHEAD: Duration = Duration::from_secs(10);

/// Set once a `timers_1m` sample has run (for the note under the table).
static TIMERS_RAN: AtomicBool = AtomicBool::new(false);

/// The deadline of timer `k` of a `timers_1m` sample, as an offset from its start.
pub fn timer_offset(k: usize) -> Duration {
    TIMER_LEAD + TIMER_SPACING * k as u32
}

/// Instantiates every `time` workload for the runtime crate at `$rt`, in module `$name`.
macro_rules! time_workloads {
    ($name:ident, $rt:path) => {
        pub mod $name {
            use std::future::{poll_fn, Future};
            use std::hint::black_box;
            use std::pin::Pin;
            use std::sync::atomic::{AtomicBool, Ordering};
            use std::sync::Arc;
            use std::task::{Context, Poll};
            use std::time::Duration;

            use super::{
                timer_offset, CHURN_TASKS, CHURN_TIMEOUT, RESET_AHEAD, RESET_WINDOW_MS,
                TIMERS_PER_TASK, TIMERS_RAN, WORKERS,
            };
            use crate::harness::{measure, Sample, Size};
            use crate::workloads::mem::status_bytes;
            use crate::workloads::rt_multi::observe;
            // The same 2-worker runtime as the `rt_multi` workloads.
            use crate::workloads::rt_multi::$name::runtime as multi_thread;
            use rt::time::{Instant, Sleep};
            use $rt as rt;

            const RUNTIME: &str = stringify!($name);

            fn current_thread() -> rt::runtime::Runtime {
                rt::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("build a current_thread runtime")
            }

            /// Awaits a batch of sleeps sorted by deadline, without an allocation per
            /// sleep and without re-polling every sleep at every wake-up.
            ///
            /// The first poll polls every sleep once, which registers each one that is
            /// not yet due. After that, a wake-up polls from the first unfinished sleep
            /// on, in deadline order, and stops at the first one still pending: that one
            /// has this task's waker and will wake it again. (A sleep that returns
            /// `Pending` only because the task's cooperative budget ran out schedules a
            /// wake-up itself, so that is no different.) A sleep is never polled again
            /// after it returned `Ready`.
            pub struct SleepAll {
                sleeps: Pin<Box<[Sleep]>>,
                /// Index of the first sleep not known to have completed.
                next: usize,
                /// Whether the registering pass over all sleeps has been made.
                registered: bool,
                /// Sleeps (after `next`) that completed in the registering pass, in
                /// increasing order, and how many of them `next` has passed.
                done_early: Vec<usize>,
                done_early_seen: usize,
                /// Deadline of the first timer of the whole sample.
                first_deadline: Instant,
                /// Whether the registering pass ended before `first_deadline`.
                registered_in_time: bool,
            }

            impl SleepAll {
                /// `sleeps` must be sorted by deadline.
                pub fn new(sleeps: Vec<Sleep>, first_deadline: Instant) -> Self {
                    SleepAll {
                        sleeps: Box::into_pin(sleeps.into_boxed_slice()),
                        next: 0,
                        registered: false,
                        done_early: Vec::new(),
                        done_early_seen: 0,
                        first_deadline,
                        registered_in_time: false,
                    }
                }

                fn poll_sleep(&mut self, i: usize, cx: &mut Context<'_>) -> Poll<()> {
                    // SAFETY: the sleeps live in a boxed slice that is pinned and never
                    // moved, resized or replaced until `self` is dropped, so each element
                    // stays at its address: projecting the pin to one element is sound.
                    let sleep = unsafe { self.sleeps.as_mut().map_unchecked_mut(|s| &mut s[i]) };
                    sleep.poll(cx)
                }
            }

            impl Future for SleepAll {
                /// Whether every sleep was registered before the first deadline.
                type Output = bool;

                fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<bool> {
                    let this = self.get_mut();
                    let len = this.sleeps.len();
                    while this.next < len {
                        if this.done_early.get(this.done_early_seen) == Some(&this.next) {
                            this.done_early_seen += 1;
                        } else if this.poll_sleep(this.next, cx).is_pending() {
                            break;
                        }
                        this.next += 1;
                    }
                    if this.next == len {
                        return Poll::Ready(this.registered_in_time);
                    }
                    if !this.registered {
                        this.registered = true;
                        for i in this.next + 1..len {
                            if this.poll_sleep(i, cx).is_ready() {
                                this.done_early.push(i);
                            }
                        }
                        this.registered_in_time = Instant::now() < this.first_deadline;
                        if std::env::var_os("DBG_REG").is_some() {
                            eprintln!(
                                "reg {:?} before first deadline",
                                this.first_deadline.checked_duration_since(Instant::now())
                            );
                        }
                    }
                    Poll::Pending
                }
            }

            /// Registers `n` timers due at `start + timer_offset(k)` from tasks of
            /// [`TIMERS_PER_TASK`] on `runtime` and waits until all have fired. Returns
            /// whether every task registered its timers before the first was due.
            pub fn register_and_fire(runtime: &rt::runtime::Runtime, n: usize) -> bool {
                let driver = runtime.spawn(async move {
                    let start = Instant::now();
                    let first_deadline = start + timer_offset(0);
                    let handles: Vec<_> = (0..n.div_ceil(TIMERS_PER_TASK))
                        .map(|t| {
                            let range = t * TIMERS_PER_TASK..((t + 1) * TIMERS_PER_TASK).min(n);
                            rt::spawn(async move {
                                let sleeps: Vec<Sleep> = range
                                    .map(|k| rt::time::sleep_until(start + timer_offset(k)))
                                    .collect();
                                SleepAll::new(sleeps, first_deadline).await
                            })
                        })
                        .collect();
                    let mut all_in_time = true;
                    for handle in handles {
                        all_in_time &= handle.await.expect("timer task");
                    }
                    all_in_time
                });
                runtime.block_on(driver).expect("timers driver")
            }

            pub fn timers_1m(size: Size) -> Sample {
                let runtime = current_thread();
                let Size { n, reps } = size;
                let mut in_time = true;
                let sample = measure((n * reps) as u64, || {
                    for _ in 0..reps {
                        in_time &= register_and_fire(&runtime, n);
                    }
                });
                TIMERS_RAN.store(true, Ordering::Relaxed);
                observe(
                    "time/timers_1m: samples with all timers registered before the first was due",
                    RUNTIME,
                    in_time as u8 as f64,
                );
                // Wall time is set by the deadline schedule (the lead plus the
                // spread), whatever the runtime does: the value is the CPU
                // time it took to register and fire the timers.
                Sample {
                    value: sample.cpu_per_op.unwrap_or(sample.value),
                    ..sample
                }
            }

            /// Child side of `time/timers_1m_rss`: `(peak RSS growth per timer in bytes,
            /// whether all timers were registered before the first was due)`.
            pub fn timers_rss_child(n: usize) -> (f64, bool) {
                let runtime = current_thread();
                // Let the runtime and its time driver finish their lazy set-up first.
                runtime.block_on(async {
                    rt::task::yield_now().await;
                    rt::time::sleep(Duration::from_millis(1)).await;
                });
                let before = status_bytes("VmRSS");
                let in_time = register_and_fire(&runtime, n);
                let peak = status_bytes("VmHWM");
                // The process exits right after; the teardown is not measured.
                std::mem::forget(runtime);
                (peak.saturating_sub(before) as f64 / n as f64, in_time)
            }

            pub fn timeout_churn(size: Size) -> Sample {
                let runtime = multi_thread();
                let Size { n, reps } = size;
                let seen: Arc<[AtomicBool; WORKERS]> = Arc::new(Default::default());
                let sample = measure((n * reps) as u64, || {
                    for _ in 0..reps {
                        let handles: Vec<_> = (0..CHURN_TASKS)
                            .map(|t| {
                                let ops = n / CHURN_TASKS + usize::from(t < n % CHURN_TASKS);
                                let seen = seen.clone();
                                runtime.spawn(async move {
                                    for i in 0..ops {
                                        if i % 256 == 0 {
                                            if let Some(w) = rt::runtime::worker_index() {
                                                seen[w % WORKERS].store(true, Ordering::Relaxed);
                                            }
                                        }
                                        rt::time::timeout(CHURN_TIMEOUT, rt::task::yield_now())
                                            .await
                                            .expect("timeout_churn: the 1 s timeout elapsed");
                                    }
                                })
                            })
                            .collect();
                        for handle in handles {
                            runtime.block_on(handle).expect("timeout_churn task");
                        }
                    }
                });
                observe(
                    "time/timeout_churn: samples with tasks seen on both workers",
                    RUNTIME,
                    seen.iter().all(|s| s.load(Ordering::Relaxed)) as u8 as f64,
                );
                sample
            }

            pub fn sleep_reset(size: Size) -> Sample {
                let runtime = current_thread();
                let total = size.n * size.reps;
                let sample = runtime.block_on(async move {
                    let base = Instant::now() + RESET_AHEAD;
                    let window = |i: usize| {
                        base + Duration::from_millis((RESET_WINDOW_MS - i % RESET_WINDOW_MS) as u64)
                    };
                    let sleep = rt::time::sleep_until(window(0) + Duration::from_millis(1));
                    let mut sleep = std::pin::pin!(sleep);
                    poll_fn(|cx| {
                        assert!(sleep.as_mut().poll(cx).is_pending(), "registering poll");
                        let sample = measure(total as u64, || {
                            for i in 0..total {
                                sleep.as_mut().reset(window(i));
                                assert!(
                                    sleep.as_mut().poll(cx).is_pending(),
                                    "sleep_reset: a deadline was reached during the sample"
                                );
                            }
                        });
                        Poll::Ready(sample)
                    })
                    .await
                });
                drop(runtime);
                sample
            }

            pub fn instant_now(size: Size) -> Sample {
                let runtime = current_thread();
                let total = size.n * size.reps;
                runtime.block_on(async move {
                    measure(total as u64, || {
                        for _ in 0..total {
                            black_box(Instant::now());
                        }
                    })
                })
            }

            /// Checks that the workloads exercise what they claim on this runtime.
            #[cfg(test)]
            mod tests {
                use super::*;

                /// A timeout whose future stays pending fires: the timer of a timeout
                /// is registered once the inner future has returned `Pending`.
                #[test]
                fn timeout_registers_its_timer() {
                    let runtime = current_thread();
                    // `timeout` needs the runtime's context: build it inside the task.
                    let out = runtime.block_on(async {
                        rt::time::timeout(Duration::from_millis(5), std::future::pending::<()>())
                            .await
                    });
                    assert!(out.is_err());
                    let ok = runtime.block_on(async {
                        rt::time::timeout(Duration::from_secs(5), rt::task::yield_now()).await
                    });
                    assert!(ok.is_ok());
                }

                /// `SleepAll` waits for every deadline, and none fires early.
                #[test]
                fn sleep_all_waits_for_the_last_deadline() {
                    let runtime = current_thread();
                    let done = runtime.block_on(async {
                        let start = Instant::now();
                        let sleeps: Vec<Sleep> = (0..300u64)
                            .map(|k| rt::time::sleep_until(start + Duration::from_micros(100 * k)))
                            .collect();
                        let in_time = SleepAll::new(sleeps, start + Duration::from_secs(60)).await;
                        assert!(in_time);
                        start.elapsed()
                    });
                    assert!(done >= Duration::from_micros(29_900), "{done:?}");
                }

                /// A reset to an earlier deadline takes effect: the sleep fires then.
                #[test]
                fn reset_to_an_earlier_deadline_fires_then() {
                    let runtime = current_thread();
                    let waited = runtime.block_on(async {
                        let start = Instant::now();
                        let sleep = rt::time::sleep_until(start + Duration::from_secs(60));
                        let mut sleep = std::pin::pin!(sleep);
                        poll_fn(|cx| {
                            assert!(sleep.as_mut().poll(cx).is_pending());
                            Poll::Ready(())
                        })
                        .await;
                        sleep.as_mut().reset(start + Duration::from_millis(5));
                        sleep.await;
                        start.elapsed()
                    });
                    assert!(waited >= Duration::from_millis(5), "{waited:?}");
                    assert!(waited < Duration::from_secs(30), "{waited:?}");
                }

                /// Every workload completes at a tiny size and reports a positive value.
                #[test]
                fn workloads_complete() {
                    let small = Size { n: 2000, reps: 2 };
                    for f in [timers_1m, timeout_churn, sleep_reset, instant_now] {
                        let sample = f(small);
                        assert!(sample.value > 0.0 && sample.cpu_per_op.is_some());
                    }
                    let (bytes, in_time) = timers_rss_child(2000);
                    assert!(bytes.is_finite() && bytes >= 0.0 && in_time, "{bytes}");
                }
            }
        }
    };
}

time_workloads!(tokio_impl, ::tokio);
time_workloads!(kiso_impl, crate::workloads::kiso_rt);

/// A line under the table saying how to read `time/timers_1m`, if it ran.
pub fn notes() -> Vec<String> {
    if TIMERS_RAN.load(Ordering::Relaxed) {
        let n = 1_000_000u32;
        let floor = (TIMER_LEAD + TIMER_SPACING * n).as_nanos() / u128::from(n);
        vec![format!(
            "time/timers_1m: the wall value has a floor of (lead {} ms + n x {} us) / n per \
             timer ({floor} ns at n = 1,000,000): compare the cpu columns",
            TIMER_LEAD.as_millis(),
            TIMER_SPACING.as_micros()
        )]
    } else {
        Vec::new()
    }
}

/// The `time/*` workloads, in table order.
pub fn workloads() -> Vec<Workload> {
    macro_rules! entry {
        ($f:ident, $unit:expr, $n:expr, $quick:expr, $rounds:expr) => {
            Workload {
                name: concat!("time/", stringify!($f)),
                unit: $unit,
                better: Better::Lower,
                n: $n,
                quick_n: $quick,
                calibrate: Option::<usize>::is_none(&$rounds),
                rounds: $rounds,
                tokio: tokio_impl::$f,
                kiso: kiso_impl::$f,
            }
        };
    }
    vec![
        entry!(
            timers_1m,
            "cpu ns/timer",
            1_000_000,
            50_000,
            Some(TIMER_ROUNDS)
        ),
        super::time_rss::workload(),
        entry!(timeout_churn, "ns/op", 1_000_000, 20_000, None),
        entry!(sleep_reset, "ns/reset", 1_000_000, 20_000, None),
        entry!(instant_now, "ns/call", 1_000_000, 20_000, None),
    ]
}
