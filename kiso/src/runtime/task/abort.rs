//! `AbortHandle`: the right to cancel a task, without its output.

use crate::runtime::task::{Id, RawTask};
use std::fmt;
use std::panic::{RefUnwindSafe, UnwindSafe};

/// An owned permission to abort a task, without awaiting its output.
///
/// Obtained from [`JoinHandle::abort_handle`](crate::task::JoinHandle::abort_handle).
/// Unlike a `JoinHandle`, it can be cloned, and dropping it does nothing to
/// the task.
///
/// # Examples
///
/// ```
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let handle = kiso::spawn(std::future::pending::<()>());
/// let abort = handle.abort_handle();
/// assert!(!abort.is_finished());
/// abort.abort();
/// assert!(handle.await.unwrap_err().is_cancelled());
/// assert!(abort.is_finished());
/// # });
/// ```
pub struct AbortHandle {
    raw: RawTask,
}

// SAFETY: an abort handle touches only the task's atomic state and its
// scheduler (which is `Sync`), never the future or the output.
unsafe impl Send for AbortHandle {}
// SAFETY: as above.
unsafe impl Sync for AbortHandle {}
impl UnwindSafe for AbortHandle {}
impl RefUnwindSafe for AbortHandle {}

impl AbortHandle {
    /// # Safety
    ///
    /// `raw` carries a reference that the new handle takes over.
    pub(crate) unsafe fn new(raw: RawTask) -> AbortHandle {
        AbortHandle { raw }
    }

    /// Aborts the task: the same as [`JoinHandle::abort`](crate::task::JoinHandle::abort).
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let handle = kiso::spawn(std::future::pending::<()>());
    /// handle.abort_handle().abort();
    /// assert!(handle.await.unwrap_err().is_cancelled());
    /// # });
    /// ```
    pub fn abort(&self) {
        self.raw.remote_abort();
    }

    /// Returns true once the task has finished: returned, panicked or been
    /// cancelled.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let handle = kiso::spawn(async {});
    /// let abort = handle.abort_handle();
    /// handle.await.unwrap();
    /// assert!(abort.is_finished());
    /// # });
    /// ```
    pub fn is_finished(&self) -> bool {
        self.raw.header().state.load().is_complete()
    }

    /// Returns the [id](crate::task::Id) of the task.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let handle = kiso::spawn(async {});
    /// assert_eq!(handle.abort_handle().id(), handle.id());
    /// # });
    /// ```
    pub fn id(&self) -> Id {
        self.raw.header().id
    }

    /// Returns the name given to the task with
    /// [`task::Builder::name`](crate::task::Builder::name), if any.
    ///
    /// This is a kiso extension: Tokio has no stable way to read a task's
    /// name.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let abort = kiso::task::Builder::new().name("worker").spawn(async {}).unwrap().abort_handle();
    /// assert_eq!(abort.name(), Some("worker"));
    /// assert_eq!(kiso::spawn(async {}).abort_handle().name(), None);
    /// # });
    /// ```
    pub fn name(&self) -> Option<&str> {
        self.raw.header().meta.name()
    }

    /// Returns the source location of the call that spawned the task
    /// (`spawn`, `Handle::spawn`, `JoinSet::spawn`, `spawn_blocking`,
    /// `task::Builder::spawn`, ...).
    ///
    /// Returns `None` only for tasks the runtime spawns for itself. This is
    /// a kiso extension.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let abort = kiso::spawn(async {}).abort_handle();
    /// let location = abort.spawn_location().unwrap();
    /// assert_eq!(location.file(), file!());
    /// # });
    /// ```
    pub fn spawn_location(&self) -> Option<&'static std::panic::Location<'static>> {
        self.raw.header().meta.location()
    }
}

impl Clone for AbortHandle {
    fn clone(&self) -> AbortHandle {
        self.raw.header().state.ref_inc();
        AbortHandle { raw: self.raw }
    }
}

impl Drop for AbortHandle {
    fn drop(&mut self) {
        self.raw.drop_reference();
    }
}

impl fmt::Debug for AbortHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AbortHandle").field("id", &self.id()).finish()
    }
}
