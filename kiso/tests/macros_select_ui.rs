//! Compile-fail tests for `select!`, `join!` and `try_join!`: every misuse
//! must be rejected with an error that explains it and points at the
//! offending tokens. The expected compiler output lives next to each case in
//! `tests/ui_select/*.stderr`; regenerate it with `TRYBUILD=overwrite` after
//! an intentional change to a message, and review the diff.

#![cfg(all(feature = "macros", feature = "rt"))]

#[test]
fn macros_select_ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui_select/*.rs");
}
