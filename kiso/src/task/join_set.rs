//! `JoinSet`: a collection of tasks that are awaited in the order they
//! finish.

use crate::runtime::Handle;
use crate::task::{AbortHandle, Id, JoinError, JoinHandle};
use crate::util::idle_notified_set::IdleNotifiedSet;
use std::fmt;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::{Context, Poll};

/// A collection of tasks spawned on a runtime, whose results are collected
/// as the tasks finish.
///
/// All tasks of a `JoinSet` have the same output type `T`. Tasks are added
/// with [`spawn`](JoinSet::spawn) (and its variants); [`join_next`](JoinSet::join_next)
/// waits for any one of them to finish and returns its result, so a loop
/// over `join_next` sees results in completion order, not spawn order. A
/// task leaves the set once its result has been returned.
///
/// Dropping a `JoinSet` [aborts](AbortHandle::abort) every task still in
/// it; use [`detach_all`](JoinSet::detach_all) first to let them run on.
///
/// `join_next` does not look at every task when one finishes: each task
/// reports its completion to the set, which only looks at the tasks that
/// did, so collecting `n` results costs time in proportion to `n`, however
/// many tasks are still running.
///
/// # Examples
///
/// ```
/// use kiso::task::JoinSet;
///
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let mut set = JoinSet::new();
/// for i in 0..10u32 {
///     set.spawn(async move { i * 2 });
/// }
///
/// let mut seen = [false; 10];
/// while let Some(res) = set.join_next().await {
///     let doubled = res.unwrap();
///     seen[(doubled / 2) as usize] = true;
/// }
/// assert!(seen.iter().all(|&s| s));
/// # });
/// ```
pub struct JoinSet<T> {
    tasks: IdleNotifiedSet<JoinHandle<T>>,
}

impl<T> JoinSet<T> {
    /// Creates an empty `JoinSet`.
    ///
    /// # Examples
    ///
    /// ```
    /// let set: kiso::task::JoinSet<u8> = kiso::task::JoinSet::new();
    /// assert!(set.is_empty());
    /// ```
    pub fn new() -> JoinSet<T> {
        JoinSet { tasks: IdleNotifiedSet::new() }
    }

    /// Returns the number of tasks in the set: running ones, and finished
    /// ones whose result has not been taken yet.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let mut set = kiso::task::JoinSet::new();
    /// set.spawn(async { 1 });
    /// assert_eq!(set.len(), 1);
    /// set.join_next().await;
    /// assert_eq!(set.len(), 0);
    /// # });
    /// ```
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// Returns true if the set holds no tasks.
    ///
    /// # Examples
    ///
    /// ```
    /// let set = kiso::task::JoinSet::<()>::new();
    /// assert!(set.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }
}

