//! Role E on the web: the risk matrices assessments rate against (kamae's own 5 × 5 and
//! those imported from CISO Assistant libraries), and the assessments with their register and
//! heat maps. An assessment's approval is its artifact's, on the artifact's page.

use askama::Template;
use axum::extract::{Path, Query, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use kamae_core::Problem;
use kamae_core::access::{Action, Actor, Decision, RecordKind, Resource, Scope, authorize};
use kamae_core::artifact::ArtifactKind;
use kamae_core::ids::ArtifactVersionId;
use kamae_core::risk::{
    Coverage, ImpactDefinition, ImpactKind, MatrixLevel, Method, Rating, RiskEntry, RiskMatrix,
};
use kamae_core::text::Code;
use kamae_store::risk::{AssessmentSummary, AssessmentView, MatrixImport, NewAssessment, RiskView};
use serde::Deserialize;

use super::forms::{Field, FormAt, form_at};
use super::heatmap::{CellText, heat_map};
use super::standard::{file_problem_lines, may, read_upload, refused_lines, require, require_at};
use super::{Chrome, refusal, render};
use crate::ctx::{Ctx, PageError, SignedIn};
use crate::error::Failure;
use crate::i18n::Lang;

#[derive(Template)]
#[template(path = "risk_matrices.html")]
struct MatricesPage<'a> {
    chrome: Chrome<'a>,
    matrices: Vec<RiskMatrix>,
    ja: bool,
    can_write: bool,
    reports: Vec<MatrixImport>,
    problems: Vec<String>,
    file_name: String,
}

async fn matrices_page(
    s: SignedIn,
    reports: Vec<MatrixImport>,
    problems: Vec<String>,
    file_name: String,
    status: StatusCode,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let matrices = ctx
        .state
        .store
        .risk_matrices(&actor)
        .await
        .map_err(|e| ctx.fail(e))?;
    let page = MatricesPage {
        chrome: Chrome::new(&ctx, "risk"),
        ja: ctx.lang == Lang::Ja,
        matrices,
        can_write: may(&actor, RecordKind::GroupReference, Action::Write),
        reports,
        problems,
        file_name,
    };
    Ok((status, render(&page)).into_response())
}

pub async fn matrices(s: SignedIn) -> Result<Response, PageError> {
    matrices_page(s, Vec::new(), Vec::new(), String::new(), StatusCode::OK).await
}

/// Imports a CISO Assistant library's matrices: all of them or, with any problem, none.
pub async fn import_matrices(s: SignedIn, req: Request) -> Result<Response, PageError> {
    require(&s.ctx, &s.actor, RecordKind::GroupReference, Action::Write)?;
    let upload = read_upload(&s.ctx, &s.ctx.state, req).await?;
    let dry_run = upload.field("dry_run").is_some();
    let outcome =
        match kamae_exchange::ciso_assistant::read_risk_matrices(&upload.file_name, &upload.file) {
            Err(problems) => Err((
                file_problem_lines(&s.ctx, &problems),
                StatusCode::UNPROCESSABLE_ENTITY,
            )),
            Ok(read) => s
                .ctx
                .state
                .store
                .import_risk_matrices(&s.actor, read, dry_run)
                .await
                .map_err(|e| refused_lines(&s.ctx, e)),
        };
    let file_name = upload.file_name.clone();
    match outcome {
        Ok(reports) => matrices_page(s, reports, Vec::new(), file_name, StatusCode::OK).await,
        Err((problems, status)) => matrices_page(s, Vec::new(), problems, file_name, status).await,
    }
}

#[derive(Template)]
#[template(path = "risk_matrix.html")]
struct MatrixPage<'a> {
    chrome: Chrome<'a>,
    m: &'a RiskMatrix,
    ja: bool,
    levels: Vec<(&'a str, &'a [MatrixLevel])>,
    grid: String,
}

pub async fn matrix(s: SignedIn, Path(code): Path<String>) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let m = ctx
        .state
        .store
        .risk_matrix(&actor, &code)
        .await
        .map_err(|e| ctx.fail(e))?;
    let t = ctx.t();
    let ja = t.lang == Lang::Ja;
    let grid = heat_map(
        &m,
        ja,
        "matrix",
        t.get("risk_matrix.grid_caption"),
        (t.get("risk_matrix.likelihood"), t.get("risk_matrix.impact")),
        |p, i| CellText {
            text: m
                .risk_of(p, i)
                .and_then(|r| m.risk.get(r))
                .map(|l| l.name(ja).to_owned())
                .unwrap_or_default(),
            href: None,
        },
    );
    let page = MatrixPage {
        chrome: Chrome::new(&ctx, "risk"),
        levels: vec![
            ("risk_matrix.likelihood", &m.probability),
            ("risk_matrix.impact", &m.impact),
            ("risk_matrix.risk", &m.risk),
        ],
        grid,
        ja,
        m: &m,
    };
    Ok(render(&page))
}

