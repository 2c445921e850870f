//! Role D through the API: the group's standard (read, compare, export, import) and the
//! reference frameworks its items map to.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::response::Response;
use kamae_core::access::{Action, RecordKind};
use kamae_core::calendar::parse_date;
use kamae_core::ids::ArtifactVersionId;
use kamae_core::rules::{ChangeReason, ItemChanges, ReferenceFramework, StandardItem};
use kamae_core::text::Code;
use kamae_exchange::items::{Format, Headers};
use kamae_exchange::{FileProblems, FrameworkFormat};
use kamae_store::frameworks::{FrameworkImport, FrameworkSummary};
use kamae_store::rules::{ImportChoices, ImportOutcome, StandardVersion};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::artifacts::VersionRefOut;
use crate::api::{ApiError, ApiJson, ApiUser, ErrorBody, ErrorDetail};
use crate::error::Failure;
use crate::i18n::Lang;
use crate::pages::standard::STANDARD;

#[derive(Serialize, Deserialize, ToSchema)]
pub struct CriterionOut {
    pub text: String,
    /// The number, as written.
    pub value: Option<String>,
    pub unit: Option<String>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct OptionOut {
    pub name: String,
    pub cost_note: Option<String>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct StandardItemOut {
    pub code: String,
    pub title: String,
    pub category: String,
    /// group_mandatory (a), company_mandatory (b) or recommended (c).
    pub tier: String,
    pub requirement: String,
    pub criterion: CriterionOut,
    pub rationale: String,
    pub check: String,
    pub alternative: Option<String>,
    pub applicability: Option<String>,
    pub options: Vec<OptionOut>,
    /// `NIST-CSF:PR.AA-01`, `ISO27001:A.5.15`, `METI:5`, `CODE:CONTROL`.
    pub mappings: Vec<String>,
}

impl From<StandardItem> for StandardItemOut {
    fn from(i: StandardItem) -> Self {
        StandardItemOut {
            code: i.code.to_string(),
            title: i.title,
            category: i.category,
            tier: i.tier.as_str().to_owned(),
            requirement: i.requirement,
            criterion: CriterionOut {
                text: i.criterion.text,
                value: i.criterion.value,
                unit: i.criterion.unit,
            },
            rationale: i.rationale,
            check: i.check,
            alternative: i.alternative,
            applicability: i.applicability,
            options: i
                .options
                .into_iter()
                .map(|o| OptionOut {
                    name: o.name,
                    cost_note: o.cost_note,
                })
                .collect(),
            mappings: i.mappings.iter().map(|m| m.written()).collect(),
        }
    }
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct StandardOut {
    pub version: VersionRefOut,
    pub title: String,
    /// draft, submitted, approved or rejected.
    pub state: String,
    /// yearly_plan, new_business, new_it_service or new_law_or_technology.
    pub reason: Option<String>,
    pub change_log: Option<String>,
    /// YYYY-MM-DD.
    pub next_review_on: Option<String>,
    pub items: Vec<StandardItemOut>,
}

impl From<StandardVersion> for StandardOut {
    fn from(v: StandardVersion) -> Self {
        StandardOut {
            version: (&v.version.reference).into(),
            title: v.version.title,
            state: v.version.approval.state.as_str().to_owned(),
            reason: v.meta.as_ref().map(|m| m.reason.as_str().to_owned()),
            change_log: v.meta.as_ref().map(|m| m.change_log.clone()),
            next_review_on: v.meta.and_then(|m| m.next_review_on).map(|d| d.to_string()),
            items: v.items.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct StandardVersionOut {
    pub version: VersionRefOut,
    pub title: String,
    pub state: String,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct StandardVersionList {
    /// Newest first.
    pub items: Vec<StandardVersionOut>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct ChangedItemOut {
    pub code: String,
    pub fields: Vec<String>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct ChangesOut {
    pub added: Vec<String>,
    pub changed: Vec<ChangedItemOut>,
    /// No longer in the newer version: archived, never deleted.
    pub archived: Vec<String>,
    pub unchanged: usize,
    pub reordered: bool,
}

impl From<ItemChanges> for ChangesOut {
    fn from(c: ItemChanges) -> Self {
        ChangesOut {
            added: c.added,
            changed: c
                .changed
                .into_iter()
                .map(|c| ChangedItemOut {
                    code: c.code,
                    fields: c.fields.iter().map(|f| (*f).to_owned()).collect(),
                })
                .collect(),
            archived: c.archived,
            unchanged: c.unchanged,
            reordered: c.reordered,
        }
    }
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct ImportOut {
    pub dry_run: bool,
    /// The draft version written; null for a dry run or when nothing changed.
    pub version: Option<String>,
    pub changes: ChangesOut,
}

impl From<ImportOutcome> for ImportOut {
    fn from(o: ImportOutcome) -> Self {
        ImportOut {
            dry_run: o.dry_run,
            version: o.version.map(|v| v.to_string()),
            changes: o.changes.into(),
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WhichQuery {
    /// A version's id; the approved version when absent.
    version: Option<String>,
    /// true: the newest version, even a draft.
    #[serde(default)]
    draft: bool,
}

fn version_id(
    user: &ApiUser,
    v: Option<&str>,
    at: &str,
) -> Result<Option<ArtifactVersionId>, ApiError> {
    v.filter(|v| !v.is_empty())
        .map(|v| {
            v.parse()
                .map_err(|p: kamae_core::Problem| user.fail(p).at(at))
        })
        .transpose()
}

/// Every problem of a file as the API answers them: one detail per problem.
pub(super) fn file_error(user: &ApiUser, p: &FileProblems) -> ApiError {
    let mut e = user.fail(p.to_problem());
    e.details =
        p.0.iter()
            .map(|f| {
                let mut path = f.file.clone();
                if let Some(r) = f.row {
                    path.push_str(&format!(":{r}"));
                }
                if let Some(p) = &f.path {
                    path.push_str(&format!(" {p}"));
                }
                if let Some(field) = &f.field {
                    path.push_str(&format!(" {field}"));
                }
                ErrorDetail {
                    path,
                    message: match user.lang {
                        Lang::Ja => f.problem.ja.clone(),
                        Lang::En => f.problem.en.clone(),
                    },
                }
            })
            .collect();
    e
}

/// Refuses before the body is used when the caller may not do this.
pub(super) fn require(user: &ApiUser, kind: RecordKind, action: Action) -> Result<(), ApiError> {
    require_at(user, kind, action, kamae_core::access::Scope::Group)
}

/// The same decision for a record that lives at `scope`.
pub(super) fn require_at(
    user: &ApiUser,
    kind: RecordKind,
    action: Action,
    scope: kamae_core::access::Scope,
) -> Result<(), ApiError> {
    use kamae_core::access::{Decision, Resource, authorize};
    let resource = Resource {
        group: user.actor.group(),
        kind,
        scope,
    };
    match authorize(&user.actor, action, &resource) {
        Decision::Allow => Ok(()),
        Decision::NotFound => Err(user.fail(Failure::not_found())),
        Decision::Forbidden => Err(user.fail(Failure::new(
            axum::http::StatusCode::FORBIDDEN,
            "forbidden",
            "この操作を行う権限がありません",
            "you may not do this",
        ))),
    }
}

/// The group's standard: the approved version, a given one, or the newest.
#[utoipa::path(get, path = "/api/v1/standard", tag = "standard", params(WhichQuery),
    responses((status = 200, description = "The result", body = StandardOut), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 422, description = "No approved version yet (see message)", body = ErrorBody), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn get_standard(
    user: ApiUser,
    Query(q): Query<WhichQuery>,
) -> Result<Json<StandardOut>, ApiError> {
    let id = version_id(&user, q.version.as_deref(), "version")?;
    let v = user
        .state
        .store
        .chosen_standard(&user.actor, id, q.draft)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(v.into()))
}

/// The versions of the standard, newest first.
#[utoipa::path(get, path = "/api/v1/standard/versions", tag = "standard",
    responses((status = 200, description = "The result", body = StandardVersionList), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn standard_versions(user: ApiUser) -> Result<Json<StandardVersionList>, ApiError> {
    let versions = user
        .state
        .store
        .standard_versions(&user.actor)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(StandardVersionList {
        items: versions
            .iter()
            .map(|v| StandardVersionOut {
                version: (&v.reference).into(),
                title: v.title.clone(),
                state: v.state.as_str().to_owned(),
            })
            .collect(),
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompareQuery {
    /// The older version's id.
    from: String,
    /// The newer version's id.
    to: String,
}

/// What changed from one version to another, item by item.
#[utoipa::path(get, path = "/api/v1/standard/compare", tag = "standard", params(CompareQuery),
    responses((status = 200, description = "The result", body = ChangesOut), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn compare_standard(
    user: ApiUser,
    Query(q): Query<CompareQuery>,
) -> Result<Json<ChangesOut>, ApiError> {
    let from =
        version_id(&user, Some(&q.from), "from")?.ok_or_else(|| user.fail(Failure::not_found()))?;
    let to =
        version_id(&user, Some(&q.to), "to")?.ok_or_else(|| user.fail(Failure::not_found()))?;
    let changes = user
        .state
        .store
        .compare_standard(&user.actor, from, to)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(changes.into()))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// csv, xlsx or oscal.
    format: String,
    version: Option<String>,
    #[serde(default)]
    draft: bool,
    /// ja or en: the language of CSV and XLSX column headers.
    headers: Option<String>,
}

/// The standard as a file: CSV (UTF-8 with a BOM), XLSX or OSCAL catalog JSON.
#[utoipa::path(get, path = "/api/v1/standard/export", tag = "standard", params(ExportQuery),
    responses((status = 200, description = "The file", content_type = "application/octet-stream"), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn export_standard(
    user: ApiUser,
    Query(q): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    let format = Format::of("", Some(&q.format)).map_err(|p| user.fail(p).at("format"))?;
    let headers = match q.headers.as_deref() {
        Some(h) => Headers::parse(h).map_err(|p| user.fail(p).at("headers"))?,
        None if user.lang == Lang::En => Headers::English,
        None => Headers::Japanese,
    };
    let id = version_id(&user, q.version.as_deref(), "version")?;
    let v = user
        .state
        .store
        .chosen_standard(&user.actor, id, q.draft)
        .await
        .map_err(|e| user.fail(e))?;
    let bytes = crate::files::export_standard(&v, format, headers).map_err(|p| user.fail(p))?;
    Ok(crate::pages::standard::download(
        &crate::files::export_name(&v, format),
        format,
        bytes,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// csv, xlsx or oscal.
    format: String,
    /// true: report what would change, write nothing.
    #[serde(default)]
    dry_run: bool,
    /// yearly_plan, new_business, new_it_service or new_law_or_technology.
    reason: Option<String>,
    change_log: Option<String>,
    /// YYYY-MM-DD.
    next_review: Option<String>,
    title: Option<String>,
    /// The file's name, for messages.
    file_name: Option<String>,
}

/// Imports the standard's items from the request body (the file itself) as the next draft
/// version. Every problem of the file comes back at once, and nothing is written.
#[utoipa::path(post, path = "/api/v1/standard/import", tag = "standard", params(ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file: CSV, XLSX or OSCAL JSON"),
    responses((status = 200, description = "The result", body = ImportOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 409, description = "In conflict with the record's state", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn import_standard(
    user: ApiUser,
    Query(q): Query<ImportQuery>,
    body: Bytes,
) -> Result<Json<ImportOut>, ApiError> {
    require(&user, STANDARD, Action::Write)?;
    let format = Format::of("", Some(&q.format)).map_err(|p| user.fail(p).at("format"))?;
    let name = q.file_name.clone().unwrap_or_else(|| "upload".to_owned());
    let read =
        kamae_exchange::read_standard(&name, &body, format).map_err(|p| file_error(&user, &p))?;
    let reason = q
        .reason
        .as_deref()
        .map(ChangeReason::parse)
        .transpose()
        .map_err(|p| user.fail(p).at("reason"))?;
    let next_review_on = q
        .next_review
        .as_deref()
        .map(parse_date)
        .transpose()
        .map_err(|p| user.fail(p).at("next_review"))?;
    let choices = ImportChoices {
        title: q.title.or(read.title),
        reason: reason.or(read.reason),
        change_log: q.change_log.or(read.change_log),
        next_review_on: next_review_on.or(read.next_review_on),
    };
    let outcome = user
        .state
        .store
        .import_standard(&user.actor, read.items, choices, q.dry_run)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(outcome.into()))
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct FrameworkOut {
    pub code: String,
    pub name: String,
    pub version: String,
    /// oscal or ciso_assistant.
    pub source: String,
    /// Controls and enhancements, or requirement nodes.
    pub controls: usize,
    pub assessable: usize,
    /// RFC 3339, UTC.
    pub imported_at: String,
}

impl From<FrameworkSummary> for FrameworkOut {
    fn from(f: FrameworkSummary) -> Self {
        FrameworkOut {
            code: f.code,
            name: f.name,
            version: f.version,
            source: f.source.as_str().to_owned(),
            controls: f.controls,
            assessable: f.assessable,
            imported_at: f.imported_at.to_rfc3339(),
        }
    }
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct FrameworkList {
    pub items: Vec<FrameworkOut>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct FrameworkNodeOut {
    pub node_id: String,
    pub ref_id: String,
    pub parent: Option<String>,
    pub depth: u32,
    /// group, control, enhancement or requirement.
    pub kind: String,
    pub title: String,
    pub description: String,
    pub assessable: bool,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct FrameworkDetailOut {
    pub code: String,
    pub name: String,
    pub version: String,
    pub source: String,
    pub nodes: Vec<FrameworkNodeOut>,
}

impl From<ReferenceFramework> for FrameworkDetailOut {
    fn from(f: ReferenceFramework) -> Self {
        FrameworkDetailOut {
            code: f.code.to_string(),
            name: f.name,
            version: f.version,
            source: f.source.as_str().to_owned(),
            nodes: f
                .nodes
                .into_iter()
                .map(|n| FrameworkNodeOut {
                    node_id: n.node_id,
                    ref_id: n.ref_id,
                    parent: n.parent,
                    depth: n.depth,
                    kind: n.kind.as_str().to_owned(),
                    title: n.title,
                    description: n.description,
                    assessable: n.assessable,
                })
                .collect(),
        }
    }
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct FrameworkImportOut {
    pub dry_run: bool,
    /// added, replaced (the old one archived) or unchanged.
    pub outcome: String,
    pub code: String,
    pub name: String,
    pub version: String,
    pub source: String,
    pub controls: usize,
    pub assessable: usize,
    pub groups: usize,
}

impl From<FrameworkImport> for FrameworkImportOut {
    fn from(r: FrameworkImport) -> Self {
        FrameworkImportOut {
            dry_run: r.dry_run,
            outcome: match r.outcome {
                kamae_store::ReferenceImport::Added => "added",
                kamae_store::ReferenceImport::Replaced => "replaced",
                kamae_store::ReferenceImport::Unchanged => "unchanged",
            }
            .to_owned(),
            code: r.code,
            name: r.name,
            version: r.version,
            source: r.source.as_str().to_owned(),
            controls: r.controls,
            assessable: r.assessable,
            groups: r.groups,
        }
    }
}

/// The reference frameworks, with their name, version and number of controls.
#[utoipa::path(get, path = "/api/v1/frameworks", tag = "standard",
    responses((status = 200, description = "The result", body = FrameworkList), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn list_frameworks(user: ApiUser) -> Result<Json<FrameworkList>, ApiError> {
    let list = user
        .state
        .store
        .frameworks(&user.actor)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(FrameworkList {
        items: list.into_iter().map(Into::into).collect(),
    }))
}

/// One framework with every group, control or requirement node and its place.
#[utoipa::path(get, path = "/api/v1/frameworks/{framework}", tag = "standard",
    params(("framework" = String, Path, description = "The framework's code")),
    responses((status = 200, description = "The result", body = FrameworkDetailOut), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn get_framework(
    user: ApiUser,
    Path(code): Path<String>,
) -> Result<Json<FrameworkDetailOut>, ApiError> {
    let f = user
        .state
        .store
        .framework(&user.actor, &code)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(f.into()))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FrameworkImportQuery {
    /// oscal or ciso-assistant.
    format: String,
    /// The code mappings use; made from the file's title when absent.
    code: Option<String>,
    #[serde(default)]
    dry_run: bool,
    /// The file's name, for messages.
    file_name: Option<String>,
}

/// Imports a reference framework from the request body (an OSCAL catalog or a CISO
/// Assistant library). The same file again changes nothing.
#[utoipa::path(post, path = "/api/v1/frameworks/import", tag = "standard", params(FrameworkImportQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file: OSCAL catalog JSON or CISO Assistant YAML"),
    responses((status = 200, description = "The result", body = FrameworkImportOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn import_framework(
    user: ApiUser,
    Query(q): Query<FrameworkImportQuery>,
    body: Bytes,
) -> Result<Json<FrameworkImportOut>, ApiError> {
    require(&user, RecordKind::GroupReference, Action::Write)?;
    let format = FrameworkFormat::of("", Some(&q.format)).map_err(|p| user.fail(p).at("format"))?;
    let code = q
        .code
        .as_deref()
        .map(Code::parse)
        .transpose()
        .map_err(|p| user.fail(p).at("code"))?;
    let name = q.file_name.clone().unwrap_or_else(|| "upload".to_owned());
    let read = kamae_exchange::read_framework(&name, &body, format, code)
        .map_err(|p| file_error(&user, &p))?;
    let report = user
        .state
        .store
        .import_framework(&user.actor, read, q.dry_run)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(report.into()))
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct GlossaryTermOut {
    /// As the standard writes it.
    pub term: String,
    pub ja: String,
    pub en_term: String,
    pub en: String,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct GlossaryList {
    pub items: Vec<GlossaryTermOut>,
}

fn term_out(g: kamae_core::rules::GlossaryTerm) -> GlossaryTermOut {
    GlossaryTermOut {
        term: g.term,
        ja: g.ja,
        en_term: g.en_term,
        en: g.en,
    }
}

/// The glossary: every term of the standard with its plain explanations.
#[utoipa::path(get, path = "/api/v1/glossary", tag = "standard",
    responses((status = 200, description = "The result", body = GlossaryList), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn list_glossary(user: ApiUser) -> Result<Json<GlossaryList>, ApiError> {
    let terms = user
        .state
        .store
        .glossary(&user.actor)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(GlossaryList {
        items: terms.into_iter().map(term_out).collect(),
    }))
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GlossaryTermIn {
    pub term: String,
    pub ja: String,
    pub en_term: String,
    pub en: String,
}

/// Adds a term, or replaces the explanations of one already there (the earlier ones stay
/// in its history).
#[utoipa::path(post, path = "/api/v1/glossary", tag = "standard", request_body = GlossaryTermIn,
    responses((status = 200, description = "The result", body = GlossaryTermOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn save_term(
    user: ApiUser,
    crate::api::ApiJson(body): crate::api::ApiJson<GlossaryTermIn>,
) -> Result<Json<GlossaryTermOut>, ApiError> {
    let saved = user
        .state
        .store
        .save_term(
            &user.actor,
            kamae_core::rules::GlossaryTerm {
                term: body.term,
                ja: body.ja,
                en_term: body.en_term,
                en: body.en,
            },
        )
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(term_out(saved)))
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArchiveTermIn {
    pub term: String,
    /// Why; kept in the audit trail.
    pub reason: String,
}

/// Takes a term out of the glossary, with the reason; its history stays.
#[utoipa::path(post, path = "/api/v1/glossary/archive", tag = "standard", request_body = ArchiveTermIn,
    responses((status = 204, description = "Archived"), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "No such term", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn archive_term(
    user: ApiUser,
    crate::api::ApiJson(body): crate::api::ApiJson<ArchiveTermIn>,
) -> Result<axum::http::StatusCode, ApiError> {
    user.state
        .store
        .archive_term(&user.actor, &body.term, &body.reason)
        .await
        .map_err(|e| {
            let err = user.fail(e);
            if err.failure.code == "reason_required" {
                err.at("reason")
            } else {
                err
            }
        })?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CriterionIn {
    pub text: String,
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub unit: Option<String>,
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OptionIn {
    pub name: String,
    #[serde(default)]
    pub cost_note: Option<String>,
}

/// One item, and what the revision it goes into is for.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StandardItemIn {
    pub code: String,
    pub title: String,
    pub category: String,
    /// a, b, c or group_mandatory, company_mandatory, recommended.
    pub tier: String,
    pub requirement: String,
    pub criterion: CriterionIn,
    pub rationale: String,
    pub check: String,
    #[serde(default)]
    pub alternative: Option<String>,
    #[serde(default)]
    pub applicability: Option<String>,
    #[serde(default)]
    pub options: Vec<OptionIn>,
    /// `NIST-CSF:PR.AA-01`, `ISO27001:A.5.15`, `METI:5`, `CODE:CONTROL`.
    #[serde(default)]
    pub mappings: Vec<String>,
    /// Why the revision: yearly_plan, new_business, new_it_service, new_law_or_technology.
    pub reason: String,
    /// Written from the changes when left out.
    #[serde(default)]
    pub change_log: String,
    /// YYYY-MM-DD.
    #[serde(default)]
    pub next_review_on: Option<String>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct ItemSavedOut {
    /// The draft version the item went into (none when nothing changed).
    pub version: Option<String>,
    pub changes: ChangesOut,
}

async fn save_item(
    user: ApiUser,
    replacing: Option<String>,
    body: StandardItemIn,
) -> Result<Json<ItemSavedOut>, ApiError> {
    require(&user, STANDARD, Action::Write)?;
    let empty = |s: Option<String>| s.filter(|v| !v.trim().is_empty());
    let mut mappings = Vec::new();
    for (i, m) in body.mappings.iter().enumerate() {
        mappings.push(
            kamae_core::rules::FrameworkRef::parse(m)
                .map_err(|p| user.fail(p).at(&format!("mappings[{i}]")))?,
        );
    }
    let item = StandardItem {
        code: Code::parse(&body.code).map_err(|p| user.fail(p).at("code"))?,
        tier: kamae_core::rules::Tier::read(&body.tier).map_err(|p| user.fail(p).at("tier"))?,
        title: body.title,
        category: body.category,
        requirement: body.requirement,
        criterion: kamae_core::rules::Criterion {
            text: body.criterion.text,
            value: empty(body.criterion.value),
            unit: empty(body.criterion.unit),
        },
        rationale: body.rationale,
        check: body.check,
        alternative: empty(body.alternative),
        applicability: empty(body.applicability),
        options: body
            .options
            .into_iter()
            .map(|o| kamae_core::rules::ProductOption {
                name: o.name,
                cost_note: empty(o.cost_note),
            })
            .collect(),
        mappings,
    };
    let meta = kamae_store::rules::StandardMeta {
        reason: ChangeReason::parse(&body.reason).map_err(|p| user.fail(p).at("reason"))?,
        change_log: body.change_log,
        next_review_on: body
            .next_review_on
            .as_deref()
            .map(parse_date)
            .transpose()
            .map_err(|p| user.fail(p).at("next_review_on"))?,
    };
    let saved = user
        .state
        .store
        .save_item(&user.actor, replacing.as_deref(), item, meta)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(match saved {
        Some((v, changes)) => ItemSavedOut {
            version: Some(v.to_string()),
            changes: changes.into(),
        },
        None => ItemSavedOut {
            version: None,
            changes: ItemChanges::default().into(),
        },
    }))
}

/// Changes one item in the next version of the standard (the open draft, or a new draft after
/// the approved one); the approved version is never touched.
#[utoipa::path(put, path = "/api/v1/standard/items/{item}", tag = "standard", request_body = StandardItemIn,
    params(("item" = String, Path, description = "The item's code")),
    responses((status = 200, description = "The result", body = ItemSavedOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 409, description = "In conflict with the record's state", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody)))]
pub async fn put_item(
    user: ApiUser,
    Path(item): Path<String>,
    ApiJson(body): ApiJson<StandardItemIn>,
) -> Result<Json<ItemSavedOut>, ApiError> {
    save_item(user, Some(item), body).await
}

/// Adds one item to the next version of the standard.
#[utoipa::path(post, path = "/api/v1/standard/items", tag = "standard", request_body = StandardItemIn,
    responses((status = 200, description = "The result", body = ItemSavedOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 409, description = "In conflict with the record's state", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody)))]
pub async fn add_item(
    user: ApiUser,
    ApiJson(body): ApiJson<StandardItemIn>,
) -> Result<Json<ItemSavedOut>, ApiError> {
    save_item(user, None, body).await
}
