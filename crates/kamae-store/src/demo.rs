//! The demo: story 1's manufacturing group 「A社グループ」 and story 2's apparel maker
//! 「X社（アパレル）」, in Japanese, with one sign-in per role and group.

use chrono::{Months, NaiveDate};
use kamae_core::Problem;
use kamae_core::access::{Actor, Role};
use kamae_core::calendar::GroupCalendar;
use kamae_core::org::{CompanyKind, DepartmentKind, StaffRole};
use kamae_core::rules::{ChangeReason, Criterion, FrameworkRef, ProductOption, StandardItem, Tier};
use kamae_core::text::{Code, Email};
use serde::Serialize;

mod business;
mod risks;

use crate::org::{NewCompany, NewDepartment, NewGroup, NewPerson, NewSite};
use crate::rules::{DEFAULT_TITLE, StandardDraft, StandardMeta};
use crate::users::{Capability, ScopeSpec};
use crate::{Result, Store};

/// The one password of every demo account, printed with the sign-ins. Demo groups are
/// marked as such, so that no real group ever runs with it.
pub const DEMO_PASSWORD: &str = "kamae-demo-2026";

/// The demo standard as the CISO office wrote it (`demo/standard.toml`).
#[derive(serde::Deserialize)]
struct DemoStandard {
    item: Vec<DemoItem>,
}

#[derive(serde::Deserialize)]
struct DemoItem {
    code: String,
    title: String,
    category: String,
    tier: String,
    requirement: String,
    criterion: String,
    criterion_value: Option<String>,
    criterion_unit: Option<String>,
    rationale: String,
    check: String,
    alternative: Option<String>,
    applicability: Option<String>,
    #[serde(default)]
    options: Vec<String>,
    #[serde(default)]
    mappings: Vec<String>,
}

#[derive(serde::Deserialize)]
struct DemoGlossary {
    term: Vec<kamae_core::rules::GlossaryTerm>,
}

/// The terms the story's staff asked the CISO office about (`demo/glossary.toml`).
pub fn demo_glossary() -> Result<Vec<kamae_core::rules::GlossaryTerm>> {
    let doc: DemoGlossary = toml::from_str(include_str!("demo/glossary.toml")).map_err(|e| {
        Problem::new(
            "demo_failed",
            format!("デモの用語集を読めません: {e}"),
            format!("cannot read the demo glossary: {e}"),
        )
    })?;
    Ok(doc.term)
}