/// Whether the actor may do `action` on an assessment where it lives.
fn allowed_on(actor: &Actor, action: Action, a: &AssessmentView) -> bool {
    let scope = Scope::of_company(a.version.reference.company);
    authorize(
        actor,
        action,
        &Resource {
            group: actor.group(),
            kind: ASSESSMENT,
            scope,
        },
    ) == Decision::Allow
}

const ASSESSMENT: RecordKind = RecordKind::Artifact(ArtifactKind::RiskAssessment);

#[derive(Template)]
#[template(path = "risk_assessments.html")]
struct AssessmentsPage<'a> {
    chrome: Chrome<'a>,
    assessments: Vec<AssessmentSummary>,
    can_start: bool,
}

/// Role E's register: the assessments the reader can see, the newest year first.
pub async fn assessments(s: SignedIn) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let assessments = ctx
        .state
        .store
        .assessments(&actor)
        .await
        .map_err(|e| ctx.fail(e))?;
    let companies = ctx
        .state
        .store
        .companies(&actor)
        .await
        .map_err(|e| ctx.fail(e))?;
    let can_start = may(&actor, ASSESSMENT, Action::Write)
        || companies.iter().any(|c| writable_at(&actor, Some(c.id)));
    let page = AssessmentsPage {
        chrome: Chrome::new(&ctx, "risk"),
        assessments,
        can_start,
    };
    Ok(render(&page))
}

fn writable_at(actor: &Actor, company: Option<kamae_core::ids::CompanyId>) -> bool {
    let scope = Scope::of_company(company);
    authorize(
        actor,
        Action::Write,
        &Resource {
            group: actor.group(),
            kind: ASSESSMENT,
            scope,
        },
    ) == Decision::Allow
}

