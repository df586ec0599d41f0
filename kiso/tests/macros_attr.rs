//! Runtime behaviour of `#[kiso::main]` and `#[kiso::test]`: the functions
//! they generate build the requested runtime, run the body on it and hand
//! back the body's value.

#![cfg(all(feature = "macros", feature = "rt-multi-thread"))]

use std::error::Error;

use kiso::runtime::{Handle, RuntimeFlavor};

#[kiso::test]
async fn test_defaults_to_current_thread() {
    assert_eq!(
        Handle::current().runtime_flavor(),
        RuntimeFlavor::CurrentThread
    );
}

#[kiso::test(flavor = "current_thread")]
async fn explicit_current_thread() {
    assert_eq!(
        Handle::current().runtime_flavor(),
        RuntimeFlavor::CurrentThread
    );
    let answer = kiso::spawn(async { 6 * 7 }).await.unwrap();
    assert_eq!(answer, 42);
}

#[kiso::test(flavor = "multi_thread", worker_threads = 1)]
async fn multi_thread_with_one_worker() {
    assert_eq!(
        Handle::current().runtime_flavor(),
        RuntimeFlavor::MultiThread
    );
    // The spawned task runs on the single worker, not on the test's thread,
    // which is blocked in `block_on`.
    let test_thread = std::thread::current().id();
    let task_thread = kiso::spawn(async { std::thread::current().id() })
        .await
        .unwrap();
    assert_ne!(task_thread, test_thread);
}

#[kiso::test(flavor = "multi_thread")]
async fn multi_thread_default_workers() {
    assert_eq!(
        Handle::current().runtime_flavor(),
        RuntimeFlavor::MultiThread
    );
}

#[kiso::test]
async fn returns_result_and_uses_question_mark() -> Result<(), Box<dyn Error>> {
    let parsed: u32 = "17".parse()?;
    assert_eq!(parsed, 17);
    let joined = kiso::spawn(async move { parsed + 1 }).await?;
    assert_eq!(joined, 18);
    Ok(())
}

#[kiso::test]
async fn early_return_from_the_body() -> Result<(), String> {
    let value = kiso::spawn(async { 3 }).await.map_err(|e| e.to_string())?;
    if value == 3 {
        return Ok(());
    }
    Err(format!("unexpected value {value}"))
}

#[kiso::test]
#[should_panic(expected = "the body panicked")]
async fn should_panic_is_kept() {
    kiso::task::yield_now().await;
    panic!("the body panicked");
}

#[kiso::test]
#[ignore = "checks that #[ignore] survives the expansion; must never run"]
async fn ignore_is_kept() {
    panic!("an ignored test ran");
}

/// Doc comments, `#[allow]` and inner attributes are kept.
#[kiso::test]
#[allow(clippy::bool_assert_comparison)]
async fn other_attributes_are_kept() {
    #![allow(unused_variables)]
    let unused = 1;
    assert_eq!(true, true);
}

#[kiso::main]
async fn main_default(a: u32, b: u32) -> u32 {
    assert_eq!(
        Handle::current().runtime_flavor(),
        RuntimeFlavor::MultiThread
    );
    kiso::spawn(async move { a * b }).await.unwrap()
}

#[kiso::main(flavor = "current_thread")]
async fn main_current_thread() -> &'static str {
    assert_eq!(
        Handle::current().runtime_flavor(),
        RuntimeFlavor::CurrentThread
    );
    kiso::task::yield_now().await;
    "done"
}

#[kiso::main(flavor = "multi_thread", worker_threads = 2)]
async fn main_with_result(input: &'static str) -> Result<u32, std::num::ParseIntError> {
    let value: u32 = input.parse()?;
    Ok(value * 2)
}

#[test]
fn main_returns_the_body_value() {
    assert_eq!(main_default(6, 7), 42);
    assert_eq!(main_current_thread(), "done");
    assert_eq!(main_with_result("21"), Ok(42));
    assert!(main_with_result("not a number").is_err());
}

#[test]
fn each_call_builds_a_fresh_runtime() {
    // Outside the generated functions there is no runtime.
    assert!(Handle::try_current().is_err());
    assert_eq!(main_default(1, 1), 1);
    assert!(Handle::try_current().is_err());
    assert_eq!(main_default(2, 3), 6);
}

struct Counter(u32);

impl Counter {
    #[kiso::main(flavor = "current_thread")]
    async fn get(&self) -> u32 {
        kiso::task::yield_now().await;
        self.0
    }

    #[kiso::main(flavor = "current_thread")]
    async fn make(start: u32) -> Self {
        Counter(start)
    }
}

#[test]
fn main_on_methods() {
    assert_eq!(Counter::make(5).get(), 5);
}

mod crate_option {
    use kiso as renamed;

    #[renamed::test(crate = "renamed")]
    async fn crate_path_is_used() {
        renamed::task::yield_now().await;
    }

    #[renamed::test(crate = "::kiso", flavor = "multi_thread", worker_threads = 1)]
    async fn absolute_crate_path() {
        assert_eq!(
            renamed::runtime::Handle::current().runtime_flavor(),
            renamed::runtime::RuntimeFlavor::MultiThread
        );
    }
}

#[cfg(feature = "test-util")]
#[kiso::test(start_paused = true)]
async fn start_paused_compiles() {
    kiso::task::yield_now().await;
}

#[kiso::test(name = "named-test-runtime")]
async fn named_runtime() {
    kiso::task::yield_now().await;
}
