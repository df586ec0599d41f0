//! Task-local storage: `task_local!`, `LocalKey`, `TaskLocalFuture`.
//!
//! A task-local value lives in the future that [`LocalKey::scope`] returns,
//! not in the thread. Each time that future is polled, the value is moved
//! into a thread-local slot for the duration of the poll and moved back out
//! afterwards, so code running inside the poll (on whichever thread) sees
//! it, and nothing else does: not other tasks on the same thread, nor the
//! scoped future's own spawned tasks.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::marker::PhantomPinned;
use std::mem;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Declares task-local keys: statics of type [`LocalKey`].
///
/// Each declaration reads like a `static` without an initializer; the value
/// is supplied per scope, with [`LocalKey::scope`] or
/// [`LocalKey::sync_scope`]. Attributes and visibility are kept.
///
/// # Examples
///
/// ```
/// kiso::task_local! {
///     pub static REQUEST_ID: u64;
///     static USER: String;
/// }
///
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// REQUEST_ID
///     .scope(7, async {
///         assert_eq!(REQUEST_ID.get(), 7);
///     })
///     .await;
/// assert!(USER.try_with(|u| u.len()).is_err());
/// # });
/// ```
#[macro_export]
#[cfg_attr(docsrs, doc(cfg(feature = "rt")))]
macro_rules! task_local {
    () => {};

    ($(#[$attr:meta])* $vis:vis static $name:ident: $t:ty; $($rest:tt)*) => {
        $crate::__kiso_task_local_key!($(#[$attr])* $vis $name, $t);
        $crate::task_local!($($rest)*);
    };

    ($(#[$attr:meta])* $vis:vis static $name:ident: $t:ty) => {
        $crate::__kiso_task_local_key!($(#[$attr])* $vis $name, $t);
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __kiso_task_local_key {
    ($(#[$attr:meta])* $vis:vis $name:ident, $t:ty) => {
        $(#[$attr])*
        $vis static $name: $crate::task::LocalKey<$t> = {
            ::std::thread_local! {
                static __KISO_TASK_LOCAL: ::std::cell::RefCell<::std::option::Option<$t>> =
                    const { ::std::cell::RefCell::new(::std::option::Option::None) };
            }
            $crate::task::LocalKey { __slot: __KISO_TASK_LOCAL }
        };
    };
}

/// A key for task-local data, declared with [`task_local!`](crate::task_local).
///
/// A value is bound to the key for the duration of a future with
/// [`scope`](LocalKey::scope) (or of a closure with
/// [`sync_scope`](LocalKey::sync_scope)), and read inside it with
/// [`with`](LocalKey::with), [`try_with`](LocalKey::try_with),
/// [`get`](LocalKey::get) or [`try_get`](LocalKey::try_get). Scopes nest:
/// an inner scope shadows the outer value until it ends.
///
/// Values are only visible while the scoped future is being polled: tasks
/// spawned from inside a scope do not see them.
///
/// # Examples
///
/// ```
/// kiso::task_local! {
///     static NUMBER: u32;
/// }
///
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// NUMBER
///     .scope(1, async {
///         assert_eq!(NUMBER.get(), 1);
///         NUMBER.scope(2, async { assert_eq!(NUMBER.get(), 2) }).await;
///         assert_eq!(NUMBER.get(), 1);
///     })
///     .await;
/// # });
/// ```
pub struct LocalKey<T: 'static> {
    #[doc(hidden)]
    pub __slot: std::thread::LocalKey<RefCell<Option<T>>>,
}

/// Why a scope could not be entered.
enum ScopeError {
    /// The slot is borrowed by a `with` call on this thread.
    Borrowed,
    /// The thread-local slot is being destroyed.
    Destroyed,
}

impl ScopeError {
    #[track_caller]
    fn panic(self) -> ! {
        match self {
            ScopeError::Borrowed => {
                panic!("cannot enter a task-local scope while the task-local storage is borrowed")
            }
            ScopeError::Destroyed => panic!(
                "cannot enter a task-local scope during or after destruction of the underlying thread-local"
            ),
        }
    }
}

impl<T: 'static> LocalKey<T> {
    /// Returns a future that runs `f` with `value` bound to this key.
    ///
    /// The value is dropped when the returned future is dropped (not when
    /// `f` completes), unless [`TaskLocalFuture::take_value`] took it out.
    /// If the future is dropped before `f` completed, `f` is dropped with
    /// the value still bound, so its destructor can read it.
    ///
    /// # Panics
    ///
    /// Polling the returned future panics if it happens inside a
    /// [`with`](LocalKey::with) or [`try_with`](LocalKey::try_with) of the
    /// same key.
    ///
    /// # Examples
    ///
    /// ```
    /// kiso::task_local! {
    ///     static NAME: &'static str;
    /// }
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let len = NAME.scope("kiso", async { NAME.with(|n| n.len()) }).await;
    /// assert_eq!(len, 4);
    /// # });
    /// ```
    pub fn scope<F>(&'static self, value: T, f: F) -> TaskLocalFuture<T, F>
    where
        F: Future,
    {
        TaskLocalFuture { local: self, slot: Some(value), future: Some(f), _pinned: PhantomPinned }
    }

    /// Runs the closure `f` with `value` bound to this key, and returns its
    /// result. The value is dropped before this returns.
    ///
    /// # Panics
    ///
    /// Panics if called inside a [`with`](LocalKey::with) or
    /// [`try_with`](LocalKey::try_with) of the same key.
    ///
    /// # Examples
    ///
    /// ```
    /// kiso::task_local! {
    ///     static DEPTH: usize;
    /// }
    ///
    /// assert_eq!(DEPTH.sync_scope(3, || DEPTH.get() + 1), 4);
    /// ```
    #[track_caller]
    pub fn sync_scope<F, R>(&'static self, value: T, f: F) -> R
    where
        F: FnOnce() -> R,
    {
        let mut slot = Some(value);
        match self.scope_inner(&mut slot, f) {
            Ok(out) => out,
            Err(err) => err.panic(),
        }
    }

    /// Moves the value in `slot` into the thread-local slot (and whatever
    /// was there, the value of an enclosing scope, into `slot`), runs `f`,
    /// and swaps them back, even if `f` panics.
    fn scope_inner<F, R>(&'static self, slot: &mut Option<T>, f: F) -> Result<R, ScopeError>
    where
        F: FnOnce() -> R,
    {
        struct Restore<'a, T: 'static> {
            key: &'static LocalKey<T>,
            slot: &'a mut Option<T>,
        }
        impl<T: 'static> Drop for Restore<'_, T> {
            fn drop(&mut self) {
                // The slot was reachable when the scope was entered and no
                // borrow made inside `f` outlives it, so neither the access
                // nor the borrow can fail here.
                self.key.__slot.with(|cell| mem::swap(self.slot, &mut *cell.borrow_mut()));
            }
        }

        self.__slot
            .try_with(|cell| {
                let mut current = cell.try_borrow_mut().map_err(|_| ScopeError::Borrowed)?;
                mem::swap(slot, &mut *current);
                Ok(())
            })
            .map_err(|_| ScopeError::Destroyed)??;
        let restore = Restore { key: self, slot };
        let out = f();
        drop(restore);
        Ok(out)
    }

    /// Calls `f` with a reference to the value bound to this key.
    ///
    /// # Panics
    ///
    /// Panics if no value is bound (outside any scope of this key).
    ///
    /// # Examples
    ///
    /// ```
    /// kiso::task_local! {
    ///     static NUMBER: u32;
    /// }
    ///
    /// NUMBER.sync_scope(5, || NUMBER.with(|n| assert_eq!(*n, 5)));
    /// ```
    #[track_caller]
    pub fn with<F, R>(&'static self, f: F) -> R
    where
        F: FnOnce(&T) -> R,
    {
        match self.try_with(f) {
            Ok(out) => out,
            Err(_) => panic!("cannot access a task-local storage value without setting it first"),
        }
    }

    /// Calls `f` with a reference to the value bound to this key, or
    /// returns an error if no value is bound or the thread-local slot is
    /// being destroyed.
    ///
    /// # Errors
    ///
    /// Returns an `AccessError` when no value is bound.
    ///
    /// # Examples
    ///
    /// ```
    /// kiso::task_local! {
    ///     static NUMBER: u32;
    /// }
    ///
    /// assert!(NUMBER.try_with(|n| *n).is_err());
    /// assert_eq!(NUMBER.sync_scope(1, || NUMBER.try_with(|n| *n)), Ok(1));
    /// ```
    pub fn try_with<F, R>(&'static self, f: F) -> Result<R, AccessError>
    where
        F: FnOnce(&T) -> R,
    {
        let f = self.__slot.try_with(|cell| {
            // Only a scope being entered or left borrows the slot mutably,
            // and no user code runs meanwhile, so this borrow succeeds.
            match cell.borrow().as_ref() {
                Some(value) => Ok(f(value)),
                None => Err(f),
            }
        });
        match f {
            Ok(Ok(out)) => Ok(out),
            _ => Err(AccessError { _private: () }),
        }
    }
}

impl<T: Clone + 'static> LocalKey<T> {
    /// Returns a clone of the value bound to this key.
    ///
    /// # Panics
    ///
    /// Panics if no value is bound.
    ///
    /// # Examples
    ///
    /// ```
    /// kiso::task_local! {
    ///     static NUMBER: u32;
    /// }
    ///
    /// assert_eq!(NUMBER.sync_scope(9, || NUMBER.get()), 9);
    /// ```
    #[track_caller]
    pub fn get(&'static self) -> T {
        self.with(T::clone)
    }

    /// Returns a clone of the value bound to this key, or an error if none
    /// is bound.
    ///
    /// # Errors
    ///
    /// Returns an `AccessError` when no value is bound.
    ///
    /// # Examples
    ///
    /// ```
    /// kiso::task_local! {
    ///     static NUMBER: u32;
    /// }
    ///
    /// assert!(NUMBER.try_get().is_err());
    /// ```
    pub fn try_get(&'static self) -> Result<T, AccessError> {
        self.try_with(T::clone)
    }
}

impl<T: 'static> fmt::Debug for LocalKey<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LocalKey { .. }")
    }
}

/// A future that runs an inner future with a task-local value bound;
/// returned by [`LocalKey::scope`].
///
/// # Examples
///
/// ```
/// kiso::task_local! {
///     static KEY: u8;
/// }
///
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let fut: kiso::task::futures::TaskLocalFuture<u8, _> = KEY.scope(1, async { KEY.get() });
/// assert_eq!(fut.await, 1);
/// # });
/// ```
pub struct TaskLocalFuture<T, F>
where
    T: 'static,
{
    local: &'static LocalKey<T>,
    slot: Option<T>,
    /// `None` once the inner future completed (or was dropped).
    future: Option<F>,
    /// Never `Unpin`, as Tokio's is not.
    _pinned: PhantomPinned,
}

impl<T: 'static, F> TaskLocalFuture<T, F> {
    /// Takes the task-local value out of the future, leaving `None`.
    ///
    /// Returns `None` if it was taken before. Useful to get the value back
    /// after the scope finished (or was abandoned), for example to reuse
    /// it.
    ///
    /// # Examples
    ///
    /// ```
    /// kiso::task_local! {
    ///     static KEY: u32;
    /// }
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let mut fut = std::pin::pin!(KEY.scope(42, async { KEY.get() }));
    /// assert_eq!((&mut fut).await, 42);
    /// assert_eq!(fut.as_mut().take_value(), Some(42));
    /// assert_eq!(fut.as_mut().take_value(), None);
    /// # });
    /// ```
    pub fn take_value(self: Pin<&mut Self>) -> Option<T> {
        // SAFETY: the slot is not structurally pinned (it is moved in and
        // out of the thread-local on every poll); we move nothing else.
        unsafe { self.get_unchecked_mut() }.slot.take()
    }
}

impl<T: 'static, F: Future> Future for TaskLocalFuture<T, F> {
    type Output = F::Output;

    #[track_caller]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: `future` is structurally pinned: it is only ever accessed
        // through `Pin` below, and only dropped in place (set to `None`),
        // never moved. The other fields are not pinned.
        let this = unsafe { self.get_unchecked_mut() };
        let future = &mut this.future;
        let res = this.local.scope_inner(&mut this.slot, || {
            let fut = future.as_mut()?;
            // SAFETY: see above; the future stays where it is.
            let res = unsafe { Pin::new_unchecked(fut) }.poll(cx);
            if res.is_ready() {
                // Dropped in place, with the value still bound.
                *future = None;
            }
            Some(res)
        });
        match res {
            Ok(Some(res)) => res,
            Ok(None) => panic!("`TaskLocalFuture` polled after completion"),
            Err(err) => err.panic(),
        }
    }
}

impl<T: 'static, F> Drop for TaskLocalFuture<T, F> {
    fn drop(&mut self) {
        if mem::needs_drop::<F>() && self.future.is_some() {
            // Drop the unfinished future with its value bound, so its
            // destructor can read it. If the scope cannot be entered (the
            // slot is borrowed or gone), the future is dropped without it.
            let future = &mut self.future;
            let _ = self.local.scope_inner(&mut self.slot, || *future = None);
        }
    }
}

/// Never `Unpin`: the bound of the `Unpin` impl of [`TaskLocalFuture`]
/// (which never holds) names it, so the future is `!Unpin` as Tokio's is,
/// with the same conditional impl on record.
#[doc(hidden)]
#[derive(Debug)]
pub struct NeverUnpin<F>(std::marker::PhantomData<F>, PhantomPinned);

impl<T: 'static, F> Unpin for TaskLocalFuture<T, F> where NeverUnpin<F>: Unpin {}

impl<T: fmt::Debug + 'static, F> fmt::Debug for TaskLocalFuture<T, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Value<'a, T>(&'a Option<T>);
        impl<T: fmt::Debug> fmt::Debug for Value<'_, T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.0 {
                    Some(v) => v.fmt(f),
                    None => f.write_str("<missing>"),
                }
            }
        }
        f.debug_struct("TaskLocalFuture").field("value", &Value(&self.slot)).finish()
    }
}

/// The error of [`LocalKey::try_with`] and [`LocalKey::try_get`]: no value
/// is bound to the key.
#[derive(Clone, Copy, Eq, PartialEq)]
pub struct AccessError {
    _private: (),
}

impl fmt::Debug for AccessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessError").finish()
    }
}

impl fmt::Display for AccessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("task-local value not set")
    }
}

impl std::error::Error for AccessError {}