#[derive(Deserialize, Default, Clone)]
pub struct AssessmentForm {
    #[serde(default)]
    company: String,
    #[serde(default)]
    fiscal_year: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    matrix: String,
    #[serde(default)]
    treat_from: String,
    /// For the asset method: numbers separated by commas (2, 4, 7, 14).
    #[serde(default)]
    asset_bands: String,
    #[serde(default)]
    tolerance: String,
    #[serde(default)]
    companies: String,
    #[serde(default)]
    sites: String,
    #[serde(default)]
    departments: String,
    #[serde(default)]
    systems: String,
    #[serde(default)]
    loss_threshold_yen: String,
    #[serde(default)]
    impact_money: String,
    #[serde(default)]
    impact_interruption: String,
    #[serde(default)]
    impact_reputation: String,
    #[serde(default)]
    impact_legal: String,
    #[serde(default)]
    impact_safety: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

/// Codes or names separated by commas, 、 or new lines.
fn list_of(text: &str) -> Vec<String> {
    text.split([',', '、', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

impl AssessmentForm {
    fn impacts(&self) -> [(ImpactKind, &str); 5] {
        [
            (ImpactKind::Money, self.impact_money.as_str()),
            (ImpactKind::Interruption, self.impact_interruption.as_str()),
            (ImpactKind::Reputation, self.impact_reputation.as_str()),
            (ImpactKind::Legal, self.impact_legal.as_str()),
            (ImpactKind::Safety, self.impact_safety.as_str()),
        ]
    }

    fn parse(&self) -> Result<NewAssessment, Problem> {
        let mut ja = Vec::new();
        let mut en = Vec::new();
        let mut bad = |p: Problem| {
            ja.push(p.ja);
            en.push(p.en);
        };
        let company = match self.company.trim() {
            "" => None,
            c => Code::parse(c).map_err(&mut bad).ok(),
        };
        let fiscal_year = self.fiscal_year.trim().parse::<i32>().map_err(|_| {
            bad(Problem::new(
                "invalid_year",
                "年度は 2026 のような数で書いてください",
                "write the fiscal year as a number such as 2026",
            ))
        });
        let method = Method::parse(&self.method).map_err(&mut bad);
        let treat_from = match self.treat_from.trim() {
            "" => None,
            t => t
                .parse::<usize>()
                .map_err(|_| {
                    bad(Problem::new(
                        "invalid_treat_from",
                        "対応が必要になるリスクの段階を選んでください",
                        "choose the risk level from which treatment is needed",
                    ))
                })
                .ok(),
        };
        let asset_bands = match self.asset_bands.trim() {
            "" => None,
            text => text
                .split([',', '、', ' '])
                .filter(|s| !s.trim().is_empty())
                .map(|s| s.trim().parse::<u32>())
                .collect::<Result<Vec<u32>, _>>()
                .map_err(|_| {
                    bad(Problem::new(
                        "invalid_asset_bands",
                        "資産ベースの区切りは 2, 4, 7, 14 のように数をコンマで区切って書いてください",
                        "write the asset-based bands as numbers separated by commas, such as 2, 4, 7, 14",
                    ))
                })
                .ok(),
        };
        let loss_threshold_yen = match self.loss_threshold_yen.trim().replace([',', '_'], "") {
            t if t.is_empty() => None,
            t => t
                .parse::<i64>()
                .map_err(|_| {
                    bad(Problem::new(
                        "invalid_amount",
                        "年間予想損失額の基準は円の整数で書いてください",
                        "write the expected annual loss threshold as whole yen",
                    ))
                })
                .ok(),
        };
        // An impact definition is one line per impact level, from the lowest.
        let impact_definitions = self
            .impacts()
            .iter()
            .filter(|(_, text)| !text.trim().is_empty())
            .map(|(kind, text)| ImpactDefinition {
                kind: *kind,
                levels: text
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned)
                    .collect(),
            })
            .collect();
        match (fiscal_year, method) {
            (Ok(fiscal_year), Ok(method)) if ja.is_empty() => Ok(NewAssessment {
                company,
                fiscal_year,
                title: self.title.clone(),
                method,
                matrix: self.matrix.clone(),
                treat_from,
                asset_bands,
                tolerance: self.tolerance.clone(),
                impact_definitions,
                loss_threshold_yen,
                coverage: Coverage {
                    companies: list_of(&self.companies),
                    sites: list_of(&self.sites),
                    departments: list_of(&self.departments),
                    systems: list_of(&self.systems),
                },
            }),
            _ => Err(Problem::new(
                "invalid_assessment",
                ja.join("\n"),
                en.join("\n"),
            )),
        }
    }
}

async fn assessment_form(
    ctx: &Ctx,
    actor: &Actor,
    form: AssessmentForm,
    error: Option<String>,
) -> Result<Response, PageError> {
    let t = ctx.t();
    let ja = ctx.lang == Lang::Ja;
    let mut companies = Vec::new();
    if writable_at(actor, None) {
        companies.push((String::new(), t.get("risk.whole_group").to_owned()));
    }
    // Someone who may start no assessment is shown a form with nothing to choose.
    for c in ctx.state.store.companies(actor).await.unwrap_or_default() {
        if writable_at(actor, Some(c.id)) {
            companies.push((c.code.to_string(), format!("{} {}", c.code, c.name)));
        }
    }
    let matrices: Vec<(String, String)> = ctx
        .state
        .store
        .risk_matrices(actor)
        .await
        .unwrap_or_default()
        .iter()
        .map(|m| (m.code.to_string(), format!("{} {}", m.code, m.name(ja))))
        .collect();
    let methods = Method::ALL
        .iter()
        .map(|m| {
            (
                m.as_str().to_owned(),
                t.pick(m.label_ja(), m.label_en()).to_owned(),
            )
        })
        .collect();
    let mut fields = vec![
        Field::new("company", t.get("risk.scope"), "select")
            .options(companies)
            .value(form.company.clone()),
        Field::new("fiscal_year", t.get("risk.fiscal_year"), "number")
            .required()
            .value(form.fiscal_year.clone()),
        Field::new("title", t.get("risk.assessment_title"), "text")
            .required()
            .value(form.title.clone()),
        Field::new("method", t.get("risk.method"), "select")
            .options(methods)
            .value(form.method.clone()),
        Field::new("matrix", t.get("risk_matrix.title"), "select")
            .options(matrices)
            .value(form.matrix.clone()),
        Field::new("treat_from", t.get("risk.treat_from"), "number")
            .value(form.treat_from.clone())
            .hint(t.get("risk.treat_from_hint")),
        Field::new("asset_bands", t.get("risk.asset_bands"), "text")
            .value(form.asset_bands.clone())
            .hint(t.get("risk.asset_bands_hint")),
        Field::new("tolerance", t.get("risk.tolerance"), "textarea")
            .value(form.tolerance.clone())
            .hint(t.get("risk.tolerance_hint")),
        Field::new("companies", t.get("risk.coverage_companies"), "text")
            .value(form.companies.clone()),
        Field::new("sites", t.get("risk.coverage_sites"), "text").value(form.sites.clone()),
        Field::new("departments", t.get("risk.coverage_departments"), "text")
            .value(form.departments.clone()),
        Field::new("systems", t.get("risk.coverage_systems"), "text").value(form.systems.clone()),
    ];
    for (kind, value) in form.impacts() {
        let name = match kind {
            ImpactKind::Money => "impact_money",
            ImpactKind::Interruption => "impact_interruption",
            ImpactKind::Reputation => "impact_reputation",
            ImpactKind::Legal => "impact_legal",
            ImpactKind::Safety => "impact_safety",
        };
        fields.push(
            Field::new(
                name,
                &t.fill(
                    "risk.impact_definition",
                    &[("kind", t.pick(kind.label_ja(), kind.label_en()))],
                ),
                "textarea",
            )
            .value(value)
            .hint(t.get("risk.impact_definition_hint")),
        );
    }
    fields.push(
        Field::new("loss_threshold_yen", t.get("risk.loss_threshold"), "text")
            .value(form.loss_threshold_yen.clone())
            .hint(t.get("risk.loss_threshold_hint")),
    );
    Ok(form_at(
        ctx,
        "risk",
        FormAt {
            title: t.get("risk.new_assessment").to_owned(),
            action: "/risk/assessments".into(),
            back: "/risk".into(),
        },
        fields,
        error,
        t.get("risk.start"),
    ))
}

pub async fn new_assessment_form(s: SignedIn) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    // The group's fiscal year (April to March by default), as assessments are named.
    let store = &ctx.state.store;
    let today = store.today(actor.group()).await.map_err(|e| ctx.fail(e))?;
    let year = store
        .group(&actor)
        .await
        .map_err(|e| ctx.fail(e))?
        .calendar
        .fiscal_year(today)
        .to_string();
    let form = AssessmentForm {
        fiscal_year: year,
        method: Method::Matrix.as_str().to_owned(),
        matrix: kamae_core::risk::BUILTIN_MATRIX.to_owned(),
        ..AssessmentForm::default()
    };
    assessment_form(&ctx, &actor, form, None).await
}

pub async fn create_assessment(
    s: SignedIn,
    Form(form): Form<AssessmentForm>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    ctx.check_csrf(&form.csrf)?;
    let company = match form.company.trim() {
        "" => None,
        c => {
            let c = Code::parse(c).map_err(|_| ctx.fail(Failure::not_found()))?;
            Some(
                ctx.state
                    .store
                    .company_by_code(&actor, &c)
                    .await
                    .map_err(|e| ctx.fail(e))?
                    .id,
            )
        }
    };
    require_at(
        &ctx,
        &actor,
        ASSESSMENT,
        Action::Write,
        Scope::of_company(company),
    )?;
    let result = match form.parse() {
        Ok(new) => ctx.state.store.new_assessment(&actor, new).await,
        Err(p) => Err(p.into()),
    };
    match result {
        Ok(a) => Ok(Redirect::to(&format!("/risk/assessments/{}", a.id())).into_response()),
        Err(e) => {
            let message = refusal(&ctx, e)?;
            assessment_form(&ctx, &actor, form, Some(message)).await
        }
    }
}

/// One cell of a heat map chosen by clicking it: which map, and where.
#[derive(Deserialize, Default)]
pub struct CellQuery {
    map: Option<String>,
    l: Option<usize>,
    i: Option<usize>,
}

/// One row of the register as the page shows it.
pub struct RegisterRow<'a> {
    pub risk: &'a RiskView,
    pub inherent: Option<&'a MatrixLevel>,
    pub residual: Option<&'a MatrixLevel>,
    /// Its place in the treatment order (1 = first), if it needs treatment.
    pub rank: Option<usize>,
    /// Its scenario's expected annual loss, written in the page's language.
    pub expected_loss: Option<String>,
}

#[derive(Template)]
#[template(path = "risk_assessment.html")]
struct AssessmentPage<'a> {
    chrome: Chrome<'a>,
    a: &'a AssessmentView,
    ja: bool,
    scope: String,
    rows: Vec<RegisterRow<'a>>,
    inherent_map: String,
    residual_map: String,
    /// The clicked cell's title and its risks.
    chosen: Option<(String, Vec<RegisterRow<'a>>)>,
    /// Whether any risk carries a scenario (the register then shows expected losses).
    quantified: bool,
    loss_threshold: Option<String>,
    can_write: bool,
    /// Whether the register can change now (a draft or a rejected version).
    open: bool,
    /// The factors the assessment may cite, each with whether it does.
    context_choices: Vec<(kamae_store::context::ContextFactorView, bool)>,
    next_year: i32,
    treat_from: String,
    /// The treatment plans made from this assessment: (id, title, state).
    plans: Vec<(
        ArtifactVersionId,
        String,
        kamae_core::approval::ApprovalState,
    )>,
}

fn rows_of<'a>(
    a: &'a AssessmentView,
    ja: bool,
    keep: impl Fn(&RiskView) -> bool,
) -> Vec<RegisterRow<'a>> {
    let levels = &a.criteria.matrix.risk;
    a.risks
        .iter()
        .enumerate()
        .filter(|(_, r)| keep(r))
        .map(|(n, r)| RegisterRow {
            risk: r,
            inherent: r.evaluation.inherent_level.and_then(|l| levels.get(l)),
            residual: r.evaluation.residual_level.and_then(|l| levels.get(l)),
            rank: a
                .treatment_order
                .iter()
                .position(|i| *i == n)
                .map(|p| p + 1),
            expected_loss: r
                .evaluation
                .expected_loss_yen
                .map(|y| super::risk_report::yen(ja, y)),
        })
        .collect()
}

