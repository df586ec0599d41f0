//! The `io-util` feature: extension traits and the adapters they return,
//! buffered wrappers, copies, in-memory pipes, `split`/`join`, and
//! `empty`/`repeat`/`sink`.
//!
//! Everything here is re-exported flat from `kiso::io`, as Tokio has it.

// AsyncReadExt, AsyncWriteExt, AsyncBufReadExt, AsyncSeekExt, the futures
// their methods return, and Lines, Split, Take, Chain.
mod ext;
// BufReader, BufWriter, BufStream, copy*, duplex/simplex, split/join,
// empty/repeat/sink.
mod tools;

#[allow(unused_imports)]
pub use ext::*;
#[allow(unused_imports)]
pub use tools::*;
