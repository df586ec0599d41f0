use super::batch_semaphore as semaphore;

use std::cell::UnsafeCell;
use std::error::Error;
use std::fmt;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

/// An asynchronous mutual-exclusion lock for data shared between tasks.
///
/// Unlike `std::sync::Mutex`, locking is an `.await` that suspends the task
/// instead of blocking the thread, and the guard may be held across
/// `.await` points (it is `Send` when `T` is). Tasks get the lock in the
/// order they asked for it (first in, first out). There is no poisoning: a
/// panic while the lock is held simply releases it.
///
/// Prefer `std::sync::Mutex` for short critical sections that never
/// `.await` while locked; use this one when the guard must live across
/// `.await`s.
///
/// # Examples
///
/// ```
/// use kiso::sync::Mutex;
/// use std::sync::Arc;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() {
/// let count = Arc::new(Mutex::new(0));
/// let mut tasks = Vec::new();
/// for _ in 0..10 {
///     let count = count.clone();
///     tasks.push(kiso::spawn(async move {
///         let mut n = count.lock().await;
///         kiso::task::yield_now().await; // still holding the lock
///         *n += 1;
///     }));
/// }
/// for t in tasks {
///     t.await.unwrap();
/// }
/// assert_eq!(*count.lock().await, 10);
/// # }
/// ```
pub struct Mutex<T: ?Sized> {
    s: semaphore::Semaphore,
    c: UnsafeCell<T>,
}

/// Access to a [`Mutex`]'s data while it is locked; unlocks on drop.
///
/// Returned by [`Mutex::lock`] and [`Mutex::try_lock`].
///
/// # Examples
///
/// ```
/// use kiso::sync::Mutex;
///
/// let m = Mutex::new(String::from("a"));
/// let mut guard = m.try_lock().unwrap();
/// guard.push('b');
/// assert_eq!(&*guard, "ab");
/// ```
#[clippy::has_significant_drop]
#[must_use = "if unused the Mutex will immediately unlock"]
pub struct MutexGuard<'a, T: ?Sized> {
    lock: &'a Mutex<T>,
}

/// Like [`MutexGuard`], but holds the [`Mutex`] through an `Arc`, so it is
/// `'static`; unlocks on drop.
///
/// Returned by [`Mutex::lock_owned`] and [`Mutex::try_lock_owned`].
///
/// # Examples
///
/// ```
/// use kiso::sync::Mutex;
/// use std::sync::Arc;
///
/// let m = Arc::new(Mutex::new(1));
/// let mut guard = m.clone().try_lock_owned().unwrap();
/// std::thread::spawn(move || *guard += 1).join().unwrap();
/// assert_eq!(*m.try_lock().unwrap(), 2);
/// ```
#[clippy::has_significant_drop]
pub struct OwnedMutexGuard<T: ?Sized> {
    lock: Arc<Mutex<T>>,
}

/// A [`MutexGuard`] narrowed to a part of the locked data, made by
/// [`MutexGuard::map`]; unlocks the whole mutex on drop.
///
/// # Examples
///
/// ```
/// use kiso::sync::{Mutex, MutexGuard};
///
/// let m = Mutex::new((1, 2));
/// let mut second = MutexGuard::map(m.try_lock().unwrap(), |p| &mut p.1);
/// *second = 5;
/// drop(second);
/// assert_eq!(*m.try_lock().unwrap(), (1, 5));
/// ```
#[clippy::has_significant_drop]
#[must_use = "if unused the Mutex will immediately unlock"]
pub struct MappedMutexGuard<'a, T: ?Sized> {
    s: &'a semaphore::Semaphore,
    data: *mut T,
    marker: PhantomData<&'a mut T>,
}

/// An [`OwnedMutexGuard`] narrowed to a part (`U`) of the locked data
/// (`T`), made by [`OwnedMutexGuard::map`]; unlocks on drop.
///
/// # Examples
///
/// ```
/// use kiso::sync::{Mutex, OwnedMutexGuard};
/// use std::sync::Arc;
///
/// let m = Arc::new(Mutex::new(vec![1, 2]));
/// let mut first = OwnedMutexGuard::map(m.clone().try_lock_owned().unwrap(), |v| &mut v[0]);
/// *first = 9;
/// drop(first);
/// assert_eq!(*m.try_lock().unwrap(), [9, 2]);
/// ```
#[clippy::has_significant_drop]
pub struct OwnedMappedMutexGuard<T: ?Sized, U: ?Sized = T> {
    data: *mut U,
    lock: Arc<Mutex<T>>,
}

