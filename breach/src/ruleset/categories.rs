//! Data-category groups (breach/data/categories.toml). Incident reports name categories loosely (`pii`,
//! `health`, `ssn`); laws care about classes (special categories, financial data, credentials). The groups map
//! one onto the other as reviewed data instead of string matching buried in code.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use crate::Error;

/// Named groups of category names. `personal` (anything not in `non_personal`) and `any` are built in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Categories {
    groups: BTreeMap<String, BTreeSet<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    groups: BTreeMap<String, Vec<String>>,
}

impl Categories {
    pub(crate) fn parse(file: &str, text: &str) -> Result<Self, Error> {
        let err = |message: String| Error::Data {
            file: file.to_string(),
            message,
        };
        let parsed: File = toml::from_str(text).map_err(|e| err(e.to_string()))?;
        if !parsed.groups.contains_key("non_personal") {
            return Err(err("group non_personal is required".into()));
        }
        for builtin in ["personal", "any"] {
            if parsed.groups.contains_key(builtin) {
                return Err(err(format!(
                    "group {builtin} is built in and cannot be redefined"
                )));
            }
        }
        let groups = parsed
            .groups
            .into_iter()
            .map(|(k, v)| (k, v.into_iter().map(|c| c.to_ascii_lowercase()).collect()))
            .collect();
        Ok(Categories { groups })
    }

    /// Whether `name` is a group (or built-in group).
    pub fn is_group(&self, name: &str) -> bool {
        matches!(name, "personal" | "any") || self.groups.contains_key(name)
    }

    /// Whether `category` (as reported) belongs to `group_or_category`, which may also be a plain category.
    pub fn contains(&self, group_or_category: &str, category: &str) -> bool {
        let category = category.to_ascii_lowercase();
        match group_or_category {
            "any" => true,
            "personal" => !self
                .groups
                .get("non_personal")
                .is_some_and(|g| g.contains(&category)),
            name => match self.groups.get(name) {
                Some(group) => group.contains(&category),
                None => name == category,
            },
        }
    }

    /// Whether data reported as `categories` involves `group`. An empty list means "not yet known" and is
    /// treated as personal data of every kind, the conservative reading.
    pub fn involves(&self, group: &str, categories: &[String]) -> bool {
        categories.is_empty() || categories.iter().any(|c| self.contains(group, c))
    }
}
