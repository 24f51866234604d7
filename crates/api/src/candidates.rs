//! Candidates: posted in batches (idempotent by key), judged by the workers, read back with
//! their build and per-test results.

use crate::{ApiError, AppState, auth::Submitter};
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sieve_app::ingest::{JudgePlan, store_candidates};
use sieve_domain::{CandidateId, ProblemId, TestKind};
use sieve_store::StoreError;
use sieve_store::candidates::{Batch, NewCandidate};
use tokio::io::AsyncBufReadExt;

/// Most candidates in one request.
pub const MAX_BATCH: usize = 10_000;
/// Largest source accepted.
pub const MAX_SOURCE: usize = 1 << 20;

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route(
        "/v1/problems/{id}/candidates",
        // NDJSON is streamed (bounded memory whatever its size); JSON is read whole.
        post(post_candidates).layer(DefaultBodyLimit::disable()),
    )
}

/// Candidates posted as one JSON document (or, as NDJSON, one `NewCandidate` per line).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct PostBody {
    candidates: Vec<NewCandidate>,
    /// Test kinds to judge on; default: public and generated.
    #[serde(default)]
    judge: Option<Vec<TestKind>>,
    /// Judge the generated tests even after a failed public test.
    #[serde(default)]
    keep_going: bool,
}

/// Options in the query string (the only place for them when the body is NDJSON).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub(crate) struct PostQuery {
    /// Comma-separated test kinds to judge on.
    judge: Option<String>,
    /// Judge the generated tests even after a failed public test.
    #[serde(default)]
    keep_going: bool,
}

/// One posted candidate: its id, and false when its idempotency key was seen before.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct Posted {
    id: CandidateId,
    created: bool,
}

/// The posted candidates, in the order sent.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct PostedList {
    candidates: Vec<Posted>,
}

/// A JSON body is read whole up to this size; larger batches should be NDJSON.
pub const MAX_JSON_BODY: usize = 64 << 20;
/// Candidates written per statement batch while storing NDJSON.
const CHUNK: usize = 500;

/// Posts candidates (submitter): a JSON body `{candidates: [...]}`, or NDJSON streamed with
/// bounded memory (`Content-Type: application/x-ndjson`), up to 10,000 per request, stored in
/// one transaction and queued for judging. Identical sources are judged once.
#[utoipa::path(post, path = "/v1/problems/{id}/candidates", tag = "candidates",
    params(("id" = Uuid, Path, description = "problem id"), PostQuery),
    request_body(content(
        (PostBody = "application/json"),
        (NewCandidate = "application/x-ndjson"))),
    responses((status = 201, body = PostedList, description = "the candidates stored and queued for judging, in the order posted"), (status = 404, description = "no such problem"),
              (status = 413, description = "too many candidates, or a source too large"),
              (status = 422, description = "a candidate is invalid (the field names the line)")))]
