#[kiso::main]
fn main() {}
