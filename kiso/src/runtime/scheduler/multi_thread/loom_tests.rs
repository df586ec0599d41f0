//! Loom models of the multi-thread scheduler's concurrent parts: the local
//! queue (push, pop, steal, overflow), the inject queue, and the idle
//! protocol (work queued while every worker goes to sleep is never lost).
//!
//! Every model runs each task it ever queued exactly once (counted), so a
//! task lost or duplicated by a race fails it; loom's leak check catches a
//! dropped reference.

use super::idle::Idle;
use super::queue;
use crate::loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use crate::loom::sync::Arc;
use crate::runtime::blocking::BlockingSchedule;
use crate::runtime::scheduler::inject::Inject;
use crate::runtime::task::{self, Id, Notified};
use loom::thread;

fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut b = loom::model::Builder::new();
    if b.preemption_bound.is_none() {
        b.preemption_bound = Some(3);
    }
    b.check(f);
}

/// A task that counts its runs.
fn counted(runs: &Arc<AtomicUsize>) -> Notified {
    let runs = runs.clone();
    let (task, join) = task::new_unowned(
        async move {
            runs.fetch_add(1, SeqCst);
        },
        BlockingSchedule,
        Id::next(),
    );
    drop(join);
    task
}

fn run_all(local: &mut queue::Local) {
    while let Some(t) = local.pop() {
        t.run();
    }
}

fn run_inject(inject: &Inject) {
    while inject.pop_batch(usize::MAX, |t| t.run()) > 0 {}
}

/// The owner pushes and pops while another worker steals.
#[test]
fn loom_queue_push_pop_vs_steal() {
    model(|| {
        let runs = Arc::new(AtomicUsize::new(0));
        let inject = Inject::new();
        let (mut local, steal) = queue::new();
        let (mut thief_local, _thief_steal) = queue::new();
        for _ in 0..3 {
            local.push_back(counted(&runs), &inject);
        }
        let thief = thread::spawn(move || {
            let mut n = 0;
            if let Some((task, _)) = steal.steal_into(&mut thief_local) {
                task.run();
                n += 1;
            }
            while let Some(t) = thief_local.pop() {
                t.run();
                n += 1;
            }
            n
        });
        let mut n = 0;
        if let Some(t) = local.pop() {
            t.run();
            n += 1;
        }
        local.push_back(counted(&runs), &inject);
        n += thief.join().unwrap();
        while let Some(t) = local.pop() {
            t.run();
            n += 1;
        }
        n += inject.pop_batch(usize::MAX, |t| t.run());
        assert_eq!(n, 4);
        assert_eq!(runs.load(SeqCst), 4);
    });
}

/// Two thieves race for the same queue.
#[test]
fn loom_queue_two_stealers() {
    model(|| {
        let runs = Arc::new(AtomicUsize::new(0));
        let inject = Inject::new();
        let (mut local, steal) = queue::new();
        for _ in 0..4 {
            local.push_back(counted(&runs), &inject);
        }
        let steal = Arc::new(steal);
        let thieves: Vec<_> = (0..2)
            .map(|_| {
                let steal = steal.clone();
                thread::spawn(move || {
                    let (mut mine, _s) = queue::new();
                    if let Some((t, _)) = steal.steal_into(&mut mine) {
                        t.run();
                    }
                    run_all(&mut mine);
                })
            })
            .collect();
        for t in thieves {
            t.join().unwrap();
        }
        run_all(&mut local);
        run_inject(&inject);
        assert_eq!(runs.load(SeqCst), 4);
    });
}

/// The owner overflows into the inject queue while a thief steals.
#[test]
fn loom_queue_overflow_vs_steal() {
    model(|| {
        let runs = Arc::new(AtomicUsize::new(0));
        let inject = Arc::new(Inject::new());
        let (mut local, steal) = queue::new();
        for _ in 0..queue::CAPACITY {
            local.push_back(counted(&runs), &inject);
        }
        let i2 = inject.clone();
        let thief = thread::spawn(move || {
            let (mut mine, _s) = queue::new();
            if let Some((t, _)) = steal.steal_into(&mut mine) {
                t.run();
            }
            run_all(&mut mine);
            drop(i2);
        });
        // Full: this push overflows (or finds room freed by the thief).
        local.push_back(counted(&runs), &inject);
        thief.join().unwrap();
        run_all(&mut local);
        run_inject(&inject);
        assert_eq!(runs.load(SeqCst), queue::CAPACITY + 1);
    });
}