impl<T: 'static> JoinSet<T> {
    /// Returns a [`Builder`] to spawn a task with options (a name) into this
    /// set.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let mut set = kiso::task::JoinSet::new();
    /// set.build_task().name("worker").spawn(async { 1 }).unwrap();
    /// assert_eq!(set.join_next().await.unwrap().unwrap(), 1);
    /// # });
    /// ```
    pub fn build_task(&mut self) -> Builder<'_, T> {
        Builder { set: self, builder: crate::task::Builder::new() }
    }

    /// Spawns `task` on the current runtime and adds it to the set.
    ///
    /// The returned [`AbortHandle`] can cancel the task; its result is still
    /// returned by `join_next` (as a cancellation error, unless it finished
    /// first).
    ///
    /// # Panics
    ///
    /// Panics if called outside the context of a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let mut set = kiso::task::JoinSet::new();
    /// let abort = set.spawn(std::future::pending::<()>());
    /// abort.abort();
    /// assert!(set.join_next().await.unwrap().unwrap_err().is_cancelled());
    /// # });
    /// ```
    #[track_caller]
    pub fn spawn<F>(&mut self, task: F) -> AbortHandle
    where
        F: Future<Output = T>,
        F: Send + 'static,
        T: Send,
    {
        self.insert(crate::task::spawn(task))
    }

    /// Spawns `task` on the runtime behind `handle` and adds it to the set.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Runtime::new().unwrap();
    /// let mut set = kiso::task::JoinSet::new();
    /// set.spawn_on(async { 5 }, rt.handle());
    /// let out = rt.block_on(set.join_next()).unwrap().unwrap();
    /// assert_eq!(out, 5);
    /// ```
    #[track_caller]
    pub fn spawn_on<F>(&mut self, task: F, handle: &Handle) -> AbortHandle
    where
        F: Future<Output = T>,
        F: Send + 'static,
        T: Send,
    {
        self.insert(handle.spawn(task))
    }

    /// Runs the blocking function `f` on the current runtime's blocking pool
    /// and adds it to the set.
    ///
    /// Aborting it only prevents it from starting, as for
    /// [`spawn_blocking`](crate::task::spawn_blocking).
    ///
    /// # Panics
    ///
    /// Panics if called outside the context of a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let mut set = kiso::task::JoinSet::new();
    /// set.spawn_blocking(|| 6 * 7);
    /// assert_eq!(set.join_next().await.unwrap().unwrap(), 42);
    /// # });
    /// ```
    #[track_caller]
    pub fn spawn_blocking<F>(&mut self, f: F) -> AbortHandle
    where
        F: FnOnce() -> T,
        F: Send + 'static,
        T: Send,
    {
        self.insert(crate::task::spawn_blocking(f))
    }

    /// Runs the blocking function `f` on the blocking pool of the runtime
    /// behind `handle` and adds it to the set.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Runtime::new().unwrap();
    /// let mut set = kiso::task::JoinSet::new();
    /// set.spawn_blocking_on(|| "done", rt.handle());
    /// assert_eq!(rt.block_on(set.join_next()).unwrap().unwrap(), "done");
    /// ```
    #[track_caller]
    pub fn spawn_blocking_on<F>(&mut self, f: F, handle: &Handle) -> AbortHandle
    where
        F: FnOnce() -> T,
        F: Send + 'static,
        T: Send,
    {
        self.insert(handle.spawn_blocking(f))
    }

    /// Spawns a `!Send` `task` on the current [`LocalSet`](crate::task::LocalSet)
    /// and adds it to the set.
    ///
    /// # Panics
    ///
    /// Panics if called outside a `LocalSet` or `LocalRuntime` (as
    /// [`spawn_local`](crate::task::spawn_local)).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::rc::Rc;
    ///
    /// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// let local = kiso::task::LocalSet::new();
    /// local.block_on(&rt, async {
    ///     let mut set = kiso::task::JoinSet::new();
    ///     let rc = Rc::new(2);
    ///     set.spawn_local(async move { *rc * 3 });
    ///     assert_eq!(set.join_next().await.unwrap().unwrap(), 6);
    /// });
    /// ```
    #[track_caller]
    pub fn spawn_local<F>(&mut self, task: F) -> AbortHandle
    where
        F: Future<Output = T>,
        F: 'static,
    {
        self.insert(crate::task::spawn_local(task))
    }

    /// Spawns a `!Send` `task` on `local_set` and adds it to the set. The
    /// task runs when the `LocalSet` is driven.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// let local = kiso::task::LocalSet::new();
    /// let mut set = kiso::task::JoinSet::new();
    /// set.spawn_local_on(async { "local" }, &local);
    /// let out = local.block_on(&rt, set.join_next()).unwrap().unwrap();
    /// assert_eq!(out, "local");
    /// ```
    #[track_caller]
    pub fn spawn_local_on<F>(&mut self, task: F, local_set: &crate::task::LocalSet) -> AbortHandle
    where
        F: Future<Output = T>,
        F: 'static,
    {
        self.insert(local_set.spawn_local(task))
    }

    fn insert(&mut self, handle: JoinHandle<T>) -> AbortHandle {
        let abort = handle.abort_handle();
        self.tasks.insert_notified(handle);
        abort
    }

    /// Waits for one of the tasks to finish and returns its result, or
    /// `None` if the set is empty.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: if it is used in `select!` and another
    /// branch completes first, no task result is lost; the next call
    /// returns it.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let mut set = kiso::task::JoinSet::<()>::new();
    /// assert!(set.join_next().await.is_none());
    /// # });
    /// ```
    pub async fn join_next(&mut self) -> Option<Result<T, JoinError>> {
        poll_fn(|cx| self.poll_join_next(cx)).await
    }

    /// Waits for one of the tasks to finish and returns its [`Id`] with its
    /// result, or `None` if the set is empty.
    ///
    /// A failed task's id is in its [`JoinError`] (see [`JoinError::id`]).
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe, as [`join_next`](JoinSet::join_next).
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let mut set = kiso::task::JoinSet::new();
    /// let id = set.spawn(async { 1 }).id();
    /// assert_eq!(set.join_next_with_id().await.unwrap().unwrap(), (id, 1));
    /// # });
    /// ```
    pub async fn join_next_with_id(&mut self) -> Option<Result<(Id, T), JoinError>> {
        poll_fn(|cx| self.poll_join_next_with_id(cx)).await
    }

    /// Returns the result of a task that has finished, if there is one,
    /// without waiting. Returns `None` if no task has finished yet or the
    /// set is empty.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let mut set = kiso::task::JoinSet::new();
    /// set.spawn(async { 3 });
    /// assert!(set.try_join_next().is_none()); // not run yet
    /// kiso::task::yield_now().await;
    /// assert_eq!(set.try_join_next().unwrap().unwrap(), 3);
    /// # });
    /// ```
    pub fn try_join_next(&mut self) -> Option<Result<T, JoinError>> {
        self.try_join_next_with_id().map(|res| res.map(|(_, out)| out))
    }

    /// As [`try_join_next`](JoinSet::try_join_next), with the task's [`Id`].
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let mut set = kiso::task::JoinSet::new();
    /// let id = set.spawn(async { 3 }).id();
    /// kiso::task::yield_now().await;
    /// assert_eq!(set.try_join_next_with_id().unwrap().unwrap(), (id, 3));
    /// # });
    /// ```
    pub fn try_join_next_with_id(&mut self) -> Option<Result<(Id, T), JoinError>> {
        while let Some(mut entry) = self.tasks.pop_notified(None) {
            // Not limited by the caller's budget: this method never waits,
            // so a result that is there must be returned.
            let polled = crate::task::coop::with_budget(crate::task::coop::Budget::unconstrained(), || {
                entry.with_value_and_context(|handle, cx| {
                    let id = handle.id();
                    Pin::new(handle).poll(cx).map(|res| res.map(|out| (id, out)))
                })
            });
            if let Poll::Ready(res) = polled {
                entry.remove();
                return Some(res);
            }
        }
        None
    }

    /// Aborts every task, then waits until all of them have finished.
    ///
    /// The set is empty afterwards. Results (and panics) of the tasks are
    /// dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let mut set = kiso::task::JoinSet::new();
    /// for _ in 0..3 {
    ///     set.spawn(std::future::pending::<()>());
    /// }
    /// set.shutdown().await;
    /// assert!(set.is_empty());
    /// # });
    /// ```
    pub async fn shutdown(&mut self) {
        self.abort_all();
        while self.join_next().await.is_some() {}
    }

    /// Waits for every task and returns their outputs, in the order they
    /// finished.
    ///
    /// # Panics
    ///
    /// If a task panicked, its panic is resumed here; if one was cancelled,
    /// this panics with the [`JoinError`]. The tasks still in the set are
    /// then aborted (the set is dropped). To handle failures instead, loop
    /// over [`join_next`](JoinSet::join_next).
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let set: kiso::task::JoinSet<u32> = (1..=4u32).map(|i| async move { i }).collect();
    /// let mut out = set.join_all().await;
    /// out.sort();
    /// assert_eq!(out, [1, 2, 3, 4]);
    /// # });
    /// ```
    pub async fn join_all(mut self) -> Vec<T> {
        let mut out = Vec::with_capacity(self.len());
        while let Some(res) = self.join_next().await {
            match res {
                Ok(value) => out.push(value),
                Err(err) if err.is_panic() => std::panic::resume_unwind(err.into_panic()),
                Err(err) => panic!("{err}"),
            }
        }
        out
    }

    /// Aborts every task in the set.
    ///
    /// The tasks stay in the set: their results (mostly cancellation
    /// errors) are still returned by `join_next`.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let mut set = kiso::task::JoinSet::new();
    /// set.spawn(std::future::pending::<()>());
    /// set.abort_all();
    /// assert!(set.join_next().await.unwrap().unwrap_err().is_cancelled());
    /// # });
    /// ```
    pub fn abort_all(&mut self) {
        self.tasks.for_each(|handle| handle.abort());
    }

    /// Removes every task from the set without aborting it: they run on,
    /// detached, as when a [`JoinHandle`] is dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let (tx, rx) = kiso::sync::oneshot::channel();
    /// let mut set = kiso::task::JoinSet::new();
    /// set.spawn(async move { tx.send(1).unwrap() });
    /// set.detach_all();
    /// assert!(set.is_empty());
    /// assert_eq!(rx.await.unwrap(), 1);
    /// # });
    /// ```
    pub fn detach_all(&mut self) {
        self.tasks.drain(drop);
    }

    /// Polls for the result of one of the tasks.
    ///
    /// Returns `Poll::Ready(None)` when the set is empty,
    /// `Poll::Ready(Some(result))` when a task has finished (it leaves the
    /// set), and `Poll::Pending` otherwise, in which case the waker of `cx`
    /// is woken when a task finishes. Only the waker of the latest call is
    /// woken.
    ///
    /// This can return `Pending` while a task has finished, when the
    /// caller's cooperative budget is spent; the waker is then woken at once.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let mut set = kiso::task::JoinSet::new();
    /// set.spawn(async { 9 });
    /// let out = poll_fn(|cx| set.poll_join_next(cx)).await;
    /// assert_eq!(out.unwrap().unwrap(), 9);
    /// # });
    /// ```
    pub fn poll_join_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T, JoinError>>> {
        self.poll_join_next_with_id(cx).map(|opt| opt.map(|res| res.map(|(_, out)| out)))
    }

    /// As [`poll_join_next`](JoinSet::poll_join_next), with the task's
    /// [`Id`].
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let mut set = kiso::task::JoinSet::new();
    /// let id = set.spawn(async { 9 }).id();
    /// let out = poll_fn(|cx| set.poll_join_next_with_id(cx)).await;
    /// assert_eq!(out.unwrap().unwrap(), (id, 9));
    /// # });
    /// ```
    pub fn poll_join_next_with_id(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<(Id, T), JoinError>>> {
        if self.tasks.is_empty() {
            return Poll::Ready(None);
        }
        // Entries are looked at only when they were woken (or are new). A
        // new entry's task is usually still running: its poll registers the
        // entry's waker and returns `Pending`, and we go on to the next one,
        // up to a bound, so one call does not visit thousands of new tasks.
        for _ in 0..PENDING_PER_CALL {
            let Some(mut entry) = self.tasks.pop_notified(Some(cx.waker())) else {
                return Poll::Pending;
            };
            let polled = entry.with_value_and_context(|handle, task_cx| {
                let id = handle.id();
                Pin::new(handle).poll(task_cx).map(|res| res.map(|out| (id, out)))
            });
            if let Poll::Ready(res) = polled {
                entry.remove();
                return Poll::Ready(Some(res));
            }
            if !crate::task::coop::has_budget_remaining() {
                // The handle could not be polled for want of budget (it
                // queued its entry again): yield to the scheduler.
                break;
            }
        }
        crate::task::coop::wake_to_yield(cx.waker());
        Poll::Pending
    }
}

