//! Nothing of its own: the tests in `tests/` run tokio-util on kiso.
