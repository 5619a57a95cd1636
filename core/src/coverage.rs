//! Coverage: which rules encode each clause of the inventory (`policies/clauses.md`), or
//! the recorded reason a clause is not checked. Every clause ID must be accounted for.

use serde::Serialize;

use crate::model::Policy;

/// How one clause is accounted for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Row {
    /// The clause ID, e.g. `B-14`.
    pub id: String,
    /// `policy/rule` of every rule that encodes it.
    pub rules: Vec<String>,
    /// `(policy, reason, note)` of every not-checkable entry for it.
    pub not_checkable: Vec<(String, String, String)>,
    /// Whether the inventory lists it (IDs only in policy data, such as the national
    /// layer's, are reported too).
    pub in_inventory: bool,
}

impl Row {
    /// Whether anything accounts for the clause.
    pub fn accounted(&self) -> bool {
        !self.rules.is_empty() || !self.not_checkable.is_empty()
    }
}

/// The clause IDs of an inventory in the `clauses.md` layout: table rows that start with
/// `| X-n |`.
pub fn clause_ids(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in markdown.lines() {
        let Some(rest) = line.trim().strip_prefix('|') else {
            continue;
        };
        let Some(cell) = rest.split('|').next() else {
            continue;
        };
        let id = cell.trim();
        let valid = id.split_once('-').is_some_and(|(a, b)| {
            !a.is_empty()
                && a.chars().all(|c| c.is_ascii_uppercase())
                && !b.is_empty()
                && b.chars().all(|c| c.is_ascii_digit())
        });
        if valid && !out.iter().any(|x| x == id) {
            out.push(id.to_string());
        }
    }
    out
}

/// The coverage of an inventory by policies, in inventory order, then IDs found only in
/// the policies.
pub fn coverage(policies: &[Policy], ids: &[String]) -> Vec<Row> {
    let mut rows: Vec<Row> = ids
        .iter()
        .map(|id| Row {
            id: id.clone(),
            rules: Vec::new(),
            not_checkable: Vec::new(),
            in_inventory: true,
        })
        .collect();
    let row_for = |rows: &mut Vec<Row>, id: &str| -> usize {
        match rows.iter().position(|r| r.id == id) {
            Some(i) => i,
            None => {
                rows.push(Row {
                    id: id.to_string(),
                    rules: Vec::new(),
                    not_checkable: Vec::new(),
                    in_inventory: false,
                });
                rows.len() - 1
            }
        }
    };
    for p in policies {
        for r in &p.rules {
            let i = row_for(&mut rows, &r.clause);
            if let Some(row) = rows.get_mut(i) {
                row.rules.push(format!("{}/{}", p.meta.id, r.id));
            }
        }
        for n in &p.not_checkable {
            let i = row_for(&mut rows, &n.clause);
            if let Some(row) = rows.get_mut(i) {
                row.not_checkable
                    .push((p.meta.id.0.clone(), n.reason.clone(), n.note.clone()));
            }
        }
    }
    rows
}

/// The coverage table as Markdown.
pub fn to_markdown(rows: &[Row]) -> String {
    let mut s = String::from("| clause | rules | not checked (reason) |\n|---|---|---|\n");
    for r in rows {
        let nc: Vec<String> = r
            .not_checkable
            .iter()
            .map(|(p, reason, _)| format!("{p}: {reason}"))
            .collect();
        let id = if r.in_inventory {
            r.id.clone()
        } else {
            format!("{} (not in the inventory)", r.id)
        };
        let rules = if r.rules.is_empty() {
            "—".to_string()
        } else {
            r.rules.join("<br>")
        };
        let nc = if nc.is_empty() {
            "—".to_string()
        } else {
            nc.join("<br>")
        };
        s.push_str(&format!("| {id} | {rules} | {nc} |\n"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_read_from_table_rows() {
        let md = "| ID | clause |\n|---|---|\n| H-1 | x |\n| B-14 | y |\ntext | Z-9 |\n| not-an-id | z |\n";
        assert_eq!(clause_ids(md), vec!["H-1".to_string(), "B-14".to_string()]);
    }
}