// SAFETY: the mutex hands out `&mut T` to one holder at a time, so sharing
// it between threads only requires that `T` may move between threads.
unsafe impl<T> Send for Mutex<T> where T: ?Sized + Send {}
// SAFETY: as above.
unsafe impl<T> Sync for Mutex<T> where T: ?Sized + Send {}
// SAFETY: `&MutexGuard` gives `&T` to other threads, which needs `T: Sync`.
unsafe impl<T> Sync for MutexGuard<'_, T> where T: ?Sized + Send + Sync {}
// SAFETY: as above.
unsafe impl<T> Sync for OwnedMutexGuard<T> where T: ?Sized + Send + Sync {}
// SAFETY: the mapped guard is a `&mut T` plus a semaphore reference.
unsafe impl<'a, T> Sync for MappedMutexGuard<'a, T> where T: ?Sized + Sync + 'a {}
// SAFETY: as above; moving it moves a `&mut T`.
unsafe impl<'a, T> Send for MappedMutexGuard<'a, T> where T: ?Sized + Send + 'a {}
// SAFETY: shares `&U` and keeps an `Arc<Mutex<T>>`.
unsafe impl<T, U> Sync for OwnedMappedMutexGuard<T, U>
where
    T: ?Sized + Send + Sync,
    U: ?Sized + Send + Sync,
{
}
// SAFETY: moves a `&mut U` and an `Arc<Mutex<T>>` (Send iff `T: Send`).
unsafe impl<T, U> Send for OwnedMappedMutexGuard<T, U>
where
    T: ?Sized + Send,
    U: ?Sized + Send,
{
}

/// Error from [`Mutex::try_lock`], [`RwLock::try_read`] and
/// [`RwLock::try_write`]: the lock is held.
///
/// [`RwLock::try_read`]: crate::sync::RwLock::try_read
/// [`RwLock::try_write`]: crate::sync::RwLock::try_write
///
/// # Examples
///
/// ```
/// use kiso::sync::Mutex;
///
/// let m = Mutex::new(());
/// let _g = m.try_lock().unwrap();
/// let err = m.try_lock().unwrap_err();
/// assert_eq!(err.to_string(), "operation would block");
/// ```
#[derive(Debug)]
pub struct TryLockError(pub(super) ());

impl fmt::Display for TryLockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("operation would block")
    }
}

impl Error for TryLockError {}

impl<T: ?Sized> Mutex<T> {
    /// Creates an unlocked mutex holding `t`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Mutex;
    ///
    /// let m = Mutex::new(5);
    /// assert_eq!(m.into_inner(), 5);
    /// ```
    pub fn new(t: T) -> Self
    where
        T: Sized,
    {
        Mutex {
            s: semaphore::Semaphore::new(1),
            c: UnsafeCell::new(t),
        }
    }

    /// Creates an unlocked mutex holding `t`, in a constant context.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Mutex;
    ///
    /// static COUNT: Mutex<u32> = Mutex::const_new(0);
    /// *COUNT.try_lock().unwrap() += 1;
    /// assert_eq!(*COUNT.try_lock().unwrap(), 1);
    /// ```
    #[cfg(not(loom))]
    pub const fn const_new(t: T) -> Self
    where
        T: Sized,
    {
        Mutex {
            s: semaphore::Semaphore::const_new(1),
            c: UnsafeCell::new(t),
        }
    }

