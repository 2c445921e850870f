//! Role D in the store: the group's standard as structured items on the versions of its
//! `measures_and_rules` artifact.

use chrono::NaiveDate;
use kamae_core::Problem;
use kamae_core::access::{Action, Actor, RecordKind, Scope};
use kamae_core::approval::{ApprovalState, ApprovalStep};
use kamae_core::artifact::ArtifactKind;
use kamae_core::ids::{ArtifactSeriesId, ArtifactVersionId};
use kamae_core::rules::{
    ChangeReason, Criterion, FrameworkRef, ItemChanges, ProductOption, StandardItem, Tier,
    check_items, compare_items, standard_markdown,
};
use kamae_core::text::{Code, required_text};
use serde::Serialize;

use crate::artifact::{ArtifactVersion, VersionSummary};
use crate::db::{Row, args, t};
use crate::write::{Change, Who, Write, stmt};
use crate::{Result, Store, StoreError, approval, check};

const STANDARD: RecordKind = RecordKind::Artifact(ArtifactKind::MeasuresAndRules);
const WHAT: (&str, &str) = ("基準", "standard");

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StandardMeta {
    pub reason: ChangeReason,
    pub change_log: String,
    pub next_review_on: Option<NaiveDate>,
}

/// One version of the standard: its document, why it was made, and its items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StandardVersion {
    pub version: ArtifactVersion,
    pub meta: Option<StandardMeta>,
    pub items: Vec<StandardItem>,
}

/// A new content for the standard: an edit, or an import.
#[derive(Debug, Clone)]
pub struct StandardDraft {
    pub title: String,
    pub meta: StandardMeta,
    pub items: Vec<StandardItem>,
}

/// What an import may say about the new version; what it leaves out comes from the
/// newest version (or, for a revision of an approved one, is written from the changes).
#[derive(Debug, Clone, Default)]
pub struct ImportChoices {
    pub title: Option<String>,
    pub reason: Option<ChangeReason>,
    pub change_log: Option<String>,
    pub next_review_on: Option<NaiveDate>,
}

/// What an import did, or with `dry_run` would do.
#[derive(Debug, Clone, Serialize)]
pub struct ImportOutcome {
    pub dry_run: bool,
    #[serde(flatten)]
    pub changes: ItemChanges,
    /// The draft version written (none for a dry run, or when nothing changed).
    pub version: Option<ArtifactVersionId>,
}

pub const DEFAULT_TITLE: &str = "グループ情報セキュリティ基準";

/// The problems of a whole set of items, one message listing them all (nothing written).
pub fn items_problem(items: &[StandardItem], place_ja: &str, place_en: &str) -> Option<Problem> {
    let problems = check_items(items);
    if problems.is_empty() {
        return None;
    }
    let ja: Vec<String> = problems
        .iter()
        .map(|(row, field, p)| format!("{place_ja} {row}件目 {field}: {}", p.ja))
        .collect();
    let en: Vec<String> = problems
        .iter()
        .map(|(row, field, p)| format!("{place_en} {row}, {field}: {}", p.en))
        .collect();
    Some(Problem::new("invalid_items", ja.join("\n"), en.join("\n")))
}

fn item_from(r: &Row) -> Result<StandardItem> {
    let json = |col: &str| -> Result<String> { r.text(col) };
    let options: Vec<ProductOption> = serde_json::from_str(&json("options")?)?;
    let mappings: Vec<FrameworkRef> = serde_json::from_str(&json("mappings")?)?;
    Ok(StandardItem {
        code: Code::parse(&r.text("code")?)?,
        title: r.text("title")?,
        requirement: r.text("requirement")?,
        criterion: Criterion {
            text: r.text("criterion_text")?,
            value: r.opt_text("criterion_value")?,
            unit: r.opt_text("criterion_unit")?,
        },
        rationale: r.text("rationale")?,
        check: r.text("check_method")?,
        alternative: r.opt_text("alternative")?,
        category: r.text("category")?,
        tier: Tier::parse(&r.text("tier")?)?,
        applicability: r.opt_text("applicability")?,
        options,
        mappings,
    })
}

impl Store {
    /// The group's standard series (the group-level `measures_and_rules` artifact), if any.
    async fn standard_series_id(&self, actor: &Actor) -> Result<Option<ArtifactSeriesId>> {
        self.db
            .fetch_optional(
                "SELECT id FROM artifact_series WHERE group_id = $1 AND kind = 'measures_and_rules' AND scope_key = 'group'",
                args![t(actor.group())],
            )
            .await?
            .map(|r| r.parse("id"))
            .transpose()
    }