/// Two producers push (one a batch) while a consumer takes batches.
#[test]
fn loom_inject_push_vs_pop_batch() {
    model(|| {
        let runs = Arc::new(AtomicUsize::new(0));
        let inject = Arc::new(Inject::new());
        let producers: Vec<_> = (0..2)
            .map(|i| {
                let (inject, runs) = (inject.clone(), runs.clone());
                thread::spawn(move || {
                    if i == 0 {
                        inject.push(counted(&runs));
                    } else {
                        let batch = vec![counted(&runs), counted(&runs)];
                        inject.push_batch(batch.into_iter().map(Notified::into_raw));
                    }
                })
            })
            .collect();
        inject.pop_batch(2, |t| t.run());
        for p in producers {
            p.join().unwrap();
        }
        run_inject(&inject);
        assert_eq!(runs.load(SeqCst), 3);
        assert_eq!(inject.len(), 0);
    });
}

/// Shutdown closes the inject queue while a producer pushes: the task is
/// either run or dropped, never leaked.
#[test]
fn loom_inject_close_vs_push() {
    model(|| {
        let runs = Arc::new(AtomicUsize::new(0));
        let inject = Arc::new(Inject::new());
        let (i2, r2) = (inject.clone(), runs.clone());
        let producer = thread::spawn(move || i2.push(counted(&r2)));
        inject.close();
        let pushed = producer.join().unwrap();
        run_inject(&inject);
        // A push that succeeded was dropped by `close`: never run either way.
        let _ = pushed;
        assert_eq!(runs.load(SeqCst), 0);
        assert_eq!(inject.len(), 0);
    });
}

/// A worker goes to sleep while a producer queues work: either the worker
/// sees the work, or the producer (or the worker's own re-check as last
/// searcher) wakes it. A lost wake-up deadlocks the model.
#[test]
fn loom_idle_park_vs_notify() {
    model(|| {
        let idle = Arc::new(Idle::new(1));
        let work = Arc::new(AtomicBool::new(false));
        let taken = Arc::new(AtomicBool::new(false));
        // The worker starts searching, as a notified worker does.
        assert!(idle.transition_to_searching());
        let park = std::sync::Arc::new(crate::runtime::park::ParkInner::new());
        let (i2, w2, t2, p2) = (idle.clone(), work.clone(), taken.clone(), park.clone());
        let worker = thread::spawn(move || loop {
            if w2.swap(false, SeqCst) {
                t2.store(true, SeqCst);
                if i2.num_searching() > 0 {
                    i2.transition_from_searching();
                }
                return;
            }
            let was_searching = i2.num_searching() > 0;
            if i2.transition_to_parked(0, was_searching, true) && w2.load(SeqCst) {
                // Last searcher: look once more and wake someone (ourselves).
                if let Some(i) = i2.worker_to_notify() {
                    assert_eq!(i, 0);
                }
            }
            while i2.is_parked(0) {
                if w2.load(SeqCst) {
                    // Work is there but nobody woke us: only allowed while
                    // the producer is still on its way to notify.
                    thread::yield_now();
                    continue;
                }
                p2.park();
            }
        });
        // A read-modify-write rather than a store: loom lets a later RMW of
        // the worker read past a plain SeqCst store that happened before it
        // (it models SeqCst as acquire/release), a false alarm.
        work.swap(true, SeqCst);
        if let Some(i) = idle.worker_to_notify() {
            assert_eq!(i, 0);
            park.unpark();
        }
        // Otherwise a searcher exists (the worker), and it must find the
        // work itself.
        worker.join().unwrap();
        assert!(taken.load(SeqCst));
    });
}

