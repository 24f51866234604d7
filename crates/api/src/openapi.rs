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
        crate::candidate_read::export_results,
        crate::rejudge::rejudge,
        crate::deletion::delete_candidate,
        crate::deletion::delete_problem,
        crate::deletion::delete_contest,
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
        crate::keys::list_keys,
        crate::keys::revoke_key,
    ),
    // What sieve sends to a registered remote scorer, and what it expects back.
    components(schemas(sieve_scoring::HttpRequest, sieve_scoring::HttpCandidate, sieve_scoring::HttpResponse, Problem)),
    modifiers(&BearerAuth, &Problems),
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

/// An error, as every route answers one: RFC 9457's problem details.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // Only its schema is used; errors are `ApiError`s.
struct Problem {
    /// The HTTP status, repeated.
    status: u16,
    /// A short, stable summary of the problem type.
    title: String,
    /// What went wrong in this instance.
    detail: String,
    /// The request field at fault, as a JSON pointer (`/candidates/3/language`), when one is.
    field: Option<String>,
}

/// Declares what every route can answer besides what its handler names, the way the router
/// really answers: each error as `application/problem+json`; 401 (with `WWW-Authenticate`) on
/// every route that takes a key; 400 for an id in the path that does not parse; 400, 415 and 422
/// for a body that is not JSON, not declared as JSON, or not of the route's shape.
struct Problems;

impl utoipa::Modify for Problems {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::{Operation, ParameterIn};
        use utoipa::openapi::{Content, RefOr, Response, schema::Ref};
        let add = |op: &mut Operation, status: &str, description: &str| {
            op.responses
                .responses
                .entry(status.into())
                .or_insert_with(|| RefOr::T(Response::new(description)));
        };
        let secured_by_default = doc.security.as_ref().is_some_and(|s| !s.is_empty());
        for item in doc.paths.paths.values_mut() {
            let ops = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for op in ops.into_iter().flatten() {
                // `security(())` on a route means no key: the list then holds one empty entry.
                let open = op.security.as_ref().is_some_and(|s| {
                    s.iter()
                        .all(|r| serde_json::to_value(r).is_ok_and(|v| v == serde_json::json!({})))
                });
                if secured_by_default && !open {
                    add(op, "401", "no valid API key (`Authorization: Bearer KEY`)");
                }
                let path_params = op
                    .parameters
                    .iter()
                    .flatten()
                    .any(|p| matches!(p, RefOr::T(p) if p.parameter_in == ParameterIn::Path));
                if path_params {
                    add(op, "400", "an id in the path is not a UUID");
                }
                if op.request_body.is_some() {
                    add(op, "400", "the body is not JSON");
                    add(op, "415", "the body is not declared as `application/json`");
                    add(
                        op,
                        "422",
                        "the body is JSON but not of this route's shape; `field` names where",
                    );
                }
                for response in op.responses.responses.iter_mut() {
                    let (status, RefOr::T(response)) = response else {
                        continue;
                    };
                    if status.starts_with('4') || status.starts_with('5') {
                        response.content.clear();
                        response.content.insert(
                            "application/problem+json".into(),
                            RefOr::T(Content::new(Some(Ref::from_schema_name("Problem")))),
                        );
                    }
                }
            }
        }
    }
}

/// The OpenAPI document of every `/v1` route.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/v1/openapi.json", get(|| async { Json(document()) }))
}
