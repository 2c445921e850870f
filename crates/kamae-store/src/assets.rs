//! The information-asset inventory (role E, step 3). An asset lives at its company (or its
//! department) and is read and written like the risk_assessment artifact there: a company's
//! security lead keeps their own company's, the CISO office the group's.

use std::collections::HashMap;

use kamae_core::Problem;
use kamae_core::access::{Action, Actor, RecordKind, Scope};
use kamae_core::artifact::ArtifactKind;
use kamae_core::ids::{AssetId, CompanyId, DepartmentId};
use kamae_core::risk::{AssetKind, InformationAsset};
use kamae_core::text::Code;
use serde::Serialize;

use crate::db::{Row, args, ot, t};
use crate::write::{Change, Who, Write, stmt};
use crate::{Result, Store, may_read};

const ASSET: RecordKind = RecordKind::Artifact(ArtifactKind::RiskAssessment);

/// What importing an inventory did, or with a dry run would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssetImport {
    pub dry_run: bool,
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub unchanged: usize,
}

fn scope_of(company: CompanyId, department: Option<DepartmentId>) -> Scope {
    match department {
        Some(department) => Scope::Department {
            company,
            department,
        },
        None => Scope::Company { company },
    }
}

fn allowed(actor: &Actor, action: Action, scope: Scope) -> bool {
    use kamae_core::access::{Decision, Resource, authorize};
    authorize(
        actor,
        action,
        &Resource {
            group: actor.group(),
            kind: ASSET,
            scope,
        },
    ) == Decision::Allow
}

fn asset_from(r: &Row) -> Result<InformationAsset> {
    Ok(InformationAsset {
        code: Code::parse(&r.text("code")?)?,
        company: Code::parse(&r.text("company_code")?)?,
        department: r
            .opt_text("department_code")?
            .map(|d| Code::parse(&d))
            .transpose()?,
        name: r.text("name")?,
        kind: AssetKind::parse(&r.text("kind")?)?,
        owner: r.text("owner")?,
        classification: r.text("classification")?,
        confidentiality: u8::try_from(r.int("confidentiality")?).unwrap_or(0),
        integrity: u8::try_from(r.int("integrity")?).unwrap_or(0),
        availability: u8::try_from(r.int("availability")?).unwrap_or(0),
        location: r.text("location")?,
        operations: serde_json::from_str(&r.text("operations")?)?,
        note: r.text("note")?,
    })
}

const SELECT: &str = "SELECT a.id, a.code, a.company_id, a.department_id, c.code AS company_code, d.code AS department_code, \
     a.name, a.kind, a.owner, a.classification, a.confidentiality, a.integrity, a.availability, a.location, a.operations, a.note \
     FROM information_assets a JOIN companies c ON c.id = a.company_id \
     LEFT JOIN departments d ON d.id = a.department_id \
     WHERE a.group_id = $1 AND a.archived_at IS NULL ORDER BY a.code";

impl Store {
    /// The assets the actor can see, by id.
    pub async fn assets(&self, actor: &Actor) -> Result<Vec<InformationAsset>> {
        let mut out = Vec::new();
        for r in self.db.fetch_all(SELECT, args![t(actor.group())]).await? {
            let scope = scope_of(r.parse("company_id")?, r.opt_parse("department_id")?);
            if may_read(actor, ASSET, scope) {
                out.push(asset_from(&r)?);
            }
        }
        Ok(out)
    }

