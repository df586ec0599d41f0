//! What a task remembers about its birth: where it was spawned and, if the
//! spawner gave one, its name.
//!
//! One word in the header. An unnamed task (the common case) stores the
//! `&'static Location` of its spawn call, which costs no allocation; a named
//! task stores a pointer to a small box holding the name and the location.
//! The low bit tells which: both pointees are at least 2-aligned, so the bit
//! is free. Zero means "nothing recorded" (tasks made outside the spawn
//! paths, such as the model-checking tests').
//!
//! The spawn paths do not pass the word down through the schedulers: they
//! leave it in a thread-local slot right before calling the scheduler, and
//! the task allocation on the same thread picks it up (see [`with_pending`]).

use std::cell::Cell;
use std::panic::Location;

const NAMED: usize = 1;

struct Named {
    name: Box<str>,
    location: Option<&'static Location<'static>>,
}

/// Spawn metadata of one task.
pub(crate) struct Meta(usize);

// Both pointees must leave the tag bit free.
const _: () = assert!(std::mem::align_of::<Location<'static>>() >= 2);
const _: () = assert!(std::mem::align_of::<Named>() >= 2);

impl Meta {
    pub(crate) const NONE: Meta = Meta(0);

    /// The metadata of an unnamed task: its spawn location, no allocation.
    #[inline]
    pub(crate) fn located(location: &'static Location<'static>) -> Meta {
        Meta(location as *const Location<'static> as usize)
    }

    pub(crate) fn new(name: Option<&str>, location: Option<&'static Location<'static>>) -> Meta {
        match (name, location) {
            (None, None) => Meta::NONE,
            (None, Some(loc)) => Meta::located(loc),
            (Some(name), location) => {
                let named = Box::new(Named { name: name.into(), location });
                Meta(Box::into_raw(named) as usize | NAMED)
            }
        }
    }

    fn named(&self) -> Option<&Named> {
        if self.0 & NAMED == 0 {
            return None;
        }
        // SAFETY: a tagged word is a `Box<Named>` this `Meta` owns.
        Some(unsafe { &*((self.0 & !NAMED) as *const Named) })
    }

    pub(crate) fn name(&self) -> Option<&str> {
        self.named().map(|n| &*n.name)
    }

    pub(crate) fn location(&self) -> Option<&'static Location<'static>> {
        match self.named() {
            Some(n) => n.location,
            None if self.0 == 0 => None,
            // SAFETY: an untagged non-zero word is a `&'static Location`.
            None => Some(unsafe { &*(self.0 as *const Location<'static>) }),
        }
    }

    fn into_raw(self) -> usize {
        let raw = self.0;
        std::mem::forget(self);
        raw
    }
}

impl Drop for Meta {
    #[inline]
    fn drop(&mut self) {
        if self.0 & NAMED != 0 {
            // SAFETY: a tagged word owns a `Box<Named>`, freed once here.
            drop(unsafe { Box::from_raw((self.0 & !NAMED) as *mut Named) });
        }
    }
}

std::thread_local! {
    /// The metadata for the next task allocated on this thread (a raw
    /// `Meta` word), 0 if none.
    static PENDING: Cell<usize> = const { Cell::new(0) };
}

/// Leaves `meta` for the task that `f` allocates on this thread; drops it if
/// `f` allocates none.
#[inline]
pub(crate) fn with_pending<R>(meta: Meta, f: impl FnOnce() -> R) -> R {
    struct Leftover;
    impl Drop for Leftover {
        fn drop(&mut self) {
            drop(take_pending());
        }
    }
    let raw = meta.into_raw();
    if PENDING.try_with(|p| p.set(raw)).is_err() {
        // Thread teardown: record nothing.
        drop(Meta(raw));
        return f();
    }
    // Only a panic in `f` can leave the slot filled.
    let leftover = Leftover;
    let out = f();
    std::mem::forget(leftover);
    out
}

/// Takes the metadata left by [`with_pending`], if any.
#[inline]
pub(crate) fn take_pending() -> Meta {
    Meta(PENDING.try_with(|p| p.replace(0)).unwrap_or(0))
}

/// What a snapshot of the runtime's tasks tells about one task: its id,
/// its name and where it was spawned.
///
/// Returned by [`RuntimeMetrics::live_tasks`](crate::runtime::RuntimeMetrics::live_tasks).
/// This is a kiso extension: Tokio has no stable equivalent.
///
/// # Examples
///
/// ```
/// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// let _guard = rt.enter();
/// let h = kiso::task::Builder::new().name("idle").spawn(std::future::pending::<()>()).unwrap();
/// rt.block_on(kiso::task::yield_now());
/// let info = &rt.metrics().live_tasks().unwrap()[0];
/// assert_eq!(info.id(), h.id());
/// assert_eq!(info.name(), Some("idle"));
/// assert_eq!(info.spawn_location().unwrap().file(), file!());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskInfo {
    id: crate::task::Id,
    name: Option<Box<str>>,
    location: Option<&'static Location<'static>>,
}

impl TaskInfo {
    pub(crate) fn of(header: &crate::runtime::task::Header) -> TaskInfo {
        TaskInfo { id: header.id, name: header.meta.name().map(Into::into), location: header.meta.location() }
    }

    /// The task's id.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// let _guard = rt.enter();
    /// let h = kiso::task::Builder::new().name("idle").spawn(std::future::pending::<()>()).unwrap();
    /// rt.block_on(kiso::task::yield_now());
    /// let info = &rt.metrics().live_tasks().unwrap()[0];
    /// assert_eq!(info.id(), h.id());
    /// assert_eq!(info.name(), Some("idle"));
    /// assert_eq!(info.spawn_location().unwrap().file(), file!());
    /// ```
    pub fn id(&self) -> crate::task::Id {
        self.id
    }

    /// The name given with [`task::Builder::name`](crate::task::Builder::name), if any.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// let _guard = rt.enter();
    /// let h = kiso::task::Builder::new().name("idle").spawn(std::future::pending::<()>()).unwrap();
    /// rt.block_on(kiso::task::yield_now());
    /// let info = &rt.metrics().live_tasks().unwrap()[0];
    /// assert_eq!(info.id(), h.id());
    /// assert_eq!(info.name(), Some("idle"));
    /// assert_eq!(info.spawn_location().unwrap().file(), file!());
    /// ```
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The source location of the call that spawned the task.
    ///
    /// # Examples
    ///
    /// ```
    /// let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// let _guard = rt.enter();
    /// let h = kiso::task::Builder::new().name("idle").spawn(std::future::pending::<()>()).unwrap();
    /// rt.block_on(kiso::task::yield_now());
    /// let info = &rt.metrics().live_tasks().unwrap()[0];
    /// assert_eq!(info.id(), h.id());
    /// assert_eq!(info.name(), Some("idle"));
    /// assert_eq!(info.spawn_location().unwrap().file(), file!());
    /// ```
    pub fn spawn_location(&self) -> Option<&'static Location<'static>> {
        self.location
    }
}
