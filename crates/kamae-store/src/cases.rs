//! Role C's case library in the store: public incidents the whole group reads (group
//! reference, kept by the CISO office), changed in place (the audit trail keeps earlier
//! wording) and archived with a reason, never deleted, so a case a business case cited stays.

use kamae_core::Problem;
use kamae_core::access::{Action, Actor, RecordKind, Scope};
use kamae_core::cases::IncidentCase;
use kamae_core::text::{Code, required_reason};

use crate::db::{Row, args, t};
use crate::write::{Change, Who, Write, stmt};
use crate::{Result, Store, StoreError, check};

const KIND: RecordKind = RecordKind::GroupReference;
const WHAT: (&str, &str) = ("公開事例", "public incident case");

macro_rules! case_columns {
    () => {
        "code, title, sector, size, cause, damage, damage_yen, people, source, occurred_on"
    };
}

fn case_from(r: &Row) -> Result<IncidentCase> {
    Ok(IncidentCase {
        code: Code::parse(&r.text("code")?)?,
        title: r.text("title")?,
        sector: r.text("sector")?,
        size: r.text("size")?,
        cause: r.text("cause")?,
        damage: r.text("damage")?,
        damage_yen: r.opt_int("damage_yen")?,
        people: r.opt_int("people")?,
        source: r.text("source")?,
        occurred_on: r.date("occurred_on")?,
    })
}

impl Store {
    /// The library's cases in use, the most recent incident first.
    pub async fn incident_cases(&self, actor: &Actor) -> Result<Vec<IncidentCase>> {
        check(actor, Action::Read, KIND, Scope::Group, WHAT)?;
        self.db
            .fetch_all(
                concat!(
                    "SELECT ",
                    case_columns!(),
                    " FROM incident_cases WHERE group_id = $1 AND archived_at IS NULL ORDER BY occurred_on DESC, code"
                ),
                args![t(actor.group())],
            )
            .await?
            .iter()
            .map(case_from)
            .collect()
    }

    /// One case by its code, archived or not (a citation stays readable).
    pub async fn incident_case(&self, actor: &Actor, code: &str) -> Result<(IncidentCase, bool)> {
        check(actor, Action::Read, KIND, Scope::Group, WHAT)?;
        let r = self
            .db
            .fetch_optional(
                concat!(
                    "SELECT ",
                    case_columns!(),
                    ", archived_at FROM incident_cases WHERE group_id = $1 AND code = $2 ORDER BY created_at DESC LIMIT 1"
                ),
                args![t(actor.group()), code.trim().to_ascii_uppercase()],
            )
            .await?
            .ok_or_else(|| StoreError::not_found(WHAT.0, WHAT.1))?;
        Ok((case_from(&r)?, r.opt_instant("archived_at")?.is_some()))
    }

    /// Adds a case, or changes the one of the same code; the same content again changes
    /// nothing.
    pub async fn save_incident_case(
        &self,
        actor: &Actor,
        mut case: IncidentCase,
    ) -> Result<IncidentCase> {
        check(actor, Action::Write, KIND, Scope::Group, WHAT)?;
        // Codes are cited by hand; case-2017-01 and CASE-2017-01 are one case.
        case.code = Code::parse(&case.code.as_str().to_ascii_uppercase())?;
        if let Some(p) = Problem::all("invalid_case", &case.check()) {
            return Err(p.into());
        }
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let existing = w
            .fetch_optional(
                concat!(
                    "SELECT id, ",
                    case_columns!(),
                    " FROM incident_cases WHERE group_id = $1 AND code = $2 AND archived_at IS NULL"
                ),
                args![t(actor.group()), case.code.as_str()],
            )
            .await?;
        let values = |id: String| {
            args![
                id,
                t(actor.group()),
                case.code.as_str(),
                case.title.trim(),
                case.sector.trim(),
                case.size.trim(),
                case.cause.trim(),
                case.damage.trim(),
                case.damage_yen,
                case.people,
                case.source.trim(),
                case.occurred_on
            ]
        };
        match existing {
            Some(r) => {
                let before = case_from(&r)?;
                if before == case {
                    return Ok(case);
                }
                let id = r.text("id")?;
                w.apply(
                    Change::new(actor.group(), "update", "incident_case", &id)
                        .before(&before)
                        .after(&case),
                    vec![stmt(
                        "UPDATE incident_cases SET title = $4, sector = $5, size = $6, cause = $7, damage = $8, \
                         damage_yen = $9, people = $10, source = $11, occurred_on = $12 \
                         WHERE id = $1 AND group_id = $2 AND code = $3",
                        values(id.clone()),
                    )],
                )
                .await?;
            }
            None => {
                let id = uuid::Uuid::now_v7().to_string();
                let now = w.now();
                let mut bound = values(id.clone());
                bound.push(now.into());
                w.apply(
                    Change::new(actor.group(), "create", "incident_case", &id).after(&case),
                    vec![stmt(
                        concat!(
                            "INSERT INTO incident_cases (id, group_id, ",
                            case_columns!(),
                            ", created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
                        ),
                        bound,
                    )],
                )
                .await?;
            }
        }
        w.commit().await?;
        Ok(case)
    }

    /// Takes a case out of the library, with the reason; it stays readable where cited.
    pub async fn archive_incident_case(
        &self,
        actor: &Actor,
        code: &str,
        reason: &str,
    ) -> Result<()> {
        check(actor, Action::Write, KIND, Scope::Group, WHAT)?;
        let reason = required_reason(Some(reason))?;
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let r = w
            .fetch_optional(
                "SELECT id FROM incident_cases WHERE group_id = $1 AND code = $2 AND archived_at IS NULL",
                args![t(actor.group()), code.trim().to_ascii_uppercase()],
            )
            .await?
            .ok_or_else(|| StoreError::not_found(WHAT.0, WHAT.1))?;
        let id = r.text("id")?;
        let now = w.now();
        w.apply(
            Change::new(actor.group(), "archive", "incident_case", &id)
                .reason(Some(&reason))
                .before(&serde_json::json!({"code": code.trim()})),
            vec![stmt(
                "UPDATE incident_cases SET archived_at = $1 WHERE id = $2 AND group_id = $3",
                args![now, id.clone(), t(actor.group())],
            )],
        )
        .await?;
        w.commit().await
    }
}

/// Checks that every case a business case cites is in the library (archived ones count: a
/// citation made before stays valid), inside a write.
pub(crate) async fn check_cited(
    w: &mut Write,
    actor: &Actor,
    cited: &[(String, String)],
) -> Result<()> {
    let mut problems = Vec::new();
    for (path, code) in cited {
        let found = w
            .fetch_optional(
                "SELECT id FROM incident_cases WHERE group_id = $1 AND code = $2",
                args![t(actor.group()), code.trim().to_ascii_uppercase()],
            )
            .await?
            .is_some();
        if !found {
            problems.push(Problem::new(
                "unknown_case",
                format!("{path}: 事例 {code:?} はライブラリにありません"),
                format!("{path}: the library has no case {code:?}"),
            ));
        }
    }
    match Problem::all("invalid_business_case", &problems) {
        Some(p) => Err(p.into()),
        None => Ok(()),
    }
}
