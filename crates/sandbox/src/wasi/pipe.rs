//! In-host pipes between programs that run at once: a candidate and its interactor, or a CMS
//! manager and the candidate's processes. Each channel carries bytes one way, from one party to
//! another. A read blocks until data arrives or the channel is closed, and returns at most one
//! write's bytes: where a reader's reads fall never depends on thread timing, so conversations,
//! and their fuel, are the same on every run. When every party still running waits to read at
//! once, nothing can ever arrive: the pipes report the deadlock (Codeforces' "idleness limit
//! exceeded") and every run stops at once, instead of waiting for a wall clock.
//!
//! One party is the judge (the interactor or manager). A candidate that reads or writes after
//! the judge has ended is stopped (as a judge kills the program then); the judge reading from a
//! candidate that has ended reads the end of input, and its writes to it are dropped.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

/// The judge's party number.
pub(crate) const JUDGE: usize = 0;

/// Why a run was stopped by its pipes.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PipeStop {
    /// Every party still running was waiting for another to write.
    #[error("every program waited for input")]
    Deadlock,
    /// The judge has ended, and the candidate went on reading or writing.
    #[error("the interactor has ended")]
    PeerEnded,
}

#[derive(Debug, Default)]
struct State {
    /// Writes on their way through each channel, one message per write.
    queued: Vec<VecDeque<Vec<u8>>>,
    /// Each channel's writing and reading party.
    ends: Vec<(usize, usize)>,
    /// Whether each channel's writer has closed it (or ended).
    closed: Vec<bool>,
    /// Whether each party's run has ended.
    ended: Vec<bool>,
    /// The order in which parties ended.
    end_order: Vec<usize>,
    /// The channel each party waits on in a read.
    waiting: Vec<Option<usize>>,
    deadlock: bool,
}

#[derive(Debug, Default)]
struct Shared {
    state: Mutex<State>,
    wake: Condvar,
}

/// One party's end of the pipes: the channels its standard streams are, and the channels it
/// may open by name.
#[derive(Clone, Debug)]
pub(crate) struct PipeEnd {
    shared: Arc<Shared>,
    /// The party's number ([`JUDGE`] for the interactor or manager).
    pub party: usize,
    /// The channel stdin reads from.
    pub stdin: Option<usize>,
    /// The channel stdout writes to.
    pub stdout: Option<usize>,
    /// Channels opened by path: name, channel, and whether this party writes to it.
    pub named: Vec<(String, usize, bool)>,
}

/// Ends its party when dropped: a run's end, however it ends (a panic included), closes every
/// channel it writes to.
pub(crate) struct Ending(pub PipeEnd);

impl Drop for Ending {
    fn drop(&mut self) {
        self.0.end();
    }
}

/// A connected pair of ends: the candidate's and the interactor's, each one's stdout the
/// other's stdin.
pub(crate) fn pipes() -> (PipeEnd, PipeEnd) {
    let hub = Hub::new(2);
    let to_judge = hub.channel(1, JUDGE);
    let to_candidate = hub.channel(JUDGE, 1);
    let mut candidate = hub.end(1);
    candidate.stdin = Some(to_candidate);
    candidate.stdout = Some(to_judge);
    let mut judge = hub.end(JUDGE);
    judge.stdin = Some(to_judge);
    judge.stdout = Some(to_candidate);
    (candidate, judge)
}

/// A set of parties and the channels between them, being put together.
pub(crate) struct Hub {
    shared: Arc<Shared>,
}

impl Hub {
    /// `parties` parties (party [`JUDGE`] is the judge) and no channels yet.
    pub fn new(parties: usize) -> Hub {
        let state = State {
            ended: vec![false; parties],
            waiting: vec![None; parties],
            ..State::default()
        };
        Hub {
            shared: Arc::new(Shared {
                state: Mutex::new(state),
                wake: Condvar::new(),
            }),
        }
    }

