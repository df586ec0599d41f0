use super::{OwnedRwLockReadGuard, RwLock, RwLockReadGuard};
use crate::sync::batch_semaphore::Semaphore;

use std::fmt;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

/// Exclusive write access to an [`RwLock`]'s data; releases it on drop.
///
/// Returned by [`RwLock::write`] and [`RwLock::try_write`].
///
/// # Examples
///
/// ```
/// use kiso::sync::RwLock;
///
/// let lock = RwLock::new(1);
/// let mut guard = lock.try_write().unwrap();
/// *guard += 1;
/// assert_eq!(*guard, 2);
/// ```
#[clippy::has_significant_drop]
#[must_use = "if unused the RwLock will immediately unlock"]
pub struct RwLockWriteGuard<'a, T: ?Sized> {
    pub(super) permits_acquired: u32,
    pub(super) s: &'a Semaphore,
    pub(super) data: *mut T,
    pub(super) marker: PhantomData<&'a mut T>,
}

/// A [`RwLockWriteGuard`] narrowed to a part of the data, made by
/// [`RwLockWriteGuard::map`]; releases the whole lock on drop.
///
/// # Examples
///
/// ```
/// use kiso::sync::{RwLock, RwLockWriteGuard};
///
/// let lock = RwLock::new((1, 2));
/// let mut second = RwLockWriteGuard::map(lock.try_write().unwrap(), |p| &mut p.1);
/// *second = 5;
/// drop(second);
/// assert_eq!(*lock.try_read().unwrap(), (1, 5));
/// ```
#[clippy::has_significant_drop]
#[must_use = "if unused the RwLock will immediately unlock"]
pub struct RwLockMappedWriteGuard<'a, T: ?Sized> {
    pub(super) permits_acquired: u32,
    pub(super) s: &'a Semaphore,
    pub(super) data: *mut T,
    pub(super) marker: PhantomData<&'a mut T>,
}

/// Exclusive write access to an [`RwLock`] held through an `Arc` (so it is
/// `'static`); releases on drop.
///
/// Returned by [`RwLock::write_owned`] and [`RwLock::try_write_owned`].
///
/// # Examples
///
/// ```
/// use kiso::sync::RwLock;
/// use std::sync::Arc;
///
/// let lock = Arc::new(RwLock::new(1));
/// let mut guard = lock.clone().try_write_owned().unwrap();
/// std::thread::spawn(move || *guard = 2).join().unwrap();
/// assert_eq!(*lock.try_read().unwrap(), 2);
/// ```
#[clippy::has_significant_drop]
pub struct OwnedRwLockWriteGuard<T: ?Sized> {
    pub(super) permits_acquired: u32,
    pub(super) lock: Arc<RwLock<T>>,
    pub(super) data: *mut T,
    pub(super) _p: PhantomData<T>,
}

/// An [`OwnedRwLockWriteGuard`] narrowed to a part `U` of the data `T`,
/// made by [`OwnedRwLockWriteGuard::map`]; releases the lock on drop.
///
/// # Examples
///
/// ```
/// use kiso::sync::{OwnedRwLockWriteGuard, RwLock};
/// use std::sync::Arc;
///
/// let lock = Arc::new(RwLock::new((1, 2)));
/// let mut g = OwnedRwLockWriteGuard::map(lock.clone().try_write_owned().unwrap(), |p| &mut p.0);
/// *g = 3;
/// drop(g);
/// assert_eq!(*lock.try_read().unwrap(), (3, 2));
/// ```
#[clippy::has_significant_drop]
pub struct OwnedRwLockMappedWriteGuard<T: ?Sized, U: ?Sized = T> {
    pub(super) permits_acquired: u32,
    pub(super) _p: PhantomData<T>,
    pub(super) lock: Arc<RwLock<T>>,
    pub(super) data: *mut U,
}

impl<'a, T: ?Sized> RwLockWriteGuard<'a, T> {
    fn into_parts(this: Self) -> (u32, &'a Semaphore, *mut T) {
        let this = ManuallyDrop::new(this);
        (this.permits_acquired, this.s, this.data)
    }