pub fn demo_standard_items() -> Result<Vec<StandardItem>> {
    let doc: DemoStandard = toml::from_str(include_str!("demo/standard.toml")).map_err(|e| {
        Problem::new(
            "demo_failed",
            format!("デモの基準を読めません: {e}"),
            format!("cannot read the demo standard: {e}"),
        )
    })?;
    doc.item
        .into_iter()
        .map(|i| {
            Ok(StandardItem {
                code: code(&i.code)?,
                title: i.title,
                requirement: i.requirement,
                criterion: Criterion {
                    text: i.criterion,
                    value: i.criterion_value,
                    unit: i.criterion_unit,
                },
                rationale: i.rationale,
                check: i.check,
                alternative: i.alternative,
                category: i.category,
                tier: Tier::read(&i.tier)?,
                applicability: i.applicability,
                options: i.options.iter().map(|o| ProductOption::read(o)).collect(),
                mappings: i
                    .mappings
                    .iter()
                    .map(|m| FrameworkRef::parse(m))
                    .collect::<std::result::Result<_, _>>()?,
            })
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoSignIn {
    pub group_code: String,
    pub group_name: String,
    pub email: String,
    pub name: String,
    /// A role, or `administrator`.
    pub role: String,
    /// `group`, `company:X`, `site:X-Y`, `department:A-IT`.
    pub scope: String,
    /// What the scope is called: the group's, company's, site's or department's name.
    pub scope_name: String,
    /// The company of a company, site or department scope.
    pub company_name: Option<String>,
    pub password: String,
}

fn code(s: &str) -> Result<Code> {
    Ok(Code::parse(s)?)
}

fn email(s: &str) -> Result<Email> {
    Ok(Email::parse(s)?)
}

struct Loader<'a> {
    store: &'a Store,
    system: Actor,
    group_code: String,
    group_name: String,
    sign_ins: Vec<DemoSignIn>,
}

impl Loader<'_> {
    async fn company(
        &self,
        c: &str,
        name: &str,
        kind: CompanyKind,
        parent: Option<&str>,
        acquired_on: Option<NaiveDate>,
        in_scope: bool,
    ) -> Result<()> {
        self.store
            .add_company(
                &self.system,
                NewCompany {
                    code: code(c)?,
                    name: name.into(),
                    kind,
                    parent: parent.map(code).transpose()?,
                    acquired_on,
                    in_reporting_scope: in_scope,
                },
            )
            .await?;
        Ok(())
    }

    async fn site(
        &self,
        company: &str,
        c: &str,
        name: &str,
        address: &str,
        in_scope: bool,
    ) -> Result<()> {
        self.store
            .add_site(
                &self.system,
                NewSite {
                    company: code(company)?,
                    code: code(c)?,
                    name: name.into(),
                    address: Some(address.into()),
                    in_reporting_scope: in_scope,
                },
            )
            .await?;
        Ok(())
    }

    async fn department(
        &self,
        company: &str,
        c: &str,
        name: &str,
        kind: DepartmentKind,
    ) -> Result<()> {
        self.store
            .add_department(
                &self.system,
                NewDepartment {
                    company: code(company)?,
                    code: code(c)?,
                    name: name.into(),
                    kind,
                },
            )
            .await?;
        Ok(())
    }

    async fn person(
        &self,
        company: &str,
        department: Option<&str>,
        name: &str,
        mail: Option<&str>,
        position: &str,
    ) -> Result<kamae_core::ids::PersonId> {
        Ok(self
            .store
            .add_person(
                &self.system,
                NewPerson {
                    name: name.into(),
                    email: mail.map(email).transpose()?,
                    position: Some(position.into()),
                    company: code(company)?,
                    department: department.map(code).transpose()?,
                },
            )
            .await?
            .id)
    }

    async fn staff(
        &self,
        company: &str,
        person: kamae_core::ids::PersonId,
        role: StaffRole,
    ) -> Result<()> {
        self.store
            .assign_security_staff(&self.system, &code(company)?, person, role, None)
            .await?;
        Ok(())
    }

    /// A user with the demo password and one grant, remembered for the printed sign-ins.
    async fn user(&mut self, mail: &str, name: &str, cap: Capability, scope: &str) -> Result<()> {
        let mail = email(mail)?;
        self.store
            .add_user(&self.system, &mail, name, Some(DEMO_PASSWORD), false)
            .await?;
        let view = self
            .store
            .grant(&self.system, &mail, cap, &ScopeSpec::parse(scope)?, None)
            .await?;
        let company_name = match scope.split_once(':') {
            Some(("company", c)) => Some(
                self.store
                    .company_by_code(&self.system, &code(c)?)
                    .await?
                    .name,
            ),
            Some(("site", c)) => {
                let site = self.store.site_by_code(&self.system, &code(c)?).await?;
                self.store
                    .companies(&self.system)
                    .await?
                    .into_iter()
                    .find(|x| x.id == site.company)
                    .map(|x| x.name)
            }
            Some(("department", c)) => {
                let d = self
                    .store
                    .department_by_code(&self.system, &code(c)?)
                    .await?;
                self.store
                    .companies(&self.system)
                    .await?
                    .into_iter()
                    .find(|x| x.id == d.company)
                    .map(|x| x.name)
            }
            _ => None,
        };
        self.sign_ins.push(DemoSignIn {
            group_code: self.group_code.clone(),
            group_name: self.group_name.clone(),
            email: mail.to_string(),
            name: name.into(),
            role: cap.as_str().into(),
            scope: view.scope,
            scope_name: view.scope_name,
            company_name,
            password: DEMO_PASSWORD.into(),
        });
        Ok(())
    }

    async fn relate(&self, a: &str, b: &str, weight: i64, note: &str) -> Result<()> {
        self.store
            .add_business_relationship(
                &self.system,
                &code(a)?,
                &code(b)?,
                weight,
                Some(note.into()),
            )
            .await?;
        Ok(())
    }
}

impl Store {
    /// Loads both demo groups into an empty store and returns the sign-ins to print.
    pub async fn load_demo(&self) -> Result<Vec<DemoSignIn>> {
        if !self.is_empty().await? {
            return Err(Problem::new(
                "store_not_empty",
                "このデータディレクトリには既にデータがあります。デモは空のストアにだけ読み込めます（別の --data-dir を指定してください）",
                "this data directory already holds data; the demo loads only into an empty store (choose another --data-dir)",
            )
            .into());
        }
        let mut sign_ins = self.load_story_one().await?;
        sign_ins.extend(self.load_story_two().await?);
        Ok(sign_ins)
    }

    async fn demo_group(
        &self,
        c: &str,
        name: &str,
        admin: &str,
        admin_name: &str,
    ) -> Result<Loader<'_>> {
        let (group, _) = self
            .init_group(
                NewGroup {
                    code: code(c)?,
                    name: name.into(),
                    calendar: GroupCalendar::default(),
                    is_demo: true,
                },
                &email(admin)?,
                admin_name,
                DEMO_PASSWORD,
            )
            .await?;
        let mut loader = Loader {
            store: self,
            system: Actor::System { group: group.id },
            group_code: c.into(),
            group_name: name.into(),
            sign_ins: Vec::new(),
        };
        loader.sign_ins.push(DemoSignIn {
            group_code: c.into(),
            group_name: name.into(),
            email: admin.into(),
            name: admin_name.into(),
            role: "administrator".into(),
            scope: "group".into(),
            scope_name: name.into(),
            company_name: None,
            password: DEMO_PASSWORD.into(),
        });
        Ok(loader)
    }

    /// Story 1: parent A社, ten group companies (half joined by M&A, Z社 acquired two years
    /// ago and never put in reporting scope), thirty sites, the CISO office.
    async fn load_story_one(&self) -> Result<Vec<DemoSignIn>> {
        use CompanyKind::{Parent, Subsidiary};
        use DepartmentKind::{Business, Corporate, It, SecurityOffice};
        let mut l = self
            .demo_group(
                "A-GROUP",
                "A社グループ",
                "admin@a-group.example",
                "システム管理者（A社）",
            )
            .await?;
        let today = self.today(l.system.group()).await?;
        let two_years_ago = today.checked_sub_months(Months::new(24)).unwrap_or(today);
        let d = NaiveDate::from_ymd_opt;
        l.company("A", "A社", Parent, None, None, true).await?;
        for (c, name, acquired, in_scope) in [
            ("X", "X社", d(2016, 10, 1), true),
            ("B", "B社（部品）", None, true),
            ("C", "C社（部品）", None, true),
            ("D", "D社（販売）", None, true),
            ("E", "E社（物流）", None, true),
            ("F", "F社（部品）", d(2019, 4, 1), true),
            ("G", "G社（ソフトウェア）", d(2021, 7, 1), true),
            ("H", "H社（販売）", d(2023, 1, 1), true),
            ("K", "K社（素材）", None, true),
            ("Z", "Z社", Some(two_years_ago), false),
        ] {
            l.company(c, name, Subsidiary, Some("A"), acquired, in_scope)
                .await?;
        }
        let sites: [(&str, &str, &str, &str); 30] = [
            ("A", "A-HQ", "A社 本社", "東京都千代田区"),
            ("A", "A-TKY", "A社 東京工場", "東京都大田区"),
            ("A", "A-NGY", "A社 名古屋工場", "愛知県名古屋市"),
            ("A", "A-OSK", "A社 大阪営業所", "大阪府大阪市"),
            ("X", "X-HQ", "X社 本社", "神奈川県横浜市"),
            ("X", "X-Y", "拠点Y（X社 北関東工場）", "栃木県宇都宮市"),
            ("X", "X-KYU", "X社 九州工場", "福岡県北九州市"),
            ("B", "B-HQ", "B社 本社工場", "静岡県浜松市"),
            ("B", "B-2", "B社 第二工場", "静岡県磐田市"),
            ("B", "B-3", "B社 湖西工場", "静岡県湖西市"),
            ("C", "C-HQ", "C社 本社工場", "群馬県太田市"),
            ("C", "C-2", "C社 伊勢崎工場", "群馬県伊勢崎市"),
            ("C", "C-3", "C社 館林工場", "群馬県館林市"),
            ("D", "D-HQ", "D社 本社", "東京都港区"),
            ("D", "D-OSK", "D社 大阪支店", "大阪府大阪市"),
            ("D", "D-FUK", "D社 福岡支店", "福岡県福岡市"),
            ("E", "E-HQ", "E社 本社", "埼玉県さいたま市"),
            ("E", "E-DC1", "E社 東日本物流センター", "埼玉県久喜市"),
            ("E", "E-DC2", "E社 西日本物流センター", "兵庫県神戸市"),
            ("F", "F-HQ", "F社 本社工場", "長野県松本市"),
            ("F", "F-2", "F社 諏訪工場", "長野県諏訪市"),
            ("F", "F-3", "F社 上田工場", "長野県上田市"),
            ("G", "G-HQ", "G社 本社", "東京都渋谷区"),
            ("G", "G-DEV", "G社 開発センター", "宮城県仙台市"),
            ("H", "H-HQ", "H社 本社", "大阪府大阪市"),
            ("H", "H-NGY", "H社 名古屋支店", "愛知県名古屋市"),
            ("H", "H-SPR", "H社 札幌支店", "北海道札幌市"),
            ("K", "K-HQ", "K社 本社工場", "岡山県倉敷市"),
            ("K", "K-2", "K社 水島工場", "岡山県倉敷市"),
            ("Z", "Z-HQ", "Z社 本社工場", "新潟県長岡市"),
        ];
        for (company, c, name, address) in sites {
            // Z社 was never put in reporting scope, nor were its sites.
            l.site(company, c, name, address, company != "Z").await?;
        }
        l.department("A", "A-CISO", "CISO室", SecurityOffice)
            .await?;
        l.department("A", "A-IT", "情報システム部", It).await?;
        l.department("A", "A-GA", "総務部", Corporate).await?;
        l.department("A", "A-PLAN", "経営企画部", Corporate).await?;
        l.department("A", "A-MFG", "製造事業本部", Business).await?;
        for c in ["X", "B", "C", "D", "E", "F", "G", "H", "K", "Z"] {
            l.department(
                c,
                &format!("{c}-SEC"),
                &format!("{c}社 セキュリティ部門"),
                SecurityOffice,
            )
            .await?;
        }
        l.person(
            "A",
            Some("A-PLAN"),
            "山本 健一",
            Some("ceo@a-group.example"),
            "代表取締役社長",
        )
        .await?;
        l.person(
            "A",
            Some("A-IT"),
            "佐藤 浩二",
            Some("ciso@a-group.example"),
            "CISO 兼 CIO",
        )
        .await?;
        let head = l
            .person(
                "A",
                Some("A-CISO"),
                "高橋 美咲",
                Some("office@a-group.example"),
                "CISO室長（専任）",
            )
            .await?;
        l.staff("A", head, StaffRole::Lead).await?;
        for (name, position) in [
            ("伊藤 拓也", "CISO室 専任"),
            ("渡辺 由美", "CISO室 専任"),
            ("中村 大輔", "CISO室 専任"),
            ("小林 彩", "CISO室 専任"),
        ] {
            let p = l.person("A", Some("A-CISO"), name, None, position).await?;
            l.staff("A", p, StaffRole::Practitioner).await?;
        }
        for (i, from) in [
            "製造事業本部",
            "製造事業本部",
            "製造事業本部",
            "情報システム部",
            "情報システム部",
            "総務部",
            "総務部",
            "経営企画部",
            "品質保証部",
            "営業本部",
        ]
        .iter()
        .enumerate()
        {
            let name = format!("兼務者{}（{from}）", i + 1);
            l.person(
                "A",
                Some("A-CISO"),
                &name,
                None,
                &format!("CISO室 兼務（{from}から）"),
            )
            .await?;
        }
        l.person(
            "A",
            None,
            "松本 正人",
            Some("auditor@a-group.example"),
            "常勤監査役",
        )
        .await?;
        l.person(
            "A",
            Some("A-IT"),
            "井上 聡",
            Some("manager-it@a-group.example"),
            "情報システム部長",
        )
        .await?;
        for (c, name, mail) in [
            ("X", "加藤 誠", Some("lead-x@a-group.example")),
            ("B", "吉田 修", None),
            ("C", "山田 隆", None),
            ("D", "佐々木 恵", None),
            ("E", "山口 剛", None),
            ("F", "松井 直樹", None),
            ("G", "木村 翔", None),
            ("H", "林 智子", None),
            ("K", "清水 博", None),
            ("Z", "森 和夫", None),
        ] {
            let p = l
                .person(
                    c,
                    Some(&format!("{c}-SEC")),
                    name,
                    mail,
                    "セキュリティ責任者",
                )
                .await?;
            l.staff(c, p, StaffRole::Lead).await?;
        }
        let p = l
            .person(
                "X",
                Some("X-SEC"),
                "斎藤 亮",
                Some("practitioner-x-y@a-group.example"),
                "実務担当者（拠点Y）",
            )
            .await?;
        l.staff("X", p, StaffRole::Practitioner).await?;
        for (a, b, w, note) in [
            ("A", "B", 80, "主要部品の調達"),
            ("A", "C", 75, "主要部品の調達"),
            ("A", "F", 60, "部品の調達"),
            ("A", "K", 55, "素材の調達"),
            ("A", "D", 70, "製品の販売"),
            ("A", "E", 65, "製品の物流"),
            ("A", "X", 40, "製品の相互供給"),
            ("A", "G", 35, "生産管理システムの開発・保守"),
            ("X", "H", 30, "X社製品の販売"),
            ("B", "F", 20, "部品の相互供給"),
            ("D", "H", 25, "販売網の相互利用"),
            ("C", "K", 15, "素材の調達"),
        ] {
            l.relate(a, b, w, note).await?;
        }
        use Capability::Role as R;
        l.user(
            "ceo@a-group.example",
            "山本 健一",
            R(Role::Executive),
            "group",
        )
        .await?;
        l.user("ciso@a-group.example", "佐藤 浩二", R(Role::Ciso), "group")
            .await?;
        l.user(
            "office@a-group.example",
            "高橋 美咲",
            R(Role::CisoOffice),
            "group",
        )
        .await?;
        l.user(
            "lead-x@a-group.example",
            "加藤 誠",
            R(Role::SecurityLead),
            "company:X",
        )
        .await?;
        l.user(
            "practitioner-x-y@a-group.example",
            "斎藤 亮",
            R(Role::Practitioner),
            "site:X-Y",
        )
        .await?;
        l.user(
            "manager-it@a-group.example",
            "井上 聡",
            R(Role::DepartmentManager),
            "department:A-IT",
        )
        .await?;
        l.user(
            "auditor@a-group.example",
            "松本 正人",
            R(Role::Auditor),
            "group",
        )
        .await?;
        l.user(
            "viewer-b@a-group.example",
            "B社 閲覧者",
            R(Role::Viewer),
            "company:B",
        )
        .await?;
        self.load_demo_standard().await?;
        Ok(l.sign_ins)
    }

    /// Story 1's standard, written by the CISO office: the 2025 version approved by the
    /// CISO, and its revision for cloud services waiting for the CISO's decision.
    async fn load_demo_standard(&self) -> Result<()> {
        let office = self
            .actor_for_email(&email("office@a-group.example")?)
            .await?;
        let ciso = self
            .actor_for_email(&email("ciso@a-group.example")?)
            .await?;
        let all = demo_standard_items()?;
        let first: Vec<StandardItem> = all
            .iter()
            .filter(|i| !i.code.as_str().starts_with("CLD-"))
            .cloned()
            .map(|mut i| {
                if i.code.as_str() == "VUL-01" {
                    i.criterion.text = "緊急度の高い脆弱性のパッチは公開から30日以内、それ以外は3か月以内に適用する。".into();
                    i.criterion.value = Some("30".into());
                }
                i
            })
            .collect();
        let saved = self
            .save_standard(
                &office,
                StandardDraft {
                    title: DEFAULT_TITLE.to_owned(),
                    meta: StandardMeta {
                        reason: ChangeReason::YearlyPlan,
                        change_log: "2025年度版。区分（全社必須・会社別必須・推奨）と、測定できる基準・理由・確認方法・代替策を全項目に記載。".into(),
                        next_review_on: NaiveDate::from_ymd_opt(2026, 12, 15),
                    },
                    items: first,
                },
            )
            .await?;
        let Some((v1, _)) = saved else {
            return Err(Problem::new(
                "demo_failed",
                "デモの基準を作れません",
                "cannot build the demo standard",
            )
            .into());
        };
        self.submit_artifact(&office, v1).await?;
        self.approve_artifact(&ciso, v1).await?;
        let cloud = self.load_demo_watch_list(&office).await?;
        self.watch_into_revision(
            &office,
            cloud,
            "CLD-01・CLD-02 を追加し、パッチ適用の期限を見直す。",
        )
        .await?;
        let revised = self
            .save_standard(
                &office,
                StandardDraft {
                    title: DEFAULT_TITLE.to_owned(),
                    meta: StandardMeta {
                        reason: ChangeReason::NewItService,
                        change_log: "クラウドサービスの利用拡大に合わせ、クラウド利用の項目（CLD-01、CLD-02）を追加。緊急度の高い脆弱性のパッチ適用期限を30日から14日に短縮。".into(),
                        next_review_on: NaiveDate::from_ymd_opt(2027, 10, 1),
                    },
                    items: all,
                },
            )
            .await?;
        if let Some((v2, _)) = revised {
            self.submit_artifact(&office, v2).await?;
        }
        for term in demo_glossary()? {
            self.save_term(&office, term).await?;
        }
        self.load_case_library(&office).await?;
        self.load_demo_exceptions(&office, &ciso).await?;
        self.load_demo_agreements(&office, &ciso).await?;
        self.load_demo_risks().await
    }

    /// Story 1's applicability agreements: which company-mandatory items bind each company
    /// (factories, customer data, EC, development) and the recommendations each adopted; E社's
    /// agreement waits for the CISO, K社 has none yet.
    async fn load_demo_agreements(&self, office: &Actor, ciso: &Actor) -> Result<()> {
        use crate::applicability::AgreementDraft;
        use kamae_core::approval::ApprovalStep;
        let codes = |list: &[&str]| list.iter().map(|c| code(c)).collect::<Result<Vec<_>>>();
        // (company, mandatory b items, adopted c items, why, approved)
        type DemoAgreement<'a> = (&'a str, &'a [&'a str], &'a [&'a str], &'a str, bool);
        let agreements: [DemoAgreement; 9] = [
            (
                "A",
                &[
                    "GOV-05", "ACC-03", "END-02", "NET-02", "SUP-01", "LOG-02", "INC-02", "BCP-01",
                    "OT-01", "OT-02",
                ],
                &["GOV-04", "EDU-02", "PHY-01"],
                "親会社。工場2か所と基幹システムを持ち、従業員1,000名以上。",
                true,
            ),
            (
                "X",
                &[
                    "GOV-05", "ACC-03", "END-02", "NET-02", "SUP-01", "INC-02", "BCP-01", "OT-01",
                    "OT-02",
                ],
                &["PHY-01"],
                "工場3か所。取引先の設計情報を扱う。当年度の3者監査の対象。",
                true,
            ),
            (
                "B",
                &["SUP-01", "BCP-01", "OT-01", "OT-02"],
                &["PHY-02"],
                "部品メーカー。工場のみで、顧客の個人データは扱わない。",
                true,
            ),
            (
                "C",
                &["SUP-01", "BCP-01", "OT-01", "OT-02"],
                &[],
                "部品メーカー。工場のみ。",
                true,
            ),
            (
                "D",
                &["DAT-01", "DAT-04", "NET-02", "SUP-01", "VUL-02", "LOG-02"],
                &["AUT-02", "EDU-02"],
                "販売会社。個人顧客の通販サイトを運営する。",
                true,
            ),
            (
                "F",
                &["SUP-01", "OT-01", "OT-02"],
                &[],
                "部品メーカー（2019年に買収）。",
                true,
            ),
            (
                "G",
                &["ACC-03", "NET-02", "SUP-01", "VUL-03"],
                &["AUT-02", "VUL-04"],
                "ソフトウェア会社。自社でシステムを開発し、顧客へ提供する。",
                true,
            ),
            (
                "H",
                &["DAT-01", "NET-02"],
                &[],
                "販売会社（2023年に買収）。個人顧客の会員データを持つ。",
                true,
            ),
            (
                "E",
                &["ACC-03", "SUP-01", "BCP-01"],
                &["PHY-01"],
                "物流会社。倉庫管理システムを自社で運用し、止まると出荷が止まる。",
                false,
            ),
        ];
        for (company, mandatory, adopted, note, approve) in agreements {
            let company = code(company)?;
            self.save_agreement(
                office,
                &company,
                AgreementDraft {
                    mandatory: codes(mandatory)?,
                    adopted: codes(adopted)?,
                    note: note.into(),
                },
            )
            .await?;
            self.agreement_step(office, &company, ApprovalStep::Submit)
                .await?;
            if approve {
                self.agreement_step(ciso, &company, ApprovalStep::Approve)
                    .await?;
            }
        }
        Ok(())
    }

    /// Story 1's watch list: what the CISO office follows. Returns the cloud entry, which the
    /// revision awaiting the CISO takes in.
    async fn load_demo_watch_list(&self, office: &Actor) -> Result<kamae_core::ids::WatchEntryId> {
        use crate::watch::NewWatchEntry;
        use kamae_core::rules::{WatchKind, WatchStatus};
        let date = |y, m, d| {
            NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| {
                Problem::new(
                    "demo_failed",
                    "デモの日付が不正です",
                    "a demo date is invalid",
                )
            })
        };
        let entry = |kind,
                     title: &str,
                     source: &str,
                     published_on,
                     summary: &str,
                     impact: &str,
                     items: &[&str]|
         -> Result<NewWatchEntry> {
            Ok(NewWatchEntry {
                kind,
                title: title.into(),
                source: source.into(),
                published_on,
                summary: summary.into(),
                impact: impact.into(),
                items: items.iter().map(|c| code(c)).collect::<Result<_>>()?,
            })
        };
        let meti = self
            .record_watch(office, entry(
                WatchKind::Guideline,
                "サイバーセキュリティ経営ガイドライン Ver 3.0",
                "経済産業省・IPA",
                date(2023, 3, 24)?,
                "サプライチェーン全体での対策と、経営者が指示すべき重要10項目の見直し。",
                "重要10項目は基準の各項目に対応づけ済み。委託先の項目（SUP-01）は要求を満たしている。",
                &["SUP-01", "GOV-02"],
            )?)
            .await?;
        self.set_watch_status(
            office,
            &meti,
            WatchStatus::NoChange,
            "2025年度版の基準で反映済みのため、変更は不要。",
            None,
        )
        .await?;
        self.record_watch(office, entry(
            WatchKind::Guideline,
            "クレジットカード・セキュリティガイドライン 5.0版",
            "クレジット取引セキュリティ対策協議会",
            date(2024, 3, 15)?,
            "EC加盟店に、脆弱性対策・ウイルス対策・管理者権限の管理・デバイス管理などの対策を求める。",
            "ECサイトを運営する会社（D社）の項目 DAT-04・VUL-02 の基準値を見直す必要があるか評価する。",
            &["DAT-04", "VUL-02"],
        )?)
        .await?;
        self.record_watch(office, entry(
            WatchKind::Law,
            "個人情報保護法の改正（漏えい等の報告・本人通知の義務化）",
            "個人情報保護委員会",
            date(2022, 4, 1)?,
            "一定の漏えい等が起きたとき、個人情報保護委員会への報告と本人への通知が義務になった。",
            "インシデントの報告（INC-01）に、委員会への報告期限を判断する手順を加えるか評価する。",
            &["INC-01", "DAT-01"],
        )?)
        .await?;
        let cloud = self
            .record_watch(office, entry(
                WatchKind::Technology,
                "グループ各社でのクラウドサービス利用の拡大",
                "CISO室の各社ヒアリング（2026年春）",
                date(2026, 5, 15)?,
                "各社がIaaS・SaaSを個別に契約し始めており、設定不備による情報漏えいの事例も増えている。",
                "クラウド利用の承認と登録、クラウド基盤の設定点検を基準に加える必要がある。",
                &[],
            )?)
            .await?;
        Ok(cloud.id)
    }

    /// Story 1's exceptions: X社's old verbal agreement, recorded and long expired; the two
    /// reluctant parts makers' own measures, approved as transitional measures with plans.
    async fn load_demo_exceptions(&self, office: &Actor, ciso: &Actor) -> Result<()> {
        use crate::exceptions::NewException;
        use kamae_core::rules::{ExceptionKind, Milestone};
        let date = |y, m, d| {
            NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| {
                Problem::new(
                    "demo_failed",
                    "デモの日付が不正です",
                    "a demo date is invalid",
                )
            })
        };
        let step = |due_on, owner: &str, what: &str, done_on| Milestone {
            what: what.to_owned(),
            owner: owner.to_owned(),
            due_on,
            done_on,
        };
        let records = vec![
            NewException {
                company: code("X")?,
                kind: ExceptionKind::Exception,
                title: "X社の既存ファイアウォールをUTM相当とみなす（口頭合意の記録）".into(),
                items: vec![code("NET-01")?],
                sites: vec![],
                reason: "2024年の監査の際、X社の既存ファイアウォールを当面UTMと同等とみなすと口頭で合意していた。記録がなく、翌年の監査で根拠を示せなかったため、合意の内容をこの記録として残した。".into(),
                compensating: "既存ファイアウォールで外部からの通信を原則遮断し、許可した通信のログを月1回確認する。".into(),
                starts_on: date(2024, 4, 1)?,
                expires_on: date(2025, 3, 31)?,
                milestones: vec![],
                renews: None,
            },
            NewException {
                company: code("B")?,
                kind: ExceptionKind::Transitional,
                title: "B社 独自のウイルス対策と端末監視による移行措置".into(),
                items: vec![code("END-01")?],
                sites: vec![code("B-HQ")?, code("B-2")?],
                reason: "生産設備につながる端末が多く、グループ標準のマルウェア対策ソフトを入れると設備メーカーの保証が外れるため、設備の更新に合わせて移行する。".into(),
                compensating: "設備メーカーが認めたウイルス対策ソフトを使い、端末の通信を工場のネットワーク内に限る。USBメモリの利用を禁止し、毎月端末の状態を確認する。".into(),
                starts_on: date(2026, 4, 1)?,
                expires_on: date(2027, 3, 31)?,
                milestones: vec![
                    step(date(2026, 9, 30)?, "B社 情報システム課", "設備メーカーと対応製品を確認する", date(2026, 9, 20).ok()),
                    step(date(2027, 1, 31)?, "B社 情報システム課", "更新した設備の端末にグループ標準の製品を導入する", None),
                    step(date(2027, 3, 15)?, "CISO室", "導入状況を確認し、移行措置を終える", None),
                ],
                renews: None,
            },
            NewException {
                company: code("C")?,
                kind: ExceptionKind::Transitional,
                title: "C社 自社のネットワーク機器による出入口対策の移行措置".into(),
                items: vec![code("NET-01")?, code("VUL-01")?],
                sites: vec![],
                reason: "既存のルーターのリース期間が残っており、UTMへの切り替えとパッチ運用の見直しを同時に行いたいため。".into(),
                compensating: "ルーターのフィルタで外部からの通信を遮断し、重要なパッチは情報システム担当が個別に適用する。".into(),
                starts_on: date(2026, 1, 1)?,
                expires_on: date(2026, 12, 31)?,
                milestones: vec![
                    step(date(2026, 6, 30)?, "C社 総務部", "UTMの見積りを取り、予算を確保する", date(2026, 7, 10).ok()),
                    step(date(2026, 10, 31)?, "C社 総務部", "UTMを設置し、パッチ管理ツールを導入する", None),
                ],
                renews: None,
            },
        ];
        for record in records {
            let e = self.draft_exception(office, record).await?;
            self.submit_exception(office, e.id).await?;
            self.approve_exception(ciso, e.id).await?;
        }
        Ok(())
    }

    /// Story 2: the apparel maker's own group, with its EC department, its systems
    /// administration section (シス管) and its executives.
    async fn load_story_two(&self) -> Result<Vec<DemoSignIn>> {
        use DepartmentKind::{Business, Corporate, It, SecurityOffice};
        let mut l = self
            .demo_group(
                "X-APPAREL",
                "X社（アパレル）",
                "admin@x-apparel.example",
                "システム管理者（X社アパレル）",
            )
            .await?;
        l.company(
            "XA",
            "X社（アパレル）",
            CompanyKind::Parent,
            None,
            None,
            true,
        )
        .await?;
        l.site("XA", "XA-HQ", "X社（アパレル） 本社", "東京都渋谷区", true)
            .await?;
        l.site(
            "XA",
            "XA-DC",
            "X社（アパレル） 物流センター",
            "千葉県市川市",
            true,
        )
        .await?;
        l.department("XA", "XA-EC", "EC事業部", Business).await?;
        l.department("XA", "XA-BRAND", "ブランド事業本部（7ブランド）", Business)
            .await?;
        l.department("XA", "XA-SYS", "システム管理課（シス管）", It)
            .await?;
        l.department("XA", "XA-PLAN", "経営企画部", Corporate)
            .await?;
        l.department("XA", "XA-SEC", "情報セキュリティ室", SecurityOffice)
            .await?;
        l.person(
            "XA",
            Some("XA-PLAN"),
            "岡田 真理子",
            Some("ceo@x-apparel.example"),
            "代表取締役社長",
        )
        .await?;
        l.person("XA", Some("XA-PLAN"), "長谷川 学", None, "取締役（EC担当）")
            .await?;
        l.person(
            "XA",
            Some("XA-SYS"),
            "石井 達也",
            Some("ciso@x-apparel.example"),
            "CISO 兼 システム管理課長",
        )
        .await?;
        let lead = l
            .person(
                "XA",
                Some("XA-SEC"),
                "前田 友美",
                Some("office@x-apparel.example"),
                "情報セキュリティ室長",
            )
            .await?;
        l.staff("XA", lead, StaffRole::Lead).await?;
        l.person(
            "XA",
            Some("XA-EC"),
            "藤田 大樹",
            Some("manager-ec@x-apparel.example"),
            "EC事業部長",
        )
        .await?;
        let p = l
            .person(
                "XA",
                Some("XA-SYS"),
                "後藤 拓海",
                Some("practitioner@x-apparel.example"),
                "シス管 担当者",
            )
            .await?;
        l.staff("XA", p, StaffRole::Practitioner).await?;
        l.person(
            "XA",
            None,
            "村上 昌子",
            Some("auditor@x-apparel.example"),
            "内部監査室長",
        )
        .await?;
        use Capability::Role as R;
        l.user(
            "ceo@x-apparel.example",
            "岡田 真理子",
            R(Role::Executive),
            "group",
        )
        .await?;
        l.user(
            "ciso@x-apparel.example",
            "石井 達也",
            R(Role::Ciso),
            "group",
        )
        .await?;
        l.user(
            "office@x-apparel.example",
            "前田 友美",
            R(Role::CisoOffice),
            "group",
        )
        .await?;
        l.user(
            "lead@x-apparel.example",
            "前田 友美（責任者）",
            R(Role::SecurityLead),
            "company:XA",
        )
        .await?;
        l.user(
            "practitioner@x-apparel.example",
            "後藤 拓海",
            R(Role::Practitioner),
            "department:XA-SYS",
        )
        .await?;
        l.user(
            "manager-ec@x-apparel.example",
            "藤田 大樹",
            R(Role::DepartmentManager),
            "department:XA-EC",
        )
        .await?;
        l.user(
            "auditor@x-apparel.example",
            "村上 昌子",
            R(Role::Auditor),
            "group",
        )
        .await?;
        l.user(
            "viewer@x-apparel.example",
            "経営企画 閲覧者",
            R(Role::Viewer),
            "group",
        )
        .await?;
        let advice = self.load_story_two_advice().await?;
        self.load_story_two_risks(advice).await?;
        Ok(l.sign_ins)
    }

    /// Story 2: the apparel maker's own short standard, and the EC department's request — the
    /// new site's spec with no plan for vulnerabilities after launch — with the advice to
    /// budget patches and a WAF, and its follow-ups.
    async fn load_story_two_advice(&self) -> Result<kamae_core::ids::AdviceId> {
        use crate::advice::NewAdvice;
        use kamae_core::rules::{DocumentRef, FollowUp, FollowUpStatus, RequestKind};
        let office = self
            .actor_for_email(&email("office@x-apparel.example")?)
            .await?;
        let ciso = self
            .actor_for_email(&email("ciso@x-apparel.example")?)
            .await?;
        let manager = self
            .actor_for_email(&email("manager-ec@x-apparel.example")?)
            .await?;
        const CHOSEN: [&str; 15] = [
            "GOV-01", "GOV-03", "AST-01", "ACC-01", "AUT-01", "DAT-01", "DAT-04", "END-01",
            "NET-01", "VUL-01", "VUL-02", "LOG-01", "LOG-02", "INC-01", "EDU-01",
        ];
        let items: Vec<StandardItem> = demo_standard_items()?
            .into_iter()
            .filter(|i| CHOSEN.contains(&i.code.as_str()))
            .collect();
        let saved = self
            .save_standard(
                &office,
                StandardDraft {
                    title: "X社（アパレル）情報セキュリティ基準".to_owned(),
                    meta: StandardMeta {
                        reason: ChangeReason::YearlyPlan,
                        change_log: "初版。EC事業の拡大に合わせ、顧客データとWebサービスの項目を中心に定めた。".into(),
                        next_review_on: NaiveDate::from_ymd_opt(2027, 4, 1),
                    },
                    items,
                },
            )
            .await?;
        if let Some((v1, _)) = saved {
            self.submit_artifact(&office, v1).await?;
            self.approve_artifact(&ciso, v1).await?;
        }
        let date = |y, m, d| {
            NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| {
                Problem::new(
                    "demo_failed",
                    "デモの日付が不正です",
                    "a demo date is invalid",
                )
            })
        };
        let follow_up = |what: &str, owner: &str, due_on, status, note: &str| FollowUp {
            what: what.into(),
            owner: owner.into(),
            due_on,
            status,
            note: note.into(),
        };
        // The department brings its request; the CISO office gives the advice afterwards.
        let mut request = NewAdvice {
            department: code("XA-EC")?,
            kind: RequestKind::NewItService,
            title: "7ブランド統合ECサイトの立ち上げ".into(),
            request: "7ブランドのECサイトを1つに統合し、来期から運用を始める。サイトの仕様について、セキュリティ上の確認をお願いしたい。事業計画では2年目に売上を倍にする目標を立てている。".into(),
            documents: vec![
                DocumentRef { title: "統合ECサイト 仕様書 第3版".into(), location: "EC事業部 共有フォルダ /統合EC/仕様書_v3.pdf".into() },
                DocumentRef { title: "EC事業計画（3か年）".into(), location: "経営企画部 事業計画フォルダ /2026/EC事業計画.xlsx".into() },
            ],
            requested_on: date(2026, 6, 1)?,
            advice: String::new(),
            advised_on: None,
            items: vec![],
            risks: vec![],
            follow_ups: vec![],
        };
        let recorded = self.record_advice(&manager, request.clone()).await?;
        request.advice = "仕様書には公開前の脆弱性診断はあるが、運用開始後の脆弱性対応（パッチ適用と定期診断）の体制と費用がない。ECサイトは公開直後から攻撃を受けるため、次の2点を事業計画の費用に入れることを助言する。\n\n1. 運用開始後のパッチ適用と年2回の脆弱性診断の予算（年間の保守費として）\n2. WAF（Webアプリケーションファイアウォール）の導入\n\n費用は、2年目の売上目標に対して、停止や漏えいが起きたときの損失と比べて説明する。".into();
        request.advised_on = Some(date(2026, 6, 20)?);
        request.items = vec![
            code("VUL-01")?,
            code("VUL-02")?,
            code("DAT-04")?,
            code("LOG-02")?,
        ];
        request.risks = vec![
            "ECサイトの脆弱性を突かれた不正アクセスによる顧客情報の漏えい".into(),
            "サイト停止による売上の機会損失（2年目の売上目標への影響）".into(),
        ];
        request.follow_ups = vec![
            follow_up(
                "公開前の脆弱性診断を実施する",
                "システム管理課",
                date(2026, 8, 31)?,
                FollowUpStatus::Done,
                "2026-08-25 実施。重大な指摘2件は公開前に修正済み。",
            ),
            follow_up(
                "運用開始後のパッチ適用と定期診断の予算を事業計画に入れる",
                "EC事業部",
                date(2026, 9, 30)?,
                FollowUpStatus::Open,
                "",
            ),
            follow_up(
                "WAFを導入する",
                "システム管理課",
                date(2026, 12, 31)?,
                FollowUpStatus::Open,
                "見積り取得中",
            ),
        ];
        self.edit_advice(&office, recorded.id, request).await?;
        Ok(recorded.id)
    }
}