pub(crate) async fn post_candidates(
    _: Submitter,
    State(state): State<AppState>,
    Path(problem): Path<ProblemId>,
    Query(query): Query<PostQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<PostedList>), ApiError> {
    if !state.store.problem_exists(problem).await? {
        return Err(ApiError::not_found(format!("no problem {problem}")));
    }
    let ndjson = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| {
            t.starts_with("application/x-ndjson") || t.starts_with("application/ndjson")
        });
    let query_kinds = query.judge.as_deref().map(parse_kinds).transpose()?;
    let mut out = Vec::new();
    // The whole body is received and checked before a database connection is taken, so a slow
    // client holds a socket and a temporary file, never a connection of the pool. Then one
    // transaction: a bad line anywhere leaves nothing stored.
    if ndjson {
        let plan = JudgePlan {
            kinds: query_kinds.unwrap_or_else(default_kinds),
            keep_going: query.keep_going,
        };
        let spool = spool_ndjson(body).await?;
        let mut batch = state.store.begin_batch().await?;
        let mut lines = tokio::io::BufReader::new(tokio::fs::File::from_std(
            spool
                .reopen()
                .map_err(|e| ApiError::unavailable(format!("spool: {e}")))?,
        ))
        .lines();
        let (mut pending, mut line_no) = (Vec::new(), 0usize);
        while let Some(line) = lines
            .next_line()
            .await
            .map_err(|e| ApiError::unavailable(format!("spool: {e}")))?
        {
            accept_line(line.as_bytes(), &mut line_no, &mut pending)?;
            if pending.len() >= CHUNK {
                store_chunk(&mut batch, &plan, problem, &mut pending, &mut out).await?;
            }
        }
        store_chunk(&mut batch, &plan, problem, &mut pending, &mut out).await?;
        batch.commit().await?;
    } else {
        let bytes = axum::body::to_bytes(body, MAX_JSON_BODY)
            .await
            .map_err(|_| {
                ApiError::too_large(
                    "",
                    format!(
                        "JSON bodies are limited to {MAX_JSON_BODY} bytes; stream NDJSON instead"
                    ),
                )
            })?;
        let body: PostBody = read_json(&bytes).map_err(|(at, e)| match e.classify() {
            serde_json::error::Category::Data => ApiError::invalid(at, e.to_string()),
            _ => ApiError::bad_request(format!("invalid JSON: {e}")),
        })?;
        if body.candidates.len() > MAX_BATCH {
            return Err(ApiError::too_large(
                "/candidates",
                format!("at most {MAX_BATCH} candidates per JSON request"),
            ));
        }
        for (i, c) in body.candidates.iter().enumerate() {
            validate(c, &format!("/candidates/{i}"))?;
        }
        let plan = JudgePlan {
            kinds: body.judge.or(query_kinds).unwrap_or_else(default_kinds),
            keep_going: body.keep_going || query.keep_going,
        };
        let mut pending = body.candidates;
        let mut batch = state.store.begin_batch().await?;
        store_chunk(&mut batch, &plan, problem, &mut pending, &mut out).await?;
        batch.commit().await?;
    }
    let out: Vec<Posted> = out
        .into_iter()
        .map(|(id, created)| Posted { id, created })
        .collect();
    Ok((StatusCode::CREATED, Json(PostedList { candidates: out })))
}

/// Receives an NDJSON body into a temporary file, checking every line as it arrives (so a bad
/// line fails the request before the rest is sent) and the number of lines and their length.
async fn spool_ndjson(body: Body) -> Result<tempfile::NamedTempFile, ApiError> {
    use tokio::io::AsyncWriteExt;
    let spool =
        tempfile::NamedTempFile::new().map_err(|e| ApiError::unavailable(format!("spool: {e}")))?;
    let failed = |e: std::io::Error| ApiError::unavailable(format!("spool: {e}"));
    let mut file =
        tokio::io::BufWriter::new(tokio::fs::File::from_std(spool.reopen().map_err(failed)?));
    let mut stream = body.into_data_stream();
    let (mut buf, mut line_no, mut checked) = (Vec::<u8>::new(), 0usize, Vec::new());
    while let Some(chunk) = futures_next(&mut stream).await {
        let chunk = chunk.map_err(|e| ApiError::bad_request(format!("reading the body: {e}")))?;
        buf.extend_from_slice(&chunk);
        while let Some(pos) = buf.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = buf.drain(..=pos).collect();
            accept_line(&line, &mut line_no, &mut checked)?;
            checked.clear();
            file.write_all(&line).await.map_err(failed)?;
        }
        if buf.len() > MAX_SOURCE * 2 {
            return Err(ApiError::too_large(
                format!("/{line_no}"),
                "a line is longer than a candidate may be",
            ));
        }
    }
    accept_line(&buf, &mut line_no, &mut checked)?;
    file.write_all(&buf).await.map_err(failed)?;
    file.flush().await.map_err(failed)?;
    Ok(spool)
}

