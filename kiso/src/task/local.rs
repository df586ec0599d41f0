//! `LocalSet` and `spawn_local`: tasks that are not `Send`, run on the
//! thread that owns the set.
//!
//! A set keeps its tasks in an owner list and runs them from a queue that
//! only its own thread touches. A task woken on that thread while the set is
//! being driven goes straight to that queue; a task woken anywhere else
//! (another thread, or this thread outside the set) goes to a mutex-guarded
//! remote queue, and the set's waker is woken so whoever drives the set
//! polls it again. The set is driven by [`LocalSet::run_until`] (or
//! [`LocalSet::block_on`]) or by awaiting the set itself; each turn polls the
//! main future, then runs a bounded number of tasks and yields to the
//! runtime, so a busy set cannot starve it.

use crate::loom::sync::{Arc, Mutex};
use crate::runtime::task::meta::{self, Meta};
use crate::runtime::task::{self, Header, Notified, Schedule};
use crate::task::coop;
use crate::task::{Id, JoinHandle};
use crate::util::atomic_waker::AtomicWaker;

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::panic::Location;
use std::pin::Pin;
use std::ptr::{self, NonNull};
use std::rc::Rc;
use std::task::{Context as TaskContext, Poll};

use crate::runtime::task::list::OwnedList;

/// Tasks one turn of the set runs before it yields to the runtime.
const TASKS_PER_TURN: usize = 61;
/// Every this many turns the remote queue is checked first, so tasks woken
/// from other threads are not starved by local ones.
const REMOTE_FIRST_INTERVAL: u8 = 31;

/// A set of tasks that all run on the thread that owns the set.
///
/// Futures that are not [`Send`] (they hold an `Rc`, a `RefCell` borrow
/// across an `.await`, ...) cannot be given to [`spawn`](crate::spawn),
/// because a multi-thread runtime may move tasks between threads. A
/// `LocalSet` runs such futures, spawned with [`spawn_local`] or
/// [`LocalSet::spawn_local`], on its own thread only. The tasks run while the
/// set is driven: inside [`run_until`](LocalSet::run_until) or
/// [`block_on`](LocalSet::block_on), or while the set itself is awaited
/// (which completes once every task has).
///
/// Dropping the set drops every task it still holds, on its thread.
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
/// use kiso::task::{self, LocalSet};
///
/// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// let local = LocalSet::new();
/// let shared = Rc::new(41);
/// let answer = local.block_on(&rt, async move {
///     let shared2 = shared.clone();
///     // `Rc` is not `Send`: `kiso::spawn` would reject this future.
///     let handle = task::spawn_local(async move { *shared2 + 1 });
///     handle.await.unwrap()
/// });
/// assert_eq!(answer, 42);
/// ```
pub struct LocalSet {
    /// Turns taken, for the remote-first check.
    tick: Cell<u8>,
    context: Rc<Context>,
    _not_send: PhantomData<*const ()>,
}

/// What the owning thread keeps of a set.
struct Context {
    shared: Arc<Shared>,
    owned: RefCell<OwnedList>,
    queue: RefCell<VecDeque<Notified>>,
    /// The set is being polled right now (it will look at its queue before
    /// it returns), so a task queued locally needs no wake-up.
    driving: Cell<bool>,
}

/// What any thread may reach of a set: through the tasks' scheduler handle.
pub(crate) struct Shared {
    /// Tasks woken away from the set. `None` once the set is dropped.
    remote: Mutex<Option<VecDeque<Notified>>>,
    /// Wakes whoever drives the set.
    waker: AtomicWaker,
    id: crate::runtime::Id,
}

std::thread_local! {
    /// The set being driven (or entered) on this thread.
    static CURRENT: Cell<*const Context> = const { Cell::new(ptr::null()) };
}

/// Makes `cx` the current set until dropped; restores the previous one.
struct Entered(*const Context);

impl Context {
    fn enter(&self) -> Entered {
        Entered(CURRENT.with(|c| c.replace(self)))
    }
}

