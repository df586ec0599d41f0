#[kiso::main]
async fn forgot_the_return_type() {
    kiso::task::yield_now().await;
    Ok(())
}

fn main() {
    forgot_the_return_type();
}
