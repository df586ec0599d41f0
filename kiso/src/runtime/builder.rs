//! `Builder`: configure and create a runtime.

use crate::runtime::blocking::{self, BlockingPool};
use crate::runtime::handle::{Handle, HandleInner};
use crate::runtime::scheduler::current_thread;
use crate::runtime::{Callback, Id, RngSeed, Runtime, RuntimeFlavor, Scheduler, ThreadNameFn};
use std::fmt;
use std::io;
use std::sync::Arc;
use std::time::Duration;

/// Builds a runtime with custom settings.
///
/// Start from [`Builder::new_current_thread`] (or `new_multi_thread` with the
/// `rt-multi-thread` feature), chain the settings, then call
/// [`build`](Builder::build).
///
/// # Examples
///
/// ```
/// use kiso::runtime::Builder;
///
/// let rt = Builder::new_current_thread()
///     .enable_all()
///     .thread_name("my-blocking-pool")
///     .max_blocking_threads(8)
///     .build()
///     .unwrap();
/// assert_eq!(rt.block_on(async { 1 + 1 }), 2);
/// ```
pub struct Builder {
    flavor: RuntimeFlavor,
    enable_io: bool,
    enable_time: bool,
    start_paused: bool,
    worker_threads: Option<usize>,
    max_blocking_threads: usize,
    thread_name: ThreadNameFn,
    thread_stack_size: Option<usize>,
    after_start: Option<Callback>,
    before_stop: Option<Callback>,
    before_park: Option<Callback>,
    after_unpark: Option<Callback>,
    keep_alive: Option<Duration>,
    event_interval: u32,
    global_queue_interval: Option<u32>,
    disable_lifo_slot: bool,
    max_io_events_per_tick: usize,
    max_io_events_per_busy_tick: Option<usize>,
    name: Option<String>,
    rng_seed: Option<RngSeed>,
}

/// Default name of runtime threads; the same as Tokio's, so code and tools
/// that look for it keep working.
const DEFAULT_THREAD_NAME: &str = "tokio-runtime-worker";

impl Builder {
    /// Returns a builder for a runtime that runs every task on the thread
    /// that calls [`Runtime::block_on`].
    ///
    /// The I/O and time drivers are off until enabled, for example with
    /// [`enable_all`](Builder::enable_all).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// rt.block_on(async { println!("hello") });
    /// ```
    pub fn new_current_thread() -> Builder {
        Builder::new(RuntimeFlavor::CurrentThread, 31)
    }

    /// Returns a builder for a runtime whose tasks run on a pool of worker
    /// threads that steal work from each other, so they make progress in
    /// parallel and while no thread is in `block_on`.
    ///
    /// The number of workers defaults to the number of CPUs (see
    /// [`worker_threads`](Builder::worker_threads)).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    /// let (tx, rx) = std::sync::mpsc::channel();
    /// // Runs without anyone calling `block_on`.
    /// rt.spawn(async move { tx.send(7).unwrap() });
    /// assert_eq!(rx.recv().unwrap(), 7);
    /// ```
    #[cfg(feature = "rt-multi-thread")]
    #[cfg_attr(docsrs, doc(cfg(feature = "rt-multi-thread")))]
    pub fn new_multi_thread() -> Builder {
        Builder::new(RuntimeFlavor::MultiThread, 61)
    }

    fn new(flavor: RuntimeFlavor, _default_gqi: u32) -> Builder {
        Builder {
            flavor,
            enable_io: false,
            enable_time: false,
            start_paused: false,
            worker_threads: None,
            max_blocking_threads: 512,
            thread_name: Arc::new(|| DEFAULT_THREAD_NAME.into()),
            thread_stack_size: None,
            after_start: None,
            before_stop: None,
            before_park: None,
            after_unpark: None,
            keep_alive: None,
            event_interval: 61,
            global_queue_interval: None,
            disable_lifo_slot: false,
            max_io_events_per_tick: 1024,
            max_io_events_per_busy_tick: None,
            name: None,
            rng_seed: None,
        }
    }

