//! Role D's standard on the web: browse by category and tier, read an item as a non-expert
//! would, compare versions, export and import files, and the reference frameworks.

use askama::Template;
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Path, Query, Request};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use kamae_core::access::{Action, Actor, Decision, RecordKind, Resource, Scope, authorize};
use kamae_core::artifact::ArtifactKind;
use kamae_core::calendar::parse_date;
use kamae_core::ids::ArtifactVersionId;
use kamae_core::rules::{
    ChangeReason, FrameworkRef, ItemChanges, ReferenceFramework, StandardItem, Tier,
};
use kamae_core::text::Code;
use kamae_exchange::items::{Format, Headers};
use kamae_exchange::{FileProblems, FrameworkFormat};
use kamae_store::artifact::VersionSummary;
use kamae_store::frameworks::{FrameworkImport, FrameworkSummary};
use kamae_store::rules::{ImportChoices, ImportOutcome, StandardVersion};
use serde::Deserialize;

use super::{Chrome, render};
use crate::AppState;
use crate::ctx::{Ctx, PageError, SignedIn};
use crate::error::Failure;
use crate::i18n::T;
use crate::render::{DiffLine, line_diff, markdown_with_terms};

/// The group's standard, as access sees it.
pub const STANDARD: RecordKind = RecordKind::Artifact(ArtifactKind::MeasuresAndRules);

pub fn may(actor: &Actor, kind: RecordKind, action: Action) -> bool {
    authorize(
        actor,
        action,
        &Resource {
            group: actor.group(),
            kind,
            scope: Scope::Group,
        },
    ) == Decision::Allow
}

/// Decides access before a request's body is read: out of scope is not found, in scope
/// but not allowed is forbidden.
pub(crate) fn require(
    ctx: &Ctx,
    actor: &Actor,
    kind: RecordKind,
    action: Action,
) -> Result<(), PageError> {
    require_at(ctx, actor, kind, action, Scope::Group)
}

/// The same decision for a record that lives at `scope`.
pub(crate) fn require_at(
    ctx: &Ctx,
    actor: &Actor,
    kind: RecordKind,
    action: Action,
    scope: Scope,
) -> Result<(), PageError> {
    let resource = Resource {
        group: actor.group(),
        kind,
        scope,
    };
    match authorize(actor, action, &resource) {
        Decision::Allow => Ok(()),
        Decision::NotFound => Err(ctx.fail(Failure::not_found())),
        Decision::Forbidden => Err(ctx.fail(Failure::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "この操作を行う権限がありません",
            "you may not do this",
        ))),
    }
}

#[derive(Deserialize, Default)]
pub struct Which {
    version: Option<String>,
    #[serde(default)]
    draft: Option<String>,
    tier: Option<String>,
    category: Option<String>,
}

impl Which {
    fn newest(&self) -> bool {
        self.draft
            .as_deref()
            .is_some_and(|d| !d.is_empty() && d != "0")
    }

    fn version_id(&self, ctx: &Ctx) -> Result<Option<ArtifactVersionId>, PageError> {
        match self.version.as_deref().filter(|v| !v.is_empty()) {
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| ctx.fail(Failure::not_found())),
            None => Ok(None),
        }
    }
}

/// The version a page shows: the one asked for, else the approved one, else the newest.
async fn shown(
    ctx: &Ctx,
    actor: &Actor,
    which: &Which,
) -> Result<Option<StandardVersion>, PageError> {
    let store = &ctx.state.store;
    let asked = which.version_id(ctx)?;
    let found = if asked.is_some() || which.newest() {
        Some(
            store
                .chosen_standard(actor, asked, which.newest())
                .await
                .map_err(|e| ctx.fail(e))?,
        )
    } else {
        match store
            .current_standard(actor)
            .await
            .map_err(|e| ctx.fail(e))?
        {
            Some(v) => Some(v),
            None => store
                .latest_standard(actor)
                .await
                .map_err(|e| ctx.fail(e))?,
        }
    };
    Ok(found)
}

pub fn tier_label(t: &T, tier: Tier) -> String {
    t.pick(tier.label_ja(), tier.label_en()).to_owned()
}

