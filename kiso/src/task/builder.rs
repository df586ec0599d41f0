//! `task::Builder`: spawning with options (a name).

use crate::runtime::task::meta::Meta;
use crate::runtime::Handle;
use crate::task::JoinHandle;
use std::future::Future;
use std::io;
use std::panic::Location;

/// Spawns a task with options: for now, a name.
///
/// A task's name and the source location of its spawn call are kept with
/// the task (an unnamed task stores only the location, without allocating)
/// and can be read back from its [`JoinHandle`] or [`AbortHandle`]
/// (`name`, `spawn_location`), which helps to tell tasks apart when
/// debugging. Tokio offers this builder only in unstable builds; in kiso it
/// is stable.
///
/// [`AbortHandle`]: crate::task::AbortHandle
///
/// # Examples
///
/// ```
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let handle = kiso::task::Builder::new()
///     .name("fetcher")
///     .spawn(async { 1 + 1 })
///     .unwrap();
/// assert_eq!(handle.name(), Some("fetcher"));
/// assert_eq!(handle.await.unwrap(), 2);
/// # });
/// ```
#[derive(Default, Debug)]
pub struct Builder<'a> {
    name: Option<&'a str>,
}

impl<'a> Builder<'a> {
    /// Creates a builder with no options set.
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = kiso::task::Builder::new();
    /// # drop(builder);
    /// ```
    pub fn new() -> Builder<'a> {
        Builder { name: None }
    }

    /// Gives the task a name. The name is copied into the task when it is
    /// spawned.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let h = kiso::task::Builder::new().name("worker").spawn(async {}).unwrap();
    /// assert_eq!(h.name(), Some("worker"));
    /// # });
    /// ```
    pub fn name(&self, name: &'a str) -> Builder<'a> {
        Builder { name: Some(name) }
    }

    #[track_caller]
    fn meta(&self) -> Meta {
        Meta::new(self.name, Some(Location::caller()))
    }

    /// Spawns a task on the current runtime, as [`spawn`](crate::task::spawn).
    ///
    /// # Errors
    ///
    /// Never fails today; the `Result` matches Tokio's signature, which
    /// leaves room for options that can fail.
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
    /// let handle = kiso::task::Builder::new().name("x").spawn(async { 5 })?;
    /// assert_eq!(handle.await.unwrap(), 5);
    /// # std::io::Result::Ok(())
    /// # }).unwrap();
    /// ```
    #[track_caller]
    pub fn spawn<Fut>(self, future: Fut) -> io::Result<JoinHandle<Fut::Output>>
    where
        Fut: Future + Send + 'static,
        Fut::Output: Send + 'static,
    {
        let meta = self.meta();
        Ok(Handle::current().spawn_with_meta(future, meta))
    }

    /// Spawns a task on the runtime behind `handle`.
    ///
    /// # Errors
    ///
    /// As for [`spawn`](Builder::spawn).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Runtime::new().unwrap();
    /// let handle = kiso::task::Builder::new().name("y").spawn_on(async { 6 }, rt.handle()).unwrap();
    /// assert_eq!(rt.block_on(handle).unwrap(), 6);
    /// ```
    #[track_caller]
    pub fn spawn_on<Fut>(self, future: Fut, handle: &Handle) -> io::Result<JoinHandle<Fut::Output>>
    where
        Fut: Future + Send + 'static,
        Fut::Output: Send + 'static,
    {
        Ok(handle.spawn_with_meta(future, self.meta()))
    }

    /// Spawns a `!Send` task on the current [`LocalSet`](crate::task::LocalSet),
    /// as [`spawn_local`](crate::task::spawn_local).
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
    ///     let rc = std::rc::Rc::new(1);
    ///     let h = kiso::task::Builder::new().name("local").spawn_local(async move { *rc }).unwrap();
    ///     assert_eq!(h.name(), Some("local"));
    ///     assert_eq!(h.await.unwrap(), 1);
    /// });
    /// ```
    #[track_caller]
    pub fn spawn_local<Fut>(self, future: Fut) -> io::Result<JoinHandle<Fut::Output>>
    where
        Fut: Future + 'static,
        Fut::Output: 'static,
    {
        Ok(crate::task::local::spawn_local_with_meta(future, self.meta()))
    }

    /// Spawns a `!Send` task on `local_set`, as
    /// [`LocalSet::spawn_local`](crate::task::LocalSet::spawn_local).
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
    /// let h = kiso::task::Builder::new().name("on").spawn_local_on(async { 2 }, &local).unwrap();
    /// assert_eq!(local.block_on(&rt, h).unwrap(), 2);
    /// ```
    #[track_caller]
    pub fn spawn_local_on<Fut>(
        self,
        future: Fut,
        local_set: &crate::task::LocalSet,
    ) -> io::Result<JoinHandle<Fut::Output>>
    where
        Fut: Future + 'static,
        Fut::Output: 'static,
    {
        Ok(local_set.spawn_local_with_meta(future, self.meta()))
    }

    /// Runs a blocking function on the current runtime's blocking pool, as
    /// [`spawn_blocking`](crate::task::spawn_blocking).
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
    /// let handle = kiso::task::Builder::new().name("z").spawn_blocking(|| 7).unwrap();
    /// assert_eq!(handle.await.unwrap(), 7);
    /// # });
    /// ```
    #[track_caller]
    pub fn spawn_blocking<Function, Output>(self, function: Function) -> io::Result<JoinHandle<Output>>
    where
        Function: FnOnce() -> Output + Send + 'static,
        Output: Send + 'static,
    {
        let meta = self.meta();
        Ok(Handle::current().spawn_blocking_with_meta(function, meta))
    }

    /// Runs a blocking function on the blocking pool of the runtime behind
    /// `handle`.
    ///
    /// # Errors
    ///
    /// As for [`spawn`](Builder::spawn).
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Runtime::new().unwrap();
    /// let handle = kiso::task::Builder::new().spawn_blocking_on(|| 8, rt.handle()).unwrap();
    /// assert_eq!(rt.block_on(handle).unwrap(), 8);
    /// ```
    #[track_caller]
    pub fn spawn_blocking_on<Function, Output>(
        self,
        function: Function,
        handle: &Handle,
    ) -> io::Result<JoinHandle<Output>>
    where
        Function: FnOnce() -> Output + Send + 'static,
        Output: Send + 'static,
    {
        Ok(handle.spawn_blocking_with_meta(function, self.meta()))
    }
}
