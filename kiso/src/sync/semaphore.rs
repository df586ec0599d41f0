use super::batch_semaphore as ll;
use super::batch_semaphore::{AcquireError, TryAcquireError};

use std::sync::Arc;

/// A counting semaphore: a pool of permits that tasks acquire and give back.
///
/// A task acquires a permit with [`acquire`](Semaphore::acquire) (waiting
/// while none is available) and returns it by dropping the
/// [`SemaphorePermit`]. Waiting acquires are served strictly in the order
/// they started (first in, first out), also when a task asks for several
/// permits at once: a large request at the head of the queue holds back the
/// smaller ones behind it until it is satisfied.
///
/// [`close`](Semaphore::close) makes every pending and future acquire fail.
///
/// # Examples
///
/// Limit how many tasks run a section at once:
///
/// ```
/// use kiso::sync::Semaphore;
/// use std::sync::Arc;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() {
/// let sem = Arc::new(Semaphore::new(2));
/// let mut tasks = Vec::new();
/// for i in 0..5 {
///     let sem = sem.clone();
///     tasks.push(kiso::spawn(async move {
///         let _permit = sem.acquire().await.unwrap();
///         i * 2 // at most two tasks get here at the same time
///     }));
/// }
/// let mut sum = 0;
/// for t in tasks {
///     sum += t.await.unwrap();
/// }
/// assert_eq!(sum, 20);
/// assert_eq!(sem.available_permits(), 2);
/// # }
/// ```
#[derive(Debug)]
pub struct Semaphore {
    ll_sem: ll::Semaphore,
}

/// A permit borrowed from a [`Semaphore`]; dropping it gives the permits
/// back.
///
/// Created by [`Semaphore::acquire`] and the other borrowing acquire
/// methods.
///
/// # Examples
///
/// ```
/// use kiso::sync::Semaphore;
///
/// let sem = Semaphore::new(1);
/// let permit = sem.try_acquire().unwrap();
/// assert_eq!(sem.available_permits(), 0);
/// drop(permit);
/// assert_eq!(sem.available_permits(), 1);
/// ```
#[must_use]
#[clippy::has_significant_drop]
#[derive(Debug)]
pub struct SemaphorePermit<'a> {
    sem: &'a Semaphore,
    permits: usize,
}

/// A permit from a [`Semaphore`] held through an `Arc`, so it can be
/// `'static` (moved into spawned tasks); dropping it gives the permits back.
///
/// Created by [`Semaphore::acquire_owned`] and the other owned acquire
/// methods.
///
/// # Examples
///
/// ```
/// use kiso::sync::Semaphore;
/// use std::sync::Arc;
///
/// let sem = Arc::new(Semaphore::new(1));
/// let permit = sem.clone().try_acquire_owned().unwrap();
/// std::thread::spawn(move || drop(permit)).join().unwrap();
/// assert_eq!(sem.available_permits(), 1);
/// ```
#[must_use]
#[clippy::has_significant_drop]
#[derive(Debug)]
pub struct OwnedSemaphorePermit {
    sem: Arc<Semaphore>,
    permits: usize,
}

impl Semaphore {
    /// The largest number of permits a semaphore can hold: `usize::MAX >> 3`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Semaphore;
    ///
    /// assert_eq!(Semaphore::MAX_PERMITS, usize::MAX >> 3);
    /// let sem = Semaphore::new(Semaphore::MAX_PERMITS);
    /// assert_eq!(sem.available_permits(), Semaphore::MAX_PERMITS);
    /// ```
    pub const MAX_PERMITS: usize = ll::Semaphore::MAX_PERMITS;

    /// Creates a semaphore with `permits` permits.
    ///
    /// # Panics
    ///
    /// Panics if `permits` exceeds [`Semaphore::MAX_PERMITS`].
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Semaphore;
    ///
    /// let sem = Semaphore::new(3);
    /// assert_eq!(sem.available_permits(), 3);
    /// ```
    #[track_caller]
    pub fn new(permits: usize) -> Self {
        Semaphore {
            ll_sem: ll::Semaphore::new(permits),
        }
    }