    /// Narrows the guard to a part of the data, keeping write access.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::{RwLock, RwLockWriteGuard};
    ///
    /// let lock = RwLock::new(vec![1, 2]);
    /// let mut first = RwLockWriteGuard::map(lock.try_write().unwrap(), |v| &mut v[0]);
    /// *first = 10;
    /// drop(first);
    /// assert_eq!(*lock.try_read().unwrap(), [10, 2]);
    /// ```
    #[inline]
    pub fn map<F, U: ?Sized>(this: Self, f: F) -> RwLockMappedWriteGuard<'a, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        let (permits_acquired, s, data) = Self::into_parts(this);
        // SAFETY: the guard holds every permit (exclusive access), which
        // moves to the new guard.
        let data = f(unsafe { &mut *data }) as *mut U;
        RwLockMappedWriteGuard {
            permits_acquired,
            s,
            data,
            marker: PhantomData,
        }
    }

    /// Narrows the guard to a part of the data and downgrades it to a read
    /// guard in one step: other readers may get in right away.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::{RwLock, RwLockWriteGuard};
    ///
    /// let lock = RwLock::new((1, 2));
    /// let r = RwLockWriteGuard::downgrade_map(lock.try_write().unwrap(), |p| &p.1);
    /// assert_eq!(*r, 2);
    /// assert!(lock.try_read().is_ok());
    /// assert!(lock.try_write().is_err());
    /// ```
    #[inline]
    pub fn downgrade_map<F, U: ?Sized>(this: Self, f: F) -> RwLockReadGuard<'a, U>
    where
        F: FnOnce(&T) -> &U,
    {
        let (permits_acquired, s, data) = Self::into_parts(this);
        // SAFETY: exclusive access is held until the release below, and
        // shared access after it (one permit is kept).
        let data = f(unsafe { &*data }) as *const U;
        let guard = RwLockReadGuard {
            s,
            data,
            marker: PhantomData,
        };
        s.release((permits_acquired - 1) as usize);
        guard
    }

    /// Like [`map`](RwLockWriteGuard::map), but `f` may decline with
    /// `None`, giving the original guard back.
    ///
    /// # Errors
    ///
    /// Returns the original guard if `f` returns `None`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::{RwLock, RwLockWriteGuard};
    ///
    /// let lock = RwLock::new(vec![1]);
    /// let g = RwLockWriteGuard::try_map(lock.try_write().unwrap(), |v| v.get_mut(4)).unwrap_err();
    /// let mut one = RwLockWriteGuard::try_map(g, |v| v.get_mut(0)).unwrap();
    /// *one = 2;
    /// ```
    #[inline]
    pub fn try_map<F, U: ?Sized>(
        this: Self,
        f: F,
    ) -> Result<RwLockMappedWriteGuard<'a, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        // SAFETY: the guard holds exclusive access.
        let data = match f(unsafe { &mut *this.data }) {
            Some(data) => data as *mut U,
            None => return Err(this),
        };
        let (permits_acquired, s, _) = Self::into_parts(this);
        Ok(RwLockMappedWriteGuard {
            permits_acquired,
            s,
            data,
            marker: PhantomData,
        })
    }

    /// Like [`downgrade_map`](RwLockWriteGuard::downgrade_map), but `f` may
    /// decline with `None`, giving the original (write) guard back.
    ///
    /// # Errors
    ///
    /// Returns the original guard if `f` returns `None`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::{RwLock, RwLockWriteGuard};
    ///
    /// let lock = RwLock::new(Some(1));
    /// let r = RwLockWriteGuard::try_downgrade_map(lock.try_write().unwrap(), |o| o.as_ref());
    /// assert_eq!(*r.unwrap(), 1);
    /// ```
    #[inline]
    pub fn try_downgrade_map<F, U: ?Sized>(
        this: Self,
        f: F,
    ) -> Result<RwLockReadGuard<'a, U>, Self>
    where
        F: FnOnce(&T) -> Option<&U>,
    {
        // SAFETY: the guard holds exclusive access.
        let data = match f(unsafe { &*this.data }) {
            Some(data) => data as *const U,
            None => return Err(this),
        };
        let (permits_acquired, s, _) = Self::into_parts(this);
        let guard = RwLockReadGuard {
            s,
            data,
            marker: PhantomData,
        };
        s.release((permits_acquired - 1) as usize);
        Ok(guard)
    }

    /// Turns the guard into a [`RwLockMappedWriteGuard`] of the whole data.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::{RwLock, RwLockWriteGuard};
    ///
    /// let lock = RwLock::new(1);
    /// let mut g = RwLockWriteGuard::into_mapped(lock.try_write().unwrap());
    /// *g = 2;
    /// drop(g);
    /// assert_eq!(*lock.try_read().unwrap(), 2);
    /// ```
    #[inline]
    pub fn into_mapped(this: Self) -> RwLockMappedWriteGuard<'a, T> {
        RwLockWriteGuard::map(this, |me| me)
    }

    /// Turns write access into read access without letting a writer in
    /// between; waiting readers may now get in too.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::RwLock;
    ///
    /// let lock = RwLock::new(1);
    /// let mut w = lock.try_write().unwrap();
    /// *w = 2;
    /// let r = w.downgrade();
    /// assert_eq!(*r, 2);
    /// assert_eq!(*lock.try_read().unwrap(), 2);
    /// ```
    pub fn downgrade(self) -> RwLockReadGuard<'a, T> {
        RwLockWriteGuard::downgrade_map(self, |me| me)
    }
}

