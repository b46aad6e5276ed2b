//! Project chores: generators of committed facts.
fn main() {}
