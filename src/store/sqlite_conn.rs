//! A rusqlite connection owned by one dedicated thread, for the SQLite store's hot paths.
//!
//! sqlx runs every statement on its worker thread and moves each bound value and each column across
//! it; for appending and re-reading events by the tens of thousands that overhead was the
//! bottleneck. A [`ConnThread`] instead runs a whole job (a group commit, a page of events) as one
//! closure against a plain connection with cached prepared statements, and answers through a
//! oneshot channel. The thread ends when its handle is dropped.

use super::sqlite::{BUSY_TIMEOUT, PRAGMAS};
use super::{StoreError, StoreResult};
use rusqlite::Connection;
use std::path::Path;
use std::sync::mpsc;
use tokio::sync::oneshot;

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

pub(super) struct ConnThread {
    jobs: mpsc::Sender<Job>,
}

impl ConnThread {
    /// Opens a connection to the (already created) database file with the store's pragmas and
    /// starts its thread.
    pub fn open(path: &Path, name: &str) -> StoreResult<Self> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        for &(name, value) in PRAGMAS {
            // As sqlx writes them: the values are keywords and numbers, not strings.
            conn.execute_batch(&format!("PRAGMA {name} = {value}"))?;
        }
        let (jobs, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name(name.into())
            .spawn(move || serve(conn, rx))
            .map_err(|source| StoreError::Thread { source })?;
        Ok(Self { jobs })
    }

    /// Runs `job` on the connection's thread. Whatever `job` owns is dropped before the answer is
    /// sent, so a caller sharing an `Arc` with it holds the only reference again on return.
    pub async fn run<R: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Connection) -> StoreResult<R> + Send + 'static,
    ) -> StoreResult<R> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Box::new(move |conn: &mut Connection| {
                let result = job(conn);
                let _ = reply.send(result);
            }))
            .map_err(|_| StoreError::ConnThreadStopped)?;
        answer.await.map_err(|_| StoreError::ConnThreadStopped)?
    }
}

fn serve(mut conn: Connection, jobs: mpsc::Receiver<Job>) {
    while let Ok(job) = jobs.recv() {
        job(&mut conn);
    }
}