    /// Locks the mutex, waiting until it is free, and returns a guard.
    ///
    /// Waiting tasks get the lock in the order they called `lock`.
    ///
    /// # Cancel safety
    ///
    /// This method uses a queue to fairly distribute locks in the order they
    /// were requested. Cancelling a call to `lock` makes you lose your place
    /// in the queue.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Mutex;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let m = Mutex::new(1);
    /// *m.lock().await += 1;
    /// assert_eq!(*m.lock().await, 2);
    /// # }
    /// ```
    pub async fn lock(&self) -> MutexGuard<'_, T> {
        self.acquire().await;
        MutexGuard { lock: self }
    }

    async fn acquire(&self) {
        // The semaphore of a mutex is never closed.
        if self.s.acquire(1).await.is_err() {
            unreachable!("the semaphore of a Mutex is never closed");
        }
    }

    /// Locks the mutex from outside asynchronous code, blocking the thread
    /// until it is free.
    ///
    /// # Panics
    ///
    /// Panics when called from a thread that drives an asynchronous
    /// runtime (blocking would stall its tasks); use it from synchronous
    /// code, e.g. inside `spawn_blocking`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Mutex;
    /// use std::sync::Arc;
    ///
    /// # #[kiso::main]
    /// # async fn main() {
    /// let m = Arc::new(Mutex::new(1));
    /// let m2 = m.clone();
    /// kiso::task::spawn_blocking(move || *m2.blocking_lock() += 1)
    ///     .await
    ///     .unwrap();
    /// assert_eq!(*m.lock().await, 2);
    /// # }
    /// ```
    #[track_caller]
    pub fn blocking_lock(&self) -> MutexGuard<'_, T> {
        semaphore::block_on(self.lock())
    }

    /// Like [`blocking_lock`](Mutex::blocking_lock), through an `Arc`,
    /// returning an [`OwnedMutexGuard`].
    ///
    /// # Panics
    ///
    /// Panics when called from a thread that drives an asynchronous
    /// runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Mutex;
    /// use std::sync::Arc;
    ///
    /// let m = Arc::new(Mutex::new(1));
    /// let mut g = m.clone().blocking_lock_owned();
    /// *g = 3;
    /// drop(g);
    /// assert_eq!(*m.blocking_lock(), 3);
    /// ```
    #[track_caller]
    pub fn blocking_lock_owned(self: Arc<Self>) -> OwnedMutexGuard<T> {
        semaphore::block_on(self.lock_owned())
    }

    /// Locks the mutex through an `Arc`, waiting until it is free; the guard
    /// keeps the mutex alive and is `'static`.
    ///
    /// # Cancel safety
    ///
    /// This method uses a queue to fairly distribute locks in the order they
    /// were requested. Cancelling a call to `lock_owned` makes you lose your
    /// place in the queue.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Mutex;
    /// use std::sync::Arc;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let m = Arc::new(Mutex::new(1));
    /// let mut g = m.clone().lock_owned().await;
    /// kiso::spawn(async move { *g = 2 }).await.unwrap();
    /// assert_eq!(*m.lock().await, 2);
    /// # }
    /// ```
    pub async fn lock_owned(self: Arc<Self>) -> OwnedMutexGuard<T> {
        self.acquire().await;
        OwnedMutexGuard { lock: self }
    }

    /// Locks the mutex if it is free now, without waiting.
    ///
    /// # Errors
    ///
    /// Returns [`TryLockError`] if the mutex is locked.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Mutex;
    ///
    /// let m = Mutex::new(1);
    /// let g = m.try_lock().unwrap();
    /// assert!(m.try_lock().is_err());
    /// drop(g);
    /// assert!(m.try_lock().is_ok());
    /// ```
    pub fn try_lock(&self) -> Result<MutexGuard<'_, T>, TryLockError> {
        match self.s.try_acquire(1) {
            Ok(()) => Ok(MutexGuard { lock: self }),
            Err(_) => Err(TryLockError(())),
        }
    }

    /// Returns a mutable reference to the data; no locking is needed since
    /// `&mut self` proves exclusive access.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Mutex;
    ///
    /// let mut m = Mutex::new(1);
    /// *m.get_mut() = 2;
    /// assert_eq!(m.into_inner(), 2);
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        self.c.get_mut()
    }

    /// Locks the mutex through an `Arc` if it is free now.
    ///
    /// # Errors
    ///
    /// Returns [`TryLockError`] if the mutex is locked.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Mutex;
    /// use std::sync::Arc;
    ///
    /// let m = Arc::new(Mutex::new(1));
    /// let g = m.clone().try_lock_owned().unwrap();
    /// assert!(m.clone().try_lock_owned().is_err());
    /// drop(g);
    /// ```
    pub fn try_lock_owned(self: Arc<Self>) -> Result<OwnedMutexGuard<T>, TryLockError> {
        match self.s.try_acquire(1) {
            Ok(()) => Ok(OwnedMutexGuard { lock: self }),
            Err(_) => Err(TryLockError(())),
        }
    }

    /// Consumes the mutex and returns the data.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Mutex;
    ///
    /// let m = Mutex::new(vec![1]);
    /// assert_eq!(m.into_inner(), [1]);
    /// ```
    pub fn into_inner(self) -> T
    where
        T: Sized,
    {
        self.c.into_inner()
    }
}

