//! The artifact map: figure 1-3 of the seed drawn as SVG. Each role is a box holding its
//! artifacts; an arrow from a role to another means its artifacts are the other's inputs.
//! Each artifact shows its latest version, approval state and staleness, and links to it.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use askama::Template;
use axum::response::Response;
use kamae_core::artifact::{ArtifactKind, RoleArea};
use kamae_store::artifact::{ArtifactSummary, StaleView};

use super::{Chrome, render};
use crate::ctx::{PageError, SignedIn};
use crate::i18n::T;

const W: f64 = 200.0;
const H: f64 = 180.0;

/// Where each role's box stands: A and B above, C–G below, as in the figure.
fn position(r: RoleArea) -> (f64, f64) {
    match r {
        RoleArea::A => (260.0, 20.0),
        RoleArea::B => (640.0, 20.0),
        RoleArea::C => (20.0, 380.0),
        RoleArea::D => (240.0, 380.0),
        RoleArea::E => (460.0, 380.0),
        RoleArea::F => (680.0, 380.0),
        RoleArea::G => (900.0, 380.0),
    }
}

pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn role_key(r: RoleArea) -> &'static str {
    match r {
        RoleArea::A => "map.role.a",
        RoleArea::B => "map.role.b",
        RoleArea::C => "map.role.c",
        RoleArea::D => "map.role.d",
        RoleArea::E => "map.role.e",
        RoleArea::F => "map.role.f",
        RoleArea::G => "map.role.g",
    }
}

fn artifact_key(k: ArtifactKind) -> &'static str {
    use ArtifactKind as K;
    match k {
        K::ObjectivesAndTargets => "map.artifact.objectives_and_targets",
        K::AchievementEvaluation => "map.artifact.achievement_evaluation",
        K::StrategyAndPlan => "map.artifact.strategy_and_plan",
        K::StrategyEffectiveness => "map.artifact.strategy_effectiveness",
        K::InvestmentPlan => "map.artifact.investment_plan",
        K::InvestmentEvaluation => "map.artifact.investment_evaluation",
        K::MeasuresAndRules => "map.artifact.measures_and_rules",
        K::AdviceToDepartments => "map.artifact.advice_to_departments",
        K::RiskAssessment => "map.artifact.risk_assessment",
        K::RiskTreatmentPlan => "map.artifact.risk_treatment_plan",
        K::ItBcp => "map.artifact.it_bcp",
        K::IncidentResponseReport => "map.artifact.incident_response_report",
    }
}

/// The point where the line from a box's centre towards `to` leaves the box.
fn edge(from: (f64, f64), to: (f64, f64)) -> (f64, f64) {
    let (cx, cy) = (from.0 + W / 2.0, from.1 + H / 2.0);
    let (tx, ty) = (to.0 + W / 2.0, to.1 + H / 2.0);
    let (dx, dy) = (tx - cx, ty - cy);
    let sx = if dx.abs() > f64::EPSILON {
        (W / 2.0) / dx.abs()
    } else {
        f64::INFINITY
    };
    let sy = if dy.abs() > f64::EPSILON {
        (H / 2.0) / dy.abs()
    } else {
        f64::INFINITY
    };
    let s = sx.min(sy);
    (cx + dx * s, cy + dy * s)
}

/// One artifact as the map shows it.
pub struct MapArtifact {
    pub kind: ArtifactKind,
    /// The series shown: the group's own, or the first company's.
    pub shown: Option<ArtifactSummary>,
    pub other_series: usize,
    pub stale: Vec<String>,
}

pub fn collect(t: T<'_>, artifacts: &[ArtifactSummary], stale: &[StaleView]) -> Vec<MapArtifact> {
    ArtifactKind::ALL
        .iter()
        .map(|k| {
            let of_kind: Vec<&ArtifactSummary> =
                artifacts.iter().filter(|a| a.kind == *k).collect();
            let shown = of_kind
                .iter()
                .find(|a| a.company_code.is_none())
                .or(of_kind.first())
                .map(|a| (*a).clone());
            let stale = stale
                .iter()
                .filter(|s| s.artifact.kind == *k)
                .flat_map(|s| s.reasons.iter().map(|r| t.pick(&r.ja, &r.en).to_owned()))
                .collect();
            MapArtifact {
                kind: *k,
                other_series: of_kind.len().saturating_sub(1),
                shown,
                stale,
            }
        })
        .collect()
}

