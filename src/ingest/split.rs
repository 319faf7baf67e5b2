//! Cutting a body into event items without parsing the events yet, so one bad item is reported
//! on its own and the others still go in.

use super::BodyFormat;
use serde_json::value::RawValue;

/// One event's raw JSON and where it stood in the body.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Item<'a> {
    /// 0-based position among the body's events.
    pub index: usize,
    /// 1-based line, for NDJSON bodies.
    pub line: Option<usize>,
    pub raw: &'a [u8],
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SplitError {
    #[error("body is not valid JSON: {0}")]
    Json(String),
    #[error("body must be a JSON object or an array of objects")]
    NotAnEventOrArray,
    #[error("body holds no events")]
    Empty,
}

pub fn split_items(format: BodyFormat, body: &[u8]) -> Result<Vec<Item<'_>>, SplitError> {
    let items = match format {
        BodyFormat::Ndjson => ndjson(body),
        BodyFormat::Json => json(body)?,
    };
    if items.is_empty() {
        return Err(SplitError::Empty);
    }
    Ok(items)
}

fn ndjson(body: &[u8]) -> Vec<Item<'_>> {
    body.split(|&b| b == b'\n')
        .enumerate()
        .map(|(n, line)| (n + 1, line.strip_suffix(b"\r").unwrap_or(line)))
        .filter(|(_, line)| !line.iter().all(u8::is_ascii_whitespace))
        .enumerate()
        .map(|(index, (line, raw))| Item {
            index,
            line: Some(line),
            raw,
        })
        .collect()
}

fn json(body: &[u8]) -> Result<Vec<Item<'_>>, SplitError> {
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        None => Ok(Vec::new()),
        Some(b'{') => Ok(vec![Item {
            index: 0,
            line: None,
            raw: body,
        }]),
        Some(b'[') => {
            let raws: Vec<&RawValue> =
                serde_json::from_slice(body).map_err(|e| SplitError::Json(e.to_string()))?;
            Ok(raws
                .into_iter()
                .enumerate()
                .map(|(index, raw)| Item {
                    index,
                    line: None,
                    raw: raw.get().as_bytes(),
                })
                .collect())
        }
        Some(_) => Err(SplitError::NotAnEventOrArray),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ndjson_skips_blank_lines_but_reports_true_line_numbers() {
        let items = split_items(BodyFormat::Ndjson, b"{\"a\":1}\r\n\n  \n{bad\n").unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!((items[0].index, items[0].line), (0, Some(1)));
        assert_eq!(
            (items[1].index, items[1].line, items[1].raw),
            (1, Some(4), &b"{bad"[..])
        );
    }

    #[test]
    fn a_json_array_yields_each_element_and_an_object_yields_itself() {
        let items = split_items(BodyFormat::Json, b" [{\"a\":1}, {\"b\":2}]").unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[1].raw, b"{\"b\":2}");
        assert_eq!(
            split_items(BodyFormat::Json, b"{\"a\":1}").unwrap().len(),
            1
        );
    }

    #[test]
    fn empty_and_scalar_bodies_are_refused() {
        assert_eq!(split_items(BodyFormat::Json, b"  "), Err(SplitError::Empty));
        assert_eq!(split_items(BodyFormat::Json, b"[]"), Err(SplitError::Empty));
        assert_eq!(
            split_items(BodyFormat::Json, b"42"),
            Err(SplitError::NotAnEventOrArray)
        );
        assert!(matches!(
            split_items(BodyFormat::Json, b"[{]"),
            Err(SplitError::Json(_))
        ));
    }
}
