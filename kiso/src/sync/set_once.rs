//! `SetOnce`: a value set at most once that tasks can wait for.
//!
//! `state` goes `EMPTY -> BUSY -> SET` exactly once. The caller that wins
//! `EMPTY -> BUSY` writes the value and publishes `SET` with release
//! ordering, then wakes every waiter with `notify_waiters`. Readers see the
//! value only after an acquire load of `SET`.

use super::Notify;
use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::AtomicUsize;
use crate::loom::sync::atomic::Ordering::{Acquire, Relaxed, Release};

use std::error::Error;
use std::fmt;
use std::mem::MaybeUninit;

#[cfg(all(test, loom))]
mod loom_tests;

const EMPTY: usize = 0;
const BUSY: usize = 1;
const SET: usize = 2;

/// A thread-safe cell that can be written to only once, and that tasks can
/// wait on until it is written.
///
/// `SetOnce` works like an event that carries a value: any number of tasks
/// can [`wait`](SetOnce::wait) for the value, and the first call to
/// [`set`](SetOnce::set) wakes them all. Later calls to `set` fail.
///
/// # Examples
///
/// ```
/// use kiso::sync::SetOnce;
/// use std::sync::Arc;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() {
/// let once = Arc::new(SetOnce::new());
/// let waiter = once.clone();
///
/// let task = kiso::spawn(async move { *waiter.wait().await });
///
/// once.set(20).unwrap();
/// assert_eq!(task.await.unwrap(), 20);
/// assert!(once.set(30).is_err());
/// # }
/// ```
pub struct SetOnce<T> {
    state: AtomicUsize,
    value: UnsafeCell<MaybeUninit<T>>,
    notify: Notify,
}

// SAFETY: sharing `&SetOnce<T>` hands out `&T` (needs `T: Sync`) and lets any
// thread store a `T` that is later dropped elsewhere (needs `T: Send`).
unsafe impl<T: Sync + Send> Sync for SetOnce<T> {}
// SAFETY: moving the cell moves the `T` it may hold.
unsafe impl<T: Send> Send for SetOnce<T> {}

impl<T> SetOnce<T> {
    /// Creates a new, empty `SetOnce`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::SetOnce;
    ///
    /// let once: SetOnce<u8> = SetOnce::new();
    /// assert_eq!(once.get(), None);
    /// ```
    pub fn new() -> Self {
        SetOnce {
            state: AtomicUsize::new(EMPTY),
            value: UnsafeCell::new(MaybeUninit::uninit()),
            notify: Notify::new(),
        }
    }

    /// Creates a new, empty `SetOnce` in a `const` context, e.g. for a
    /// `static`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::SetOnce;
    ///
    /// static ONCE: SetOnce<u32> = SetOnce::const_new();
    /// ONCE.set(1).unwrap();
    /// assert_eq!(ONCE.get(), Some(&1));
    /// ```
    #[cfg(not(loom))]
    pub const fn const_new() -> Self {
        SetOnce {
            state: AtomicUsize::new(EMPTY),
            value: UnsafeCell::new(MaybeUninit::uninit()),
            notify: Notify::const_new(),
        }
    }

    /// Creates a new `SetOnce` holding `value` if it is `Some`, empty
    /// otherwise.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::SetOnce;
    ///
    /// let once = SetOnce::new_with(Some(5));
    /// assert_eq!(once.get(), Some(&5));
    /// ```
    pub fn new_with(value: Option<T>) -> Self {
        match value {
            Some(v) => SetOnce::from(v),
            None => SetOnce::new(),
        }
    }

    /// Creates a new `SetOnce` already holding `value`, in a `const` context.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::SetOnce;
    ///
    /// static ONCE: SetOnce<u32> = SetOnce::const_new_with(4);
    /// assert_eq!(ONCE.get(), Some(&4));
    /// assert!(ONCE.set(5).is_err());
    /// ```
    #[cfg(not(loom))]
    pub const fn const_new_with(value: T) -> Self {
        SetOnce {
            state: AtomicUsize::new(SET),
            value: UnsafeCell::new(MaybeUninit::new(value)),
            notify: Notify::const_new(),
        }
    }

    /// Returns `true` if the value has been set.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::SetOnce;
    ///
    /// let once = SetOnce::new();
    /// assert!(!once.initialized());
    /// once.set(()).unwrap();
    /// assert!(once.initialized());
    /// ```
    pub fn initialized(&self) -> bool {
        self.state.load(Acquire) == SET
    }