pub fn svg(t: T<'_>, items: &[MapArtifact]) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1120 580" class="map" role="img" aria-labelledby="map-title"><title id="map-title">{}</title>"##,
        esc(t.get("map.title"))
    );
    out.push_str(
        r##"<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#8a93a6"/></marker></defs>"##,
    );
    // Arrows first, behind the boxes: one line per pair of roles, with a head at each end
    // that receives the other's artifacts.
    let mut pairs: BTreeSet<(RoleArea, RoleArea)> = BTreeSet::new();
    for k in ArtifactKind::ALL {
        for to in k.consumers() {
            pairs.insert((k.role(), *to));
        }
    }
    let mut drawn: BTreeSet<(RoleArea, RoleArea)> = BTreeSet::new();
    for (from, to) in &pairs {
        let key = if from < to {
            (*from, *to)
        } else {
            (*to, *from)
        };
        if !drawn.insert(key) {
            continue;
        }
        let both = pairs.contains(&(*to, *from));
        let (a, b) = (position(*from), position(*to));
        let (x1, y1) = edge(a, b);
        let (x2, y2) = edge(b, a);
        let start = if both {
            r#" marker-start="url(#arrow)""#
        } else {
            ""
        };
        let _ = write!(
            out,
            r#"<line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" class="flow" marker-end="url(#arrow)"{start}/>"#
        );
    }
    for r in RoleArea::ALL {
        let (x, y) = position(r);
        let _ = write!(
            out,
            r#"<g class="role-box" id="role-{letter}"><a href="/roles/{lower}"><rect x="{x}" y="{y}" width="{W}" height="{H}" rx="8" class="role-frame"/><rect x="{x}" y="{y}" width="34" height="34" rx="8" class="role-letter"/><text x="{lx}" y="{ly}" class="letter-text">{letter}</text><text x="{tx}" y="{ly}" class="role-title">{title}</text></a>"#,
            letter = r.letter(),
            lower = r.letter().to_ascii_lowercase(),
            lx = x + 17.0,
            ly = y + 23.0,
            tx = x + 44.0,
            title = esc(t.get(role_key(r))),
        );
        for (i, item) in items.iter().filter(|a| a.kind.role() == r).enumerate() {
            let ay = y + 44.0 + i as f64 * 66.0;
            let (href, state_class, line2) = match &item.shown {
                // Several series of this kind (the group's and companies'): the list of them.
                Some(a) if item.other_series > 0 => (
                    format!("/artifacts?kind={}", item.kind.as_str()),
                    format!("state-{}", a.latest_state.as_str()),
                    format!(
                        "{} {} +{}",
                        t.version(&a.latest.number),
                        t.pick(a.latest_state.label_ja(), a.latest_state.label_en()),
                        item.other_series
                    ),
                ),
                Some(a) => {
                    let state = t.pick(a.latest_state.label_ja(), a.latest_state.label_en());
                    let more = if item.other_series > 0 {
                        format!(" +{}", item.other_series)
                    } else {
                        String::new()
                    };
                    (
                        format!("/artifacts/{}", a.latest.version),
                        format!("state-{}", a.latest_state.as_str()),
                        format!("{} {state}{more}", t.version(&a.latest.number)),
                    )
                }
                None => (
                    format!("/artifacts/new?kind={}", item.kind.as_str()),
                    "state-none".to_owned(),
                    t.get("map.none").to_owned(),
                ),
            };
            let stale_class = if item.stale.is_empty() { "" } else { " stale" };
            let tooltip = if item.stale.is_empty() {
                esc(t.pick(item.kind.label_ja(), item.kind.label_en()))
            } else {
                esc(&item.stale.join("\n"))
            };
            let _ = write!(
                out,
                r#"<a href="{href}" class="artifact {state_class}{stale_class}" id="artifact-{kind}"><title>{tooltip}</title><rect x="{ax}" y="{ay}" width="{aw}" height="58" rx="6"/><text x="{tx}" y="{t1}" class="artifact-name">{name}</text><text x="{tx}" y="{t2}" class="artifact-state">{line2}</text>"#,
                kind = item.kind.as_str(),
                ax = x + 10.0,
                aw = W - 20.0,
                tx = x + 20.0,
                t1 = ay + 24.0,
                t2 = ay + 46.0,
                name = esc(t.get(artifact_key(item.kind))),
                line2 = esc(&line2),
            );
            if !item.stale.is_empty() {
                let _ = write!(
                    out,
                    r#"<text x="{sx}" y="{t1}" class="stale-mark">{mark}</text>"#,
                    sx = x + W - 20.0,
                    t1 = ay + 24.0,
                    mark = esc(t.get("map.stale")),
                );
            }
            out.push_str("</a>");
        }
        out.push_str("</g>");
    }
    out.push_str("</svg>");
    out
}

#[derive(Template)]
#[template(path = "map.html")]
struct MapPage<'a> {
    chrome: Chrome<'a>,
    svg: String,
    stale: Vec<StaleView>,
}

pub async fn map(s: SignedIn) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let store = &ctx.state.store;
    let artifacts = store.artifacts(&actor).await.map_err(|e| ctx.fail(e))?;
    let stale = store
        .stale_artifacts(&actor)
        .await
        .map_err(|e| ctx.fail(e))?;
    let t = ctx.t();
    let items = collect(t, &artifacts, &stale);
    let page = MapPage {
        svg: svg(t, &items),
        stale,
        chrome: Chrome::new(&ctx, "map"),
    };
    Ok(render(&page))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Catalog, Lang};

    #[test]
    fn every_label_of_the_map_is_in_the_catalog() {
        let catalog = Catalog::load().unwrap_or_else(|e| panic!("{e}"));
        for lang in [Lang::Ja, Lang::En] {
            let keys: Vec<&String> = catalog.keys(lang).collect();
            for r in RoleArea::ALL {
                assert!(
                    keys.iter().any(|k| k.as_str() == role_key(r)),
                    "{}",
                    role_key(r)
                );
            }
            for k in ArtifactKind::ALL {
                assert!(
                    keys.iter().any(|x| x.as_str() == artifact_key(k)),
                    "{}",
                    artifact_key(k)
                );
            }
        }
    }

    #[test]
    fn the_map_has_every_role_artifact_and_arrow() {
        let catalog = Catalog::load().unwrap_or_else(|e| panic!("{e}"));
        let t = T {
            catalog: &catalog,
            lang: Lang::Ja,
        };
        let items = collect(t, &[], &[]);
        let out = svg(t, &items);
        for r in RoleArea::ALL {
            assert!(out.contains(&format!("id=\"role-{}\"", r.letter())));
        }
        for k in ArtifactKind::ALL {
            assert!(out.contains(&format!("id=\"artifact-{}\"", k.as_str())));
        }
        // Figure 1-3 has 19 pairs of roles joined by an arrow.
        assert_eq!(out.matches("<line ").count(), 19, "{out}");
    }
}