/// Marks the set as being polled until dropped.
struct Driving<'a>(&'a Cell<bool>, bool);

impl Context {
    fn driving(&self) -> Driving<'_> {
        Driving(&self.driving, self.driving.replace(true))
    }
}

impl Drop for Driving<'_> {
    fn drop(&mut self) {
        self.0.set(self.1);
    }
}

impl Drop for Entered {
    fn drop(&mut self) {
        CURRENT.with(|c| c.set(self.0));
    }
}

/// Runs `f` with the set current on this thread, if any.
fn with_current<R>(f: impl FnOnce(Option<&Context>) -> R) -> R {
    let cx = CURRENT.with(|c| c.get());
    // SAFETY: a non-null pointer was set by an `Entered` guard whose
    // `LocalSet` (holding the `Rc<Context>`) outlives the guard, and the
    // guard restores the previous value before going away.
    f(unsafe { cx.as_ref() })
}

impl Schedule for Arc<Shared> {
    fn schedule(&self, task: Notified) {
        let local = with_current(|cx| match cx {
            Some(cx) if Arc::ptr_eq(&cx.shared, self) => {
                cx.queue.borrow_mut().push_back(task);
                if !cx.driving.get() {
                    // Queued from outside a turn (an entered set, or a
                    // runtime task on this thread): have the set polled.
                    self.waker.wake();
                }
                None
            }
            _ => Some(task),
        });
        let Some(task) = local else { return };
        let mut remote = crate::loom::lock(&self.remote);
        match remote.as_mut() {
            Some(queue) => {
                queue.push_back(task);
                drop(remote);
                self.waker.wake();
            }
            // The set is gone and its tasks are cancelled: drop the
            // reference (outside the lock).
            None => {
                drop(remote);
                drop(task);
            }
        }
    }

    fn release(&self, task: &Header) -> bool {
        // Local tasks complete only while their set runs them, on its
        // thread, with the set current.
        with_current(|cx| match cx {
            Some(cx) if Arc::ptr_eq(&cx.shared, self) => {
                cx.owned.borrow_mut().remove(NonNull::from(task))
            }
            _ => false,
        })
    }
}

impl Context {
    fn spawn_with_meta<F>(&self, future: F, meta: Meta) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let id = Id::next();
        let (raw, join) =
            meta::with_pending(meta, || task::new_task(future, self.shared.clone(), id));
        let pushed = self.owned.borrow_mut().push(raw);
        match pushed {
            Ok(()) => {
                // SAFETY: a new task's `RawTask` also stands for its
                // `Notified` reference, which the queue takes over.
                let notified = unsafe { Notified::from_raw(raw.header_ptr()) };
                self.queue.borrow_mut().push_back(notified);
                if !self.driving.get() {
                    self.shared.waker.wake();
                }
            }
            // The set is shutting down: the task never runs.
            Err(raw) => raw.cancel_new(),
        }
        join
    }

    fn next_task(&self, remote_first: bool) -> Option<Notified> {
        if remote_first {
            self.pop_remote().or_else(|| self.queue.borrow_mut().pop_front())
        } else {
            let local = self.queue.borrow_mut().pop_front();
            local.or_else(|| self.pop_remote())
        }
    }

    fn pop_remote(&self) -> Option<Notified> {
        crate::loom::lock(&self.shared.remote).as_mut()?.pop_front()
    }
}

/// Spawns a `!Send` future on the current [`LocalSet`].
///
/// The task runs on this thread, while the set is driven. The returned
/// [`JoinHandle`] may be awaited from anywhere on this thread (it is `Send`
/// only if the output is).
///
/// # Panics
///
/// Panics if called outside a `LocalSet` (outside
/// [`run_until`](LocalSet::run_until), [`block_on`](LocalSet::block_on),
/// awaiting the set, or an [`enter`](LocalSet::enter) guard).
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
/// use kiso::task;
///
/// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// let local = task::LocalSet::new();
/// local.block_on(&rt, async {
///     let name = Rc::new("local");
///     let handle = task::spawn_local(async move { name.len() });
///     assert_eq!(handle.await.unwrap(), 5);
/// });
/// ```
#[track_caller]
pub fn spawn_local<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    spawn_local_with_meta(future, Meta::located(Location::caller()))
}

