//! The hub embeds the built UI (`ui/dist`). The folder must exist for the embedding
//! to compile even before the UI is built; the hub then answers with a clear page
//! saying how to build it.
use std::path::Path;

fn main() {
    let dist = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/dist");
    if let Err(err) = std::fs::create_dir_all(&dist) {
        println!("cargo:warning=cannot create {}: {err}", dist.display());
    }
    println!("cargo:rerun-if-changed=../../ui/dist");
}