impl<T> From<T> for Mutex<T> {
    fn from(t: T) -> Self {
        Mutex::new(t)
    }
}

impl<T> Default for Mutex<T>
where
    T: Default,
{
    fn default() -> Self {
        Mutex::new(T::default())
    }
}

impl<T: ?Sized> fmt::Debug for Mutex<T>
where
    T: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Mutex");
        match self.try_lock() {
            Ok(guard) => d.field("data", &&*guard),
            Err(_) => d.field("data", &format_args!("<locked>")),
        };
        d.finish()
    }
}

impl<'a, T: ?Sized> MutexGuard<'a, T> {
    /// Narrows the guard to a part of the data. An associated function
    /// (`MutexGuard::map(guard, f)`) so it does not shadow a method of `T`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::{Mutex, MutexGuard};
    ///
    /// let m = Mutex::new((0, String::new()));
    /// let mut s = MutexGuard::map(m.try_lock().unwrap(), |d| &mut d.1);
    /// s.push_str("hi");
    /// drop(s);
    /// assert_eq!(m.try_lock().unwrap().1, "hi");
    /// ```
    #[inline]
    pub fn map<U, F>(this: Self, f: F) -> MappedMutexGuard<'a, U>
    where
        U: ?Sized,
        F: FnOnce(&mut T) -> &mut U,
    {
        let lock = ManuallyDrop::new(this).lock;
        // SAFETY: the lock is held (we own the guard), so nobody else
        // accesses the data; its unlocking moves to the mapped guard.
        let data = f(unsafe { &mut *lock.c.get() }) as *mut U;
        MappedMutexGuard {
            s: &lock.s,
            data,
            marker: PhantomData,
        }
    }

    /// Like [`map`](MutexGuard::map), but `f` may decline by returning
    /// `None`, in which case the original guard comes back as `Err`.
    ///
    /// # Errors
    ///
    /// Returns the original guard if `f` returns `None`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::{Mutex, MutexGuard};
    ///
    /// let m = Mutex::new(vec![1, 2]);
    /// let g = MutexGuard::try_map(m.try_lock().unwrap(), |v| v.get_mut(5));
    /// let g = g.unwrap_err(); // still locked, original guard
    /// let first = MutexGuard::try_map(g, |v| v.get_mut(0)).unwrap();
    /// assert_eq!(*first, 1);
    /// ```
    #[inline]
    pub fn try_map<U, F>(this: Self, f: F) -> Result<MappedMutexGuard<'a, U>, Self>
    where
        U: ?Sized,
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        // SAFETY: the lock is held (we own the guard).
        let data = match f(unsafe { &mut *this.lock.c.get() }) {
            Some(data) => data as *mut U,
            None => return Err(this),
        };
        let lock = ManuallyDrop::new(this).lock;
        Ok(MappedMutexGuard {
            s: &lock.s,
            data,
            marker: PhantomData,
        })
    }

    /// Returns the mutex this guard locks.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::{Mutex, MutexGuard};
    ///
    /// let m = Mutex::new(1);
    /// let g = m.try_lock().unwrap();
    /// assert!(std::ptr::eq(MutexGuard::mutex(&g), &m));
    /// ```
    pub fn mutex(this: &Self) -> &'a Mutex<T> {
        this.lock
    }
}

impl<T: ?Sized> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.s.release(1);
    }
}

impl<T: ?Sized> Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard holds the lock.
        unsafe { &*self.lock.c.get() }
    }
}

