//! The overview of a roster, made in a first pass so that a report can open with it:
//! the per-rule summary, the roster-level findings, the money by payer, and the same per
//! group of communities (`--group-by 所属街道`, any column or field).

use super::{Finished, Run, Summary};
use crate::eval::{Options, Plan};
use crate::field::{self, FieldId};
use crate::input::Row;
use crate::roster::RosterAcc;

/// The most groups a roster is split into (a column with more distinct values is not a
/// grouping: it is an identifier).
pub const MAX_GROUPS: usize = 10_000;

/// What to group communities by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GroupBy {
    /// A field (`区县`, `county`).
    Field(FieldId),
    /// A column that is not a field (`所属街道`), by its header as written.
    Column(String),
}

impl GroupBy {
    /// Reads what the user wrote: a field's header or id, else a column's header.
    pub fn parse(name: &str) -> GroupBy {
        match field::lookup(name) {
            Some(f) => GroupBy::Field(f),
            None => GroupBy::Column(name.trim().to_string()),
        }
    }

    /// The name to print.
    pub fn label(&self) -> String {
        match self {
            GroupBy::Field(f) => f.def().zh.to_string(),
            GroupBy::Column(c) => c.clone(),
        }
    }

    /// The group a row falls in (`None` when it has no value there).
    pub fn key(&self, row: &Row) -> Option<String> {
        match self {
            GroupBy::Field(f) => row.record.get(*f).map(|v| v.to_text(*f)),
            GroupBy::Column(c) => row
                .extra
                .iter()
                .find(|(k, _)| &**k == c.as_str())
                .map(|(_, v)| v.trim().to_string())
                .filter(|v| !v.is_empty()),
        }
    }

    /// Whether the roster has this column (checked once its header is known).
    pub fn found_in(&self, columns: &[crate::input::Column]) -> bool {
        match self {
            GroupBy::Field(f) => columns.iter().any(|c| c.field == Some(*f)),
            GroupBy::Column(name) => columns.iter().any(|c| &*c.name == name.as_str()),
        }
    }
}

/// One group's summary and roster-level results.
#[derive(Clone, Debug)]
pub struct Group {
    /// The group's value (`None`: rows with nothing in the column).
    pub key: Option<String>,
    pub summary: Summary,
    pub acc: RosterAcc,
}

/// Communities grouped by a column.
#[derive(Clone, Debug)]
pub struct Groups {
    pub by: GroupBy,
    /// In order of first appearance.
    pub groups: Vec<Group>,
}

/// What a first pass found by evaluating every row.
#[derive(Clone, Debug)]
pub struct Overview {
    /// Over the whole roster.
    pub done: Finished,
    pub groups: Option<Groups>,
}

/// Groups being filled: what they are by, each group, and each key's position.
type Filling = (
    GroupBy,
    Vec<Group>,
    std::collections::HashMap<Option<String>, usize>,
);

/// Makes an overview row by row.
pub struct Overviewer<'p> {
    run: Run<'p>,
    groups: Option<Filling>,
    too_many: bool,
}

impl<'p> Overviewer<'p> {
    /// Starts an overview of a plan's evaluation.
    pub fn new(plan: &'p Plan, opts: &Options, by: Option<GroupBy>) -> Overviewer<'p> {
        Overviewer {
            run: Run::new(plan, opts),
            groups: by.map(|b| (b, Vec::new(), std::collections::HashMap::new())),
            too_many: false,
        }
    }

    /// Takes in one row.
    pub fn add(&mut self, row: &Row) {
        let plan = self.run.plan();
        let opts = self.run.options().clone();
        let (res, _) = self.run.row(row);
        let Some((by, groups, index)) = &mut self.groups else {
            return;
        };
        let key = by.key(row);
        let i = match index.get(&key) {
            Some(i) => *i,
            None => {
                if groups.len() >= MAX_GROUPS {
                    self.too_many = true;
                    return;
                }
                groups.push(Group {
                    key: key.clone(),
                    summary: Summary::new(plan),
                    acc: RosterAcc::new(plan, &opts),
                });
                index.insert(key, groups.len() - 1);
                groups.len() - 1
            }
        };
        if let Some(g) = groups.get_mut(i) {
            g.summary
                .add(plan, &row.record, !row.errors.is_empty(), res);
            g.acc.add(plan, &opts, &row.record, res);
        }
    }

    /// Ends the overview; `Err` with the group count when the column has more than
    /// [`MAX_GROUPS`] distinct values.
    pub fn finish(self) -> Result<Overview, usize> {
        if self.too_many {
            return Err(MAX_GROUPS);
        }
        Ok(Overview {
            done: self.run.finish(),
            groups: self.groups.map(|(by, groups, _)| Groups { by, groups }),
        })
    }
}