    /// Creates a semaphore with `permits` permits, in a constant context
    /// (for `static` semaphores).
    ///
    /// # Panics
    ///
    /// Panics (at compile time when used in a constant) if `permits`
    /// exceeds [`Semaphore::MAX_PERMITS`].
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Semaphore;
    ///
    /// static SEM: Semaphore = Semaphore::const_new(10);
    /// assert_eq!(SEM.available_permits(), 10);
    /// ```
    #[cfg(not(loom))]
    pub const fn const_new(permits: usize) -> Self {
        Semaphore {
            ll_sem: ll::Semaphore::const_new(permits),
        }
    }

    /// A closed semaphore with no permits (for `OnceCell`-like internals).
    #[allow(dead_code)]
    pub(crate) fn new_closed() -> Self {
        Semaphore {
            ll_sem: ll::Semaphore::new_closed(),
        }
    }

    /// As [`new_closed`](Self::new_closed), in a constant context.
    #[cfg(not(loom))]
    #[allow(dead_code)]
    pub(crate) const fn const_new_closed() -> Self {
        Semaphore {
            ll_sem: ll::Semaphore::const_new_closed(),
        }
    }

    /// Returns the number of permits available now.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Semaphore;
    ///
    /// let sem = Semaphore::new(2);
    /// let _p = sem.try_acquire().unwrap();
    /// assert_eq!(sem.available_permits(), 1);
    /// ```
    pub fn available_permits(&self) -> usize {
        self.ll_sem.available_permits()
    }

    /// Adds `n` new permits. Tasks waiting to acquire are served first, in
    /// FIFO order.
    ///
    /// # Panics
    ///
    /// Panics if the total would exceed [`Semaphore::MAX_PERMITS`].
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Semaphore;
    ///
    /// let sem = Semaphore::new(0);
    /// sem.add_permits(4);
    /// assert_eq!(sem.available_permits(), 4);
    /// ```
    #[track_caller]
    pub fn add_permits(&self, n: usize) {
        self.ll_sem.release(n);
    }

    /// Removes up to `n` of the available permits for good and returns how
    /// many were removed (fewer than `n` if fewer were available). Permits
    /// held by tasks are not affected.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Semaphore;
    ///
    /// let sem = Semaphore::new(5);
    /// assert_eq!(sem.forget_permits(3), 3);
    /// assert_eq!(sem.forget_permits(3), 2);
    /// assert_eq!(sem.available_permits(), 0);
    /// ```
    pub fn forget_permits(&self, n: usize) -> usize {
        self.ll_sem.forget_permits(n)
    }

