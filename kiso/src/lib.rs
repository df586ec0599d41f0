//! kiso
