//! Schedulers: which thread polls which task when.

pub(crate) mod current_thread;
mod inject;
mod local_queue;