    /// Acquires one permit, waiting until one is available.
    ///
    /// Waiting acquires are served in the order they started.
    ///
    /// # Errors
    ///
    /// Returns an [`AcquireError`] if the semaphore is (or gets) closed.
    ///
    /// # Cancel safety
    ///
    /// This method uses a queue to fairly distribute permits in the order
    /// they were requested. Cancelling a call to `acquire` makes you lose
    /// your place in the queue.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Semaphore;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let sem = Semaphore::new(1);
    /// let permit = sem.acquire().await.unwrap();
    /// assert_eq!(permit.num_permits(), 1);
    /// assert!(sem.try_acquire().is_err());
    /// # }
    /// ```
    pub async fn acquire(&self) -> Result<SemaphorePermit<'_>, AcquireError> {
        self.ll_sem.acquire(1).await?;
        Ok(SemaphorePermit {
            sem: self,
            permits: 1,
        })
    }

    /// Acquires `n` permits at once, waiting until they are available.
    ///
    /// # Errors
    ///
    /// Returns an [`AcquireError`] if the semaphore is (or gets) closed.
    ///
    /// # Cancel safety
    ///
    /// This method uses a queue to fairly distribute permits in the order
    /// they were requested. Cancelling a call to `acquire_many` makes you
    /// lose your place in the queue; permits already set aside for the call
    /// are given back.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Semaphore;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let sem = Semaphore::new(5);
    /// let permit = sem.acquire_many(3).await.unwrap();
    /// assert_eq!(permit.num_permits(), 3);
    /// assert_eq!(sem.available_permits(), 2);
    /// # }
    /// ```
    pub async fn acquire_many(&self, n: u32) -> Result<SemaphorePermit<'_>, AcquireError> {
        self.ll_sem.acquire(n as usize).await?;
        Ok(SemaphorePermit {
            sem: self,
            permits: n as usize,
        })
    }

    /// Acquires one permit if one is available now, without waiting.
    ///
    /// # Errors
    ///
    /// [`TryAcquireError::Closed`] if the semaphore is closed,
    /// [`TryAcquireError::NoPermits`] if no permit is available.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::{Semaphore, TryAcquireError};
    ///
    /// let sem = Semaphore::new(1);
    /// let _p = sem.try_acquire().unwrap();
    /// assert_eq!(sem.try_acquire().unwrap_err(), TryAcquireError::NoPermits);
    /// ```
    pub fn try_acquire(&self) -> Result<SemaphorePermit<'_>, TryAcquireError> {
        self.ll_sem.try_acquire(1)?;
        Ok(SemaphorePermit {
            sem: self,
            permits: 1,
        })
    }

    /// Acquires `n` permits if they are all available now, without waiting.
    ///
    /// # Errors
    ///
    /// [`TryAcquireError::Closed`] if the semaphore is closed,
    /// [`TryAcquireError::NoPermits`] if fewer than `n` are available.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::{Semaphore, TryAcquireError};
    ///
    /// let sem = Semaphore::new(4);
    /// let p = sem.try_acquire_many(3).unwrap();
    /// assert_eq!(p.num_permits(), 3);
    /// assert_eq!(sem.try_acquire_many(2).unwrap_err(), TryAcquireError::NoPermits);
    /// ```
    pub fn try_acquire_many(&self, n: u32) -> Result<SemaphorePermit<'_>, TryAcquireError> {
        self.ll_sem.try_acquire(n as usize)?;
        Ok(SemaphorePermit {
            sem: self,
            permits: n as usize,
        })
    }

    /// Acquires one permit from outside asynchronous code, blocking the
    /// thread until it is available.
    ///
    /// # Errors
    ///
    /// Returns an [`AcquireError`] if the semaphore is (or gets) closed.
    ///
    /// # Panics
    ///
    /// Panics when called from a thread that drives an asynchronous
    /// runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Semaphore;
    /// use std::sync::Arc;
    ///
    /// let sem = Arc::new(Semaphore::new(1));
    /// let sem2 = sem.clone();
    /// std::thread::spawn(move || {
    ///     let _permit = sem2.blocking_acquire().unwrap();
    /// })
    /// .join()
    /// .unwrap();
    /// assert_eq!(sem.available_permits(), 1);
    /// ```
    #[track_caller]
    pub fn blocking_acquire(&self) -> Result<SemaphorePermit<'_>, AcquireError> {
        ll::block_on(self.acquire())
    }

    /// Acquires `n` permits from outside asynchronous code, blocking the
    /// thread until they are available.
    ///
    /// # Errors
    ///
    /// Returns an [`AcquireError`] if the semaphore is (or gets) closed.
    ///
    /// # Panics
    ///
    /// Panics when called from a thread that drives an asynchronous
    /// runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Semaphore;
    ///
    /// let sem = Semaphore::new(3);
    /// let permit = sem.blocking_acquire_many(2).unwrap();
    /// assert_eq!(permit.num_permits(), 2);
    /// ```
    #[track_caller]
    pub fn blocking_acquire_many(&self, n: u32) -> Result<SemaphorePermit<'_>, AcquireError> {
        ll::block_on(self.acquire_many(n))
    }

    /// Acquires one permit through an `Arc`, waiting until one is
    /// available; the permit keeps the semaphore alive.
    ///
    /// # Errors
    ///
    /// Returns an [`AcquireError`] if the semaphore is (or gets) closed.
    ///
    /// # Cancel safety
    ///
    /// This method uses a queue to fairly distribute permits in the order
    /// they were requested. Cancelling a call to `acquire_owned` makes you
    /// lose your place in the queue.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Semaphore;
    /// use std::sync::Arc;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let sem = Arc::new(Semaphore::new(1));
    /// let permit = sem.clone().acquire_owned().await.unwrap();
    /// kiso::spawn(async move { drop(permit) }).await.unwrap();
    /// assert_eq!(sem.available_permits(), 1);
    /// # }
    /// ```
    pub async fn acquire_owned(self: Arc<Self>) -> Result<OwnedSemaphorePermit, AcquireError> {
        self.ll_sem.acquire(1).await?;
        Ok(OwnedSemaphorePermit {
            sem: self,
            permits: 1,
        })
    }

    /// Acquires `n` permits through an `Arc`, waiting until they are
    /// available.
    ///
    /// # Errors
    ///
    /// Returns an [`AcquireError`] if the semaphore is (or gets) closed.
    ///
    /// # Cancel safety
    ///
    /// This method uses a queue to fairly distribute permits in the order
    /// they were requested. Cancelling a call to `acquire_many_owned` makes
    /// you lose your place in the queue.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Semaphore;
    /// use std::sync::Arc;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let sem = Arc::new(Semaphore::new(4));
    /// let permit = sem.clone().acquire_many_owned(4).await.unwrap();
    /// assert_eq!(sem.available_permits(), 0);
    /// drop(permit);
    /// assert_eq!(sem.available_permits(), 4);
    /// # }
    /// ```
    pub async fn acquire_many_owned(
        self: Arc<Self>,
        n: u32,
    ) -> Result<OwnedSemaphorePermit, AcquireError> {
        self.ll_sem.acquire(n as usize).await?;
        Ok(OwnedSemaphorePermit {
            sem: self,
            permits: n as usize,
        })
    }

    /// Acquires one permit through an `Arc` if one is available now.
    ///
    /// # Errors
    ///
    /// [`TryAcquireError::Closed`] if the semaphore is closed,
    /// [`TryAcquireError::NoPermits`] if no permit is available.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Semaphore;
    /// use std::sync::Arc;
    ///
    /// let sem = Arc::new(Semaphore::new(1));
    /// let p = sem.clone().try_acquire_owned().unwrap();
    /// assert!(sem.clone().try_acquire_owned().is_err());
    /// drop(p);
    /// ```
    pub fn try_acquire_owned(self: Arc<Self>) -> Result<OwnedSemaphorePermit, TryAcquireError> {
        self.ll_sem.try_acquire(1)?;
        Ok(OwnedSemaphorePermit {
            sem: self,
            permits: 1,
        })
    }

    /// Acquires `n` permits through an `Arc` if they are all available now.
    ///
    /// # Errors
    ///
    /// [`TryAcquireError::Closed`] if the semaphore is closed,
    /// [`TryAcquireError::NoPermits`] if fewer than `n` are available.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Semaphore;
    /// use std::sync::Arc;
    ///
    /// let sem = Arc::new(Semaphore::new(2));
    /// let p = sem.clone().try_acquire_many_owned(2).unwrap();
    /// assert_eq!(p.num_permits(), 2);
    /// ```
    pub fn try_acquire_many_owned(
        self: Arc<Self>,
        n: u32,
    ) -> Result<OwnedSemaphorePermit, TryAcquireError> {
        self.ll_sem.try_acquire(n as usize)?;
        Ok(OwnedSemaphorePermit {
            sem: self,
            permits: n as usize,
        })
    }

    /// Acquires one permit through an `Arc` from outside asynchronous code,
    /// blocking the thread until it is available.
    ///
    /// # Errors
    ///
    /// Returns an [`AcquireError`] if the semaphore is (or gets) closed.
    ///
    /// # Panics
    ///
    /// Panics when called from a thread that drives an asynchronous
    /// runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Semaphore;
    /// use std::sync::Arc;
    ///
    /// let sem = Arc::new(Semaphore::new(1));
    /// let permit = sem.clone().blocking_acquire_owned().unwrap();
    /// assert_eq!(permit.num_permits(), 1);
    /// ```
    #[track_caller]
    pub fn blocking_acquire_owned(self: Arc<Self>) -> Result<OwnedSemaphorePermit, AcquireError> {
        ll::block_on(self.acquire_owned())
    }

    /// Acquires `n` permits through an `Arc` from outside asynchronous code,
    /// blocking the thread until they are available.
    ///
    /// # Errors
    ///
    /// Returns an [`AcquireError`] if the semaphore is (or gets) closed.
    ///
    /// # Panics
    ///
    /// Panics when called from a thread that drives an asynchronous
    /// runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Semaphore;
    /// use std::sync::Arc;
    ///
    /// let sem = Arc::new(Semaphore::new(3));
    /// let permit = sem.clone().blocking_acquire_many_owned(3).unwrap();
    /// assert_eq!(permit.num_permits(), 3);
    /// ```
    #[track_caller]
    pub fn blocking_acquire_many_owned(
        self: Arc<Self>,
        n: u32,
    ) -> Result<OwnedSemaphorePermit, AcquireError> {
        ll::block_on(self.acquire_many_owned(n))
    }

    /// Closes the semaphore: pending acquires fail with [`AcquireError`],
    /// later ones too, and `try_acquire*` returns
    /// [`TryAcquireError::Closed`]. Permits already held stay valid.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::{Semaphore, TryAcquireError};
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let sem = Semaphore::new(1);
    /// sem.close();
    /// assert!(sem.acquire().await.is_err());
    /// assert_eq!(sem.try_acquire().unwrap_err(), TryAcquireError::Closed);
    /// # }
    /// ```
    pub fn close(&self) {
        self.ll_sem.close();
    }

    /// Returns `true` if the semaphore has been closed.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Semaphore;
    ///
    /// let sem = Semaphore::new(1);
    /// assert!(!sem.is_closed());
    /// sem.close();
    /// assert!(sem.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.ll_sem.is_closed()
    }
}

