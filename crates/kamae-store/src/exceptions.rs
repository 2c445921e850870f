//! Exceptions and transitional measures in the store: written at a company, approved by the
//! authority their items' tier requires, in force between their dates, listed for whoever
//! must act, and — once expired — non-compliance.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use kamae_core::Problem;
use kamae_core::access::{Action, Actor, RecordKind, Scope};
use kamae_core::approval::{ApprovalState, ApprovalStep};
use kamae_core::ids::{CompanyId, ExceptionId};
use kamae_core::rules::{
    ExceptionFacts, ExceptionKind, ExceptionList, ExceptionStatus, Milestone, Tier, check_plan,
    lists_of,
};
use kamae_core::text::{Code, required_reason, required_text};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::approval::{self, Approval};
use crate::db::{Row, args, t};
use crate::write::{Change, Who, Write, stmt};
use crate::{Result, Store, StoreError, check, may_read};

const WHAT: (&str, &str) = ("例外・移行措置", "exception");

fn kind_of(group_mandatory: bool) -> RecordKind {
    RecordKind::Exception { group_mandatory }
}

fn document_kind(group_mandatory: bool) -> &'static str {
    if group_mandatory {
        "exception_to_group_mandatory_item"
    } else {
        "exception_to_company_mandatory_item"
    }
}

/// What the writer gives: an exception to write or to change.
#[derive(Debug, Clone)]
pub struct NewException {
    pub company: Code,
    pub kind: ExceptionKind,
    pub title: String,
    pub items: Vec<Code>,
    /// Some sites of the company; none means the whole company.
    pub sites: Vec<Code>,
    pub reason: String,
    pub compensating: String,
    pub starts_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub milestones: Vec<Milestone>,
    /// The exception this one continues after its expiry.
    pub renews: Option<ExceptionId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExceptionItem {
    pub code: String,
    pub tier: Tier,
    /// The item's title in the standard's approved version (empty if no longer there).
    pub title: String,
}

/// An exception as it is read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExceptionView {
    pub id: ExceptionId,
    pub company: CompanyId,
    pub company_code: String,
    pub company_name: String,
    pub kind: ExceptionKind,
    pub title: String,
    pub items: Vec<ExceptionItem>,
    /// (code, name) of the sites; empty for the whole company.
    pub sites: Vec<(String, String)>,
    pub reason: String,
    pub compensating: String,
    pub starts_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub milestones: Vec<Milestone>,
    pub group_mandatory: bool,
    pub renews: Option<ExceptionId>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub archived: bool,
    pub approval: Approval,
    /// Where it stands today in the group's calendar.
    pub status: ExceptionStatus,
    pub lists: Vec<ExceptionList>,
    /// Days until the expiry (negative once past).
    pub days_left: i64,
}

impl ExceptionView {
    /// Who accepted the risk: the approver, once approved.
    pub fn accepted_by(&self) -> Option<&str> {
        (self.approval.state == ApprovalState::Approved)
            .then_some(self.approval.decided_by.as_deref())
            .flatten()
    }
}

/// The approved content, bound by its hash to the approval (milestones' done dates are
/// progress, not content).
fn content_hash(e: &ExceptionView) -> String {
    let plan: Vec<(&str, &str, NaiveDate)> = e
        .milestones
        .iter()
        .map(|m| (m.what.as_str(), m.owner.as_str(), m.due_on))
        .collect();
    let items: Vec<&str> = e.items.iter().map(|i| i.code.as_str()).collect();
    let sites: Vec<&str> = e.sites.iter().map(|s| s.0.as_str()).collect();
    let content = serde_json::json!({
        "kind": e.kind.as_str(), "title": e.title, "items": items, "sites": sites,
        "reason": e.reason, "compensating": e.compensating, "starts_on": e.starts_on,
        "expires_on": e.expires_on, "plan": plan, "renews": e.renews,
    });
    hex::encode(Sha256::digest(content.to_string().as_bytes()))
}

