//! Role C on the web: business cases. A case is started from a risk assessment (its
//! scenarios), written as JSON (plan, discount rate, options; docs/formats.md), worked out
//! when saved, and shown as a print-ready page with its charts and as a workbook; an
//! option's costs, start, owner of the risk left, basis, effects on scenarios and plan
//! changes can be changed in a form of their own. Approval is the investment_plan
//! artifact's own page.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::Path;
use axum::response::Response;
use kamae_core::Problem;
use kamae_core::access::{Action, Actor, RecordKind, Scope};
use kamae_core::artifact::ArtifactKind;
use kamae_quant::business::{CaseOutcome, OptionOutcome};
use kamae_store::business::BusinessCaseView;
use kamae_store::risk::AssessmentView;
use serde::Deserialize;

use super::chart::{Series, bars};
use super::forms::{
    Field, FormAt, Rows, figure, form_at, form_with_rows, saved_or_refused, whole_number,
};
use super::standard::{download, require_at};
use super::{Chrome, render};
use crate::ctx::{Ctx, PageError, SignedIn};
use crate::i18n::Lang;

const CASE: RecordKind = RecordKind::Artifact(ArtifactKind::InvestmentPlan);

fn amount(ja: bool, x: f64) -> String {
    super::chart::approx_yen(ja, x)
}

fn percent(p: f64) -> String {
    format!("{:.1}%", p * 100.0)
}

/// One year of an option as the page shows it.
pub struct YearRow {
    pub year: String,
    pub cost: String,
    pub loss: String,
    pub reduction: String,
    pub profit_mean: String,
    pub profit_p50: String,
    pub profit_p10: String,
    pub profit_p1: String,
    pub targets: Vec<String>,
}

/// One option (or doing nothing) as the page shows it.
pub struct OptionRow {
    pub name: String,
    pub baseline: bool,
    /// Its place among the case's options (none for doing nothing): its form's address.
    pub index: Option<usize>,
    pub cost: String,
    pub before: String,
    pub after: String,
    pub reduction: String,
    pub rosi: String,
    pub npv: String,
    pub payback: String,
    pub targets: Vec<String>,
    pub owner: String,
    pub note: String,
    pub basis: String,
    pub cites: Vec<String>,
    pub years: Vec<YearRow>,
}

fn option_row(ja: bool, name: String, index: Option<usize>, o: &OptionOutcome) -> OptionRow {
    let years_word = if ja { "年" } else { " years" };
    OptionRow {
        name,
        baseline: index.is_none(),
        index,
        cost: amount(ja, o.cost),
        before: amount(ja, o.expected_loss_before),
        after: amount(ja, o.expected_loss_after),
        reduction: amount(ja, o.risk_reduction),
        rosi: o.rosi.map_or_else(|| "—".into(), percent),
        npv: amount(ja, o.npv),
        payback: o
            .payback_years
            .map_or_else(|| "—".into(), |y| format!("{y:.1}{years_word}")),
        targets: o
            .years
            .iter()
            .flat_map(|y| y.targets.iter().map(|t| percent(t.probability)))
            .collect(),
        owner: o.residual_owner.clone(),
        note: o.residual_note.clone(),
        basis: o.basis.clone(),
        cites: o.cites.clone(),
        years: o
            .years
            .iter()
            .map(|y| YearRow {
                year: y.year.clone(),
                cost: amount(ja, y.cost),
                loss: amount(ja, y.expected_loss),
                reduction: amount(ja, y.risk_reduction),
                profit_mean: amount(ja, y.profit_mean),
                profit_p50: amount(ja, y.profit_p50),
                profit_p10: amount(ja, y.profit_p10),
                profit_p1: amount(ja, y.profit_p1),
                targets: y.targets.iter().map(|t| percent(t.probability)).collect(),
            })
            .collect(),
    }
}

/// The plan's lines with a figure per year: yen as yen, a share as a percentage.
fn plan_rows(ja: bool, o: &CaseOutcome) -> Vec<(String, Vec<String>)> {
    let Some(first) = o.baseline.years.first() else {
        return Vec::new();
    };
    (0..first.lines.len())
        .map(|i| {
            (
                first.lines[i].0.clone(),
                o.baseline
                    .years
                    .iter()
                    .map(|y| {
                        let v = y.lines.get(i).map_or(0.0, |l| l.1);
                        if v.abs() < 1.0 && v != 0.0 {
                            percent(v)
                        } else {
                            amount(ja, v)
                        }
                    })
                    .collect(),
            )
        })
        .collect()
}