    /// The versions of the group's standard, newest first (empty before the first one).
    pub async fn standard_versions(&self, actor: &Actor) -> Result<Vec<VersionSummary>> {
        check(actor, Action::Read, STANDARD, Scope::Group, WHAT)?;
        match self.standard_series_id(actor).await? {
            Some(series) => self.series_versions(actor, series).await,
            None => Ok(Vec::new()),
        }
    }

    /// One version of the standard with its items.
    pub async fn standard_version(
        &self,
        actor: &Actor,
        id: ArtifactVersionId,
    ) -> Result<StandardVersion> {
        let version = self.artifact_version(actor, id).await?;
        if version.reference.kind != ArtifactKind::MeasuresAndRules
            || version.reference.company.is_some()
        {
            return Err(StoreError::not_found(WHAT.0, WHAT.1));
        }
        let meta = self
            .db
            .fetch_optional(
                "SELECT reason, change_log, next_review_on FROM standard_versions WHERE group_id = $1 AND version_id = $2",
                args![t(actor.group()), t(id)],
            )
            .await?
            .map(|r| -> Result<StandardMeta> {
                Ok(StandardMeta {
                    reason: ChangeReason::parse(&r.text("reason")?)?,
                    change_log: r.text("change_log")?,
                    next_review_on: r.opt_date("next_review_on")?,
                })
            })
            .transpose()?;
        let items = self
            .db
            .fetch_all(
                "SELECT code, title, requirement, criterion_text, criterion_value, criterion_unit, rationale, \
                 check_method, alternative, category, tier, applicability, options, mappings, position \
                 FROM standard_items WHERE group_id = $1 AND version_id = $2",
                args![t(actor.group()), t(id)],
            )
            .await?;
        let mut positioned: Vec<(i64, StandardItem)> = items
            .iter()
            .map(|r| Ok((r.int("position")?, item_from(r)?)))
            .collect::<Result<_>>()?;
        positioned.sort_by_key(|(p, _)| *p);
        Ok(StandardVersion {
            version,
            meta,
            items: positioned.into_iter().map(|(_, i)| i).collect(),
        })
    }

    /// The approved standard the group works to now.
    pub async fn current_standard(&self, actor: &Actor) -> Result<Option<StandardVersion>> {
        let versions = self.standard_versions(actor).await?;
        match versions.iter().find(|v| v.state == ApprovalState::Approved) {
            Some(v) => Ok(Some(
                self.standard_version(actor, v.reference.version).await?,
            )),
            None => Ok(None),
        }
    }

    /// The newest version, whatever its state: what an edit or an import starts from.
    pub async fn latest_standard(&self, actor: &Actor) -> Result<Option<StandardVersion>> {
        let versions = self.standard_versions(actor).await?;
        match versions.first() {
            Some(v) => Ok(Some(
                self.standard_version(actor, v.reference.version).await?,
            )),
            None => Ok(None),
        }
    }

    /// Mappings to imported frameworks must name a framework and a control that exist.
    async fn check_references(&self, actor: &Actor, items: &[StandardItem]) -> Result<()> {
        let mut loaded: std::collections::HashMap<
            String,
            Option<kamae_core::rules::ReferenceFramework>,
        > = std::collections::HashMap::new();
        let mut ja = Vec::new();
        let mut en = Vec::new();
        for item in items {
            for m in &item.mappings {
                let FrameworkRef::Reference { framework, control } = m else {
                    continue;
                };
                let key = framework.to_ascii_lowercase();
                if !loaded.contains_key(&key) {
                    let found = match self.framework(actor, framework).await {
                        Ok(f) => Some(f),
                        Err(e) if e.code() == "not_found" => None,
                        Err(e) => return Err(e),
                    };
                    loaded.insert(key.clone(), found);
                }
                match loaded.get(&key).and_then(Option::as_ref) {
                    None => {
                        ja.push(format!(
                            "項目 {} の対応 {}: 参照する枠組み {framework} は取り込まれていません",
                            item.code,
                            m.written()
                        ));
                        en.push(format!("item {}, mapping {}: no reference framework {framework} has been imported", item.code, m.written()));
                    }
                    Some(f) if f.find(control).is_none() => {
                        ja.push(format!(
                            "項目 {} の対応 {}: {} に {control} はありません",
                            item.code,
                            m.written(),
                            f.code
                        ));
                        en.push(format!(
                            "item {}, mapping {}: {} has no {control}",
                            item.code,
                            m.written(),
                            f.code
                        ));
                    }
                    Some(_) => {}
                }
            }
        }
        if ja.is_empty() {
            Ok(())
        } else {
            Err(Problem::new("unknown_mapping", ja.join("\n"), en.join("\n")).into())
        }
    }

