#[kiso::test(
    flavor = "multi_thread",
    start_paused = true,
    timeout = 5,
    flavor = "local"
)]
async fn many_problems() {}

fn main() {}