    /// Returns a reference to the value, or `None` if it is not set yet.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::SetOnce;
    ///
    /// let once = SetOnce::new();
    /// assert_eq!(once.get(), None);
    /// once.set('a').unwrap();
    /// assert_eq!(once.get(), Some(&'a'));
    /// ```
    pub fn get(&self) -> Option<&T> {
        if self.initialized() {
            // SAFETY: `SET` was observed with acquire ordering, so the value
            // is written and never changes while `&self` is borrowed.
            Some(unsafe { self.value.with(|p| (*p).assume_init_ref()) })
        } else {
            None
        }
    }

    /// Sets the value if it is not set yet, and wakes every task waiting in
    /// [`wait`](SetOnce::wait).
    ///
    /// # Errors
    ///
    /// Returns [`SetOnceError`] holding `value` if the value was already set
    /// (or is being set by a concurrent call).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::{SetOnce, SetOnceError};
    ///
    /// let once = SetOnce::new();
    /// assert_eq!(once.set(1), Ok(()));
    /// assert_eq!(once.set(2), Err(SetOnceError(2)));
    /// ```
    pub fn set(&self, value: T) -> Result<(), SetOnceError<T>> {
        if self
            .state
            .compare_exchange(EMPTY, BUSY, Acquire, Acquire)
            .is_err()
        {
            return Err(SetOnceError(value));
        }
        // SAFETY: we moved the state to `BUSY`, so we alone touch `value`
        // until we publish `SET`.
        unsafe { self.value.with_mut(|p| (*p).write(value)) };
        self.state.store(SET, Release);
        self.notify.notify_waiters();
        Ok(())
    }

    /// Takes the value out, consuming the `SetOnce`. Returns `None` if the
    /// value was never set.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::SetOnce;
    ///
    /// let once = SetOnce::new();
    /// once.set(String::from("v")).unwrap();
    /// assert_eq!(once.into_inner(), Some(String::from("v")));
    /// ```
    pub fn into_inner(mut self) -> Option<T> {
        self.take_value()
    }

    fn take_value(&mut self) -> Option<T> {
        if self.state.load(Acquire) == SET {
            self.state.store(EMPTY, Relaxed);
            // SAFETY: the value is set, `&mut self` is exclusive and the
            // state now says empty, so it is not read or dropped again.
            Some(unsafe { self.value.with(|p| (*p).assume_init_read()) })
        } else {
            None
        }
    }

    /// Waits until the value is set and returns a reference to it. Returns
    /// at once if it is already set.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::SetOnce;
    /// use std::sync::Arc;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let once = Arc::new(SetOnce::new());
    /// let setter = once.clone();
    /// kiso::spawn(async move { setter.set(9) });
    /// assert_eq!(*once.wait().await, 9);
    /// # }
    /// ```
    pub async fn wait(&self) -> &T {
        loop {
            if let Some(v) = self.get() {
                return v;
            }
            // Created before the second check: a `set` after that check
            // calls `notify_waiters`, which this future is guaranteed to see.
            let notified = self.notify.notified();
            if let Some(v) = self.get() {
                return v;
            }
            notified.await;
        }
    }
}

impl<T> Drop for SetOnce<T> {
    fn drop(&mut self) {
        drop(self.take_value());
    }
}

impl<T> Default for SetOnce<T> {
    fn default() -> SetOnce<T> {
        SetOnce::new()
    }
}

impl<T> From<T> for SetOnce<T> {
    fn from(value: T) -> SetOnce<T> {
        SetOnce {
            state: AtomicUsize::new(SET),
            value: UnsafeCell::new(MaybeUninit::new(value)),
            notify: Notify::new(),
        }
    }
}

impl<T: Clone> Clone for SetOnce<T> {
    fn clone(&self) -> SetOnce<T> {
        SetOnce::new_with(self.get().cloned())
    }
}

impl<T: PartialEq> PartialEq for SetOnce<T> {
    fn eq(&self, other: &SetOnce<T>) -> bool {
        self.get() == other.get()
    }
}

impl<T: Eq> Eq for SetOnce<T> {}

impl<T: fmt::Debug> fmt::Debug for SetOnce<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SetOnce")
            .field("value", &self.get())
            .finish()
    }
}

/// Error returned by [`SetOnce::set`] when the value was already set. It
/// holds the value that could not be stored.
///
/// # Examples
///
/// ```
/// use kiso::sync::{SetOnce, SetOnceError};
///
/// let once = SetOnce::new_with(Some(1));
/// let SetOnceError(rejected) = once.set(2).unwrap_err();
/// assert_eq!(rejected, 2);
/// assert_eq!(SetOnceError(2).to_string(), "SetOnceError");
/// ```
#[derive(Debug, PartialEq, Eq)]
pub struct SetOnceError<T>(pub T);

impl<T> fmt::Display for SetOnceError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SetOnceError")
    }
}

impl<T: fmt::Debug> Error for SetOnceError<T> {}