/// `spawn_local` with the given spawn metadata (for `task::Builder`).
pub(crate) fn spawn_local_with_meta<F>(future: F, meta: Meta) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    with_current(|cx| match cx {
        Some(cx) => cx.spawn_with_meta(future, meta),
        None => panic!(
            "`spawn_local` called from outside of a `task::LocalSet` or `runtime::LocalRuntime`"
        ),
    })
}

/// Keeps a [`LocalSet`] current on this thread, so [`spawn_local`] spawns on
/// it; made by [`LocalSet::enter`]. Dropping it restores the previous state.
///
/// # Examples
///
/// ```
/// let local = kiso::task::LocalSet::new();
/// {
///     let _guard = local.enter();
///     kiso::task::spawn_local(async {});
/// }
/// ```
pub struct LocalEnterGuard {
    _entered: Entered,
    _not_send: PhantomData<*const ()>,
}

impl fmt::Debug for LocalEnterGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalEnterGuard").finish_non_exhaustive()
    }
}

impl LocalSet {
    /// Makes an empty set, owned by the calling thread.
    ///
    /// # Examples
    ///
    /// ```
    /// let local = kiso::task::LocalSet::new();
    /// # drop(local);
    /// ```
    pub fn new() -> LocalSet {
        LocalSet {
            tick: Cell::new(0),
            context: Rc::new(Context {
                shared: Arc::new(Shared {
                    remote: Mutex::new(Some(VecDeque::new())),
                    waker: AtomicWaker::new(),
                    id: crate::runtime::Id::next(),
                }),
                owned: RefCell::new(OwnedList::new()),
                queue: RefCell::new(VecDeque::new()),
                driving: Cell::new(false),
            }),
            _not_send: PhantomData,
        }
    }

    /// Makes this set current until the guard is dropped, so that
    /// [`spawn_local`] outside of `run_until` spawns on it. The tasks still
    /// only run while the set is driven.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// let local = kiso::task::LocalSet::new();
    /// let handle = {
    ///     let _guard = local.enter();
    ///     kiso::task::spawn_local(async { 7 })
    /// };
    /// assert_eq!(local.block_on(&rt, handle).unwrap(), 7);
    /// ```
    pub fn enter(&self) -> LocalEnterGuard {
        LocalEnterGuard { _entered: self.context.enter(), _not_send: PhantomData }
    }