struct Checked {
    company: CompanyId,
    title: String,
    items: Vec<(Code, Tier)>,
    sites: Vec<String>,
    reason: String,
    compensating: String,
    group_mandatory: bool,
    standard_version: String,
}

impl Store {
    /// Checks everything a writer gave, every problem at once.
    async fn check_exception(&self, actor: &Actor, new: &NewException) -> Result<Checked> {
        let company = self.company_by_code(actor, &new.company).await?;
        // Who may write an exception does not depend on its items' tier (only who approves
        // it does): decided before anything of the request is looked at.
        check(
            actor,
            Action::Write,
            kind_of(false),
            Scope::Company {
                company: company.id,
            },
            WHAT,
        )?;
        let standard = self.current_standard(actor).await?.ok_or_else(|| {
            Problem::new(
                "no_approved_standard",
                "承認された基準がまだないため、例外を記録できません",
                "there is no approved standard to record an exception to yet",
            )
        })?;
        let mut ja = Vec::new();
        let mut en = Vec::new();
        let mut push = |field: &str, p: Problem| {
            ja.push(format!("{field}: {}", p.ja));
            en.push(format!("{field}: {}", p.en));
        };
        let title = required_text(&new.title, "件名", "title")
            .map_err(|p| push("title", p))
            .unwrap_or_default();
        let reason = new.reason.trim().to_owned();
        if reason.is_empty() {
            push(
                "reason",
                Problem::new("required", "理由を書いてください", "the reason is required"),
            );
        }
        let compensating = new.compensating.trim().to_owned();
        if compensating.is_empty() {
            push(
                "compensating",
                Problem::new(
                    "required",
                    "代わりにとる対策（補完的対策）を書いてください。口頭の「同等とみなす」は記録になりません",
                    "the compensating measures are required: a verbal \"treat it as equivalent\" is no record",
                ),
            );
        }
        // A company-mandatory item binds only the companies whose agreement names it.
        let agreed = Self::split_agreements(&self.agreements_of(actor, Some(company.id)).await?)
            .0
            .map(|a| a.choices.mandatory)
            .unwrap_or_default();
        let mut items = Vec::new();
        if new.items.is_empty() {
            push(
                "items",
                Problem::new(
                    "required",
                    "対象の項目を選んでください",
                    "choose the items it covers",
                ),
            );
        }
        for code in &new.items {
            match standard.items.iter().find(|i| i.code == *code) {
                None => push(
                    "items",
                    Problem::new(
                        "unknown_item",
                        format!("項目 {code} は承認された基準にありません"),
                        format!("item {code} is not in the approved standard"),
                    ),
                ),
                Some(i) if i.tier == Tier::Recommended => push(
                    "items",
                    Problem::new(
                        "recommended_item",
                        format!("項目 {code} は推奨（c）です。推奨項目に例外は要りません"),
                        format!("item {code} is recommended (c): it needs no exception"),
                    ),
                ),
                Some(i)
                    if i.tier == Tier::CompanyMandatory
                        && !agreed.iter().any(|a| a == code.as_str()) =>
                {
                    push(
                        "items",
                        Problem::new(
                            "not_binding",
                            format!(
                                "項目 {code} は会社別必須（b）ですが、{}の適用範囲の合意で必須になっていません。適用されない項目に例外は要りません",
                                company.name
                            ),
                            format!(
                                "item {code} is company-mandatory (b) and {}'s applicability agreement does not make it mandatory: an item that does not apply needs no exception",
                                company.name
                            ),
                        ),
                    )
                }
                Some(_) if items.iter().any(|(c, _)| c == code) => {}
                Some(i) => items.push((code.clone(), i.tier)),
            }
        }
        let mut sites = Vec::new();
        for code in &new.sites {
            let found = self
                .db
                .fetch_optional(
                    "SELECT id FROM sites WHERE group_id = $1 AND company_id = $2 AND code = $3 AND archived_at IS NULL",
                    args![t(actor.group()), t(company.id), t(code)],
                )
                .await?;
            match found {
                Some(r) => {
                    let id = r.text("id")?;
                    if !sites.contains(&id) {
                        sites.push(id);
                    }
                }
                None => push(
                    "sites",
                    Problem::new(
                        "unknown_site",
                        format!("拠点 {code} は {} にありません", company.name),
                        format!("site {code} is not a site of {}", company.name),
                    ),
                ),
            }
        }
        for (field, p) in check_plan(new.starts_on, new.expires_on, &new.milestones) {
            push(&field, p);
        }
        if let Some(r) = new.renews {
            let old = self.exception(actor, r).await?;
            if old.company != company.id {
                push(
                    "renews",
                    Problem::new(
                        "other_company",
                        "別の会社の例外は引き継げません",
                        "it renews another company's exception",
                    ),
                );
            }
        }
        if !ja.is_empty() {
            return Err(Problem::new("invalid_exception", ja.join("\n"), en.join("\n")).into());
        }
        let group_mandatory = items.iter().any(|(_, tier)| *tier == Tier::GroupMandatory);
        Ok(Checked {
            company: company.id,
            title,
            items,
            sites,
            reason,
            compensating,
            group_mandatory,
            standard_version: standard.version.reference.version.to_string(),
        })
    }

