//! The demo's risk assessments (role E): story 1's group risks — sites deviating from the
//! standard for lack of money and staff, the company never asked to report, targeted e-mail,
//! the supply chain — approved by the CEO; and story 2's EC-site risks waiting for the
//! apparel maker's executives.

use chrono::NaiveDate;
use kamae_core::Problem;
use kamae_core::ids::ContextFactorId;
use kamae_core::risk::{
    ActionStatus, BUILTIN_MATRIX, ContextFactor, ContextKind, Coverage, ImpactDefinition,
    ImpactKind, Method, Rating, RiskEntry, Treatment, TreatmentAction, TreatmentDecision,
};

use super::{code, email};
use crate::risk::NewAssessment;
use crate::{Result, Store};

fn rated(likelihood: usize, impact: usize) -> Option<Rating> {
    Some(Rating::Matrix { likelihood, impact })
}

#[allow(clippy::too_many_arguments)]
fn risk(
    c: &str,
    title: &str,
    source: &str,
    event: &str,
    causes: &str,
    consequences: &str,
    owner: &str,
    inherent: (usize, usize, &str),
    residual: Option<(usize, usize, &str)>,
    items: &[&str],
) -> Result<RiskEntry> {
    Ok(RiskEntry {
        code: code(c)?,
        title: title.into(),
        source: source.into(),
        event: event.into(),
        causes: causes.into(),
        consequences: consequences.into(),
        assets: vec![],
        owner: owner.into(),
        inherent: rated(inherent.0, inherent.1),
        inherent_rationale: inherent.2.into(),
        residual: residual.and_then(|r| rated(r.0, r.1)),
        residual_rationale: residual.map(|r| r.2.to_owned()).unwrap_or_default(),
        items: items.iter().map(|s| (*s).to_owned()).collect(),
        exceptions: vec![],
        advice: vec![],
        scenario: None,
        expected_loss_yen: None,
    })
}

fn date(y: i32, m: u32, d: u32) -> Result<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| {
        Problem::new(
            "demo_failed",
            "デモの日付が不正です",
            "a demo date is invalid",
        )
        .into()
    })
}

fn action(what: &str, owner: &str, due_on: NaiveDate, cost_yen: Option<i64>) -> TreatmentAction {
    TreatmentAction {
        what: what.into(),
        owner: owner.into(),
        due_on,
        cost_yen,
        status: ActionStatus::Open,
        done_on: None,
        note: String::new(),
    }
}

fn treat(
    risk: &str,
    decision: TreatmentDecision,
    note: &str,
    accepted_by: &str,
    actions: Vec<TreatmentAction>,
) -> Treatment {
    Treatment {
        risk: risk.into(),
        decision,
        note: note.into(),
        accepted_by: accepted_by.into(),
        actions,
    }
}

fn impacts() -> Vec<ImpactDefinition> {
    let d = |kind, levels: [&str; 5]| ImpactDefinition {
        kind,
        levels: levels.iter().map(|s| (*s).to_owned()).collect(),
    };
    vec![
        d(
            ImpactKind::Money,
            [
                "100万円未満",
                "1,000万円未満",
                "1億円未満",
                "10億円未満",
                "10億円以上",
            ],
        ),
        d(
            ImpactKind::Interruption,
            ["数時間", "1日", "数日", "1週間以上", "1か月以上"],
        ),
        d(
            ImpactKind::Reputation,
            [
                "社内だけ",
                "取引先の一部が知る",
                "業界に知られる",
                "報道される",
                "全国的に報道され取引が止まる",
            ],
        ),
        d(
            ImpactKind::Legal,
            [
                "なし",
                "社内規程の違反",
                "監督官庁への報告",
                "行政指導",
                "行政処分・訴訟",
            ],
        ),
        d(
            ImpactKind::Safety,
            ["なし", "軽微", "設備の停止", "けが人", "人命に関わる"],
        ),
    ]
}

