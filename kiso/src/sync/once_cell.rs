//! `OnceCell`: a value set at most once, with async initialization.
//!
//! `state` is `EMPTY`, `BUSY` (one caller is writing the value or running an
//! initializer) or `SET`. Only the caller that moved it `EMPTY -> BUSY` may
//! write `value`; `SET` is published with release ordering after the write
//! and read with acquire ordering before any `&T` is handed out. Callers
//! waiting for a `BUSY` cell sleep on `notify`: a successful initializer
//! wakes them all, a failed or cancelled one wakes the longest waiter, which
//! then tries its own initializer.

use super::Notify;
use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::AtomicUsize;
use crate::loom::sync::atomic::Ordering::{Acquire, Relaxed, Release};

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::mem::MaybeUninit;
use std::ops::Drop;

#[cfg(all(test, loom))]
mod loom_tests;

const EMPTY: usize = 0;
const BUSY: usize = 1;
const SET: usize = 2;

/// A thread-safe cell that can be written to only once.
///
/// A `OnceCell` is typically used for global state that is initialized
/// lazily by an async function, e.g. in a `static` made with
/// [`OnceCell::const_new`]. [`get_or_init`](OnceCell::get_or_init) runs at
/// most one initializer at a time; concurrent callers wait for it and then
/// share its result. If that initializer fails or is cancelled, the next
/// waiting caller runs its own.
///
/// # Examples
///
/// ```
/// use kiso::sync::OnceCell;
///
/// async fn some_computation() -> u32 {
///     1 + 1
/// }
///
/// static ONCE: OnceCell<u32> = OnceCell::const_new();
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() {
/// let result = ONCE.get_or_init(some_computation).await;
/// assert_eq!(*result, 2);
/// # }
/// ```
pub struct OnceCell<T> {
    state: AtomicUsize,
    value: UnsafeCell<MaybeUninit<T>>,
    notify: Notify,
}

// SAFETY: sharing `&OnceCell<T>` hands out `&T` (needs `T: Sync`) and lets
// any thread store a `T` that another thread later drops or takes (needs
// `T: Send`). Access to `value` is serialized by `state`.
unsafe impl<T: Sync + Send> Sync for OnceCell<T> {}
// SAFETY: moving the cell moves the `T` it may hold.
unsafe impl<T: Send> Send for OnceCell<T> {}

/// Resets a `BUSY` cell to `EMPTY` unless disarmed, so that a failed,
/// panicking or cancelled initializer lets the next caller try.
struct BusyGuard<'a, T> {
    cell: &'a OnceCell<T>,
    armed: bool,
}

impl<T> Drop for BusyGuard<'_, T> {
    fn drop(&mut self) {
        if self.armed {
            self.cell.state.store(EMPTY, Release);
            self.cell.notify.notify_one();
        }
    }
}

impl<T> OnceCell<T> {
    /// Creates a new, empty `OnceCell`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::OnceCell;
    ///
    /// let cell: OnceCell<u8> = OnceCell::new();
    /// assert!(!cell.initialized());
    /// ```
    pub fn new() -> Self {
        OnceCell {
            state: AtomicUsize::new(EMPTY),
            value: UnsafeCell::new(MaybeUninit::uninit()),
            notify: Notify::new(),
        }
    }

