//! Event ingest: from a request body to durably stored events.
//!
//! `body` undoes transport encodings within limits, `split` cuts the body into items, `validate`
//! turns each item into a [`NewEvent`](crate::store::NewEvent) or an error naming the field, and
//! `writer` commits the events of many concurrent requests in one transaction (group commit).

mod body;
mod encode;
mod metrics;
mod ocsf;
mod recent_ids;
mod split;
mod validate;
mod wire;
mod writer;

use serde::Serialize;

pub use body::{decode_body, BodyError, BodyFormat};
pub use encode::{encode_event, WireOut};
pub use metrics::IngestMetrics;
pub use ocsf::validate_ocsf_item;
pub use split::{split_items, Item, SplitError};
pub use validate::{hash_event_id, validate_item, Limits};
pub use writer::{spawn_writer, Committed, WriteError, WriterHandle, WriterSettings};

/// Why one event of a batch was rejected: its position, its id if readable, the field and why.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ItemError {
    /// 0-based position in the batch.
    pub index: usize,
    /// 1-based line of the body, for NDJSON.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    /// The offending field; `null` when the item is not readable JSON at all.
    pub field: Option<String>,
    pub message: String,
}

/// The `202` body of `POST /v1/events`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct IngestReport {
    pub accepted: usize,
    pub duplicates: usize,
    pub rejected: usize,
    pub errors: Vec<ItemError>,
}
