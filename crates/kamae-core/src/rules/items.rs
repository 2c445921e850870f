//! The standard's items: what each requires, how it is measured and checked, why it
//! matters, what may replace it, and how binding it is (its tier).

use serde::{Deserialize, Serialize};

use crate::Problem;
use crate::org::word_enum;
use crate::text::Code;

word_enum! {
    /// How binding an item is (story 1's answer to a standard nobody could follow).
    Tier, "区分", "tier" {
        GroupMandatory => "group_mandatory", "全社必須（a）", "mandatory for the group (a)";
        CompanyMandatory => "company_mandatory", "会社別必須（b）", "mandatory for named companies (b)";
        Recommended => "recommended", "推奨（c）", "recommended (c)";
    }
}

impl Tier {
    /// The letter of the story: a, b or c.
    pub fn letter(self) -> char {
        match self {
            Tier::GroupMandatory => 'a',
            Tier::CompanyMandatory => 'b',
            Tier::Recommended => 'c',
        }
    }

    /// Reads a tier as people write it in a spreadsheet: `a`, `group_mandatory`,
    /// 「全社必須」, 「全社必須（a）」 …
    pub fn read(s: &str) -> Result<Tier, Problem> {
        let t = s.trim();
        let lower = t.to_ascii_lowercase();
        let found = match lower.as_str() {
            "a" | "(a)" | "group_mandatory" | "group-mandatory" | "mandatory for the group" => {
                Some(Tier::GroupMandatory)
            }
            "b" | "(b)" | "company_mandatory" | "company-mandatory" => Some(Tier::CompanyMandatory),
            "c" | "(c)" | "recommended" => Some(Tier::Recommended),
            _ if t.starts_with("全社必須") || t.starts_with("グループ必須") => {
                Some(Tier::GroupMandatory)
            }
            _ if t.starts_with("会社別必須") || t.starts_with("個社必須") => {
                Some(Tier::CompanyMandatory)
            }
            _ if t.starts_with("推奨") => Some(Tier::Recommended),
            _ => None,
        };
        found.ok_or_else(|| {
            Problem::new(
                "invalid_tier",
                format!("区分 {t:?} は読めません（a・b・c、または 全社必須・会社別必須・推奨）"),
                format!("tier {t:?} is not one of a, b, c (group_mandatory, company_mandatory, recommended)"),
            )
        })
    }

    pub fn is_mandatory(self) -> bool {
        !matches!(self, Tier::Recommended)
    }
}

word_enum! {
    /// Why a new version of the standard was made (the triggers of role D).
    ChangeReason, "改訂の理由", "reason for the revision" {
        YearlyPlan => "yearly_plan", "年次計画", "yearly plan";
        NewBusiness => "new_business", "新規事業", "new business";
        NewItService => "new_it_service", "新しいITサービス", "new IT service";
        NewLawOrTechnology => "new_law_or_technology", "法令・技術の変化", "new law or technology";
    }
}

/// A measurable criterion: the words, and where one fits, the number and its unit
/// ("within 5 business days" → 5, `business_days`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Criterion {
    pub text: String,
    /// A decimal number as written (kept as text so that nothing is rounded).
    pub value: Option<String>,
    pub unit: Option<String>,
}

/// A product or service an item recommends, with what it costs in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductOption {
    pub name: String,
    pub cost_note: Option<String>,
}

impl ProductOption {
    /// `製品A（年額約120万円）` or `Product A (about 1.2 million yen a year)`: the cost note
    /// in brackets at the end.
    pub fn read(s: &str) -> ProductOption {
        let s = s.trim();
        for (open, close) in [('（', '）'), ('(', ')')] {
            if let (Some(i), true) = (s.find(open), s.ends_with(close)) {
                let name = s[..i].trim();
                let note = s[i + open.len_utf8()..s.len() - close.len_utf8()].trim();
                if !name.is_empty() {
                    return ProductOption {
                        name: name.to_owned(),
                        cost_note: Some(note.to_owned()).filter(|n| !n.is_empty()),
                    };
                }
            }
        }
        ProductOption {
            name: s.to_owned(),
            cost_note: None,
        }
    }

    /// The form [`ProductOption::read`] reads back.
    pub fn written(&self) -> String {
        match &self.cost_note {
            Some(c) => format!("{}（{c}）", self.name),
            None => self.name.clone(),
        }
    }
}