    /// Writes a new exception as a draft.
    pub async fn draft_exception(&self, actor: &Actor, new: NewException) -> Result<ExceptionView> {
        let c = self.check_exception(actor, &new).await?;
        let scope = Scope::Company { company: c.company };
        check(
            actor,
            Action::Write,
            kind_of(c.group_mandatory),
            scope,
            WHAT,
        )?;
        let id = crate::new_id(ExceptionId::from_uuid);
        let who = actor
            .user()
            .map(|u| u.to_string())
            .unwrap_or_else(|| "system".to_owned());
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let now = w.now();
        let after = serde_json::json!({
            "company": new.company, "kind": new.kind.as_str(), "title": c.title,
            "items": new.items, "sites": new.sites, "reason": c.reason, "compensating": c.compensating,
            "starts_on": new.starts_on, "expires_on": new.expires_on, "milestones": new.milestones,
        });
        w.apply(
            Change::new(actor.group(), "create", "exception", id).after(&after),
            vec![stmt(
                "INSERT INTO exceptions (id, group_id, company_id, kind, title, reason, compensating, starts_on, \
                 expires_on, standard_version_id, group_mandatory, renews, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
                args![
                    t(id),
                    t(actor.group()),
                    t(c.company),
                    new.kind.as_str(),
                    c.title.clone(),
                    c.reason.clone(),
                    c.compensating.clone(),
                    new.starts_on,
                    new.expires_on,
                    c.standard_version.clone(),
                    c.group_mandatory,
                    new.renews.map(|r| r.to_string()),
                    who,
                    now
                ],
            )],
        )
        .await?;
        Self::write_parts(&mut w, actor, id, &c, &new.milestones).await?;
        approval::open_draft(
            &mut w,
            actor,
            document_kind(c.group_mandatory),
            &id.to_string(),
            Some(c.company),
        )
        .await?;
        w.commit().await?;
        self.exception(actor, id).await
    }

