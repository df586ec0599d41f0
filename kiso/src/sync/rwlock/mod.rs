use super::batch_semaphore::{self as bs, Semaphore};
use super::mutex::TryLockError;

use std::cell::UnsafeCell;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

mod read_guards;
mod write_guards;

pub use read_guards::{OwnedRwLockReadGuard, RwLockReadGuard};
pub use write_guards::{
    OwnedRwLockMappedWriteGuard, OwnedRwLockWriteGuard, RwLockMappedWriteGuard, RwLockWriteGuard,
};

/// The most concurrent readers a lock allows (each holds one permit; a
/// writer takes them all).
#[cfg(not(loom))]
const MAX_READS: u32 = u32::MAX >> 3;
#[cfg(loom)]
const MAX_READS: u32 = 10;

/// An asynchronous reader-writer lock: many readers or one writer at a
/// time.
///
/// Locking is fair (first in, first out): a waiting writer is not starved
/// by a stream of readers, since readers that arrive after it queue behind
/// it. Guards may be held across `.await` points. There is no poisoning.
///
/// `RwLock<T>` needs `T: Send + Sync` to be shared between threads (readers
/// on several threads see `&T` at the same time).
///
/// # Examples
///
/// ```
/// use kiso::sync::RwLock;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() {
/// let lock = RwLock::new(5);
/// {
///     let r1 = lock.read().await;
///     let r2 = lock.read().await; // many readers at once
///     assert_eq!(*r1 + *r2, 10);
/// }
/// *lock.write().await += 1; // one writer
/// assert_eq!(*lock.read().await, 6);
/// # }
/// ```
pub struct RwLock<T: ?Sized> {
    /// Permits a writer takes (the maximum number of readers).
    mr: u32,
    s: Semaphore,
    c: UnsafeCell<T>,
}

// SAFETY: moving the lock moves the `T`.
unsafe impl<T> Send for RwLock<T> where T: ?Sized + Send {}
// SAFETY: readers on several threads share `&T` (needs `Sync`); a writer
// on another thread gets `&mut T` (needs `Send`).
unsafe impl<T> Sync for RwLock<T> where T: ?Sized + Send + Sync {}
// SAFETY: a read guard is a `&T`.
unsafe impl<T> Send for RwLockReadGuard<'_, T> where T: ?Sized + Sync {}
// SAFETY: as above.
unsafe impl<T> Sync for RwLockReadGuard<'_, T> where T: ?Sized + Send + Sync {}
// SAFETY: holds an `Arc<RwLock<T>>` and gives `&U`.
unsafe impl<T, U> Send for OwnedRwLockReadGuard<T, U>
where
    T: ?Sized + Send + Sync,
    U: ?Sized + Sync,
{
}
// SAFETY: as above.
unsafe impl<T, U> Sync for OwnedRwLockReadGuard<T, U>
where
    T: ?Sized + Send + Sync,
    U: ?Sized + Send + Sync,
{
}
// SAFETY: a write guard is a `&mut T`; sharing it shares `&T`.
unsafe impl<T> Sync for RwLockWriteGuard<'_, T> where T: ?Sized + Send + Sync {}
// SAFETY: as above.
unsafe impl<T> Sync for OwnedRwLockWriteGuard<T> where T: ?Sized + Send + Sync {}
// SAFETY: as above.
unsafe impl<T> Sync for RwLockMappedWriteGuard<'_, T> where T: ?Sized + Send + Sync {}
// SAFETY: as above.
unsafe impl<T, U> Sync for OwnedRwLockMappedWriteGuard<T, U>
where
    T: ?Sized + Send + Sync,
    U: ?Sized + Send + Sync,
{
}
// SAFETY: a write guard can be downgraded to a read guard, which other
// threads may then share, hence `Sync` as well as `Send`.
unsafe impl<T> Send for RwLockWriteGuard<'_, T> where T: ?Sized + Send + Sync {}
// SAFETY: as above.
unsafe impl<T> Send for OwnedRwLockWriteGuard<T> where T: ?Sized + Send + Sync {}
// SAFETY: as above.
unsafe impl<T> Send for RwLockMappedWriteGuard<'_, T> where T: ?Sized + Send + Sync {}
// SAFETY: as above.
unsafe impl<T, U> Send for OwnedRwLockMappedWriteGuard<T, U>
where
    T: ?Sized + Send + Sync,
    U: ?Sized + Send + Sync,
{
}

