//! Standard input, output and error (`io-std`).
//!
//! The standard streams are blocking file descriptors, so [`Stdin`],
//! [`Stdout`] and [`Stderr`] run the `std` calls on the runtime's blocking
//! pool (see `Blocking`), one operation at a time per handle.

mod blocking;
mod stderr;
mod stdin;
mod stdout;

#[allow(unused_imports)]
pub(crate) use blocking::{spawn_op, Blocking, Buf, Pending, MAX_BUF};
pub use stderr::{stderr, Stderr};
pub use stdin::{stdin, Stdin};
pub use stdout::{stdout, Stdout};

/// The part of `buf` to hand to one console write.
///
/// A Windows console rejects a write that ends inside a UTF-8 character, so
/// there a buffer longer than one blocking write can take is cut before an
/// incomplete trailing character, if it looks like text. Elsewhere the
/// buffer is returned unchanged (the blocking layer takes what fits).
fn console_chunk(buf: &[u8]) -> &[u8] {
    if !cfg!(windows) || buf.len() <= MAX_BUF {
        return buf;
    }
    let chunk = &buf[..MAX_BUF];
    // Judge "text" by the first bytes: valid UTF-8, or cut short only by
    // the end of the sample.
    let sample = &chunk[..32];
    let looks_like_text = match std::str::from_utf8(sample) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    };
    if !looks_like_text {
        return chunk;
    }
    // Find where the last character starts (at most 3 continuation bytes
    // back) and cut before it if it does not fit.
    for back in 1..=4 {
        let i = chunk.len() - back;
        let b = chunk[i];
        if b & 0b1100_0000 != 0b1000_0000 {
            let width = match b {
                0x00..=0x7f => 1,
                0xc0..=0xdf => 2,
                0xe0..=0xef => 3,
                _ => 4,
            };
            return if back < width { &chunk[..i] } else { chunk };
        }
    }
    chunk
}