    /// The version a reader asks for: a given one, the newest (`newest`), or the approved one.
    pub async fn chosen_standard(
        &self,
        actor: &Actor,
        version: Option<ArtifactVersionId>,
        newest: bool,
    ) -> Result<StandardVersion> {
        let found = match (version, newest) {
            (Some(id), _) => Some(self.standard_version(actor, id).await?),
            (None, true) => self.latest_standard(actor).await?,
            (None, false) => self.current_standard(actor).await?,
        };
        found.ok_or_else(|| {
            if newest {
                Problem::new(
                    "no_standard",
                    "基準はまだありません",
                    "there is no standard yet",
                )
                .into()
            } else {
                Problem::new(
                    "no_approved_standard",
                    "承認された基準はまだありません（下書きは --draft で）",
                    "no version of the standard is approved yet (the draft: --draft)",
                )
                .into()
            }
        })
    }

    /// The approved standard's next review, when it nears or has passed: (date, days left).
    pub async fn standard_review_due(&self, actor: &Actor) -> Result<Option<(NaiveDate, i64)>> {
        let Some(current) = self.current_standard(actor).await? else {
            return Ok(None);
        };
        let Some(next) = current.meta.and_then(|m| m.next_review_on) else {
            return Ok(None);
        };
        let today = self.today(actor.group()).await?;
        Ok(kamae_core::rules::review_due(next, today).map(|days| (next, days)))
    }

    /// What changed from one version of the standard to another.
    pub async fn compare_standard(
        &self,
        actor: &Actor,
        from: ArtifactVersionId,
        to: ArtifactVersionId,
    ) -> Result<ItemChanges> {
        let a = self.standard_version(actor, from).await?;
        let b = self.standard_version(actor, to).await?;
        Ok(compare_items(&a.items, &b.items))
    }

    /// What saving these items would change against the newest version (a dry run).
    pub async fn plan_standard(
        &self,
        actor: &Actor,
        items: &[StandardItem],
    ) -> Result<ItemChanges> {
        check(actor, Action::Write, STANDARD, Scope::Group, WHAT)?;
        if let Some(p) = items_problem(items, "項目", "item") {
            return Err(p.into());
        }
        self.check_references(actor, items).await?;
        let latest = self.latest_standard(actor).await?;
        Ok(compare_items(
            latest.as_ref().map(|l| l.items.as_slice()).unwrap_or(&[]),
            items,
        ))
    }

