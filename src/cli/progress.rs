//! A one-line progress display on stderr for long CLI work (only when stderr is a terminal, so
//! logs and CI output stay clean), plus the closing summary line either way.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

pub struct Progress {
    what: &'static str,
    started: Instant,
    last_draw: Instant,
    live: bool,
}

impl Progress {
    pub fn new(what: &'static str) -> Self {
        let now = Instant::now();
        Self {
            what,
            started: now,
            last_draw: now,
            live: std::io::stderr().is_terminal(),
        }
    }

    /// Shows `done` items (with rate), at most ten times a second.
    pub fn update(&mut self, done: usize, detail: &str) {
        if !self.live || self.last_draw.elapsed() < Duration::from_millis(100) {
            return;
        }
        self.last_draw = Instant::now();
        let rate = done as f64 / self.started.elapsed().as_secs_f64().max(1e-9);
        let mut err = std::io::stderr();
        let _ = write!(
            err,
            "\r{}: {done} events ({rate:.0}/s){detail}\x1b[K",
            self.what
        );
        let _ = err.flush();
    }

    /// Clears the line and prints the summary.
    pub fn finish(&self, done: usize, detail: &str) {
        let secs = self.started.elapsed().as_secs_f64();
        if self.live {
            eprint!("\r\x1b[K");
        }
        eprintln!(
            "{}: {done} events in {secs:.2} s ({:.0}/s){detail}",
            self.what,
            done as f64 / secs.max(1e-9)
        );
    }
}
