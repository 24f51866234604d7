//! The dashboard's pages: one HTML shell for every page path and its script and style sheet,
//! embedded in the binary (no CDN; it works offline). The pages read everything from the `/v1`
//! JSON routes, so they need no authentication of their own; the data does.

use crate::AppState;
use axum::Router;
use axum::extract::Path;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, ETAG, IF_NONE_MATCH,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rust_embed::Embed;

/// `crates/api/assets/`, embedded at compile time in every build profile.
#[derive(Embed)]
#[folder = "assets/"]
struct Assets;

/// Scripts and styles from this origin only: no inline code, nothing fetched from elsewhere.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                   connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(page))
        .route("/contests/{id}", get(page))
        .route("/problems/{id}", get(page))
        .route("/candidates/{id}", get(page))
        .route("/simulations/{id}", get(page))
        .route("/assets/{file}", get(asset))
}

/// `name` from the embedded assets, revalidated by its content hash.
fn serve(headers: &HeaderMap, name: &str) -> Response {
    let Some(file) = Assets::get(name) else {
        return (StatusCode::NOT_FOUND, "no such asset").into_response();
    };
    let tag = format!("\"{}\"", hex::encode(&file.metadata.sha256_hash()[..12]));
    let fresh = headers
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag));
    let mut res = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        file.data.into_owned().into_response()
    };
    let h = res.headers_mut();
    let mime = match name.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        _ => "application/octet-stream",
    };
    h.insert(CONTENT_TYPE, HeaderValue::from_static(mime));
    h.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(v) = HeaderValue::from_str(&tag) {
        h.insert(ETAG, v);
    }
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    res
}

async fn page(headers: HeaderMap) -> Response {
    serve(&headers, "index.html")
}

async fn asset(headers: HeaderMap, Path(file): Path<String>) -> Response {
    serve(&headers, &file)
}
