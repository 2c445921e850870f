//! A large synthetic group for benchmarks (`kamae synth`, `scripts/bench-web`): group
//! `BENCH` with hundreds of companies, a thousand sites, thousands of users and a year of
//! history, built only through the public store API — the same audited write path as every
//! change — with the clock stepped day by day.
//!
//! Day 0 is the group's onboarding (companies, sites, departments, most people and their
//! accounts and grants). Every working day after it has a mix of audited writes: people who
//! join, move (grant revoked and granted elsewhere) or leave (disabled), acquisitions and
//! reporting-scope changes, and artifacts — drafted by the CISO office (the group's) and by
//! the companies' security leads (their own), submitted, approved by the executives or the
//! CISO, some rejected and revised, some still waiting for a decision at the end.
//!
//! Users other than the two sign-ins below have no password: argon2 for each of them would
//! take minutes and sign-in is not what is measured.

use std::collections::BTreeMap;
use std::time::Instant;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use kamae_core::Problem;
use kamae_core::access::{Actor, Role};
use kamae_core::artifact::ArtifactKind;
use kamae_core::calendar::GroupCalendar;
use kamae_core::ids::{ArtifactVersionId, GrantId, GroupId};
use kamae_core::org::{CompanyKind, DepartmentKind, StaffRole};
use kamae_core::text::{Code, Email};
use serde::Serialize;

use crate::artifact::NewArtifactDraft;
use crate::audit::Verification;
use crate::org::{NewCompany, NewDepartment, NewGroup, NewPerson, NewSite};
use crate::users::{Capability, ScopeSpec};
use crate::{Result, Store};

/// The synthetic group's code.
pub const SYNTH_GROUP: &str = "BENCH";
/// Its administrator (creates the benchmark's API token).
pub const SYNTH_ADMIN: &str = "admin@bench.example";
/// The group-wide executive the page benchmarks sign in as: the approvals inbox is theirs.
pub const SYNTH_BENCH_USER: &str = "bench@bench.example";
/// The password of the two accounts above; nobody else has one.
pub const SYNTH_PASSWORD: &str = "BenchPassword-2026";

/// How large a group to build.
#[derive(Debug, Clone)]
pub struct SynthSpec {
    pub companies: usize,
    pub sites: usize,
    pub users: usize,
    /// Days of history, one step of the clock each.
    pub days: u32,
}

impl Default for SynthSpec {
    fn default() -> Self {
        SynthSpec {
            companies: 300,
            sites: 1000,
            users: 15_000,
            days: 365,
        }
    }
}

/// What was built, and how long it took.
#[derive(Debug, Clone, Serialize)]
pub struct SynthReport {
    pub group_code: String,
    pub companies: usize,
    pub sites: usize,
    pub departments: usize,
    pub people: usize,
    pub users: usize,
    pub users_disabled: usize,
    pub grants: usize,
    pub grants_revoked: usize,
    pub business_relationships: usize,
    pub reporting_scope_changes: usize,
    pub days: u32,
    /// The first and last day of the history (UTC dates).
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub artifact_versions: usize,
    pub submissions: usize,
    pub approvals: usize,
    pub rejections: usize,
    /// Versions still submitted at the end: the approvers' inboxes.
    pub awaiting_decision: usize,
    /// Calls of the store that wrote (each one audited transaction).
    pub writes: u64,
    /// Audit rows the load added (the chain was verified intact afterwards).
    pub audit_rows: i64,
    pub seconds: f64,
}

/// Group-wide accounts besides the companies' own.
const CISOS: usize = 1;
const EXECUTIVES: usize = 4;
const OFFICE: usize = 12;
const AUDITORS: usize = 4;
/// Of the general users, the share (percent) who join during the year rather than on day 0.
const JOINERS_PERCENT: u64 = 15;

/// The artifacts each company keeps of its own, drafted by its security lead.
const COMPANY_KINDS: [ArtifactKind; 4] = [
    ArtifactKind::RiskAssessment,
    ArtifactKind::RiskTreatmentPlan,
    ArtifactKind::ItBcp,
    ArtifactKind::IncidentResponseReport,
];

/// The group's artifacts, drafted by the CISO office: (kind, first day, days between
/// versions, the group's kinds whose approved versions it is made from).
const GROUP_PLAN: [(ArtifactKind, u32, u32, &[ArtifactKind]); 12] = {
    use ArtifactKind as K;
    [
        (K::ObjectivesAndTargets, 3, 182, &[]),
        (K::StrategyAndPlan, 10, 182, &[K::ObjectivesAndTargets]),
        (K::RiskAssessment, 15, 182, &[K::ObjectivesAndTargets]),
        (
            K::MeasuresAndRules,
            20,
            120,
            &[K::ObjectivesAndTargets, K::StrategyAndPlan],
        ),
        (K::AdviceToDepartments, 25, 30, &[K::ObjectivesAndTargets]),
        (
            K::RiskTreatmentPlan,
            30,
            182,
            &[K::ObjectivesAndTargets, K::StrategyAndPlan],
        ),
        (
            K::InvestmentPlan,
            40,
            365,
            &[K::StrategyAndPlan, K::MeasuresAndRules],
        ),
        (K::ItBcp, 45, 365, &[K::StrategyAndPlan, K::RiskAssessment]),
        (K::IncidentResponseReport, 60, 60, &[K::ItBcp]),
        (K::AchievementEvaluation, 90, 91, &[K::RiskAssessment]),
        (
            K::StrategyEffectiveness,
            180,
            182,
            &[K::AchievementEvaluation],
        ),
        (K::InvestmentEvaluation, 300, 365, &[K::StrategyAndPlan]),
    ]
};

