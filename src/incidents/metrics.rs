//! Gauges of open obligations in the Prometheus text format, computed from the store at scrape time (a
//! handful of rows; no state to keep in step). `http::metrics` mounts it on `/metrics`.

use crate::store::{Store, StoreResult};

/// `accesswatch_obligations_due` (open, deadline or internal target not passed) and
/// `accesswatch_obligations_overdue` (open, passed) at `now_ms`.
pub async fn prometheus_text(store: &dyn Store, now_ms: i64) -> StoreResult<String> {
    let open = store.open_obligations().await?;
    let overdue = open
        .iter()
        .filter(|o| o.due_ms.is_some_and(|d| d <= now_ms))
        .count();
    let due = open.len() - overdue;
    Ok(format!(
        "# HELP accesswatch_obligations_due Open breach notifications whose deadline has not passed.\n\
         # TYPE accesswatch_obligations_due gauge\n\
         accesswatch_obligations_due {due}\n\
         # HELP accesswatch_obligations_overdue Open breach notifications past their deadline.\n\
         # TYPE accesswatch_obligations_overdue gauge\n\
         accesswatch_obligations_overdue {overdue}\n"
    ))
}
