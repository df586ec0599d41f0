//! The buffer a `File` operation carries between the caller and the
//! blocking pool (shared with standard I/O), and its default size.

pub(crate) use crate::io::blocking_buf::Buf;

/// Largest number of bytes one `File` operation moves, unless changed with
/// `File::set_max_buf_size`.
pub(crate) const DEFAULT_MAX_BUF_SIZE: usize = 2 * 1024 * 1024;
