// What `#[kiso::main]` and `#[kiso::test]` do when kiso is built without the
// `rt` feature (kiso then re-exports `main_fail` and `test_fail`).
#[kiso_macros::main_fail]
async fn main() {}

#[kiso_macros::test_fail]
async fn a_test() {}
