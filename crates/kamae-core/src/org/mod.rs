//! The group (the tenant) and its organisation: companies, sites, departments, people,
//! each company's security lead and practitioners, and the business relationships between
//! companies that the cross-audit planner weighs.

mod check;

pub use check::{OrgFinding, OrgFindingKind, check_org};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Problem;
use crate::ids::{CompanyId, DepartmentId, GroupId, PersonId, RelationshipId, SiteId, StaffId};
use crate::text::{Code, Email};

macro_rules! word_enum {
    ($(#[$doc:meta])* $name:ident, $what_ja:literal, $what_en:literal {
        $($variant:ident => $s:literal, $ja:literal, $en:literal;)*
    }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),* }
            }
            pub fn label_ja(self) -> &'static str {
                match self { $($name::$variant => $ja),* }
            }
            pub fn label_en(self) -> &'static str {
                match self { $($name::$variant => $en),* }
            }
            pub fn parse(s: &str) -> Result<Self, $crate::Problem> {
                match s.trim() {
                    $($s => Ok($name::$variant),)*
                    other => Err($crate::Problem::new(
                        "invalid_choice",
                        format!("{}として {other:?} は使えません（{}）", $what_ja, [$($s),*].join(", ")),
                        format!("{other:?} is not a {}; use one of {}", $what_en, [$($s),*].join(", ")),
                    )),
                }
            }
        }
    };
}
pub(crate) use word_enum;

word_enum! {
    /// What a company is to the group.
    CompanyKind, "会社の種別", "company kind" {
        Parent => "parent", "親会社", "parent company";
        Subsidiary => "subsidiary", "子会社", "subsidiary";
        Affiliate => "affiliate", "関連会社", "affiliate";
    }
}

word_enum! {
    /// The seed's departments: business units own business IT, corporate units own corporate IT.
    DepartmentKind, "部門の種別", "department kind" {
        Business => "business", "事業部門", "business department";
        Corporate => "corporate", "コーポレート部門", "corporate department";
        SecurityOffice => "security_office", "セキュリティ部門", "security office";
        It => "it", "IT部門", "IT department";
    }
}

word_enum! {
    /// A person's part in a company's security organisation.
    StaffRole, "セキュリティ担当の役割", "security staff role" {
        Lead => "lead", "セキュリティ責任者", "security lead";
        Practitioner => "practitioner", "実務担当者", "practitioner";
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Group {
    pub id: GroupId,
    pub code: Code,
    pub name: String,
    pub calendar: crate::calendar::GroupCalendar,
    /// Demo groups relax sign-in rules so that a newcomer can use the printed passwords.
    pub is_demo: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Company {
    pub id: CompanyId,
    pub group: GroupId,
    pub code: Code,
    pub name: String,
    pub kind: CompanyKind,
    pub parent: Option<CompanyId>,
    pub acquired_on: Option<NaiveDate>,
    pub in_reporting_scope: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Site {
    pub id: SiteId,
    pub group: GroupId,
    pub company: CompanyId,
    pub code: Code,
    pub name: String,
    pub address: Option<String>,
    pub in_reporting_scope: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Department {
    pub id: DepartmentId,
    pub group: GroupId,
    pub company: CompanyId,
    pub code: Code,
    pub name: String,
    pub kind: DepartmentKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    pub id: PersonId,
    pub group: GroupId,
    pub name: String,
    pub email: Option<Email>,
    pub position: Option<String>,
    pub company: CompanyId,
    pub department: Option<DepartmentId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecurityStaff {
    pub id: StaffId,
    pub group: GroupId,
    pub company: CompanyId,
    pub person: PersonId,
    pub role: StaffRole,
}

/// How much business two companies do together, 1 (little) to 100 (a great deal). The
/// cross-audit planner keeps companies that trade heavily out of each other's teams.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BusinessRelationship {
    pub id: RelationshipId,
    pub group: GroupId,
    pub companies: (CompanyId, CompanyId),
    pub weight: u8,
    pub note: Option<String>,
}

impl BusinessRelationship {
    pub fn parse_weight(w: i64) -> Result<u8, Problem> {
        if (1..=100).contains(&w) {
            Ok(w as u8)
        } else {
            Err(Problem::new(
                "invalid_weight",
                format!("取引の重みは1〜100で指定してください: {w}"),
                format!("the business weight must be 1–100: {w}"),
            ))
        }
    }

    /// Stores a pair in one order so that (X, Y) and (Y, X) are the same relationship.
    pub fn ordered(a: CompanyId, b: CompanyId) -> Result<(CompanyId, CompanyId), Problem> {
        if a == b {
            return Err(Problem::new(
                "self_relationship",
                "同じ会社どうしの取引関係は登録できません",
                "a company cannot have a business relationship with itself",
            ));
        }
        Ok(if a < b { (a, b) } else { (b, a) })
    }
}