    /// Saves a new content of the standard: into the open draft if there is one (a
    /// rejected one is revised), otherwise as a new draft version after the approved one.
    /// Nothing happens, and `None` comes back, when the items and the description are those
    /// of the newest version already (so importing a file twice changes nothing).
    pub async fn save_standard(
        &self,
        actor: &Actor,
        draft: StandardDraft,
    ) -> Result<Option<(ArtifactVersionId, ItemChanges)>> {
        check(actor, Action::Write, STANDARD, Scope::Group, WHAT)?;
        let title = required_text(&draft.title, "表題", "title")?;
        if let Some(p) = items_problem(&draft.items, "項目", "item") {
            return Err(p.into());
        }
        self.check_references(actor, &draft.items).await?;
        let latest = self.latest_standard(actor).await?;
        let changes = compare_items(
            latest.as_ref().map(|l| l.items.as_slice()).unwrap_or(&[]),
            &draft.items,
        );
        let same_meta = latest
            .as_ref()
            .is_some_and(|l| l.meta.as_ref() == Some(&draft.meta) && l.version.title == title);
        if changes.is_empty() && same_meta {
            return Ok(None);
        }
        let body = standard_markdown(
            &draft.items,
            draft.meta.reason,
            &draft.meta.change_log,
            draft.meta.next_review_on,
        );
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let open = latest
            .as_ref()
            .filter(|l| l.version.approval.state != ApprovalState::Approved);
        let id = match open {
            Some(l) if l.version.approval.state == ApprovalState::Submitted => {
                return Err(Problem::new(
                    "awaiting_decision",
                    "承認待ちの基準は変更できません。取り下げるか、判断を待ってください",
                    "a submitted standard cannot be changed; withdraw it or wait for the decision",
                )
                .into());
            }
            Some(l) => {
                let id = l.version.reference.version;
                if l.version.approval.state == ApprovalState::Rejected {
                    approval::take_step(&mut w, actor, &id.to_string(), &ApprovalStep::Revise, "")
                        .await?;
                }
                let now = w.now();
                w.apply(
                    Change::new(actor.group(), "update", "artifact_version", id)
                        .before(&serde_json::json!({"title": l.version.title, "body": l.version.body}))
                        .after(&serde_json::json!({"title": title, "body": body})),
                    vec![stmt(
                        "UPDATE artifact_versions SET title = $1, body = $2, updated_at = $3 WHERE id = $4 AND group_id = $5 \
                         AND (SELECT state FROM approvals WHERE document_id = $6) = 'draft'",
                        args![title.clone(), body.clone(), now, t(id), t(actor.group()), t(id)],
                    )],
                )
                .await?;
                for old in &l.items {
                    if !draft.items.contains(old) {
                        w.apply(
                            Change::new(
                                actor.group(),
                                "remove",
                                "standard_item",
                                format!("{id}:{}", old.code),
                            )
                            .before(old),
                            vec![stmt(
                                "DELETE FROM standard_items WHERE version_id = $1 AND code = $2",
                                args![t(id), t(&old.code)],
                            )],
                        )
                        .await?;
                    }
                }
                let kept: Vec<&StandardItem> =
                    l.items.iter().filter(|o| draft.items.contains(o)).collect();
                Self::write_items(&mut w, actor, id, &draft.items, &kept).await?;
                Self::write_meta(&mut w, actor, id, &draft.meta, l.meta.is_some()).await?;
                id
            }
            None => {
                // A new draft after the approved version (or the first one), made from what
                // the approved one was made from.
                let inputs = match &latest {
                    Some(l) => {
                        crate::artifact::stored_version(&mut w, actor, l.version.reference.version)
                            .await?
                            .inputs
                    }
                    None => Vec::new(),
                };
                let series = match self.standard_series_id(actor).await? {
                    Some(s) => s,
                    None => {
                        let s = crate::new_id(ArtifactSeriesId::from_uuid);
                        let now = w.now();
                        w.apply(
                            Change::new(actor.group(), "create", "artifact_series", s)
                                .after(&serde_json::json!({"kind": "measures_and_rules", "company": null})),
                            vec![stmt(
                                "INSERT INTO artifact_series (id, group_id, kind, company_id, scope_key, created_at) \
                                 VALUES ($1, $2, 'measures_and_rules', NULL, 'group', $3)",
                                args![t(s), t(actor.group()), now],
                            )],
                        )
                        .await?;
                        s
                    }
                };
                let id = Store::insert_version(
                    &mut w,
                    actor,
                    series,
                    ArtifactKind::MeasuresAndRules,
                    None,
                    &title,
                    &body,
                    &inputs,
                )
                .await?;
                Self::write_items(&mut w, actor, id, &draft.items, &[]).await?;
                Self::write_meta(&mut w, actor, id, &draft.meta, false).await?;
                id
            }
        };
        w.commit().await?;
        Ok(Some((id, changes)))
    }

    /// Saves one item into the next version: in place of `replacing` (whose code may change)
    /// or added at the end. An empty change log is written from the changes.
    pub async fn save_item(
        &self,
        actor: &Actor,
        replacing: Option<&str>,
        item: StandardItem,
        mut meta: StandardMeta,
    ) -> Result<Option<(ArtifactVersionId, ItemChanges)>> {
        check(actor, Action::Write, STANDARD, Scope::Group, WHAT)?;
        let latest = self.latest_standard(actor).await?;
        let before = latest.as_ref().map(|l| l.items.clone()).unwrap_or_default();
        let mut items = before.clone();
        let at = replacing.and_then(|code| {
            items
                .iter()
                .position(|i| i.code.as_str().eq_ignore_ascii_case(code.trim()))
        });
        match (at, replacing) {
            (Some(i), _) => items[i] = item,
            (None, None) => items.push(item),
            (None, Some(_)) => return Err(StoreError::not_found("項目", "item")),
        }
        if meta.change_log.trim().is_empty() {
            meta.change_log = compare_items(&before, &items).summary();
        }
        let title = latest
            .as_ref()
            .map(|l| l.version.title.clone())
            .unwrap_or_else(|| DEFAULT_TITLE.to_owned());
        self.save_standard(actor, StandardDraft { title, meta, items })
            .await
    }

