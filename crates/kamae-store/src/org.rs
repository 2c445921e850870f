//! The group's organisation: groups, companies, sites, departments, people, security staff
//! and business relationships.

use chrono::NaiveDate;
use kamae_core::Problem;
use kamae_core::access::{Action, Actor, RecordKind, Scope};
use kamae_core::calendar::GroupCalendar;
use kamae_core::ids::{
    CompanyId, DepartmentId, GroupId, PersonId, RelationshipId, SiteId, StaffId,
};
use kamae_core::org::{
    BusinessRelationship, Company, CompanyKind, Department, DepartmentKind, Group, OrgFinding,
    Person, SecurityStaff, Site, StaffRole, check_org,
};
use kamae_core::text::{Code, Email, required_text};

use crate::db::{Row, args, ot, t};
use crate::write::{Change, Who, Write, stmt};
use crate::{Result, Store, StoreError, check, may_read, new_id};

const ORG: RecordKind = RecordKind::Organisation;

fn group_from(r: &Row) -> Result<Group> {
    Ok(Group {
        id: r.parse("id")?,
        code: Code::parse(&r.text("code")?)?,
        name: r.text("name")?,
        calendar: GroupCalendar::parse(&r.text("time_zone")?, r.int("fiscal_year_start_month")?)?,
        is_demo: r.boolean("is_demo")?,
    })
}

fn company_from(r: &Row) -> Result<Company> {
    Ok(Company {
        id: r.parse("id")?,
        group: r.parse("group_id")?,
        code: Code::parse(&r.text("code")?)?,
        name: r.text("name")?,
        kind: CompanyKind::parse(&r.text("kind")?)?,
        parent: r.opt_parse("parent_id")?,
        acquired_on: r.opt_date("acquired_on")?,
        in_reporting_scope: r.boolean("in_reporting_scope")?,
    })
}

fn site_from(r: &Row) -> Result<Site> {
    Ok(Site {
        id: r.parse("id")?,
        group: r.parse("group_id")?,
        company: r.parse("company_id")?,
        code: Code::parse(&r.text("code")?)?,
        name: r.text("name")?,
        address: r.opt_text("address")?,
        in_reporting_scope: r.boolean("in_reporting_scope")?,
    })
}

fn department_from(r: &Row) -> Result<Department> {
    Ok(Department {
        id: r.parse("id")?,
        group: r.parse("group_id")?,
        company: r.parse("company_id")?,
        code: Code::parse(&r.text("code")?)?,
        name: r.text("name")?,
        kind: DepartmentKind::parse(&r.text("kind")?)?,
    })
}

fn person_from(r: &Row) -> Result<Person> {
    Ok(Person {
        id: r.parse("id")?,
        group: r.parse("group_id")?,
        name: r.text("name")?,
        email: r.opt_text("email")?.map(|e| Email::parse(&e)).transpose()?,
        position: r.opt_text("position")?,
        company: r.parse("company_id")?,
        department: r.opt_parse("department_id")?,
    })
}

fn staff_from(r: &Row) -> Result<SecurityStaff> {
    Ok(SecurityStaff {
        id: r.parse("id")?,
        group: r.parse("group_id")?,
        company: r.parse("company_id")?,
        person: r.parse("person_id")?,
        role: StaffRole::parse(&r.text("role")?)?,
    })
}

fn relationship_from(r: &Row) -> Result<BusinessRelationship> {
    Ok(BusinessRelationship {
        id: r.parse("id")?,
        group: r.parse("group_id")?,
        companies: (r.parse("company_a")?, r.parse("company_b")?),
        weight: BusinessRelationship::parse_weight(r.int("weight")?)?,
        note: r.opt_text("note")?,
    })
}

fn company_scope(c: CompanyId) -> Scope {
    Scope::Company { company: c }
}

fn person_scope(p: &Person) -> Scope {
    match p.department {
        Some(d) => Scope::Department {
            company: p.company,
            department: d,
        },
        None => company_scope(p.company),
    }
}

const COMPANY: (&str, &str) = ("会社", "company");
const SITE: (&str, &str) = ("拠点", "site");
const DEPARTMENT: (&str, &str) = ("部門", "department");
const PERSON: (&str, &str) = ("人員", "person");
const RELATIONSHIP: (&str, &str) = ("取引関係", "business relationship");