impl Store {
    /// Records the demo's context factors of one scope, for the assessment to cite.
    async fn demo_context(
        &self,
        actor: &kamae_core::access::Actor,
        company: Option<&str>,
        factors: &[(ContextKind, &str, &str, &str, NaiveDate)],
    ) -> Result<Vec<ContextFactorId>> {
        let company = company.map(code).transpose()?;
        let mut ids = Vec::new();
        for (kind, title, description, source, noted_on) in factors {
            let f = ContextFactor {
                kind: *kind,
                title: (*title).into(),
                description: (*description).into(),
                source: (*source).into(),
                noted_on: *noted_on,
            };
            ids.push(
                self.add_context_factor(actor, company.as_ref(), f)
                    .await?
                    .id,
            );
        }
        Ok(ids)
    }

    /// Story 1: the group's assessment for fiscal 2026, approved by the CEO.
    pub(super) async fn load_demo_risks(&self) -> Result<()> {
        let office = self
            .actor_for_email(&email("office@a-group.example")?)
            .await?;
        let ceo = self.actor_for_email(&email("ceo@a-group.example")?).await?;
        // Last year's assessment, approved; this year's starts as its copy, so the report
        // can compare the two.
        let last = self
            .new_assessment(
                &office,
                NewAssessment {
                    company: None,
                    fiscal_year: 2025,
                    title: "A社グループ リスクアセスメント 2025年度".into(),
                    method: Method::Matrix,
                    matrix: BUILTIN_MATRIX.into(),
                    treat_from: Some(2),
                    asset_bands: None,
                    tolerance: "顧客・取引先に影響が及ぶリスク（影響「中」以上）は受容せず、計画的に対応する。事業の継続を損なうリスクは直ちに対応する。".into(),
                    impact_definitions: impacts(),
                    loss_threshold_yen: Some(50_000_000),
                    coverage: Coverage {
                        companies: ["A", "B", "C", "D", "E", "X", "Z"].iter().map(|s| (*s).to_owned()).collect(),
                        sites: vec![],
                        departments: vec![],
                        systems: vec!["生産管理システム".into(), "グループメール".into(), "取引先ポータル".into()],
                    },
                },
            )
            .await?;
        let last_risks = vec![
            risk(
                "R-01",
                "拠点が基準から外れたまま運用されている",
                "グループの管理の抜け",
                "基準を満たさない拠点のネットワークから侵入される",
                "拠点の予算と人手が足りない",
                "生産停止、グループ内への被害の広がり",
                "各社 セキュリティ責任者（取りまとめ：CISO室）",
                (3, 3, "監査でいくつもの拠点が基準を満たしていない"),
                Some((1, 3, "口頭の合意による代替策で抑えている")),
                &["NET-01", "GOV-03"],
            )?,
            risk(
                "R-03",
                "標的型メールによるマルウェア感染",
                "外部の攻撃者",
                "取引先を装ったメールの添付ファイルを開き、端末が乗っ取られる",
                "訓練を受けていない拠点がある",
                "設計図面や顧客情報の漏えい",
                "CISO室（教育）・各社 情報システム担当",
                (3, 3, "同業他社で被害が出ている"),
                Some((2, 3, "メールの無害化を導入した")),
                &["EDU-01", "END-01"],
            )?,
            risk(
                "R-05",
                "USBメモリの紛失による図面の漏えい",
                "内部の不注意",
                "図面を入れたUSBメモリを社外で紛失する",
                "私物のUSBメモリが使われている",
                "取引先の図面の漏えい",
                "各社 情報システム担当",
                (2, 3, "年に数件の紛失がある"),
                None,
                &["DAT-01"],
            )?,
        ];
        for r in last_risks {
            self.save_risk(&office, last.id(), None, r).await?;
        }
        self.submit_artifact(&office, last.id()).await?;
        self.approve_artifact(&ceo, last.id()).await?;
        let a = self
            .copy_assessment(
                &office,
                last.id(),
                2026,
                "A社グループ リスクアセスメント 2026年度",
            )
            .await?;
        let id = a.id();
        self.archive_risk(
            &office,
            id,
            "R-05",
            "暗号化USBメモリへの切り替えを終え、私物の利用を止めた",
        )
        .await?;
        // The verbal agreement that X社's firewall counts as a UTM: it expired, so the residual
        // rating of the deviation goes back to the inherent one.
        let verbal = self
            .exceptions(&office)
            .await?
            .into_iter()
            .find(|e| e.company_code == "X" && e.title.contains("口頭合意"))
            .map(|e| e.id.to_string());
        let mut deviation = risk(
            "R-01",
            "拠点が基準から外れたまま運用される",
            "予算と人手の不足",
            "基準を満たさない拠点の機器が侵入の足場になる",
            "拠点ごとに予算と担当者が足りず、基準の対策が後回しになる。例外が口頭で決まり記録がない",
            "生産停止、グループ内への被害の広がり",
            "各社 セキュリティ責任者（取りまとめ：CISO室）",
            (
                3,
                3,
                "監査で毎年いくつもの拠点が基準を満たしていない。口頭の合意で済ませた例がある",
            ),
            Some((
                1,
                3,
                "例外・移行措置の代替策（独自ファイアウォールとログ確認）で抑えている",
            )),
            &["NET-01", "GOV-03"],
        )?;
        deviation.exceptions = verbal.into_iter().collect();
        deviation.assets = vec!["X社 工場のネットワーク".into(), "生産管理システム".into()];
        let risks = vec![
            deviation,
            risk(
                "R-02",
                "報告の対象外にある会社のリスクが見えない",
                "グループの管理の抜け",
                "買収したZ社で事故が起きても、グループが気づかない",
                "買収から2年、Z社に報告を求めておらず、状況がわからない",
                "グループ全体の信用の低下、対応の遅れによる被害の拡大",
                "CISO室",
                (2, 4, "Z社の対策状況が一度も報告されていない"),
                None,
                &["GOV-01"],
            )?,
            risk(
                "R-03",
                "標的型メールによるマルウェア感染",
                "外部の攻撃者",
                "取引先を装ったメールの添付ファイルを開き、端末が乗っ取られる",
                "攻撃メールが巧妙になり、訓練を受けていない拠点がある",
                "設計図面や顧客情報の漏えい、ランサムウェアによる業務停止",
                "CISO室（教育）・各社 情報システム担当",
                (
                    4,
                    3,
                    "同業他社で被害が続き、グループでも不審メールが毎月届いている",
                ),
                Some((3, 3, "メールの無害化を導入済みだが、訓練は一部の会社だけ")),
                &["EDU-01", "END-01"],
            )?,
            risk(
                "R-04",
                "取引先・委託先を経由した侵入",
                "サプライチェーン",
                "保守を委託している業者の接続から社内に侵入される",
                "委託先のセキュリティを確認する手順がない",
                "生産停止、取引先への被害の波及と賠償",
                "調達部・CISO室",
                (2, 4, "同業で委託先経由の被害が公表されている"),
                Some((
                    2,
                    3,
                    "リモート保守の接続は申請制にしたが、委託先の確認はこれから",
                )),
                &["ACC-01"],
            )?,
        ];
        for r in risks {
            // Last year's risks are rated again (which confirms them); the others are new.
            let was = a.risk(r.code.as_str()).map(|_| r.code.to_string());
            self.save_risk(&office, id, was.as_deref(), r).await?;
        }
        let context = self
            .demo_context(
                &office,
                None,
                &[
                    (
                        ContextKind::Law,
                        "漏えい等の報告義務",
                        "個人データの漏えい等が起きたとき、個人情報保護委員会への報告と本人への通知が義務になっている。",
                        "個人情報の保護に関する法律（令和2年改正）",
                        date(2026, 4, 1)?,
                    ),
                    (
                        ContextKind::Stakeholders,
                        "主要取引先からの対策状況の確認",
                        "主要取引先2社から、グループ各社の対策状況を問う質問票が届いた。サプライチェーン全体での対策が求められている。",
                        "取引先からの質問票（2026年5月）",
                        date(2026, 5, 20)?,
                    ),
                    (
                        ContextKind::Technology,
                        "標的型メールの巧妙化",
                        "取引先を装い、業務の文脈に合わせたメールが増えている。",
                        "IPA「情報セキュリティ10大脅威 2026」",
                        date(2026, 3, 1)?,
                    ),
                    (
                        ContextKind::Organisation,
                        "拠点のセキュリティ担当は兼務",
                        "多くの拠点で情報システム担当が総務と兼務で、標準の対策に手が回らない。",
                        "2026年度 拠点アンケート",
                        date(2026, 6, 15)?,
                    ),
                    (
                        ContextKind::PolicyStrategy,
                        "グループ標準の全社展開",
                        "中期経営計画で、グループ標準の対策を子会社・孫会社まで広げると定めた。",
                        "中期経営計画 2026–2028",
                        date(2026, 4, 1)?,
                    ),
                ],
            )
            .await?;
        self.cite_context(&office, id, &context).await?;
        self.submit_artifact(&office, id).await?;
        self.approve_artifact(&ceo, id).await?;
        // The plan the CEO approved; one action is overdue on the CISO's home page.
        let plan = self
            .new_treatment_plan(&office, id, "A社グループ リスク対応計画 2026年度")
            .await?;
        let treatments = vec![
            treat(
                "R-01",
                TreatmentDecision::Reduce,
                "口頭の合意をなくし、例外はすべて記録と期限で管理する。",
                "",
                vec![
                    action(
                        "期限切れの例外・移行措置の棚卸しと是正計画（X社 NET-01 ほか）",
                        "ciso@a-group.example",
                        date(2026, 10, 31)?,
                        None,
                    ),
                    action(
                        "X社 工場ネットワークへのUTM導入",
                        "X社 情報システム課",
                        date(2027, 3, 31)?,
                        Some(4_000_000),
                    ),
                ],
            ),
            treat(
                "R-02",
                TreatmentDecision::Reduce,
                "",
                "",
                vec![action(
                    "Z社を報告の対象に加え、初回の自己点検を依頼する",
                    "office@a-group.example",
                    date(2026, 12, 25)?,
                    None,
                )],
            ),
            treat(
                "R-03",
                TreatmentDecision::Reduce,
                "",
                "",
                vec![action(
                    "グループ全社で標的型メール訓練を行う",
                    "CISO室",
                    date(2027, 2, 28)?,
                    Some(1_500_000),
                )],
            ),
            treat(
                "R-04",
                TreatmentDecision::Transfer,
                "賠償の一部はサイバー保険に移し、委託先の確認は来年度の基準改訂で扱う。",
                "",
                vec![action(
                    "サイバー保険の契約（委託先経由の事故を含む）",
                    "調達部",
                    date(2027, 1, 31)?,
                    Some(2_000_000),
                )],
            ),
        ];
        for t in treatments {
            self.save_treatment(&office, plan.id(), t).await?;
        }
        self.submit_artifact(&office, plan.id()).await?;
        self.approve_artifact(&ceo, plan.id()).await?;
        Ok(())
    }

