//! Calendar dates in the group's time zone, and the fiscal year. Instants are UTC; a due
//! date or an expiry is a plain date, because "expires on 31 March" means the same day to
//! every site in the group.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use crate::Problem;

pub const DEFAULT_TIME_ZONE: &str = "Asia/Tokyo";
/// Japanese companies mostly run April to March.
pub const DEFAULT_FISCAL_YEAR_START_MONTH: u32 = 4;

/// How a group counts days and years.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct GroupCalendar {
    #[serde(serialize_with = "tz_name")]
    pub time_zone: Tz,
    pub fiscal_year_start_month: u32,
}

fn tz_name<S: serde::Serializer>(tz: &Tz, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(tz.name())
}

impl Default for GroupCalendar {
    fn default() -> Self {
        Self {
            time_zone: chrono_tz::Asia::Tokyo,
            fiscal_year_start_month: DEFAULT_FISCAL_YEAR_START_MONTH,
        }
    }
}

impl GroupCalendar {
    pub fn parse(time_zone: &str, fiscal_year_start_month: i64) -> Result<Self, Problem> {
        let tz: Tz = time_zone.parse().map_err(|_| {
            Problem::new(
                "invalid_time_zone",
                format!("タイムゾーン {time_zone:?} は不明です（例: Asia/Tokyo）"),
                format!("unknown time zone {time_zone:?} (for example Asia/Tokyo)"),
            )
        })?;
        if !(1..=12).contains(&fiscal_year_start_month) {
            return Err(Problem::new(
                "invalid_fiscal_year_start",
                format!("年度開始月は1〜12で指定してください: {fiscal_year_start_month}"),
                format!("the fiscal year start month must be 1–12: {fiscal_year_start_month}"),
            ));
        }
        Ok(Self {
            time_zone: tz,
            fiscal_year_start_month: fiscal_year_start_month as u32,
        })
    }

    /// Today's date where the group works.
    pub fn today(&self, now: DateTime<Utc>) -> NaiveDate {
        now.with_timezone(&self.time_zone).date_naive()
    }

    /// The fiscal year a date falls in, named by the calendar year it starts in
    /// (2026年度 runs from April 2026 to March 2027 with the default start).
    pub fn fiscal_year(&self, date: NaiveDate) -> i32 {
        if date.month() >= self.fiscal_year_start_month {
            date.year()
        } else {
            date.year() - 1
        }
    }
}

/// Parses `YYYY-MM-DD`, the one date format of files and the command line.
pub fn parse_date(s: &str) -> Result<NaiveDate, Problem> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        Problem::new(
            "invalid_date",
            format!("日付は YYYY-MM-DD の形式で指定してください: {s:?}"),
            format!("dates are written YYYY-MM-DD: {s:?}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn today_is_in_the_group_time_zone() {
        let cal = GroupCalendar::default();
        // 15:30 UTC on 31 March is already 1 April in Tokyo.
        let now = Utc.with_ymd_and_hms(2026, 3, 31, 15, 30, 0).single();
        let Some(now) = now else {
            panic!("valid instant")
        };
        assert_eq!(
            cal.today(now),
            NaiveDate::from_ymd_opt(2026, 4, 1).unwrap_or_default()
        );
        assert_eq!(cal.fiscal_year(cal.today(now)), 2026);
    }

    #[test]
    fn fiscal_year_starts_in_april_by_default() {
        let cal = GroupCalendar::default();
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap_or_default();
        assert_eq!(cal.fiscal_year(d(2027, 3, 31)), 2026);
        assert_eq!(cal.fiscal_year(d(2026, 4, 1)), 2026);
        let jan = GroupCalendar::parse("Asia/Tokyo", 1).unwrap_or_default();
        assert_eq!(jan.fiscal_year(d(2027, 3, 31)), 2027);
    }

    #[test]
    fn bad_settings_are_refused() {
        assert!(GroupCalendar::parse("Mars/Olympus", 4).is_err());
        assert!(GroupCalendar::parse("Asia/Tokyo", 13).is_err());
        assert!(parse_date("2026/04/01").is_err());
        assert!(parse_date("2026-02-30").is_err());
    }
}