    /// A new channel from `writer` to `reader`.
    pub fn channel(&self, writer: usize, reader: usize) -> usize {
        let mut s = lock(&self.shared);
        s.queued.push(VecDeque::new());
        s.ends.push((writer, reader));
        s.closed.push(false);
        s.ends.len() - 1
    }

    /// Party `party`'s end, with no channel attached yet.
    pub fn end(&self, party: usize) -> PipeEnd {
        PipeEnd {
            shared: self.shared.clone(),
            party,
            stdin: None,
            stdout: None,
            named: vec![],
        }
    }
}

fn lock(shared: &Shared) -> MutexGuard<'_, State> {
    // A panic elsewhere cannot leave the queues inconsistent: keep going.
    shared.state.lock().unwrap_or_else(|e| e.into_inner())
}

impl State {
    /// Whether `party`, waiting in a read, can never be woken by anyone but another party
    /// that is still running.
    fn stuck(&self, party: usize) -> bool {
        self.ended[party]
            || self.waiting[party].is_some_and(|c| self.queued[c].is_empty() && !self.closed[c])
    }
}

impl PipeEnd {
    fn lock(&self) -> MutexGuard<'_, State> {
        lock(&self.shared)
    }

    /// Up to `max` bytes of the oldest write on `channel` not yet read, waiting until there is
    /// one; empty at the end of input (the writer closed it or ended). A candidate is stopped
    /// instead when it reads on after the judge has ended.
    pub fn read(&self, channel: usize, max: usize) -> Result<Vec<u8>, PipeStop> {
        let me = self.party;
        let mut s = self.lock();
        let writer = s.ends[channel].0;
        loop {
            if s.deadlock {
                return Err(PipeStop::Deadlock);
            }
            if let Some(mut message) = s.queued[channel].pop_front() {
                if message.len() > max {
                    let rest = message.split_off(max);
                    s.queued[channel].push_front(rest);
                }
                return Ok(message);
            }
            if writer == JUDGE && me != JUDGE && s.ended[JUDGE] {
                return Err(PipeStop::PeerEnded);
            }
            if s.closed[channel] {
                return Ok(Vec::new());
            }
            // Everyone else is stuck too (a party woken by a write or a close may not have run
            // yet, but then its channel is not empty, or closed).
            if (0..s.ended.len()).all(|p| p == me || s.stuck(p)) {
                s.deadlock = true;
                self.shared.wake.notify_all();
                return Err(PipeStop::Deadlock);
            }
            s.waiting[me] = Some(channel);
            s = self.shared.wake.wait(s).unwrap_or_else(|e| e.into_inner());
            s.waiting[me] = None;
        }
    }

    /// Sends `message` through `channel`. Bytes for a judge that has ended stop the candidate;
    /// bytes for a reader that has ended are dropped.
    pub fn write(&self, channel: usize, message: Vec<u8>) -> Result<(), PipeStop> {
        let mut s = self.lock();
        let reader = s.ends[channel].1;
        if s.ended[reader] {
            return match reader == JUDGE && self.party != JUDGE {
                true => Err(PipeStop::PeerEnded),
                false => Ok(()),
            };
        }
        // An empty message would read as the end of input; a closed channel takes nothing.
        if message.is_empty() || s.closed[channel] {
            return Ok(());
        }
        s.queued[channel].push_back(message);
        self.shared.wake.notify_all();
        Ok(())
    }

    /// Closes `channel` from its writer's side: its reader reads the end of input.
    pub fn close(&self, channel: usize) {
        let mut s = self.lock();
        if s.ends[channel].0 == self.party {
            s.closed[channel] = true;
            self.shared.wake.notify_all();
        }
    }

    /// Marks this party's run as ended, closing every channel it writes to.
    pub fn end(&self) {
        let mut s = self.lock();
        if s.ended[self.party] {
            return;
        }
        s.ended[self.party] = true;
        s.end_order.push(self.party);
        for c in 0..s.ends.len() {
            if s.ends[c].0 == self.party {
                s.closed[c] = true;
            }
        }
        self.shared.wake.notify_all();
    }

    /// Whether the parties deadlocked.
    pub fn deadlocked(&self) -> bool {
        self.lock().deadlock
    }

    /// Whether party `a` ended before party `b` (or `b` has not ended).
    pub fn ended_before(&self, a: usize, b: usize) -> bool {
        let s = self.lock();
        let at = |p| s.end_order.iter().position(|x| *x == p);
        match (at(a), at(b)) {
            (Some(x), Some(y)) => x < y,
            (Some(_), None) => true,
            _ => false,
        }
    }

    /// Whether this end belongs to the judge.
    pub fn is_judge(&self) -> bool {
        self.party == JUDGE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_cross_and_the_end_reads_as_end_of_input() {
        let (c, i) = pipes();
        c.write(0, b"guess 5\n".to_vec()).unwrap();
        assert_eq!(i.read(0, 3).unwrap(), b"gue");
        assert_eq!(i.read(0, 100).unwrap(), b"ss 5\n");
        c.end();
        assert_eq!(i.read(0, 100).unwrap(), b"");
        assert!(c.ended_before(1, JUDGE), "the candidate ended first");
        // Writing to a candidate that has ended is not the interactor's error.
        assert!(i.write(1, b"late".to_vec()).is_ok());
    }

    #[test]
    fn a_read_returns_one_write_at_most() {
        let (c, i) = pipes();
        i.write(1, b"10\n".to_vec()).unwrap();
        i.write(1, b"".to_vec()).unwrap();
        i.write(1, b"go\n".to_vec()).unwrap();
        assert_eq!(c.read(1, 100).unwrap(), b"10\n");
        assert_eq!(c.read(1, 100).unwrap(), b"go\n");
    }

    #[test]
    fn a_candidate_reading_after_the_interactor_ended_is_stopped() {
        let (c, i) = pipes();
        i.write(1, b"bye\n".to_vec()).unwrap();
        i.end();
        assert_eq!(c.read(1, 100).unwrap(), b"bye\n");
        assert!(matches!(c.read(1, 100), Err(PipeStop::PeerEnded)));
        assert!(matches!(
            c.write(0, b"x".to_vec()),
            Err(PipeStop::PeerEnded)
        ));
    }

    #[test]
    fn both_sides_waiting_is_a_deadlock_for_both() {
        let (c, i) = pipes();
        let waiter = std::thread::spawn(move || i.read(0, 10));
        // The interactor may or may not be waiting yet; either way one of the two reads finds
        // the other waiting, and both end with the deadlock.
        let mine = c.read(1, 10);
        assert!(matches!(mine, Err(PipeStop::Deadlock)));
        assert!(matches!(waiter.join().unwrap(), Err(PipeStop::Deadlock)));
        assert!(c.deadlocked());
    }

    #[test]
    fn a_reader_woken_but_not_yet_running_is_not_a_deadlock() {
        let (c, i) = pipes();
        {
            // The candidate as the interactor's write leaves it: woken but not yet running,
            // so still marked as waiting, with its bytes queued.
            let mut s = c.lock();
            s.waiting[1] = Some(1);
            s.queued[1].push_back(b"5\n".to_vec());
        }
        let interactor = std::thread::spawn(move || i.read(0, 10));
        std::thread::sleep(std::time::Duration::from_millis(20));
        c.lock().waiting[1] = None;
        assert_eq!(c.read(1, 10).unwrap(), b"5\n");
        c.write(0, b"7\n".to_vec()).unwrap();
        assert_eq!(interactor.join().unwrap().unwrap(), b"7\n");
    }

    #[test]
    fn a_waiting_reader_wakes_when_data_arrives() {
        let (c, i) = pipes();
        let reader = std::thread::spawn(move || i.read(0, 10));
        std::thread::sleep(std::time::Duration::from_millis(20));
        c.write(0, b"42".to_vec()).unwrap();
        assert_eq!(reader.join().unwrap().unwrap(), b"42");
        assert!(!c.deadlocked());
    }
}
