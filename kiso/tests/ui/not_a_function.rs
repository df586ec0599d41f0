#[kiso::main]
struct Server;

fn main() {}