/// How many pending tasks one `poll_join_next` call looks at before it
/// yields.
const PENDING_PER_CALL: usize = 32;

impl<T> Drop for JoinSet<T> {
    fn drop(&mut self) {
        self.tasks.drain(|handle| handle.abort());
    }
}

impl<T> fmt::Debug for JoinSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinSet").field("len", &self.len()).finish()
    }
}

impl<T> Default for JoinSet<T> {
    fn default() -> JoinSet<T> {
        JoinSet::new()
    }
}

/// Collects futures into a `JoinSet`, spawning each on the current runtime.
///
/// # Panics
///
/// Panics if called outside the context of a runtime.
///
/// # Examples
///
/// ```
/// use kiso::task::JoinSet;
///
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let set: JoinSet<_> = (0..3u8).map(|i| async move { i }).collect();
/// assert_eq!(set.len(), 3);
/// # });
/// ```
impl<T, F> std::iter::FromIterator<F> for JoinSet<T>
where
    F: Future<Output = T>,
    F: Send + 'static,
    T: Send + 'static,
{
    #[track_caller]
    fn from_iter<I: IntoIterator<Item = F>>(iter: I) -> JoinSet<T> {
        let mut set = JoinSet::new();
        set.extend(iter);
        set
    }
}

/// Spawns each future on the current runtime and adds it to the set.
///
/// # Panics
///
/// Panics if called outside the context of a runtime.
///
/// # Examples
///
/// ```
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let mut set = kiso::task::JoinSet::new();
/// set.extend((0..3u8).map(|i| async move { i }));
/// assert_eq!(set.len(), 3);
/// # });
/// ```
impl<T, F> std::iter::Extend<F> for JoinSet<T>
where
    F: Future<Output = T>,
    F: Send + 'static,
    T: Send + 'static,
{
    #[track_caller]
    fn extend<I: IntoIterator<Item = F>>(&mut self, iter: I) {
        for fut in iter {
            self.spawn(fut);
        }
    }
}