    /// Enables every driver: I/O and time.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # drop(rt);
    /// ```
    pub fn enable_all(&mut self) -> &mut Self {
        self.enable_io = true;
        self.enable_time = true;
        self
    }

    /// Enables the I/O driver (sockets, pipes, signals, child processes).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().enable_io().build().unwrap();
    /// # drop(rt);
    /// ```
    #[cfg(any(feature = "net", feature = "process", feature = "signal"))]
    #[cfg_attr(docsrs, doc(cfg(any(feature = "net", feature = "process", feature = "signal"))))]
    pub fn enable_io(&mut self) -> &mut Self {
        self.enable_io = true;
        self
    }

    /// Enables the time driver (sleeps, intervals, timeouts).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// # drop(rt);
    /// ```
    #[cfg(feature = "time")]
    #[cfg_attr(docsrs, doc(cfg(feature = "time")))]
    pub fn enable_time(&mut self) -> &mut Self {
        self.enable_time = true;
        self
    }

    /// Sets the number of worker threads of a multi-thread runtime. The
    /// default is the `TOKIO_WORKER_THREADS` environment variable if set,
    /// else the number of CPUs. A current-thread runtime ignores it.
    ///
    /// # Panics
    ///
    /// Panics if `val` is zero.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().worker_threads(4).build().unwrap();
    /// # drop(rt);
    /// ```
    #[track_caller]
    pub fn worker_threads(&mut self, val: usize) -> &mut Self {
        assert!(val > 0, "worker_threads cannot be set to 0");
        self.worker_threads = Some(val);
        self
    }

    /// Sets how many threads the blocking pool may start (default 512).
    ///
    /// Blocking tasks beyond that wait in a queue for a free thread.
    ///
    /// # Panics
    ///
    /// Panics if `val` is zero.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().max_blocking_threads(2).build().unwrap();
    /// # drop(rt);
    /// ```
    #[track_caller]
    pub fn max_blocking_threads(&mut self, val: usize) -> &mut Self {
        assert!(val > 0, "max_blocking_threads cannot be set to 0");
        self.max_blocking_threads = val;
        self
    }

    /// Names the threads the runtime starts (default `"tokio-runtime-worker"`).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().thread_name("pool").build().unwrap();
    /// let name = rt.block_on(rt.spawn_blocking(|| std::thread::current().name().unwrap().to_owned()));
    /// assert_eq!(name.unwrap(), "pool");
    /// ```
    pub fn thread_name(&mut self, val: impl Into<String>) -> &mut Self {
        let val = val.into();
        self.thread_name = Arc::new(move || val.clone());
        self
    }

    /// Names each thread the runtime starts by calling `f`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    ///
    /// static N: AtomicUsize = AtomicUsize::new(0);
    /// let rt = kiso::runtime::Builder::new_current_thread()
    ///     .thread_name_fn(|| format!("pool-{}", N.fetch_add(1, Ordering::SeqCst)))
    ///     .build()
    ///     .unwrap();
    /// let name = rt.block_on(rt.spawn_blocking(|| std::thread::current().name().unwrap().to_owned()));
    /// assert!(name.unwrap().starts_with("pool-"));
    /// ```
    pub fn thread_name_fn<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() -> String + Send + Sync + 'static,
    {
        self.thread_name = Arc::new(f);
        self
    }

    /// Sets the stack size, in bytes, of the threads the runtime starts.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().thread_stack_size(4 << 20).build().unwrap();
    /// # drop(rt);
    /// ```
    pub fn thread_stack_size(&mut self, val: usize) -> &mut Self {
        self.thread_stack_size = Some(val);
        self
    }