/// A new group, as `kamae init` and the demo create it.
/// An organisation record to archive, as people name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrgRecord {
    Company(Code),
    Site(Code),
    Department(Code),
    Person(PersonId),
    Relationship(RelationshipId),
}

#[derive(Debug, Clone)]
pub struct NewGroup {
    pub code: Code,
    pub name: String,
    pub calendar: GroupCalendar,
    pub is_demo: bool,
}

#[derive(Debug, Clone)]
pub struct NewCompany {
    pub code: Code,
    pub name: String,
    pub kind: CompanyKind,
    pub parent: Option<Code>,
    pub acquired_on: Option<NaiveDate>,
    pub in_reporting_scope: bool,
}

#[derive(Debug, Clone)]
pub struct NewSite {
    pub company: Code,
    pub code: Code,
    pub name: String,
    pub address: Option<String>,
    pub in_reporting_scope: bool,
}

#[derive(Debug, Clone)]
pub struct NewDepartment {
    pub company: Code,
    pub code: Code,
    pub name: String,
    pub kind: DepartmentKind,
}

#[derive(Debug, Clone)]
pub struct NewPerson {
    pub name: String,
    pub email: Option<Email>,
    pub position: Option<String>,
    pub company: Code,
    pub department: Option<Code>,
}

impl Store {
    /// Creates a group. Only `kamae init` and the demo do this, as `system`.
    pub(crate) async fn create_group(w: &mut Write, g: &NewGroup) -> Result<Group> {
        let group = Group {
            id: new_id(GroupId::from_uuid),
            code: g.code.clone(),
            name: required_text(&g.name, "グループ名", "group name")?,
            calendar: g.calendar,
            is_demo: g.is_demo,
        };
        let exists = w
            .fetch_optional(
                "SELECT id FROM groups WHERE code = $1",
                args![t(&group.code)],
            )
            .await?;
        if exists.is_some() {
            return Err(Problem::new(
                "duplicate",
                format!("グループコード {} は既に使われています", group.code),
                format!("group code {} is already taken", group.code),
            )
            .into());
        }
        let now = w.now();
        w.apply(
            Change::new(group.id, "create", "group", group.id).after(&group),
            vec![stmt(
                "INSERT INTO groups (id, code, name, time_zone, fiscal_year_start_month, is_demo, created_at, \
                 mfa_required_roles) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                args![
                    t(group.id),
                    t(&group.code),
                    group.name.clone(),
                    group.calendar.time_zone.name(),
                    i64::from(group.calendar.fiscal_year_start_month),
                    group.is_demo,
                    now,
                    // Demo groups leave the second factor optional, so that the printed
                    // passwords work; the settings page says so.
                    if group.is_demo { "" } else { crate::mfa::DEFAULT_REQUIRED }
                ],
            )],
        )
        .await?;
        Ok(group)
    }

    /// Every group in the store, for operator commands that run as `system` on the machine
    /// itself (`check org` without `--as`, `verify`).
    pub async fn all_groups(&self) -> Result<Vec<Group>> {
        let rows = self
            .db
            .fetch_all(
                "SELECT id, code, name, time_zone, fiscal_year_start_month, is_demo FROM groups ORDER BY code",
                vec![],
            )
            .await?;
        rows.iter().map(group_from).collect()
    }

    /// The actor's own group.
    pub async fn group(&self, actor: &Actor) -> Result<Group> {
        let row = self
            .db
            .fetch_optional(
                "SELECT id, code, name, time_zone, fiscal_year_start_month, is_demo FROM groups WHERE id = $1",
                args![t(actor.group())],
            )
            .await?
            .ok_or_else(|| StoreError::not_found("グループ", "group"))?;
        group_from(&row)
    }

    pub async fn companies(&self, actor: &Actor) -> Result<Vec<Company>> {
        let rows = self
            .db
            .fetch_all(
                "SELECT id, group_id, code, name, kind, parent_id, acquired_on, in_reporting_scope \
                 FROM companies WHERE group_id = $1 AND archived_at IS NULL ORDER BY code",
                args![t(actor.group())],
            )
            .await?;
        let mut out = Vec::new();
        for r in &rows {
            let c = company_from(r)?;
            if may_read(actor, ORG, company_scope(c.id)) {
                out.push(c);
            }
        }
        // Sorted here, not by the database: PostgreSQL's collation may ignore hyphens.
        out.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(out)
    }

    pub async fn company_by_code(&self, actor: &Actor, code: &Code) -> Result<Company> {
        let row = self
            .db
            .fetch_optional(
                "SELECT id, group_id, code, name, kind, parent_id, acquired_on, in_reporting_scope \
                 FROM companies WHERE group_id = $1 AND code = $2 AND archived_at IS NULL",
                args![t(actor.group()), t(code)],
            )
            .await?
            .ok_or_else(|| StoreError::not_found(COMPANY.0, COMPANY.1))?;
        let c = company_from(&row)?;
        check(actor, Action::Read, ORG, company_scope(c.id), COMPANY)?;
        Ok(c)
    }

    pub async fn add_company(&self, actor: &Actor, new: NewCompany) -> Result<Company> {
        // A new company belongs to no existing company's scope: only group-wide writers add one.
        check(actor, Action::Write, ORG, Scope::Group, COMPANY)?;
        let parent = match &new.parent {
            Some(code) => Some(self.company_by_code(actor, code).await?.id),
            None => None,
        };
        let company = Company {
            id: new_id(CompanyId::from_uuid),
            group: actor.group(),
            code: new.code,
            name: required_text(&new.name, "会社名", "company name")?,
            kind: new.kind,
            parent,
            acquired_on: new.acquired_on,
            in_reporting_scope: new.in_reporting_scope,
        };
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let now = w.now();
        w.apply(
            Change::new(company.group, "create", "company", company.id).after(&company),
            vec![stmt(
                "INSERT INTO companies (id, group_id, code, name, kind, parent_id, acquired_on, in_reporting_scope, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                args![
                    t(company.id),
                    t(company.group),
                    t(&company.code),
                    company.name.clone(),
                    company.kind.as_str(),
                    ot(company.parent),
                    company.acquired_on,
                    company.in_reporting_scope,
                    now
                ],
            )],
        )
        .await
        .map_err(|e| e.duplicate_as(&format!("会社コード {}", company.code), &format!("company code {}", company.code)))?;
        w.commit().await?;
        Ok(company)
    }

    /// Puts a company in or out of the group's reporting scope (story 1: Z社 was never put in).
    pub async fn set_company_reporting_scope(
        &self,
        actor: &Actor,
        code: &Code,
        in_scope: bool,
        reason: Option<&str>,
    ) -> Result<Company> {
        let before = self.company_by_code(actor, code).await?;
        check(actor, Action::Write, ORG, company_scope(before.id), COMPANY)?;
        let after = Company {
            in_reporting_scope: in_scope,
            ..before.clone()
        };
        let mut w = Write::begin(self, Who::of(actor)).await?;
        w.apply(
            Change::new(after.group, "update", "company", after.id)
                .before(&before)
                .after(&after)
                .reason(reason),
            vec![stmt(
                "UPDATE companies SET in_reporting_scope = $1 WHERE id = $2 AND group_id = $3 AND archived_at IS NULL",
                args![in_scope, t(after.id), t(after.group)],
            )],
        )
        .await?;
        w.commit().await?;
        Ok(after)
    }

    /// Archives an organisation record: it leaves every list, its history stays, and the
    /// reason is kept in the audit trail. Nothing in kamae is deleted.
    pub async fn archive_org_record(
        &self,
        actor: &Actor,
        record: OrgRecord,
        reason: Option<&str>,
    ) -> Result<()> {
        let reason = Some(kamae_core::text::required_reason(reason)?);
        let reason = reason.as_deref();
        // The record as it is (and where it lives), found through the same scoped reads
        // as any list, so that an invisible record is simply not found.
        let (kind, id, scope, before, sql): (
            &'static str,
            String,
            Scope,
            serde_json::Value,
            &'static str,
        ) = match &record {
            OrgRecord::Company(code) => {
                let c = self.company_by_code(actor, code).await?;
                (
                    "company",
                    c.id.to_string(),
                    company_scope(c.id),
                    serde_json::to_value(&c)?,
                    "UPDATE companies SET archived_at = $1 WHERE id = $2 AND group_id = $3 AND archived_at IS NULL",
                )
            }
            OrgRecord::Site(code) => {
                let x = self.site_by_code(actor, code).await?;
                (
                    "site",
                    x.id.to_string(),
                    Scope::Site {
                        company: x.company,
                        site: x.id,
                    },
                    serde_json::to_value(&x)?,
                    "UPDATE sites SET archived_at = $1 WHERE id = $2 AND group_id = $3 AND archived_at IS NULL",
                )
            }
            OrgRecord::Department(code) => {
                let x = self.department_by_code(actor, code).await?;
                (
                    "department",
                    x.id.to_string(),
                    Scope::Department {
                        company: x.company,
                        department: x.id,
                    },
                    serde_json::to_value(&x)?,
                    "UPDATE departments SET archived_at = $1 WHERE id = $2 AND group_id = $3 AND archived_at IS NULL",
                )
            }
            OrgRecord::Person(id) => {
                let x = self
                    .people(actor)
                    .await?
                    .into_iter()
                    .find(|p| p.id == *id)
                    .ok_or_else(|| StoreError::not_found(PERSON.0, PERSON.1))?;
                (
                    "person",
                    x.id.to_string(),
                    person_scope(&x),
                    serde_json::to_value(&x)?,
                    "UPDATE people SET archived_at = $1 WHERE id = $2 AND group_id = $3 AND archived_at IS NULL",
                )
            }
            OrgRecord::Relationship(id) => {
                let x = self
                    .business_relationships(actor)
                    .await?
                    .into_iter()
                    .find(|r| r.id == *id)
                    .ok_or_else(|| StoreError::not_found(RELATIONSHIP.0, RELATIONSHIP.1))?;
                (
                    "business_relationship",
                    x.id.to_string(),
                    Scope::Group,
                    serde_json::to_value(&x)?,
                    "UPDATE business_relationships SET archived_at = $1 WHERE id = $2 AND group_id = $3 AND archived_at IS NULL",
                )
            }
        };
        check(
            actor,
            Action::Write,
            ORG,
            scope,
            ("組織の記録", "organisation record"),
        )?;
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let now = w.now();
        // What still hangs on the record must go first, so that no list shows a site of an
        // archived company or a person of an archived department.
        let dependants: &[(&'static str, &str, &str)] = match kind {
            "company" => &[
                (
                    "SELECT COUNT(*) AS n FROM companies WHERE parent_id = $1 AND archived_at IS NULL",
                    "子会社",
                    "subsidiaries",
                ),
                (
                    "SELECT COUNT(*) AS n FROM sites WHERE company_id = $1 AND archived_at IS NULL",
                    "拠点",
                    "sites",
                ),
                (
                    "SELECT COUNT(*) AS n FROM departments WHERE company_id = $1 AND archived_at IS NULL",
                    "部門",
                    "departments",
                ),
                (
                    "SELECT COUNT(*) AS n FROM people WHERE company_id = $1 AND archived_at IS NULL",
                    "人員",
                    "people",
                ),
                (
                    "SELECT COUNT(*) AS n FROM security_staff WHERE company_id = $1 AND archived_at IS NULL",
                    "セキュリティ担当",
                    "security staff",
                ),
                (
                    "SELECT COUNT(*) AS n FROM business_relationships \
                     WHERE (company_a = $1 OR company_b = $1) AND archived_at IS NULL",
                    "取引関係",
                    "business relationships",
                ),
                (
                    "SELECT COUNT(*) AS n FROM grants WHERE scope_kind = 'company' AND scope_id = $1 \
                     AND revoked_at IS NULL",
                    "権限付与",
                    "grants",
                ),
                (
                    "SELECT COUNT(*) AS n FROM artifact_series WHERE company_id = $1 AND archived_at IS NULL",
                    "成果物",
                    "artifacts",
                ),
            ],
            "site" => &[(
                "SELECT COUNT(*) AS n FROM grants WHERE scope_kind = 'site' AND scope_id = $1 AND revoked_at IS NULL",
                "権限付与",
                "grants",
            )],
            "department" => &[
                (
                    "SELECT COUNT(*) AS n FROM people WHERE department_id = $1 AND archived_at IS NULL",
                    "人員",
                    "people",
                ),
                (
                    "SELECT COUNT(*) AS n FROM grants WHERE scope_kind = 'department' AND scope_id = $1 \
                     AND revoked_at IS NULL",
                    "権限付与",
                    "grants",
                ),
            ],
            _ => &[],
        };
        for (sql, ja, en) in dependants {
            let n = match w.fetch_optional(sql, args![id.clone()]).await? {
                Some(r) => r.int("n")?,
                None => 0,
            };
            if n > 0 {
                return Err(Problem::new(
                    "has_dependants",
                    format!(
                        "この記録にはまだ{ja}が{n}件あります。先にそれらをアーカイブ（権限付与は取り消し）してください"
                    ),
                    format!("this record still has {n} {en}; archive (or, for grants, revoke) them first"),
                )
                .into());
            }
        }
        if kind == "person" {
            let roles = w
                .fetch_all(
                    "SELECT id, group_id, company_id, person_id, role FROM security_staff \
                     WHERE person_id = $1 AND archived_at IS NULL",
                    args![id.clone()],
                )
                .await?;
            for r in &roles {
                let st = staff_from(r)?;
                w.apply(
                    Change::new(st.group, "archive", "security_staff", st.id)
                        .before(&st)
                        .after(&serde_json::json!({ "archived_at": now }))
                        .reason(reason),
                    vec![stmt(
                        "UPDATE security_staff SET archived_at = $1 WHERE id = $2 AND archived_at IS NULL",
                        args![now, t(st.id)],
                    )],
                )
                .await?;
            }
        }
        w.apply(
            Change::new(actor.group(), "archive", kind, &id)
                .before(&before)
                .after(&serde_json::json!({ "archived_at": now }))
                .reason(reason),
            vec![stmt(sql, args![now, id.clone(), t(actor.group())])],
        )
        .await?;
        w.commit().await
    }

    pub async fn sites(&self, actor: &Actor) -> Result<Vec<Site>> {
        let rows = self
            .db
            .fetch_all(
                "SELECT id, group_id, company_id, code, name, address, in_reporting_scope \
                 FROM sites WHERE group_id = $1 AND archived_at IS NULL ORDER BY code",
                args![t(actor.group())],
            )
            .await?;
        let mut out = Vec::new();
        for r in &rows {
            let s = site_from(r)?;
            let scope = Scope::Site {
                company: s.company,
                site: s.id,
            };
            if may_read(actor, ORG, scope) {
                out.push(s);
            }
        }
        out.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(out)
    }

    pub async fn add_site(&self, actor: &Actor, new: NewSite) -> Result<Site> {
        let company = self.company_by_code(actor, &new.company).await?;
        check(actor, Action::Write, ORG, company_scope(company.id), SITE)?;
        let site = Site {
            id: new_id(SiteId::from_uuid),
            group: actor.group(),
            company: company.id,
            code: new.code,
            name: required_text(&new.name, "拠点名", "site name")?,
            address: new.address.filter(|a| !a.trim().is_empty()),
            in_reporting_scope: new.in_reporting_scope,
        };
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let now = w.now();
        w.apply(
            Change::new(site.group, "create", "site", site.id).after(&site),
            vec![stmt(
                "INSERT INTO sites (id, group_id, company_id, code, name, address, in_reporting_scope, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                args![
                    t(site.id),
                    t(site.group),
                    t(site.company),
                    t(&site.code),
                    site.name.clone(),
                    site.address.clone(),
                    site.in_reporting_scope,
                    now
                ],
            )],
        )
        .await
        .map_err(|e| e.duplicate_as(&format!("拠点コード {}", site.code), &format!("site code {}", site.code)))?;
        w.commit().await?;
        Ok(site)
    }

    pub async fn departments(&self, actor: &Actor) -> Result<Vec<Department>> {
        let rows = self
            .db
            .fetch_all(
                "SELECT id, group_id, company_id, code, name, kind \
                 FROM departments WHERE group_id = $1 AND archived_at IS NULL ORDER BY code",
                args![t(actor.group())],
            )
            .await?;
        let mut out = Vec::new();
        for r in &rows {
            let d = department_from(r)?;
            let scope = Scope::Department {
                company: d.company,
                department: d.id,
            };
            if may_read(actor, ORG, scope) {
                out.push(d);
            }
        }
        out.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(out)
    }

    pub async fn department_by_code(&self, actor: &Actor, code: &Code) -> Result<Department> {
        self.departments(actor)
            .await?
            .into_iter()
            .find(|d| d.code == *code)
            .ok_or_else(|| StoreError::not_found(DEPARTMENT.0, DEPARTMENT.1))
    }

    pub async fn site_by_code(&self, actor: &Actor, code: &Code) -> Result<Site> {
        self.sites(actor)
            .await?
            .into_iter()
            .find(|s| s.code == *code)
            .ok_or_else(|| StoreError::not_found(SITE.0, SITE.1))
    }

    pub async fn add_department(&self, actor: &Actor, new: NewDepartment) -> Result<Department> {
        let company = self.company_by_code(actor, &new.company).await?;
        check(
            actor,
            Action::Write,
            ORG,
            company_scope(company.id),
            DEPARTMENT,
        )?;
        let dept = Department {
            id: new_id(DepartmentId::from_uuid),
            group: actor.group(),
            company: company.id,
            code: new.code,
            name: required_text(&new.name, "部門名", "department name")?,
            kind: new.kind,
        };
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let now = w.now();
        w.apply(
            Change::new(dept.group, "create", "department", dept.id).after(&dept),
            vec![stmt(
                "INSERT INTO departments (id, group_id, company_id, code, name, kind, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                args![
                    t(dept.id),
                    t(dept.group),
                    t(dept.company),
                    t(&dept.code),
                    dept.name.clone(),
                    dept.kind.as_str(),
                    now
                ],
            )],
        )
        .await
        .map_err(|e| {
            e.duplicate_as(
                &format!("部門コード {}", dept.code),
                &format!("department code {}", dept.code),
            )
        })?;
        w.commit().await?;
        Ok(dept)
    }

    pub async fn people(&self, actor: &Actor) -> Result<Vec<Person>> {
        let rows = self
            .db
            .fetch_all(
                "SELECT id, group_id, name, email, position, company_id, department_id \
                 FROM people WHERE group_id = $1 AND archived_at IS NULL ORDER BY name, id",
                args![t(actor.group())],
            )
            .await?;
        let mut out = Vec::new();
        for r in &rows {
            let p = person_from(r)?;
            if may_read(actor, ORG, person_scope(&p)) {
                out.push(p);
            }
        }
        out.sort_by(|a, b| (&a.name, a.id).cmp(&(&b.name, b.id)));
        Ok(out)
    }

    pub async fn add_person(&self, actor: &Actor, new: NewPerson) -> Result<Person> {
        let company = self.company_by_code(actor, &new.company).await?;
        let department = match &new.department {
            Some(code) => {
                let d = self.department_by_code(actor, code).await?;
                if d.company != company.id {
                    return Err(Problem::new(
                        "department_of_other_company",
                        format!(
                            "部門 {} は会社 {} の部門ではありません",
                            d.code, company.code
                        ),
                        format!(
                            "department {} does not belong to company {}",
                            d.code, company.code
                        ),
                    )
                    .into());
                }
                Some(d.id)
            }
            None => None,
        };
        let person = Person {
            id: new_id(PersonId::from_uuid),
            group: actor.group(),
            name: required_text(&new.name, "氏名", "name")?,
            email: new.email,
            position: new.position.filter(|p| !p.trim().is_empty()),
            company: company.id,
            department,
        };
        check(actor, Action::Write, ORG, person_scope(&person), PERSON)?;
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let now = w.now();
        w.apply(
            Change::new(person.group, "create", "person", person.id).after(&person),
            vec![stmt(
                "INSERT INTO people (id, group_id, name, email, position, company_id, department_id, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                args![
                    t(person.id),
                    t(person.group),
                    person.name.clone(),
                    ot(person.email.clone()),
                    person.position.clone(),
                    t(person.company),
                    ot(person.department),
                    now
                ],
            )],
        )
        .await
        .map_err(|e| {
            e.duplicate_as(
                "この会社に同じメールアドレスの人員",
                "a person of this company with this e-mail address",
            )
        })?;
        w.commit().await?;
        Ok(person)
    }

    pub async fn security_staff(&self, actor: &Actor) -> Result<Vec<SecurityStaff>> {
        let rows = self
            .db
            .fetch_all(
                "SELECT id, group_id, company_id, person_id, role FROM security_staff \
                 WHERE group_id = $1 AND archived_at IS NULL ORDER BY company_id, role, id",
                args![t(actor.group())],
            )
            .await?;
        let mut out = Vec::new();
        for r in &rows {
            let s = staff_from(r)?;
            if may_read(actor, ORG, company_scope(s.company)) {
                out.push(s);
            }
        }
        Ok(out)
    }

    /// Names a person as a company's security lead (replacing the current one, whose
    /// assignment is archived with the same reason) or as one of its practitioners.
    pub async fn assign_security_staff(
        &self,
        actor: &Actor,
        company: &Code,
        person: PersonId,
        role: StaffRole,
        reason: Option<&str>,
    ) -> Result<SecurityStaff> {
        let company = self.company_by_code(actor, company).await?;
        check(actor, Action::Write, ORG, company_scope(company.id), PERSON)?;
        let people = self.people(actor).await?;
        let p = people
            .iter()
            .find(|p| p.id == person)
            .ok_or_else(|| StoreError::not_found(PERSON.0, PERSON.1))?;
        let staff = SecurityStaff {
            id: new_id(StaffId::from_uuid),
            group: actor.group(),
            company: company.id,
            person: p.id,
            role,
        };
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let now = w.now();
        if role == StaffRole::Lead {
            let current = w
                .fetch_optional(
                    "SELECT id, group_id, company_id, person_id, role FROM security_staff \
                     WHERE company_id = $1 AND role = 'lead' AND archived_at IS NULL",
                    args![t(company.id)],
                )
                .await?;
            if let Some(row) = current {
                let old = staff_from(&row)?;
                let why = reason.unwrap_or("セキュリティ責任者の交代 / security lead replaced");
                w.apply(
                    Change::new(old.group, "archive", "security_staff", old.id)
                        .before(&old)
                        .reason(Some(why)),
                    vec![stmt(
                        "UPDATE security_staff SET archived_at = $1 WHERE id = $2 AND archived_at IS NULL",
                        args![now, t(old.id)],
                    )],
                )
                .await?;
            }
        }
        w.apply(
            Change::new(staff.group, "create", "security_staff", staff.id)
                .after(&staff)
                .reason(reason),
            vec![stmt(
                "INSERT INTO security_staff (id, group_id, company_id, person_id, role, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                args![t(staff.id), t(staff.group), t(staff.company), t(staff.person), role.as_str(), now],
            )],
        )
        .await?;
        w.commit().await?;
        Ok(staff)
    }

    /// Business relationships are group-level records: the cross-audit planner weighs them
    /// across companies, so they are read and written with a group-wide grant.
    pub async fn business_relationships(&self, actor: &Actor) -> Result<Vec<BusinessRelationship>> {
        if !may_read(actor, ORG, Scope::Group) {
            return Ok(Vec::new());
        }
        let rows = self
            .db
            .fetch_all(
                "SELECT id, group_id, company_a, company_b, weight, note FROM business_relationships \
                 WHERE group_id = $1 AND archived_at IS NULL ORDER BY company_a, company_b",
                args![t(actor.group())],
            )
            .await?;
        rows.iter().map(relationship_from).collect()
    }

    pub async fn add_business_relationship(
        &self,
        actor: &Actor,
        a: &Code,
        b: &Code,
        weight: i64,
        note: Option<String>,
    ) -> Result<BusinessRelationship> {
        check(actor, Action::Write, ORG, Scope::Group, RELATIONSHIP)?;
        let (ca, cb) = (
            self.company_by_code(actor, a).await?,
            self.company_by_code(actor, b).await?,
        );
        let rel = BusinessRelationship {
            id: new_id(RelationshipId::from_uuid),
            group: actor.group(),
            companies: BusinessRelationship::ordered(ca.id, cb.id)?,
            weight: BusinessRelationship::parse_weight(weight)?,
            note: note.filter(|n| !n.trim().is_empty()),
        };
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let now = w.now();
        w.apply(
            Change::new(rel.group, "create", "business_relationship", rel.id).after(&rel),
            vec![stmt(
                "INSERT INTO business_relationships (id, group_id, company_a, company_b, weight, note, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                args![
                    t(rel.id),
                    t(rel.group),
                    t(rel.companies.0),
                    t(rel.companies.1),
                    i64::from(rel.weight),
                    rel.note.clone(),
                    now
                ],
            )],
        )
        .await
        .map_err(|e| e.duplicate_as(&format!("{a} と {b} の取引関係"), &format!("a relationship between {a} and {b}")))?;
        w.commit().await?;
        Ok(rel)
    }

    /// `check org` for the actor's group, over what the actor may see.
    pub async fn check_org(&self, actor: &Actor) -> Result<Vec<OrgFinding>> {
        let companies = self.companies(actor).await?;
        let sites = self.sites(actor).await?;
        let staff = self.security_staff(actor).await?;
        let today = self.today(actor.group()).await?;
        Ok(check_org(&companies, &sites, &staff, today))
    }
}