impl Store {
    /// Loads the demo into the embedded store of a data directory, all or nothing: on a new
    /// data directory it is built in a scratch file and copied into place only once complete,
    /// so that a failure leaves no half-loaded store behind.
    pub async fn load_demo_in(data_dir: &std::path::Path) -> Result<(Store, Vec<DemoSignIn>)> {
        let target = data_dir.join(crate::SQLITE_FILE);
        if target.exists() {
            let store = Store::open(&Store::sqlite_url_in(data_dir)).await?;
            let sign_ins = store.load_demo().await?;
            return Ok((store, sign_ins));
        }
        let scratch = data_dir.join("kamae.db.demo-loading");
        let remove_scratch = || {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", scratch.display()));
            }
        };
        remove_scratch();
        let built = async {
            let store = Store::open(&format!("sqlite://{}", scratch.display())).await?;
            let sign_ins = store.load_demo().await;
            let copied = match &sign_ins {
                Ok(_) => store.backup_to(&target).await,
                Err(_) => Ok(()),
            };
            store.close().await;
            copied?;
            sign_ins
        }
        .await;
        remove_scratch();
        let sign_ins = built?;
        Ok((
            Store::open(&Store::sqlite_url_in(data_dir)).await?,
            sign_ins,
        ))
    }
}

