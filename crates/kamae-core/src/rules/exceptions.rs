//! Exceptions and transitional measures (例外・移行措置): the only way an item of the standard
//! is covered by something else at a company. Story 1's verbal "treat it as equivalent for
//! now" cannot exist outside such a record, and once its expiry passes the item is not met.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Problem;
use crate::org::word_enum;

word_enum! {
    ExceptionKind, "種類", "kind" {
        Exception => "exception", "例外", "exception";
        Transitional => "transitional", "移行措置", "transitional measure";
    }
}

/// A step of the migration plan: what, who, by when, and when it was done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestone {
    pub what: String,
    pub owner: String,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
}

/// Where an exception stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExceptionStatus {
    /// Written, not yet decided (draft, submitted or sent back).
    Pending,
    /// Approved; its start date has not come.
    NotStarted,
    /// Approved and in force: the items are covered by the compensating measures.
    Active,
    /// Approved, but its expiry has passed: the items are not met (non-compliance).
    Expired,
    /// Ended early or withdrawn, with a reason; kept in history.
    Archived,
}

impl ExceptionStatus {
    pub fn of(
        approved: bool,
        archived: bool,
        starts_on: NaiveDate,
        expires_on: NaiveDate,
        today: NaiveDate,
    ) -> Self {
        match (archived, approved) {
            (true, _) => ExceptionStatus::Archived,
            (false, false) => ExceptionStatus::Pending,
            (false, true) if today > expires_on => ExceptionStatus::Expired,
            (false, true) if today < starts_on => ExceptionStatus::NotStarted,
            (false, true) => ExceptionStatus::Active,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ExceptionStatus::Pending => "pending",
            ExceptionStatus::NotStarted => "not_started",
            ExceptionStatus::Active => "active",
            ExceptionStatus::Expired => "expired",
            ExceptionStatus::Archived => "archived",
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            ExceptionStatus::Pending => "承認前",
            ExceptionStatus::NotStarted => "開始前",
            ExceptionStatus::Active => "有効",
            ExceptionStatus::Expired => "期限切れ（非準拠）",
            ExceptionStatus::Archived => "終了",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            ExceptionStatus::Pending => "not yet approved",
            ExceptionStatus::NotStarted => "not started",
            ExceptionStatus::Active => "in force",
            ExceptionStatus::Expired => "expired (non-compliance)",
            ExceptionStatus::Archived => "ended",
        }
    }
}

/// The longest an exception may run: beyond that it is the standard that should change.
pub const MAX_EXCEPTION_DAYS: i64 = 3 * 366;

/// Checks the dates and the plan of an exception, every problem with its field.
pub fn check_plan(
    starts_on: NaiveDate,
    expires_on: NaiveDate,
    milestones: &[Milestone],
) -> Vec<(String, Problem)> {
    let mut out = Vec::new();
    if expires_on < starts_on {
        out.push((
            "expires_on".to_owned(),
            Problem::new(
                "invalid_dates",
                "期限は開始日より後にしてください",
                "the expiry must come after the start",
            ),
        ));
    } else if (expires_on - starts_on).num_days() > MAX_EXCEPTION_DAYS {
        out.push((
            "expires_on".to_owned(),
            Problem::new(
                "too_long",
                "例外の期間は3年までです。それより長く続くなら、基準そのものの見直しを検討してください",
                "an exception runs at most 3 years; anything longer is a case for revising the standard",
            ),
        ));
    }
    for (i, m) in milestones.iter().enumerate() {
        let field = format!("milestones[{i}]");
        if m.what.trim().is_empty() || m.owner.trim().is_empty() {
            out.push((
                field.clone(),
                Problem::new(
                    "required",
                    format!(
                        "移行計画の{}番目の節目に、内容と担当者を書いてください",
                        i + 1
                    ),
                    format!("milestone {} needs what is done and who does it", i + 1),
                ),
            ));
        }
        if m.due_on > expires_on {
            out.push((
                field.clone(),
                Problem::new(
                    "milestone_after_expiry",
                    format!(
                        "移行計画の{}番目の節目（{}）が例外の期限（{expires_on}）より後です",
                        i + 1,
                        m.due_on
                    ),
                    format!(
                        "milestone {} ({}) falls after the exception's expiry ({expires_on})",
                        i + 1,
                        m.due_on
                    ),
                ),
            ));
        }
    }
    out
}

/// What an exception looks like to the lists: its status, expiry and plan.
#[derive(Debug, Clone)]
pub struct ExceptionFacts {
    pub status: ExceptionStatus,
    pub expires_on: NaiveDate,
    pub milestones: Vec<Milestone>,
}

/// The lists of whoever must act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExceptionList {
    /// In force and expiring within 30 days.
    Within30,
    /// In force and expiring in 31 to 60 days.
    Within60,
    /// In force and expiring in 61 to 90 days.
    Within90,
    /// Past its expiry: non-compliance.
    Expired,
    /// Without a migration plan.
    WithoutPlan,
    /// A milestone past its date and not done.
    MilestonesOverdue,
}