fn cell_on(a: &AssessmentView, r: &RiskView, residual: bool) -> Option<(usize, usize)> {
    kamae_core::risk::map_cell(&a.criteria, &r.entry, &r.evaluation, residual)
}

pub async fn assessment(
    s: SignedIn,
    Path(id): Path<String>,
    Query(q): Query<CellQuery>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let id: ArtifactVersionId = id.parse().map_err(|_| ctx.fail(Failure::not_found()))?;
    let a = match ctx.state.store.assessment(&actor, id).await {
        Ok(a) => a,
        Err(e) if e.code() == "not_found" => {
            // A risk assessment written as a document: its own page shows it.
            ctx.state
                .store
                .artifact_version(&actor, id)
                .await
                .map_err(|e| ctx.fail(e))?;
            return Ok(Redirect::to(&format!("/artifacts/{id}")).into_response());
        }
        Err(e) => return Err(ctx.fail(e)),
    };
    let t = ctx.t();
    let ja = ctx.lang == Lang::Ja;
    let map = |residual: bool| {
        let which = if residual { "residual" } else { "inherent" };
        heat_map(
            &a.criteria.matrix,
            ja,
            &format!("{which}-map"),
            t.get(if residual {
                "risk.residual_map"
            } else {
                "risk.inherent_map"
            }),
            (t.get("risk_matrix.likelihood"), t.get("risk_matrix.impact")),
            |p, i| {
                let n = a
                    .risks
                    .iter()
                    .filter(|r| cell_on(&a, r, residual) == Some((p, i)))
                    .count();
                CellText {
                    text: if n == 0 { String::new() } else { n.to_string() },
                    href: (n > 0)
                        .then(|| format!("/risk/assessments/{id}?map={which}&l={p}&i={i}#chosen")),
                }
            },
        )
    };
    let chosen = match (q.map.as_deref(), q.l, q.i) {
        (Some(which @ ("inherent" | "residual")), Some(l), Some(i)) => {
            let residual = which == "residual";
            let name = |levels: &[MatrixLevel], n: usize| {
                levels
                    .get(n)
                    .map(|x| x.name(ja).to_owned())
                    .unwrap_or_default()
            };
            let title = format!(
                "{} — {} × {}",
                t.get(if residual {
                    "risk.residual_map"
                } else {
                    "risk.inherent_map"
                }),
                name(&a.criteria.matrix.probability, l),
                name(&a.criteria.matrix.impact, i)
            );
            Some((
                title,
                rows_of(&a, ja, |r| cell_on(&a, r, residual) == Some((l, i))),
            ))
        }
        _ => None,
    };
    let scope = match &a.version.reference.company_code {
        Some(c) => c.clone(),
        None => t.get("risk.whole_group").to_owned(),
    };
    let treat_from = a
        .criteria
        .matrix
        .risk
        .get(a.criteria.treat_from)
        .map(|l| l.name(ja).to_owned())
        .unwrap_or_default();
    let plans = ctx
        .state
        .store
        .treatment_plans_of(&actor, id)
        .await
        .map_err(|e| ctx.fail(e))?
        .into_iter()
        .map(|p| (p.id(), p.version.title.clone(), p.state()))
        .collect();
    let can_write = allowed_on(&actor, Action::Write, &a);
    let open = matches!(
        a.state(),
        kamae_core::approval::ApprovalState::Draft | kamae_core::approval::ApprovalState::Rejected
    );
    let mut context_choices = Vec::new();
    if can_write && open {
        let company = a.version.reference.company;
        for f in a.context.iter().filter(|f| f.archived) {
            context_choices.push((f.clone(), true));
        }
        for f in ctx
            .state
            .store
            .context_factors(&actor)
            .await
            .map_err(|e| ctx.fail(e))?
        {
            if f.company.is_none() || f.company == company {
                let cited = a.context.iter().any(|c| c.id == f.id);
                context_choices.push((f, cited));
            }
        }
    }
    let page = AssessmentPage {
        chrome: Chrome::new(&ctx, "risk"),
        open,
        context_choices,
        plans,
        ja,
        scope,
        rows: rows_of(&a, ja, |_| true),
        quantified: a.risks.iter().any(|r| r.entry.scenario.is_some()),
        loss_threshold: a
            .criteria
            .loss_threshold_yen
            .map(|y| super::risk_report::yen(ja, y)),
        inherent_map: map(false),
        residual_map: map(true),
        chosen,
        can_write,
        next_year: a.fiscal_year + 1,
        treat_from,
        a: &a,
    };
    Ok(render(&page))
}

