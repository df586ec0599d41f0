// What `#[kiso::main]` does when kiso is built with `rt` but without
// `rt-multi-thread` (kiso then re-exports `main_rt` as `main`).
#[kiso_macros::main_rt(flavor = "multi_thread")]
async fn main() {}

#[kiso_macros::main_rt(worker_threads = 4)]
async fn implied_multi_thread() {}

#[kiso_macros::test_rt(flavor = "multi_thread")]
async fn multi_thread_test() {}