    async fn write_parts(
        w: &mut Write,
        actor: &Actor,
        id: ExceptionId,
        c: &Checked,
        milestones: &[Milestone],
    ) -> Result<()> {
        let mut statements = Vec::new();
        for (code, tier) in &c.items {
            statements.push(stmt(
                "INSERT INTO exception_items (exception_id, group_id, item_code, tier) VALUES ($1, $2, $3, $4)",
                args![t(id), t(actor.group()), t(code), tier.as_str()],
            ));
        }
        for site in &c.sites {
            statements.push(stmt(
                "INSERT INTO exception_sites (exception_id, group_id, site_id) VALUES ($1, $2, $3)",
                args![t(id), t(actor.group()), site.clone()],
            ));
        }
        for (position, m) in milestones.iter().enumerate() {
            statements.push(stmt(
                "INSERT INTO exception_milestones (exception_id, group_id, position, what, owner, due_on, done_on) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                args![t(id), t(actor.group()), position as i64, m.what.trim(), m.owner.trim(), m.due_on, m.done_on],
            ));
        }
        w.apply(
            Change::new(actor.group(), "update", "exception_parts", id).after(&serde_json::json!({
                "items": c.items.iter().map(|(code, _)| code.to_string()).collect::<Vec<_>>(),
                "sites": c.sites, "milestones": milestones,
            })),
            statements,
        )
        .await
    }

    /// Changes a draft or a sent-back exception (a sent-back one becomes a draft again);
    /// an approved one is not changed: it is renewed by a new exception.
    pub async fn edit_exception(
        &self,
        actor: &Actor,
        id: ExceptionId,
        new: NewException,
    ) -> Result<ExceptionView> {
        let old = self.exception(actor, id).await?;
        check(
            actor,
            Action::Write,
            kind_of(old.group_mandatory),
            Scope::Company {
                company: old.company,
            },
            WHAT,
        )?;
        let c = self.check_exception(actor, &new).await?;
        if c.company != old.company {
            return Err(Problem::new(
                "other_company",
                "例外の会社は変えられません",
                "an exception's company cannot change",
            )
            .into());
        }
        // The new items may need another approver: both must allow the writer.
        check(
            actor,
            Action::Write,
            kind_of(c.group_mandatory),
            Scope::Company { company: c.company },
            WHAT,
        )?;
        if old.archived {
            return Err(
                Problem::new("archived", "終了した例外です", "this exception has ended").into(),
            );
        }
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let state = approval::load(&mut w, actor, &id.to_string()).await?.state;
        match state {
            ApprovalState::Draft => {}
            ApprovalState::Rejected => {
                approval::take_step(&mut w, actor, &id.to_string(), &ApprovalStep::Revise, "")
                    .await?;
            }
            ApprovalState::Submitted => {
                return Err(Problem::new(
                    "awaiting_decision",
                    "承認待ちの例外は変更できません。取り下げるか、判断を待ってください",
                    "a submitted exception cannot be changed; withdraw it or wait for the decision",
                )
                .into());
            }
            ApprovalState::Approved => {
                return Err(Problem::new(
                    "approved_exception",
                    "承認済みの例外は変更できません。期限を延ばすなど内容を変えるときは、引き継ぐ新しい例外を記録してください",
                    "an approved exception does not change; to extend or change it, record a new exception that renews it",
                )
                .into());
            }
        }
        w.apply(
            Change::new(actor.group(), "update", "exception", id)
                .before(&serde_json::json!({"title": old.title, "reason": old.reason, "compensating": old.compensating,
                    "starts_on": old.starts_on, "expires_on": old.expires_on, "kind": old.kind.as_str()}))
                .after(&serde_json::json!({"title": c.title, "reason": c.reason, "compensating": c.compensating,
                    "starts_on": new.starts_on, "expires_on": new.expires_on, "kind": new.kind.as_str()})),
            vec![
                stmt(
                    "UPDATE exceptions SET kind = $1, title = $2, reason = $3, compensating = $4, starts_on = $5, \
                     expires_on = $6, group_mandatory = $7, standard_version_id = $8, renews = $9 WHERE id = $10 AND group_id = $11",
                    args![
                        new.kind.as_str(),
                        c.title.clone(),
                        c.reason.clone(),
                        c.compensating.clone(),
                        new.starts_on,
                        new.expires_on,
                        c.group_mandatory,
                        c.standard_version.clone(),
                        new.renews.map(|r| r.to_string()),
                        t(id),
                        t(actor.group())
                    ],
                ),
                stmt("DELETE FROM exception_items WHERE exception_id = $1", args![t(id)]),
                stmt("DELETE FROM exception_sites WHERE exception_id = $1", args![t(id)]),
                stmt("DELETE FROM exception_milestones WHERE exception_id = $1", args![t(id)]),
                stmt(
                    "UPDATE approvals SET document_kind = $1 WHERE document_id = $2 AND group_id = $3",
                    args![document_kind(c.group_mandatory), t(id), t(actor.group())],
                ),
            ],
        )
        .await?;
        Self::write_parts(&mut w, actor, id, &c, &new.milestones).await?;
        w.commit().await?;
        self.exception(actor, id).await
    }