#[derive(Deserialize, Default, Clone)]
pub struct RiskForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    event: String,
    #[serde(default)]
    causes: String,
    #[serde(default)]
    consequences: String,
    #[serde(default)]
    assets: String,
    #[serde(default)]
    owner: String,
    /// `L-I` on the matrix, or `importance-threat-vulnerability` by the asset method; empty
    /// when not rated yet.
    #[serde(default)]
    inherent: String,
    #[serde(default)]
    inherent_rationale: String,
    #[serde(default)]
    residual: String,
    #[serde(default)]
    residual_rationale: String,
    #[serde(default)]
    items: String,
    #[serde(default)]
    exceptions: String,
    #[serde(default)]
    advice: String,
    /// The scenario as JSON (docs/formats.md, without `name`); empty for none.
    #[serde(default)]
    scenario: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

fn rating_text(r: &Option<Rating>) -> String {
    match r {
        Some(Rating::Matrix { likelihood, impact }) => format!("{likelihood}-{impact}"),
        Some(Rating::Asset {
            importance,
            threat,
            vulnerability,
        }) => format!("{importance}-{threat}-{vulnerability}"),
        None => String::new(),
    }
}

fn parse_rating(method: Method, text: &str) -> Option<Option<Rating>> {
    let parts: Vec<&str> = text.trim().split('-').collect();
    match (method, parts.as_slice()) {
        (_, [""]) => Some(None),
        (Method::Matrix, [l, i]) => Some(Some(Rating::Matrix {
            likelihood: l.parse().ok()?,
            impact: i.parse().ok()?,
        })),
        (Method::AssetBased, [a, b, c]) => Some(Some(Rating::Asset {
            importance: a.parse().ok()?,
            threat: b.parse().ok()?,
            vulnerability: c.parse().ok()?,
        })),
        _ => None,
    }
}