const FAMILY: [&str; 24] = [
    "佐藤",
    "鈴木",
    "高橋",
    "田中",
    "伊藤",
    "渡辺",
    "山本",
    "中村",
    "小林",
    "加藤",
    "吉田",
    "山田",
    "佐々木",
    "山口",
    "松本",
    "井上",
    "木村",
    "林",
    "斎藤",
    "清水",
    "山崎",
    "森",
    "池田",
    "橋本",
];
const GIVEN: [&str; 24] = [
    "健一",
    "浩二",
    "美咲",
    "拓也",
    "由美",
    "大輔",
    "彩",
    "誠",
    "修",
    "隆",
    "恵",
    "剛",
    "直樹",
    "翔",
    "智子",
    "博",
    "和夫",
    "亮",
    "真理子",
    "学",
    "達也",
    "友美",
    "大樹",
    "昌子",
];
const PREFECTURES: [&str; 12] = [
    "東京都",
    "神奈川県",
    "埼玉県",
    "千葉県",
    "愛知県",
    "大阪府",
    "兵庫県",
    "福岡県",
    "宮城県",
    "静岡県",
    "広島県",
    "北海道",
];

/// A small deterministic generator (SplitMix64): the same spec builds the same group.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// 0..n (0 when n is 0).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    /// lo..=hi days.
    fn days(&mut self, lo: u32, hi: u32) -> u32 {
        lo + (self.next() % u64::from(hi - lo + 1)) as u32
    }

    fn percent(&mut self, p: u64) -> bool {
        self.next() % 100 < p
    }
}

struct Company {
    code: Code,
    name: String,
    /// The day it enters the group: 0, or its acquisition.
    joins: u32,
    in_scope: bool,
    sites: Vec<Code>,
    security_office: Code,
    it: Code,
    /// The member who is its security lead.
    lead: Option<usize>,
    /// The next of its own artifacts to work on.
    next_kind: usize,
    created: bool,
    /// The day an acquired company is brought into the reporting scope.
    scope_in: u32,
}

struct Member {
    email: Email,
    name: String,
    role: Role,
    scope: ScopeSpec,
    company: usize,
    department: Option<Code>,
    position: &'static str,
    password: bool,
    joins: u32,
    joined: bool,
    /// An ordinary user who may move or leave.
    general: bool,
    grant: Option<GrantId>,
    disabled: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    Draft,
    Submitted,
    Rejected,
}

struct Open {
    id: ArtifactVersionId,
    stage: Stage,
    /// The day of the next step (u32::MAX: never, a submission nobody gets to).
    due: u32,
    rejected_once: bool,
    inputs: Vec<ArtifactVersionId>,
    title: String,
}

#[derive(Default)]
struct Series {
    open: Option<Open>,
    /// The highest approved version.
    current: Option<ArtifactVersionId>,
    last_drafted: Option<u32>,
}

/// (kind, company index or none for the group's own)
type SeriesKey = (ArtifactKind, Option<usize>);

#[derive(Default)]
struct Counts {
    departments: usize,
    people: usize,
    users: usize,
    disabled: usize,
    grants: usize,
    revoked: usize,
    relationships: usize,
    scope_changes: usize,
    versions: usize,
    submissions: usize,
    approvals: usize,
    rejections: usize,
}

struct Sim<'a> {
    base: &'a Store,
    system: Actor,
    start: DateTime<Utc>,
    day: u32,
    /// Seconds into the day of the next step, so that the day's changes follow each other.
    tick: i64,
    rng: Rng,
    writes: u64,
    began: Instant,
    companies: Vec<Company>,
    members: Vec<Member>,
    executives: Vec<usize>,
    cisos: Vec<usize>,
    office: Vec<usize>,
    series: BTreeMap<SeriesKey, Series>,
    actors: BTreeMap<String, Actor>,
    n: Counts,
    n_days: u32,
}

fn code(s: &str) -> Result<Code> {
    Ok(Code::parse(s)?)
}

fn email(s: &str) -> Result<Email> {
    Ok(Email::parse(s)?)
}

