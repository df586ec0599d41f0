#[kiso::test(worker_threads = 2)]
async fn runs_on_two_workers() {}

fn main() {}
