//! `authorize` against the tables of `docs/access.md`, on random organisations, grants and
//! records. The oracle below is written from the document's words, not from the code.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use uuid::Uuid;

use super::*;
use crate::approval::DocumentKind;
use crate::artifact::ArtifactKind;

const ACCESS_MD: &str = include_str!("../../../../docs/access.md");

struct Doc {
    matrix: HashMap<(Role, MatrixColumn), String>,
    approvers: HashMap<DocumentKind, Role>,
}

fn doc() -> Doc {
    let d = documented::AccessDocument::parse(ACCESS_MD)
        .unwrap_or_else(|e| panic!("docs/access.md: {e}"));
    Doc {
        matrix: d.matrix,
        approvers: d.approvers,
    }
}

#[test]
fn the_document_covers_every_role_and_document_kind() {
    let d = doc();
    assert_eq!(d.matrix.len(), Role::ALL.len() * 5);
    for k in ArtifactKind::ALL {
        let dk = DocumentKind::Artifact(k);
        assert_eq!(d.approvers.get(&dk), Some(&approver(dk)), "{k:?}");
    }
    for dk in [
        DocumentKind::ExceptionToGroupMandatoryItem,
        DocumentKind::ExceptionToCompanyMandatoryItem,
        DocumentKind::ApplicabilityAgreement,
    ] {
        assert_eq!(d.approvers.get(&dk), Some(&approver(dk)));
    }
}

/// A small organisation: where each site and department sits.
#[derive(Debug, Clone)]
struct Org {
    group: GroupId,
    companies: Vec<CompanyId>,
    sites: Vec<(CompanyId, SiteId)>,
    departments: Vec<(CompanyId, DepartmentId)>,
}

fn id() -> Uuid {
    Uuid::now_v7()
}

fn org_strategy() -> impl Strategy<Value = Org> {
    (
        1usize..4,
        proptest::collection::vec((0usize..4, 0usize..3), 1..4),
    )
        .prop_map(|(n, per)| {
            let companies: Vec<CompanyId> = (0..n).map(|_| CompanyId::from_uuid(id())).collect();
            let mut sites = Vec::new();
            let mut departments = Vec::new();
            for (i, (s, d)) in per.iter().enumerate() {
                let c = companies[i % companies.len()];
                for _ in 0..*s {
                    sites.push((c, SiteId::from_uuid(id())));
                }
                for _ in 0..*d {
                    departments.push((c, DepartmentId::from_uuid(id())));
                }
            }
            Org {
                group: GroupId::from_uuid(id()),
                companies,
                sites,
                departments,
            }
        })
}

impl Org {
    fn scopes(&self) -> Vec<Scope> {
        let mut v = vec![Scope::Group];
        v.extend(
            self.companies
                .iter()
                .map(|c| Scope::Company { company: *c }),
        );
        v.extend(self.sites.iter().map(|(c, s)| Scope::Site {
            company: *c,
            site: *s,
        }));
        v.extend(self.departments.iter().map(|(c, d)| Scope::Department {
            company: *c,
            department: *d,
        }));
        v
    }

    /// The document's words: a group grant covers everything; a company grant covers the
    /// company and what belongs to it; a site or department grant covers just itself.
    fn oracle_covers(&self, grant: &Scope, record: &Scope) -> bool {
        let company_of = |s: &Scope| match s {
            Scope::Group => None,
            Scope::Company { company } => Some(*company),
            Scope::Site { site, .. } => self.sites.iter().find(|(_, x)| x == site).map(|(c, _)| *c),
            Scope::Department { department, .. } => self
                .departments
                .iter()
                .find(|(_, x)| x == department)
                .map(|(c, _)| *c),
        };
        match grant {
            Scope::Group => true,
            Scope::Company { company } => company_of(record) == Some(*company),
            Scope::Site { .. } | Scope::Department { .. } => grant == record,
        }
    }
}