impl Store {
    /// The sign-ins of the demo groups already in the store, to print again at each start.
    pub async fn demo_sign_ins(&self) -> Result<Vec<DemoSignIn>> {
        let mut out = Vec::new();
        for g in self.all_groups().await?.into_iter().filter(|g| g.is_demo) {
            let system = Actor::System { group: g.id };
            for u in self.users(&system).await? {
                let Some(grant) = u.grants.iter().find(|x| !x.revoked && !x.pending) else {
                    continue;
                };
                let company_name = match grant.scope.split_once(':') {
                    Some(("company", _)) => Some(grant.scope_name.clone()),
                    _ => None,
                };
                out.push(DemoSignIn {
                    group_code: g.code.to_string(),
                    group_name: g.name.clone(),
                    email: u.email.clone(),
                    name: u.name.clone(),
                    role: grant.role.clone(),
                    scope: grant.scope.clone(),
                    scope_name: grant.scope_name.clone(),
                    company_name,
                    password: DEMO_PASSWORD.into(),
                });
            }
        }
        let order = |r: &str| match r {
            "administrator" => 0,
            "executive" => 1,
            "ciso" => 2,
            "ciso_office" => 3,
            "security_lead" => 4,
            "practitioner" => 5,
            "department_manager" => 6,
            "auditor" => 7,
            _ => 8,
        };
        out.sort_by(|a, b| (&a.group_code, order(&a.role)).cmp(&(&b.group_code, order(&b.role))));
        Ok(out)
    }
}
