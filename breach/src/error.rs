//! Errors of the rules engine. Every variant names what is wrong and where: the input field, the rule file and
//! rule, or the calendar and year, because the people reading them are incident managers under a deadline.

use thiserror::Error;

/// What can go wrong while loading rules or computing obligations.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Error {
    /// The input is malformed; `field` is a path such as `facts.aware_at` or `affected[1].subjects`.
    #[error("{field}: {message}")]
    Input { field: String, message: String },

    /// An embedded (or supplied) rule file does not load or validate.
    #[error("rule file {file}{}: {message}", rule.as_ref().map(|r| format!(", rule {r}")).unwrap_or_default())]
    Rule {
        file: String,
        rule: Option<String>,
        message: String,
    },

    /// A holiday calendar or reference-data file does not load or validate.
    #[error("data file {file}: {message}")]
    Data { file: String, message: String },

    /// A business-day deadline needs a year the named calendar does not hold. Guessing the holidays would
    /// silently produce a wrong legal deadline, so this is an error.
    #[error("calendar {calendar} has no holiday data for {year} (needed by rule {rule}); add the year to breach/calendars")]
    MissingCalendarYear {
        calendar: String,
        year: i32,
        rule: String,
    },

    /// A deadline could not be represented (date arithmetic out of range).
    #[error("rule {rule}: {message}")]
    Deadline { rule: String, message: String },
}

impl Error {
    pub(crate) fn input(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Input {
            field: field.into(),
            message: message.into(),
        }
    }

    pub(crate) fn rule(file: &str, rule: Option<&str>, message: impl Into<String>) -> Self {
        Error::Rule {
            file: file.to_string(),
            rule: rule.map(str::to_string),
            message: message.into(),
        }
    }
}
