//! Advice to departments in the store: the department's request with its documents, the
//! advice the CISO office gave, its follow-ups, and the items of the standard and the risks it
//! touches. A record lives at its department: the department's people and the company's and
//! group's security staff see it.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use kamae_core::Problem;
use kamae_core::access::{Action, Actor, RecordKind, Scope};
use kamae_core::artifact::ArtifactKind;
use kamae_core::ids::{AdviceId, CompanyId, DepartmentId};
use kamae_core::rules::{
    AdviceStatus, DocumentRef, FollowUp, FollowUpStatus, RequestKind, check_advice,
};
use kamae_core::text::{Code, required_reason, required_text};
use serde::Serialize;

use crate::db::{Row, args, t};
use crate::write::{Change, Who, Write, stmt};
use crate::{Result, Store, StoreError, check, may_read};

/// Advice is role D's "advice to departments"; access follows that artifact's column.
pub const ADVICE: RecordKind = RecordKind::Artifact(ArtifactKind::AdviceToDepartments);
const WHAT: (&str, &str) = ("助言", "advice");

/// What the writer gives.
#[derive(Debug, Clone)]
pub struct NewAdvice {
    pub department: Code,
    pub kind: RequestKind,
    pub title: String,
    pub request: String,
    pub documents: Vec<DocumentRef>,
    pub requested_on: NaiveDate,
    /// Empty until the advice is given.
    pub advice: String,
    pub advised_on: Option<NaiveDate>,
    /// Item codes of the approved standard it touches.
    pub items: Vec<Code>,
    /// The risks it touches, in words (role E's register links them to risk records).
    pub risks: Vec<String>,
    pub follow_ups: Vec<FollowUp>,
}

/// A piece of advice as read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdviceView {
    pub id: AdviceId,
    pub company: CompanyId,
    pub company_name: String,
    pub department: DepartmentId,
    pub department_code: String,
    pub department_name: String,
    pub kind: RequestKind,
    pub title: String,
    pub request: String,
    pub documents: Vec<DocumentRef>,
    pub requested_on: NaiveDate,
    pub advice: String,
    pub advised_on: Option<NaiveDate>,
    pub items: Vec<String>,
    pub risks: Vec<String>,
    pub follow_ups: Vec<FollowUp>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub archived: bool,
    pub status: AdviceStatus,
    /// How many open follow-ups are past their date.
    pub overdue: usize,
}

fn scope_of(company: CompanyId, department: DepartmentId) -> Scope {
    Scope::Department {
        company,
        department,
    }
}

impl Store {
    /// Checks everything a writer gave, every problem at once; returns the department.
    async fn check_advice(
        &self,
        actor: &Actor,
        new: &NewAdvice,
    ) -> Result<(kamae_core::org::Department, String)> {
        let department = self.department_by_code(actor, &new.department).await?;
        check(
            actor,
            Action::Write,
            ADVICE,
            scope_of(department.company, department.id),
            WHAT,
        )?;
        let mut ja = Vec::new();
        let mut en = Vec::new();
        let mut push = |field: &str, p: Problem| {
            ja.push(format!("{field}: {}", p.ja));
            en.push(format!("{field}: {}", p.en));
        };
        let title = required_text(&new.title, "件名", "title")
            .map_err(|p| push("title", p))
            .unwrap_or_default();
        if new.request.trim().is_empty() {
            push(
                "request",
                Problem::new(
                    "required",
                    "依頼の内容を書いてください",
                    "the request is required",
                ),
            );
        }
        for (field, p) in check_advice(
            &new.advice,
            new.advised_on,
            new.requested_on,
            &new.follow_ups,
            &new.documents,
        ) {
            push(&field, p);
        }
        if !new.items.is_empty() {
            let standard = self.current_standard(actor).await?;
            for code in &new.items {
                let known = standard
                    .as_ref()
                    .is_some_and(|s| s.items.iter().any(|i| i.code == *code));
                if !known {
                    push(
                        "items",
                        Problem::new(
                            "unknown_item",
                            format!("項目 {code} は承認された基準にありません"),
                            format!("item {code} is not in the approved standard"),
                        ),
                    );
                }
            }
        }
        if !ja.is_empty() {
            return Err(Problem::new("invalid_advice", ja.join("\n"), en.join("\n")).into());
        }
        Ok((department, title))
    }

