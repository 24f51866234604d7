//! Server-sent events: a problem's (or a whole contest's) judging progress, sent whenever it
//! changes. Each event is `progress` with a [`Progress`] body plus `done` (no judging job
//! queued or running), and an `id` naming the state sent so far, which a reconnecting client
//! gives back as `Last-Event-ID` to be sent only what changed since; the stream stays open for
//! candidates posted later, with keep-alive comments meanwhile.
//!
//! Streams do not query the database themselves: the [`EventHub`] reads each watched problem's
//! progress once for all its streams. One key may hold [`EventsConfig::max_streams_per_key`]
//! streams open (429 beyond), and every stream ends when the server shuts down.
//!
//! [`EventsConfig::max_streams_per_key`]: crate::EventsConfig::max_streams_per_key

use crate::hub::{EventHub, StreamPermit};
use crate::{ApiError, AppState, Caller, Role};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use futures_util::{Stream, StreamExt};
use serde::Serialize;
use sieve_domain::{ContestId, ProblemId};
use sieve_store::candidate_list::Progress;
use std::convert::Infallible;
use std::sync::Arc;
use tokio::sync::watch;
use utoipa::ToSchema;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/problems/{id}/events", get(progress_events))
        .route("/v1/contests/{id}/events", get(contest_events))
}

/// One progress event's data.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ProgressEvent {
    /// The problem, in a contest's stream.
    #[serde(skip_serializing_if = "Option::is_none")]
    problem_id: Option<ProblemId>,
    #[serde(flatten)]
    progress: Progress,
    /// Nothing queued or running: every posted candidate is judged as far as asked.
    done: bool,
}

/// Judging progress of a problem as a `text/event-stream` of `progress` events (viewer).
#[utoipa::path(get, path = "/v1/problems/{id}/events", tag = "candidates",
    params(("id" = Uuid, Path, description = "problem id")),
    responses((status = 200, content_type = "text/event-stream", body = ProgressEvent,
               description = "`progress` events, one per change"),
              (status = 404, description = "no such problem"),
              (status = 429, description = "the key holds as many open streams as allowed")))]
pub(crate) async fn progress_events(
    caller: Caller,
    State(state): State<AppState>,
    Path(problem): Path<ProblemId>,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    caller.require(Role::Viewer)?;
    let permit = admit(&state.events, &caller)?;
    if !state.store.problem_exists(problem).await? {
        return Err(ApiError::not_found(format!("no problem {problem}")));
    }
    Ok(progress_stream(
        state.events.clone(),
        permit,
        vec![problem],
        false,
        last_event_id(&headers),
    ))
}

/// Judging progress of every problem of a contest as one `text/event-stream`: a `progress`
/// event per problem whose progress changed, all of them at first (viewer).
#[utoipa::path(get, path = "/v1/contests/{id}/events", tag = "candidates",
    params(("id" = Uuid, Path, description = "contest id")),
    responses((status = 200, content_type = "text/event-stream", body = ProgressEvent,
               description = "`progress` events, one per problem and change"),
              (status = 404, description = "no such contest"),
              (status = 429, description = "the key holds as many open streams as allowed")))]
pub(crate) async fn contest_events(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<ContestId>,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    caller.require(Role::Viewer)?;
    let permit = admit(&state.events, &caller)?;
    let Some(contest) = state.store.contest(id).await? else {
        return Err(ApiError::not_found(format!("no contest {id}")));
    };
    Ok(progress_stream(
        state.events.clone(),
        permit,
        contest.problems,
        true,
        last_event_id(&headers),
    ))
}

/// The `Last-Event-ID` a reconnecting client sends.
fn last_event_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// An event's id: a digest of what the stream has sent of every problem it watches, so that a
/// client reconnecting with it (`Last-Event-ID`) is sent only what changed since, nothing when
/// nothing did. Stable across server restarts.
fn state_id(last: &[Option<Progress>]) -> String {
    let mut h = blake3::Hasher::new();
    for p in last {
        h.update(&serde_json::to_vec(p).unwrap_or_default());
        h.update(b"\n");
    }
    h.finalize().to_hex()[..24].to_string()
}

fn admit(hub: &Arc<EventHub>, caller: &Caller) -> Result<StreamPermit, ApiError> {
    hub.admit(caller.key).ok_or_else(|| {
        ApiError::too_many_requests(format!(
            "this key has {} event streams open, as many as allowed; close one first",
            hub.max_streams_per_key()
        ))
    })
}

/// What one open stream holds: its feeds, what it last sent of each, and its place in the cap.
struct Listening {
    problems: Vec<ProblemId>,
    feeds: Vec<watch::Receiver<Option<Progress>>>,
    last: Vec<Option<Progress>>,
    closed: watch::Receiver<bool>,
    named: bool,
    first: bool,
    /// The id a reconnecting client last saw, until the first batch.
    resume: Option<String>,
    _permit: StreamPermit,
}

/// `progress` events for `problems`: whenever the hub has read new progress of some of them, an
/// event per problem that changed (all of them at first), naming the problem when `named`. Ends
/// when the hub closes. Each event's id is [`state_id`]; a client that reconnects with the id of
/// the state that is still current gets no first batch.
fn progress_stream(
    hub: Arc<EventHub>,
    permit: StreamPermit,
    problems: Vec<ProblemId>,
    named: bool,
    resume: Option<String>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let state = Listening {
        feeds: problems.iter().map(|p| hub.subscribe(*p)).collect(),
        last: vec![None; problems.len()],
        problems,
        closed: hub.closed(),
        named,
        first: true,
        resume,
        _permit: permit,
    };
    let batches = futures_util::stream::unfold(state, |mut s| async move {
        if *s.closed.borrow() {
            return None;
        }
        if !s.first {
            let (feeds, closed) = (&mut s.feeds, &mut s.closed);
            let any_changed = async move {
                if feeds.is_empty() {
                    std::future::pending::<()>().await;
                }
                let changed = feeds.iter_mut().map(|f| Box::pin(f.changed()));
                futures_util::future::select_all(changed).await.0.is_ok()
            };
            let open = tokio::select! {
                _ = closed.wait_for(|c| *c) => false,
                open = any_changed => open,
            };
            if !open {
                return None;
            }
        }
        s.first = false;
        if let Some(seen) = s.resume.clone() {
            // Resuming: once every problem's progress is known, a client whose last state is
            // the current one has everything.
            let now: Vec<Option<Progress>> = s
                .feeds
                .iter_mut()
                .map(|f| f.borrow_and_update().clone())
                .collect();
            if !now.iter().all(Option::is_some) {
                return Some((futures_util::stream::iter(Vec::new()), s));
            }
            s.resume = None;
            if state_id(&now) == seen {
                s.last = now;
                return Some((futures_util::stream::iter(Vec::new()), s));
            }
        }
        let mut events = Vec::new();
        for (i, p) in s.problems.iter().enumerate() {
            let Some(now) = s.feeds[i].borrow_and_update().clone() else {
                continue;
            };
            if s.last[i].as_ref() != Some(&now) {
                let done = now.queued == 0 && now.running == 0;
                let data = ProgressEvent {
                    problem_id: s.named.then_some(*p),
                    progress: now.clone(),
                    done,
                };
                s.last[i] = Some(now);
                events.push(Ok(Event::default()
                    .event("progress")
                    .id(state_id(&s.last))
                    .json_data(data)
                    .unwrap_or_default()));
            }
        }
        Some((futures_util::stream::iter(events), s))
    });
    Sse::new(batches.flatten()).keep_alive(KeepAlive::default())
}