impl RiskForm {
    fn from_entry(e: &RiskEntry) -> RiskForm {
        RiskForm {
            code: e.code.to_string(),
            title: e.title.clone(),
            source: e.source.clone(),
            event: e.event.clone(),
            causes: e.causes.clone(),
            consequences: e.consequences.clone(),
            assets: e.assets.join("\n"),
            owner: e.owner.clone(),
            inherent: rating_text(&e.inherent),
            inherent_rationale: e.inherent_rationale.clone(),
            residual: rating_text(&e.residual),
            residual_rationale: e.residual_rationale.clone(),
            items: e.items.join(", "),
            exceptions: e.exceptions.join(", "),
            advice: e.advice.join(", "),
            scenario: e
                .scenario
                .as_ref()
                .and_then(|s| serde_json::to_string_pretty(s).ok())
                .unwrap_or_default(),
            csrf: String::new(),
        }
    }

    fn parse(&self, method: Method) -> Result<RiskEntry, Problem> {
        let code = Code::parse(&self.code)?;
        let rating = |text: &str, ja: &str, en: &str| {
            parse_rating(method, text).ok_or_else(|| {
                Problem::new(
                    "invalid_rating",
                    format!("{ja}の評価を選んでください"),
                    format!("choose the {en} rating"),
                )
            })
        };
        Ok(RiskEntry {
            code,
            title: self.title.trim().to_owned(),
            source: self.source.trim().to_owned(),
            event: self.event.trim().to_owned(),
            causes: self.causes.trim().to_owned(),
            consequences: self.consequences.trim().to_owned(),
            assets: self
                .assets
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
            owner: self.owner.trim().to_owned(),
            inherent: rating(&self.inherent, "固有リスク", "inherent")?,
            inherent_rationale: self.inherent_rationale.trim().to_owned(),
            residual: rating(&self.residual, "残留リスク", "residual")?,
            residual_rationale: self.residual_rationale.trim().to_owned(),
            items: list_of(&self.items)
                .into_iter()
                .map(|c| c.to_ascii_uppercase())
                .collect(),
            exceptions: list_of(&self.exceptions),
            advice: list_of(&self.advice),
            scenario: match self.scenario.trim() {
                "" => None,
                text => Some(serde_json::from_str(text).map_err(|e| {
                    Problem::new(
                        "invalid_scenario",
                        format!("scenario: JSON として読めません（{e}）"),
                        format!("scenario: not readable as JSON ({e})"),
                    )
                })?),
            },
            expected_loss_yen: None,
        })
    }
}

/// Every rating the criteria allow, as the form's choices: `L-I` with the levels' names, or
/// the asset method's 27 combinations.
fn rating_choices(t: &crate::i18n::T, a: &AssessmentView, ja: bool) -> Vec<(String, String)> {
    let c = &a.criteria;
    let mut out = vec![(String::new(), t.get("risk.not_rated").to_owned())];
    match c.method {
        Method::Matrix => {
            for (l, lk) in c.matrix.probability.iter().enumerate().rev() {
                for (i, im) in c.matrix.impact.iter().enumerate() {
                    let level = c
                        .matrix
                        .risk_of(l, i)
                        .and_then(|r| c.matrix.risk.get(r))
                        .map(|r| r.name(ja))
                        .unwrap_or_default();
                    out.push((
                        format!("{l}-{i}"),
                        format!(
                            "{} {} × {} {} → {level}",
                            t.get("risk_matrix.likelihood"),
                            lk.name(ja),
                            t.get("risk_matrix.impact"),
                            im.name(ja)
                        ),
                    ));
                }
            }
        }
        Method::AssetBased => {
            for a in 1..=3u8 {
                for b in 1..=3u8 {
                    for v in 1..=3u8 {
                        let r = Rating::Asset {
                            importance: a,
                            threat: b,
                            vulnerability: v,
                        };
                        let level = c
                            .level_of(&r)
                            .and_then(|l| c.matrix.risk.get(l))
                            .map(|l| l.name(ja))
                            .unwrap_or_default();
                        out.push((
                            format!("{a}-{b}-{v}"),
                            t.fill(
                                "risk.asset_choice",
                                &[
                                    ("importance", &a.to_string()),
                                    ("threat", &b.to_string()),
                                    ("vulnerability", &v.to_string()),
                                    (
                                        "score",
                                        &(u32::from(a) * u32::from(b) * u32::from(v)).to_string(),
                                    ),
                                    ("level", level),
                                ],
                            ),
                        ));
                    }
                }
            }
        }
    }
    out
}

