//! The event hub behind the progress streams: one reader of each watched problem's progress,
//! shared by every stream of that problem. PostgreSQL tells the hub which problems changed
//! (`NOTIFY` from triggers, so workers in other processes are heard too); the hub then reads a
//! changed problem's progress, at most once per [`EventsConfig::min_interval`] however many
//! notifications came, and every [`EventsConfig::fallback`] in case one was lost, and hands it to
//! the streams through a `watch` channel. It also caps the streams a caller may hold open, and
//! ends them all when the server shuts down.

use sieve_domain::ProblemId;
use sieve_store::Store;
use sieve_store::candidate_list::Progress;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, Once};
use std::time::Duration;
use tokio::sync::{Notify, watch};
use uuid::Uuid;

/// How often the hub reads progress, and how many streams one caller may hold open.
#[derive(Clone, Copy, Debug)]
pub struct EventsConfig {
    /// Shortest time between two reads of one problem's progress.
    pub min_interval: Duration,
    /// Longest time between two reads of a watched problem, notified or not.
    pub fallback: Duration,
    /// Open streams per API key (or for the local user).
    pub max_streams_per_key: usize,
}

impl Default for EventsConfig {
    fn default() -> Self {
        EventsConfig {
            min_interval: Duration::from_millis(250),
            fallback: Duration::from_secs(5),
            max_streams_per_key: 16,
        }
    }
}

/// Shares progress reads among the event streams (see the module's documentation).
#[derive(Debug)]
pub struct EventHub {
    store: Store,
    config: EventsConfig,
    feeds: Mutex<HashMap<ProblemId, Arc<Feed>>>,
    /// Open streams per key (`None`: the local user).
    streams: Mutex<HashMap<Option<Uuid>, usize>>,
    closed: watch::Sender<bool>,
    listening: Once,
}

/// One watched problem: its latest progress, and whether it changed since it was read.
#[derive(Debug)]
struct Feed {
    changed: Notify,
    progress: watch::Sender<Option<Progress>>,
}

/// A stream's place under its caller's cap, given back when dropped.
#[derive(Debug)]
pub(crate) struct StreamPermit {
    hub: Arc<EventHub>,
    key: Option<Uuid>,
}

impl Drop for StreamPermit {
    fn drop(&mut self) {
        let mut streams = lock(&self.hub.streams);
        if let Some(n) = streams.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                streams.remove(&self.key);
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // The maps stay consistent even if a holder panicked: every update is a single step.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl EventHub {
    /// A hub reading from `store`; it starts listening when the first stream opens.
    pub fn new(store: Store, config: EventsConfig) -> Arc<EventHub> {
        Arc::new(EventHub {
            store,
            config,
            feeds: Mutex::default(),
            streams: Mutex::default(),
            closed: watch::channel(false).0,
            listening: Once::new(),
        })
    }

    /// Ends every open stream, now and for good (the server is shutting down).
    pub fn close(&self) {
        self.closed.send_replace(true);
    }

    /// The cap on open streams per key.
    pub(crate) fn max_streams_per_key(&self) -> usize {
        self.config.max_streams_per_key
    }

    /// A place for one more stream of `key`, unless it holds as many as allowed.
    pub(crate) fn admit(self: &Arc<Self>, key: Option<Uuid>) -> Option<StreamPermit> {
        let mut streams = lock(&self.streams);
        let n = streams.entry(key).or_insert(0);
        if *n >= self.config.max_streams_per_key {
            return None;
        }
        *n += 1;
        Some(StreamPermit {
            hub: self.clone(),
            key,
        })
    }

    /// Becomes true when the hub is closed.
    pub(crate) fn closed(&self) -> watch::Receiver<bool> {
        self.closed.subscribe()
    }

    /// The progress of `problem` as the hub last read it (`None` until the first read).
    pub(crate) fn subscribe(
        self: &Arc<Self>,
        problem: ProblemId,
    ) -> watch::Receiver<Option<Progress>> {
        self.listening.call_once(|| {
            tokio::spawn(self.clone().listen());
        });
        let mut feeds = lock(&self.feeds);
        if let Some(feed) = feeds.get(&problem) {
            return feed.progress.subscribe();
        }
        let (progress, rx) = watch::channel(None);
        let feed = Arc::new(Feed {
            changed: Notify::new(),
            progress,
        });
        feeds.insert(problem, feed.clone());
        tokio::spawn(self.clone().follow(problem, feed));
        rx
    }

    fn changed(&self, problem: ProblemId) {
        if let Some(feed) = lock(&self.feeds).get(&problem) {
            // One stored permit however many notifications: they coalesce into one read.
            feed.changed.notify_one();
        }
    }

    fn all_changed(&self) {
        for feed in lock(&self.feeds).values() {
            feed.changed.notify_one();
        }
    }

    /// Hears the database's notifications until the hub closes, connecting again after a failure.
    async fn listen(self: Arc<Self>) {
        let mut closed = self.closed();
        loop {
            let connected = tokio::select! {
                _ = closed.wait_for(|c| *c) => return,
                l = self.store.listen_progress() => l,
            };
            match connected {
                Ok(mut listener) => {
                    // Whatever changed before the LISTEN took effect was not heard.
                    self.all_changed();
                    loop {
                        let next = tokio::select! {
                            _ = closed.wait_for(|c| *c) => return,
                            n = listener.recv() => n,
                        };
                        match next {
                            Ok(Some(problem)) => self.changed(problem),
                            Ok(None) => self.all_changed(),
                            Err(e) => {
                                tracing::warn!(error = %e, "progress notifications lost; listening again");
                                break;
                            }
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e, "cannot listen for progress notifications"),
            }
            // Meanwhile the fallback reads keep the streams going.
            tokio::select! {
                _ = closed.wait_for(|c| *c) => return,
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
        }
    }

    /// Reads `problem`'s progress when it changed (or every `fallback`) while anyone watches it.
    async fn follow(self: Arc<Self>, problem: ProblemId, feed: Arc<Feed>) {
        let mut closed = self.closed();
        loop {
            metrics::counter!("sieve_progress_queries_total").increment(1);
            match self.store.progress(problem).await {
                Ok(now) => {
                    feed.progress.send_if_modified(|last| {
                        let changed = last.as_ref() != Some(&now);
                        *last = Some(now);
                        changed
                    });
                }
                Err(e) => tracing::warn!(error = %e, %problem, "progress query failed"),
            }
            let (min, fallback) = (self.config.min_interval, self.config.fallback);
            let next = async {
                tokio::time::sleep(min).await;
                let _ = tokio::time::timeout(fallback.saturating_sub(min), feed.changed.notified())
                    .await;
            };
            tokio::pin!(next);
            loop {
                tokio::select! {
                    _ = closed.wait_for(|c| *c) => return,
                    _ = feed.progress.closed() => {
                        if self.retire(problem, &feed) {
                            return;
                        }
                    }
                    _ = &mut next => break,
                }
            }
        }
    }

    /// Forgets `feed` if nobody watches it any more (checked under the lock `subscribe` takes).
    fn retire(&self, problem: ProblemId, feed: &Arc<Feed>) -> bool {
        let mut feeds = lock(&self.feeds);
        if feed.progress.receiver_count() > 0 {
            return false;
        }
        if feeds.get(&problem).is_some_and(|f| Arc::ptr_eq(f, feed)) {
            feeds.remove(&problem);
        }
        true
    }
}