    /// Spawns a `!Send` future on this set. It runs once the set is driven.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// let local = kiso::task::LocalSet::new();
    /// let handle = local.spawn_local(async { "done" });
    /// assert_eq!(local.block_on(&rt, handle).unwrap(), "done");
    /// ```
    #[track_caller]
    pub fn spawn_local<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.spawn_local_with_meta(future, Meta::located(Location::caller()))
    }

    /// [`LocalSet::spawn_local`] with the given spawn metadata.
    pub(crate) fn spawn_local_with_meta<F>(&self, future: F, meta: Meta) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let _entered = self.context.enter();
        self.context.spawn_with_meta(future, meta)
    }

    /// Runs `future` on `rt`, driving this set's tasks meanwhile; returns
    /// the future's output. Tasks still pending then stay in the set.
    ///
    /// # Panics
    ///
    /// Panics if called inside an asynchronous context (as
    /// [`Runtime::block_on`](crate::runtime::Runtime::block_on) does).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// let local = kiso::task::LocalSet::new();
    /// let out = local.block_on(&rt, async {
    ///     kiso::task::spawn_local(async { 1 }).await.unwrap() + 1
    /// });
    /// assert_eq!(out, 2);
    /// ```
    #[track_caller]
    pub fn block_on<F: Future>(&self, rt: &crate::runtime::Runtime, future: F) -> F::Output {
        rt.block_on(self.run_until(future))
    }

    /// Drives this set's tasks until `future` completes; returns its output.
    ///
    /// # Cancel safety
    ///
    /// Dropping the returned future before it completes stops driving the
    /// set; its tasks stay in it and run again the next time it is driven.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let local = kiso::task::LocalSet::new();
    /// let out = local
    ///     .run_until(async { kiso::task::spawn_local(async { 5 }).await.unwrap() })
    ///     .await;
    /// assert_eq!(out, 5);
    /// # });
    /// ```
    pub async fn run_until<F: Future>(&self, future: F) -> F::Output {
        RunUntil { set: self, future }.await
    }

    /// The identifier of this set, unique among the sets and runtimes of
    /// the process.
    ///
    /// # Examples
    ///
    /// ```
    /// let a = kiso::task::LocalSet::new();
    /// let b = kiso::task::LocalSet::new();
    /// assert_ne!(a.id(), b.id());
    /// ```
    pub fn id(&self) -> crate::runtime::Id {
        self.context.shared.id
    }

    /// Runs up to a turn's worth of tasks. True if work may be left.
    fn turn(&self) -> bool {
        let tick = self.tick.get().wrapping_add(1);
        self.tick.set(tick);
        let remote_first = tick % REMOTE_FIRST_INTERVAL == 0;
        for i in 0..TASKS_PER_TURN {
            match self.context.next_task(remote_first && i == 0) {
                Some(task) => coop::budget(|| task.run()),
                None => return false,
            }
        }
        true
    }
}

impl Default for LocalSet {
    fn default() -> LocalSet {
        LocalSet::new()
    }
}

impl fmt::Debug for LocalSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalSet").field("id", &self.id()).finish_non_exhaustive()
    }
}

/// Awaiting a set runs its tasks; it completes once the set holds no task.
impl Future for LocalSet {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<()> {
        let _entered = self.context.enter();
        let _driving = self.context.driving();
        self.context.shared.waker.register(cx.waker());
        if self.turn() {
            // Work left: yield to the runtime, then come back.
            crate::task::coop::wake_to_yield(cx.waker());
            Poll::Pending
        } else if self.context.owned.borrow().len() == 0 {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

/// The future of [`LocalSet::run_until`].
struct RunUntil<'a, F> {
    set: &'a LocalSet,
    future: F,
}

impl<F: Future> Future for RunUntil<'_, F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<F::Output> {
        // SAFETY: `future` is never moved out of the pinned `RunUntil`.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: as above: structural pinning of `future`.
        let future = unsafe { Pin::new_unchecked(&mut this.future) };
        let set = this.set;
        let _entered = set.context.enter();
        let _driving = set.context.driving();
        set.context.shared.waker.register(cx.waker());
        if let Poll::Ready(out) = coop::budget(|| future.poll(cx)) {
            return Poll::Ready(out);
        }
        if set.turn() {
            crate::task::coop::wake_to_yield(cx.waker());
        }
        Poll::Pending
    }
}

impl Drop for LocalSet {
    fn drop(&mut self) {
        let cx = &self.context;
        let _entered = cx.enter();
        cx.owned.borrow_mut().close();
        // Cancel every task; a future's destructor may wake or spawn local
        // tasks, so no borrow is held across it.
        loop {
            let task = cx.owned.borrow_mut().pop();
            match task {
                // SAFETY: `pop` handed us the owner list's reference, which
                // `shutdown` consumes.
                Some(raw) => unsafe { raw.shutdown() },
                None => break,
            }
        }
        // The queues now only hold references of cancelled tasks.
        loop {
            let task = cx.queue.borrow_mut().pop_front();
            match task {
                Some(task) => drop(task),
                None => break,
            }
        }
        let remote = crate::loom::lock(&cx.shared.remote).take();
        drop(remote);
        debug_assert_eq!(cx.owned.borrow().len(), 0);
    }
}
