//! The workloads, grouped by the first part of their name (`rt_current/`, `rt_multi/`, `mem/`,
//! `time/` with the `time-workloads` cargo feature, `sync/` with the `sync-workloads` one,
//! `io/` with the `io-workloads` one, `task/` with the `task-workloads` one, and
//! `task/select_*`, `task/join_8` with the `macros-workloads` one, `fs/` and `process/`
//! with the `fs-workloads` one, `http/` with the `http-workloads` one).
//!
//! Each group writes its workload code once, inside a macro that takes the runtime crate's
//! path, and instantiates it as `tokio_impl` (always Tokio) and `kiso_impl` (the crate
//! [`kiso_rt`] names). Only the API both runtimes share is used: `runtime::Builder`,
//! `Runtime::{block_on, spawn, handle}`, `Handle::{clone, spawn}`, `spawn`, `JoinHandle`,
//! `task::yield_now`, `runtime::worker_index`; coordination between tasks uses
//! [`crate::primitives`] (the `sync/` group measures the runtime's own `sync` module).

#[macro_use]
mod scheduler;

#[cfg(feature = "fs-workloads")]
pub mod fs;
#[cfg(feature = "http-workloads")]
pub mod http;
#[cfg(feature = "io-workloads")]
pub mod io;
#[cfg(feature = "task-workloads")]
pub mod join_set;
#[cfg(feature = "task-workloads")]
pub mod local_set;
#[cfg(feature = "macros-workloads")]
pub mod macros;
pub mod mem;
pub mod rt_current;
pub mod rt_multi;
pub mod rt_multi_idle;
pub mod rt_multi_request_reply;
#[cfg(feature = "sync-workloads")]
pub mod sync;
#[cfg(feature = "time-workloads")]
pub mod time;
#[cfg(feature = "time-workloads")]
pub mod time_rss;

use crate::harness::Workload;

/// The runtime measured in the "kiso" column: kiso with the `kiso` cargo feature (the
/// default), Tokio without it, which turns the run into a Tokio-vs-Tokio check of the
/// harness (every ratio should be close to 1.0).
#[cfg(feature = "kiso")]
pub(crate) use ::kiso as kiso_rt;
#[cfg(not(feature = "kiso"))]
pub(crate) use ::tokio as kiso_rt;

/// Whether the "kiso" column is really Tokio (built without the `kiso` feature).
pub const KISO_IS_TOKIO: bool = cfg!(not(feature = "kiso"));

/// Every workload, in table order.
pub fn all() -> Vec<Workload> {
    let mut all = rt_current::workloads();
    all.extend(rt_multi::workloads());
    all.extend(mem::workloads());
    #[cfg(feature = "io-workloads")]
    all.push(io::conn_mem::workload());
    #[cfg(feature = "time-workloads")]
    all.extend(time::workloads());
    #[cfg(feature = "sync-workloads")]
    all.extend(sync::workloads());
    #[cfg(feature = "io-workloads")]
    all.extend(io::workloads());
    #[cfg(feature = "task-workloads")]
    all.extend(join_set::workloads());
    #[cfg(feature = "task-workloads")]
    all.extend(local_set::workloads());
    #[cfg(feature = "macros-workloads")]
    all.extend(macros::workloads());
    #[cfg(feature = "fs-workloads")]
    all.extend(fs::workloads());
    #[cfg(feature = "http-workloads")]
    all.extend(http::workloads());
    all
}

/// Side observations of the workloads (e.g. which workers tasks ran on), one line each,
/// printed under the table.
pub fn notes() -> Vec<String> {
    #[allow(unused_mut)]
    let mut notes = rt_multi::notes();
    #[cfg(feature = "time-workloads")]
    notes.extend(time::notes());
    #[cfg(feature = "http-workloads")]
    notes.extend(http::notes());
    #[cfg(feature = "io-workloads")]
    notes.extend(io::notes());
    notes
}