    /// Creates a new, empty `OnceCell` in a `const` context, e.g. for a
    /// `static`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::OnceCell;
    ///
    /// static CELL: OnceCell<u32> = OnceCell::const_new();
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() {
    /// assert_eq!(*CELL.get_or_init(|| async { 7 }).await, 7);
    /// # }
    /// ```
    #[cfg(not(loom))]
    pub const fn const_new() -> Self {
        OnceCell {
            state: AtomicUsize::new(EMPTY),
            value: UnsafeCell::new(MaybeUninit::uninit()),
            notify: Notify::const_new(),
        }
    }

    /// Creates a new `OnceCell` holding `value` if it is `Some`, empty
    /// otherwise.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::OnceCell;
    ///
    /// let cell = OnceCell::new_with(Some(3));
    /// assert_eq!(cell.get(), Some(&3));
    /// let empty: OnceCell<i32> = OnceCell::new_with(None);
    /// assert_eq!(empty.get(), None);
    /// ```
    pub fn new_with(value: Option<T>) -> Self {
        match value {
            Some(v) => OnceCell::from(v),
            None => OnceCell::new(),
        }
    }

    /// Creates a new `OnceCell` already holding `value`, in a `const`
    /// context.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::OnceCell;
    ///
    /// static CELL: OnceCell<u32> = OnceCell::const_new_with(1);
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() {
    /// assert_eq!(*CELL.get_or_init(|| async { 2 }).await, 1);
    /// # }
    /// ```
    #[cfg(not(loom))]
    pub const fn const_new_with(value: T) -> Self {
        OnceCell {
            state: AtomicUsize::new(SET),
            value: UnsafeCell::new(MaybeUninit::new(value)),
            notify: Notify::const_new(),
        }
    }

    /// Returns `true` if the cell holds a value.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::OnceCell;
    ///
    /// let cell = OnceCell::new();
    /// assert!(!cell.initialized());
    /// cell.set(1).unwrap();
    /// assert!(cell.initialized());
    /// ```
    pub fn initialized(&self) -> bool {
        self.state.load(Acquire) == SET
    }

    /// # Safety
    ///
    /// The cell must be `SET` (observed with acquire ordering).
    unsafe fn get_unchecked(&self) -> &T {
        // SAFETY: `SET` means the value was written and will not change
        // until `&mut self` is available.
        unsafe { self.value.with(|p| (*p).assume_init_ref()) }
    }

    /// Returns a reference to the value, or `None` if the cell is empty (or
    /// is being initialized).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::OnceCell;
    ///
    /// let cell = OnceCell::new();
    /// assert_eq!(cell.get(), None);
    /// cell.set("hi").unwrap();
    /// assert_eq!(cell.get(), Some(&"hi"));
    /// ```
    pub fn get(&self) -> Option<&T> {
        if self.initialized() {
            // SAFETY: `initialized` observed `SET` with acquire ordering.
            Some(unsafe { self.get_unchecked() })
        } else {
            None
        }
    }

    /// Returns a mutable reference to the value, or `None` if the cell is
    /// empty.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::OnceCell;
    ///
    /// let mut cell = OnceCell::new_with(Some(1));
    /// *cell.get_mut().unwrap() += 1;
    /// assert_eq!(cell.get(), Some(&2));
    /// ```
    pub fn get_mut(&mut self) -> Option<&mut T> {
        if self.state.load(Acquire) == SET {
            // SAFETY: `SET`, and `&mut self` rules out any other access.
            Some(unsafe { self.value.with_mut(|p| (*p).assume_init_mut()) })
        } else {
            None
        }
    }

    /// Stores `value` if the cell is empty.
    ///
    /// # Errors
    ///
    /// Returns [`SetError::AlreadyInitializedError`] with `value` if the cell
    /// already holds a value, and [`SetError::InitializingError`] with
    /// `value` if another caller is initializing it at this moment.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::{OnceCell, SetError};
    ///
    /// let cell = OnceCell::new();
    /// assert!(cell.set(1).is_ok());
    /// assert_eq!(cell.set(2), Err(SetError::AlreadyInitializedError(2)));
    /// ```
    pub fn set(&self, value: T) -> Result<(), SetError<T>> {
        match self.state.compare_exchange(EMPTY, BUSY, Acquire, Acquire) {
            Ok(_) => {
                // SAFETY: we moved the cell to `BUSY`, so we alone access
                // `value` until we publish `SET`.
                unsafe { self.value.with_mut(|p| (*p).write(value)) };
                self.state.store(SET, Release);
                self.notify.notify_waiters();
                Ok(())
            }
            Err(SET) => Err(SetError::AlreadyInitializedError(value)),
            Err(_) => Err(SetError::InitializingError(value)),
        }
    }

    /// Claims the cell for initialization, or waits until it holds a value
    /// or nobody is initializing it. Returns the guard if claimed, `None`
    /// once the value is set.
    async fn claim(&self) -> Option<BusyGuard<'_, T>> {
        loop {
            let notified = self.notify.notified();
            let mut notified = std::pin::pin!(notified);
            loop {
                match self.state.compare_exchange(EMPTY, BUSY, Acquire, Acquire) {
                    Ok(_) => {
                        return Some(BusyGuard {
                            cell: self,
                            armed: true,
                        })
                    }
                    Err(SET) => return None,
                    Err(_) => {}
                }
                // Join the queue, then look again so that a release that
                // happened in between is not missed.
                if notified.as_mut().enable() {
                    break;
                }
                match self.state.load(Acquire) {
                    BUSY => {
                        notified.as_mut().await;
                        break;
                    }
                    _ => continue,
                }
            }
        }
    }

    /// Returns the value, running `f` to initialize the cell first if it is
    /// empty.
    ///
    /// Only one initializer runs at a time: other callers wait for it and
    /// then return its value. If the running initializer is cancelled (its
    /// future dropped) or panics, the next waiting caller runs its own `f`.
    ///
    /// Calling `get_or_init` on the same cell from inside `f` never
    /// completes: the inner call waits for the outer initializer.
    ///
    /// # Panics
    ///
    /// Panics if `f` panics; the cell stays empty in that case.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::OnceCell;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let cell = OnceCell::new();
    /// assert_eq!(*cell.get_or_init(|| async { 1 }).await, 1);
    /// // Already set: the closure is not run.
    /// assert_eq!(*cell.get_or_init(|| async { 2 }).await, 1);
    /// # }
    /// ```
    pub async fn get_or_init<F, Fut>(&self, f: F) -> &T
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = T>,
    {
        if let Some(v) = self.get() {
            return v;
        }
        // Claiming spends coop budget, as an acquire does.
        match crate::task::coop::cooperative(self.claim()).await {
            None => {
                // SAFETY: `claim` returns `None` only after observing `SET`
                // with acquire ordering.
                unsafe { self.get_unchecked() }
            }
            Some(guard) => {
                let value = f().await;
                Self::publish(guard, value)
            }
        }
    }

    /// Returns the value, running `f` to initialize the cell first if it is
    /// empty. If `f` fails, the cell stays empty and the error is returned.
    ///
    /// Only one initializer runs at a time: other callers wait for it. If it
    /// fails, is cancelled or panics, the next waiting caller runs its own.
    ///
    /// # Errors
    ///
    /// Returns the error of `f` if `f` ran and failed.
    ///
    /// # Panics
    ///
    /// Panics if `f` panics; the cell stays empty in that case.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::OnceCell;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let cell = OnceCell::new();
    /// let failed = cell.get_or_try_init(|| async { Err::<u32, _>("no") }).await;
    /// assert_eq!(failed, Err("no"));
    /// let ok = cell.get_or_try_init(|| async { Ok::<_, &str>(5) }).await;
    /// assert_eq!(ok, Ok(&5));
    /// # }
    /// ```
    pub async fn get_or_try_init<E, F, Fut>(&self, f: F) -> Result<&T, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        if let Some(v) = self.get() {
            return Ok(v);
        }
        // Claiming spends coop budget, as an acquire does.
        match crate::task::coop::cooperative(self.claim()).await {
            // SAFETY: `claim` returns `None` only after observing `SET`.
            None => Ok(unsafe { self.get_unchecked() }),
            Some(guard) => {
                let value = f().await?;
                Ok(Self::publish(guard, value))
            }
        }
    }

