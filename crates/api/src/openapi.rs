//! The OpenAPI document, generated from the handlers' annotations and served at
//! `/v1/openapi.json`.

use crate::AppState;
use axum::routing::get;
use axum::{Json, Router};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(title = "sieve", description = "Judge, score and select model-written contest programs."),
    paths(
        crate::health::healthz,
        crate::health::readyz,
        crate::metrics::render,
        crate::contests::create_contest,
        crate::contests::list_contests,
        crate::contests::get_contest,
        crate::problems::create_problem,
        crate::problems::list_problems,
        crate::problems::get_problem,
        crate::upload::upload_package,
        crate::tests_data::add_tests,
        crate::tests_data::get_test,
        crate::generate::generate_tests,
        crate::jobs::job,
        crate::candidates::post_candidates,
        crate::candidate_read::get_candidate,
        crate::candidate_read::list_candidates,
        crate::events::progress_events,
        crate::scores::list_scorers,
        crate::scores::register_scorer,
        crate::scores::post_scores,
        crate::scores::get_scores,
        crate::selections::post_selection,
        crate::selections::get_selection,
        crate::selections::post_simulation,
        crate::selections::get_simulation,
        crate::sessions::start_session,
        crate::sessions::get_session,
        crate::sessions::post_feedback,
        crate::events::contest_events,
        crate::dashboard_data::funnel,
        crate::dashboard_data::verdicts,
        crate::dashboard_data::resources,
        crate::dashboard_data::clusters,
        crate::dashboard_lists::selections,
        crate::dashboard_lists::simulations,
    ),
    // What sieve sends to a registered remote scorer, and what it expects back.
    components(schemas(sieve_scoring::HttpRequest, sieve_scoring::HttpCandidate, sieve_scoring::HttpResponse)),
    modifiers(&BearerAuth),
    security(("api_key" = [])),
    tags(
        (name = "contests", description = "contests and their rules"),
        (name = "problems", description = "problems, tests and packages"),
        (name = "jobs", description = "package preparation and test generation, done by workers"),
        (name = "candidates", description = "posting, judging progress and results"),
        (name = "scoring", description = "scorers and candidate scores"),
        (name = "selection", description = "selections and simulated contests"),
        (name = "dashboard", description = "the read models behind the dashboard"),
        (name = "operations", description = "health, readiness, metrics"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The OpenAPI document of every `/v1` route.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/v1/openapi.json", get(|| async { Json(document()) }))
}
