//! Checking the audit log's hash chain. Each row stores the previous row's hash and its own hash over
//! (previous hash, canonical row); editing, deleting or reordering any row breaks the chain at that row or the
//! next one. Appending a forged tail or truncating it needs the head hash to detect: `verify` reports the head
//! so operators can record it elsewhere (a ticket, a signed log) and compare later.

use serde::Serialize;

use crate::store::{AuditRecord, Store, StoreResult, GENESIS_HASH};

/// Rows read per query while verifying.
const PAGE: i64 = 1_000;

/// The outcome of a verification.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChainReport {
    /// Rows checked.
    pub rows: u64,
    /// Hash of the last row (empty for an empty log).
    pub head: String,
    /// The first bad row, if any.
    pub broken: Option<BrokenRow>,
}

/// Where and how the chain breaks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BrokenRow {
    /// The row's id (`audit_log.id`).
    pub seq: i64,
    pub problem: String,
}

/// Walks the whole chain in order and stops at the first bad row.
pub async fn verify(store: &dyn Store) -> StoreResult<ChainReport> {
    let mut report = ChainReport {
        rows: 0,
        head: GENESIS_HASH.to_string(),
        broken: None,
    };
    let mut after = 0;
    loop {
        let page = store.audit_entries(None, after, PAGE).await?;
        let Some(last) = page.last() else {
            return Ok(report);
        };
        after = last.seq;
        for row in &page {
            if let Some(problem) = check(&report.head, row) {
                report.broken = Some(BrokenRow {
                    seq: row.seq,
                    problem,
                });
                return Ok(report);
            }
            report.rows += 1;
            report.head = row.hash.clone();
        }
    }
}

/// Why `row` does not follow a row whose hash is `prev`, if it does not.
fn check(prev: &str, row: &AuditRecord) -> Option<String> {
    if row.prev_hash != prev {
        return Some(
            "prev_hash does not match the previous row's hash (a row before it was changed, removed or inserted)"
                .to_string(),
        );
    }
    (row.hash != row.expected_hash())
        .then(|| "hash does not match the row's content (the row was changed)".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{audit_hash, NewAudit};

    fn row(seq: i64, prev: &str, actor: &str) -> AuditRecord {
        let entry = NewAudit {
            at_ms: seq,
            actor: actor.into(),
            action: "update".into(),
            ..NewAudit::default()
        };
        AuditRecord {
            seq,
            at_ms: seq,
            actor: actor.into(),
            incident_id: 1,
            action: "update".into(),
            field: None,
            old_value: None,
            new_value: None,
            reason: None,
            prev_hash: prev.into(),
            hash: audit_hash(prev, 1, &entry),
        }
    }

    #[test]
    fn a_changed_row_and_a_removed_row_are_both_detected() {
        let first = row(1, "", "ops");
        let second = row(2, &first.hash, "ops");
        assert_eq!(check("", &first), None);
        assert_eq!(check(&first.hash, &second), None);
        let forged = AuditRecord {
            actor: "mallory".into(),
            ..second.clone()
        };
        assert!(check(&first.hash, &forged).unwrap().contains("content"));
        assert!(check("", &second).unwrap().contains("prev_hash"));
    }
}
