#[kiso::main]
async fn main() -> Result<(), String> {
    kiso::task::yield_now().await;
    return 42;
}