    async fn exception_step(
        &self,
        actor: &Actor,
        id: ExceptionId,
        step: ApprovalStep<'_>,
    ) -> Result<ExceptionView> {
        let e = self.exception(actor, id).await?;
        let action = match step {
            ApprovalStep::Approve | ApprovalStep::Reject { .. } => Action::Approve,
            _ => Action::Write,
        };
        check(
            actor,
            action,
            kind_of(e.group_mandatory),
            Scope::Company { company: e.company },
            WHAT,
        )?;
        if e.archived {
            return Err(
                Problem::new("archived", "終了した例外です", "this exception has ended").into(),
            );
        }
        let mut w = Write::begin(self, Who::of(actor)).await?;
        approval::take_step(&mut w, actor, &id.to_string(), &step, &content_hash(&e)).await?;
        w.commit().await?;
        self.exception(actor, id).await
    }

    pub async fn submit_exception(&self, actor: &Actor, id: ExceptionId) -> Result<ExceptionView> {
        self.exception_step(actor, id, ApprovalStep::Submit).await
    }

    pub async fn withdraw_exception(
        &self,
        actor: &Actor,
        id: ExceptionId,
    ) -> Result<ExceptionView> {
        self.exception_step(actor, id, ApprovalStep::Withdraw).await
    }

    /// Approving is accepting the risk: by the CISO when a group-mandatory item is covered,
    /// by the company's security lead otherwise; never by the one who asked.
    pub async fn approve_exception(&self, actor: &Actor, id: ExceptionId) -> Result<ExceptionView> {
        self.exception_step(actor, id, ApprovalStep::Approve).await
    }

    pub async fn reject_exception(
        &self,
        actor: &Actor,
        id: ExceptionId,
        reason: &str,
    ) -> Result<ExceptionView> {
        self.exception_step(actor, id, ApprovalStep::Reject { reason })
            .await
    }

    /// Records that a milestone of the plan was done (or, with `None`, that it was not after all).
    pub async fn record_milestone(
        &self,
        actor: &Actor,
        id: ExceptionId,
        position: usize,
        done_on: Option<NaiveDate>,
    ) -> Result<ExceptionView> {
        let e = self.exception(actor, id).await?;
        check(
            actor,
            Action::Write,
            kind_of(e.group_mandatory),
            Scope::Company { company: e.company },
            WHAT,
        )?;
        // Progress is recorded against the plan that was approved, not a plan still asked for.
        if e.approval.state != ApprovalState::Approved {
            return Err(Problem::new(
                "not_approved",
                "移行計画の進み具合は、例外が承認されてから記録します",
                "a plan's progress is recorded once the exception is approved",
            )
            .into());
        }
        let m = e
            .milestones
            .get(position)
            .ok_or_else(|| StoreError::not_found("節目", "milestone"))?;
        if m.done_on == done_on {
            return Ok(e);
        }
        let mut w = Write::begin(self, Who::of(actor)).await?;
        w.apply(
            Change::new(actor.group(), "update", "exception_milestone", format!("{id}:{position}"))
                .before(m)
                .after(&Milestone { done_on, ..m.clone() }),
            vec![stmt(
                "UPDATE exception_milestones SET done_on = $1 WHERE exception_id = $2 AND position = $3 AND group_id = $4",
                args![done_on, t(id), position as i64, t(actor.group())],
            )],
        )
        .await?;
        w.commit().await?;
        self.exception(actor, id).await
    }