#[derive(Template)]
#[template(path = "business_case.html")]
struct CasePage<'a> {
    chrome: Chrome<'a>,
    c: &'a BusinessCaseView,
    years: &'a [String],
    plan: Vec<(String, Vec<String>)>,
    /// Each target as "label (year)", in the order of the options' probability columns.
    targets: Vec<String>,
    rows: Vec<OptionRow>,
    loss_chart: String,
    target_chart: String,
    can_write: bool,
    open: bool,
    discount_rate: String,
    /// Evaluations of the investment's effect made from this case: (id, title, state, year).
    evaluations: Vec<(
        kamae_core::ids::ArtifactVersionId,
        String,
        kamae_core::approval::ApprovalState,
        String,
    )>,
}

#[derive(Template)]
#[template(path = "business_cases.html")]
struct ListPage<'a> {
    chrome: Chrome<'a>,
    cases: Vec<BusinessCaseView>,
}

/// The case an address names, for `action`; a version of another kind is refused as such,
/// after the same access decision its artifact gets.
pub(super) async fn load(
    ctx: &Ctx,
    actor: &Actor,
    id: &str,
    action: Action,
) -> Result<BusinessCaseView, PageError> {
    super::risk::load_structured(
        ctx,
        actor,
        id,
        action,
        async |id| ctx.state.store.business_case(actor, id).await,
        |c: &BusinessCaseView| &c.version,
        Problem::new(
            "not_a_business_case",
            "この成果物はビジネスケースではありません",
            "this artifact is not a business case",
        ),
    )
    .await
}

pub async fn list(s: SignedIn) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let cases = ctx
        .state
        .store
        .business_cases(&actor)
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(render(&ListPage {
        chrome: Chrome::new(&ctx, "roles"),
        cases,
    }))
}

pub async fn show(s: SignedIn, Path(id): Path<String>) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let c = load(&ctx, &actor, &id, Action::Read).await?;
    let t = ctx.t();
    let ja = ctx.lang == Lang::Ja;
    let o = &c.outcome;
    let baseline_name = t.get("business.baseline").to_owned();
    let mut rows = vec![option_row(ja, baseline_name.clone(), None, &o.baseline)];
    rows.extend(
        o.options
            .iter()
            .enumerate()
            .map(|(i, x)| option_row(ja, x.name.clone(), Some(i), x)),
    );
    let names: Vec<String> = std::iter::once(baseline_name)
        .chain(o.options.iter().map(|x| x.name.clone()))
        .collect();
    let all: Vec<&OptionOutcome> = std::iter::once(&o.baseline).chain(&o.options).collect();
    let loss_chart = bars(
        "loss-chart",
        t.get("business.loss_chart"),
        &names,
        &[
            Series {
                name: t.get("business.expected_loss_after"),
                colour: "#b91c1c",
                values: all.iter().map(|x| x.expected_loss_after).collect(),
            },
            Series {
                name: t.get("business.cost"),
                colour: "#1d4ed8",
                values: all.iter().map(|x| x.cost).collect(),
            },
        ],
        |v| amount(ja, v),
    );
    let targets: Vec<String> = o
        .baseline
        .years
        .iter()
        .flat_map(|y| {
            y.targets
                .iter()
                .map(|t| format!("{} ({})", t.label, y.year))
        })
        .collect();
    const PALETTE: [&str; 4] = ["#047857", "#7c3aed", "#b45309", "#0e7490"];
    let target_series: Vec<Series<'_>> = targets
        .iter()
        .enumerate()
        .map(|(k, name)| Series {
            name,
            colour: PALETTE[k % PALETTE.len()],
            values: all
                .iter()
                .map(|x| {
                    x.years
                        .iter()
                        .flat_map(|y| y.targets.iter())
                        .nth(k)
                        .map_or(0.0, |t| t.probability)
                })
                .collect(),
        })
        .collect();
    let target_chart = if targets.is_empty() {
        String::new()
    } else {
        bars(
            "target-chart",
            t.get("business.target_chart"),
            &names,
            &target_series,
            percent,
        )
    };
    let can_write = require_at(
        &ctx,
        &actor,
        CASE,
        Action::Write,
        Scope::of_company(c.version.reference.company),
    )
    .is_ok();
    let open = matches!(c.state().as_str(), "draft" | "rejected");
    let evaluations = ctx
        .state
        .store
        .investment_evaluations_of(&actor, c.id())
        .await
        .map_err(|e| ctx.fail(e))?
        .into_iter()
        .map(|v| {
            (
                v.id(),
                v.version.title.clone(),
                v.version.approval.state,
                v.record.year.clone(),
            )
        })
        .collect();
    let page = CasePage {
        evaluations,
        chrome: Chrome::new(&ctx, "roles"),
        years: &o.years,
        plan: plan_rows(ja, o),
        targets,
        rows,
        loss_chart,
        target_chart,
        can_write,
        open,
        discount_rate: percent(o.discount_rate),
        c: &c,
    };
    Ok(render(&page))
}

