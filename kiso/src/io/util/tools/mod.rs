//! Buffered wrappers, copies, in-memory pipes, split/join, empty/repeat/sink.
