//! Reading an NDJSON events file (or stdin) with the same validation as `POST /v1/events`: bad
//! lines are reported with their line number and field, and skipped.

use std::io::Read;
use std::path::Path;

use crate::ingest::{split_items, validate_item, BodyFormat, ItemError, Limits};
use crate::store::NewEvent;

/// The valid events of `path` (`-` for stdin) and the errors of the others.
pub fn read_events(path: &Path) -> anyhow::Result<(Vec<NewEvent>, Vec<ItemError>)> {
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin().lock().read_to_end(&mut bytes)?;
    } else {
        bytes = std::fs::read(path)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    }
    let items = match split_items(BodyFormat::Ndjson, &bytes) {
        Ok(items) => items,
        Err(_) => return Ok((Vec::new(), Vec::new())),
    };
    // Historical files: no future-time bound.
    let limits = Limits {
        latest_ms: i64::MAX,
    };
    let mut events = Vec::with_capacity(items.len());
    let mut errors = Vec::new();
    for item in &items {
        match validate_item(item, &limits) {
            Ok(e) => events.push(e),
            Err(e) => errors.push(e),
        }
    }
    Ok((events, errors))
}

/// Prints the first errors on stderr, naming line and field, and a count of the rest.
pub fn report_errors(path: &Path, errors: &[ItemError]) {
    for e in errors.iter().take(20) {
        eprintln!(
            "{}:{}: {}: {}",
            path.display(),
            e.line.unwrap_or(e.index + 1),
            e.field.as_deref().unwrap_or("(line)"),
            e.message
        );
    }
    if errors.len() > 20 {
        eprintln!("... and {} more invalid lines", errors.len() - 20);
    }
}
