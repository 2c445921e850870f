//! Who may do what: roles granted over scopes, and the one decision, [`authorize`], that
//! every read and write in kamae passes. `docs/access.md` states the same model as tables;
//! the property tests in this module read that file and check this code against it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub mod documented;

use crate::approval::{DocumentKind, approver};
use crate::artifact::ArtifactKind;
use crate::ids::{CompanyId, DepartmentId, GroupId, SiteId, UserId};
use crate::org::word_enum;

word_enum! {
    /// The business roles a user can be granted. Administration is not among them: it is a
    /// separate capability that grants no business data.
    Role, "ロール", "role" {
        Executive => "executive", "経営層", "executive";
        Ciso => "ciso", "CISO", "CISO";
        CisoOffice => "ciso_office", "CISO室", "CISO office";
        SecurityLead => "security_lead", "セキュリティ責任者", "security lead";
        Practitioner => "practitioner", "実務担当者", "practitioner";
        DepartmentManager => "department_manager", "部門長", "department manager";
        Auditor => "auditor", "監査役・内部監査", "auditor";
        Viewer => "viewer", "閲覧者", "viewer";
    }
}

impl Role {
    /// Grants of these roles (and of administration) are shown to the CISO and auditors and,
    /// where the group has two or more administrators, wait for a second administrator.
    pub fn is_sensitive(self) -> bool {
        matches!(self, Role::Executive | Role::Ciso)
    }
}

/// Where a grant applies, or where a record lives. A site or department always belongs to
/// one company; the company is carried along so that a company grant can cover it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Scope {
    Group,
    Company {
        company: CompanyId,
    },
    Site {
        company: CompanyId,
        site: SiteId,
    },
    Department {
        company: CompanyId,
        department: DepartmentId,
    },
}

impl Scope {
    /// Where a record of a company lives, or the group's when it belongs to no company.
    pub fn of_company(company: Option<CompanyId>) -> Scope {
        match company {
            Some(company) => Scope::Company { company },
            None => Scope::Group,
        }
    }

    /// Whether a grant over `self` reaches a record that lives at `other`. Grants reach
    /// down, never up or sideways: a site's practitioner does not see the company's records.
    pub fn covers(&self, other: &Scope) -> bool {
        match (self, other) {
            (Scope::Group, _) => true,
            (Scope::Company { company: c }, o) => o.company() == Some(*c),
            (Scope::Site { site: s, .. }, Scope::Site { site: o, .. }) => s == o,
            (Scope::Department { department: d, .. }, Scope::Department { department: o, .. }) => {
                d == o
            }
            _ => false,
        }
    }

    pub fn company(&self) -> Option<CompanyId> {
        match self {
            Scope::Group => None,
            Scope::Company { company }
            | Scope::Site { company, .. }
            | Scope::Department { company, .. } => Some(*company),
        }
    }
}

/// An active grant as authorization sees it: pending, revoked and disabled ones are never
/// loaded; the end date is checked here against the principal's today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grant {
    pub role: Role,
    pub scope: Scope,
    pub until: Option<NaiveDate>,
}

/// A signed-in user as authorization sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Principal {
    pub user: UserId,
    pub group: GroupId,
    pub email: String,
    pub grants: Vec<Grant>,
    pub administrator: bool,
    /// Today in the group's time zone, for grant end dates.
    pub today: NaiveDate,
}

impl Principal {
    pub fn active_grants(&self) -> impl Iterator<Item = &Grant> {
        self.grants
            .iter()
            .filter(|g| g.until.is_none_or(|u| u >= self.today))
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.active_grants().any(|g| g.role == role)
    }
}

/// Who is acting: a user, or kamae itself (`init`, `migrate`, `demo`), which the audit trail
/// records as `system`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Actor {
    User(Principal),
    System { group: GroupId },
}

impl Actor {
    pub fn group(&self) -> GroupId {
        match self {
            Actor::User(p) => p.group,
            Actor::System { group } => *group,
        }
    }

    pub fn user(&self) -> Option<UserId> {
        match self {
            Actor::User(p) => Some(p.user),
            Actor::System { .. } => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Read,
    Write,
    Approve,
}

/// What kind of record is being touched, as far as access is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", content = "of", rename_all = "snake_case")]
pub enum RecordKind {
    /// Companies, sites, departments, people, security staff, business relationships.
    Organisation,
    /// A version of one of the twelve artifacts of roles A–G (a document under approval).
    Artifact(ArtifactKind),
    /// Who changed a record, when and why.
    RecordHistory,
    /// Sign-ins, failures, MFA changes, grants, tokens, exports.
    SecurityEvents,
    /// Users, grants and settings.
    Administration,
    /// What the whole group works to (the list of roles A–G, the group's standard).
    GroupReference,
    /// An exception or transitional measure to items of the standard (role D), at a
    /// company; who approves it depends on whether a group-mandatory item is among them.
    Exception { group_mandatory: bool },
    /// A company's applicability agreement: which company-mandatory items bind it and which
    /// recommended items it adopts (role D).
    Applicability,
}

/// The columns of the access matrix in `docs/access.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MatrixColumn {
    Organisation,
    Artifacts,
    RecordHistory,
    SecurityEvents,
    GroupReference,
}

impl RecordKind {
    pub fn matrix_column(self) -> Option<MatrixColumn> {
        match self {
            RecordKind::Organisation => Some(MatrixColumn::Organisation),
            RecordKind::Artifact(_) | RecordKind::Exception { .. } | RecordKind::Applicability => {
                Some(MatrixColumn::Artifacts)
            }
            RecordKind::RecordHistory => Some(MatrixColumn::RecordHistory),
            RecordKind::SecurityEvents => Some(MatrixColumn::SecurityEvents),
            RecordKind::GroupReference => Some(MatrixColumn::GroupReference),
            RecordKind::Administration => None,
        }
    }