/// How many days before its next review the standard is shown as due on home pages.
pub const REVIEW_NOTICE_DAYS: i64 = 60;

/// Days until the review (negative when overdue), when it is near enough to say so.
pub fn review_due(next_review_on: chrono::NaiveDate, today: chrono::NaiveDate) -> Option<i64> {
    let days = (next_review_on - today).num_days();
    (days <= REVIEW_NOTICE_DAYS).then_some(days)
}

/// Where an item stands in an external framework.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "framework", content = "id", rename_all = "snake_case")]
pub enum FrameworkRef {
    /// NIST Cybersecurity Framework 2.0 subcategory, e.g. `PR.AA-01`.
    NistCsf2(String),
    /// ISO/IEC 27001:2022 Annex A control, e.g. `A.5.15`.
    Iso27001(String),
    /// METI Cyber Security Management Guidelines v3.0, directive 1–10.
    Meti3(u8),
    /// A reference framework imported into kamae (OSCAL or CISO Assistant), by its code.
    Reference { framework: String, control: String },
}

impl FrameworkRef {
    /// `NIST-CSF:PR.AA-01`, `ISO27001:A.5.15`, `METI:5`, or `CODE:CONTROL` for an imported one.
    pub fn parse(s: &str) -> Result<FrameworkRef, Problem> {
        let s = s.trim();
        let bad = |why_ja: &str, why_en: &str| {
            Problem::new(
                "invalid_mapping",
                format!("外部基準との対応 {s:?} が読めません: {why_ja}"),
                format!("framework mapping {s:?} cannot be read: {why_en}"),
            )
        };
        let (fw, id) = s.split_once(':').ok_or_else(|| {
            bad(
                "「NIST-CSF:PR.AA-01」「ISO27001:A.5.15」「METI:5」の形で書いてください",
                "write it as NIST-CSF:PR.AA-01, ISO27001:A.5.15 or METI:5",
            )
        })?;
        let id = id.trim();
        match fw.trim().to_ascii_uppercase().replace(' ', "").as_str() {
            "NIST-CSF" | "NISTCSF" | "CSF" | "NIST-CSF-2.0" => {
                let ok = id.len() == 8
                    && id.as_bytes()[2] == b'.'
                    && id.as_bytes()[5] == b'-'
                    && id[..2].chars().all(|c| c.is_ascii_uppercase())
                    && id[3..5].chars().all(|c| c.is_ascii_uppercase())
                    && id[6..].chars().all(|c| c.is_ascii_digit());
                if ok {
                    Ok(FrameworkRef::NistCsf2(id.to_owned()))
                } else {
                    Err(bad(
                        "NIST CSF 2.0 のサブカテゴリは PR.AA-01 の形です",
                        "NIST CSF 2.0 subcategories look like PR.AA-01",
                    ))
                }
            }
            "ISO27001" | "ISO-27001" | "ISO/IEC27001" | "ISO27001:2022" => {
                let parts: Vec<&str> = id.split('.').collect();
                let ok = parts.len() == 3
                    && parts[0] == "A"
                    && match (parts[1].parse::<u8>(), parts[2].parse::<u8>()) {
                        (Ok(5), Ok(n)) => (1..=37).contains(&n),
                        (Ok(6), Ok(n)) => (1..=8).contains(&n),
                        (Ok(7), Ok(n)) => (1..=14).contains(&n),
                        (Ok(8), Ok(n)) => (1..=34).contains(&n),
                        _ => false,
                    };
                if ok {
                    Ok(FrameworkRef::Iso27001(id.to_owned()))
                } else {
                    Err(bad(
                        "ISO/IEC 27001:2022 附属書Aの管理策は A.5.1〜A.5.37、A.6.1〜A.6.8、A.7.1〜A.7.14、A.8.1〜A.8.34 です",
                        "ISO/IEC 27001:2022 Annex A controls are A.5.1–A.5.37, A.6.1–A.6.8, A.7.1–A.7.14, A.8.1–A.8.34",
                    ))
                }
            }
            "METI" | "METI-CSM" | "経産省" => match id.trim_start_matches("指示").parse::<u8>()
            {
                Ok(n) if (1..=10).contains(&n) => Ok(FrameworkRef::Meti3(n)),
                _ => Err(bad(
                    "サイバーセキュリティ経営ガイドライン Ver 3.0 の重要10項目は 1〜10 です",
                    "the METI guidelines v3.0 have directives 1 to 10",
                )),
            },
            other => {
                let framework = Code::parse(other).map_err(|_| {
                    bad(
                        "枠組みのコードが正しくありません",
                        "the framework code is not valid",
                    )
                })?;
                if id.is_empty() || id.chars().any(char::is_control) {
                    return Err(bad("管理策のIDがありません", "the control id is missing"));
                }
                Ok(FrameworkRef::Reference {
                    framework: framework.as_str().to_ascii_lowercase(),
                    control: id.to_owned(),
                })
            }
        }
    }

