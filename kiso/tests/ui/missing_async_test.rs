#[kiso::test]
fn not_async() {}

fn main() {}
