//! Advice to departments (助言) and the watch list (動向): what a department asked and what
//! the CISO office advised, followed up until done; and the laws, guidelines and technology
//! changes that may call for a revision of the standard.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Problem;
use crate::org::word_enum;

word_enum! {
    /// What a department brings to the CISO office.
    RequestKind, "依頼の種類", "kind of request" {
        NewBusiness => "new_business", "新規事業", "new business";
        NewItService => "new_it_service", "新しいITサービス", "new IT service";
        BusinessPlan => "business_plan", "事業計画", "business plan";
        Other => "other", "その他", "other";
    }
}

word_enum! {
    FollowUpStatus, "フォローアップの状態", "follow-up status" {
        Open => "open", "未完了", "open";
        Done => "done", "完了", "done";
        Dropped => "dropped", "取りやめ", "dropped";
    }
}

/// A document a request came with: its name and where it is kept (kamae does not hold it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentRef {
    pub title: String,
    pub location: String,
}

/// Something agreed to be done after the advice: what, who, by when, and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    pub what: String,
    pub owner: String,
    pub due_on: NaiveDate,
    pub status: FollowUpStatus,
    pub note: String,
}

impl FollowUp {
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.status == FollowUpStatus::Open && self.due_on < today
    }
}

/// Where a piece of advice stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AdviceStatus {
    /// The request is recorded; no advice yet.
    Requested,
    /// Advice given; follow-ups still open.
    FollowingUp,
    /// Advice given and every follow-up done or dropped.
    Closed,
    Archived,
}

impl AdviceStatus {
    pub fn of(advised: bool, follow_ups: &[FollowUp], archived: bool) -> Self {
        if archived {
            AdviceStatus::Archived
        } else if !advised {
            AdviceStatus::Requested
        } else if follow_ups.iter().any(|f| f.status == FollowUpStatus::Open) {
            AdviceStatus::FollowingUp
        } else {
            AdviceStatus::Closed
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AdviceStatus::Requested => "requested",
            AdviceStatus::FollowingUp => "following_up",
            AdviceStatus::Closed => "closed",
            AdviceStatus::Archived => "archived",
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            AdviceStatus::Requested => "助言前",
            AdviceStatus::FollowingUp => "フォローアップ中",
            AdviceStatus::Closed => "完了",
            AdviceStatus::Archived => "終了（記録のみ）",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            AdviceStatus::Requested => "awaiting advice",
            AdviceStatus::FollowingUp => "following up",
            AdviceStatus::Closed => "closed",
            AdviceStatus::Archived => "archived",
        }
    }
}

/// The advice must come with the date it was given, and each follow-up with what and who;
/// every problem with its field.
pub fn check_advice(
    advice: &str,
    advised_on: Option<NaiveDate>,
    requested_on: NaiveDate,
    follow_ups: &[FollowUp],
    documents: &[DocumentRef],
) -> Vec<(String, Problem)> {
    let mut out = Vec::new();
    match (advice.trim().is_empty(), advised_on) {
        (false, None) => out.push((
            "advised_on".to_owned(),
            Problem::new(
                "required",
                "助言した日を入れてください",
                "the date the advice was given is required",
            ),
        )),
        (true, Some(_)) => out.push((
            "advice".to_owned(),
            Problem::new(
                "required",
                "助言した日があるのに、助言の内容がありません",
                "there is a date of advice but no advice",
            ),
        )),
        (false, Some(d)) if d < requested_on => out.push((
            "advised_on".to_owned(),
            Problem::new(
                "before_request",
                "助言した日が依頼日より前です",
                "the advice is dated before the request",
            ),
        )),
        _ => {}
    }
    if !follow_ups.is_empty() && advice.trim().is_empty() {
        out.push((
            "follow_ups".to_owned(),
            Problem::new(
                "no_advice",
                "フォローアップは助言を記録してから加えます",
                "follow-ups come after the advice is recorded",
            ),
        ));
    }
    for (i, f) in follow_ups.iter().enumerate() {
        if f.what.trim().is_empty() || f.owner.trim().is_empty() {
            out.push((
                format!("follow_ups[{i}]"),
                Problem::new(
                    "required",
                    "フォローアップには内容と担当が要ります",
                    "a follow-up needs what and who",
                ),
            ));
        }
    }
    for (i, d) in documents.iter().enumerate() {
        if d.title.trim().is_empty() {
            out.push((
                format!("documents[{i}]"),
                Problem::new(
                    "required",
                    "資料には名前が要ります",
                    "a document needs a name",
                ),
            ));
        }
    }
    out
}

word_enum! {
    /// What kind of change the watch list follows.
    WatchKind, "動向の種類", "kind of change" {
        Law => "law", "法令", "law";
        Guideline => "guideline", "ガイドライン", "guideline";
        Technology => "technology", "技術", "technology";
    }
}

word_enum! {
    /// What became of a change on the watch list.
    WatchStatus, "動向の扱い", "watch status" {
        Open => "open", "未評価", "to assess";
        NoChange => "no_change", "基準の変更は不要", "no change needed";
        Revision => "revision", "改訂に反映", "taken into a revision";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap_or_default()
    }

    fn follow_up(status: FollowUpStatus, due: u32) -> FollowUp {
        FollowUp {
            what: "WAF".into(),
            owner: "シス管".into(),
            due_on: day(due),
            status,
            note: String::new(),
        }
    }

    #[test]
    fn advice_is_closed_only_when_every_follow_up_is_settled() {
        let open = follow_up(FollowUpStatus::Open, 10);
        assert_eq!(AdviceStatus::of(false, &[], false), AdviceStatus::Requested);
        assert_eq!(
            AdviceStatus::of(true, std::slice::from_ref(&open), false),
            AdviceStatus::FollowingUp
        );
        assert_eq!(
            AdviceStatus::of(
                true,
                &[
                    follow_up(FollowUpStatus::Done, 1),
                    follow_up(FollowUpStatus::Dropped, 2)
                ],
                false
            ),
            AdviceStatus::Closed
        );
        assert!(open.overdue(day(11)) && !open.overdue(day(10)));
        assert!(!follow_up(FollowUpStatus::Done, 1).overdue(day(20)));
    }

    #[test]
    fn advice_needs_its_date_and_follow_ups_need_who() {
        let fields = |p: Vec<(String, Problem)>| p.into_iter().map(|(f, _)| f).collect::<Vec<_>>();
        assert_eq!(
            fields(check_advice("パッチの予算を", None, day(1), &[], &[])),
            vec!["advised_on"]
        );
        assert_eq!(
            fields(check_advice("", Some(day(2)), day(1), &[], &[])),
            vec!["advice"]
        );
        assert_eq!(
            fields(check_advice("x", Some(day(1)), day(5), &[], &[])),
            vec!["advised_on"]
        );
        let mut nobody = follow_up(FollowUpStatus::Open, 3);
        nobody.owner = " ".into();
        assert_eq!(
            fields(check_advice("x", Some(day(2)), day(1), &[nobody], &[])),
            vec!["follow_ups[0]"]
        );
        assert!(check_advice("", None, day(1), &[], &[]).is_empty());
    }
}
