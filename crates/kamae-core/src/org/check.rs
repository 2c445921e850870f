//! `check org`: what the CISO office should know about the group's shape before a cycle
//! starts — story 1's Z社 was acquired, never put in reporting scope, and never asked to
//! report. Findings are information, not errors.

use chrono::{Months, NaiveDate};
use serde::Serialize;

use super::{Company, SecurityStaff, Site, StaffRole};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgFindingKind {
    CompanyWithoutSecurityLead,
    CompanyOutsideReportingScope,
    SiteOutsideReportingScope,
    RecentlyAcquiredCompany,
}

impl OrgFindingKind {
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::CompanyWithoutSecurityLead => "セキュリティ責任者がいない会社",
            Self::CompanyOutsideReportingScope => "報告対象外の会社",
            Self::SiteOutsideReportingScope => "報告対象外の拠点",
            Self::RecentlyAcquiredCompany => "この1年以内に取得した会社",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::CompanyWithoutSecurityLead => "company without a security lead",
            Self::CompanyOutsideReportingScope => "company outside reporting scope",
            Self::SiteOutsideReportingScope => "site outside reporting scope",
            Self::RecentlyAcquiredCompany => "company acquired within the last year",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgFinding {
    pub kind: OrgFindingKind,
    /// The company's code, and the site's code for site findings.
    pub company_code: String,
    pub company_name: String,
    pub site_code: Option<String>,
    pub site_name: Option<String>,
    pub acquired_on: Option<NaiveDate>,
}

/// Every finding for one group, in a stable order (by kind, then code).
pub fn check_org(
    companies: &[Company],
    sites: &[Site],
    staff: &[SecurityStaff],
    today: NaiveDate,
) -> Vec<OrgFinding> {
    let year_ago = today.checked_sub_months(Months::new(12)).unwrap_or(today);
    let mut out = Vec::new();
    for c in companies {
        let finding = |kind| OrgFinding {
            kind,
            company_code: c.code.to_string(),
            company_name: c.name.clone(),
            site_code: None,
            site_name: None,
            acquired_on: c.acquired_on,
        };
        let has_lead = staff
            .iter()
            .any(|s| s.company == c.id && s.role == StaffRole::Lead);
        if !has_lead {
            out.push(finding(OrgFindingKind::CompanyWithoutSecurityLead));
        }
        if !c.in_reporting_scope {
            out.push(finding(OrgFindingKind::CompanyOutsideReportingScope));
        }
        if c.acquired_on.is_some_and(|d| d > year_ago && d <= today) {
            out.push(finding(OrgFindingKind::RecentlyAcquiredCompany));
        }
    }
    for s in sites.iter().filter(|s| !s.in_reporting_scope) {
        let Some(c) = companies.iter().find(|c| c.id == s.company) else {
            continue;
        };
        out.push(OrgFinding {
            kind: OrgFindingKind::SiteOutsideReportingScope,
            company_code: c.code.to_string(),
            company_name: c.name.clone(),
            site_code: Some(s.code.to_string()),
            site_name: Some(s.name.clone()),
            acquired_on: None,
        });
    }
    out.sort_by(|a, b| {
        (a.kind, &a.company_code, &a.site_code).cmp(&(b.kind, &b.company_code, &b.site_code))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::*;
    use crate::org::CompanyKind;
    use crate::text::Code;
    use uuid::Uuid;

    fn company(code: &str, in_scope: bool, acquired_on: Option<NaiveDate>) -> Company {
        Company {
            id: CompanyId::from_uuid(Uuid::now_v7()),
            group: GroupId::from_uuid(Uuid::nil()),
            code: Code::parse(code).unwrap_or_else(|e| panic!("{e}")),
            name: format!("{code}社"),
            kind: CompanyKind::Subsidiary,
            parent: None,
            acquired_on,
            in_reporting_scope: in_scope,
        }
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn story_one_z_is_found() {
        let today = date(2026, 11, 28);
        let x = company("X", true, None);
        let z = company("Z", false, Some(date(2024, 11, 1)));
        let new = company("N", true, Some(date(2026, 6, 1)));
        let lead = |c: &Company| SecurityStaff {
            id: StaffId::from_uuid(Uuid::now_v7()),
            group: c.group,
            company: c.id,
            person: PersonId::from_uuid(Uuid::now_v7()),
            role: StaffRole::Lead,
        };
        let site_y = Site {
            id: SiteId::from_uuid(Uuid::now_v7()),
            group: x.group,
            company: x.id,
            code: Code::parse("X-Y").unwrap_or_else(|e| panic!("{e}")),
            name: "拠点Y".into(),
            address: None,
            in_reporting_scope: false,
        };
        let staff = vec![lead(&x), lead(&z)];
        let found = check_org(&[x, z, new], &[site_y], &staff, today);
        let kinds: Vec<_> = found
            .iter()
            .map(|f| (f.kind, f.company_code.as_str(), f.site_code.as_deref()))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (OrgFindingKind::CompanyWithoutSecurityLead, "N", None),
                (OrgFindingKind::CompanyOutsideReportingScope, "Z", None),
                (OrgFindingKind::SiteOutsideReportingScope, "X", Some("X-Y")),
                (OrgFindingKind::RecentlyAcquiredCompany, "N", None),
            ]
        );
    }

    #[test]
    fn acquired_exactly_a_year_ago_is_no_longer_recent() {
        let today = date(2026, 11, 28);
        let c = company("Q", true, Some(date(2025, 11, 28)));
        let staff = [];
        let found = check_org(&[c], &[], &staff, today);
        assert!(
            !found
                .iter()
                .any(|f| f.kind == OrgFindingKind::RecentlyAcquiredCompany)
        );
    }
}
