//! Extension traits and the adapters their methods return.
//!
//! [`AsyncReadExt`], [`AsyncWriteExt`], [`AsyncBufReadExt`] and
//! [`AsyncSeekExt`] give every implementor of the base traits `async`
//! methods (`read_exact`, `write_all`, `read_line`, `seek`, ...). Each of
//! those methods returns a named future type; as in Tokio, those types are
//! public (they appear in the traits' signatures) but live in private
//! modules, so they cannot be named from outside. They are all `!Unpin`
//! (each holds a `PhantomPinned` marker, as Tokio's do), which leaves room
//! to change their insides without breaking anyone.
//!
//! Pinning without `pin-project`: the futures that only hold references
//! have no structurally pinned field, so their `poll` takes `&mut Self`
//! out of the pin (a one-line `unsafe` with its reason); the adapters and
//! the integer futures pin their inner reader or writer structurally, with
//! a small hand-written projection next to each type.

mod buf_read_ext;
mod read_ext;
mod seek_ext;
mod write_ext;

// The adapters (public, re-exported).
mod chain;
mod lines;
mod split;
mod take;

// The futures (public types in private modules).
mod read;
mod read_int;
mod read_to_end;
mod read_until;
mod seek;
mod write;
mod write_int;

// Shared helpers.
mod memchr;

pub use buf_read_ext::AsyncBufReadExt;
pub use chain::Chain;
pub use lines::Lines;
pub use read_ext::AsyncReadExt;
pub use seek_ext::AsyncSeekExt;
pub use split::Split;
pub use take::Take;
pub use write_ext::AsyncWriteExt;
