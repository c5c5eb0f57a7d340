use axum::http::{header, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use rust_embed::RustEmbed;

/// The built UI, embedded so the hub is one file to ship.
#[derive(RustEmbed)]
#[folder = "../../ui/dist"]
struct Ui;

const NOT_BUILT: &str = "<!doctype html><meta charset=utf-8><title>NOC console</title>\
<p>The console's user interface was not built into this hub. Build it with \
<code>make ui</code> (or <code>npm ci &amp;&amp; npm run build</code> in <code>ui/</code>) \
and rebuild the hub.</p>";

pub(crate) async fn serve(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    if let Some(file) = Ui::get(path).filter(|_| !path.is_empty()) {
        let mime = mime_guess::from_path(path).first_or_octet_stream();
        // Vite fingerprints everything under assets/, so it can be cached for good.
        let cache = if path.starts_with("assets/") {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        return (
            [
                (header::CONTENT_TYPE, mime.as_ref().to_string()),
                (header::CACHE_CONTROL, cache.to_string()),
            ],
            file.data.into_owned(),
        )
            .into_response();
    }
    // Client-side routes (e.g. /wall) all load the single page.
    match Ui::get("index.html") {
        Some(index) => (
            [(header::CACHE_CONTROL, "no-cache")],
            Html(index.data.into_owned()),
        )
            .into_response(),
        None => (StatusCode::SERVICE_UNAVAILABLE, Html(NOT_BUILT)).into_response(),
    }
}
