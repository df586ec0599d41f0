//! Extension traits and the adapters their methods return.