impl<'a> SemaphorePermit<'a> {
    /// Drops the permit without giving its permits back to the semaphore:
    /// they are gone for good.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Semaphore;
    ///
    /// let sem = Semaphore::new(2);
    /// sem.try_acquire().unwrap().forget();
    /// assert_eq!(sem.available_permits(), 1);
    /// ```
    pub fn forget(mut self) {
        self.permits = 0;
    }

    /// Moves the permits of `other` into this permit.
    ///
    /// # Panics
    ///
    /// Panics if the two permits come from different semaphores, or if the
    /// total overflows `usize`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Semaphore;
    ///
    /// let sem = Semaphore::new(3);
    /// let mut p = sem.try_acquire().unwrap();
    /// p.merge(sem.try_acquire_many(2).unwrap());
    /// assert_eq!(p.num_permits(), 3);
    /// drop(p);
    /// assert_eq!(sem.available_permits(), 3);
    /// ```
    #[track_caller]
    pub fn merge(&mut self, mut other: Self) {
        assert!(
            std::ptr::eq(self.sem, other.sem),
            "merging permits from different semaphore instances"
        );
        self.permits = self
            .permits
            .checked_add(other.permits)
            .expect("number of permits overflowed");
        other.permits = 0;
    }

    /// Splits `n` permits off into a new permit; `None` (and nothing
    /// changes) if this permit holds fewer than `n`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Semaphore;
    ///
    /// let sem = Semaphore::new(3);
    /// let mut p = sem.try_acquire_many(3).unwrap();
    /// let q = p.split(1).unwrap();
    /// assert_eq!((p.num_permits(), q.num_permits()), (2, 1));
    /// assert!(p.split(5).is_none());
    /// ```
    pub fn split(&mut self, n: usize) -> Option<Self> {
        if n > self.permits {
            return None;
        }
        self.permits -= n;
        Some(SemaphorePermit {
            sem: self.sem,
            permits: n,
        })
    }