    /// Ends an exception early (or drops a request), with the reason; it stays in history.
    pub async fn archive_exception(
        &self,
        actor: &Actor,
        id: ExceptionId,
        reason: &str,
    ) -> Result<()> {
        let e = self.exception(actor, id).await?;
        check(
            actor,
            Action::Write,
            kind_of(e.group_mandatory),
            Scope::Company { company: e.company },
            WHAT,
        )?;
        let reason = required_reason(Some(reason))?;
        if e.archived {
            return Ok(());
        }
        self.archive_record(
            actor,
            "exception",
            id,
            "UPDATE exceptions SET archived_at = $1 WHERE id = $2 AND group_id = $3",
            serde_json::json!({"title": e.title, "status": e.status}),
            &reason,
        )
        .await
    }

    /// One exception.
    pub async fn exception(&self, actor: &Actor, id: ExceptionId) -> Result<ExceptionView> {
        self.exception_views(actor, Some(id))
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| StoreError::not_found(WHAT.0, WHAT.1))
    }

    /// Every exception the actor may see, soonest expiry first.
    pub async fn exceptions(&self, actor: &Actor) -> Result<Vec<ExceptionView>> {
        self.exception_views(actor, None).await
    }

    /// Submitted exceptions the actor may decide (not their own submissions).
    pub async fn exception_inbox(&self, actor: &Actor) -> Result<Vec<ExceptionView>> {
        let me = actor.user().map(|u| u.to_string());
        Ok(self
            .exceptions(actor)
            .await?
            .into_iter()
            .filter(|e| {
                e.approval.state == ApprovalState::Submitted
                    && e.approval.submitted_by != me
                    && kamae_core::access::authorize(
                        actor,
                        Action::Approve,
                        &kamae_core::access::Resource {
                            group: actor.group(),
                            kind: kind_of(e.group_mandatory),
                            scope: Scope::Company { company: e.company },
                        },
                    ) == kamae_core::access::Decision::Allow
            })
            .collect())
    }

    /// The exceptions on one list of whoever must act.
    pub async fn exception_list(
        &self,
        actor: &Actor,
        list: ExceptionList,
    ) -> Result<Vec<ExceptionView>> {
        Ok(self
            .exceptions(actor)
            .await?
            .into_iter()
            .filter(|e| e.lists.contains(&list))
            .collect())
    }

    async fn exception_views(
        &self,
        actor: &Actor,
        only: Option<ExceptionId>,
    ) -> Result<Vec<ExceptionView>> {
        let g = t(actor.group());
        let filter = only.map(|i| i.to_string()).unwrap_or_default();
        let rows = self
            .db
            .fetch_all(
                "SELECT e.id, e.company_id, c.code AS company_code, c.name AS company_name, e.kind, e.title, e.reason, \
                 e.compensating, e.starts_on, e.expires_on, e.group_mandatory, e.renews, e.created_by, e.created_at, \
                 e.archived_at, a.document_id, a.document_kind, a.state, a.content_hash, a.submitted_by, a.submitted_at, \
                 a.decided_by, a.decided_at, a.decision_reason \
                 FROM exceptions e JOIN companies c ON c.id = e.company_id JOIN approvals a ON a.document_id = e.id \
                 WHERE e.group_id = $1 AND ($2 = '' OR e.id = $2)",
                args![g.clone(), filter.clone()],
            )
            .await?;
        let visible: Vec<&Row> = rows
            .iter()
            .filter(|r| {
                let company = r.parse::<CompanyId>("company_id");
                let gm = r.boolean("group_mandatory");
                matches!((company, gm), (Ok(company), Ok(gm)) if may_read(actor, kind_of(gm), Scope::Company { company }))
            })
            .collect();
        if visible.is_empty() {
            return Ok(Vec::new());
        }
        let mut items: HashMap<String, Vec<ExceptionItem>> = HashMap::new();
        for r in self
            .db
            .fetch_all(
                "SELECT exception_id, item_code, tier FROM exception_items WHERE group_id = $1 AND ($2 = '' OR exception_id = $2) \
                 ORDER BY item_code",
                args![g.clone(), filter.clone()],
            )
            .await?
        {
            items.entry(r.text("exception_id")?).or_default().push(ExceptionItem {
                code: r.text("item_code")?,
                tier: Tier::parse(&r.text("tier")?)?,
                title: String::new(),
            });
        }
        let mut sites: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for r in self
            .db
            .fetch_all(
                "SELECT x.exception_id, s.code, s.name FROM exception_sites x JOIN sites s ON s.id = x.site_id \
                 WHERE x.group_id = $1 AND ($2 = '' OR x.exception_id = $2) ORDER BY s.code",
                args![g.clone(), filter.clone()],
            )
            .await?
        {
            sites.entry(r.text("exception_id")?).or_default().push((r.text("code")?, r.text("name")?));
        }
        let mut plans: HashMap<String, Vec<(i64, Milestone)>> = HashMap::new();
        for r in self
            .db
            .fetch_all(
                "SELECT exception_id, position, what, owner, due_on, done_on FROM exception_milestones \
                 WHERE group_id = $1 AND ($2 = '' OR exception_id = $2)",
                args![g, filter],
            )
            .await?
        {
            plans.entry(r.text("exception_id")?).or_default().push((
                r.int("position")?,
                Milestone {
                    what: r.text("what")?,
                    owner: r.text("owner")?,
                    due_on: r.opt_date("due_on")?.unwrap_or_default(),
                    done_on: r.opt_date("done_on")?,
                },
            ));
        }
        let titles: HashMap<String, String> = match self.current_standard(actor).await {
            Ok(Some(s)) => s
                .items
                .into_iter()
                .map(|i| (i.code.to_string(), i.title))
                .collect(),
            _ => HashMap::new(),
        };
        let today = self.today(actor.group()).await?;
        let mut out = Vec::new();
        for r in visible {
            let id = r.text("id")?;
            let approval = crate::approval::approval_from(r)?;
            let starts_on = r.opt_date("starts_on")?.unwrap_or_default();
            let expires_on = r.opt_date("expires_on")?.unwrap_or_default();
            let archived = r.opt_instant("archived_at")?.is_some();
            let status = ExceptionStatus::of(
                approval.state == ApprovalState::Approved,
                archived,
                starts_on,
                expires_on,
                today,
            );
            let mut plan = plans.remove(&id).unwrap_or_default();
            plan.sort_by_key(|(p, _)| *p);
            let milestones: Vec<Milestone> = plan.into_iter().map(|(_, m)| m).collect();
            let lists = lists_of(
                &ExceptionFacts {
                    status,
                    expires_on,
                    milestones: milestones.clone(),
                },
                today,
            );
            let mut its = items.remove(&id).unwrap_or_default();
            for i in &mut its {
                i.title = titles.get(&i.code).cloned().unwrap_or_default();
            }
            out.push(ExceptionView {
                id: id.parse()?,
                company: r.parse("company_id")?,
                company_code: r.text("company_code")?,
                company_name: r.text("company_name")?,
                kind: ExceptionKind::parse(&r.text("kind")?)?,
                title: r.text("title")?,
                items: its,
                sites: sites.remove(&id).unwrap_or_default(),
                reason: r.text("reason")?,
                compensating: r.text("compensating")?,
                starts_on,
                expires_on,
                milestones,
                group_mandatory: r.boolean("group_mandatory")?,
                renews: r.opt_parse("renews")?,
                created_by: r.text("created_by")?,
                created_at: r.instant("created_at")?,
                archived,
                approval,
                status,
                lists,
                days_left: (expires_on - today).num_days(),
            });
        }
        out.sort_by_key(|e| (e.archived, e.expires_on, e.company_code.clone()));
        Ok(out)
    }
}