impl<T: ?Sized> Deref for RwLockWriteGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: exclusive access is held.
        unsafe { &*self.data }
    }
}

impl<T: ?Sized> DerefMut for RwLockWriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: exclusive access is held, and the guard is borrowed
        // mutably.
        unsafe { &mut *self.data }
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RwLockWriteGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for RwLockWriteGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<T: ?Sized> Drop for RwLockWriteGuard<'_, T> {
    fn drop(&mut self) {
        self.s.release(self.permits_acquired as usize);
    }
}

impl<'a, T: ?Sized> RwLockMappedWriteGuard<'a, T> {
    fn into_parts(this: Self) -> (u32, &'a Semaphore, *mut T) {
        let this = ManuallyDrop::new(this);
        (this.permits_acquired, this.s, this.data)
    }

    /// Narrows the mapped guard further.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::{RwLock, RwLockMappedWriteGuard, RwLockWriteGuard};
    ///
    /// let lock = RwLock::new(((1, 2), 3));
    /// let g = RwLockWriteGuard::map(lock.try_write().unwrap(), |d| &mut d.0);
    /// let mut g = RwLockMappedWriteGuard::map(g, |p| &mut p.1);
    /// *g = 20;
    /// drop(g);
    /// assert_eq!(*lock.try_read().unwrap(), ((1, 20), 3));
    /// ```
    #[inline]
    pub fn map<F, U: ?Sized>(this: Self, f: F) -> RwLockMappedWriteGuard<'a, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        let (permits_acquired, s, data) = Self::into_parts(this);
        // SAFETY: exclusive access is held and moves to the new guard.
        let data = f(unsafe { &mut *data }) as *mut U;
        RwLockMappedWriteGuard {
            permits_acquired,
            s,
            data,
            marker: PhantomData,
        }
    }

    /// Like [`map`](RwLockMappedWriteGuard::map), but `f` may decline with
    /// `None`, giving the original guard back.
    ///
    /// # Errors
    ///
    /// Returns the original guard if `f` returns `None`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::{RwLock, RwLockMappedWriteGuard, RwLockWriteGuard};
    ///
    /// let lock = RwLock::new((vec![1], 0));
    /// let v = RwLockWriteGuard::map(lock.try_write().unwrap(), |d| &mut d.0);
    /// let v = RwLockMappedWriteGuard::try_map(v, |v| v.get_mut(9)).unwrap_err();
    /// assert_eq!(*v, [1]);
    /// ```
    #[inline]
    pub fn try_map<F, U: ?Sized>(
        this: Self,
        f: F,
    ) -> Result<RwLockMappedWriteGuard<'a, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        // SAFETY: exclusive access is held.
        let data = match f(unsafe { &mut *this.data }) {
            Some(data) => data as *mut U,
            None => return Err(this),
        };
        let (permits_acquired, s, _) = Self::into_parts(this);
        Ok(RwLockMappedWriteGuard {
            permits_acquired,
            s,
            data,
            marker: PhantomData,
        })
    }
}