    /// Returns the semaphore this permit was acquired from.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Semaphore;
    ///
    /// let sem = Semaphore::new(1);
    /// let p = sem.try_acquire().unwrap();
    /// assert!(std::ptr::eq(p.semaphore(), &sem));
    /// ```
    pub fn semaphore(&self) -> &Semaphore {
        self.sem
    }

    /// Returns how many permits this permit holds.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Semaphore;
    ///
    /// let sem = Semaphore::new(5);
    /// assert_eq!(sem.try_acquire_many(4).unwrap().num_permits(), 4);
    /// ```
    pub fn num_permits(&self) -> usize {
        self.permits
    }
}

impl OwnedSemaphorePermit {
    /// Drops the permit without giving its permits back to the semaphore.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Semaphore;
    /// use std::sync::Arc;
    ///
    /// let sem = Arc::new(Semaphore::new(2));
    /// sem.clone().try_acquire_owned().unwrap().forget();
    /// assert_eq!(sem.available_permits(), 1);
    /// ```
    pub fn forget(mut self) {
        self.permits = 0;
    }

    /// Moves the permits of `other` into this permit.
    ///
    /// # Panics
    ///
    /// Panics if the two permits come from different semaphores, or if the
    /// total overflows `usize`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Semaphore;
    /// use std::sync::Arc;
    ///
    /// let sem = Arc::new(Semaphore::new(3));
    /// let mut p = sem.clone().try_acquire_owned().unwrap();
    /// p.merge(sem.clone().try_acquire_many_owned(2).unwrap());
    /// assert_eq!(p.num_permits(), 3);
    /// ```
    #[track_caller]
    pub fn merge(&mut self, mut other: Self) {
        assert!(
            Arc::ptr_eq(&self.sem, &other.sem),
            "merging permits from different semaphore instances"
        );
        self.permits = self
            .permits
            .checked_add(other.permits)
            .expect("number of permits overflowed");
        other.permits = 0;
    }

