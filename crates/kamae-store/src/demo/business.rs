//! Story 2's business case (role C): X社's EC plan (EC share 4.7%, 6.5%, 8.3%; EC sales
//! 4.45 and 5.78 billion yen with 0.27 and 0.86 billion operating profit in years 2 and 3;
//! the year-2 target of an operating profit), the vulnerability scenario with the story's
//! probabilities, and the options the EC office weighed. The first version asked for 4
//! brands and was turned down because it broke the year-2 target; the revision is the
//! story's decision (cloud WAF, 5 brands in year 1, no patch budget in year 1, the risk left
//! retained by the head of the EC office) and waits for the CEO.
//!
//! Figures the story does not give are marked as assumptions in each option's basis.

use kamae_core::access::Actor;
use kamae_core::cases::IncidentCase;
use kamae_core::ids::ArtifactVersionId;

use super::code;
use crate::{Result, Store};

/// The case as the EC office wrote it; `with_decision` adds the package the story chose.
fn story_two_case(with_decision: bool) -> serde_json::Value {
    let waf_effect = serde_json::json!([
        {"scenario": "R-01", "frequency_factor": {"pert": [0.2, 0.4, 0.7]}}
    ]);
    let mut options = vec![
        serde_json::json!({
            "name": "オンプレミスWAF（運用者を派遣で確保）",
            "initial_cost": 3_000_000.0, "staff_cost": 9_600_000.0,
            "effects": waf_effect,
            "residual_owner": "EC事業推進室長",
            "residual_note": "WAFで止められない攻撃（公知でない手法、誤検知の見逃し）のリスクは残る。",
            "basis": "導入コスト約100万円（構築業者の見積り）、初期設定のサービス約200万円と派遣技術者の人件費月80万円は仮定。"
        }),
        serde_json::json!({
            "name": "クラウドWAF",
            "initial_cost": 300_000.0, "yearly_cost": 3_840_000.0,
            "effects": waf_effect,
            "residual_owner": "EC事業推進室長",
            "residual_note": "WAFで止められない攻撃のリスクは残る。",
            "basis": "年間使用料は運用技術者を雇う場合の1/3〜1/2（菅課長の調査）から、人件費960万円の0.4倍とした。初期費用30万円は仮定。"
        }),
        serde_json::json!({
            "name": "修正プログラム適用の予算",
            "yearly_cost": 6_000_000.0,
            "cites": ["CASE-2017-01"],
            "effects": [{"scenario": "R-01", "frequency_factor": {"pert": [0.1, 0.2, 0.4]}}],
            "residual_owner": "EC事業推進室長",
            "residual_note": "公表から適用までの間に突かれる脆弱性のリスクは残る。",
            "basis": "年600万円は仮定（リスク対応計画の来年度予算案と同じ額）。適用までの遅れがあるため、攻撃の8割程度を防ぐとした。"
        }),
        serde_json::json!({
            "name": "何もしない",
            "cites": ["CASE-2017-01"],
            "residual_owner": "EC事業推進室長",
            "residual_note": "脆弱性10件につき2件の割合で1億〜5億円の被害が出るリスクをそのまま受容する。"
        }),
        serde_json::json!({
            "name": "初年度のブランドを4つに絞る",
            "plan_changes": [
                {"line": "EC売上", "deltas": [-1_370_000_000.0, -600_000_000.0, 0.0]},
                {"line": "営業利益", "deltas": [-60_000_000.0, -300_000_000.0, -50_000_000.0]}
            ],
            "residual_owner": "EC事業推進室長",
            "basis": "押尾課長の見込み（4/7では2年目の単年度黒字は難しい）から、売上と営業利益の減少を仮定した。"
        }),
        serde_json::json!({
            "name": "初年度のブランドを5つに絞る",
            "plan_changes": [
                {"line": "EC売上", "deltas": [-910_000_000.0, 0.0, 0.0]},
                {"line": "営業利益", "deltas": [-20_000_000.0, 0.0, 0.0]}
            ],
            "residual_owner": "EC事業推進室長",
            "basis": "外す2ブランドのコンテンツ作成費でWAFを賄い、2年目からは7ブランドに戻す（仮定）。"
        }),
        serde_json::json!({
            "name": "分析支援サービスを買わない",
            "plan_changes": [
                {"line": "EC売上", "deltas": [0.0, -200_000_000.0, -300_000_000.0]},
                {"line": "営業利益", "deltas": [30_000_000.0, -40_000_000.0, -60_000_000.0]}
            ],
            "residual_owner": "EC事業推進室長",
            "basis": "サービス費の節約と、マーケティング分析が遅れることによる売上の減少は仮定。"
        }),
    ];
    if with_decision {
        options.push(serde_json::json!({
            "name": "決定案：クラウドWAF＋初年度5ブランド（パッチ予算は見送り）",
            "combines": ["クラウドWAF", "初年度のブランドを5つに絞る"],
            "residual_owner": "EC事業推進室長",
            "residual_note": "修正プログラム適用の予算は初年度は確保しない。WAFで防げない脆弱性のリスクは、EC事業推進室長が保有する（来年度の予算で再検討）。",
            "basis": "EC推進室の決定（2.4 活動の結果）。"
        }));
    }
    serde_json::json!({
        "discount_rate": 0.05,
        "plan": {
            "years": ["1年目", "2年目", "3年目"],
            "profit_line": "営業利益",
            "lines": [
                {"name": "EC化率", "values": [0.047, 0.065, 0.083]},
                {"name": "EC売上", "values": [3_200_000_000.0, 4_450_000_000.0, 5_780_000_000.0]},
                {"name": "営業利益", "values": [-300_000_000.0, 270_000_000.0, 860_000_000.0]}
            ],
            "targets": [
                {"label": "2年目に単年度黒字", "year": "2年目", "line": "営業利益", "at_least": 0.0}
            ],
            "basis": "EC推進室の事業計画（EC化率、2年目・3年目のEC売上と営業利益）。1年目のEC売上と営業利益は、EC化率からの仮定。"
        },
        "options": options
    })
}