    /// Imports an inventory, all or nothing: each asset is added, or changes the asset of
    /// the same id; assets the file does not name stay as they are. Every row must name a
    /// company (and department) the actor may keep assets for.
    pub async fn import_assets(
        &self,
        actor: &Actor,
        assets: Vec<InformationAsset>,
        dry_run: bool,
    ) -> Result<AssetImport> {
        let companies: HashMap<String, CompanyId> = self
            .db
            .fetch_all(
                "SELECT id, code FROM companies WHERE group_id = $1 AND archived_at IS NULL",
                args![t(actor.group())],
            )
            .await?
            .iter()
            .map(|r| Ok((r.text("code")?, r.parse("id")?)))
            .collect::<Result<_>>()?;
        let departments: HashMap<String, (CompanyId, DepartmentId)> = self
            .db
            .fetch_all(
                "SELECT id, company_id, code FROM departments WHERE group_id = $1 AND archived_at IS NULL",
                args![t(actor.group())],
            )
            .await?
            .iter()
            .map(|r| Ok((r.text("code")?, (r.parse("company_id")?, r.parse("id")?))))
            .collect::<Result<_>>()?;
        let existing: HashMap<String, (AssetId, Scope, InformationAsset)> = {
            let mut m = HashMap::new();
            for r in self.db.fetch_all(SELECT, args![t(actor.group())]).await? {
                let scope = scope_of(r.parse("company_id")?, r.opt_parse("department_id")?);
                let a = asset_from(&r)?;
                m.insert(a.code.to_string(), (r.parse("id")?, scope, a));
            }
            m
        };
        let mut ja = Vec::new();
        let mut en = Vec::new();
        let mut placed = Vec::new();
        for a in &assets {
            let mut bad = |field_ja: &str, field_en: &str, p: Problem| {
                ja.push(format!("資産ID {} の「{field_ja}」: {}", a.code, p.ja));
                en.push(format!("asset {}, field {field_en}: {}", a.code, p.en));
            };
            for (field, p) in a.check() {
                bad(field, field, p);
            }
            let Some(company) = companies.get(a.company.as_str()).copied() else {
                bad("会社", "company", unknown_company(&a.company));
                continue;
            };
            let department = match &a.department {
                None => None,
                Some(d) => match departments.get(d.as_str()) {
                    Some((c, id)) if *c == company => Some(*id),
                    _ => {
                        bad(
                            "部門",
                            "department",
                            Problem::new(
                                "unknown_department",
                                format!("会社 {} に部門 {d} はありません", a.company),
                                format!("company {} has no department {d}", a.company),
                            ),
                        );
                        continue;
                    }
                },
            };
            let scope = scope_of(company, department);
            if !allowed(actor, Action::Write, scope) {
                // Out of reach reads the same as unknown, so that nothing leaks.
                bad("会社", "company", unknown_company(&a.company));
                continue;
            }
            if let Some((_, old_scope, _)) = existing.get(a.code.as_str())
                && !allowed(actor, Action::Write, *old_scope)
            {
                bad(
                    "資産ID",
                    "asset id",
                    Problem::new(
                        "asset_id_taken",
                        format!("資産ID {} は別の会社で使われています", a.code),
                        format!("asset id {} is used at another company", a.code),
                    ),
                );
                continue;
            }
            placed.push((a, company, department));
        }
        if !ja.is_empty() {
            return Err(Problem::new("invalid_assets", ja.join("\n"), en.join("\n")).into());
        }
        let mut report = AssetImport {
            dry_run,
            added: Vec::new(),
            changed: Vec::new(),
            unchanged: 0,
        };
        for (a, _, _) in &placed {
            match existing.get(a.code.as_str()) {
                Some((_, _, old)) if old == *a => report.unchanged += 1,
                Some(_) => report.changed.push(a.code.to_string()),
                None => report.added.push(a.code.to_string()),
            }
        }
        if dry_run || (report.added.is_empty() && report.changed.is_empty()) {
            return Ok(report);
        }
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let now = w.now();
        for (a, company, department) in placed {
            // The asset's own fields, bound as $1–$12 by the update and the insert alike.
            let fields = args![
                t(company),
                ot(department),
                a.name.clone(),
                a.kind.as_str(),
                a.owner.clone(),
                a.classification.clone(),
                i64::from(a.confidentiality),
                i64::from(a.integrity),
                i64::from(a.availability),
                a.location.clone(),
                serde_json::to_string(&a.operations)?,
                a.note.clone()
            ];
            match existing.get(a.code.as_str()) {
                Some((_, _, old)) if old == a => {}
                Some((id, _, old)) => {
                    let mut bound = fields;
                    bound.extend(args![t(id), t(actor.group())]);
                    w.apply(
                        Change::new(actor.group(), "update", "information_asset", id).before(old).after(a),
                        vec![stmt(
                            "UPDATE information_assets SET company_id = $1, department_id = $2, name = $3, kind = $4, \
                             owner = $5, classification = $6, confidentiality = $7, integrity = $8, availability = $9, \
                             location = $10, operations = $11, note = $12 WHERE id = $13 AND group_id = $14",
                            bound,
                        )],
                    )
                    .await?;
                }
                None => {
                    let id = crate::new_id(AssetId::from_uuid);
                    let mut bound = fields;
                    bound.extend(args![t(id), t(actor.group()), a.code.as_str(), now]);
                    w.apply(
                        Change::new(actor.group(), "create", "information_asset", id).after(a),
                        vec![stmt(
                            "INSERT INTO information_assets (company_id, department_id, name, kind, owner, \
                             classification, confidentiality, integrity, availability, location, operations, note, \
                             id, group_id, code, created_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
                            bound,
                        )],
                    )
                    .await?;
                }
            }
        }
        w.commit().await?;
        Ok(report)
    }
}

fn unknown_company(code: &Code) -> Problem {
    Problem::new(
        "unknown_company",
        format!("会社 {code} が見つからないか、この会社の資産を書く権限がありません"),
        format!("company {code} is not found, or you may not keep its assets"),
    )
}