pub struct ItemRow {
    pub code: String,
    pub title: String,
    pub tier: char,
    pub tier_label: String,
    pub criterion: String,
}

/// The files a standard is offered as: (format, its name).
const FORMATS: [(&str, &str); 3] = [("xlsx", "XLSX"), ("csv", "CSV"), ("oscal", "OSCAL JSON")];

#[derive(Template)]
#[template(path = "standard.html")]
struct StandardPage<'a> {
    chrome: Chrome<'a>,
    version: Option<StandardVersion>,
    reason: String,
    groups: Vec<(String, Vec<ItemRow>)>,
    categories: Vec<String>,
    tier: String,
    category: String,
    /// (letter, tier label, items of the tier)
    counts: Vec<(char, String, usize)>,
    formats: Vec<(&'static str, &'static str)>,
    shown: usize,
    /// `?version=…` for links that must show the same version.
    keep: String,
    is_current: bool,
    can_write: bool,
}

pub async fn standard(s: SignedIn, Query(which): Query<Which>) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let version = shown(&ctx, &actor, &which).await?;
    let current = ctx
        .state
        .store
        .current_standard(&actor)
        .await
        .map_err(|e| ctx.fail(e))?;
    let t = ctx.t();
    let tier_filter = which.tier.clone().unwrap_or_default();
    let category_filter = which.category.clone().unwrap_or_default();
    let mut categories: Vec<String> = Vec::new();
    let mut groups: Vec<(String, Vec<ItemRow>)> = Vec::new();
    let mut counts = [0usize; 3];
    let mut shown_count = 0;
    if let Some(v) = &version {
        for item in &v.items {
            if !categories.contains(&item.category) {
                categories.push(item.category.clone());
            }
            counts[match item.tier {
                Tier::GroupMandatory => 0,
                Tier::CompanyMandatory => 1,
                Tier::Recommended => 2,
            }] += 1;
            let tier_ok = tier_filter.is_empty() || tier_filter == item.tier.letter().to_string();
            let category_ok = category_filter.is_empty() || category_filter == item.category;
            if !(tier_ok && category_ok) {
                continue;
            }
            shown_count += 1;
            let row = ItemRow {
                code: item.code.to_string(),
                title: item.title.clone(),
                tier: item.tier.letter(),
                tier_label: tier_label(&t, item.tier),
                criterion: item.criterion.text.clone(),
            };
            match groups.iter_mut().find(|(c, _)| *c == item.category) {
                Some((_, rows)) => rows.push(row),
                None => groups.push((item.category.clone(), vec![row])),
            }
        }
    }
    let is_current = match (&version, &current) {
        (Some(v), Some(c)) => v.version.reference.version == c.version.reference.version,
        _ => false,
    };
    let counts = Tier::ALL
        .iter()
        .zip(counts)
        .map(|(tier, n)| (tier.letter(), tier_label(&t, *tier), n))
        .collect();
    let page = StandardPage {
        formats: FORMATS.to_vec(),
        reason: version
            .as_ref()
            .and_then(|v| v.meta.as_ref())
            .map(|m| t.pick(m.reason.label_ja(), m.reason.label_en()).to_owned())
            .unwrap_or_default(),
        keep: version
            .as_ref()
            .map(|v| format!("?version={}", v.version.reference.version))
            .unwrap_or_default(),
        can_write: may(&actor, STANDARD, Action::Write),
        chrome: Chrome::new(&ctx, "standard"),
        version,
        groups,
        categories,
        tier: tier_filter,
        category: category_filter,
        counts,
        shown: shown_count,
        is_current,
    };
    Ok(render(&page))
}

#[derive(Template)]
#[template(path = "standard_item.html")]
struct ItemPage<'a> {
    chrome: Chrome<'a>,
    version: StandardVersion,
    item: StandardItem,
    tier_label: String,
    tier_explained: &'a str,
    requirement: String,
    criterion: String,
    rationale: String,
    check: String,
    alternative: Option<String>,
    /// (written id, what it is, the control's title in an imported framework)
    mappings: Vec<(String, String, Option<String>)>,
    keep: String,
    history: String,
    /// The exceptions to this item that the reader may see.
    exceptions: Vec<kamae_store::exceptions::ExceptionView>,
    /// Companies where an expired exception leaves the item unmet.
    non_compliant: Vec<String>,
    /// The CISO office may change it (in the next version).
    can_write: bool,
}