/// The scheduler state of a runtime with `n` workers, without threads.
fn shared(n: usize) -> super::Shared {
    super::Shared::new(super::Config {
        num_workers: n,
        event_interval: 61,
        global_queue_interval: None,
        disable_lifo_slot: false,
        thread_name: std::sync::Arc::new(String::new),
        stack_size: None,
        after_start: None,
        before_stop: None,
        park_hooks: Default::default(),
        driver_waker: None,
        rng_seed: crate::util::rand::RngSeed::from_u64(1),
    })
}

/// Worker 1 spins before sleeping while worker 0 queues a task on its own
/// queue and, seeing the spinner, does not wake anybody: the spinner must
/// see the task when its spin ends (and steal it) instead of sleeping with
/// it queued. Worker 0 never runs the task itself here (as if its current
/// task ran for long), so a spinner that sleeps without being woken
/// deadlocks the model.
#[test]
fn loom_spin_end_vs_local_push() {
    model(|| {
        let shared = Arc::new(shared(2));
        let runs = Arc::new(AtomicUsize::new(0));
        let mut core0 = shared.take_core(0).unwrap();
        let mut core1 = shared.take_core(1).unwrap();
        let park1 = shared.remotes[1].park.clone();
        let (s2, r2) = (shared.clone(), runs.clone());
        let producer = thread::spawn(move || {
            core0.run_queue_mut().push_back(counted(&r2), &s2.inject);
            s2.notify_parked_local(true);
            core0
        });
        // Worker 1 goes to park: it claims the spin, registers as parked
        // (not searching), spins (not at all under loom) and ends the spin.
        assert!(shared.start_spin());
        shared.idle.transition_to_parked(1, false, true);
        if shared.end_spin() {
            // Leaves to look for the work; a notifier may have chosen it
            // meanwhile.
            shared.idle.unpark_worker(1);
        } else {
            while shared.idle.is_parked(1) {
                park1.park();
            }
        }
        let stolen = shared.remotes[0].steal.steal_into(core1.run_queue_mut());
        let (task, _) = stolen.expect("the task is still queued on worker 0");
        task.run();
        run_all(core1.run_queue_mut());
        let mut core0 = producer.join().unwrap();
        run_all(core0.run_queue_mut());
        assert_eq!(runs.load(SeqCst), 1);
    });
}

/// `loom_spin_end_vs_local_push` on crowded CPUs. There a spinner whose spin
/// ends looks only at the global queue and at bursts left to it, and work a
/// running worker queued without waking anybody stays that worker's to run.
/// So: if the producer left its burst to the spinner (it saw it spinning and
/// woke nobody), the spinner's spin end must report work, or the burst would
/// wait on a worker that counts on the spinner; otherwise the producer runs
/// the task itself later. Either way it runs exactly once.
#[test]
fn loom_crowded_spin_end_vs_local_push() {
    model(|| {
        let shared = Arc::new(shared(2));
        shared.capacity.force(0);
        let runs = Arc::new(AtomicUsize::new(0));
        let done = Arc::new(AtomicBool::new(false));
        let mut core0 = shared.take_core(0).unwrap();
        let mut core1 = shared.take_core(1).unwrap();
        let park1 = shared.remotes[1].park.clone();
        let (s2, r2, d2, p2) = (shared.clone(), runs.clone(), done.clone(), park1.clone());
        let producer = thread::spawn(move || {
            core0.run_queue_mut().push_back(counted(&r2), &s2.inject);
            let left_to_spinner = s2.notify_parked_local(true);
            if !left_to_spinner {
                // Nobody was counted on: the producer gets to its own queue.
                run_all(core0.run_queue_mut());
            }
            d2.store(true, SeqCst);
            p2.unpark();
            (core0, left_to_spinner)
        });
        assert!(shared.start_spin());
        shared.idle.transition_to_parked(1, false, true);
        let found = shared.end_spin();
        if found {
            shared.idle.unpark_worker(1);
        } else {
            while shared.idle.is_parked(1) && !done.load(SeqCst) {
                park1.park();
            }
        }
        if let Some((task, _)) = shared.remotes[0].steal.steal_into(core1.run_queue_mut()) {
            task.run();
        }
        run_all(core1.run_queue_mut());
        let (mut core0, left_to_spinner) = producer.join().unwrap();
        assert!(!left_to_spinner || found, "the burst was left to a spinner that did not see it");
        run_all(core0.run_queue_mut());
        assert_eq!(runs.load(SeqCst), 1);
    });
}