/// Spawns a task with options into a [`JoinSet`]; returned by
/// [`JoinSet::build_task`].
///
/// # Examples
///
/// ```
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let mut set = kiso::task::JoinSet::new();
/// set.build_task().name("a").spawn(async { 'a' }).unwrap();
/// assert_eq!(set.join_next().await.unwrap().unwrap(), 'a');
/// # });
/// ```
#[must_use = "a Builder does nothing until it spawns"]
pub struct Builder<'a, T> {
    set: &'a mut JoinSet<T>,
    builder: crate::task::Builder<'a>,
}

impl<'a, T: 'static> Builder<'a, T> {
    /// Names the task (see [`task::Builder::name`](crate::task::Builder::name)).
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let mut set = kiso::task::JoinSet::new();
    /// set.build_task().name("n").spawn(async { 1 }).unwrap();
    /// assert_eq!(set.join_next().await.unwrap().unwrap(), 1);
    /// # });
    /// ```
    pub fn name(self, name: &'a str) -> Builder<'a, T> {
        Builder { builder: self.builder.name(name), ..self }
    }

    /// Spawns the task on the current runtime into the set.
    ///
    /// # Errors
    ///
    /// Never fails today; the `Result` leaves room for spawn options that
    /// can.
    ///
    /// # Panics
    ///
    /// Panics if called outside the context of a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let mut set = kiso::task::JoinSet::new();
    /// set.build_task().spawn(async { 2 }).unwrap();
    /// assert_eq!(set.join_next().await.unwrap().unwrap(), 2);
    /// # });
    /// ```
    #[track_caller]
    pub fn spawn<F>(self, future: F) -> std::io::Result<AbortHandle>
    where
        F: Future<Output = T>,
        F: Send + 'static,
        T: Send,
    {
        let handle = self.builder.spawn(future)?;
        Ok(self.set.insert(handle))
    }

    /// Spawns the task on the runtime behind `handle` into the set.
    ///
    /// # Errors
    ///
    /// As for [`spawn`](Builder::spawn).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Runtime::new().unwrap();
    /// let mut set = kiso::task::JoinSet::new();
    /// set.build_task().spawn_on(async { 3 }, rt.handle()).unwrap();
    /// assert_eq!(rt.block_on(set.join_next()).unwrap().unwrap(), 3);
    /// ```
    #[track_caller]
    pub fn spawn_on<F>(self, future: F, handle: &Handle) -> std::io::Result<AbortHandle>
    where
        F: Future<Output = T>,
        F: Send + 'static,
        T: Send,
    {
        let handle = self.builder.spawn_on(future, handle)?;
        Ok(self.set.insert(handle))
    }

    /// Runs the blocking function on the current runtime's blocking pool,
    /// into the set.
    ///
    /// # Errors
    ///
    /// As for [`spawn`](Builder::spawn).
    ///
    /// # Panics
    ///
    /// Panics if called outside the context of a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let mut set = kiso::task::JoinSet::new();
    /// set.build_task().spawn_blocking(|| 4).unwrap();
    /// assert_eq!(set.join_next().await.unwrap().unwrap(), 4);
    /// # });
    /// ```
    #[track_caller]
    pub fn spawn_blocking<F>(self, f: F) -> std::io::Result<AbortHandle>
    where
        F: FnOnce() -> T,
        F: Send + 'static,
        T: Send,
    {
        let handle = self.builder.spawn_blocking(f)?;
        Ok(self.set.insert(handle))
    }

    /// Runs the blocking function on the blocking pool of the runtime
    /// behind `handle`, into the set.
    ///
    /// # Errors
    ///
    /// As for [`spawn`](Builder::spawn).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Runtime::new().unwrap();
    /// let mut set = kiso::task::JoinSet::new();
    /// set.build_task().spawn_blocking_on(|| 5, rt.handle()).unwrap();
    /// assert_eq!(rt.block_on(set.join_next()).unwrap().unwrap(), 5);
    /// ```
    #[track_caller]
    pub fn spawn_blocking_on<F>(self, f: F, handle: &Handle) -> std::io::Result<AbortHandle>
    where
        F: FnOnce() -> T,
        F: Send + 'static,
        T: Send,
    {
        let handle = self.builder.spawn_blocking_on(f, handle)?;
        Ok(self.set.insert(handle))
    }

    /// Spawns the `!Send` task on the current `LocalSet` into the set.
    ///
    /// # Errors
    ///
    /// As for [`spawn`](Builder::spawn).
    ///
    /// # Panics
    ///
    /// Panics if called outside a `LocalSet` or `LocalRuntime`.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// let local = kiso::task::LocalSet::new();
    /// local.block_on(&rt, async {
    ///     let mut set = kiso::task::JoinSet::new();
    ///     let rc = std::rc::Rc::new(3);
    ///     set.build_task().name("l").spawn_local(async move { *rc }).unwrap();
    ///     assert_eq!(set.join_next().await.unwrap().unwrap(), 3);
    /// });
    /// ```
    #[track_caller]
    pub fn spawn_local<F>(self, future: F) -> std::io::Result<AbortHandle>
    where
        F: Future<Output = T>,
        F: 'static,
    {
        let handle = self.builder.spawn_local(future)?;
        Ok(self.set.insert(handle))
    }

    /// Spawns the `!Send` task on `local_set` into the set.
    ///
    /// # Errors
    ///
    /// As for [`spawn`](Builder::spawn).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// let local = kiso::task::LocalSet::new();
    /// let mut set = kiso::task::JoinSet::new();
    /// set.build_task().spawn_local_on(async { 4 }, &local).unwrap();
    /// assert_eq!(local.block_on(&rt, set.join_next()).unwrap().unwrap(), 4);
    /// ```
    #[track_caller]
    pub fn spawn_local_on<F>(self, future: F, local_set: &crate::task::LocalSet) -> std::io::Result<AbortHandle>
    where
        F: Future<Output = T>,
        F: 'static,
    {
        let handle = self.builder.spawn_local_on(future, local_set)?;
        Ok(self.set.insert(handle))
    }
}

impl<T> fmt::Debug for Builder<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder").field("set", &self.set).field("builder", &self.builder).finish()
    }
}