    fn advice_after(new: &NewAdvice, title: &str) -> serde_json::Value {
        serde_json::json!({
            "department": new.department, "kind": new.kind.as_str(), "title": title,
            "request": new.request.trim(), "documents": new.documents, "requested_on": new.requested_on,
            "advice": new.advice.trim(), "advised_on": new.advised_on, "items": new.items,
            "risks": new.risks, "follow_ups": new.follow_ups,
        })
    }

    async fn write_follow_ups(
        w: &mut Write,
        actor: &Actor,
        id: AdviceId,
        old: &[FollowUp],
        follow_ups: &[FollowUp],
    ) -> Result<()> {
        // Every statement of an audited change must touch a row: delete only what exists.
        let mut rows = Vec::new();
        if !old.is_empty() {
            rows.push(stmt(
                "DELETE FROM advice_follow_ups WHERE advice_id = $1 AND group_id = $2",
                args![t(id), t(actor.group())],
            ));
        }
        for (i, f) in follow_ups.iter().enumerate() {
            rows.push(stmt(
                "INSERT INTO advice_follow_ups (advice_id, group_id, position, what, owner, due_on, status, note) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                args![
                    t(id),
                    t(actor.group()),
                    i as i64,
                    f.what.trim().to_owned(),
                    f.owner.trim().to_owned(),
                    f.due_on,
                    f.status.as_str(),
                    f.note.trim().to_owned()
                ],
            ));
        }
        if rows.is_empty() {
            return Ok(());
        }
        w.apply(
            Change::new(actor.group(), "set", "advice_follow_ups", id)
                .before(&old)
                .after(&follow_ups),
            rows,
        )
        .await
    }

    /// Records a department's request (and, when given, the advice).
    pub async fn record_advice(&self, actor: &Actor, new: NewAdvice) -> Result<AdviceView> {
        let (department, title) = self.check_advice(actor, &new).await?;
        let id = crate::new_id(AdviceId::from_uuid);
        let who = actor
            .user()
            .map(|u| u.to_string())
            .unwrap_or_else(|| "system".to_owned());
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let now = w.now();
        w.apply(
            Change::new(actor.group(), "create", "advice", id).after(&Self::advice_after(&new, &title)),
            vec![stmt(
                "INSERT INTO advice (id, group_id, company_id, department_id, request_kind, title, request, documents, \
                 requested_on, advice, advised_on, items, risks, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
                args![
                    t(id),
                    t(actor.group()),
                    t(department.company),
                    t(department.id),
                    new.kind.as_str(),
                    title,
                    new.request.trim().to_owned(),
                    serde_json::to_string(&new.documents)?,
                    new.requested_on,
                    new.advice.trim().to_owned(),
                    new.advised_on,
                    serde_json::to_string(&new.items)?,
                    serde_json::to_string(&new.risks)?,
                    who,
                    now
                ],
            )],
        )
        .await?;
        if !new.follow_ups.is_empty() {
            Self::write_follow_ups(&mut w, actor, id, &[], &new.follow_ups).await?;
        }
        w.commit().await?;
        self.advice(actor, id).await
    }

    /// Changes a piece of advice (adds the advice, follow-ups, documents…); the department
    /// stays. Every change is in its history.
    pub async fn edit_advice(
        &self,
        actor: &Actor,
        id: AdviceId,
        new: NewAdvice,
    ) -> Result<AdviceView> {
        let old = self.advice(actor, id).await?;
        check(
            actor,
            Action::Write,
            ADVICE,
            scope_of(old.company, old.department),
            WHAT,
        )?;
        let (department, title) = self.check_advice(actor, &new).await?;
        if department.id != old.department {
            return Err(Problem::new(
                "other_department",
                "助言の部門は変えられません",
                "the department of a piece of advice cannot change",
            )
            .into());
        }
        if old.archived {
            return Err(
                Problem::new("archived", "終了した助言です", "this advice has ended").into(),
            );
        }
        let mut w = Write::begin(self, Who::of(actor)).await?;
        w.apply(
            Change::new(actor.group(), "update", "advice", id)
                .before(&serde_json::json!({
                    "kind": old.kind.as_str(), "title": old.title, "request": old.request, "documents": old.documents,
                    "requested_on": old.requested_on, "advice": old.advice, "advised_on": old.advised_on,
                    "items": old.items, "risks": old.risks,
                }))
                .after(&Self::advice_after(&new, &title)),
            vec![stmt(
                "UPDATE advice SET request_kind = $1, title = $2, request = $3, documents = $4, requested_on = $5, \
                 advice = $6, advised_on = $7, items = $8, risks = $9 WHERE id = $10 AND group_id = $11",
                args![
                    new.kind.as_str(),
                    title,
                    new.request.trim().to_owned(),
                    serde_json::to_string(&new.documents)?,
                    new.requested_on,
                    new.advice.trim().to_owned(),
                    new.advised_on,
                    serde_json::to_string(&new.items)?,
                    serde_json::to_string(&new.risks)?,
                    t(id),
                    t(actor.group())
                ],
            )],
        )
        .await?;
        if new.follow_ups != old.follow_ups {
            Self::write_follow_ups(&mut w, actor, id, &old.follow_ups, &new.follow_ups).await?;
        }
        w.commit().await?;
        self.advice(actor, id).await
    }

    /// Records where one follow-up stands (done, dropped, or open again) with a note.
    pub async fn set_follow_up(
        &self,
        actor: &Actor,
        id: AdviceId,
        position: usize,
        status: FollowUpStatus,
        note: &str,
    ) -> Result<AdviceView> {
        let a = self.advice(actor, id).await?;
        check(
            actor,
            Action::Write,
            ADVICE,
            scope_of(a.company, a.department),
            WHAT,
        )?;
        let f = a
            .follow_ups
            .get(position)
            .ok_or_else(|| StoreError::not_found("フォローアップ", "follow-up"))?;
        let after = FollowUp {
            status,
            note: note.trim().to_owned(),
            ..f.clone()
        };
        if &after == f {
            return Ok(a);
        }
        let mut w = Write::begin(self, Who::of(actor)).await?;
        w.apply(
            Change::new(actor.group(), "update", "advice_follow_up", format!("{id}:{position}"))
                .before(f)
                .after(&after),
            vec![stmt(
                "UPDATE advice_follow_ups SET status = $1, note = $2 WHERE advice_id = $3 AND position = $4 AND group_id = $5",
                args![status.as_str(), after.note.clone(), t(id), position as i64, t(actor.group())],
            )],
        )
        .await?;
        w.commit().await?;
        self.advice(actor, id).await
    }

    /// Ends a piece of advice (a request withdrawn, a business dropped), with the reason.
    pub async fn archive_advice(&self, actor: &Actor, id: AdviceId, reason: &str) -> Result<()> {
        let a = self.advice(actor, id).await?;
        check(
            actor,
            Action::Write,
            ADVICE,
            scope_of(a.company, a.department),
            WHAT,
        )?;
        let reason = required_reason(Some(reason))?;
        if a.archived {
            return Ok(());
        }
        self.archive_record(
            actor,
            "advice",
            id,
            "UPDATE advice SET archived_at = $1 WHERE id = $2 AND group_id = $3",
            serde_json::json!({"title": a.title, "status": a.status}),
            &reason,
        )
        .await
    }

    pub async fn advice(&self, actor: &Actor, id: AdviceId) -> Result<AdviceView> {
        self.advice_views(actor, Some(id))
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| StoreError::not_found(WHAT.0, WHAT.1))
    }

    /// Every piece of advice the actor may see, newest request first.
    pub async fn advice_list(&self, actor: &Actor) -> Result<Vec<AdviceView>> {
        self.advice_views(actor, None).await
    }

    async fn advice_views(&self, actor: &Actor, only: Option<AdviceId>) -> Result<Vec<AdviceView>> {
        let g = t(actor.group());
        let filter = only.map(|i| i.to_string()).unwrap_or_default();
        let rows = self
            .db
            .fetch_all(
                "SELECT a.id, a.company_id, c.name AS company_name, a.department_id, d.code AS department_code, \
                 d.name AS department_name, a.request_kind, a.title, a.request, a.documents, a.requested_on, a.advice, \
                 a.advised_on, a.items, a.risks, a.created_by, a.created_at, a.archived_at \
                 FROM advice a JOIN companies c ON c.id = a.company_id JOIN departments d ON d.id = a.department_id \
                 WHERE a.group_id = $1 AND ($2 = '' OR a.id = $2) ORDER BY a.requested_on DESC, a.id DESC",
                args![g.clone(), filter.clone()],
            )
            .await?;
        let visible: Vec<&Row> = rows
            .iter()
            .filter(|r| {
                matches!(
                    (r.parse::<CompanyId>("company_id"), r.parse::<DepartmentId>("department_id")),
                    (Ok(c), Ok(d)) if may_read(actor, ADVICE, scope_of(c, d))
                )
            })
            .collect();
        if visible.is_empty() {
            return Ok(Vec::new());
        }
        let mut follow_ups: HashMap<String, Vec<(i64, FollowUp)>> = HashMap::new();
        for r in self
            .db
            .fetch_all(
                "SELECT advice_id, position, what, owner, due_on, status, note FROM advice_follow_ups \
                 WHERE group_id = $1 AND ($2 = '' OR advice_id = $2)",
                args![g, filter],
            )
            .await?
        {
            follow_ups.entry(r.text("advice_id")?).or_default().push((
                r.int("position")?,
                FollowUp {
                    what: r.text("what")?,
                    owner: r.text("owner")?,
                    due_on: r.opt_date("due_on")?.unwrap_or_default(),
                    status: FollowUpStatus::parse(&r.text("status")?)?,
                    note: r.text("note")?,
                },
            ));
        }
        let today = self.today(actor.group()).await?;
        let mut out = Vec::new();
        for r in visible {
            let id = r.text("id")?;
            let mut list = follow_ups.remove(&id).unwrap_or_default();
            list.sort_by_key(|(p, _)| *p);
            let follow_ups: Vec<FollowUp> = list.into_iter().map(|(_, f)| f).collect();
            let advice = r.text("advice")?;
            let archived = r.opt_instant("archived_at")?.is_some();
            out.push(AdviceView {
                id: r.parse("id")?,
                company: r.parse("company_id")?,
                company_name: r.text("company_name")?,
                department: r.parse("department_id")?,
                department_code: r.text("department_code")?,
                department_name: r.text("department_name")?,
                kind: RequestKind::parse(&r.text("request_kind")?)?,
                title: r.text("title")?,
                request: r.text("request")?,
                documents: serde_json::from_str(&r.text("documents")?)?,
                requested_on: r.opt_date("requested_on")?.unwrap_or_default(),
                status: AdviceStatus::of(!advice.is_empty(), &follow_ups, archived),
                overdue: follow_ups.iter().filter(|f| f.overdue(today)).count(),
                advice,
                advised_on: r.opt_date("advised_on")?,
                items: serde_json::from_str(&r.text("items")?)?,
                risks: serde_json::from_str(&r.text("risks")?)?,
                follow_ups,
                created_by: r.text("created_by")?,
                created_at: r.instant("created_at")?,
                archived,
            });
        }
        Ok(out)
    }
}