    /// The written form that `parse` reads back.
    pub fn written(&self) -> String {
        match self {
            FrameworkRef::NistCsf2(id) => format!("NIST-CSF:{id}"),
            FrameworkRef::Iso27001(id) => format!("ISO27001:{id}"),
            FrameworkRef::Meti3(n) => format!("METI:{n}"),
            FrameworkRef::Reference { framework, control } => format!("{framework}:{control}"),
        }
    }
}

/// One item of the standard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandardItem {
    /// Stable across versions: `ACC-01`.
    pub code: Code,
    pub title: String,
    pub requirement: String,
    pub criterion: Criterion,
    /// Why it matters, in plain words for someone who is not a specialist.
    pub rationale: String,
    /// How it is checked: the evidence expected.
    pub check: String,
    /// What may be done instead where the requirement cannot be met.
    pub alternative: Option<String>,
    pub category: String,
    pub tier: Tier,
    /// For whom it is meant, in words (the binding list of companies for a tier-b item is
    /// the applicability agreements', never this note).
    pub applicability: Option<String>,
    pub options: Vec<ProductOption>,
    pub mappings: Vec<FrameworkRef>,
}

/// An item both versions have, and the fields in which they differ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangedItem {
    pub code: String,
    pub fields: Vec<&'static str>,
}

/// What an edit or an import does to the standard, item by item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct ItemChanges {
    pub added: Vec<String>,
    pub changed: Vec<ChangedItem>,
    /// Codes that the new version no longer has: archived, never deleted.
    pub archived: Vec<String>,
    pub unchanged: usize,
    /// Whether the items both versions have stand in another order.
    pub reordered: bool,
}

impl ItemChanges {
    /// A change log written from the changes, for a revision whose author wrote none.
    pub fn summary(&self) -> String {
        let mut lines = Vec::new();
        if !self.added.is_empty() {
            lines.push(format!("追加 / added: {}", self.added.join(", ")));
        }
        if !self.changed.is_empty() {
            let changed: Vec<String> = self
                .changed
                .iter()
                .map(|c| format!("{} ({})", c.code, c.fields.join(", ")))
                .collect();
            lines.push(format!("変更 / changed: {}", changed.join(", ")));
        }
        if !self.archived.is_empty() {
            lines.push(format!("廃止 / archived: {}", self.archived.join(", ")));
        }
        if self.reordered {
            lines.push("並べ替え / reordered".to_owned());
        }
        lines.join("\n")
    }

    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.changed.is_empty()
            && self.archived.is_empty()
            && !self.reordered
    }
}

/// The fields in which two versions of one item differ.
pub fn differing_fields(a: &StandardItem, b: &StandardItem) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut check = |same: bool, name: &'static str| {
        if !same {
            out.push(name);
        }
    };
    check(a.title == b.title, "title");
    check(a.requirement == b.requirement, "requirement");
    check(a.criterion == b.criterion, "criterion");
    check(a.rationale == b.rationale, "rationale");
    check(a.check == b.check, "check");
    check(a.alternative == b.alternative, "alternative");
    check(a.category == b.category, "category");
    check(a.tier == b.tier, "tier");
    check(a.applicability == b.applicability, "applicability");
    check(a.options == b.options, "options");
    check(a.mappings == b.mappings, "mappings");
    out
}

/// Compares two sets of items by code.
pub fn compare_items(old: &[StandardItem], new: &[StandardItem]) -> ItemChanges {
    let mut c = ItemChanges::default();
    for n in new {
        match old.iter().find(|o| o.code == n.code) {
            None => c.added.push(n.code.to_string()),
            Some(o) => {
                let fields = differing_fields(o, n);
                if fields.is_empty() {
                    c.unchanged += 1;
                } else {
                    c.changed.push(ChangedItem {
                        code: n.code.to_string(),
                        fields,
                    });
                }
            }
        }
    }
    for o in old {
        if !new.iter().any(|n| n.code == o.code) {
            c.archived.push(o.code.to_string());
        }
    }
    let kept_old = old
        .iter()
        .filter(|o| new.iter().any(|n| n.code == o.code))
        .map(|o| &o.code);
    let kept_new = new
        .iter()
        .filter(|n| old.iter().any(|o| o.code == n.code))
        .map(|n| &n.code);
    c.reordered = !kept_old.eq(kept_new);
    c
}