impl<T: ?Sized> RwLock<T> {
    /// Creates an unlocked lock holding `value`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::RwLock;
    ///
    /// let lock = RwLock::new(5);
    /// assert_eq!(lock.into_inner(), 5);
    /// ```
    #[track_caller]
    pub fn new(value: T) -> RwLock<T>
    where
        T: Sized,
    {
        RwLock {
            mr: MAX_READS,
            s: Semaphore::new(MAX_READS as usize),
            c: UnsafeCell::new(value),
        }
    }

    /// Creates an unlocked lock holding `value` that admits at most
    /// `max_reads` readers at once.
    ///
    /// # Panics
    ///
    /// Panics if `max_reads` is 0 or more than `u32::MAX >> 3`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::RwLock;
    ///
    /// let lock = RwLock::with_max_readers(0, 2);
    /// let _a = lock.try_read().unwrap();
    /// let _b = lock.try_read().unwrap();
    /// assert!(lock.try_read().is_err());
    /// ```
    #[track_caller]
    pub fn with_max_readers(value: T, max_reads: u32) -> RwLock<T>
    where
        T: Sized,
    {
        assert_ne!(max_reads, 0, "a RwLock may not be created with 0 readers");
        assert!(
            max_reads <= MAX_READS,
            "a RwLock may not be created with more than {MAX_READS} readers"
        );
        RwLock {
            mr: max_reads,
            s: Semaphore::new(max_reads as usize),
            c: UnsafeCell::new(value),
        }
    }

    /// Creates an unlocked lock holding `value`, in a constant context.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::RwLock;
    ///
    /// static LOCK: RwLock<i32> = RwLock::const_new(5);
    /// assert_eq!(*LOCK.try_read().unwrap(), 5);
    /// ```
    #[cfg(not(loom))]
    pub const fn const_new(value: T) -> RwLock<T>
    where
        T: Sized,
    {
        RwLock {
            mr: MAX_READS,
            s: Semaphore::const_new(MAX_READS as usize),
            c: UnsafeCell::new(value),
        }
    }

    /// Creates an unlocked lock holding `value` that admits at most
    /// `max_reads` readers, in a constant context.
    ///
    /// # Panics
    ///
    /// Panics if `max_reads` is 0 or more than `u32::MAX >> 3`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::RwLock;
    ///
    /// static LOCK: RwLock<i32> = RwLock::const_with_max_readers(5, 1);
    /// let _r = LOCK.try_read().unwrap();
    /// assert!(LOCK.try_read().is_err());
    /// ```
    #[cfg(not(loom))]
    pub const fn const_with_max_readers(value: T, max_reads: u32) -> RwLock<T>
    where
        T: Sized,
    {
        assert!(max_reads != 0, "a RwLock may not be created with 0 readers");
        assert!(max_reads <= MAX_READS);
        RwLock {
            mr: max_reads,
            s: Semaphore::const_new(max_reads as usize),
            c: UnsafeCell::new(value),
        }
    }

    async fn acquire(&self, n: u32) {
        // The semaphore of a lock is never closed.
        if self.s.acquire(n as usize).await.is_err() {
            unreachable!("the semaphore of a RwLock is never closed");
        }
    }

