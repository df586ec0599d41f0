//! Compile-fail tests for `#[kiso::main]` and `#[kiso::test]`: every misuse
//! must be rejected with an error that explains it and points at the
//! offending tokens. The expected compiler output lives next to each case in
//! `tests/ui/*.stderr`; regenerate it with `TRYBUILD=overwrite` after an
//! intentional change to a message, and review the diff.

#![cfg(all(feature = "macros", feature = "rt-multi-thread"))]

#[test]
fn macros_ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