impl ExceptionList {
    pub const ALL: [ExceptionList; 6] = [
        ExceptionList::Expired,
        ExceptionList::MilestonesOverdue,
        ExceptionList::Within30,
        ExceptionList::Within60,
        ExceptionList::Within90,
        ExceptionList::WithoutPlan,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ExceptionList::Within30 => "within_30",
            ExceptionList::Within60 => "within_60",
            ExceptionList::Within90 => "within_90",
            ExceptionList::Expired => "expired",
            ExceptionList::WithoutPlan => "without_plan",
            ExceptionList::MilestonesOverdue => "milestones_overdue",
        }
    }

    pub fn parse(s: &str) -> Result<ExceptionList, Problem> {
        Self::ALL
            .into_iter()
            .find(|l| l.as_str() == s.trim())
            .ok_or_else(|| {
                Problem::new(
                    "unknown_list",
                    format!("一覧 {s:?} はありません"),
                    format!("there is no list {s:?}"),
                )
            })
    }
}

/// The lists an exception is on today.
pub fn lists_of(e: &ExceptionFacts, today: NaiveDate) -> Vec<ExceptionList> {
    let mut out = Vec::new();
    if matches!(
        e.status,
        ExceptionStatus::Pending | ExceptionStatus::Archived
    ) {
        if e.status == ExceptionStatus::Pending && e.milestones.is_empty() {
            out.push(ExceptionList::WithoutPlan);
        }
        return out;
    }
    let left = (e.expires_on - today).num_days();
    match e.status {
        ExceptionStatus::Expired => out.push(ExceptionList::Expired),
        _ if left <= 30 => out.push(ExceptionList::Within30),
        _ if left <= 60 => out.push(ExceptionList::Within60),
        _ if left <= 90 => out.push(ExceptionList::Within90),
        _ => {}
    }
    if e.milestones.is_empty() {
        out.push(ExceptionList::WithoutPlan);
    }
    if e.milestones
        .iter()
        .any(|m| m.done_on.is_none() && m.due_on < today)
    {
        out.push(ExceptionList::MilestonesOverdue);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn status_follows_approval_and_the_calendar() {
        let (start, end) = (d(2026, 4, 1), d(2027, 3, 31));
        assert_eq!(
            ExceptionStatus::of(false, false, start, end, d(2026, 5, 1)),
            ExceptionStatus::Pending
        );
        assert_eq!(
            ExceptionStatus::of(true, false, start, end, d(2026, 3, 1)),
            ExceptionStatus::NotStarted
        );
        assert_eq!(
            ExceptionStatus::of(true, false, start, end, d(2027, 3, 31)),
            ExceptionStatus::Active
        );
        assert_eq!(
            ExceptionStatus::of(true, false, start, end, d(2027, 4, 1)),
            ExceptionStatus::Expired
        );
        assert_eq!(
            ExceptionStatus::of(true, true, start, end, d(2027, 4, 1)),
            ExceptionStatus::Archived
        );
    }

    #[test]
    fn lists_by_expiry_plan_and_milestones() {
        let today = d(2026, 11, 28);
        let plan = vec![Milestone {
            what: "EDRの導入".into(),
            owner: "B社 情報システム課".into(),
            due_on: d(2026, 10, 31),
            done_on: None,
        }];
        let facts = |status, expires_on, milestones: Vec<Milestone>| ExceptionFacts {
            status,
            expires_on,
            milestones,
        };
        assert_eq!(
            lists_of(
                &facts(ExceptionStatus::Active, d(2026, 12, 28), plan.clone()),
                today
            ),
            vec![ExceptionList::Within30, ExceptionList::MilestonesOverdue]
        );
        assert_eq!(
            lists_of(
                &facts(ExceptionStatus::Active, d(2027, 1, 27), vec![]),
                today
            ),
            vec![ExceptionList::Within60, ExceptionList::WithoutPlan]
        );
        assert_eq!(
            lists_of(
                &facts(ExceptionStatus::Active, d(2027, 2, 26), plan.clone()),
                today
            )[0],
            ExceptionList::Within90
        );
        assert_eq!(
            lists_of(
                &facts(ExceptionStatus::Expired, d(2025, 3, 31), vec![]),
                today
            ),
            vec![ExceptionList::Expired, ExceptionList::WithoutPlan]
        );
        assert!(
            lists_of(
                &facts(ExceptionStatus::Archived, d(2025, 3, 31), vec![]),
                today
            )
            .is_empty()
        );
        let mut done = plan;
        done[0].done_on = Some(d(2026, 10, 1));
        assert!(lists_of(&facts(ExceptionStatus::Active, d(2027, 9, 30), done), today).is_empty());
    }

    #[test]
    fn plans_are_checked_against_the_dates() {
        let m = |due| Milestone {
            what: "x".into(),
            owner: " ".into(),
            due_on: due,
            done_on: None,
        };
        let problems = check_plan(d(2026, 4, 1), d(2026, 9, 30), &[m(d(2026, 10, 1))]);
        let fields: Vec<&str> = problems.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["milestones[0]", "milestones[0]"]);
        assert_eq!(
            check_plan(d(2026, 4, 1), d(2026, 3, 1), &[])[0].1.code,
            "invalid_dates"
        );
        assert_eq!(
            check_plan(d(2026, 4, 1), d(2030, 4, 1), &[])[0].1.code,
            "too_long"
        );
    }
}
