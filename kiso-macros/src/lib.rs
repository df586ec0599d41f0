//! Procedural macros for kiso.