fn mapping_label(t: &T, m: &FrameworkRef) -> String {
    match m {
        FrameworkRef::NistCsf2(_) => t.get("standard.framework.nist_csf").to_owned(),
        FrameworkRef::Iso27001(_) => t.get("standard.framework.iso27001").to_owned(),
        FrameworkRef::Meti3(_) => t.get("standard.framework.meti").to_owned(),
        FrameworkRef::Reference { framework, .. } => framework.to_ascii_uppercase(),
    }
}

pub async fn item(
    s: SignedIn,
    Path(code): Path<String>,
    Query(which): Query<Which>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let version = shown(&ctx, &actor, &which)
        .await?
        .ok_or_else(|| ctx.fail(Failure::not_found()))?;
    let item = version
        .items
        .iter()
        .find(|i| i.code.as_str().eq_ignore_ascii_case(code.trim()))
        .cloned()
        .ok_or_else(|| ctx.fail(Failure::not_found()))?;
    let t = ctx.t();
    let mut frameworks: Vec<ReferenceFramework> = Vec::new();
    let mut mappings = Vec::new();
    for m in &item.mappings {
        let title = match m {
            FrameworkRef::Reference { framework, control } => {
                if !frameworks
                    .iter()
                    .any(|f| f.code.as_str().eq_ignore_ascii_case(framework))
                    && let Ok(f) = ctx.state.store.framework(&actor, framework).await
                {
                    frameworks.push(f);
                }
                frameworks
                    .iter()
                    .find(|f| f.code.as_str().eq_ignore_ascii_case(framework))
                    .and_then(|f| f.find(control))
                    .map(|n| n.title.clone())
            }
            _ => None,
        };
        mappings.push((m.written(), mapping_label(&t, m), title));
    }
    let glossary = ctx
        .state
        .store
        .glossary(&actor)
        .await
        .map_err(|e| ctx.fail(e))?;
    let english = ctx.lang == crate::i18n::Lang::En;
    let notes: Vec<(String, String)> = glossary
        .iter()
        .map(|g| {
            let explained = if english {
                format!("{}: {}", g.en_term, g.en)
            } else {
                g.ja.clone()
            };
            (g.term.clone(), explained)
        })
        .collect();
    let pairs: Vec<(&str, &str)> = notes
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let md = |text: &str| markdown_with_terms(text, &pairs);
    let explained = match item.tier {
        Tier::GroupMandatory => "standard.tier_explained.group_mandatory",
        Tier::CompanyMandatory => "standard.tier_explained.company_mandatory",
        Tier::Recommended => "standard.tier_explained.recommended",
    };
    let exceptions: Vec<_> = match ctx.state.store.exceptions(&actor).await {
        Ok(all) => all
            .into_iter()
            .filter(|e| e.items.iter().any(|i| i.code == item.code.as_str()))
            .collect(),
        Err(kamae_store::StoreError::Problem(_)) => Vec::new(),
        Err(e) => return Err(ctx.fail(e)),
    };
    let mut non_compliant: Vec<String> = exceptions
        .iter()
        .filter(|e| e.status == kamae_core::rules::ExceptionStatus::Expired)
        .map(|e| e.company_name.clone())
        .collect();
    non_compliant.dedup();
    let page = ItemPage {
        can_write: may(&actor, STANDARD, Action::Write),
        exceptions,
        non_compliant,
        tier_label: tier_label(&t, item.tier),
        tier_explained: t.get(explained),
        requirement: md(&item.requirement),
        criterion: md(&item.criterion.text),
        rationale: md(&item.rationale),
        check: md(&item.check),
        alternative: item.alternative.as_deref().map(md),
        mappings,
        keep: format!("?version={}", version.version.reference.version),
        history: format!(
            "/history/artifact_version/{}",
            version.version.reference.version
        ),
        chrome: Chrome::new(&ctx, "standard"),
        version,
        item,
    };
    Ok(render(&page))
}

#[derive(Template)]
#[template(path = "standard_versions.html")]
struct VersionsPage<'a> {
    chrome: Chrome<'a>,
    versions: Vec<VersionSummary>,
}