fn risk_form_page(
    ctx: &Ctx,
    a: &AssessmentView,
    replacing: Option<&str>,
    form: RiskForm,
    error: Option<String>,
) -> Response {
    let t = ctx.t();
    let ja = ctx.lang == Lang::Ja;
    let ratings = rating_choices(&t, a, ja);
    let fields = vec![
        Field::new("code", t.get("risk.code"), "text")
            .required()
            .value(form.code),
        Field::new("title", t.get("risk.title_field"), "text")
            .required()
            .value(form.title),
        Field::new("source", t.get("risk.source"), "text").value(form.source),
        Field::new("event", t.get("risk.event"), "textarea").value(form.event),
        Field::new("causes", t.get("risk.causes"), "textarea").value(form.causes),
        Field::new("consequences", t.get("risk.consequences"), "textarea").value(form.consequences),
        Field::new("assets", t.get("risk.assets"), "textarea")
            .value(form.assets)
            .hint(t.get("risk.one_per_line")),
        Field::new("owner", t.get("risk.owner"), "text").value(form.owner),
        Field::new("inherent", t.get("risk.inherent"), "select")
            .options(ratings.clone())
            .value(form.inherent),
        Field::new(
            "inherent_rationale",
            t.get("risk.inherent_rationale"),
            "textarea",
        )
        .value(form.inherent_rationale),
        Field::new("residual", t.get("risk.residual"), "select")
            .options(ratings)
            .value(form.residual),
        Field::new(
            "residual_rationale",
            t.get("risk.residual_rationale"),
            "textarea",
        )
        .value(form.residual_rationale),
        Field::new("items", t.get("risk.items"), "text")
            .value(form.items)
            .hint(t.get("risk.items_hint")),
        Field::new("exceptions", t.get("risk.exceptions"), "text")
            .value(form.exceptions)
            .hint(t.get("risk.exceptions_hint")),
        Field::new("advice", t.get("risk.advice"), "text")
            .value(form.advice)
            .hint(t.get("risk.advice_hint")),
        Field::new("scenario", t.get("risk.scenario"), "textarea")
            .value(form.scenario)
            .hint(t.get("risk.scenario_hint")),
    ];
    let (title, action) = match replacing {
        Some(code) => (
            format!("{} {code}", t.get("risk.edit_risk")),
            format!("/risk/assessments/{}/risks/{code}", a.id()),
        ),
        None => (
            t.get("risk.add_risk").to_owned(),
            format!("/risk/assessments/{}/risks", a.id()),
        ),
    };
    form_at(
        ctx,
        "risk",
        FormAt {
            title,
            action,
            back: format!("/risk/assessments/{}", a.id()),
        },
        fields,
        error,
        t.get("risk.save_risk"),
    )
}

/// The assessment an address names, for `action`. A version of the risk_assessment artifact
/// written as a plain document (no register) is refused as such, after the same access
/// decision its artifact gets.
/// A version that is not the structured record its address expects (written as a plain
/// document): the access decision its artifact gets, then refused as such.
pub(super) async fn refuse_plain_document(
    ctx: &Ctx,
    actor: &Actor,
    id: ArtifactVersionId,
    action: Action,
    problem: Problem,
) -> PageError {
    let v = match ctx.state.store.artifact_version(actor, id).await {
        Ok(v) => v,
        Err(e) => return ctx.fail(e),
    };
    match require_at(
        ctx,
        actor,
        RecordKind::Artifact(v.reference.kind),
        action,
        Scope::of_company(v.reference.company),
    ) {
        Err(e) => e,
        Ok(()) => ctx.fail(problem),
    }
}

