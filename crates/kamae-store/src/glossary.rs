//! The glossary in the store: one row per term, changed in place (the audit trail keeps
//! every earlier explanation), archived when no longer used.

use kamae_core::access::{Action, Actor, RecordKind, Scope};
use kamae_core::rules::GlossaryTerm;
use kamae_core::text::required_reason;

use crate::db::{args, t};
use crate::write::{Change, Who, Write, stmt};
use crate::{Result, Store, StoreError, check};

const KIND: RecordKind = RecordKind::GroupReference;
const WHAT: (&str, &str) = ("用語", "glossary term");

impl Store {
    /// Every term in use, in the order of the Japanese reading of their terms.
    pub async fn glossary(&self, actor: &Actor) -> Result<Vec<GlossaryTerm>> {
        check(actor, Action::Read, KIND, Scope::Group, WHAT)?;
        let mut terms: Vec<GlossaryTerm> = self
            .db
            .fetch_all(
                "SELECT term, ja, en_term, en FROM glossary_terms WHERE group_id = $1 AND archived_at IS NULL",
                args![t(actor.group())],
            )
            .await?
            .iter()
            .map(|r| {
                Ok(GlossaryTerm {
                    term: r.text("term")?,
                    ja: r.text("ja")?,
                    en_term: r.text("en_term")?,
                    en: r.text("en")?,
                })
            })
            .collect::<Result<_>>()?;
        terms.sort_by_key(|t| t.term.to_lowercase());
        Ok(terms)
    }

    /// Adds a term, or changes the explanation of one already there. The same content
    /// again changes nothing.
    pub async fn save_term(&self, actor: &Actor, term: GlossaryTerm) -> Result<GlossaryTerm> {
        check(actor, Action::Write, KIND, Scope::Group, WHAT)?;
        let term = term.checked()?;
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let existing = w
            .fetch_optional(
                "SELECT id, term, ja, en_term, en FROM glossary_terms WHERE group_id = $1 AND term = $2 AND archived_at IS NULL",
                args![t(actor.group()), term.term.clone()],
            )
            .await?;
        match existing {
            Some(r) => {
                let before = GlossaryTerm {
                    term: r.text("term")?,
                    ja: r.text("ja")?,
                    en_term: r.text("en_term")?,
                    en: r.text("en")?,
                };
                if before == term {
                    return Ok(term);
                }
                let id = r.text("id")?;
                w.apply(
                    Change::new(actor.group(), "update", "glossary_term", &id).before(&before).after(&term),
                    vec![stmt(
                        "UPDATE glossary_terms SET ja = $1, en_term = $2, en = $3 WHERE id = $4 AND group_id = $5",
                        args![term.ja.clone(), term.en_term.clone(), term.en.clone(), id.clone(), t(actor.group())],
                    )],
                )
                .await?;
            }
            None => {
                let id = uuid::Uuid::now_v7().to_string();
                let now = w.now();
                w.apply(
                    Change::new(actor.group(), "create", "glossary_term", &id).after(&term),
                    vec![stmt(
                        "INSERT INTO glossary_terms (id, group_id, term, ja, en_term, en, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                        args![id.clone(), t(actor.group()), term.term.clone(), term.ja.clone(), term.en_term.clone(), term.en.clone(), now],
                    )],
                )
                .await?;
            }
        }
        w.commit().await?;
        Ok(term)
    }

    /// Takes a term out of the glossary, with the reason; its history stays.
    pub async fn archive_term(&self, actor: &Actor, term: &str, reason: &str) -> Result<()> {
        check(actor, Action::Write, KIND, Scope::Group, WHAT)?;
        let reason = required_reason(Some(reason))?;
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let r = w
            .fetch_optional(
                "SELECT id FROM glossary_terms WHERE group_id = $1 AND term = $2 AND archived_at IS NULL",
                args![t(actor.group()), term.trim()],
            )
            .await?
            .ok_or_else(|| StoreError::not_found(WHAT.0, WHAT.1))?;
        let id = r.text("id")?;
        let now = w.now();
        w.apply(
            Change::new(actor.group(), "archive", "glossary_term", &id)
                .reason(Some(&reason))
                .before(&serde_json::json!({"term": term.trim()})),
            vec![stmt(
                "UPDATE glossary_terms SET archived_at = $1 WHERE id = $2 AND group_id = $3",
                args![now, id.clone(), t(actor.group())],
            )],
        )
        .await?;
        w.commit().await
    }
}