/// Checks a whole set of items before anything is written: each problem with the item's
/// position (1-based, as a spreadsheet row counts) and field.
pub fn check_items(items: &[StandardItem]) -> Vec<(usize, &'static str, Problem)> {
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = i + 1;
        let required = [
            ("title", &item.title),
            ("requirement", &item.requirement),
            ("rationale", &item.rationale),
            ("check", &item.check),
            ("category", &item.category),
        ];
        for (field, value) in required {
            if value.trim().is_empty() {
                out.push((
                    at,
                    field,
                    Problem::new(
                        "required",
                        format!("{field} が空です"),
                        format!("{field} is empty"),
                    ),
                ));
            }
        }
        if item.criterion.text.trim().is_empty() {
            out.push((
                at,
                "criterion",
                Problem::new(
                    "required",
                    "測定できる基準が空です（例: 退職者のIDは5営業日以内に無効化）",
                    "the measurable criterion is empty (e.g. leavers' accounts disabled within 5 business days)",
                ),
            ));
        }
        if let Some(v) = &item.criterion.value {
            // Written numbers only: "NaN" and "inf" parse as floats but measure nothing.
            let number = v
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite() && !v.contains(['n', 'N', 'i', 'I']));
            if number.is_none() {
                out.push((
                    at,
                    "criterion_value",
                    Problem::new(
                        "invalid_number",
                        format!("基準値 {v:?} は数ではありません"),
                        format!("criterion value {v:?} is not a number"),
                    ),
                ));
            }
            if item
                .criterion
                .unit
                .as_deref()
                .is_none_or(|u| u.trim().is_empty())
            {
                out.push((
                    at,
                    "criterion_unit",
                    Problem::new(
                        "required",
                        "基準値には単位が必要です（例: 営業日、か月）",
                        "a criterion value needs its unit (e.g. business days, months)",
                    ),
                ));
            }
        }
        if items[..i].iter().any(|o| o.code == item.code) {
            out.push((
                at,
                "code",
                Problem::new(
                    "duplicate",
                    format!("項目ID {} が重複しています", item.code),
                    format!("item code {} appears twice", item.code),
                ),
            ));
        }
    }
    out
}

