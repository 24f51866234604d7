//! The OpenAPI document served at `/v1/openapi.json` is valid OpenAPI 3.1, by the validator its
//! users run (openapi-spec-validator, installed by `scripts/setup.sh`), and declares every error
//! the way the router answers it.

use serde_json::Value;
use std::process::Command;

/// Where `scripts/setup.sh` installs openapi-spec-validator.
const VALIDATOR_DIR: &str = "/usr/local/share/sieve/openapi-spec-validator";

fn document() -> Value {
    serde_json::to_value(sieve_api::openapi_document()).expect("the document serialises")
}

fn operations(doc: &Value) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("a path item") {
            out.push((format!("{method} {path}"), op));
        }
    }
    out
}

#[test]
fn openapi_spec_validator_accepts_the_document() {
    let dir = std::env::var("SIEVE_OPENAPI_VALIDATOR_DIR").unwrap_or_else(|_| VALIDATOR_DIR.into());
    assert!(
        std::path::Path::new(&dir)
            .join("openapi_spec_validator")
            .is_dir(),
        "openapi-spec-validator is not installed in {dir}: run scripts/setup.sh"
    );
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), serde_json::to_vec(&document()).unwrap()).unwrap();
    let out = Command::new("python3")
        .args(["-m", "openapi_spec_validator", "--errors", "all"])
        .arg(file.path())
        .env("PYTHONPATH", &dir)
        .output()
        .expect("python3 runs");
    let report =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the OpenAPI document is invalid:\n{report}"
    );
    assert!(report.contains("OK"), "{report}");
}

#[test]
fn every_error_is_declared_as_problem_json() {
    let doc = document();
    assert!(doc["components"]["schemas"]["Problem"]["properties"]["field"].is_object());
    let mut errors = 0;
    for (name, op) in operations(&doc) {
        let responses = op["responses"].as_object().expect("responses");
        for (status, response) in responses {
            assert!(
                response["description"]
                    .as_str()
                    .is_some_and(|d| !d.is_empty()),
                "{name} {status} has no description"
            );
            if status.starts_with('4') || status.starts_with('5') {
                errors += 1;
                let content = response["content"].as_object().expect("content");
                assert_eq!(
                    content.keys().collect::<Vec<_>>(),
                    ["application/problem+json"],
                    "{name} {status}"
                );
                assert_eq!(
                    content["application/problem+json"]["schema"]["$ref"],
                    "#/components/schemas/Problem",
                    "{name} {status}"
                );
            } else if !name.ends_with("z") && status != "204" {
                // Every success but the probes' says what it returns.
                let schema = response["content"]
                    .as_object()
                    .and_then(|c| c.values().next())
                    .map(|c| &c["schema"]);
                assert!(
                    schema.is_some_and(Value::is_object),
                    "{name} {status} has no schema"
                );
            }
        }
        let open = op["security"]
            .as_array()
            .is_some_and(|s| s.iter().all(|r| r == &serde_json::json!({})));
        // The probes and the metrics are served without a key; everything else takes one.
        let probe = ["get /healthz", "get /readyz", "get /metrics"].contains(&name.as_str());
        assert_eq!(open, probe, "{name}: security {}", op["security"]);
        if !open {
            assert!(
                responses.contains_key("401"),
                "{name} takes a key but declares no 401"
            );
        }
        if op["requestBody"].is_object() {
            for status in ["400", "415", "422"] {
                assert!(
                    responses.contains_key(status),
                    "{name} takes a body but declares no {status}"
                );
            }
        }
    }
    assert!(errors > 100, "{errors} error responses");
}

#[test]
fn simulations_answer_with_their_report_schema() {
    let doc = document();
    let schemas = &doc["components"]["schemas"];
    let post = &doc["paths"]["/v1/contests/{id}/simulations"]["post"]["responses"]["201"];
    assert_eq!(
        post["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/SimulationCreated"
    );
    assert_eq!(
        schemas["SimulationCreated"]["properties"]["report"]["$ref"],
        "#/components/schemas/SimulationReport"
    );
    let problem = &schemas["ProblemReport"]["properties"];
    for field in ["strategies", "random_expected", "oracle", "held_out_tests"] {
        assert!(problem[field].is_object(), "ProblemReport.{field}");
    }
}