async fn futures_next(
    stream: &mut axum::body::BodyDataStream,
) -> Option<Result<axum::body::Bytes, axum::Error>> {
    std::future::poll_fn(|cx| {
        use futures_core::Stream;
        std::pin::Pin::new(&mut *stream).poll_next(cx)
    })
    .await
}

fn default_kinds() -> Vec<TestKind> {
    vec![TestKind::Public, TestKind::Generated]
}

/// `public,generated`; empty: store the candidates without judging them.
fn parse_kinds(s: &str) -> Result<Vec<TestKind>, ApiError> {
    s.split(',')
        .filter(|k| !k.trim().is_empty())
        .map(|k| {
            serde_json::from_value(json!(k.trim()))
                .map_err(|_| ApiError::invalid("judge", format!("unknown test kind {k:?}")))
        })
        .collect()
}

/// Reads `bytes` as JSON; on failure, the JSON pointer of the value at fault (empty for the
/// whole document) and serde's error.
fn read_json<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
) -> Result<T, (String, serde_json::Error)> {
    serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(bytes)).map_err(
        |e| {
            let pointer = e
                .path()
                .iter()
                .filter_map(|segment| match segment {
                    serde_path_to_error::Segment::Seq { index } => Some(format!("/{index}")),
                    serde_path_to_error::Segment::Map { key } => Some(format!("/{key}")),
                    serde_path_to_error::Segment::Enum { variant } => Some(format!("/{variant}")),
                    serde_path_to_error::Segment::Unknown => None,
                })
                .collect();
            (pointer, e.into_inner())
        },
    )
}

fn validate(c: &NewCandidate, field: &str) -> Result<(), ApiError> {
    if c.source.len() > MAX_SOURCE {
        return Err(ApiError::too_large(
            format!("{field}/source"),
            format!("sources are limited to {MAX_SOURCE} bytes"),
        ));
    }
    if c.language == sieve_domain::Language::Outputs
        && let Err(e) = serde_json::from_str::<std::collections::HashMap<String, String>>(&c.source)
    {
        return Err(ApiError::invalid(
            format!("{field}/source"),
            format!("an outputs candidate is a JSON object from test name to output text: {e}"),
        ));
    }
    Ok(())
}

/// Parses one NDJSON line (blank lines are skipped) into `pending`.
fn accept_line(
    line: &[u8],
    line_no: &mut usize,
    pending: &mut Vec<NewCandidate>,
) -> Result<(), ApiError> {
    if line.iter().all(|b| b.is_ascii_whitespace()) {
        return Ok(());
    }
    let field = format!("/{line_no}");
    *line_no += 1;
    if *line_no > MAX_BATCH {
        return Err(ApiError::too_large(
            "",
            format!("at most {MAX_BATCH} candidates per request"),
        ));
    }
    let c: NewCandidate = read_json(line).map_err(|(at, e)| {
        ApiError::invalid(format!("{field}{at}"), format!("line {line_no}: {e}"))
    })?;
    validate(&c, &field)?;
    pending.push(c);
    Ok(())
}

/// Stores `pending` and enqueues judging for the new ones.
async fn store_chunk(
    batch: &mut Batch,
    plan: &JudgePlan,
    problem: ProblemId,
    pending: &mut Vec<NewCandidate>,
    out: &mut Vec<(CandidateId, bool)>,
) -> Result<(), ApiError> {
    if pending.is_empty() {
        return Ok(());
    }
    let ids = store_candidates(batch, plan, problem, pending)
        .await
        .map_err(|e| match e {
            // The store counts within this chunk; the client counts within its request.
            StoreError::IdempotencyConflict { index, key } => StoreError::IdempotencyConflict {
                index: out.len() + index,
                key,
            },
            other => other,
        })?;
    pending.clear();
    out.extend(ids);
    Ok(())
}