pub async fn workbook(s: SignedIn, Path(id): Path<String>) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let c = load(&ctx, &actor, &id, Action::Read).await?;
    let bytes = crate::files::business_case_xlsx(&c, &ctx.t()).map_err(|p| ctx.fail(p))?;
    Ok(download(
        &crate::files::business_case_name(&c),
        kamae_exchange::items::Format::Xlsx,
        bytes,
    ))
}

#[derive(Deserialize, Default)]
pub struct CaseForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    case: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

/// The case as JSON, read from the form; a text that is not JSON is refused with where.
fn case_json(text: &str) -> Result<serde_json::Value, Problem> {
    serde_json::from_str(text).map_err(|e| {
        Problem::new(
            "invalid_business_case",
            format!("case: JSON として読めません（{e}）"),
            format!("case: not readable as JSON ({e})"),
        )
    })
}

/// Where a case form is: its title, where it posts, where it goes back to, and whether it
/// asks for a title (a new case) or not (a saved one keeps its version's title).
struct CaseFormAt {
    at: FormAt,
    with_title: bool,
}

impl CaseFormAt {
    fn new_case(ctx: &Ctx, a: &AssessmentView) -> CaseFormAt {
        CaseFormAt {
            at: FormAt {
                title: ctx.t().get("business.new").to_owned(),
                action: format!("/risk/assessments/{}/business-cases", a.id()),
                back: format!("/risk/assessments/{}", a.id()),
            },
            with_title: true,
        }
    }

    fn edit(ctx: &Ctx, c: &BusinessCaseView) -> CaseFormAt {
        CaseFormAt {
            at: FormAt {
                title: format!("{} — {}", ctx.t().get("business.edit"), c.version.title),
                action: format!("/business-cases/{}/edit", c.id()),
                back: format!("/business-cases/{}", c.id()),
            },
            with_title: false,
        }
    }
}

fn case_form_page(ctx: &Ctx, at: CaseFormAt, form: CaseForm, error: Option<String>) -> Response {
    let t = ctx.t();
    let mut fields = Vec::new();
    if at.with_title {
        fields.push(
            Field::new("title", t.get("business.case_title"), "text")
                .required()
                .value(form.title),
        );
    }
    fields.push(
        Field::new("case", t.get("business.case_json"), "textarea")
            .required()
            .value(form.case)
            .hint(t.get("business.case_json_hint")),
    );
    form_at(ctx, "roles", at.at, fields, error, t.get("business.save"))
}

/// After a save: the case's page, or the form again with what was typed and why it was
/// refused.
fn case_saved_or_refused(
    ctx: &Ctx,
    at: CaseFormAt,
    form: CaseForm,
    result: Result<BusinessCaseView, kamae_store::StoreError>,
) -> Result<Response, PageError> {
    saved_or_refused(
        ctx,
        result,
        |c| format!("/business-cases/{}", c.id()),
        |refused| case_form_page(ctx, at, form, Some(refused)),
    )
}

/// A case to start from: the assessment's years and one profit line, no options yet.
fn starting_case(a: &AssessmentView, profit_line: &str) -> String {
    let years: Vec<String> = (0..3).map(|k| (a.fiscal_year + k).to_string()).collect();
    let case = serde_json::json!({
        "discount_rate": 0.05,
        "plan": {
            "years": years,
            "profit_line": profit_line,
            "lines": [{"name": profit_line, "values": [0, 0, 0]}],
            "targets": []
        },
        "options": []
    });
    serde_json::to_string_pretty(&case).unwrap_or_default()
}

async fn assessment_for_case(
    ctx: &Ctx,
    actor: &Actor,
    id: &str,
) -> Result<AssessmentView, PageError> {
    // Writing a case at the assessment's scope is writing an artifact there, as writing the
    // assessment is: the same decision, made once.
    super::risk::load(ctx, actor, id, Action::Write).await
}

pub async fn new_form(s: SignedIn, Path(id): Path<String>) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let a = assessment_for_case(&ctx, &actor, &id).await?;
    let form = CaseForm {
        case: starting_case(&a, ctx.t().get("business.profit_line")),
        ..CaseForm::default()
    };
    Ok(case_form_page(
        &ctx,
        CaseFormAt::new_case(&ctx, &a),
        form,
        None,
    ))
}

pub async fn create(
    s: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<CaseForm>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    ctx.check_csrf(&form.csrf)?;
    let a = assessment_for_case(&ctx, &actor, &id).await?;
    let result = match case_json(&form.case) {
        Ok(case) => {
            ctx.state
                .store
                .new_business_case(&actor, a.id(), &form.title, case)
                .await
        }
        Err(p) => Err(p.into()),
    };
    case_saved_or_refused(&ctx, CaseFormAt::new_case(&ctx, &a), form, result)
}