/// The owner-list shard and global queue of a runtime, with the spawn and
/// shutdown steps the multi-thread scheduler takes on them.
struct MiniRuntime {
    shard: crate::loom::sync::Mutex<crate::runtime::task::list::OwnedList>,
    inject: Inject,
}

#[derive(Clone)]
struct MiniHandle(Arc<MiniRuntime>);

impl task::Schedule for MiniHandle {
    fn schedule(&self, task: Notified) {
        // Wakes from anywhere go to the global queue (dropped once closed).
        self.0.inject.push(task);
    }

    fn release(&self, task: &task::Header) -> bool {
        self.0.shard.lock().unwrap().remove(std::ptr::NonNull::from(task))
    }
}

impl MiniRuntime {
    fn new() -> MiniHandle {
        MiniHandle(Arc::new(MiniRuntime {
            shard: crate::loom::sync::Mutex::new(crate::runtime::task::list::OwnedList::new()),
            inject: Inject::new(),
        }))
    }
}

impl MiniHandle {
    /// As `multi_thread::spawn`: list the task, then queue it; a closed list
    /// rejects (cancels) it on the spot.
    fn spawn<F>(&self, fut: F) -> task::JoinHandle<F::Output>
    where
        F: std::future::Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let (raw, join) = task::new_task(fut, self.clone(), Id::next());
        let pushed = self.0.shard.lock().unwrap().push(raw);
        match pushed {
            Ok(()) => {
                // SAFETY: the second reference of a new task is its `Notified`.
                self.0.inject.push(unsafe { Notified::from_raw(raw.header_ptr()) });
            }
            Err(raw) => raw.cancel_new(),
        }
        join
    }

    /// As `multi_thread::shutdown` once the workers are gone.
    fn shutdown(&self) {
        self.0.shard.lock().unwrap().close();
        self.0.inject.close();
        loop {
            let t = self.0.shard.lock().unwrap().pop();
            match t {
                // SAFETY: we took over the list's reference.
                Some(raw) => unsafe { raw.shutdown() },
                None => break,
            }
        }
    }
}

/// Runtime shutdown races with a spawn from another thread and with a wake
/// of an idle task: every future is dropped exactly once, every join handle
/// resolves, nothing leaks.
#[test]
fn loom_shutdown_vs_spawn_and_wake() {
    model(|| {
        let rt = MiniRuntime::new();
        let drops = Arc::new(AtomicUsize::new(0));
        let waker_slot: Arc<crate::loom::sync::Mutex<Option<std::task::Waker>>> = Arc::default();

        struct Track(Arc<AtomicUsize>);
        impl Drop for Track {
            fn drop(&mut self) {
                self.0.fetch_add(1, SeqCst);
            }
        }

        // An idle task that has handed out its waker.
        let t = Track(drops.clone());
        let slot = waker_slot.clone();
        let idle = rt.spawn(std::future::poll_fn(move |cx| {
            let _keep = &t;
            *slot.lock().unwrap() = Some(cx.waker().clone());
            std::task::Poll::<()>::Pending
        }));
        // Run it once so it parks with its waker out.
        run_inject(&rt.0.inject);

        let (rt2, d2) = (rt.clone(), drops.clone());
        let spawner = thread::spawn(move || {
            let t = Track(d2);
            let h = rt2.spawn(async move {
                let _keep = t;
            });
            loom::future::block_on(h)
        });
        let slot = waker_slot.clone();
        let waker = thread::spawn(move || {
            let w = slot.lock().unwrap().take();
            if let Some(w) = w {
                w.wake();
            }
        });
        rt.shutdown();
        waker.join().unwrap();
        // The spawned task either ran to completion or was cancelled.
        let spawned = spawner.join().unwrap();
        if let Err(e) = spawned {
            assert!(e.is_cancelled());
        }
        run_inject(&rt.0.inject);
        assert!(loom::future::block_on(idle).unwrap_err().is_cancelled());
        waker_slot.lock().unwrap().take();
        assert_eq!(drops.load(SeqCst), 2, "each future dropped exactly once");
    });
}
