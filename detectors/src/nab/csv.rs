//! NAB's CSV files as text: data in (`timestamp,value`), results out (`timestamp,value,anomaly_score`).
//!
//! The format is simple and fixed (no quoting, one header), so a few lines of splitting beat a CSV
//! dependency; errors name the line so a broken file is easy to fix.

use std::fmt::Write;

use super::timestamp::{format_timestamp, parse_timestamp};
use super::NabError;

/// Parses a NAB data file: a header naming `timestamp` and `value` (in any position, other columns
/// ignored), then one row per line. Blank lines are skipped.
pub fn parse_series(text: &str) -> Result<Vec<(i64, f64)>, NabError> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let (_, header) = lines.next().ok_or(NabError::Csv {
        line: 1,
        message: "empty file".into(),
    })?;
    let columns: Vec<&str> = header.split(',').map(str::trim).collect();
    let column = |name: &str| {
        columns
            .iter()
            .position(|c| *c == name)
            .ok_or_else(|| NabError::Csv {
                line: 1,
                message: format!("header {header:?} has no `{name}` column"),
            })
    };
    let (ts_col, value_col) = (column("timestamp")?, column("value")?);
    let mut points = Vec::new();
    for (i, line) in lines {
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        let error = |message: String| NabError::Csv {
            line: i + 1,
            message,
        };
        let (Some(ts), Some(value)) = (fields.get(ts_col), fields.get(value_col)) else {
            return Err(error(format!(
                "expected {} fields, found {}",
                columns.len(),
                fields.len()
            )));
        };
        let t = parse_timestamp(ts).map_err(|e| error(e.to_string()))?;
        let v = value
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| error(format!("bad value {value:?}")))?;
        points.push((t, v));
    }
    Ok(points)
}

/// Writes a NAB results file; rows pair `points` with `scores` (the shorter one ends the file).
pub fn format_results(points: &[(i64, f64)], scores: &[f64]) -> String {
    let mut out = String::with_capacity(points.len() * 48 + 32);
    out.push_str("timestamp,value,anomaly_score\n");
    for ((t, v), s) in points.iter().zip(scores) {
        let _ = writeln!(out, "{},{v},{s}", format_timestamp(*t));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nab_data_file_round_trips_into_a_results_file() {
        let text = "timestamp,value\n2015-02-26 21:42:53,35\n2015-02-26 21:47:53,0.125\r\n\n";
        let points = parse_series(text).expect("valid file");
        assert_eq!(points.len(), 2);
        assert_eq!(points[1].1, 0.125);
        let out = format_results(&points, &[0.0, 0.75]);
        assert_eq!(out, "timestamp,value,anomaly_score\n2015-02-26 21:42:53,35,0\n2015-02-26 21:47:53,0.125,0.75\n");
        let again: Vec<(i64, f64)> = parse_series(&out).expect("results parse as data");
        assert_eq!(again, points);
    }

    #[test]
    fn broken_rows_are_reported_with_their_line() {
        let missing =
            parse_series("timestamp,value\n2015-02-26 21:42:53,35\n2015-02-26 21:47:53\n");
        assert!(
            matches!(missing, Err(NabError::Csv { line: 3, .. })),
            "{missing:?}"
        );
        let bad_value = parse_series("timestamp,value\n2015-02-26 21:42:53,NaN\n");
        assert!(matches!(bad_value, Err(NabError::Csv { line: 2, .. })));
        assert!(matches!(
            parse_series("time,v\n"),
            Err(NabError::Csv { line: 1, .. })
        ));
        assert!(parse_series("").is_err());
    }
}