/// The standard as one Markdown document: the text of its artifact version, so that an
/// approval (bound to the version's text) covers every item, and comparing two versions
/// shows what changed item by item.
pub fn standard_markdown(
    items: &[StandardItem],
    reason: ChangeReason,
    change_log: &str,
    next_review_on: Option<chrono::NaiveDate>,
) -> String {
    let mut out = String::new();
    out.push_str(&format!("改訂の理由: {}\n\n", reason.label_ja()));
    if let Some(d) = next_review_on {
        out.push_str(&format!("次回見直し: {d}\n\n"));
    }
    if !change_log.trim().is_empty() {
        out.push_str("## 変更履歴\n\n");
        out.push_str(change_log.trim());
        out.push_str("\n\n");
    }
    let mut categories: Vec<&str> = Vec::new();
    for i in items {
        if !categories.contains(&i.category.as_str()) {
            categories.push(&i.category);
        }
    }
    for c in categories {
        out.push_str(&format!("## {c}\n\n"));
        for i in items.iter().filter(|i| i.category == c) {
            out.push_str(&format!(
                "### {} {}（{}）\n\n",
                i.code,
                i.title,
                i.tier.label_ja()
            ));
            out.push_str(&format!("- 要求事項: {}\n", i.requirement));
            out.push_str(&format!("- 基準: {}", i.criterion.text));
            if let (Some(v), Some(u)) = (&i.criterion.value, &i.criterion.unit) {
                out.push_str(&format!("（{v} {u}）"));
            }
            out.push('\n');
            out.push_str(&format!("- なぜ必要か: {}\n", i.rationale));
            out.push_str(&format!("- 確認方法: {}\n", i.check));
            if let Some(a) = &i.alternative {
                out.push_str(&format!("- 代替策: {a}\n"));
            }
            if let Some(a) = &i.applicability {
                out.push_str(&format!("- 適用: {a}\n"));
            }
            for o in &i.options {
                match &o.cost_note {
                    Some(c) => out.push_str(&format!("- 推奨製品・サービス: {}（{c}）\n", o.name)),
                    None => out.push_str(&format!("- 推奨製品・サービス: {}\n", o.name)),
                }
            }
            if !i.mappings.is_empty() {
                let m: Vec<String> = i.mappings.iter().map(FrameworkRef::written).collect();
                out.push_str(&format!("- 対応: {}\n", m.join(", ")));
            }
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(code: &str) -> StandardItem {
        StandardItem {
            code: Code::parse(code).unwrap_or_else(|e| panic!("{e}")),
            title: "退職者アカウントの無効化".into(),
            requirement: "退職者のアカウントを無効化する".into(),
            criterion: Criterion {
                text: "退職日から5営業日以内".into(),
                value: Some("5".into()),
                unit: Some("営業日".into()),
            },
            rationale: "使われないIDは乗っ取られても気づかれない".into(),
            check: "退職者一覧とアカウント一覧の突合記録".into(),
            alternative: None,
            category: "アクセス管理".into(),
            tier: Tier::GroupMandatory,
            applicability: None,
            options: vec![],
            mappings: vec![FrameworkRef::NistCsf2("PR.AA-01".into())],
        }
    }

    #[test]
    fn the_review_shows_as_it_nears_and_when_overdue() {
        let d = |m, day| chrono::NaiveDate::from_ymd_opt(2026, m, day).unwrap_or_default();
        assert_eq!(review_due(d(12, 15), d(11, 28)), Some(17));
        assert_eq!(review_due(d(12, 15), d(12, 20)), Some(-5));
        assert_eq!(review_due(d(12, 15), d(10, 1)), None);
        assert_eq!(review_due(d(12, 15), d(10, 16)), Some(60));
    }

    #[test]
    fn tiers_read_as_people_write_them() {
        for (s, t) in [
            ("a", Tier::GroupMandatory),
            ("全社必須（a）", Tier::GroupMandatory),
            ("B", Tier::CompanyMandatory),
            ("会社別必須", Tier::CompanyMandatory),
            ("recommended", Tier::Recommended),
            ("推奨", Tier::Recommended),
        ] {
            assert_eq!(Tier::read(s), Ok(t), "{s}");
        }
        assert!(Tier::read("must").is_err());
    }

    #[test]
    fn mappings_are_checked_and_read_back() {
        for ok in [
            "NIST-CSF:PR.AA-01",
            "ISO27001:A.5.15",
            "ISO27001:A.8.34",
            "METI:10",
            "sp800-53:AC-2(3)",
        ] {
            let m = FrameworkRef::parse(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
            assert_eq!(FrameworkRef::parse(&m.written()), Ok(m));
        }
        for bad in [
            "PR.AA-01",
            "NIST-CSF:PR.AA1",
            "ISO27001:A.5.38",
            "ISO27001:A.9.1",
            "METI:11",
            "METI:0",
            ":x",
        ] {
            assert!(FrameworkRef::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn comparing_versions() {
        let a = item("ACC-01");
        let mut a2 = a.clone();
        a2.criterion.value = Some("3".into());
        let b = item("ACC-02");
        let c = compare_items(&[a.clone(), b.clone()], &[a2, item("ACC-03")]);
        assert_eq!(c.added, vec!["ACC-03"]);
        assert_eq!(
            c.changed,
            vec![ChangedItem {
                code: "ACC-01".to_owned(),
                fields: vec!["criterion"]
            }]
        );
        assert_eq!(c.archived, vec!["ACC-02"]);
        assert!(compare_items(std::slice::from_ref(&a), std::slice::from_ref(&a)).is_empty());
    }

    #[test]
    fn items_are_checked_whole() {
        let mut bad = item("ACC-01");
        bad.title = " ".into();
        bad.criterion.value = Some("five".into());
        bad.criterion.unit = None;
        let problems = check_items(&[item("ACC-01"), bad]);
        let fields: Vec<(usize, &str)> = problems.iter().map(|(r, f, _)| (*r, *f)).collect();
        assert_eq!(
            fields,
            vec![
                (2, "title"),
                (2, "criterion_value"),
                (2, "criterion_unit"),
                (2, "code")
            ]
        );
    }
}
