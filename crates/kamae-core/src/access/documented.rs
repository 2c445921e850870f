//! The access model as `docs/access.md` states it, read from the document itself: the
//! tests of `authorize` (here, and the web's authorization matrix) compare the code with
//! what this reading of the document expects. It is written from the document's words and
//! shares nothing with `authorize` but the types.

use std::collections::HashMap;

use super::{Action, Actor, Decision, MatrixColumn, RecordKind, Resource, Role, Scope};
use crate::approval::DocumentKind;
use crate::artifact::ArtifactKind;

pub struct AccessDocument {
    /// "R", "R W", "R W A", "–" per role and column.
    pub matrix: HashMap<(Role, MatrixColumn), String>,
    pub approvers: HashMap<DocumentKind, Role>,
}

fn section(markdown: &str, name: &str) -> Result<Vec<Vec<String>>, String> {
    let start = format!("<!-- {name}:start -->");
    let end = format!("<!-- {name}:end -->");
    let body = markdown
        .split(&start)
        .nth(1)
        .and_then(|rest| rest.split(&end).next())
        .ok_or_else(|| format!("no {name} section"))?;
    Ok(body
        .lines()
        .filter(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().trim_matches('`').to_owned())
                .collect()
        })
        .collect())
}

pub const COLUMNS: [MatrixColumn; 5] = [
    MatrixColumn::Organisation,
    MatrixColumn::Artifacts,
    MatrixColumn::RecordHistory,
    MatrixColumn::SecurityEvents,
    MatrixColumn::GroupReference,
];

impl AccessDocument {
    pub fn parse(markdown: &str) -> Result<AccessDocument, String> {
        let mut matrix = HashMap::new();
        for row in section(markdown, "access-matrix")? {
            let role = Role::parse(&row[0]).map_err(|e| e.en)?;
            for (i, col) in COLUMNS.iter().enumerate() {
                let cell = row
                    .get(i + 1)
                    .ok_or_else(|| format!("short row for {}", row[0]))?;
                matrix.insert((role, *col), cell.clone());
            }
        }
        let mut approvers = HashMap::new();
        for row in section(markdown, "approval-table")? {
            let kind = match row[0].strip_prefix("artifact:") {
                Some(k) => DocumentKind::Artifact(ArtifactKind::parse(k).map_err(|e| e.en)?),
                None if row[0] == "exception_to_group_mandatory_item" => {
                    DocumentKind::ExceptionToGroupMandatoryItem
                }
                None if row[0] == "exception_to_company_mandatory_item" => {
                    DocumentKind::ExceptionToCompanyMandatoryItem
                }
                None if row[0] == "applicability_agreement" => DocumentKind::ApplicabilityAgreement,
                None => return Err(format!("unknown document kind {}", row[0])),
            };
            approvers.insert(kind, Role::parse(&row[1]).map_err(|e| e.en)?);
        }
        Ok(AccessDocument { matrix, approvers })
    }

    fn cell(&self, role: Role, column: MatrixColumn) -> &str {
        self.matrix
            .get(&(role, column))
            .map(String::as_str)
            .unwrap_or("")
    }

    /// "A group grant covers every record of the group; a company grant covers the company's
    /// own records and those of its sites and departments; a site or department grant covers
    /// that site's or department's records only."
    fn covers(grant: &Scope, record: &Scope) -> bool {
        match grant {
            Scope::Group => true,
            Scope::Company { company } => match record {
                Scope::Group => false,
                Scope::Company { company: c }
                | Scope::Site { company: c, .. }
                | Scope::Department { company: c, .. } => c == company,
            },
            Scope::Site { .. } | Scope::Department { .. } => grant == record,
        }
    }

    /// "Exceptions that include a group-mandatory item are approved as
    /// `exception_to_group_mandatory_item`; the others as `exception_to_company_mandatory_item`."
    fn document_of(kind: RecordKind) -> Option<DocumentKind> {
        match kind {
            RecordKind::Artifact(k) => Some(DocumentKind::Artifact(k)),
            RecordKind::Exception {
                group_mandatory: true,
            } => Some(DocumentKind::ExceptionToGroupMandatoryItem),
            RecordKind::Exception {
                group_mandatory: false,
            } => Some(DocumentKind::ExceptionToCompanyMandatoryItem),
            RecordKind::Applicability => Some(DocumentKind::ApplicabilityAgreement),
            _ => None,
        }
    }

    /// What the document says the answer is.
    pub fn expect(&self, actor: &Actor, action: Action, r: &Resource) -> Decision {
        let p = match actor {
            Actor::System { group } => {
                return if *group == r.group {
                    Decision::Allow
                } else {
                    Decision::NotFound
                };
            }
            Actor::User(p) => p,
        };
        if p.group != r.group {
            return Decision::NotFound;
        }
        let column = match r.kind {
            RecordKind::Administration => {
                return if p.administrator {
                    Decision::Allow
                } else {
                    Decision::NotFound
                };
            }
            RecordKind::Organisation => MatrixColumn::Organisation,
            // "Exceptions are read, written and approved like the artifacts, in the
            // artifacts column."
            RecordKind::Artifact(_) | RecordKind::Exception { .. } | RecordKind::Applicability => {
                MatrixColumn::Artifacts
            }
            RecordKind::RecordHistory => MatrixColumn::RecordHistory,
            RecordKind::SecurityEvents => MatrixColumn::SecurityEvents,
            RecordKind::GroupReference => MatrixColumn::GroupReference,
        };
        // "Published group-wide records — the group reference and the group-level objectives
        // and targets (A) and measures and rules (D) — are readable by every user of the
        // group who holds any role."
        let published = match r.kind {
            RecordKind::GroupReference => true,
            RecordKind::Artifact(k) => matches!(
                k,
                ArtifactKind::ObjectivesAndTargets | ArtifactKind::MeasuresAndRules
            ),
            _ => false,
        } && r.scope == Scope::Group;
        let live: Vec<_> = p
            .grants
            .iter()
            .filter(|g| g.until.is_none_or(|u| u >= p.today))
            .collect();
        let readable = live.iter().any(|g| {
            self.cell(g.role, column).contains('R')
                && (Self::covers(&g.scope, &r.scope) || published)
        });
        if !readable {
            return Decision::NotFound;
        }
        let ok = match action {
            Action::Read => true,
            Action::Write => live.iter().any(|g| {
                self.cell(g.role, column).contains('W') && Self::covers(&g.scope, &r.scope)
            }),
            Action::Approve => match Self::document_of(r.kind) {
                Some(d) => live.iter().any(|g| {
                    self.cell(g.role, column).contains('A')
                        && self.approvers.get(&d) == Some(&g.role)
                        && Self::covers(&g.scope, &r.scope)
                }),
                _ => false,
            },
        };
        if ok {
            Decision::Allow
        } else {
            Decision::Forbidden
        }
    }
}