impl Sim<'_> {
    /// The store with the clock at the next step of the current day.
    fn at(&mut self) -> Store {
        // Days start at 09:00 in Japan (00:00 UTC) and never run into the next one.
        // Day 0, the onboarding, has tens of thousands of changes a second apart; the
        // working days after it, a minute apart.
        let secs = self.tick.min(86_000);
        self.tick += if self.day == 0 { 1 } else { 60 };
        self.base
            .clone()
            .with_now(self.start + Duration::days(i64::from(self.day)) + Duration::seconds(secs))
    }

    fn date(&self) -> NaiveDate {
        (self.start + Duration::days(i64::from(self.day))).date_naive()
    }

    fn weekday(&self) -> bool {
        !matches!(self.date().weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// Counts one audited write and says how far the load is every 5,000.
    fn wrote(&mut self) {
        self.writes += 1;
        if self.writes.is_multiple_of(5_000) {
            eprintln!(
                "synth: {} writes, day {}/{} ({}), {:.0} s",
                self.writes,
                self.day,
                self.n_days,
                self.date(),
                self.began.elapsed().as_secs_f64()
            );
        }
    }

    /// The member as an actor today (looked up once a day, as a sign-in would).
    async fn actor(&mut self, m: usize) -> Result<Actor> {
        let key = self.members[m].email.to_string();
        if let Some(a) = self.actors.get(&key) {
            return Ok(a.clone());
        }
        let store = self.at();
        let a = store.actor_for_email(&self.members[m].email).await?;
        self.actors.insert(key, a.clone());
        Ok(a)
    }

    // --- the organisation -------------------------------------------------------------

    async fn add_company(&mut self, i: usize) -> Result<()> {
        let c = &self.companies[i];
        let acquired_on = if c.joins > 0 {
            Some(self.date())
        } else if i % 5 == 3 {
            // Joined by M&A some years before the history starts.
            NaiveDate::from_ymd_opt(2015 + (i % 9) as i32, 1 + (i % 12) as u32, 1)
        } else {
            None
        };
        let new = NewCompany {
            code: c.code.clone(),
            name: c.name.clone(),
            kind: match i {
                0 => CompanyKind::Parent,
                _ if i % 11 == 7 => CompanyKind::Affiliate,
                _ => CompanyKind::Subsidiary,
            },
            parent: (i > 0).then(|| self.companies[0].code.clone()),
            acquired_on,
            in_reporting_scope: c.in_scope,
        };
        let (office, it) = (c.security_office.clone(), c.it.clone());
        let store = self.at();
        store.add_company(&self.system, new).await?;
        self.wrote();
        self.companies[i].created = true;
        for (dept, name, kind) in [
            (office, "セキュリティ部門", DepartmentKind::SecurityOffice),
            (it, "情報システム部", DepartmentKind::It),
        ] {
            let store = self.at();
            store
                .add_department(
                    &self.system,
                    NewDepartment {
                        company: self.companies[i].code.clone(),
                        code: dept,
                        name: format!("{} {name}", self.companies[i].name),
                        kind,
                    },
                )
                .await?;
            self.wrote();
            self.n.departments += 1;
        }
        for (k, site) in self.companies[i].sites.clone().into_iter().enumerate() {
            let store = self.at();
            let pref = PREFECTURES[(i + k) % PREFECTURES.len()];
            store
                .add_site(
                    &self.system,
                    NewSite {
                        company: self.companies[i].code.clone(),
                        name: format!("{} 第{}拠点", self.companies[i].name, k + 1),
                        code: site,
                        address: Some(format!("{pref}（合成データ）")),
                        // A few sites were never brought into reporting scope.
                        in_reporting_scope: self.companies[i].in_scope && (i + k) % 37 != 5,
                    },
                )
                .await?;
            self.wrote();
        }
        Ok(())
    }

    async fn relate(&mut self, a: usize, b: usize, weight: i64, note: &str) -> Result<()> {
        let (ca, cb) = (
            self.companies[a].code.clone(),
            self.companies[b].code.clone(),
        );
        let store = self.at();
        store
            .add_business_relationship(&self.system, &ca, &cb, weight, Some(note.into()))
            .await?;
        self.wrote();
        self.n.relationships += 1;
        Ok(())
    }

    async fn set_scope(&mut self, i: usize, in_scope: bool, reason: &str) -> Result<()> {
        let c = self.companies[i].code.clone();
        let store = self.at();
        store
            .set_company_reporting_scope(&self.system, &c, in_scope, Some(reason))
            .await?;
        self.wrote();
        self.companies[i].in_scope = in_scope;
        self.n.scope_changes += 1;
        Ok(())
    }

    /// A person joins: their organisation record, their account and their grant (and, for a
    /// security lead, their naming as the company's lead).
    async fn join(&mut self, m: usize) -> Result<()> {
        let company = self.members[m].company;
        let person = NewPerson {
            name: self.members[m].name.clone(),
            email: Some(self.members[m].email.clone()),
            position: Some(self.members[m].position.into()),
            company: self.companies[company].code.clone(),
            department: self.members[m].department.clone(),
        };
        let store = self.at();
        let person = store.add_person(&self.system, person).await?;
        self.wrote();
        self.n.people += 1;
        let password = self.members[m].password.then_some(SYNTH_PASSWORD);
        let store = self.at();
        store
            .add_user(
                &self.system,
                &self.members[m].email,
                &self.members[m].name,
                password,
                false,
            )
            .await?;
        self.wrote();
        self.n.users += 1;
        let store = self.at();
        let grant = store
            .grant(
                &self.system,
                &self.members[m].email,
                Capability::Role(self.members[m].role),
                &self.members[m].scope,
                None,
            )
            .await?;
        self.wrote();
        self.n.grants += 1;
        self.members[m].grant = Some(grant.id);
        self.members[m].joined = true;
        if self.members[m].role == Role::SecurityLead {
            let c = self.companies[company].code.clone();
            let store = self.at();
            store
                .assign_security_staff(&self.system, &c, person.id, StaffRole::Lead, None)
                .await?;
            self.wrote();
            self.companies[company].lead = Some(m);
        }
        Ok(())
    }

    /// A general user who has joined and is still active, if one is found.
    fn someone_active(&mut self) -> Option<usize> {
        for _ in 0..50 {
            let m = self.rng.below(self.members.len());
            let x = &self.members[m];
            if x.general && x.joined && !x.disabled {
                return Some(m);
            }
        }
        None
    }

    /// Someone moves to another company: the old grant is revoked, a new one given.
    async fn transfer(&mut self) -> Result<()> {
        let Some(m) = self.someone_active() else {
            return Ok(());
        };
        let to = self.rng.below(self.companies.len());
        if self.companies[to].joins > self.day || to == self.members[m].company {
            return Ok(());
        }
        if let Some(g) = self.members[m].grant {
            let store = self.at();
            store
                .revoke_grant(
                    &self.system,
                    g,
                    Some("グループ内の異動 / moved within the group"),
                )
                .await?;
            self.wrote();
            self.n.revoked += 1;
        }
        let scope = ScopeSpec::Company(self.companies[to].code.clone());
        let store = self.at();
        let grant = store
            .grant(
                &self.system,
                &self.members[m].email,
                Capability::Role(self.members[m].role),
                &scope,
                None,
            )
            .await?;
        self.wrote();
        self.n.grants += 1;
        self.members[m].grant = Some(grant.id);
        self.members[m].scope = scope;
        self.members[m].company = to;
        Ok(())
    }

    /// Someone leaves the group: their account is disabled.
    async fn leave(&mut self) -> Result<()> {
        let Some(m) = self.someone_active() else {
            return Ok(());
        };
        let store = self.at();
        store
            .disable_user(
                &self.system,
                &self.members[m].email,
                Some("退職 / left the group"),
            )
            .await?;
        self.wrote();
        self.members[m].disabled = true;
        self.n.disabled += 1;
        Ok(())
    }

    // --- artifacts --------------------------------------------------------------------

    fn body(&mut self, kind: ArtifactKind, whose: &str, revision: bool) -> String {
        let date = self.date();
        let items = 3 + self.rng.below(4);
        let mut body = format!(
            "## 目的 / Purpose\n\n{whose}の{}（{date} 時点）。合成データ / synthetic data.\n\n\
             ## 範囲 / Scope\n\n対象の会社・拠点・部門と、その情報資産。\n\n## 内容 / Content\n\n",
            kind.label_ja()
        );
        for k in 1..=items {
            body.push_str(&format!(
                "{k}. 項目 {k}: 現状、課題、対応、担当、期限（{date}）\n"
            ));
        }
        if revision {
            body.push_str("\n## 改訂 / Revision\n\n差し戻しの指摘に対応しました。\n");
        }
        body
    }

    fn approver(&mut self, kind: ArtifactKind) -> usize {
        match kamae_core::approval::approver(kamae_core::approval::DocumentKind::Artifact(kind)) {
            Role::Ciso => self.cisos[self.rng.below(self.cisos.len())],
            _ => self.executives[self.rng.below(self.executives.len())],
        }
    }

    /// Who writes a series: the company's security lead, or one of the CISO office.
    fn author(&mut self, key: SeriesKey) -> Option<usize> {
        match key.1 {
            Some(c) => self.companies[c].lead,
            None => Some(self.office[self.rng.below(self.office.len())]),
        }
    }

    /// Days until an approver gets to a submission; a few of the companies' are never
    /// decided.
    fn decision_due(&mut self, key: SeriesKey) -> u32 {
        if key.1.is_some() && self.rng.percent(4) {
            u32::MAX
        } else {
            self.day + self.rng.days(1, 14)
        }
    }

    async fn draft(
        &mut self,
        key: SeriesKey,
        inputs: Vec<ArtifactVersionId>,
        title: String,
    ) -> Result<()> {
        let Some(author) = self.author(key) else {
            return Ok(());
        };
        let whose = match key.1 {
            Some(c) => self.companies[c].name.clone(),
            None => "グループ".to_owned(),
        };
        let body = self.body(key.0, &whose, false);
        let actor = self.actor(author).await?;
        let store = self.at();
        let v = store
            .draft_artifact(
                &actor,
                NewArtifactDraft {
                    kind: key.0,
                    company: key.1.map(|c| self.companies[c].code.clone()),
                    title: title.clone(),
                    body,
                    inputs: inputs.clone(),
                },
            )
            .await?;
        self.wrote();
        self.n.versions += 1;
        // Most drafts go for approval the same day; some wait a few days.
        let due = if self.rng.percent(80) {
            self.day
        } else {
            self.day + self.rng.days(1, 3)
        };
        let day = self.day;
        let s = self.series.entry(key).or_default();
        s.last_drafted = Some(day);
        s.open = Some(Open {
            id: v.reference.version,
            stage: Stage::Draft,
            due,
            rejected_once: false,
            inputs,
            title,
        });
        Ok(())
    }

    /// Takes every series whose next step is due today one step further.
    async fn artifact_steps(&mut self) -> Result<()> {
        let due: Vec<SeriesKey> = self
            .series
            .iter()
            .filter(|(_, s)| s.open.as_ref().is_some_and(|o| o.due <= self.day))
            .map(|(k, _)| *k)
            .collect();
        for key in due {
            let Some(open) = self.series.get(&key).and_then(|s| s.open.as_ref()) else {
                continue;
            };
            let (id, stage, rejected_once) = (open.id, open.stage, open.rejected_once);
            match stage {
                Stage::Draft => self.submit(key, id).await?,
                Stage::Submitted => {
                    let approver = self.approver(key.0);
                    let actor = self.actor(approver).await?;
                    let reject = !rejected_once && self.rng.percent(12);
                    let store = self.at();
                    if reject {
                        store
                            .reject_artifact(
                                &actor,
                                id,
                                "前提の数値と対策の期限を見直してください / please revisit the figures and deadlines",
                            )
                            .await?;
                        self.wrote();
                        self.n.rejections += 1;
                        let due = self.day + self.rng.days(1, 3);
                        if let Some(o) = self.series.get_mut(&key).and_then(|s| s.open.as_mut()) {
                            o.stage = Stage::Rejected;
                            o.rejected_once = true;
                            o.due = due;
                        }
                    } else {
                        store.approve_artifact(&actor, id).await?;
                        self.wrote();
                        self.n.approvals += 1;
                        if let Some(s) = self.series.get_mut(&key) {
                            s.open = None;
                            s.current = Some(id);
                        }
                    }
                }
                Stage::Rejected => {
                    let Some(author) = self.author(key) else {
                        continue;
                    };
                    let (title, inputs) = match self.series.get(&key).and_then(|s| s.open.as_ref())
                    {
                        Some(o) => (o.title.clone(), o.inputs.clone()),
                        None => continue,
                    };
                    let whose = match key.1 {
                        Some(c) => self.companies[c].name.clone(),
                        None => "グループ".to_owned(),
                    };
                    let body = self.body(key.0, &whose, true);
                    let actor = self.actor(author).await?;
                    let store = self.at();
                    store
                        .edit_artifact(&actor, id, &title, &body, &inputs)
                        .await?;
                    self.wrote();
                    if let Some(o) = self.series.get_mut(&key).and_then(|s| s.open.as_mut()) {
                        o.stage = Stage::Draft;
                    }
                    self.submit(key, id).await?;
                }
            }
        }
        Ok(())
    }

    async fn submit(&mut self, key: SeriesKey, id: ArtifactVersionId) -> Result<()> {
        let Some(author) = self.author(key) else {
            return Ok(());
        };
        let actor = self.actor(author).await?;
        let store = self.at();
        store.submit_artifact(&actor, id).await?;
        self.wrote();
        self.n.submissions += 1;
        let due = self.decision_due(key);
        if let Some(o) = self.series.get_mut(&key).and_then(|s| s.open.as_mut()) {
            o.stage = Stage::Submitted;
            o.due = due;
        }
        Ok(())
    }

    fn current(&self, key: SeriesKey) -> Option<ArtifactVersionId> {
        self.series.get(&key).and_then(|s| s.current)
    }

    fn is_open(&self, key: SeriesKey) -> bool {
        self.series.get(&key).is_some_and(|s| s.open.is_some())
    }

    /// The CISO office's own artifacts, on their schedule.
    async fn group_drafts(&mut self) -> Result<()> {
        for (kind, first, every, from) in GROUP_PLAN {
            let key = (kind, None);
            let last = self.series.get(&key).and_then(|s| s.last_drafted);
            let due = self.day >= first && last.is_none_or(|l| self.day >= l + every);
            if !due || self.is_open(key) {
                continue;
            }
            let inputs: Vec<ArtifactVersionId> = from
                .iter()
                .filter_map(|k| self.current((*k, None)))
                .collect();
            let title = format!("グループ {}（{}）", kind.label_ja(), self.date());
            self.draft(key, inputs, title).await?;
        }
        Ok(())
    }

    /// Security leads start new versions of their companies' own artifacts.
    async fn company_drafts(&mut self, quota: usize) -> Result<()> {
        let objectives = self.current((ArtifactKind::ObjectivesAndTargets, None));
        let mut done = 0;
        for _ in 0..quota * 4 {
            if done == quota {
                break;
            }
            let c = self.rng.below(self.companies.len());
            if self.companies[c].joins > self.day || self.companies[c].lead.is_none() {
                continue;
            }
            let kind = COMPANY_KINDS[self.companies[c].next_kind % COMPANY_KINDS.len()];
            let key = (kind, Some(c));
            if self.is_open(key) {
                self.companies[c].next_kind += 1;
                continue;
            }
            // Each is made from what figure 1-3 feeds it, where an approved version exists:
            // the group's objectives, then the company's own risk assessment and IT-BCP.
            let inputs: Vec<ArtifactVersionId> = match kind {
                ArtifactKind::ItBcp => self
                    .current((ArtifactKind::RiskAssessment, Some(c)))
                    .into_iter()
                    .collect(),
                ArtifactKind::IncidentResponseReport => self
                    .current((ArtifactKind::ItBcp, Some(c)))
                    .into_iter()
                    .collect(),
                _ => objectives.into_iter().collect(),
            };
            let title = format!(
                "{} {}（{}）",
                self.companies[c].name,
                kind.label_ja(),
                self.date()
            );
            self.draft(key, inputs, title).await?;
            self.companies[c].next_kind += 1;
            done += 1;
        }
        Ok(())
    }
}

impl Sim<'_> {
    /// Day 0: the group's onboarding, as an import would make it.
    async fn onboard(&mut self) -> Result<()> {
        for i in 0..self.companies.len() {
            if self.companies[i].joins == 0 {
                self.add_company(i).await?;
            }
        }
        let n = self.companies.len();
        for i in 1..n {
            if self.companies[i].joins > 0 {
                continue;
            }
            if i % 2 == 1 {
                let w = 10 + (i % 80) as i64;
                self.relate(0, i, w, "親会社との取引 / business with the parent")
                    .await?;
            }
            if i % 10 == 2 && i + 1 < n && self.companies[i + 1].joins == 0 {
                let w = 5 + (i % 40) as i64;
                self.relate(i, i + 1, w, "部品の相互供給 / parts supplied both ways")
                    .await?;
            }
        }
        self.joiners().await
    }

    /// Everyone whose day has come and who has not joined yet, in order.
    async fn joiners(&mut self) -> Result<()> {
        for m in 0..self.members.len() {
            let x = &self.members[m];
            if !x.joined && x.joins <= self.day && self.companies[x.company].created {
                self.join(m).await?;
            }
        }
        Ok(())
    }

    /// Days 1.. : the working days' changes (weekends are quiet).
    async fn history(&mut self, spec: &SynthSpec) -> Result<()> {
        let weekdays = (1..spec.days)
            .filter(|d| {
                let date = (self.start + Duration::days(i64::from(*d))).date_naive();
                !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
            })
            .count()
            .max(1);
        // About six new versions a company a year: one and a half per artifact.
        let quota = (self.companies.len() * 6).div_ceil(weekdays);
        for day in 1..spec.days {
            self.day = day;
            self.tick = 0;
            self.actors.clear();
            if !self.weekday() {
                continue;
            }
            // Acquisitions, and the acquired brought into the reporting scope.
            for i in 0..self.companies.len() {
                let c = &self.companies[i];
                if !c.created && c.joins <= day {
                    self.add_company(i).await?;
                    let w = 5 + (i % 30) as i64;
                    self.relate(0, i, w, "買収後の取引 / business since the acquisition")
                        .await?;
                } else if c.created && !c.in_scope && c.scope_in <= day {
                    self.set_scope(
                        i,
                        true,
                        "買収後の統合完了 / integration after the acquisition completed",
                    )
                    .await?;
                }
            }
            self.joiners().await?;
            // Now and then a company leaves the reporting scope for a while, or returns.
            if self.rng.percent(10) {
                let i = 1 + self.rng.below(self.companies.len().saturating_sub(1));
                if self.companies.get(i).is_some_and(|c| c.joins == 0) {
                    let (to, why) = if self.companies[i].in_scope {
                        (
                            false,
                            "事業譲渡の検討中 / sale of the business under review",
                        )
                    } else {
                        (true, "報告範囲に復帰 / back in the reporting scope")
                    };
                    self.set_scope(i, to, why).await?;
                }
            }
            if self.rng.percent(50) {
                self.transfer().await?;
            }
            if self.rng.percent(50) {
                self.leave().await?;
            }
            self.artifact_steps().await?;
            self.group_drafts().await?;
            self.company_drafts(quota).await?;
            // Drafts due today go for approval today.
            self.artifact_steps().await?;
        }
        Ok(())
    }
}