    /// Imports a whole set of items (from a file) as the next content of the standard.
    pub async fn import_standard(
        &self,
        actor: &Actor,
        items: Vec<StandardItem>,
        choices: ImportChoices,
        dry_run: bool,
    ) -> Result<ImportOutcome> {
        let changes = self.plan_standard(actor, &items).await?;
        let latest = self.latest_standard(actor).await?;
        let revising_approved = latest
            .as_ref()
            .is_none_or(|l| l.version.approval.state == ApprovalState::Approved);
        let mut meta = latest
            .as_ref()
            .and_then(|l| l.meta.clone())
            .unwrap_or(StandardMeta {
                reason: ChangeReason::YearlyPlan,
                change_log: String::new(),
                next_review_on: None,
            });
        if revising_approved && !changes.is_empty() {
            meta.reason = ChangeReason::YearlyPlan;
            meta.change_log = changes.summary();
        }
        meta.reason = choices.reason.unwrap_or(meta.reason);
        meta.change_log = choices.change_log.unwrap_or(meta.change_log);
        meta.next_review_on = choices.next_review_on.or(meta.next_review_on);
        let title = choices
            .title
            .or_else(|| latest.as_ref().map(|l| l.version.title.clone()))
            .unwrap_or_else(|| DEFAULT_TITLE.to_owned());
        if dry_run {
            return Ok(ImportOutcome {
                dry_run,
                changes,
                version: None,
            });
        }
        let saved = self
            .save_standard(actor, StandardDraft { title, meta, items })
            .await?;
        Ok(ImportOutcome {
            dry_run,
            changes,
            version: saved.map(|(v, _)| v),
        })
    }

    async fn write_items(
        w: &mut Write,
        actor: &Actor,
        version: ArtifactVersionId,
        items: &[StandardItem],
        already: &[&StandardItem],
    ) -> Result<()> {
        for (position, item) in items.iter().enumerate() {
            if already.contains(&item) {
                // The same item at perhaps another place: only its position moves.
                w.apply(
                    Change::new(actor.group(), "update", "standard_item", format!("{version}:{}", item.code))
                        .after(&serde_json::json!({"position": position})),
                    vec![stmt(
                        "UPDATE standard_items SET position = $1 WHERE version_id = $2 AND code = $3",
                        args![position as i64, t(version), t(&item.code)],
                    )],
                )
                .await?;
                continue;
            }
            w.apply(
                Change::new(actor.group(), "create", "standard_item", format!("{version}:{}", item.code)).after(item),
                vec![stmt(
                    "INSERT INTO standard_items (group_id, version_id, position, code, title, requirement, criterion_text, \
                     criterion_value, criterion_unit, rationale, check_method, alternative, category, tier, applicability, \
                     options, mappings) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
                    args![
                        t(actor.group()),
                        t(version),
                        position as i64,
                        t(&item.code),
                        item.title.clone(),
                        item.requirement.clone(),
                        item.criterion.text.clone(),
                        item.criterion.value.clone(),
                        item.criterion.unit.clone(),
                        item.rationale.clone(),
                        item.check.clone(),
                        item.alternative.clone(),
                        item.category.clone(),
                        item.tier.as_str(),
                        item.applicability.clone(),
                        serde_json::to_string(&item.options)?,
                        serde_json::to_string(&item.mappings)?
                    ],
                )],
            )
            .await?;
        }
        Ok(())
    }

    async fn write_meta(
        w: &mut Write,
        actor: &Actor,
        version: ArtifactVersionId,
        meta: &StandardMeta,
        existing: bool,
    ) -> Result<()> {
        let sql = if existing {
            "UPDATE standard_versions SET reason = $3, change_log = $4, next_review_on = $5 WHERE group_id = $1 AND version_id = $2"
        } else {
            "INSERT INTO standard_versions (group_id, version_id, reason, change_log, next_review_on) VALUES ($1, $2, $3, $4, $5)"
        };
        w.apply(
            Change::new(
                actor.group(),
                if existing { "update" } else { "create" },
                "standard_version",
                version,
            )
            .after(meta),
            vec![stmt(
                sql,
                args![
                    t(actor.group()),
                    t(version),
                    meta.reason.as_str(),
                    meta.change_log.clone(),
                    meta.next_review_on
                ],
            )],
        )
        .await
    }
}