pub async fn versions(s: SignedIn) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let versions = ctx
        .state
        .store
        .standard_versions(&actor)
        .await
        .map_err(|e| ctx.fail(e))?;
    let page = VersionsPage {
        chrome: Chrome::new(&ctx, "standard"),
        versions,
    };
    Ok(render(&page))
}

#[derive(Deserialize)]
pub struct CompareQuery {
    from: Option<String>,
    to: Option<String>,
}

#[derive(Template)]
#[template(path = "standard_compare.html")]
struct ComparePage<'a> {
    chrome: Chrome<'a>,
    old: StandardVersion,
    new: StandardVersion,
    changes: ItemChanges,
    /// (code, translated field names)
    changed: Vec<(String, String)>,
    lines: Vec<DiffLine>,
}

pub fn field_label(t: &T, field: &str) -> String {
    let label = match field {
        "title" => t.get("standard.field.title"),
        "requirement" => t.get("standard.field.requirement"),
        "criterion" => t.get("standard.field.criterion"),
        "rationale" => t.get("standard.field.rationale"),
        "check" => t.get("standard.field.check"),
        "alternative" => t.get("standard.field.alternative"),
        "category" => t.get("standard.field.category"),
        "tier" => t.get("standard.field.tier"),
        "applicability" => t.get("standard.field.applicability"),
        "options" => t.get("standard.field.options"),
        "mappings" => t.get("standard.field.mappings"),
        other => other,
    };
    label.to_owned()
}

pub async fn compare(s: SignedIn, Query(q): Query<CompareQuery>) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let parse = |v: Option<String>| -> Result<ArtifactVersionId, PageError> {
        v.as_deref()
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| ctx.fail(Failure::not_found()))
    };
    let (from, to) = (parse(q.from)?, parse(q.to)?);
    let store = &ctx.state.store;
    let old = store
        .standard_version(&actor, from)
        .await
        .map_err(|e| ctx.fail(e))?;
    let new = store
        .standard_version(&actor, to)
        .await
        .map_err(|e| ctx.fail(e))?;
    let changes = kamae_core::rules::compare_items(&old.items, &new.items);
    let t = ctx.t();
    let changed = changes
        .changed
        .iter()
        .map(|c| {
            let fields: Vec<String> = c.fields.iter().map(|f| field_label(&t, f)).collect();
            (c.code.clone(), fields.join(t.get("list.separator")))
        })
        .collect();
    let page = ComparePage {
        lines: line_diff(&old.version.body, &new.version.body),
        chrome: Chrome::new(&ctx, "standard"),
        old,
        new,
        changes,
        changed,
    };
    Ok(render(&page))
}

#[derive(Deserialize)]
pub struct ExportQuery {
    format: Option<String>,
    version: Option<String>,
    draft: Option<String>,
    headers: Option<String>,
}

/// The standard as a file to download (CSV, XLSX or OSCAL).
pub async fn export(s: SignedIn, Query(q): Query<ExportQuery>) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let which = Which {
        version: q.version,
        draft: q.draft,
        ..Which::default()
    };
    let format =
        Format::of("", Some(q.format.as_deref().unwrap_or("xlsx"))).map_err(|e| ctx.fail(e))?;
    let headers = match q.headers.as_deref() {
        Some(h) => Headers::parse(h).map_err(|e| ctx.fail(e))?,
        None if ctx.lang == crate::i18n::Lang::En => Headers::English,
        None => Headers::Japanese,
    };
    let v = shown(&ctx, &actor, &which)
        .await?
        .ok_or_else(|| ctx.fail(Failure::not_found()))?;
    let bytes = crate::files::export_standard(&v, format, headers).map_err(|e| ctx.fail(e))?;
    Ok(download(
        &crate::files::export_name(&v, format),
        format,
        bytes,
    ))
}

pub fn download(name: &str, format: Format, bytes: Vec<u8>) -> Response {
    let content_type = match format {
        Format::Csv => "text/csv; charset=utf-8",
        Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Format::Oscal => "application/json",
    };
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        Body::from(bytes),
    )
        .into_response()
}

