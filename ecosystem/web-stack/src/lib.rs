//! Nothing of its own: the tests in `tests/` run axum, tower and reqwest on kiso.
