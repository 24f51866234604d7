//! The two in-host pipes between a candidate and its interactor: what one side writes to its
//! stdout the other reads from its stdin. A read blocks until data arrives or the writer has
//! ended, and returns at most one write's bytes: where a reader's reads fall never depends on
//! thread timing, so conversations, and their fuel, are the same on every run. When both sides wait to read at once nothing can ever arrive: the pipes report the
//! deadlock (Codeforces' "idleness limit exceeded") and both runs stop at once, instead of
//! waiting for a wall clock.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

/// Which end of the pipes a run holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Side {
    Candidate = 0,
    Interactor = 1,
}

impl Side {
    fn other(self) -> Side {
        match self {
            Side::Candidate => Side::Interactor,
            Side::Interactor => Side::Candidate,
        }
    }
}

/// Why a run was stopped by its pipes.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PipeStop {
    /// Both sides were waiting for the other to write.
    #[error("both the program and the interactor waited for input")]
    Deadlock,
    /// The interactor has ended, and the candidate went on reading or writing.
    #[error("the interactor has ended")]
    PeerEnded,
}

#[derive(Debug, Default)]
struct State {
    /// Writes on their way to each side (indexed by the reader), one message per write.
    queued: [VecDeque<Vec<u8>>; 2],
    /// Whether each side's run has ended.
    ended: [bool; 2],
    /// Which side ended first.
    first_ended: Option<Side>,
    /// Whether each side is waiting in a read.
    waiting: [bool; 2],
    deadlock: bool,
}

#[derive(Debug, Default)]
struct Shared {
    state: Mutex<State>,
    wake: Condvar,
}

/// One side's end of the pipes.
#[derive(Clone, Debug)]
pub(crate) struct PipeEnd {
    shared: Arc<Shared>,
    pub side: Side,
}

/// Ends its side when dropped: a run's end, however it ends (a panic included), is the end of
/// its side's input to the other.
pub(crate) struct Ending(pub PipeEnd);

impl Drop for Ending {
    fn drop(&mut self) {
        self.0.end();
    }
}

/// A connected pair of ends: the candidate's and the interactor's.
pub(crate) fn pipes() -> (PipeEnd, PipeEnd) {
    let shared = Arc::new(Shared::default());
    let end = |side| PipeEnd {
        shared: shared.clone(),
        side,
    };
    (end(Side::Candidate), end(Side::Interactor))
}

impl PipeEnd {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere cannot leave the queues inconsistent: keep going.
        self.shared.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Up to `max` bytes of the other side's oldest write not yet read, waiting until there is
    /// one; empty at the end of input (the other side has ended). The candidate is stopped instead when it reads on
    /// after the interactor has ended.
    pub fn read(&self, max: usize) -> Result<Vec<u8>, PipeStop> {
        let (me, other) = (self.side as usize, self.side.other() as usize);
        let mut s = self.lock();
        loop {
            if s.deadlock {
                return Err(PipeStop::Deadlock);
            }
            if let Some(mut message) = s.queued[me].pop_front() {
                if message.len() > max {
                    let rest = message.split_off(max);
                    s.queued[me].push_front(rest);
                }
                return Ok(message);
            }
            if s.ended[other] {
                return match self.side {
                    Side::Candidate => Err(PipeStop::PeerEnded),
                    Side::Interactor => Ok(Vec::new()),
                };
            }
            // The other side waits too, and nothing is on its way to it (a side woken by a write
            // may not have run yet, but then its bytes are still queued).
            if s.waiting[other] && s.queued[other].is_empty() {
                s.deadlock = true;
                self.shared.wake.notify_all();
                return Err(PipeStop::Deadlock);
            }
            s.waiting[me] = true;
            s = self.shared.wake.wait(s).unwrap_or_else(|e| e.into_inner());
            s.waiting[me] = false;
        }
    }

