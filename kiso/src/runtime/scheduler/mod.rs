//! Schedulers: which thread polls which task when.

pub(crate) mod current_thread;
pub(crate) mod inject;
mod local_queue;
#[cfg(feature = "rt-multi-thread")]
pub(crate) mod multi_thread;