/// One uploaded form, read whole: its fields and its one file.
pub(crate) struct Upload {
    fields: Vec<(String, String)>,
    pub file_name: String,
    pub file: Vec<u8>,
}

impl Upload {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }
}

fn upload_failed(ctx: &Ctx, e: impl std::fmt::Display) -> PageError {
    ctx.fail(Failure::new(
        StatusCode::BAD_REQUEST,
        "bad_upload",
        format!("送られたファイルを読めません: {e}"),
        format!("the upload cannot be read: {e}"),
    ))
}

/// Reads a multipart form after the caller's access has been decided, with the CSRF token
/// checked and the file held to the readers' size limit.
pub(crate) async fn read_upload(
    ctx: &Ctx,
    state: &AppState,
    req: Request,
) -> Result<Upload, PageError> {
    let mut multipart = Multipart::from_request(req, state)
        .await
        .map_err(|e| upload_failed(ctx, e))?;
    let mut upload = Upload {
        fields: Vec::new(),
        file_name: String::new(),
        file: Vec::new(),
    };
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| upload_failed(ctx, e))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            upload.file_name = field.file_name().unwrap_or("upload").to_owned();
            while let Some(chunk) = field.chunk().await.map_err(|e| upload_failed(ctx, e))? {
                if upload.file.len() + chunk.len() > kamae_exchange::MAX_FILE_BYTES {
                    return Err(ctx.fail(Failure::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "file_too_large",
                        format!(
                            "ファイルが大きすぎます（上限 {} バイト）",
                            kamae_exchange::MAX_FILE_BYTES
                        ),
                        format!(
                            "the file is too large (at most {} bytes)",
                            kamae_exchange::MAX_FILE_BYTES
                        ),
                    )));
                }
                upload.file.extend_from_slice(&chunk);
            }
        } else {
            let value = field.text().await.map_err(|e| upload_failed(ctx, e))?;
            upload.fields.push((name, value));
        }
    }
    ctx.check_csrf(upload.field("_csrf").unwrap_or_default())?;
    Ok(upload)
}

/// A refused import as the lines an upload page lists, with the status to answer.
pub fn refused_lines(ctx: &Ctx, e: impl Into<Failure>) -> (Vec<String>, StatusCode) {
    let f: Failure = e.into();
    (vec![f.message(ctx.lang).to_owned()], f.status)
}

/// Each problem of a file in the reader's language.
pub fn file_problem_lines(ctx: &Ctx, p: &FileProblems) -> Vec<String> {
    p.0.iter()
        .map(|f| {
            if ctx.lang == crate::i18n::Lang::En {
                f.en()
            } else {
                f.ja()
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "standard_import.html")]
struct ImportPage<'a> {
    chrome: Chrome<'a>,
    templates: Vec<(&'static str, &'static str)>,
    reasons: Vec<(String, String)>,
    outcome: Option<ImportOutcome>,
    file_name: String,
    problems: Vec<String>,
}

fn reasons(t: &T) -> Vec<(String, String)> {
    ChangeReason::ALL
        .iter()
        .map(|r| {
            (
                r.as_str().to_owned(),
                t.pick(r.label_ja(), r.label_en()).to_owned(),
            )
        })
        .collect()
}

pub async fn import_form(s: SignedIn) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    require(&ctx, &actor, STANDARD, Action::Write)?;
    let page = ImportPage {
        templates: FORMATS[..2].to_vec(),
        reasons: reasons(&ctx.t()),
        chrome: Chrome::new(&ctx, "standard"),
        outcome: None,
        file_name: String::new(),
        problems: Vec::new(),
    };
    Ok(render(&page))
}

