//! Reading a rule file, including `for_each` rules: GDPR, NIS2 and DORA say the same thing in every Member
//! State with a different authority, zone and holiday calendar, so one reviewed rule is expanded over the
//! member-state table (breach/data/eu-member-states.toml) instead of being copied thirty times.

use serde::Deserialize;
use toml::{Table, Value};

use super::schema::Rule;
use crate::Error;

/// One row of the member-state table; its fields fill `{placeholders}` in `for_each` rules.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct MemberState {
    code: String,
    name: String,
    eu: bool,
    eea: bool,
    zone: String,
    dpa: String,
    dpa_url: String,
    csirt: String,
    #[serde(default)]
    calendar: Option<String>,
}

/// The member-state table.
#[derive(Debug, Clone)]
pub(super) struct MemberStates(Vec<MemberState>);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MemberFile {
    state: Vec<MemberState>,
}

impl MemberStates {
    pub(super) fn parse(file: &str, text: &str) -> Result<Self, Error> {
        let parsed: MemberFile = toml::from_str(text).map_err(|e| Error::Data {
            file: file.to_string(),
            message: e.to_string(),
        })?;
        Ok(MemberStates(parsed.state))
    }

    fn set(&self, name: &str) -> Option<Vec<&MemberState>> {
        let pick: fn(&MemberState) -> bool = match name {
            "eu" => |m| m.eu,
            "eea" => |m| m.eea,
            _ => return None,
        };
        Some(self.0.iter().filter(|m| pick(m)).collect())
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    // Family and title are for reviewers and the coverage list; sources document the research.
    family: String,
    title: String,
    #[serde(default)]
    sources: Vec<String>,
    rule: Vec<Table>,
}

/// Parses one rule file into concrete rules.
pub(super) fn rule_file(
    file: &str,
    text: &str,
    members: &MemberStates,
) -> Result<Vec<Rule>, Error> {
    let parsed: RuleFile =
        toml::from_str(text).map_err(|e| Error::rule(file, None, e.to_string()))?;
    if parsed.family.trim().is_empty()
        || parsed.title.trim().is_empty()
        || parsed.sources.is_empty()
    {
        return Err(Error::rule(
            file,
            None,
            "family, title and sources are required",
        ));
    }
    let mut out = Vec::new();
    for mut table in parsed.rule {
        let id = table
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or("(no id)")
            .to_string();
        let tables = match table.remove("for_each") {
            None => vec![table],
            Some(Value::String(set)) => {
                let states = members.set(&set).ok_or_else(|| {
                    Error::rule(
                        file,
                        Some(&id),
                        format!("for_each {set:?}: expected \"eu\" or \"eea\""),
                    )
                })?;
                states.iter().map(|m| substitute(&table, m)).collect()
            }
            Some(_) => return Err(Error::rule(file, Some(&id), "for_each must be a string")),
        };
        for t in tables {
            let rule_id = t
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or(&id)
                .to_string();
            let mut rule: Rule = Value::Table(t)
                .try_into()
                .map_err(|e: toml::de::Error| Error::rule(file, Some(&rule_id), e.to_string()))?;
            rule.file = file.to_string();
            out.push(rule);
        }
    }
    Ok(out)
}

/// Fills `{code}`, `{code_lower}`, `{name}`, `{zone}`, `{dpa}`, `{dpa_url}`, `{csirt}` and `{calendar}` in every
/// string, nested tables and arrays included; a table field that becomes empty (a member without a calendar) is
/// dropped.
fn substitute(table: &Table, m: &MemberState) -> Table {
    table
        .iter()
        .filter_map(|(k, v)| {
            let v = fill(v, m);
            (v.as_str() != Some("")).then(|| (k.clone(), v))
        })
        .collect()
}

fn fill(value: &Value, m: &MemberState) -> Value {
    match value {
        Value::String(s) => Value::String(
            s.replace("{code}", &m.code)
                .replace("{code_lower}", &m.code.to_ascii_lowercase())
                .replace("{name}", &m.name)
                .replace("{zone}", &m.zone)
                .replace("{dpa}", &m.dpa)
                .replace("{dpa_url}", &m.dpa_url)
                .replace("{csirt}", &m.csirt)
                .replace("{calendar}", m.calendar.as_deref().unwrap_or("")),
        ),
        Value::Table(t) => Value::Table(substitute(t, m)),
        Value::Array(items) => Value::Array(items.iter().map(|v| fill(v, m)).collect()),
        other => other.clone(),
    }
}