    /// Story 2: the apparel maker's assessment of its EC site, waiting for the executives.
    pub(super) async fn load_story_two_risks(
        &self,
        advice: kamae_core::ids::AdviceId,
    ) -> Result<()> {
        let office = self
            .actor_for_email(&email("office@x-apparel.example")?)
            .await?;
        let a = self
            .new_assessment(
                &office,
                NewAssessment {
                    company: Some(code("XA")?),
                    fiscal_year: 2026,
                    title: "X社 統合ECサイトのリスクアセスメント 2026年度".into(),
                    method: Method::Matrix,
                    matrix: BUILTIN_MATRIX.into(),
                    treat_from: Some(2),
                    asset_bands: None,
                    tolerance: "ブランド価値を損なう顧客情報の漏えいは受容しない。".into(),
                    impact_definitions: impacts(),
                    loss_threshold_yen: Some(10_000_000),
                    coverage: Coverage {
                        companies: vec!["XA".into()],
                        sites: vec![],
                        departments: vec!["XA-EC".into()],
                        systems: vec!["統合ECサイト".into()],
                    },
                },
            )
            .await?;
        let id = a.id();
        let mut vulns = risk(
            "R-01",
            "運用開始後に公表される脆弱性を突かれる",
            "外部の攻撃者",
            "新しく公表された脆弱性を突かれ、ECサイトから顧客情報が漏えいする",
            "運用開始後のパッチ適用と診断の予算がない。公表から攻撃までの間に対策が間に合わない",
            "1億〜5億円の損失（対応費用、賠償、売上の機会損失）、ブランド価値の低下",
            "EC事業部長",
            (
                3,
                4,
                "公表された脆弱性10件のうち約半数で攻撃の痕跡があった（オフィシャルサイトのログ）。攻撃を受けると7割で被害が出る",
            ),
            None,
            &["VUL-01", "VUL-02"],
        )?;
        vulns.advice = vec![advice.to_string()];
        vulns.assets = vec!["統合ECサイト".into(), "会員情報".into()];
        // The story's chain: one vulnerability a year, attacked half the time, damage in
        // seven attacks of ten, and the loss in the story's two ranges.
        vulns.scenario = Some(serde_json::json!({
            "frequency": {"chain": {"count": 1, "probabilities": [0.5, 0.7]}},
            "magnitude": {"bins": [[1e8, 5e8, 0.6], [1e6, 1e8, 0.4]]}
        }));
        let mut mail = risk(
            "R-02",
            "標的型メールによる社内端末の乗っ取り",
            "外部の攻撃者",
            "取引先を装ったメールから端末が乗っ取られ、ECの管理画面に入られる",
            "ECの運用担当者がメールで外部とやり取りすることが多い",
            "管理画面からの顧客情報の持ち出し",
            "システム管理課",
            (2, 3, "中堅・中小企業を狙う攻撃が増えている"),
            Some((1, 3, "管理画面は社内からのみ接続でき、多要素認証を使う")),
            &["EDU-01", "AUT-01"],
        )?;
        mail.scenario = Some(serde_json::json!({
            "frequency": {"poisson": {"pert": [0.1, 0.2, 0.5]}},
            "magnitude": {"lognormal90": [1e6, 5e7]},
            "controls": [{"name": "多要素認証", "frequency_factor": {"pert": [0.2, 0.3, 0.5]}}]
        }));
        self.save_risk(&office, id, None, vulns).await?;
        self.save_risk(&office, id, None, mail).await?;
        let context = self
            .demo_context(
                &office,
                Some("XA"),
                &[
                    (
                        ContextKind::Market,
                        "EC売上比率の拡大",
                        "統合ECサイトの売上を3年で倍にする計画。サイトが止まれば売上に直結する。",
                        "X社 中期経営計画",
                        date(2026, 4, 1)?,
                    ),
                    (
                        ContextKind::InformationSystems,
                        "社内に技術者がいないECサイト",
                        "ECサイトは外部業者が構築した。EC推進部に技術者はおらず、公開後の脆弱性対応の予算もない。",
                        "EC推進部へのヒアリング（2026年6月）",
                        date(2026, 6, 10)?,
                    ),
                ],
            )
            .await?;
        self.cite_context(&office, id, &context).await?;
        self.submit_artifact(&office, id).await?;
        let ceo = self
            .actor_for_email(&email("ceo@x-apparel.example")?)
            .await?;
        self.approve_artifact(&ceo, id).await?;
        // The plan waits for the executives: the WAF is in, the patch budget is not, and the
        // risk that remains is retained by the EC department's head.
        let plan = self
            .new_treatment_plan(&office, id, "X社 統合ECサイトのリスク対応計画 2026年度")
            .await?;
        self.save_treatment(
            &office,
            plan.id(),
            treat(
                "R-01",
                TreatmentDecision::Reduce,
                "WAFで公表直後の攻撃を止める。運用開始後のパッチ予算は今年度は見送り、残るリスクはEC事業部長が受容する（来年度の予算で再検討）。",
                "",
                vec![
                    action("WAFを導入する", "システム管理課", date(2026, 12, 31)?, Some(3_000_000)),
                    action("運用開始後のパッチ適用予算を来年度の事業計画に入れる", "EC事業部", date(2027, 3, 31)?, Some(6_000_000)),
                ],
            ),
        )
        .await?;
        self.save_treatment(
            &office,
            plan.id(),
            treat(
                "R-02",
                TreatmentDecision::Retain,
                "管理画面は社内からのみ、多要素認証で使う。訓練は来年度。",
                "押尾 EC事業部長",
                vec![],
            ),
        )
        .await?;
        self.submit_artifact(&office, plan.id()).await?;
        self.load_story_two_case(&office, &ceo, id).await?;
        Ok(())
    }
}
