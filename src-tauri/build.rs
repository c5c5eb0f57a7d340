fn main() {
    // Declaring the app's commands makes Tauri generate an `allow-<command>` permission
    // for each and check every call against the capabilities (capabilities/console.json):
    // the console page is served by the hub over http, a remote origin to Tauri.
    let attributes =
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(&[
            "show_notification",
            "hub_status",
            "hub_probe",
            "hub_trust",
            "hub_use_own",
            "hub_wall_token",
        ]));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {error:#}");
    }
}
