//! Request bodies as sent: media type, content encoding, and the two size limits (as sent, and
//! after decompression, so a small gzip bomb cannot expand without bound).

use std::io::Read;

/// How the items of a body are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFormat {
    /// `application/json`: one object or an array of objects.
    Json,
    /// `application/x-ndjson`: one object per line.
    Ndjson,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum BodyError {
    #[error("unsupported content type `{0}`: use application/json or application/x-ndjson")]
    MediaType(String),
    #[error("missing Content-Type: use application/json or application/x-ndjson")]
    NoMediaType,
    #[error("unsupported content encoding `{0}`: use gzip, zstd or none")]
    Encoding(String),
    #[error("decompressed body exceeds the limit of {0} bytes")]
    TooLargeDecompressed(usize),
    #[error("body is not valid {encoding} data: {message}")]
    Corrupt {
        encoding: &'static str,
        message: String,
    },
}

impl BodyFormat {
    /// Reads the media type, ignoring parameters such as `charset`.
    pub fn from_content_type(value: Option<&str>) -> Result<Self, BodyError> {
        let value = value.ok_or(BodyError::NoMediaType)?;
        let essence = value
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match essence.as_str() {
            "application/json" => Ok(BodyFormat::Json),
            "application/x-ndjson"
            | "application/ndjson"
            | "application/jsonl"
            | "application/x-jsonlines" => Ok(BodyFormat::Ndjson),
            _ => Err(BodyError::MediaType(essence)),
        }
    }
}

/// Undoes `Content-Encoding` (identity, gzip, zstd), never producing more than `limit` bytes.
pub fn decode_body(
    encoding: Option<&str>,
    raw: bytes::Bytes,
    limit: usize,
) -> Result<bytes::Bytes, BodyError> {
    let encoding = encoding.map(|e| e.trim().to_ascii_lowercase());
    match encoding.as_deref() {
        None | Some("") | Some("identity") => {
            if raw.len() > limit {
                return Err(BodyError::TooLargeDecompressed(limit));
            }
            Ok(raw)
        }
        Some("gzip") | Some("x-gzip") => {
            read_capped(flate2::read::MultiGzDecoder::new(&raw[..]), limit, "gzip")
        }
        Some("zstd") => {
            let decoder =
                zstd::stream::read::Decoder::new(&raw[..]).map_err(|e| BodyError::Corrupt {
                    encoding: "zstd",
                    message: e.to_string(),
                })?;
            read_capped(decoder, limit, "zstd")
        }
        Some(other) => Err(BodyError::Encoding(other.to_string())),
    }
}

fn read_capped(
    reader: impl Read,
    limit: usize,
    encoding: &'static str,
) -> Result<bytes::Bytes, BodyError> {
    let mut out = Vec::new();
    // One byte past the limit tells "exactly at the limit" from "over it".
    reader
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| BodyError::Corrupt {
            encoding,
            message: e.to_string(),
        })?;
    if out.len() > limit {
        return Err(BodyError::TooLargeDecompressed(limit));
    }
    Ok(out.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(data: &[u8]) -> bytes::Bytes {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(data).unwrap();
        enc.finish().unwrap().into()
    }

    #[test]
    fn media_types_accept_parameters_and_reject_others_by_name() {
        assert_eq!(
            BodyFormat::from_content_type(Some("application/json; charset=utf-8")),
            Ok(BodyFormat::Json)
        );
        assert_eq!(
            BodyFormat::from_content_type(Some("application/x-ndjson")),
            Ok(BodyFormat::Ndjson)
        );
        assert_eq!(
            BodyFormat::from_content_type(Some("text/plain")),
            Err(BodyError::MediaType("text/plain".into()))
        );
    }

    #[test]
    fn gzip_and_zstd_bodies_round_trip() {
        let data = b"{\"a\":1}\n".repeat(100);
        assert_eq!(
            &decode_body(Some("gzip"), gzip(&data), 1 << 20).unwrap()[..],
            &data[..]
        );
        let z = zstd::encode_all(&data[..], 1).unwrap();
        assert_eq!(
            &decode_body(Some("zstd"), z.into(), 1 << 20).unwrap()[..],
            &data[..]
        );
    }

    #[test]
    fn a_gzip_bomb_stops_at_the_decompressed_limit() {
        let bomb = gzip(&vec![0u8; 50 << 20]);
        assert!(bomb.len() < 100 << 10);
        assert_eq!(
            decode_body(Some("gzip"), bomb, 1 << 20),
            Err(BodyError::TooLargeDecompressed(1 << 20))
        );
    }

    #[test]
    fn unknown_encodings_and_corrupt_data_are_named() {
        assert_eq!(
            decode_body(Some("br"), bytes::Bytes::from_static(b"x"), 10),
            Err(BodyError::Encoding("br".into()))
        );
        assert!(matches!(
            decode_body(Some("gzip"), bytes::Bytes::from_static(b"not gzip"), 10),
            Err(BodyError::Corrupt {
                encoding: "gzip",
                ..
            })
        ));
    }
}