impl Store {
    /// The library of public incidents, for a group's CISO office.
    pub(super) async fn load_case_library(&self, office: &Actor) -> Result<()> {
        for c in public_cases()? {
            self.save_incident_case(office, c).await?;
        }
        Ok(())
    }

    pub(super) async fn load_story_two_case(
        &self,
        office: &Actor,
        ceo: &Actor,
        assessment: ArtifactVersionId,
    ) -> Result<()> {
        self.load_case_library(office).await?;
        let case = self
            .new_business_case(
                office,
                assessment,
                "統合ECサイトの脆弱性対策 ビジネスケース",
                story_two_case(false),
            )
            .await?;
        self.submit_artifact(office, case.id()).await?;
        self.reject_artifact(
            ceo,
            case.id(),
            "ブランドを4つに絞ると2年目の単年度黒字が崩れる。計画の前提を変えない案を示すこと。",
        )
        .await?;
        self.save_business_case(office, case.id(), story_two_case(true))
            .await?;
        self.submit_artifact(office, case.id()).await?;
        Ok(())
    }
}

/// The case library's first cases, written by us from public facts.
fn public_cases() -> Result<Vec<IncidentCase>> {
    let date = |y, m, d| {
        chrono::NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| {
            kamae_core::Problem::new(
                "demo_failed",
                "デモの日付が不正です",
                "a demo date is invalid",
            )
        })
    };
    Ok(vec![
        IncidentCase {
            code: code("CASE-2017-01")?,
            title: "米国の消費者信用情報会社の個人情報漏えい".into(),
            sector: "金融（消費者信用情報）".into(),
            size: "米国の三大信用情報機関の一つ".into(),
            cause: "Webアプリケーションのフレームワーク Apache Struts 2 の脆弱性（CVE-2017-5638）の修正プログラムが、公表後およそ2か月適用されず、そこを突かれた。".into(),
            damage: "約1億4,700万人分の個人情報（氏名、社会保障番号、生年月日、住所など）が漏えい。CIOとCSOに続いてCEOが退任し、株価が大きく下落した。2019年に米連邦取引委員会などと最大7億ドルで和解。".into(),
            damage_yen: None,
            people: Some(147_000_000),
            source: "同社と米連邦取引委員会（FTC）の公表資料（2017〜2019年）".into(),
            occurred_on: date(2017, 7, 29)?,
        },
        IncidentCase {
            code: code("CASE-2015-01")?,
            title: "公的年金の運営機関への標的型攻撃".into(),
            sector: "公的機関".into(),
            size: "全国の年金記録を扱う機関".into(),
            cause: "職員が標的型攻撃メールの添付ファイルを開き、端末がマルウェアに感染。内部のファイル共有から個人情報が持ち出された。".into(),
            damage: "約125万件の個人情報（基礎年金番号、氏名など）が流出した。".into(),
            damage_yen: None,
            people: Some(1_250_000),
            source: "日本年金機構・厚生労働省の調査報告書（2015年）".into(),
            occurred_on: date(2015, 5, 8)?,
        },
        IncidentCase {
            code: code("CASE-2014-01")?,
            title: "通信教育会社の顧客情報の持ち出し".into(),
            sector: "教育・通信販売".into(),
            size: "数千万件の顧客データベースを持つ大手".into(),
            cause: "業務委託先の従業員が顧客データベースから個人情報を持ち出し、名簿業者に売却した（内部不正）。".into(),
            damage: "約3,500万件の顧客情報が流出。お詫びとして1件あたり500円の金券などを用意し、そのために200億円を充てた。".into(),
            damage_yen: Some(20_000_000_000),
            people: Some(35_000_000),
            source: "同社の公表資料（2014年）".into(),
            occurred_on: date(2014, 7, 9)?,
        },
    ])
}