/// The structured record behind an artifact version's address (an assessment, a plan, a
/// business case), for `action`: when found, the decision on its artifact at its scope; when
/// the version is a document of another shape, the decision its artifact gets, then
/// `not_this`.
pub(super) async fn load_structured<T>(
    ctx: &Ctx,
    actor: &Actor,
    id: &str,
    action: Action,
    fetch: impl AsyncFnOnce(ArtifactVersionId) -> Result<T, kamae_store::StoreError>,
    version: impl Fn(&T) -> &kamae_store::artifact::ArtifactVersion,
    not_this: Problem,
) -> Result<T, PageError> {
    let id: ArtifactVersionId = id.parse().map_err(|_| ctx.fail(Failure::not_found()))?;
    match fetch(id).await {
        Ok(found) => {
            let r = &version(&found).reference;
            require_at(
                ctx,
                actor,
                RecordKind::Artifact(r.kind),
                action,
                Scope::of_company(r.company),
            )?;
            Ok(found)
        }
        Err(e) if e.code() == "not_found" => {
            Err(refuse_plain_document(ctx, actor, id, action, not_this).await)
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

pub(super) async fn load(
    ctx: &Ctx,
    actor: &Actor,
    id: &str,
    action: Action,
) -> Result<AssessmentView, PageError> {
    load_structured(
        ctx,
        actor,
        id,
        action,
        async |id| ctx.state.store.assessment(actor, id).await,
        |a: &AssessmentView| &a.version,
        Problem::new(
            "not_an_assessment",
            "この成果物は文書として書かれていて、リスク登録簿がありません",
            "this artifact is written as a document and has no risk register",
        ),
    )
    .await
}

pub async fn new_risk_form(s: SignedIn, Path(id): Path<String>) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let a = load(&ctx, &actor, &id, Action::Write).await?;
    let form = RiskForm {
        code: format!("R-{:02}", a.risks.len() + 1),
        ..RiskForm::default()
    };
    Ok(risk_form_page(&ctx, &a, None, form, None))
}

pub async fn add_risk(
    s: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<RiskForm>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    ctx.check_csrf(&form.csrf)?;
    let a = load(&ctx, &actor, &id, Action::Write).await?;
    save(&ctx, &actor, &a, None, form).await
}

async fn save(
    ctx: &Ctx,
    actor: &Actor,
    a: &AssessmentView,
    replacing: Option<&str>,
    form: RiskForm,
) -> Result<Response, PageError> {
    let result = match form.parse(a.criteria.method) {
        Ok(entry) => {
            ctx.state
                .store
                .save_risk(actor, a.id(), replacing, entry)
                .await
        }
        Err(p) => Err(p.into()),
    };
    match result {
        Ok(saved) => Ok(Redirect::to(&format!("/risk/assessments/{}", saved.id())).into_response()),
        Err(e) => {
            let message = refusal(ctx, e)?;
            Ok(risk_form_page(ctx, a, replacing, form, Some(message)))
        }
    }
}

pub async fn risk_form(
    s: SignedIn,
    Path((id, code)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let a = load(&ctx, &actor, &id, Action::Write).await?;
    let r = a
        .risk(&code)
        .ok_or_else(|| ctx.fail(Failure::not_found()))?;
    let form = RiskForm::from_entry(&r.entry);
    Ok(risk_form_page(
        &ctx,
        &a,
        Some(r.entry.code.as_str()),
        form,
        None,
    ))
}

pub async fn edit_risk(
    s: SignedIn,
    Path((id, code)): Path<(String, String)>,
    Form(form): Form<RiskForm>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    ctx.check_csrf(&form.csrf)?;
    let a = load(&ctx, &actor, &id, Action::Write).await?;
    let code = a
        .risk(&code)
        .map(|r| r.entry.code.to_string())
        .ok_or_else(|| ctx.fail(Failure::not_found()))?;
    save(&ctx, &actor, &a, Some(&code), form).await
}

#[derive(Deserialize)]
pub struct StepForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    fiscal_year: String,
    #[serde(default)]
    title: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

/// Confirming or archiving one risk.
pub async fn risk_step(
    s: SignedIn,
    Path((id, code, step)): Path<(String, String, String)>,
    Form(form): Form<StepForm>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    ctx.check_csrf(&form.csrf)?;
    let a = load(&ctx, &actor, &id, Action::Write).await?;
    let store = &ctx.state.store;
    let result = match step.as_str() {
        "confirm" => store.confirm_risk(&actor, a.id(), &code).await,
        "archive" => match kamae_core::text::required_reason(Some(&form.reason)) {
            Ok(reason) => store.archive_risk(&actor, a.id(), &code, &reason).await,
            Err(p) => Err(p.into()),
        },
        _ => return Err(ctx.fail(Failure::not_found())),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/risk/assessments/{}", a.id())).into_response()),
        Err(e) => Err(ctx.fail(e)),
    }
}

/// Next year's assessment from this approved one.
pub async fn copy_assessment(
    s: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<StepForm>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    ctx.check_csrf(&form.csrf)?;
    let a = load(&ctx, &actor, &id, Action::Write).await?;
    let year = form.fiscal_year.trim().parse::<i32>().map_err(|_| {
        ctx.fail(Problem::new(
            "invalid_year",
            "年度は 2026 のような数で書いてください",
            "write the fiscal year as a number such as 2026",
        ))
    })?;
    let copied = ctx
        .state
        .store
        .copy_assessment(&actor, a.id(), year, &form.title)
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(Redirect::to(&format!("/risk/assessments/{}", copied.id())).into_response())
}