pub async fn import(s: SignedIn, req: Request) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    require(&ctx, &actor, STANDARD, Action::Write)?;
    let upload = read_upload(&ctx, &ctx.state, req).await?;
    let page = |outcome, problems, status| {
        let page = ImportPage {
            templates: FORMATS[..2].to_vec(),
            reasons: reasons(&ctx.t()),
            chrome: Chrome::new(&ctx, "standard"),
            outcome,
            file_name: upload.file_name.clone(),
            problems,
        };
        (status, render(&page)).into_response()
    };
    let refuse = |p: kamae_core::Problem| {
        let f: Failure = p.into();
        page(None, vec![f.message(ctx.lang).to_owned()], f.status)
    };
    let format = match Format::of(&upload.file_name, upload.field("format")) {
        Ok(f) => f,
        Err(p) => return Ok(refuse(p)),
    };
    let read = match kamae_exchange::read_standard(&upload.file_name, &upload.file, format) {
        Ok(r) => r,
        Err(problems) => {
            return Ok(page(
                None,
                file_problem_lines(&ctx, &problems),
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    let reason = match upload.field("reason").map(ChangeReason::parse).transpose() {
        Ok(r) => r.or(read.reason),
        Err(p) => return Ok(refuse(p)),
    };
    let next_review_on = match upload.field("next_review").map(parse_date).transpose() {
        Ok(d) => d.or(read.next_review_on),
        Err(p) => return Ok(refuse(p)),
    };
    let choices = ImportChoices {
        title: upload.field("title").map(str::to_owned).or(read.title),
        reason,
        change_log: upload
            .field("change_log")
            .map(str::to_owned)
            .or(read.change_log),
        next_review_on,
    };
    let dry_run = upload.field("dry_run").is_some();
    match ctx
        .state
        .store
        .import_standard(&actor, read.items, choices, dry_run)
        .await
    {
        Ok(outcome) => Ok(page(Some(outcome), Vec::new(), StatusCode::OK)),
        Err(kamae_store::StoreError::Problem(p)) => Ok(refuse(p)),
        Err(e) => Err(ctx.fail(e)),
    }
}

#[derive(Deserialize)]
pub struct TemplateQuery {
    format: Option<String>,
}

/// The empty template to fill in, headers in the reader's language.
pub async fn template(s: SignedIn, Query(q): Query<TemplateQuery>) -> Result<Response, PageError> {
    let SignedIn { ctx, .. } = s;
    let format =
        Format::of("", Some(q.format.as_deref().unwrap_or("xlsx"))).map_err(|e| ctx.fail(e))?;
    let headers = if ctx.lang == crate::i18n::Lang::En {
        Headers::English
    } else {
        Headers::Japanese
    };
    let example = kamae_exchange::items::example_item().map_err(|e| ctx.fail(e))?;
    let bytes = match format {
        Format::Csv => kamae_exchange::items::write_csv(&[example], headers),
        Format::Xlsx => {
            kamae_exchange::items::write_xlsx(&[example], headers).map_err(|e| ctx.fail(e))?
        }
        Format::Oscal => return Err(ctx.fail(Failure::not_found())),
    };
    let name = if format == Format::Csv {
        "standard-template.csv"
    } else {
        "standard-template.xlsx"
    };
    Ok(download(name, format, bytes))
}

#[derive(Template)]
#[template(path = "frameworks.html")]
struct FrameworksPage<'a> {
    chrome: Chrome<'a>,
    frameworks: Vec<FrameworkSummary>,
    can_write: bool,
    report: Option<FrameworkImport>,
    problems: Vec<String>,
    file_name: String,
}

async fn frameworks_page<'a>(
    ctx: &'a Ctx,
    actor: &Actor,
    report: Option<FrameworkImport>,
    problems: Vec<String>,
    file_name: String,
) -> Result<FrameworksPage<'a>, PageError> {
    let frameworks = ctx
        .state
        .store
        .frameworks(actor)
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(FrameworksPage {
        chrome: Chrome::new(ctx, "standard"),
        frameworks,
        can_write: may(actor, RecordKind::GroupReference, Action::Write),
        report,
        problems,
        file_name,
    })
}

pub async fn frameworks(s: SignedIn) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let page = frameworks_page(&ctx, &actor, None, Vec::new(), String::new()).await?;
    Ok(render(&page))
}