impl<T: ?Sized> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the guard holds the lock and is borrowed mutably.
        unsafe { &mut *self.lock.c.get() }
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<T: ?Sized> OwnedMutexGuard<T> {
    fn into_lock(this: Self) -> Arc<Mutex<T>> {
        let this = ManuallyDrop::new(this);
        // SAFETY: `this` is never used (nor dropped) again, so the `Arc` is
        // moved out exactly once.
        unsafe { std::ptr::read(&this.lock) }
    }

    /// Narrows the guard to a part of the data.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::{Mutex, OwnedMutexGuard};
    /// use std::sync::Arc;
    ///
    /// let m = Arc::new(Mutex::new((1, 2)));
    /// let mut g = OwnedMutexGuard::map(m.clone().try_lock_owned().unwrap(), |p| &mut p.0);
    /// *g = 7;
    /// drop(g);
    /// assert_eq!(*m.try_lock().unwrap(), (7, 2));
    /// ```
    #[inline]
    pub fn map<U, F>(this: Self, f: F) -> OwnedMappedMutexGuard<T, U>
    where
        U: ?Sized,
        F: FnOnce(&mut T) -> &mut U,
    {
        let lock = Self::into_lock(this);
        // SAFETY: the lock is held; unlocking moves to the mapped guard.
        let data = f(unsafe { &mut *lock.c.get() }) as *mut U;
        OwnedMappedMutexGuard { data, lock }
    }

    /// Like [`map`](OwnedMutexGuard::map), but `f` may decline by returning
    /// `None`, giving the original guard back.
    ///
    /// # Errors
    ///
    /// Returns the original guard if `f` returns `None`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::{Mutex, OwnedMutexGuard};
    /// use std::sync::Arc;
    ///
    /// let m = Arc::new(Mutex::new(Some(3)));
    /// let g = OwnedMutexGuard::try_map(m.clone().try_lock_owned().unwrap(), |o| o.as_mut());
    /// assert_eq!(*g.unwrap(), 3);
    /// ```
    #[inline]
    pub fn try_map<U, F>(this: Self, f: F) -> Result<OwnedMappedMutexGuard<T, U>, Self>
    where
        U: ?Sized,
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        // SAFETY: the lock is held.
        let data = match f(unsafe { &mut *this.lock.c.get() }) {
            Some(data) => data as *mut U,
            None => return Err(this),
        };
        let lock = Self::into_lock(this);
        Ok(OwnedMappedMutexGuard { data, lock })
    }

    /// Returns the `Arc` of the mutex this guard locks.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::{Mutex, OwnedMutexGuard};
    /// use std::sync::Arc;
    ///
    /// let m = Arc::new(Mutex::new(1));
    /// let g = m.clone().try_lock_owned().unwrap();
    /// assert!(Arc::ptr_eq(OwnedMutexGuard::mutex(&g), &m));
    /// ```
    pub fn mutex(this: &Self) -> &Arc<Mutex<T>> {
        &this.lock
    }
}

impl<T: ?Sized> Drop for OwnedMutexGuard<T> {
    fn drop(&mut self) {
        self.lock.s.release(1);
    }
}

impl<T: ?Sized> Deref for OwnedMutexGuard<T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard holds the lock.
        unsafe { &*self.lock.c.get() }
    }
}

impl<T: ?Sized> DerefMut for OwnedMutexGuard<T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the guard holds the lock and is borrowed mutably.
        unsafe { &mut *self.lock.c.get() }
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for OwnedMutexGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for OwnedMutexGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<'a, T: ?Sized> MappedMutexGuard<'a, T> {
    /// Narrows the mapped guard further.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::{MappedMutexGuard, Mutex, MutexGuard};
    ///
    /// let m = Mutex::new(((1, 2), 3));
    /// let inner = MutexGuard::map(m.try_lock().unwrap(), |d| &mut d.0);
    /// let mut two = MappedMutexGuard::map(inner, |p| &mut p.1);
    /// *two = 20;
    /// drop(two);
    /// assert_eq!(*m.try_lock().unwrap(), ((1, 20), 3));
    /// ```
    #[inline]
    pub fn map<U, F>(this: Self, f: F) -> MappedMutexGuard<'a, U>
    where
        U: ?Sized,
        F: FnOnce(&mut T) -> &mut U,
    {
        let this = ManuallyDrop::new(this);
        let data = this.data;
        // SAFETY: the lock is held; unlocking moves to the new guard.
        let data = f(unsafe { &mut *data }) as *mut U;
        MappedMutexGuard {
            s: this.s,
            data,
            marker: PhantomData,
        }
    }

    /// Like [`map`](MappedMutexGuard::map), but `f` may decline by
    /// returning `None`, giving the original guard back.
    ///
    /// # Errors
    ///
    /// Returns the original guard if `f` returns `None`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::{MappedMutexGuard, Mutex, MutexGuard};
    ///
    /// let m = Mutex::new((vec![1], 0));
    /// let v = MutexGuard::map(m.try_lock().unwrap(), |d| &mut d.0);
    /// let v = MappedMutexGuard::try_map(v, |v| v.get_mut(3)).unwrap_err();
    /// assert_eq!(*v, [1]);
    /// ```
    #[inline]
    pub fn try_map<U, F>(this: Self, f: F) -> Result<MappedMutexGuard<'a, U>, Self>
    where
        U: ?Sized,
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        // SAFETY: the lock is held.
        let data = match f(unsafe { &mut *this.data }) {
            Some(data) => data as *mut U,
            None => return Err(this),
        };
        let this = ManuallyDrop::new(this);
        Ok(MappedMutexGuard {
            s: this.s,
            data,
            marker: PhantomData,
        })
    }
}