    /// The kind of document under approval that a record of this kind is.
    pub fn document(self) -> Option<DocumentKind> {
        match self {
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

    /// Group-level records of this kind are readable by every user of the group who holds
    /// any role, whatever its scope.
    pub fn published_group_wide(self) -> bool {
        match self {
            RecordKind::GroupReference => true,
            RecordKind::Artifact(k) => k.published_group_wide(),
            _ => false,
        }
    }
}

/// A record as authorization sees it: whose it is, what it is, where it lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Resource {
    pub group: GroupId,
    pub kind: RecordKind,
    pub scope: Scope,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Allow,
    /// The record is outside what the user may see: to them it does not exist.
    NotFound,
    /// The user may see the record but not do this to it.
    Forbidden,
}

/// Read (R), write (W) and approve (A) per role and record kind. `A` means the role may
/// approve the document kinds that the approval table in `approval` gives to it.
pub const fn permits(role: Role, column: MatrixColumn) -> &'static str {
    use MatrixColumn as M;
    use Role as R;
    match (role, column) {
        (R::Executive, M::Organisation) => "R",
        (R::Executive, M::Artifacts) => "RA",
        (R::Executive, M::RecordHistory) => "R",
        (R::Executive, M::SecurityEvents) => "",
        (R::Executive, M::GroupReference) => "R",

        (R::Ciso, M::Organisation) => "RW",
        (R::Ciso, M::Artifacts) => "RWA",
        (R::Ciso, M::RecordHistory) => "R",
        (R::Ciso, M::SecurityEvents) => "R",
        (R::Ciso, M::GroupReference) => "RW",

        (R::CisoOffice, M::Organisation) => "RW",
        (R::CisoOffice, M::Artifacts) => "RW",
        (R::CisoOffice, M::RecordHistory) => "R",
        (R::CisoOffice, M::SecurityEvents) => "",
        (R::CisoOffice, M::GroupReference) => "RW",

        (R::SecurityLead, M::Organisation) => "RW",
        (R::SecurityLead, M::Artifacts) => "RWA",
        (R::SecurityLead, M::RecordHistory) => "R",
        (R::SecurityLead, M::SecurityEvents) => "",
        (R::SecurityLead, M::GroupReference) => "R",

        (R::Practitioner, M::Organisation) => "R",
        (R::Practitioner, M::Artifacts) => "RW",
        (R::Practitioner, M::RecordHistory) => "",
        (R::Practitioner, M::SecurityEvents) => "",
        (R::Practitioner, M::GroupReference) => "R",

        (R::DepartmentManager, M::Organisation) => "R",
        (R::DepartmentManager, M::Artifacts) => "RW",
        (R::DepartmentManager, M::RecordHistory) => "",
        (R::DepartmentManager, M::SecurityEvents) => "",
        (R::DepartmentManager, M::GroupReference) => "R",

        (R::Auditor, M::Organisation) => "R",
        (R::Auditor, M::Artifacts) => "R",
        (R::Auditor, M::RecordHistory) => "R",
        (R::Auditor, M::SecurityEvents) => "R",
        (R::Auditor, M::GroupReference) => "R",

        (R::Viewer, M::Organisation) => "R",
        (R::Viewer, M::Artifacts) => "R",
        (R::Viewer, M::RecordHistory) => "",
        (R::Viewer, M::SecurityEvents) => "",
        (R::Viewer, M::GroupReference) => "R",
    }
}

fn has(perms: &str, letter: char) -> bool {
    perms.contains(letter)
}

/// The one access decision. A record of another group, or outside every scope the user
/// holds, is `NotFound` whatever the action; a record the user can see but not change (or
/// approve) is `Forbidden`.
pub fn authorize(actor: &Actor, action: Action, resource: &Resource) -> Decision {
    let p = match actor {
        Actor::System { group } => {
            return if *group == resource.group {
                Decision::Allow
            } else {
                Decision::NotFound
            };
        }
        Actor::User(p) => p,
    };
    if p.group != resource.group {
        return Decision::NotFound;
    }
    let Some(column) = resource.kind.matrix_column() else {
        // Administration: only administrators see it, and for them it is all writable.
        return if p.administrator {
            Decision::Allow
        } else {
            Decision::NotFound
        };
    };

    let grants: Vec<&Grant> = p.active_grants().collect();
    let readable = grants.iter().any(|g| {
        has(permits(g.role, column), 'R')
            && (g.scope.covers(&resource.scope)
                || (resource.kind.published_group_wide() && resource.scope == Scope::Group))
    });
    if !readable {
        return Decision::NotFound;
    }
    let allowed = match action {
        Action::Read => true,
        Action::Write => grants
            .iter()
            .any(|g| has(permits(g.role, column), 'W') && g.scope.covers(&resource.scope)),
        Action::Approve => {
            let document = resource.kind.document();
            document.is_some_and(|d| {
                grants.iter().any(|g| {
                    has(permits(g.role, column), 'A')
                        && approver(d) == g.role
                        && g.scope.covers(&resource.scope)
                })
            })
        }
    };
    if allowed {
        Decision::Allow
    } else {
        Decision::Forbidden
    }
}

#[cfg(test)]
mod tests;
