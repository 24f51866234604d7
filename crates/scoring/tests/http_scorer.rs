//! The HTTP scorer against small servers started by the test: one that answers, one that
//! answers too slowly (the fallback takes over, then the breaker opens and the remote one is no
//! longer called), one that answers nonsense, and ones that fail with a status (a server's
//! failure is tried again, a refusal of the request is not).

use sieve_scoring::{
    FEATURE_NAMES, Features, Heuristic, HttpConfig, HttpRequest, HttpScorer, Scorer, ScoringInput,
};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Serves `answer(request)` after `delay`, counting requests.
fn server(delay: Duration, answer: fn(&HttpRequest) -> String) -> (String, Arc<AtomicUsize>) {
    serve(delay, 200, answer)
}

/// [`server`] answering with HTTP status `status`.
fn serve(
    delay: Duration,
    status: u16,
    answer: fn(&HttpRequest) -> String,
) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/score", listener.local_addr().expect("addr"));
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            seen.fetch_add(1, Ordering::SeqCst);
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0; length];
                let _ = reader.read_exact(&mut body);
                let request: HttpRequest = serde_json::from_slice(&body).expect("request");
                std::thread::sleep(delay);
                let out = answer(&request);
                let mut stream = stream;
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{out}",
                    out.len()
                );
            });
        }
    });
    (url, count)
}

fn config(url: String) -> HttpConfig {
    HttpConfig {
        url,
        timeout: Duration::from_millis(300),
        retries: 1,
        failure_threshold: 2,
        cooldown: Duration::from_secs(60),
    }
}

fn batch() -> Vec<Features> {
    let mut good = [0.0; FEATURE_NAMES.len()];
    for n in [
        "compiled",
        "public_run",
        "public_pass_rate",
        "public_target_pass_rate",
    ] {
        good[FEATURE_NAMES.iter().position(|x| *x == n).unwrap()] = 1.0;
    }
    vec![good, [0.0; FEATURE_NAMES.len()]]
}

fn inputs(f: &[Features]) -> Vec<ScoringInput<'_>> {
    f.iter()
        .map(|features| ScoringInput {
            features,
            source: "int main(){}",
        })
        .collect()
}

#[test]
fn a_remote_scorer_answers() {
    let (url, count) = server(Duration::ZERO, |r| {
        assert_eq!(r.feature_names.len(), FEATURE_NAMES.len());
        assert_eq!(r.candidates[0].source, "int main(){}");
        // Scores by the remote's own rule: the first feature times 0.7.
        let scores: Vec<f64> = r.candidates.iter().map(|c| c.features[0] * 0.7).collect();
        serde_json::json!({ "scores": scores }).to_string()
    });
    let scorer = HttpScorer::new("remote", config(url), Box::new(Heuristic)).unwrap();
    let f = batch();
    assert_eq!(scorer.score(&inputs(&f)).unwrap(), vec![0.7, 0.0]);
    assert_eq!(count.load(Ordering::SeqCst), 1);
    assert!(!scorer.is_open());
}

#[test]
fn a_slow_remote_scorer_gives_way_to_the_fallback_and_opens_the_breaker() {
    let (url, count) = server(Duration::from_millis(1500), |_| {
        serde_json::json!({ "scores": [0.5, 0.5] }).to_string()
    });
    let scorer = HttpScorer::new("slow", config(url), Box::new(Heuristic)).unwrap();
    let f = batch();
    let fallback = Heuristic.score(&inputs(&f)).unwrap();
    assert_eq!(
        scorer.score(&inputs(&f)).unwrap(),
        fallback,
        "the fallback answered"
    );
    assert_eq!(
        count.load(Ordering::SeqCst),
        2,
        "tried once and retried once"
    );
    assert!(!scorer.is_open(), "one failed batch is below the threshold");
    assert_eq!(scorer.score(&inputs(&f)).unwrap(), fallback);
    assert!(scorer.is_open(), "two failed batches open the breaker");
    let before = count.load(Ordering::SeqCst);
    assert_eq!(scorer.score(&inputs(&f)).unwrap(), fallback);
    assert_eq!(
        count.load(Ordering::SeqCst),
        before,
        "an open breaker calls nobody"
    );
}

#[test]
fn nonsense_from_the_remote_scorer_is_not_believed() {
    let (url, _) = server(Duration::ZERO, |_| {
        serde_json::json!({ "scores": [7.0] }).to_string()
    });
    let scorer = HttpScorer::new("odd", config(url), Box::new(Heuristic)).unwrap();
    let f = batch();
    assert_eq!(
        scorer.score(&inputs(&f)).unwrap(),
        Heuristic.score(&inputs(&f)).unwrap()
    );
}

#[test]
fn a_server_error_is_retried_and_a_refused_request_is_not() {
    let f = batch();
    for (status, calls) in [(503, 2), (500, 2), (429, 2), (400, 1), (404, 1), (422, 1)] {
        let (url, count) = serve(Duration::ZERO, status, |_| "{}".into());
        let scorer = HttpScorer::new("failing", config(url), Box::new(Heuristic)).unwrap();
        assert_eq!(
            scorer.score(&inputs(&f)).unwrap(),
            Heuristic.score(&inputs(&f)).unwrap(),
            "the fallback answered"
        );
        assert_eq!(count.load(Ordering::SeqCst), calls, "HTTP {status}");
    }
}