impl<T: ?Sized> Deref for RwLockMappedWriteGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: exclusive access is held.
        unsafe { &*self.data }
    }
}

impl<T: ?Sized> DerefMut for RwLockMappedWriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: exclusive access is held; borrowed mutably.
        unsafe { &mut *self.data }
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RwLockMappedWriteGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for RwLockMappedWriteGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<T: ?Sized> Drop for RwLockMappedWriteGuard<'_, T> {
    fn drop(&mut self) {
        self.s.release(self.permits_acquired as usize);
    }
}

impl<T: ?Sized> OwnedRwLockWriteGuard<T> {
    fn into_parts(this: Self) -> (u32, Arc<RwLock<T>>, *mut T) {
        let this = ManuallyDrop::new(this);
        // SAFETY: `this` is never used or dropped again, so the `Arc` is
        // moved out exactly once.
        let lock = unsafe { std::ptr::read(&this.lock) };
        (this.permits_acquired, lock, this.data)
    }

    /// Narrows the guard to a part of the data, keeping write access.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::{OwnedRwLockWriteGuard, RwLock};
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new((1, 2)));
    /// let mut g = OwnedRwLockWriteGuard::map(lock.clone().try_write_owned().unwrap(), |p| &mut p.1);
    /// *g = 4;
    /// drop(g);
    /// assert_eq!(*lock.try_read().unwrap(), (1, 4));
    /// ```
    #[inline]
    pub fn map<F, U: ?Sized>(this: Self, f: F) -> OwnedRwLockMappedWriteGuard<T, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        let (permits_acquired, lock, data) = Self::into_parts(this);
        // SAFETY: exclusive access is held and moves to the new guard.
        let data = f(unsafe { &mut *data }) as *mut U;
        OwnedRwLockMappedWriteGuard {
            permits_acquired,
            _p: PhantomData,
            lock,
            data,
        }
    }

    /// Narrows the guard and downgrades it to a read guard in one step.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::{OwnedRwLockWriteGuard, RwLock};
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new((1, 2)));
    /// let r = OwnedRwLockWriteGuard::downgrade_map(lock.clone().try_write_owned().unwrap(), |p| &p.0);
    /// assert_eq!(*r, 1);
    /// assert!(lock.try_read().is_ok());
    /// ```
    #[inline]
    pub fn downgrade_map<F, U: ?Sized>(this: Self, f: F) -> OwnedRwLockReadGuard<T, U>
    where
        F: FnOnce(&T) -> &U,
    {
        let (permits_acquired, lock, data) = Self::into_parts(this);
        // SAFETY: exclusive access until the release below, shared after.
        let data = f(unsafe { &*data }) as *const U;
        let guard = OwnedRwLockReadGuard {
            _p: PhantomData,
            lock,
            data,
        };
        guard.lock.s.release((permits_acquired - 1) as usize);
        guard
    }

    /// Like [`map`](OwnedRwLockWriteGuard::map), but `f` may decline with
    /// `None`, giving the original guard back.
    ///
    /// # Errors
    ///
    /// Returns the original guard if `f` returns `None`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::{OwnedRwLockWriteGuard, RwLock};
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new(Some(1)));
    /// let g = OwnedRwLockWriteGuard::try_map(lock.try_write_owned().unwrap(), |o| o.as_mut());
    /// assert_eq!(*g.unwrap(), 1);
    /// ```
    #[inline]
    pub fn try_map<F, U: ?Sized>(
        this: Self,
        f: F,
    ) -> Result<OwnedRwLockMappedWriteGuard<T, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        // SAFETY: exclusive access is held.
        let data = match f(unsafe { &mut *this.data }) {
            Some(data) => data as *mut U,
            None => return Err(this),
        };
        let (permits_acquired, lock, _) = Self::into_parts(this);
        Ok(OwnedRwLockMappedWriteGuard {
            permits_acquired,
            _p: PhantomData,
            lock,
            data,
        })
    }

    /// Like [`downgrade_map`](OwnedRwLockWriteGuard::downgrade_map), but
    /// `f` may decline with `None`, giving the original guard back.
    ///
    /// # Errors
    ///
    /// Returns the original guard if `f` returns `None`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::{OwnedRwLockWriteGuard, RwLock};
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new(None::<i32>));
    /// let w = OwnedRwLockWriteGuard::try_downgrade_map(lock.clone().try_write_owned().unwrap(), |o| o.as_ref());
    /// assert!(w.is_err());
    /// ```
    #[inline]
    pub fn try_downgrade_map<F, U: ?Sized>(
        this: Self,
        f: F,
    ) -> Result<OwnedRwLockReadGuard<T, U>, Self>
    where
        F: FnOnce(&T) -> Option<&U>,
    {
        // SAFETY: exclusive access is held.
        let data = match f(unsafe { &*this.data }) {
            Some(data) => data as *const U,
            None => return Err(this),
        };
        let (permits_acquired, lock, _) = Self::into_parts(this);
        let guard = OwnedRwLockReadGuard {
            _p: PhantomData,
            lock,
            data,
        };
        guard.lock.s.release((permits_acquired - 1) as usize);
        Ok(guard)
    }

    /// Turns the guard into an [`OwnedRwLockMappedWriteGuard`] of the whole
    /// data.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::{OwnedRwLockWriteGuard, RwLock};
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new(1));
    /// let mut g = OwnedRwLockWriteGuard::into_mapped(lock.clone().try_write_owned().unwrap());
    /// *g = 5;
    /// drop(g);
    /// assert_eq!(*lock.try_read().unwrap(), 5);
    /// ```
    #[inline]
    pub fn into_mapped(this: Self) -> OwnedRwLockMappedWriteGuard<T> {
        Self::map(this, |me| me)
    }

    /// Turns write access into read access without letting a writer in
    /// between.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::RwLock;
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new(1));
    /// let r = lock.clone().try_write_owned().unwrap().downgrade();
    /// assert_eq!(*r, 1);
    /// assert!(lock.try_read().is_ok());
    /// assert!(lock.try_write().is_err());
    /// ```
    pub fn downgrade(self) -> OwnedRwLockReadGuard<T> {
        Self::downgrade_map(self, |me| me)
    }

    /// Returns the `Arc` of the lock this guard holds.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::{OwnedRwLockWriteGuard, RwLock};
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new(1));
    /// let g = lock.clone().try_write_owned().unwrap();
    /// assert!(Arc::ptr_eq(OwnedRwLockWriteGuard::rwlock(&g), &lock));
    /// ```
    pub fn rwlock(this: &Self) -> &Arc<RwLock<T>> {
        &this.lock
    }
}