fn all_kinds() -> Vec<RecordKind> {
    let mut v = vec![
        RecordKind::Organisation,
        RecordKind::RecordHistory,
        RecordKind::SecurityEvents,
        RecordKind::Administration,
        RecordKind::GroupReference,
    ];
    v.extend(ArtifactKind::ALL.iter().map(|k| RecordKind::Artifact(*k)));
    v.push(RecordKind::Exception {
        group_mandatory: true,
    });
    v.push(RecordKind::Exception {
        group_mandatory: false,
    });
    v.push(RecordKind::Applicability);
    v
}

#[derive(Debug, Clone)]
struct Case {
    org: Org,
    grants: Vec<(usize, usize, Option<i64>)>,
    administrator: bool,
    other_group: bool,
    kind: usize,
    scope: usize,
    action: usize,
}

fn case_strategy() -> impl Strategy<Value = Case> {
    (
        org_strategy(),
        proptest::collection::vec(
            (0usize..8, 0usize..64, proptest::option::of(-3i64..3)),
            0..4,
        ),
        any::<bool>(),
        proptest::bool::weighted(0.1),
        0usize..64,
        0usize..64,
        0usize..3,
    )
        .prop_map(
            |(org, grants, administrator, other_group, kind, scope, action)| Case {
                org,
                grants,
                administrator,
                other_group,
                kind,
                scope,
                action,
            },
        )
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap_or_default()
}

fn oracle(doc: &Doc, case: &Case, p: &Principal, action: Action, r: &Resource) -> Decision {
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
        RecordKind::Artifact(_) | RecordKind::Exception { .. } | RecordKind::Applicability => {
            MatrixColumn::Artifacts
        }
        RecordKind::RecordHistory => MatrixColumn::RecordHistory,
        RecordKind::SecurityEvents => MatrixColumn::SecurityEvents,
        RecordKind::GroupReference => MatrixColumn::GroupReference,
    };
    let published = match r.kind {
        RecordKind::GroupReference => true,
        RecordKind::Artifact(k) => {
            matches!(
                k,
                ArtifactKind::ObjectivesAndTargets | ArtifactKind::MeasuresAndRules
            )
        }
        _ => false,
    };
    let live: Vec<&Grant> = p
        .grants
        .iter()
        .filter(|g| g.until.is_none_or(|u| u >= today()))
        .collect();
    let cell = |role: Role| doc.matrix[&(role, column)].clone();
    let readable = live.iter().any(|g| {
        cell(g.role).contains('R')
            && (case.org.oracle_covers(&g.scope, &r.scope)
                || (published && r.scope == Scope::Group))
    });
    if !readable {
        return Decision::NotFound;
    }
    let ok = match action {
        Action::Read => true,
        Action::Write => live
            .iter()
            .any(|g| cell(g.role).contains('W') && case.org.oracle_covers(&g.scope, &r.scope)),
        Action::Approve => {
            let document = match r.kind {
                RecordKind::Artifact(k) => Some(DocumentKind::Artifact(k)),
                RecordKind::Exception {
                    group_mandatory: true,
                } => Some(DocumentKind::ExceptionToGroupMandatoryItem),
                RecordKind::Exception {
                    group_mandatory: false,
                } => Some(DocumentKind::ExceptionToCompanyMandatoryItem),
                RecordKind::Applicability => Some(DocumentKind::ApplicabilityAgreement),
                _ => None,
            };
            document.is_some_and(|d| {
                live.iter().any(|g| {
                    cell(g.role).contains('A')
                        && doc.approvers.get(&d) == Some(&g.role)
                        && case.org.oracle_covers(&g.scope, &r.scope)
                })
            })
        }
    };
    if ok {
        Decision::Allow
    } else {
        Decision::Forbidden
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn authorize_follows_the_document(case in case_strategy()) {
        let doc = doc();
        let scopes = case.org.scopes();
        let grants: Vec<Grant> = case
            .grants
            .iter()
            .map(|(role, scope, until)| Grant {
                role: Role::ALL[*role % Role::ALL.len()],
                scope: scopes[*scope % scopes.len()],
                until: until.map(|d| {
                    if d >= 0 {
                        today().checked_add_days(Days::new(d as u64)).unwrap_or(today())
                    } else {
                        today().checked_sub_days(Days::new((-d) as u64)).unwrap_or(today())
                    }
                }),
            })
            .collect();
        let p = Principal {
            user: UserId::from_uuid(id()),
            group: if case.other_group { GroupId::from_uuid(id()) } else { case.org.group },
            email: "u@example.jp".into(),
            grants,
            administrator: case.administrator,
            today: today(),
        };
        let kinds = all_kinds();
        let r = Resource {
            group: case.org.group,
            kind: kinds[case.kind % kinds.len()],
            scope: scopes[case.scope % scopes.len()],
        };
        let action = [Action::Read, Action::Write, Action::Approve][case.action];
        let got = authorize(&Actor::User(p.clone()), action, &r);
        prop_assert_eq!(got, oracle(&doc, &case, &p, action, &r), "{:?} {:?}", action, r);
        // The document's reading used by the web's authorization matrix agrees too.
        let documented = documented::AccessDocument::parse(ACCESS_MD).unwrap_or_else(|e| panic!("{e}"));
        prop_assert_eq!(got, documented.expect(&Actor::User(p.clone()), action, &r));
    }

    #[test]
    fn administration_alone_grants_no_business_data(org in org_strategy(), kind in 0usize..64, scope in 0usize..64) {
        let scopes = org.scopes();
        let kinds = all_kinds();
        let kind = kinds[kind % kinds.len()];
        prop_assume!(kind != RecordKind::Administration);
        let p = Principal {
            user: UserId::from_uuid(id()),
            group: org.group,
            email: "admin@example.jp".into(),
            grants: vec![],
            administrator: true,
            today: today(),
        };
        let r = Resource { group: org.group, kind, scope: scopes[scope % scopes.len()] };
        prop_assert_eq!(authorize(&Actor::User(p), Action::Read, &r), Decision::NotFound);
    }
}

