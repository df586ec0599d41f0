use super::RwLock;
use crate::sync::batch_semaphore::Semaphore;

use std::fmt;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ops::Deref;
use std::sync::Arc;

/// Shared read access to an [`RwLock`]'s data; releases it on drop.
///
/// Returned by [`RwLock::read`] and [`RwLock::try_read`].
///
/// # Examples
///
/// ```
/// use kiso::sync::RwLock;
///
/// let lock = RwLock::new(vec![1, 2]);
/// let guard = lock.try_read().unwrap();
/// assert_eq!(guard.len(), 2);
/// ```
#[clippy::has_significant_drop]
#[must_use = "if unused the RwLock will immediately unlock"]
pub struct RwLockReadGuard<'a, T: ?Sized> {
    pub(super) s: &'a Semaphore,
    pub(super) data: *const T,
    pub(super) marker: PhantomData<&'a T>,
}

/// Shared read access to an [`RwLock`] held through an `Arc` (so it is
/// `'static`), possibly narrowed to a part `U` of the data `T`; releases
/// on drop.
///
/// Returned by [`RwLock::read_owned`] and [`RwLock::try_read_owned`].
///
/// # Examples
///
/// ```
/// use kiso::sync::RwLock;
/// use std::sync::Arc;
///
/// let lock = Arc::new(RwLock::new(1));
/// let guard = lock.clone().try_read_owned().unwrap();
/// std::thread::spawn(move || assert_eq!(*guard, 1)).join().unwrap();
/// ```
#[clippy::has_significant_drop]
pub struct OwnedRwLockReadGuard<T: ?Sized, U: ?Sized = T> {
    pub(super) _p: PhantomData<T>,
    pub(super) lock: Arc<RwLock<T>>,
    pub(super) data: *const U,
}

impl<'a, T: ?Sized> RwLockReadGuard<'a, T> {
    /// Narrows the guard to a part of the data. An associated function, so
    /// it does not shadow a method of `T`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::{RwLock, RwLockReadGuard};
    ///
    /// let lock = RwLock::new((1, 2));
    /// let second = RwLockReadGuard::map(lock.try_read().unwrap(), |p| &p.1);
    /// assert_eq!(*second, 2);
    /// ```
    #[inline]
    pub fn map<F, U: ?Sized>(this: Self, f: F) -> RwLockReadGuard<'a, U>
    where
        F: FnOnce(&T) -> &U,
    {
        let this = ManuallyDrop::new(this);
        // SAFETY: the guard holds a read permit, so nobody writes the data.
        let data = f(unsafe { &*this.data }) as *const U;
        RwLockReadGuard {
            s: this.s,
            data,
            marker: PhantomData,
        }
    }

    /// Like [`map`](RwLockReadGuard::map), but `f` may decline with `None`,
    /// giving the original guard back.
    ///
    /// # Errors
    ///
    /// Returns the original guard if `f` returns `None`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::{RwLock, RwLockReadGuard};
    ///
    /// let lock = RwLock::new(vec![1]);
    /// let g = RwLockReadGuard::try_map(lock.try_read().unwrap(), |v| v.get(3)).unwrap_err();
    /// let first = RwLockReadGuard::try_map(g, |v| v.first()).unwrap();
    /// assert_eq!(*first, 1);
    /// ```
    #[inline]
    pub fn try_map<F, U: ?Sized>(this: Self, f: F) -> Result<RwLockReadGuard<'a, U>, Self>
    where
        F: FnOnce(&T) -> Option<&U>,
    {
        // SAFETY: the guard holds a read permit.
        let data = match f(unsafe { &*this.data }) {
            Some(data) => data as *const U,
            None => return Err(this),
        };
        let this = ManuallyDrop::new(this);
        Ok(RwLockReadGuard {
            s: this.s,
            data,
            marker: PhantomData,
        })
    }
}

impl<T: ?Sized> Deref for RwLockReadGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard holds a read permit.
        unsafe { &*self.data }
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RwLockReadGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for RwLockReadGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<T: ?Sized> Drop for RwLockReadGuard<'_, T> {
    fn drop(&mut self) {
        self.s.release(1);
    }
}

impl<T: ?Sized, U: ?Sized> OwnedRwLockReadGuard<T, U> {
    fn into_parts(this: Self) -> (Arc<RwLock<T>>, *const U) {
        let this = ManuallyDrop::new(this);
        // SAFETY: `this` is never used or dropped again, so the `Arc` is
        // moved out exactly once.
        (unsafe { std::ptr::read(&this.lock) }, this.data)
    }

    /// Narrows the guard to a part of the data.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::{OwnedRwLockReadGuard, RwLock};
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new((1, 2)));
    /// let g = OwnedRwLockReadGuard::map(lock.try_read_owned().unwrap(), |p| &p.0);
    /// assert_eq!(*g, 1);
    /// ```
    #[inline]
    pub fn map<F, V: ?Sized>(this: Self, f: F) -> OwnedRwLockReadGuard<T, V>
    where
        F: FnOnce(&U) -> &V,
    {
        let (lock, data) = Self::into_parts(this);
        // SAFETY: the read permit moves to the new guard.
        let data = f(unsafe { &*data }) as *const V;
        OwnedRwLockReadGuard {
            _p: PhantomData,
            lock,
            data,
        }
    }

    /// Like [`map`](OwnedRwLockReadGuard::map), but `f` may decline with
    /// `None`, giving the original guard back.
    ///
    /// # Errors
    ///
    /// Returns the original guard if `f` returns `None`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::{OwnedRwLockReadGuard, RwLock};
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new(Some(4)));
    /// let g = OwnedRwLockReadGuard::try_map(lock.try_read_owned().unwrap(), |o| o.as_ref());
    /// assert_eq!(*g.unwrap(), 4);
    /// ```
    #[inline]
    pub fn try_map<F, V: ?Sized>(this: Self, f: F) -> Result<OwnedRwLockReadGuard<T, V>, Self>
    where
        F: FnOnce(&U) -> Option<&V>,
    {
        // SAFETY: the guard holds a read permit.
        let data = match f(unsafe { &*this.data }) {
            Some(data) => data as *const V,
            None => return Err(this),
        };
        let (lock, _) = Self::into_parts(this);
        Ok(OwnedRwLockReadGuard {
            _p: PhantomData,
            lock,
            data,
        })
    }

    /// Returns the `Arc` of the lock this guard reads.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::{OwnedRwLockReadGuard, RwLock};
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new(1));
    /// let g = lock.clone().try_read_owned().unwrap();
    /// assert!(Arc::ptr_eq(OwnedRwLockReadGuard::rwlock(&g), &lock));
    /// ```
    pub fn rwlock(this: &Self) -> &Arc<RwLock<T>> {
        &this.lock
    }
}

impl<T: ?Sized, U: ?Sized> Deref for OwnedRwLockReadGuard<T, U> {
    type Target = U;
    fn deref(&self) -> &U {
        // SAFETY: the guard holds a read permit.
        unsafe { &*self.data }
    }
}

impl<T: ?Sized, U: ?Sized + fmt::Debug> fmt::Debug for OwnedRwLockReadGuard<T, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized, U: ?Sized + fmt::Display> fmt::Display for OwnedRwLockReadGuard<T, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<T: ?Sized, U: ?Sized> Drop for OwnedRwLockReadGuard<T, U> {
    fn drop(&mut self) {
        self.lock.s.release(1);
    }
}
