//! One page per role A–G: what the role is, its artifacts, and — until the role's own
//! issue lands — a plain statement that its workspace is not built yet.

use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use kamae_core::artifact::{ArtifactKind, RoleArea};
use kamae_store::artifact::ArtifactSummary;

use super::{Chrome, render};
use crate::ctx::{PageError, SignedIn};
use crate::error::Failure;

#[derive(Template)]
#[template(path = "role.html")]
struct RolePage<'a> {
    chrome: Chrome<'a>,
    letter: char,
    title: String,
    purpose: &'a str,
    kinds: Vec<(String, String)>,
    artifacts: Vec<ArtifactSummary>,
    /// The role's workspace pages built so far: (address, label).
    links: Vec<(&'static str, &'a str)>,
    /// What of the role is not built yet, said plainly.
    not_built: &'a str,
    not_built_title: &'a str,
}

pub async fn role_page(s: SignedIn, Path(letter): Path<String>) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let role = RoleArea::ALL
        .into_iter()
        .find(|r| r.letter().to_ascii_lowercase().to_string() == letter.to_ascii_lowercase())
        .ok_or_else(|| ctx.fail(Failure::not_found()))?;
    let t = ctx.t();
    let artifacts: Vec<ArtifactSummary> = ctx
        .state
        .store
        .artifacts(&actor)
        .await
        .map_err(|e| ctx.fail(e))?
        .into_iter()
        .filter(|a| a.kind.role() == role)
        .collect();
    let kinds = ArtifactKind::ALL
        .iter()
        .filter(|k| k.role() == role)
        .map(|k| {
            (
                k.as_str().to_owned(),
                t.pick(k.label_ja(), k.label_en()).to_owned(),
            )
        })
        .collect();
    let purpose_key = match role {
        RoleArea::A => "role.purpose.a",
        RoleArea::B => "role.purpose.b",
        RoleArea::C => "role.purpose.c",
        RoleArea::D => "role.purpose.d",
        RoleArea::E => "role.purpose.e",
        RoleArea::F => "role.purpose.f",
        RoleArea::G => "role.purpose.g",
    };
    // A role whose workspace is built says what is still to come; the others, that theirs is.
    let (links, not_built, not_built_title) = match role {
        RoleArea::D => (
            vec![
                ("/standard", t.get("standard.title")),
                ("/standard/versions", t.get("standard.versions")),
                ("/standard/companies", t.get("applicability.title")),
                ("/exceptions", t.get("exception.title")),
                ("/advice", t.get("advice.title")),
                ("/standard/watch", t.get("watch.title")),
                ("/standard/frameworks", t.get("standard.frameworks")),
                ("/standard/glossary", t.get("glossary.title")),
            ],
            t.get("role.not_built_d"),
            t.get("role.still_to_come"),
        ),
        RoleArea::C => (
            vec![
                ("/business-cases", t.get("business.title")),
                ("/cases", t.get("cases.title")),
                ("/quant/editor", t.get("quant.editor_title")),
            ],
            t.get("role.not_built_c"),
            // Nothing of role C's own is still to come: the card says what works.
            t.get("role.what_works"),
        ),
        RoleArea::E => (
            vec![
                ("/risk", t.get("risk.assessments")),
                ("/risk/context", t.get("context.title")),
                ("/risk/assets", t.get("asset.title")),
                ("/risk/matrices", t.get("risk_matrix.title")),
            ],
            t.get("role.not_built_e"),
            t.get("role.still_to_come"),
        ),
        _ => (
            Vec::new(),
            t.get("role.not_built_body"),
            t.get("role.not_built_title"),
        ),
    };
    let page = RolePage {
        links,
        not_built,
        not_built_title,
        chrome: Chrome::new(&ctx, "roles"),
        letter: role.letter(),
        title: t.pick(role.label_ja(), role.label_en()).to_owned(),
        purpose: t.get(purpose_key),
        kinds,
        artifacts,
    };
    Ok(render(&page))
}