    /// Runs `f` on each thread the runtime starts, before it does anything
    /// else.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread()
    ///     .on_thread_start(|| println!("thread started"))
    ///     .build()
    ///     .unwrap();
    /// # drop(rt);
    /// ```
    pub fn on_thread_start<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.after_start = Some(Arc::new(f));
        self
    }

    /// Runs `f` on each thread the runtime starts, just before it exits.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread()
    ///     .on_thread_stop(|| println!("thread stopping"))
    ///     .build()
    ///     .unwrap();
    /// # drop(rt);
    /// ```
    pub fn on_thread_stop<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.before_stop = Some(Arc::new(f));
        self
    }

    /// Runs `f` each time a thread driving the runtime is about to park
    /// (sleep because it has no task to run).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread()
    ///     .on_thread_park(|| println!("parking"))
    ///     .build()
    ///     .unwrap();
    /// # drop(rt);
    /// ```
    pub fn on_thread_park<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.before_park = Some(Arc::new(f));
        self
    }

    /// Runs `f` each time a thread driving the runtime wakes from parking.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread()
    ///     .on_thread_unpark(|| println!("unparked"))
    ///     .build()
    ///     .unwrap();
    /// # drop(rt);
    /// ```
    pub fn on_thread_unpark<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.after_unpark = Some(Arc::new(f));
        self
    }

    /// Sets how long an idle blocking-pool thread waits for work before it
    /// exits (default 10 seconds).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let rt = kiso::runtime::Builder::new_current_thread()
    ///     .thread_keep_alive(Duration::from_millis(100))
    ///     .build()
    ///     .unwrap();
    /// # drop(rt);
    /// ```
    pub fn thread_keep_alive(&mut self, duration: Duration) -> &mut Self {
        self.keep_alive = Some(duration);
        self
    }

    /// Sets after how many scheduler ticks the runtime checks the queue of
    /// tasks spawned or woken from other threads, even while local tasks are
    /// ready (current-thread default 31).
    ///
    /// # Panics
    ///
    /// Panics if `val` is zero.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().global_queue_interval(15).build().unwrap();
    /// # drop(rt);
    /// ```
    #[track_caller]
    pub fn global_queue_interval(&mut self, val: u32) -> &mut Self {
        assert!(val > 0, "global_queue_interval must be greater than 0");
        self.global_queue_interval = Some(val);
        self
    }

    /// Sets after how many scheduler ticks the runtime polls its drivers for
    /// new events, even while tasks are ready (default 61).
    ///
    /// # Panics
    ///
    /// Panics if `val` is zero.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().event_interval(31).build().unwrap();
    /// # drop(rt);
    /// ```
    #[track_caller]
    pub fn event_interval(&mut self, val: u32) -> &mut Self {
        assert!(val > 0, "event_interval must be greater than 0");
        self.event_interval = val;
        self
    }

    /// Turns off the LIFO slot of a multi-thread runtime's workers (kiso
    /// extension, stable; unstable in Tokio).
    ///
    /// By default, a task woken by a task running on a worker runs next on
    /// that worker, which is fast for message passing (the woken task finds
    /// the message in cache) but is less fair. Without the slot, woken tasks
    /// queue behind the others. A current-thread runtime has no LIFO slot.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_multi_thread().disable_lifo_slot().build().unwrap();
    /// # drop(rt);
    /// ```
    pub fn disable_lifo_slot(&mut self) -> &mut Self {
        self.disable_lifo_slot = true;
        self
    }

    /// Sets how many I/O events the driver handles per poll (default 1024).
    ///
    /// # Panics
    ///
    /// Panics if `capacity` is zero.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().max_io_events_per_tick(256).build().unwrap();
    /// # drop(rt);
    /// ```
    #[cfg(feature = "net")]
    #[cfg_attr(docsrs, doc(cfg(feature = "net")))]
    #[track_caller]
    pub fn max_io_events_per_tick(&mut self, capacity: usize) -> &mut Self {
        assert!(capacity > 0, "max_io_events_per_tick must be greater than 0");
        self.max_io_events_per_tick = capacity;
        self
    }

    /// Sets how many I/O events the driver handles per non-blocking poll made
    /// while tasks are ready (defaults to
    /// [`max_io_events_per_tick`](Builder::max_io_events_per_tick)).
    ///
    /// # Panics
    ///
    /// Panics if `capacity` is zero.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().max_io_events_per_busy_tick(64).build().unwrap();
    /// # drop(rt);
    /// ```
    #[cfg(feature = "net")]
    #[cfg_attr(docsrs, doc(cfg(feature = "net")))]
    #[track_caller]
    pub fn max_io_events_per_busy_tick(&mut self, capacity: usize) -> &mut Self {
        assert!(capacity > 0, "max_io_events_per_busy_tick must be greater than 0");
        self.max_io_events_per_busy_tick = Some(capacity);
        self
    }

    /// Names the runtime; the name is returned by [`Handle::name`].
    ///
    /// # Panics
    ///
    /// Panics if the name is empty or only whitespace.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().name("ingest").build().unwrap();
    /// assert_eq!(rt.handle().name(), Some("ingest"));
    /// ```
    #[track_caller]
    pub fn name(&mut self, val: impl Into<String>) -> &mut Self {
        let val = val.into();
        assert!(!val.trim().is_empty(), "runtime name cannot be empty or only whitespace");
        self.name = Some(val);
        self
    }

    /// Starts the runtime's clock paused (needs the `test-util` feature).
    ///
    /// Only a current-thread runtime supports a paused clock.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().unwrap();
    /// # drop(rt);
    /// ```
    #[cfg(feature = "test-util")]
    #[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
    pub fn start_paused(&mut self, start_paused: bool) -> &mut Self {
        self.start_paused = start_paused;
        self
    }

    /// Seeds the runtime's random number generators, so that its random
    /// choices (such as the branch `select!` polls first) repeat from run to
    /// run.
    ///
    /// Without a seed each runtime is seeded at random. With one, two
    /// runtimes built from equal seeds make the same choices in the same
    /// order, provided they run the same code in the same order: this holds
    /// for the `current_thread` scheduler, whose tasks all run on the thread
    /// that calls `block_on`. On a multi-thread runtime each worker thread
    /// and each `block_on` call draws the next seed of the sequence; the
    /// future given to `block_on` repeats its choices, while which worker
    /// gets which seed, and so what its tasks choose, depends on thread
    /// timing. (In Tokio this option is unstable; kiso offers it on stable.)
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::runtime::{Builder, RngSeed};
    ///
    /// let rt = Builder::new_current_thread()
    ///     .rng_seed(RngSeed::from_bytes(b"reproducible"))
    ///     .build()
    ///     .unwrap();
    /// let first = rt.block_on(async {
    ///     kiso::select! {
    ///         _ = async {} => 'a',
    ///         _ = async {} => 'b',
    ///     }
    /// });
    /// assert!(first == 'a' || first == 'b');
    /// ```
    pub fn rng_seed(&mut self, seed: RngSeed) -> &mut Self {
        self.rng_seed = Some(seed);
        self
    }

    /// Creates the runtime.
    ///
    /// # Errors
    ///
    /// Returns the OS error if a thread the runtime needs cannot be started.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// assert_eq!(rt.block_on(async { "built" }), "built");
    /// ```
    pub fn build(&mut self) -> io::Result<Runtime> {
        let hooks =
            crate::runtime::ParkHooks { before_park: self.before_park.clone(), after_unpark: self.after_unpark.clone() };
        let blocking = BlockingPool::new(blocking::Config {
            thread_name: self.thread_name.clone(),
            stack_size: self.thread_stack_size,
            after_start: self.after_start.clone(),
            before_stop: self.before_stop.clone(),
            thread_cap: self.max_blocking_threads,
            keep_alive: self.keep_alive.unwrap_or(Duration::from_secs(10)),
        });
        let _ = (self.enable_io, self.max_io_events_per_tick, self.max_io_events_per_busy_tick, self.start_paused);
        #[cfg(any(feature = "net", feature = "process", feature = "signal"))]
        let io = if self.enable_io {
            Some(crate::runtime::io::Driver::new(self.max_io_events_per_tick)?)
        } else {
            None
        };
        #[cfg(any(feature = "net", feature = "process", feature = "signal"))]
        let driver_waker = io.as_ref().map(|d| d.waker());
        #[cfg(not(any(feature = "net", feature = "process", feature = "signal")))]
        let driver_waker = None;
        let scheduler = match self.flavor {
            RuntimeFlavor::CurrentThread => {
                let config = current_thread::Config {
                    event_interval: self.event_interval,
                    global_queue_interval: self.global_queue_interval.unwrap_or(31),
                    rng_seed: self.rng_seed.clone().unwrap_or_else(RngSeed::new),
                };
                Scheduler::CurrentThread(current_thread::Shared::new(config, hooks, driver_waker))
            }
            #[cfg(feature = "rt-multi-thread")]
            RuntimeFlavor::MultiThread => {
                use crate::runtime::scheduler::multi_thread;
                let num_workers = self.worker_threads.unwrap_or_else(multi_thread::default_num_workers);
                Scheduler::MultiThread(multi_thread::Shared::new(multi_thread::Config {
                    num_workers,
                    event_interval: self.event_interval,
                    global_queue_interval: self.global_queue_interval,
                    disable_lifo_slot: self.disable_lifo_slot,
                    thread_name: self.thread_name.clone(),
                    stack_size: self.thread_stack_size,
                    after_start: self.after_start.clone(),
                    before_stop: self.before_stop.clone(),
                    park_hooks: hooks,
                    driver_waker,
                    rng_seed: self.rng_seed.clone().unwrap_or_else(RngSeed::new),
                }))
            }
            #[cfg(not(feature = "rt-multi-thread"))]
            RuntimeFlavor::MultiThread => unreachable!("multi-thread runtimes need the `rt-multi-thread` feature"),
        };
        #[cfg(feature = "time")]
        let time = self.enable_time.then(|| {
            let parkers = match &scheduler {
                Scheduler::CurrentThread(s) => vec![s.parker()],
                #[cfg(feature = "rt-multi-thread")]
                Scheduler::MultiThread(s) => s.parkers(),
            };
            crate::runtime::time::TimeShared::new(crate::runtime::time::Clock::new(self.start_paused), parkers)
        });
        #[cfg(feature = "test-util")]
        if self.start_paused && !matches!(self.flavor, RuntimeFlavor::CurrentThread) {
            panic!("`start_paused` requires the `current_thread` runtime");
        }
        let inner = Arc::new(HandleInner {
            scheduler,
            blocking: blocking.spawner().clone(),
            flavor: self.flavor.copy(),
            id: Id::next(),
            name: self.name.clone(),
            #[cfg(feature = "time")]
            time,
            #[cfg(any(feature = "net", feature = "process", feature = "signal"))]
            io,
        });
        let handle = Handle { inner };
        let runtime = Runtime::from_parts(handle, blocking);
        #[cfg(feature = "rt-multi-thread")]
        if let Scheduler::MultiThread(_) = &runtime.handle().inner.scheduler {
            // On failure the runtime is dropped, which stops the workers
            // that did start.
            crate::runtime::scheduler::multi_thread::launch(&runtime.handle().inner)?;
        }
        Ok(runtime)
    }
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("flavor", &self.flavor)
            .field("worker_threads", &self.worker_threads)
            .field("max_blocking_threads", &self.max_blocking_threads)
            .field("thread_stack_size", &self.thread_stack_size)
            .field("thread_keep_alive", &self.keep_alive)
            .field("event_interval", &self.event_interval)
            .field("global_queue_interval", &self.global_queue_interval)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl Builder {
    /// Whether this builder makes a current-thread runtime.
    pub(crate) fn is_current_thread(&self) -> bool {
        matches!(self.flavor, RuntimeFlavor::CurrentThread)
    }
}