    fn publish(mut guard: BusyGuard<'_, T>, value: T) -> &T {
        guard.armed = false;
        let cell = guard.cell;
        // SAFETY: the guard proves we moved the cell to `BUSY`, so nobody
        // else accesses `value` until we publish `SET`.
        unsafe { cell.value.with_mut(|p| (*p).write(value)) };
        cell.state.store(SET, Release);
        cell.notify.notify_waiters();
        // SAFETY: we just stored `SET` and it cannot change while `&self`
        // is borrowed.
        unsafe { cell.get_unchecked() }
    }

    /// Takes the value out of the cell, consuming it. Returns `None` if the
    /// cell is empty.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::OnceCell;
    ///
    /// let cell = OnceCell::new_with(Some(String::from("x")));
    /// assert_eq!(cell.into_inner(), Some(String::from("x")));
    /// ```
    pub fn into_inner(mut self) -> Option<T> {
        self.take()
    }

    /// Takes the value out of the cell, leaving it empty. Returns `None` if
    /// the cell is empty.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::OnceCell;
    ///
    /// let mut cell = OnceCell::new_with(Some(1));
    /// assert_eq!(cell.take(), Some(1));
    /// assert_eq!(cell.take(), None);
    /// assert!(!cell.initialized());
    /// ```
    pub fn take(&mut self) -> Option<T> {
        if self.state.load(Acquire) == SET {
            self.state.store(EMPTY, Relaxed);
            // SAFETY: the value was set; `&mut self` gives exclusive access
            // and the state now says empty, so it is not read or dropped
            // again.
            Some(unsafe { self.value.with(|p| (*p).assume_init_read()) })
        } else {
            None
        }
    }
}

