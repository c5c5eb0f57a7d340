//! The UI's TypeScript types are generated from the Rust model and checked in; this
//! test fails when they drift. `UPDATE_BINDINGS=1 cargo test -p noc-model` rewrites them.

use std::path::PathBuf;

#[test]
fn typescript_bindings_are_up_to_date() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/model.ts");
    let generated = noc_model::typescript_bindings();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &generated).expect("write bindings");
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "ui/src/lib/model.ts is out of date: run `UPDATE_BINDINGS=1 cargo test -p noc-model`"
    );
}
