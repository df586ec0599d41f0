//! Buffered wrappers, copies, in-memory pipes, split/join, empty/repeat/sink.
//!
//! Everything public here is re-exported from `kiso::io`.

mod buf_reader;
mod buf_stream;
mod buf_writer;
mod copy;
mod copy_bidirectional;
mod copy_buf;
mod empty;
mod join;
mod mem;
mod repeat;
mod sink;
mod split;

pub use buf_reader::BufReader;
pub use buf_stream::BufStream;
pub use buf_writer::BufWriter;
pub use copy::copy;
pub use copy_bidirectional::{copy_bidirectional, copy_bidirectional_with_sizes};
pub use copy_buf::copy_buf;
pub use empty::{empty, Empty};
pub use join::{join, Join};
pub use mem::{duplex, simplex, DuplexStream, SimplexStream};
pub use repeat::{repeat, Repeat};
pub use sink::{sink, Sink};
pub use split::{split, ReadHalf, WriteHalf};

use std::task::{ready, Context, Poll};

/// Buffer size of `BufReader`, `BufWriter` and the copies when none is given
/// (8 KiB, as Tokio and `std` use).
const DEFAULT_BUF_SIZE: usize = 8 * 1024;

/// Spends one unit of the task's cooperative budget, returning `Pending`
/// (with the task woken) when it is spent. For the always-ready in-memory
/// types, which would otherwise never yield.
#[inline]
fn spend_budget(cx: &mut Context<'_>) -> Poll<()> {
    let coop = ready!(crate::task::coop::poll_proceed(cx));
    coop.made_progress();
    Poll::Ready(())
}