impl<T: ?Sized> Drop for MappedMutexGuard<'_, T> {
    fn drop(&mut self) {
        self.s.release(1);
    }
}

impl<T: ?Sized> Deref for MappedMutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: `data` points into the locked data; the lock is held.
        unsafe { &*self.data }
    }
}

impl<T: ?Sized> DerefMut for MappedMutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as above, borrowed mutably.
        unsafe { &mut *self.data }
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for MappedMutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for MappedMutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<T: ?Sized, U: ?Sized> OwnedMappedMutexGuard<T, U> {
    fn into_parts(this: Self) -> (*mut U, Arc<Mutex<T>>) {
        let this = ManuallyDrop::new(this);
        // SAFETY: `this` is never used or dropped again, so the `Arc` is
        // moved out exactly once.
        (this.data, unsafe { std::ptr::read(&this.lock) })
    }

    /// Narrows the mapped guard further.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::{Mutex, OwnedMappedMutexGuard, OwnedMutexGuard};
    /// use std::sync::Arc;
    ///
    /// let m = Arc::new(Mutex::new(((1, 2), 3)));
    /// let g = OwnedMutexGuard::map(m.clone().try_lock_owned().unwrap(), |d| &mut d.0);
    /// let mut g = OwnedMappedMutexGuard::map(g, |p| &mut p.0);
    /// *g = 10;
    /// drop(g);
    /// assert_eq!(*m.try_lock().unwrap(), ((10, 2), 3));
    /// ```
    #[inline]
    pub fn map<S, F>(this: Self, f: F) -> OwnedMappedMutexGuard<T, S>
    where
        S: ?Sized,
        F: FnOnce(&mut U) -> &mut S,
    {
        let (data, lock) = Self::into_parts(this);
        // SAFETY: the lock is held; unlocking moves to the new guard.
        let data = f(unsafe { &mut *data }) as *mut S;
        OwnedMappedMutexGuard { data, lock }
    }

    /// Like [`map`](OwnedMappedMutexGuard::map), but `f` may decline by
    /// returning `None`, giving the original guard back.
    ///
    /// # Errors
    ///
    /// Returns the original guard if `f` returns `None`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::{Mutex, OwnedMappedMutexGuard, OwnedMutexGuard};
    /// use std::sync::Arc;
    ///
    /// let m = Arc::new(Mutex::new((Some(1), 0)));
    /// let g = OwnedMutexGuard::map(m.clone().try_lock_owned().unwrap(), |d| &mut d.0);
    /// let g = OwnedMappedMutexGuard::try_map(g, |o| o.as_mut()).unwrap();
    /// assert_eq!(*g, 1);
    /// ```
    #[inline]
    pub fn try_map<S, F>(this: Self, f: F) -> Result<OwnedMappedMutexGuard<T, S>, Self>
    where
        S: ?Sized,
        F: FnOnce(&mut U) -> Option<&mut S>,
    {
        // SAFETY: the lock is held.
        let data = match f(unsafe { &mut *this.data }) {
            Some(data) => data as *mut S,
            None => return Err(this),
        };
        let (_, lock) = Self::into_parts(this);
        Ok(OwnedMappedMutexGuard { data, lock })
    }
}

impl<T: ?Sized, U: ?Sized> Drop for OwnedMappedMutexGuard<T, U> {
    fn drop(&mut self) {
        self.lock.s.release(1);
    }
}

impl<T: ?Sized, U: ?Sized> Deref for OwnedMappedMutexGuard<T, U> {
    type Target = U;
    fn deref(&self) -> &U {
        // SAFETY: `data` points into the locked data; the lock is held.
        unsafe { &*self.data }
    }
}

impl<T: ?Sized, U: ?Sized> DerefMut for OwnedMappedMutexGuard<T, U> {
    fn deref_mut(&mut self) -> &mut U {
        // SAFETY: as above, borrowed mutably.
        unsafe { &mut *self.data }
    }
}

impl<T: ?Sized, U: ?Sized + fmt::Debug> fmt::Debug for OwnedMappedMutexGuard<T, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized, U: ?Sized + fmt::Display> fmt::Display for OwnedMappedMutexGuard<T, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}