impl Store {
    /// Builds the synthetic group `BENCH` (see the module's documentation) as `system`,
    /// through the public, audited store API only. The store must not hold `BENCH` yet.
    pub async fn load_synthetic(&self, spec: &SynthSpec) -> Result<SynthReport> {
        let began = Instant::now();
        let group_wide = CISOS + EXECUTIVES + OFFICE + AUDITORS + 1;
        if spec.companies == 0
            || spec.companies > 9_999
            || spec.days == 0
            || spec.users < group_wide + spec.companies
        {
            return Err(Problem::new(
                "invalid_synth_spec",
                format!(
                    "会社は1〜9999、日数は1以上、利用者は {} 人以上（会社ごとの責任者とグループ全体の {group_wide} 人）にしてください",
                    group_wide + spec.companies
                ),
                format!(
                    "give 1–9999 companies, at least 1 day, and at least {} users (a lead per company and {group_wide} group-wide)",
                    group_wide + spec.companies
                ),
            )
            .into());
        }
        if self
            .all_groups()
            .await?
            .iter()
            .any(|g| g.code.as_str() == SYNTH_GROUP)
        {
            return Err(Problem::new(
                "duplicate",
                format!(
                    "グループ {SYNTH_GROUP} は既にあります。空のデータディレクトリを使ってください"
                ),
                format!("group {SYNTH_GROUP} already exists; use an empty data directory"),
            )
            .into());
        }
        let rows_before = match self.verify(None).await? {
            Verification::Intact { rows, .. } => rows,
            Verification::Broken(b) => return Err(b.problem.into()),
        };

        // The history ends yesterday; day 0 is `days` days ago, at 09:00 in Japan.
        let today = self.now().date_naive();
        let first_day = today - Duration::days(i64::from(spec.days));
        let start = Utc.from_utc_datetime(&first_day.and_time(chrono::NaiveTime::MIN));
        let first = self.clone().with_now(start);
        let (group, _) = first
            .init_group(
                NewGroup {
                    code: code(SYNTH_GROUP)?,
                    name: "ベンチマーク・グループ（合成） / benchmark group (synthetic)".into(),
                    calendar: GroupCalendar::default(),
                    is_demo: false,
                },
                &email(SYNTH_ADMIN)?,
                "ベンチマーク管理者",
                SYNTH_PASSWORD,
            )
            .await?;
        let mut sim = self.plan(spec, group.id, start, began)?;
        sim.wrote();
        // The benchmark signs in with a password only: its executive is not asked for a
        // second factor (administrators still are).
        let store = sim.at();
        store
            .set_mfa_policy(&sim.system, &["administrator".to_owned()])
            .await?;
        sim.wrote();
        sim.onboard().await?;
        sim.history(spec).await?;

        let (audit_rows, _) = match self.verify(None).await? {
            Verification::Intact { rows, head } => (rows - rows_before, head),
            Verification::Broken(b) => return Err(b.problem.into()),
        };
        let awaiting = sim
            .series
            .values()
            .filter(|s| s.open.as_ref().is_some_and(|o| o.stage == Stage::Submitted))
            .count();
        Ok(SynthReport {
            group_code: SYNTH_GROUP.into(),
            companies: sim.companies.len(),
            sites: sim.companies.iter().map(|c| c.sites.len()).sum(),
            departments: sim.n.departments,
            people: sim.n.people,
            users: sim.n.users,
            users_disabled: sim.n.disabled,
            grants: sim.n.grants,
            grants_revoked: sim.n.revoked,
            business_relationships: sim.n.relationships,
            reporting_scope_changes: sim.n.scope_changes,
            days: spec.days,
            first_day,
            last_day: first_day + Duration::days(i64::from(spec.days) - 1),
            artifact_versions: sim.n.versions,
            submissions: sim.n.submissions,
            approvals: sim.n.approvals,
            rejections: sim.n.rejections,
            awaiting_decision: awaiting,
            writes: sim.writes,
            audit_rows,
            seconds: began.elapsed().as_secs_f64(),
        })
    }