impl<T> Drop for OnceCell<T> {
    fn drop(&mut self) {
        drop(self.take());
    }
}

impl<T> Default for OnceCell<T> {
    fn default() -> OnceCell<T> {
        OnceCell::new()
    }
}

impl<T> From<T> for OnceCell<T> {
    fn from(value: T) -> OnceCell<T> {
        OnceCell {
            state: AtomicUsize::new(SET),
            value: UnsafeCell::new(MaybeUninit::new(value)),
            notify: Notify::new(),
        }
    }
}

impl<T: Clone> Clone for OnceCell<T> {
    fn clone(&self) -> OnceCell<T> {
        OnceCell::new_with(self.get().cloned())
    }
}

impl<T: PartialEq> PartialEq for OnceCell<T> {
    fn eq(&self, other: &OnceCell<T>) -> bool {
        self.get() == other.get()
    }
}

impl<T: Eq> Eq for OnceCell<T> {}

impl<T: fmt::Debug> fmt::Debug for OnceCell<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OnceCell")
            .field("value", &self.get())
            .finish()
    }
}

/// Error returned by [`OnceCell::set`]; it gives the value back.
///
/// # Examples
///
/// ```
/// use kiso::sync::{OnceCell, SetError};
///
/// let cell = OnceCell::new_with(Some(1));
/// let err = cell.set(2).unwrap_err();
/// assert!(matches!(err, SetError::AlreadyInitializedError(2)));
/// assert!(err.is_already_init_err());
/// assert_eq!(err.to_string(), "AlreadyInitializedError");
/// ```
#[derive(Debug, PartialEq, Eq)]
pub enum SetError<T> {
    /// The cell already held a value.
    AlreadyInitializedError(T),

    /// The cell was being initialized by another caller at that moment.
    InitializingError(T),
}

impl<T> fmt::Display for SetError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetError::AlreadyInitializedError(_) => f.write_str("AlreadyInitializedError"),
            SetError::InitializingError(_) => f.write_str("InitializingError"),
        }
    }
}

impl<T: fmt::Debug> Error for SetError<T> {}

impl<T> SetError<T> {
    /// Returns `true` for [`SetError::AlreadyInitializedError`].
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::SetError;
    ///
    /// assert!(SetError::AlreadyInitializedError(1).is_already_init_err());
    /// assert!(!SetError::InitializingError(1).is_already_init_err());
    /// ```
    pub fn is_already_init_err(&self) -> bool {
        matches!(self, SetError::AlreadyInitializedError(_))
    }

    /// Returns `true` for [`SetError::InitializingError`].
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::SetError;
    ///
    /// assert!(SetError::InitializingError(1).is_initializing_err());
    /// assert!(!SetError::AlreadyInitializedError(1).is_initializing_err());
    /// ```
    pub fn is_initializing_err(&self) -> bool {
        matches!(self, SetError::InitializingError(_))
    }
}