impl<T: ?Sized> Deref for OwnedRwLockWriteGuard<T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: exclusive access is held.
        unsafe { &*self.data }
    }
}

impl<T: ?Sized> DerefMut for OwnedRwLockWriteGuard<T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: exclusive access is held; borrowed mutably.
        unsafe { &mut *self.data }
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for OwnedRwLockWriteGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for OwnedRwLockWriteGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<T: ?Sized> Drop for OwnedRwLockWriteGuard<T> {
    fn drop(&mut self) {
        self.lock.s.release(self.permits_acquired as usize);
    }
}

impl<T: ?Sized, U: ?Sized> OwnedRwLockMappedWriteGuard<T, U> {
    fn into_parts(this: Self) -> (u32, Arc<RwLock<T>>, *mut U) {
        let this = ManuallyDrop::new(this);
        // SAFETY: `this` is never used or dropped again, so the `Arc` is
        // moved out exactly once.
        let lock = unsafe { std::ptr::read(&this.lock) };
        (this.permits_acquired, lock, this.data)
    }

    /// Narrows the mapped guard further.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::{OwnedRwLockMappedWriteGuard, OwnedRwLockWriteGuard, RwLock};
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new(((1, 2), 3)));
    /// let g = OwnedRwLockWriteGuard::map(lock.clone().try_write_owned().unwrap(), |d| &mut d.0);
    /// let mut g = OwnedRwLockMappedWriteGuard::map(g, |p| &mut p.0);
    /// *g = 10;
    /// drop(g);
    /// assert_eq!(*lock.try_read().unwrap(), ((10, 2), 3));
    /// ```
    #[inline]
    pub fn map<F, V: ?Sized>(this: Self, f: F) -> OwnedRwLockMappedWriteGuard<T, V>
    where
        F: FnOnce(&mut U) -> &mut V,
    {
        let (permits_acquired, lock, data) = Self::into_parts(this);
        // SAFETY: exclusive access is held and moves to the new guard.
        let data = f(unsafe { &mut *data }) as *mut V;
        OwnedRwLockMappedWriteGuard {
            permits_acquired,
            _p: PhantomData,
            lock,
            data,
        }
    }

    /// Like [`map`](OwnedRwLockMappedWriteGuard::map), but `f` may decline
    /// with `None`, giving the original guard back.
    ///
    /// # Errors
    ///
    /// Returns the original guard if `f` returns `None`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::{OwnedRwLockMappedWriteGuard, OwnedRwLockWriteGuard, RwLock};
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new((Some(1), 0)));
    /// let g = OwnedRwLockWriteGuard::map(lock.try_write_owned().unwrap(), |d| &mut d.0);
    /// let g = OwnedRwLockMappedWriteGuard::try_map(g, |o| o.as_mut()).unwrap();
    /// assert_eq!(*g, 1);
    /// ```
    #[inline]
    pub fn try_map<F, V: ?Sized>(
        this: Self,
        f: F,
    ) -> Result<OwnedRwLockMappedWriteGuard<T, V>, Self>
    where
        F: FnOnce(&mut U) -> Option<&mut V>,
    {
        // SAFETY: exclusive access is held.
        let data = match f(unsafe { &mut *this.data }) {
            Some(data) => data as *mut V,
            None => return Err(this),
        };
        let (permits_acquired, lock, _) = Self::into_parts(this);
        Ok(OwnedRwLockMappedWriteGuard {
            permits_acquired,
            _p: PhantomData,
            lock,
            data,
        })
    }

    /// Returns the `Arc` of the lock this guard holds.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::{OwnedRwLockMappedWriteGuard, OwnedRwLockWriteGuard, RwLock};
    /// use std::sync::Arc;
    ///
    /// let lock = Arc::new(RwLock::new((1, 2)));
    /// let g = OwnedRwLockWriteGuard::map(lock.clone().try_write_owned().unwrap(), |p| &mut p.1);
    /// assert!(Arc::ptr_eq(OwnedRwLockMappedWriteGuard::rwlock(&g), &lock));
    /// ```
    pub fn rwlock(this: &Self) -> &Arc<RwLock<T>> {
        &this.lock
    }
}

impl<T: ?Sized, U: ?Sized> Deref for OwnedRwLockMappedWriteGuard<T, U> {
    type Target = U;
    fn deref(&self) -> &U {
        // SAFETY: exclusive access is held.
        unsafe { &*self.data }
    }
}

impl<T: ?Sized, U: ?Sized> DerefMut for OwnedRwLockMappedWriteGuard<T, U> {
    fn deref_mut(&mut self) -> &mut U {
        // SAFETY: exclusive access is held; borrowed mutably.
        unsafe { &mut *self.data }
    }
}

impl<T: ?Sized, U: ?Sized + fmt::Debug> fmt::Debug for OwnedRwLockMappedWriteGuard<T, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized, U: ?Sized + fmt::Display> fmt::Display for OwnedRwLockMappedWriteGuard<T, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<T: ?Sized, U: ?Sized> Drop for OwnedRwLockMappedWriteGuard<T, U> {
    fn drop(&mut self) {
        self.lock.s.release(self.permits_acquired as usize);
    }
}