    /// Splits `n` permits off into a new permit; `None` if this permit
    /// holds fewer than `n`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Semaphore;
    /// use std::sync::Arc;
    ///
    /// let sem = Arc::new(Semaphore::new(3));
    /// let mut p = sem.clone().try_acquire_many_owned(3).unwrap();
    /// let q = p.split(2).unwrap();
    /// assert_eq!((p.num_permits(), q.num_permits()), (1, 2));
    /// ```
    pub fn split(&mut self, n: usize) -> Option<Self> {
        if n > self.permits {
            return None;
        }
        self.permits -= n;
        Some(OwnedSemaphorePermit {
            sem: self.sem.clone(),
            permits: n,
        })
    }

    /// Returns the semaphore this permit was acquired from.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Semaphore;
    /// use std::sync::Arc;
    ///
    /// let sem = Arc::new(Semaphore::new(1));
    /// let p = sem.clone().try_acquire_owned().unwrap();
    /// assert!(Arc::ptr_eq(p.semaphore(), &sem));
    /// ```
    pub fn semaphore(&self) -> &Arc<Semaphore> {
        &self.sem
    }

    /// Returns how many permits this permit holds.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::Semaphore;
    /// use std::sync::Arc;
    ///
    /// let sem = Arc::new(Semaphore::new(2));
    /// assert_eq!(sem.try_acquire_many_owned(2).unwrap().num_permits(), 2);
    /// ```
    pub fn num_permits(&self) -> usize {
        self.permits
    }
}

impl Drop for SemaphorePermit<'_> {
    fn drop(&mut self) {
        self.sem.add_permits(self.permits);
    }
}

impl Drop for OwnedSemaphorePermit {
    fn drop(&mut self) {
        self.sem.add_permits(self.permits);
    }
}
