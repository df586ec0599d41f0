//! Task wakers: a `RawWaker` whose data pointer is the task header.
//!
//! A cloned waker owns one reference. The waker handed to the future while it
//! is polled borrows the poller's reference instead, so a poll that never
//! clones its waker costs no reference-count traffic.

use crate::runtime::task::cell::Header;
use crate::runtime::task::state::ToNotified;
use std::mem::ManuallyDrop;
use std::ops::Deref;
use std::ptr::NonNull;
use std::task::{RawWaker, RawWakerVTable, Waker};

static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, wake, wake_by_ref, drop_waker);

/// A waker that does not own a reference; it must not outlive the
/// reference it borrows.
pub(crate) struct BorrowedWaker(ManuallyDrop<Waker>);

impl Deref for BorrowedWaker {
    type Target = Waker;
    fn deref(&self) -> &Waker {
        &self.0
    }
}

/// # Safety
///
/// The caller holds a reference to the task for as long as the returned
/// waker (and anything borrowing it) is used.
pub(crate) unsafe fn borrowed(ptr: NonNull<Header>) -> BorrowedWaker {
    let raw = RawWaker::new(ptr.as_ptr() as *const (), &VTABLE);
    // SAFETY: the vtable's functions uphold the `RawWaker` contract for
    // header pointers; `ManuallyDrop` keeps the borrowed reference.
    BorrowedWaker(ManuallyDrop::new(unsafe { Waker::from_raw(raw) }))
}

/// # Safety
///
/// `data` is the header pointer of a live task.
unsafe fn header<'a>(data: *const ()) -> &'a Header {
    // SAFETY: per the caller.
    unsafe { &*(data as *const Header) }
}

unsafe fn clone(data: *const ()) -> RawWaker {
    // SAFETY: the waker being cloned holds (or borrows) a reference.
    unsafe { header(data) }.state.ref_inc();
    RawWaker::new(data, &VTABLE)
}

unsafe fn wake(data: *const ()) {
    // SAFETY: this waker owns a reference, which the call consumes.
    let h = unsafe { header(data) };
    let ptr = NonNull::from(h);
    match h.state.transition_to_notified_by_val() {
        // SAFETY: our reference became the `Notified`.
        ToNotified::Submit => unsafe { (h.vtable.schedule)(ptr) },
        // SAFETY: ours was the last reference.
        ToNotified::Dealloc => unsafe { (h.vtable.dealloc)(ptr) },
        ToNotified::DoNothing => {}
    }
}

unsafe fn wake_by_ref(data: *const ()) {
    // SAFETY: this waker holds or borrows a reference.
    let h = unsafe { header(data) };
    if h.state.transition_to_notified_by_ref() == ToNotified::Submit {
        // SAFETY: the transition took a new reference for the `Notified`.
        unsafe { (h.vtable.schedule)(NonNull::from(h)) };
    }
}

unsafe fn drop_waker(data: *const ()) {
    // SAFETY: this waker owns a reference.
    let h = unsafe { header(data) };
    if h.state.ref_dec() {
        // SAFETY: that was the last reference.
        unsafe { (h.vtable.dealloc)(NonNull::from(h)) };
    }
}
