//! The rule set: every rule file, holiday calendar and reference table, loaded and validated together so a
//! broken reference (an unknown calendar, a rule pointing at a missing rule) is caught at load time, naming the
//! file and rule, not when an incident is being handled.

mod categories;
mod embedded;
mod expand;
mod schema;
mod validate;

pub use categories::Categories;
pub use schema::{
    Applies, Backstop, CategoriesCondition, ClockStart, Condition, Confidence, CountCondition,
    CountScope, Flag, FlagCondition, Op, Period, RecipientKind, Relief, RiskBelowCondition,
    RiskCondition, Rule, Unit,
};

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use crate::calendar::Calendar;
use crate::{Error, Input, Options, Output};

/// Source texts of a rule set, named by file (names appear in validation errors).
#[derive(Debug, Clone, Default)]
pub struct Sources<'a> {
    /// Rule files: (file name, TOML text).
    pub rules: Vec<(&'a str, &'a str)>,
    /// Holiday calendars: (file name, TOML text).
    pub calendars: Vec<(&'a str, &'a str)>,
    /// The EU/EEA member-state table used by `for_each` rules.
    pub member_states: (&'a str, &'a str),
    /// Data-category groups.
    pub categories: (&'a str, &'a str),
}

/// Validated rules with their calendars.
#[derive(Debug, Clone)]
pub struct RuleSet {
    rules: Vec<Rule>,
    index: HashMap<String, usize>,
    calendars: BTreeMap<String, Calendar>,
    categories: Categories,
}

impl RuleSet {
    /// The rule set compiled into the crate (breach/rules, breach/calendars, breach/data), loaded once.
    pub fn embedded() -> Result<&'static RuleSet, Error> {
        static EMBEDDED: OnceLock<Result<RuleSet, Error>> = OnceLock::new();
        EMBEDDED
            .get_or_init(|| RuleSet::load(&embedded::sources()))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Loads and validates a rule set from source texts.
    pub fn load(sources: &Sources<'_>) -> Result<RuleSet, Error> {
        let mut calendars = BTreeMap::new();
        for (file, text) in &sources.calendars {
            let cal = Calendar::parse(file, text)?;
            if calendars.contains_key(&cal.id) {
                return Err(Error::Data {
                    file: file.to_string(),
                    message: format!("calendar id {} is defined twice", cal.id),
                });
            }
            calendars.insert(cal.id.clone(), cal);
        }
        let categories = Categories::parse(sources.categories.0, sources.categories.1)?;
        let members =
            expand::MemberStates::parse(sources.member_states.0, sources.member_states.1)?;
        let mut rules = Vec::new();
        for (file, text) in &sources.rules {
            rules.extend(expand::rule_file(file, text, &members)?);
        }
        let mut index = HashMap::new();
        for (i, rule) in rules.iter().enumerate() {
            if index.insert(rule.id.clone(), i).is_some() {
                return Err(Error::rule(&rule.file, Some(&rule.id), "duplicate rule id"));
            }
        }
        let set = RuleSet {
            rules,
            index,
            calendars,
            categories,
        };
        validate::all(&set)?;
        Ok(set)
    }

    /// Every rule, in file order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// One rule by id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.index.get(id).map(|&i| &self.rules[i])
    }

    /// The holiday calendars by id.
    pub fn calendars(&self) -> &BTreeMap<String, Calendar> {
        &self.calendars
    }

    /// The data-category groups.
    pub fn categories(&self) -> &Categories {
        &self.categories
    }

    /// Computes the obligations of an incident under this rule set.
    pub fn compute(&self, input: &Input, options: &Options) -> Result<Output, Error> {
        crate::eval::compute(self, input, options)
    }
}