    /// Sends `message` to the other side. Bytes for an interactor that has ended stop the
    /// candidate; bytes for a candidate that has ended are dropped.
    pub fn write(&self, message: Vec<u8>) -> Result<(), PipeStop> {
        let other = self.side.other() as usize;
        let mut s = self.lock();
        if s.ended[other] {
            return match self.side {
                Side::Candidate => Err(PipeStop::PeerEnded),
                Side::Interactor => Ok(()),
            };
        }
        // An empty message would read as the end of input.
        if message.is_empty() {
            return Ok(());
        }
        s.queued[other].push_back(message);
        self.shared.wake.notify_all();
        Ok(())
    }

    /// Marks this side's run as ended: the other side reads the end of input.
    pub fn end(&self) {
        let mut s = self.lock();
        s.ended[self.side as usize] = true;
        s.first_ended.get_or_insert(self.side);
        self.shared.wake.notify_all();
    }

    /// Whether the two sides deadlocked.
    pub fn deadlocked(&self) -> bool {
        self.lock().deadlock
    }

    /// The side whose run ended first.
    pub fn first_ended(&self) -> Option<Side> {
        self.lock().first_ended
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_cross_and_the_end_reads_as_end_of_input() {
        let (c, i) = pipes();
        c.write(b"guess 5\n".to_vec()).unwrap();
        assert_eq!(i.read(3).unwrap(), b"gue");
        assert_eq!(i.read(100).unwrap(), b"ss 5\n");
        c.end();
        assert_eq!(i.read(100).unwrap(), b"");
        assert_eq!(c.first_ended(), Some(Side::Candidate));
        // Writing to a candidate that has ended is not the interactor's error.
        assert!(i.write(b"late".to_vec()).is_ok());
    }

    #[test]
    fn a_read_returns_one_write_at_most() {
        let (c, i) = pipes();
        i.write(b"10\n".to_vec()).unwrap();
        i.write(b"".to_vec()).unwrap();
        i.write(b"go\n".to_vec()).unwrap();
        assert_eq!(c.read(100).unwrap(), b"10\n");
        assert_eq!(c.read(100).unwrap(), b"go\n");
    }

    #[test]
    fn a_candidate_reading_after_the_interactor_ended_is_stopped() {
        let (c, i) = pipes();
        i.write(b"bye\n".to_vec()).unwrap();
        i.end();
        assert_eq!(c.read(100).unwrap(), b"bye\n");
        assert!(matches!(c.read(100), Err(PipeStop::PeerEnded)));
        assert!(matches!(c.write(b"x".to_vec()), Err(PipeStop::PeerEnded)));
    }

    #[test]
    fn both_sides_waiting_is_a_deadlock_for_both() {
        let (c, i) = pipes();
        let waiter = std::thread::spawn(move || i.read(10));
        // The interactor may or may not be waiting yet; either way one of the two reads finds
        // the other waiting, and both end with the deadlock.
        let mine = c.read(10);
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
            s.waiting[Side::Candidate as usize] = true;
            s.queued[Side::Candidate as usize].push_back(b"5\n".to_vec());
        }
        let interactor = std::thread::spawn(move || i.read(10));
        std::thread::sleep(std::time::Duration::from_millis(20));
        c.lock().waiting[Side::Candidate as usize] = false;
        assert_eq!(c.read(10).unwrap(), b"5\n");
        c.write(b"7\n".to_vec()).unwrap();
        assert_eq!(interactor.join().unwrap().unwrap(), b"7\n");
    }

    #[test]
    fn a_waiting_reader_wakes_when_data_arrives() {
        let (c, i) = pipes();
        let reader = std::thread::spawn(move || i.read(10));
        std::thread::sleep(std::time::Duration::from_millis(20));
        c.write(b"42".to_vec()).unwrap();
        assert_eq!(reader.join().unwrap().unwrap(), b"42");
        assert!(!c.deadlocked());
    }
}