    fn read_guard(&self) -> RwLockReadGuard<'_, T> {
        RwLockReadGuard {
            s: &self.s,
            data: self.c.get(),
            marker: PhantomData,
        }
    }

    fn write_guard(&self) -> RwLockWriteGuard<'_, T> {
        RwLockWriteGuard {
            permits_acquired: self.mr,
            s: &self.s,
            data: self.c.get(),
            marker: PhantomData,
        }
    }

    /// Locks for reading, waiting while a writer holds the lock or waits
    /// ahead of this call.
    ///
    /// # Cancel safety
    ///
    /// This method uses a queue to fairly distribute locks in the order they
    /// were requested. Cancelling a call to `read` makes you lose your place
    /// in the queue.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::RwLock;
    /// use std::sync::Arc;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let lock = Arc::new(RwLock::new(1));
    /// let r = lock.read().await;
    /// let lock2 = lock.clone();
    /// // Another reader gets in while `r` is held.
    /// let v = kiso::spawn(async move { *lock2.read().await }).await.unwrap();
    /// assert_eq!(v, *r);
    /// # }
    /// ```
    pub async fn read(&self) -> RwLockReadGuard<'_, T> {
        self.acquire(1).await;
        self.read_guard()
    }

    /// Locks for reading from outside asynchronous code, blocking the
    /// thread.
    ///
    /// # Panics
    ///
    /// Panics when called from a thread that drives an asynchronous
    /// runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::RwLock;
    ///
    /// let lock = RwLock::new(1);
    /// assert_eq!(*lock.blocking_read(), 1);
    /// ```
    #[track_caller]
    pub fn blocking_read(&self) -> RwLockReadGuard<'_, T> {
        bs::block_on(self.read())
    }

    /// Locks for reading through an `Arc`; the guard keeps the lock alive.
    ///
    /// # Cancel safety
    ///
    /// This method uses a queue to fairly distribute locks in the order they
    /// were requested. Cancelling a call to `read_owned` makes you lose your
    /// place in the queue.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::RwLock;
    /// use std::sync::Arc;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let lock = Arc::new(RwLock::new(1));
    /// let r = lock.clone().read_owned().await;
    /// assert_eq!(kiso::spawn(async move { *r }).await.unwrap(), 1);
    /// # }
    /// ```
    pub async fn read_owned(self: Arc<Self>) -> OwnedRwLockReadGuard<T> {
        self.acquire(1).await;
        let data = self.c.get() as *const T;
        OwnedRwLockReadGuard {
            lock: self,
            data,
            _p: PhantomData,
        }
    }

    /// Locks for reading if that is possible now.
    ///
    /// # Errors
    ///
    /// Returns [`TryLockError`] if a writer holds the lock or is waiting,
    /// or if the maximum number of readers is reached.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::RwLock;
    ///
    /// let lock = RwLock::new(1);
    /// let w = lock.try_write().unwrap();
    /// assert!(lock.try_read().is_err());
    /// drop(w);
    /// assert_eq!(*lock.try_read().unwrap(), 1);
    /// ```
    pub fn try_read(&self) -> Result<RwLockReadGuard<'_, T>, TryLockError> {
        match self.s.try_acquire(1) {
            Ok(()) => Ok(self.read_guard()),
            Err(_) => Err(TryLockError(())),
        }
    }

    /// Locks for reading through an `Arc` if that is possible now.
    ///
    /// # Errors
    ///
    /// Returns [`TryLockError`] if a writer holds the lock or is waiting,
    /// or if the maximum number of readers is reached.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::RwLock;
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new(1));
    /// let r = lock.clone().try_read_owned().unwrap();
    /// assert_eq!(*r, 1);
    /// ```
    pub fn try_read_owned(self: Arc<Self>) -> Result<OwnedRwLockReadGuard<T>, TryLockError> {
        match self.s.try_acquire(1) {
            Ok(()) => {
                let data = self.c.get() as *const T;
                Ok(OwnedRwLockReadGuard {
                    lock: self,
                    data,
                    _p: PhantomData,
                })
            }
            Err(_) => Err(TryLockError(())),
        }
    }

    /// Locks for writing, waiting until no reader or writer holds the lock
    /// and every earlier request was served.
    ///
    /// # Cancel safety
    ///
    /// This method uses a queue to fairly distribute locks in the order they
    /// were requested. Cancelling a call to `write` makes you lose your place
    /// in the queue.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::RwLock;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let lock = RwLock::new(1);
    /// *lock.write().await += 1;
    /// assert_eq!(*lock.read().await, 2);
    /// # }
    /// ```
    pub async fn write(&self) -> RwLockWriteGuard<'_, T> {
        self.acquire(self.mr).await;
        self.write_guard()
    }

    /// Locks for writing from outside asynchronous code, blocking the
    /// thread.
    ///
    /// # Panics
    ///
    /// Panics when called from a thread that drives an asynchronous
    /// runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::RwLock;
    ///
    /// let lock = RwLock::new(1);
    /// *lock.blocking_write() = 2;
    /// assert_eq!(*lock.blocking_read(), 2);
    /// ```
    #[track_caller]
    pub fn blocking_write(&self) -> RwLockWriteGuard<'_, T> {
        bs::block_on(self.write())
    }

    /// Locks for writing through an `Arc`; the guard keeps the lock alive.
    ///
    /// # Cancel safety
    ///
    /// This method uses a queue to fairly distribute locks in the order they
    /// were requested. Cancelling a call to `write_owned` makes you lose
    /// your place in the queue.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::RwLock;
    /// use std::sync::Arc;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let lock = Arc::new(RwLock::new(1));
    /// let mut w = lock.clone().write_owned().await;
    /// kiso::spawn(async move { *w = 2 }).await.unwrap();
    /// assert_eq!(*lock.read().await, 2);
    /// # }
    /// ```
    pub async fn write_owned(self: Arc<Self>) -> OwnedRwLockWriteGuard<T> {
        self.acquire(self.mr).await;
        let data = self.c.get();
        OwnedRwLockWriteGuard {
            permits_acquired: self.mr,
            lock: self,
            data,
            _p: PhantomData,
        }
    }

    /// Locks for writing if that is possible now.
    ///
    /// # Errors
    ///
    /// Returns [`TryLockError`] if the lock is held or requested by
    /// someone else.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::RwLock;
    ///
    /// let lock = RwLock::new(1);
    /// let r = lock.try_read().unwrap();
    /// assert!(lock.try_write().is_err());
    /// drop(r);
    /// assert!(lock.try_write().is_ok());
    /// ```
    pub fn try_write(&self) -> Result<RwLockWriteGuard<'_, T>, TryLockError> {
        match self.s.try_acquire(self.mr as usize) {
            Ok(()) => Ok(self.write_guard()),
            Err(_) => Err(TryLockError(())),
        }
    }

    /// Locks for writing through an `Arc` if that is possible now.
    ///
    /// # Errors
    ///
    /// Returns [`TryLockError`] if the lock is held or requested by
    /// someone else.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::RwLock;
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new(1));
    /// let mut w = lock.clone().try_write_owned().unwrap();
    /// *w = 3;
    /// assert!(lock.clone().try_write_owned().is_err());
    /// ```
    pub fn try_write_owned(self: Arc<Self>) -> Result<OwnedRwLockWriteGuard<T>, TryLockError> {
        match self.s.try_acquire(self.mr as usize) {
            Ok(()) => {
                let data = self.c.get();
                Ok(OwnedRwLockWriteGuard {
                    permits_acquired: self.mr,
                    lock: self,
                    data,
                    _p: PhantomData,
                })
            }
            Err(_) => Err(TryLockError(())),
        }
    }

    /// Returns a mutable reference to the data; `&mut self` proves that no
    /// guard exists.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::RwLock;
    ///
    /// let mut lock = RwLock::new(1);
    /// *lock.get_mut() = 2;
    /// assert_eq!(lock.into_inner(), 2);
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        self.c.get_mut()
    }

    /// Consumes the lock and returns the data.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::RwLock;
    ///
    /// assert_eq!(RwLock::new("x").into_inner(), "x");
    /// ```
    pub fn into_inner(self) -> T
    where
        T: Sized,
    {
        self.c.into_inner()
    }
}

impl<T> From<T> for RwLock<T> {
    fn from(s: T) -> Self {
        Self::new(s)
    }
}

impl<T> Default for RwLock<T>
where
    T: Default,
{
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T: ?Sized> fmt::Debug for RwLock<T>
where
    T: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("RwLock");
        match self.try_read() {
            Ok(inner) => d.field("data", &&*inner),
            Err(_) => d.field("data", &format_args!("<locked>")),
        };
        d.finish()
    }
}