/// Saves a case as read from a form, or refuses what could not be read, as the store would.
async fn save_case(
    ctx: &Ctx,
    actor: &Actor,
    c: &BusinessCaseView,
    read: Result<serde_json::Value, Problem>,
) -> Result<BusinessCaseView, kamae_store::StoreError> {
    match read {
        Ok(case) => {
            ctx.state
                .store
                .save_business_case(actor, c.id(), case)
                .await
        }
        Err(p) => Err(p.into()),
    }
}

pub async fn edit_form(s: SignedIn, Path(id): Path<String>) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let c = load(&ctx, &actor, &id, Action::Write).await?;
    let form = CaseForm {
        case: serde_json::to_string_pretty(&c.case).unwrap_or_default(),
        ..CaseForm::default()
    };
    Ok(case_form_page(&ctx, CaseFormAt::edit(&ctx, &c), form, None))
}

pub async fn save(
    s: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<CaseForm>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    ctx.check_csrf(&form.csrf)?;
    let c = load(&ctx, &actor, &id, Action::Write).await?;
    let result = save_case(&ctx, &actor, &c, case_json(&form.case)).await;
    case_saved_or_refused(&ctx, CaseFormAt::edit(&ctx, &c), form, result)
}

/// One option as a form: its costs, the year it starts, who owns the risk it leaves, on what
/// it rests, and its effects on scenarios and changes to the plan as rows. Its name,
/// combinations and citations stay as the case's JSON has them.
#[derive(Deserialize, Default)]
pub struct OptionForm {
    #[serde(default)]
    initial_cost: String,
    #[serde(default)]
    yearly_cost: String,
    #[serde(default)]
    staff_cost: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    residual_owner: String,
    #[serde(default)]
    residual_note: String,
    #[serde(default)]
    basis: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
    /// The rows' fields by the names the page gives them, which are also the places the
    /// problems name: `effects[0].frequency_factor`, `plan_changes[1].deltas[2]`.
    #[serde(flatten)]
    rows: BTreeMap<String, String>,
}

/// The option at place `n` of a case's options, or not found.
fn option_at<'a>(
    ctx: &Ctx,
    c: &'a BusinessCaseView,
    n: usize,
) -> Result<&'a serde_json::Map<String, serde_json::Value>, PageError> {
    c.case
        .get("options")
        .and_then(|o| o.get(n))
        .and_then(|o| o.as_object())
        .ok_or_else(|| ctx.fail(crate::error::Failure::not_found()))
}

const EFFECTS: &str = "effects";
const PLAN_CHANGES: &str = "plan_changes";
/// Empty rows offered after an option's own, to add an effect or a plan change.
const NEW_ROWS: usize = 2;

