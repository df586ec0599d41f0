//! The model-checking side of the facade: `loom`'s instrumented types.

pub(crate) mod sync {
    pub(crate) use loom::sync::{Arc, Condvar, Mutex, MutexGuard};

    pub(crate) mod atomic {
        pub(crate) use loom::sync::atomic::{
            fence, AtomicBool, AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Ordering,
        };
    }
}

pub(crate) mod cell {
    pub(crate) use loom::cell::UnsafeCell;
}

pub(crate) mod thread {
    pub(crate) use loom::thread::{current, yield_now, JoinHandle, Thread};
    pub(crate) use std::thread::{panicking, Builder};
}

#[inline(always)]
#[allow(dead_code)]
pub(crate) fn spin_loop() {
    loom::thread::yield_now();
}

#[inline]
pub(crate) fn lock<T>(m: &sync::Mutex<T>) -> sync::MutexGuard<'_, T> {
    m.lock().unwrap()
}