pub async fn import_framework(s: SignedIn, req: Request) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    require(&ctx, &actor, RecordKind::GroupReference, Action::Write)?;
    let upload = read_upload(&ctx, &ctx.state, req).await?;
    let message = |p: kamae_core::Problem| refused_lines(&ctx, p);
    let outcome: Result<FrameworkImport, (Vec<String>, StatusCode)> = async {
        let format =
            FrameworkFormat::of(&upload.file_name, upload.field("format")).map_err(message)?;
        let code = upload
            .field("code")
            .map(Code::parse)
            .transpose()
            .map_err(message)?;
        let read = kamae_exchange::read_framework(&upload.file_name, &upload.file, format, code)
            .map_err(|problems| {
                (
                    file_problem_lines(&ctx, &problems),
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
            })?;
        let dry_run = upload.field("dry_run").is_some();
        ctx.state
            .store
            .import_framework(&actor, read, dry_run)
            .await
            .map_err(|e| refused_lines(&ctx, e))
    }
    .await;
    let (report, problems, status) = match outcome {
        Ok(r) => (Some(r), Vec::new(), StatusCode::OK),
        Err((lines, status)) => (None, lines, status),
    };
    let page = frameworks_page(&ctx, &actor, report, problems, upload.file_name.clone()).await?;
    Ok((status, render(&page)).into_response())
}

#[derive(Template)]
#[template(path = "framework.html")]
struct FrameworkPage<'a> {
    chrome: Chrome<'a>,
    framework: ReferenceFramework,
}

pub async fn framework(s: SignedIn, Path(code): Path<String>) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let framework = ctx
        .state
        .store
        .framework(&actor, &code)
        .await
        .map_err(|e| ctx.fail(e))?;
    let page = FrameworkPage {
        chrome: Chrome::new(&ctx, "standard"),
        framework,
    };
    Ok(render(&page))
}

#[derive(Template)]
#[template(path = "glossary.html")]
struct GlossaryPage<'a> {
    chrome: Chrome<'a>,
    terms: Vec<kamae_core::rules::GlossaryTerm>,
    can_write: bool,
    /// A refused change, and what was typed (kept so that nothing entered is lost).
    error: Option<String>,
    form: GlossaryForm,
}

#[derive(Deserialize, Default, Clone)]
pub struct GlossaryForm {
    #[serde(default)]
    term: String,
    #[serde(default)]
    ja: String,
    #[serde(default)]
    en_term: String,
    #[serde(default)]
    en: String,
    #[serde(default)]
    reason: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

async fn glossary_page(
    ctx: &Ctx,
    actor: &Actor,
    error: Option<String>,
    form: GlossaryForm,
) -> Result<Response, PageError> {
    let terms = ctx
        .state
        .store
        .glossary(actor)
        .await
        .map_err(|e| ctx.fail(e))?;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = GlossaryPage {
        chrome: Chrome::new(ctx, "standard"),
        terms,
        can_write: may(actor, RecordKind::GroupReference, Action::Write),
        error,
        form,
    };
    Ok((status, render(&page)).into_response())
}

pub async fn glossary(s: SignedIn) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    glossary_page(&ctx, &actor, None, GlossaryForm::default()).await
}

pub async fn save_term(
    s: SignedIn,
    axum_extra::extract::Form(form): axum_extra::extract::Form<GlossaryForm>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    ctx.check_csrf(&form.csrf)?;
    let term = kamae_core::rules::GlossaryTerm {
        term: form.term.clone(),
        ja: form.ja.clone(),
        en_term: form.en_term.clone(),
        en: form.en.clone(),
    };
    match ctx.state.store.save_term(&actor, term).await {
        Ok(_) => Ok(axum::response::Redirect::to("/standard/glossary").into_response()),
        Err(kamae_store::StoreError::Problem(p))
            if p.code != "not_found" && p.code != "forbidden" =>
        {
            let f: Failure = p.into();
            glossary_page(&ctx, &actor, Some(f.message(ctx.lang).to_owned()), form).await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

pub async fn archive_term(
    s: SignedIn,
    axum_extra::extract::Form(form): axum_extra::extract::Form<GlossaryForm>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    ctx.check_csrf(&form.csrf)?;
    match ctx
        .state
        .store
        .archive_term(&actor, &form.term, &form.reason)
        .await
    {
        Ok(()) => Ok(axum::response::Redirect::to("/standard/glossary").into_response()),
        Err(kamae_store::StoreError::Problem(p)) if p.code == "reason_required" => {
            let f: Failure = p.into();
            glossary_page(
                &ctx,
                &actor,
                Some(f.message(ctx.lang).to_owned()),
                GlossaryForm::default(),
            )
            .await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}