    /// Who and what the group will hold, and when each enters it.
    fn plan(
        &self,
        spec: &SynthSpec,
        group: GroupId,
        start: DateTime<Utc>,
        began: Instant,
    ) -> Result<Sim<'_>> {
        let mut rng = Rng(0x6b61_6d61_6500_2026);
        let n = spec.companies;
        // About 5% of the companies are acquired during the year.
        let late = if n > 20 { n / 20 } else { 0 };
        let last = spec.days.saturating_sub(1).max(1);
        let mut companies = Vec::with_capacity(n);
        for i in 0..n {
            let cc = format!("C{i:03}");
            let joins = if i >= n - late && spec.days > 60 {
                rng.days(20, spec.days - 40)
            } else {
                0
            };
            companies.push(Company {
                code: code(&cc)?,
                name: if i == 0 {
                    "ベンチ本社".to_owned()
                } else {
                    format!("ベンチ{i:03}社")
                },
                joins,
                // Acquired companies start outside the reporting scope; a few others were
                // never brought in.
                in_scope: joins == 0 && i % 29 != 13,
                sites: Vec::new(),
                security_office: code(&format!("{cc}-SEC"))?,
                it: code(&format!("{cc}-IT"))?,
                lead: None,
                next_kind: i % COMPANY_KINDS.len(),
                created: false,
                scope_in: if joins > 0 {
                    joins + rng.days(30, 60)
                } else {
                    u32::MAX
                },
            });
        }
        for j in 0..spec.sites {
            let c = j % n;
            let k = j / n + 1;
            let site = code(&format!("{}-S{k:02}", companies[c].code))?;
            companies[c].sites.push(site);
        }
        let mut members = Vec::with_capacity(spec.users);
        let person_name = |rng: &mut Rng| {
            format!(
                "{} {}",
                FAMILY[rng.below(FAMILY.len())],
                GIVEN[rng.below(GIVEN.len())]
            )
        };
        let add = |members: &mut Vec<Member>,
                   local: String,
                   name: String,
                   role: Role,
                   scope: ScopeSpec,
                   company: usize,
                   department: Option<Code>,
                   position: &'static str,
                   joins: u32,
                   general: bool|
         -> Result<usize> {
            members.push(Member {
                email: email(&format!("{local}@bench.example"))?,
                name,
                role,
                scope,
                company,
                department,
                position,
                password: false,
                joins,
                joined: false,
                general,
                grant: None,
                disabled: false,
            });
            Ok(members.len() - 1)
        };
        let parent_office = Some(companies[0].security_office.clone());
        let (mut executives, mut cisos, mut office) = (Vec::new(), Vec::new(), Vec::new());
        let bench = add(
            &mut members,
            "bench".into(),
            "ベンチ 計測".into(),
            Role::Executive,
            ScopeSpec::Group,
            0,
            None,
            "取締役（ベンチマーク用） / director (benchmark)",
            0,
            false,
        )?;
        members[bench].password = true;
        for k in 0..CISOS {
            let name = person_name(&mut rng);
            cisos.push(add(
                &mut members,
                format!("ciso{k}"),
                name,
                Role::Ciso,
                ScopeSpec::Group,
                0,
                parent_office.clone(),
                "CISO",
                0,
                false,
            )?);
        }
        for k in 0..EXECUTIVES {
            let name = person_name(&mut rng);
            executives.push(add(
                &mut members,
                format!("exec{k}"),
                name,
                Role::Executive,
                ScopeSpec::Group,
                0,
                None,
                "取締役 / director",
                0,
                false,
            )?);
        }
        for k in 0..OFFICE {
            let name = person_name(&mut rng);
            office.push(add(
                &mut members,
                format!("office{k:02}"),
                name,
                Role::CisoOffice,
                ScopeSpec::Group,
                0,
                parent_office.clone(),
                "CISO室 / CISO office",
                0,
                false,
            )?);
        }
        for k in 0..AUDITORS {
            let name = person_name(&mut rng);
            add(
                &mut members,
                format!("auditor{k}"),
                name,
                Role::Auditor,
                ScopeSpec::Group,
                0,
                None,
                "監査役 / auditor",
                0,
                false,
            )?;
        }
        for (i, c) in companies.iter().enumerate() {
            let name = person_name(&mut rng);
            add(
                &mut members,
                format!("lead-{}", c.code.as_str().to_lowercase()),
                name,
                Role::SecurityLead,
                ScopeSpec::Company(c.code.clone()),
                i,
                Some(c.security_office.clone()),
                "セキュリティ責任者 / security lead",
                c.joins,
                false,
            )?;
        }
        // One IT department manager per company while there are users enough.
        let managers = if spec.users - members.len() >= 4 * n {
            n
        } else {
            0
        };
        for (i, c) in companies.iter().enumerate().take(managers) {
            let name = person_name(&mut rng);
            add(
                &mut members,
                format!("manager-{}", c.code.as_str().to_lowercase()),
                name,
                Role::DepartmentManager,
                ScopeSpec::Department(c.it.clone()),
                i,
                Some(c.it.clone()),
                "情報システム部長 / IT manager",
                c.joins,
                false,
            )?;
        }
        // Everyone else: a third practitioners, the rest viewers, on a company or one of
        // its sites.
        let mut k = 0usize;
        while members.len() < spec.users {
            let c = rng.below(n);
            let role = if rng.percent(35) {
                Role::Practitioner
            } else {
                Role::Viewer
            };
            let sites = &companies[c].sites;
            let scope = if !sites.is_empty() && rng.percent(50) {
                ScopeSpec::Site(sites[rng.below(sites.len())].clone())
            } else {
                ScopeSpec::Company(companies[c].code.clone())
            };
            let joins = if rng.percent(JOINERS_PERCENT) {
                rng.days(1, last)
            } else {
                0
            };
            let name = person_name(&mut rng);
            add(
                &mut members,
                format!("u{k:05}"),
                name,
                role,
                scope,
                c,
                None,
                if role == Role::Practitioner {
                    "実務担当者 / practitioner"
                } else {
                    "社員 / staff"
                },
                joins.max(companies[c].joins),
                true,
            )?;
            k += 1;
        }
        Ok(Sim {
            base: self,
            system: Actor::System { group },
            start,
            day: 0,
            tick: 0,
            rng,
            writes: 0,
            began,
            companies,
            members,
            executives,
            cisos,
            office,
            series: BTreeMap::new(),
            actors: BTreeMap::new(),
            n: Counts::default(),
            n_days: spec.days,
        })
    }
}