#[test]
fn company_x_cannot_see_company_y() {
    let g = GroupId::from_uuid(id());
    let (x, y) = (CompanyId::from_uuid(id()), CompanyId::from_uuid(id()));
    let lead_x = Actor::User(Principal {
        user: UserId::from_uuid(id()),
        group: g,
        email: "lead@x.example".into(),
        grants: vec![Grant {
            role: Role::SecurityLead,
            scope: Scope::Company { company: x },
            until: None,
        }],
        administrator: false,
        today: today(),
    });
    let at = |company, kind| Resource {
        group: g,
        kind,
        scope: Scope::Company { company },
    };
    let ra = RecordKind::Artifact(ArtifactKind::RiskAssessment);
    assert_eq!(
        authorize(&lead_x, Action::Read, &at(x, ra)),
        Decision::Allow
    );
    assert_eq!(
        authorize(&lead_x, Action::Write, &at(x, ra)),
        Decision::Allow
    );
    assert_eq!(
        authorize(&lead_x, Action::Read, &at(y, ra)),
        Decision::NotFound
    );
    assert_eq!(
        authorize(&lead_x, Action::Write, &at(y, ra)),
        Decision::NotFound
    );
    // A company lead does not approve the executives' documents, even for their own company.
    assert_eq!(
        authorize(&lead_x, Action::Approve, &at(x, ra)),
        Decision::Forbidden
    );
    // The group's standard is readable by every user of the group.
    let standard = Resource {
        group: g,
        kind: RecordKind::Artifact(ArtifactKind::MeasuresAndRules),
        scope: Scope::Group,
    };
    assert_eq!(authorize(&lead_x, Action::Read, &standard), Decision::Allow);
    assert_eq!(
        authorize(&lead_x, Action::Write, &standard),
        Decision::Forbidden
    );
}