/// The rows of the list `list` a form carries, by their place, each with its fields by name
/// (`scenario`, `deltas[2]`); none when the form carries no row of it.
fn rows_of<'a>(
    form: &'a BTreeMap<String, String>,
    list: &str,
) -> Option<BTreeMap<usize, BTreeMap<&'a str, &'a str>>> {
    let mut out: BTreeMap<usize, BTreeMap<&str, &str>> = BTreeMap::new();
    for (key, value) in form {
        let Some((n, field)) = key
            .strip_prefix(list)
            .and_then(|k| k.strip_prefix('['))
            .and_then(|k| k.split_once("]."))
        else {
            continue;
        };
        if let Ok(n) = n.parse::<usize>() {
            out.entry(n).or_default().insert(field, value.as_str());
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Whether a row of `list` was left empty: no effect (no scenario or factor, no delay but
/// 0), or no plan change (no line, no figure but 0; the form shows an existing change's
/// years as 0, so clearing its line is what removes it).
fn row_is_empty(list: &str, row: &BTreeMap<&str, &str>) -> bool {
    let field = |name: &str| row.get(name).map_or("", |v| v.trim());
    let nothing = |text: &str| text.is_empty() || figure("", text).is_ok_and(|x| x == 0.0);
    if list == EFFECTS {
        ["scenario", "frequency_factor", "magnitude_factor"]
            .iter()
            .all(|f| field(f).is_empty())
            && nothing(field("delay_years"))
    } else {
        field("line").is_empty()
            && row
                .iter()
                .all(|(k, v)| !k.starts_with("deltas[") || nothing(v.trim()))
    }
}

/// A factor as the form shows it: a number, PERT's three numbers, or (another distribution,
/// which the form does not spell out) its JSON.
fn factor_text(v: Option<&serde_json::Value>) -> String {
    match v {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::Number(x)) => x.to_string(),
        Some(v) => match v.get("pert").and_then(|p| p.as_array()) {
            Some(p) if v.as_object().is_some_and(|o| o.len() == 1) => p
                .iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(", "),
            _ => v.to_string(),
        },
    }
}

/// A factor as typed: empty for none, a number, three numbers (min, mode, max) for PERT, or a
/// distribution's JSON as [`factor_text`] shows it. Whether it holds as a factor is the case
/// check's to say, with its path.
fn read_factor(field: &str, text: &str) -> Result<Option<serde_json::Value>, Problem> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.starts_with('{') {
        return serde_json::from_str(text).map(Some).map_err(|e| {
            Problem::new(
                "invalid_number",
                format!("{field}: JSON として読めません（{e}）"),
                format!("{field}: not readable as JSON ({e})"),
            )
        });
    }
    let numbers: Result<Vec<f64>, Problem> = text
        .split([',', '，', '/', '／', '・', '、', ' ', '　'])
        .filter(|p| !p.is_empty())
        .map(|p| figure(field, p))
        .collect();
    match numbers.as_deref() {
        Ok([x]) => Ok(Some(serde_json::Value::from(*x))),
        Ok([min, mode, max]) => Ok(Some(serde_json::json!({"pert": [min, mode, max]}))),
        _ => Err(Problem::new(
            "invalid_number",
            format!(
                "{field}: 数か、最小・最頻・最大の3つの数（0.2, 0.4, 0.7）で書いてください（{text:?}）"
            ),
            format!(
                "{field}: write a number, or three numbers min, mode, max as in 0.2, 0.4, 0.7 ({text:?})"
            ),
        )),
    }
}

/// A figure as the form shows it: whole yen grouped as people write them, a fraction (a
/// share's change) as it is.
fn figure_text(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        kamae_core::money::Yen(x as i64)
            .grouped()
            .trim_end_matches('円')
            .to_owned()
    } else {
        x.to_string()
    }
}

/// The plan's years (or its lines) by name, as the case's JSON has them.
fn plan_names(case: &serde_json::Value, pointer: &str, key: Option<&str>) -> Vec<String> {
    case.pointer(pointer)
        .and_then(|l| l.as_array())
        .into_iter()
        .flatten()
        .filter_map(|x| key.map_or(Some(x), |k| x.get(k)))
        .filter_map(|x| x.as_str())
        .map(str::to_owned)
        .collect()
}

impl OptionForm {
    fn of(option: &serde_json::Map<String, serde_json::Value>) -> OptionForm {
        let text = |key: &str| {
            option
                .get(key)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned()
        };
        // Whole yen (as the form reads them back), grouped as the plan changes' figures are.
        let yen = |key: &str| {
            figure_text(
                option
                    .get(key)
                    .and_then(|v| v.as_f64())
                    .unwrap_or(0.0)
                    .round(),
            )
        };
        let list = |key: &str| {
            option
                .get(key)
                .and_then(|v| v.as_array())
                .into_iter()
                .flatten()
                .enumerate()
        };
        let mut rows = BTreeMap::new();
        for (i, e) in list(EFFECTS) {
            let at = |field: &str| format!("{EFFECTS}[{i}].{field}");
            let scenario = e
                .get("scenario")
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            rows.insert(at("scenario"), scenario.to_owned());
            for f in ["frequency_factor", "magnitude_factor"] {
                rows.insert(at(f), factor_text(e.get(f)));
            }
            let delay = e.get("delay_years").and_then(|v| v.as_u64()).unwrap_or(0);
            rows.insert(at("delay_years"), delay.to_string());
        }
        for (i, c) in list(PLAN_CHANGES) {
            let line = c.get("line").and_then(|v| v.as_str()).unwrap_or_default();
            rows.insert(format!("{PLAN_CHANGES}[{i}].line"), line.to_owned());
            let deltas = c.get("deltas").and_then(|v| v.as_array());
            for (k, x) in deltas.into_iter().flatten().enumerate() {
                rows.insert(
                    format!("{PLAN_CHANGES}[{i}].deltas[{k}]"),
                    figure_text(x.as_f64().unwrap_or(0.0)),
                );
            }
        }
        OptionForm {
            initial_cost: yen("initial_cost"),
            yearly_cost: yen("yearly_cost"),
            staff_cost: yen("staff_cost"),
            start: text("start"),
            residual_owner: text("residual_owner"),
            residual_note: text("residual_note"),
            basis: text("basis"),
            csrf: String::new(),
            rows,
        }
    }

    /// A list the form does not carry at all (a client that knows only the option's costs)
    /// is the option's as it is, so that it is neither dropped nor shown empty.
    fn keep_lists_of(&mut self, option: &serde_json::Map<String, serde_json::Value>) {
        let of = OptionForm::of(option).rows;
        for list in [EFFECTS, PLAN_CHANGES] {
            if rows_of(&self.rows, list).is_none() {
                self.rows.extend(
                    of.iter()
                        .filter(|(k, _)| k.starts_with(&format!("{list}[")))
                        .map(|(k, v)| (k.clone(), v.clone())),
                );
            }
        }
    }

    /// Drops the rows left empty and numbers the others from 0, as they will be saved: the
    /// place a problem names (`effects[1]`, the form's own or the case check's) is then the
    /// row the page shows again.
    fn compact_rows(&mut self) {
        let mut rows: BTreeMap<String, String> = self
            .rows
            .iter()
            .filter(|(k, _)| {
                ![EFFECTS, PLAN_CHANGES]
                    .iter()
                    .any(|l| k.starts_with(&format!("{l}[")))
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for list in [EFFECTS, PLAN_CHANGES] {
            let kept = rows_of(&self.rows, list)
                .unwrap_or_default()
                .into_values()
                .filter(|row| !row_is_empty(list, row));
            for (i, row) in kept.enumerate() {
                for (field, value) in row {
                    rows.insert(format!("{list}[{i}].{field}"), value.to_owned());
                }
            }
        }
        self.rows = rows;
    }

    /// The effects the form's rows give; an empty row is none, and removes the effect it had.
    fn effects(&self, problems: &mut Vec<Problem>) -> Vec<serde_json::Value> {
        let mut out = Vec::new();
        for (i, row) in rows_of(&self.rows, EFFECTS).unwrap_or_default() {
            let field = |name: &str| row.get(name).map_or("", |v| v.trim());
            let at = |name: &str| format!("{EFFECTS}[{i}].{name}");
            if row_is_empty(EFFECTS, &row) {
                continue;
            }
            let scenario = field("scenario");
            let delay = field("delay_years");
            let factors = ["frequency_factor", "magnitude_factor"];
            if scenario.is_empty() {
                problems.push(Problem::new(
                    "invalid_business_case",
                    format!(
                        "{}: シナリオを選んでください（効果をなくすには、行を空にします）",
                        at("scenario")
                    ),
                    format!(
                        "{}: choose a scenario (to remove the effect, empty its row)",
                        at("scenario")
                    ),
                ));
            }
            let mut effect = serde_json::Map::new();
            effect.insert("scenario".to_owned(), scenario.into());
            for f in factors {
                match read_factor(&at(f), field(f)) {
                    Ok(Some(v)) => {
                        effect.insert(f.to_owned(), v);
                    }
                    Ok(None) => {}
                    Err(p) => problems.push(p),
                }
            }
            if !matches!(delay, "" | "0") {
                match whole_number(&at("delay_years"), delay) {
                    Ok(years) if years >= 0 => {
                        effect.insert("delay_years".to_owned(), years.into());
                    }
                    Ok(_) => problems.push(Problem::new(
                        "invalid_number",
                        format!(
                            "{}: 0 以上の年数で書いてください（{delay:?}）",
                            at("delay_years")
                        ),
                        format!("{}: write 0 or more years ({delay:?})", at("delay_years")),
                    )),
                    Err(p) => problems.push(p),
                }
            }
            out.push(effect.into());
        }
        out
    }

    /// The plan changes the form's rows give, one figure for each of the plan's `years` (an
    /// empty figure is no change that year); an empty row is none.
    fn plan_changes(&self, years: usize, problems: &mut Vec<Problem>) -> Vec<serde_json::Value> {
        let mut out = Vec::new();
        for (i, row) in rows_of(&self.rows, PLAN_CHANGES).unwrap_or_default() {
            let line = row.get("line").map_or("", |v| v.trim());
            let typed: Vec<(&str, &str)> = row
                .iter()
                .filter(|(k, v)| k.starts_with("deltas[") && !v.trim().is_empty())
                .map(|(k, v)| (*k, v.trim()))
                .collect();
            if row_is_empty(PLAN_CHANGES, &row) {
                continue;
            }
            if line.is_empty() {
                problems.push(Problem::new(
                    "invalid_business_case",
                    format!("{PLAN_CHANGES}[{i}].line: 項目を選んでください（計画の変更をなくすには、行を空にします）"),
                    format!("{PLAN_CHANGES}[{i}].line: choose a line (to remove the change, empty its row)"),
                ));
            }
            let mut deltas = vec![0.0; years];
            for (name, text) in typed {
                let at = format!("{PLAN_CHANGES}[{i}].{name}");
                let year = name
                    .strip_prefix("deltas[")
                    .and_then(|k| k.strip_suffix(']'))
                    .and_then(|k| k.parse::<usize>().ok());
                match year.and_then(|k| deltas.get_mut(k)) {
                    Some(slot) => match figure(&at, text) {
                        Ok(x) => *slot = x,
                        Err(p) => problems.push(p),
                    },
                    None => problems.push(Problem::new(
                        "invalid_business_case",
                        format!("{at}: 計画の年度は {years} つです"),
                        format!("{at}: the plan has {years} years"),
                    )),
                }
            }
            out.push(serde_json::json!({"line": line, "deltas": deltas}));
        }
        out
    }

    /// The case with this option changed, or every field that cannot be read, named.
    fn apply(&self, case: &serde_json::Value, n: usize) -> Result<serde_json::Value, Problem> {
        let mut problems = Vec::new();
        let mut yen = |field: &str, text: &str| {
            whole_number(field, text).map_or_else(
                |p| {
                    problems.push(p);
                    serde_json::Value::Null
                },
                serde_json::Value::from,
            )
        };
        let figures = [
            ("initial_cost", yen("initial_cost", &self.initial_cost)),
            ("yearly_cost", yen("yearly_cost", &self.yearly_cost)),
            ("staff_cost", yen("staff_cost", &self.staff_cost)),
        ];
        let years = plan_names(case, "/plan/years", None).len();
        let lists = [
            (EFFECTS, self.effects(&mut problems)),
            (PLAN_CHANGES, self.plan_changes(years, &mut problems)),
        ];
        if let Some(p) = Problem::all("invalid_business_case", &problems) {
            return Err(p);
        }
        let mut case = case.clone();
        let Some(option) = case
            .get_mut("options")
            .and_then(|o| o.get_mut(n))
            .and_then(|o| o.as_object_mut())
        else {
            return Err(Problem::new(
                "invalid_business_case",
                format!("options[{n}]: この選択肢はありません"),
                format!("options[{n}]: there is no such option"),
            ));
        };
        for (key, value) in figures {
            option.insert(key.to_owned(), value);
        }
        let start = self.start.trim();
        if start.is_empty() {
            option.remove("start");
        } else {
            option.insert("start".to_owned(), start.into());
        }
        for (key, value) in [
            ("residual_owner", &self.residual_owner),
            ("residual_note", &self.residual_note),
            ("basis", &self.basis),
        ] {
            option.insert(key.to_owned(), value.trim().into());
        }
        for (key, list) in lists {
            if list.is_empty() {
                option.remove(key);
            } else {
                option.insert(key.to_owned(), list.into());
            }
        }
        Ok(case)
    }
}

/// A select's choices: none first, then `names`, and `value` if it is not among them (an
/// effect naming a scenario the assessment no longer has stays as it was until changed).
fn choices(names: &[(String, String)], value: &str) -> Vec<(String, String)> {
    let mut out = vec![(String::new(), "—".to_owned())];
    out.extend(names.iter().cloned());
    if !value.is_empty() && !names.iter().any(|(v, _)| v == value) {
        out.push((value.to_owned(), value.to_owned()));
    }
    out
}

/// The scenarios a case's effects can name: the codes of its assessment's risks that carry
/// one, as the store works the case out.
async fn scenarios_for(
    ctx: &Ctx,
    actor: &Actor,
    c: &BusinessCaseView,
) -> Result<Vec<(String, String)>, PageError> {
    let a = ctx
        .state
        .store
        .assessment(actor, c.assessment)
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(a.risks
        .iter()
        .filter(|r| r.entry.scenario.is_some())
        .map(|r| {
            let code = r.entry.code.as_str().to_owned();
            let label = format!("{code} — {}", r.entry.title);
            (code, label)
        })
        .collect())
}

/// The option's effects and plan changes as rows, what the form holds first, then
/// [`NEW_ROWS`] empty ones.
fn option_rows(
    ctx: &Ctx,
    c: &BusinessCaseView,
    scenarios: &[(String, String)],
    form: &OptionForm,
) -> Vec<Rows> {
    let t = ctx.t();
    let years = plan_names(&c.case, "/plan/years", None);
    let lines: Vec<(String, String)> = plan_names(&c.case, "/plan/lines", Some("name"))
        .into_iter()
        .map(|l| (l.clone(), l))
        .collect();
    let rows = |list: &str| {
        let held = rows_of(&form.rows, list).unwrap_or_default().into_values();
        held.chain((0..NEW_ROWS).map(|_| BTreeMap::new()))
            .enumerate()
            .collect::<Vec<_>>()
    };
    let text =
        |name: String, label: &str, value: &str| Field::new(name, label, "text").value(value);
    let effect_columns = [
        t.get("business.effect_scenario"),
        t.get("business.frequency_factor"),
        t.get("business.magnitude_factor"),
        t.get("business.delay_years"),
    ];
    let effects = rows(EFFECTS)
        .into_iter()
        .map(|(i, row)| {
            let value = |f: &str| row.get(f).copied().unwrap_or_default();
            let at = |f: &str| format!("{EFFECTS}[{i}].{f}");
            vec![
                Field::new(at("scenario"), effect_columns[0], "select")
                    .options(choices(scenarios, value("scenario")))
                    .value(value("scenario")),
                text(
                    at("frequency_factor"),
                    effect_columns[1],
                    value("frequency_factor"),
                ),
                text(
                    at("magnitude_factor"),
                    effect_columns[2],
                    value("magnitude_factor"),
                ),
                text(at("delay_years"), effect_columns[3], value("delay_years")),
            ]
        })
        .collect();
    let changes = rows(PLAN_CHANGES)
        .into_iter()
        .map(|(i, row)| {
            let line = row.get("line").copied().unwrap_or_default();
            std::iter::once(
                Field::new(
                    format!("{PLAN_CHANGES}[{i}].line"),
                    t.get("business.line"),
                    "select",
                )
                .options(choices(&lines, line))
                .value(line),
            )
            .chain(years.iter().enumerate().map(|(k, year)| {
                let name = format!("deltas[{k}]");
                let value = row.get(name.as_str()).copied().unwrap_or_default();
                text(format!("{PLAN_CHANGES}[{i}].{name}"), year, value)
            }))
            .collect()
        })
        .collect();
    vec![
        Rows {
            legend: t.get("business.effects").to_owned(),
            hint: Some(t.get("business.effects_hint").to_owned()),
            columns: effect_columns.iter().map(|c| (*c).to_owned()).collect(),
            rows: effects,
        },
        Rows {
            legend: t.get("business.plan_changes").to_owned(),
            hint: Some(t.get("business.plan_changes_hint").to_owned()),
            columns: std::iter::once(t.get("business.line").to_owned())
                .chain(years.iter().cloned())
                .collect(),
            rows: changes,
        },
    ]
}

fn option_form_page(
    ctx: &Ctx,
    c: &BusinessCaseView,
    n: usize,
    scenarios: &[(String, String)],
    form: OptionForm,
    error: Option<String>,
) -> Response {
    let t = ctx.t();
    let name = c
        .case
        .get("options")
        .and_then(|o| o.get(n))
        .and_then(|o| o.get("name"))
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    let years: Vec<(String, String)> =
        std::iter::once((String::new(), t.get("business.from_first_year").to_owned()))
            .chain(
                plan_names(&c.case, "/plan/years", None)
                    .into_iter()
                    .map(|y| (y.clone(), y)),
            )
            .collect();
    let lists = option_rows(ctx, c, scenarios, &form);
    let yen = |name: &'static str, label: &str, value: String| {
        Field::new(name, label, "text")
            .required()
            .value(value)
            .hint(t.get("business.yen_hint"))
    };
    let fields = vec![
        yen(
            "initial_cost",
            t.get("business.initial_cost"),
            form.initial_cost,
        ),
        yen(
            "yearly_cost",
            t.get("business.yearly_cost"),
            form.yearly_cost,
        ),
        yen("staff_cost", t.get("business.staff_cost"), form.staff_cost),
        Field::new("start", t.get("business.option_start"), "select")
            .options(years)
            .value(form.start),
        Field::new("residual_owner", t.get("business.owner"), "text")
            .required()
            .value(form.residual_owner),
        Field::new("residual_note", t.get("business.residual_note"), "textarea")
            .value(form.residual_note),
        Field::new("basis", t.get("business.basis"), "textarea")
            .value(form.basis)
            .hint(t.get("business.basis_hint")),
    ];
    form_with_rows(
        ctx,
        "roles",
        FormAt {
            title: format!("{} — {name}", t.get("business.option_edit")),
            action: format!("/business-cases/{}/options/{n}/edit", c.id()),
            back: format!("/business-cases/{}", c.id()),
        },
        fields,
        lists,
        error,
        t.get("business.save"),
    )
}

pub async fn option_form(
    s: SignedIn,
    Path((id, n)): Path<(String, usize)>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let c = load(&ctx, &actor, &id, Action::Write).await?;
    let form = OptionForm::of(option_at(&ctx, &c, n)?);
    let scenarios = scenarios_for(&ctx, &actor, &c).await?;
    Ok(option_form_page(&ctx, &c, n, &scenarios, form, None))
}

/// Saves the case with the option changed, as saving the whole case does (worked out again,
/// refused with the place of each problem, an approved case never changed).
pub async fn save_option(
    s: SignedIn,
    Path((id, n)): Path<(String, usize)>,
    Form(mut form): Form<OptionForm>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    ctx.check_csrf(&form.csrf)?;
    let c = load(&ctx, &actor, &id, Action::Write).await?;
    form.keep_lists_of(option_at(&ctx, &c, n)?);
    form.compact_rows();
    let result = save_case(&ctx, &actor, &c, form.apply(&c.case, n)).await;
    // The scenarios to choose from are wanted only if the page is shown again.
    let scenarios = if result.is_ok() {
        Vec::new()
    } else {
        scenarios_for(&ctx, &actor, &c).await?
    };
    saved_or_refused(
        &ctx,
        result,
        |saved| format!("/business-cases/{}", saved.id()),
        |refused| option_form_page(&ctx, &c, n, &scenarios, form, Some(refused)),
    )
}