#[cfg(all(test, feature = "testing"))]
mod tests {
    use super::*;
    use crate::testing::TestStore;

    /// A small synthetic group: every write it makes passes the store's rules, the chain
    /// stays intact, and the benchmark's sign-ins work. (No assertion on time.)
    async fn builds_a_small_group(t: &TestStore) {
        let s = &t.store;
        let spec = SynthSpec {
            companies: 3,
            sites: 5,
            users: 40,
            days: 40,
        };
        let r = s.load_synthetic(&spec).await.expect("synthetic group");
        assert_eq!((r.companies, r.sites, r.users, r.people), (3, 5, 40, 40));
        assert!(r.artifact_versions > 0 && r.submissions > 0);
        assert!(r.audit_rows > 0 && r.writes > 0);
        let bench = s
            .actor_for_email(&email(SYNTH_BENCH_USER).expect("e-mail"))
            .await
            .expect("bench user");
        assert!(!s.artifacts(&bench).await.expect("artifacts").is_empty());
        s.approvals_inbox(&bench).await.expect("inbox");
        s.sign_in(SYNTH_BENCH_USER, SYNTH_PASSWORD, None)
            .await
            .expect("sign-in");
        let again = s.load_synthetic(&spec).await;
        assert_eq!(again.err().map(|e| e.code()), Some("duplicate"));
    }

    crate::both_backends!(builds_a_small_group);
}
