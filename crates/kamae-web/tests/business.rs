//! Role C on the web and through the API: story 2's business case from the demo — opened,
//! compared, exported, approved — and a new case started from the assessment, with what a
//! case that does not hold looks like.

mod support;

use reqwest::Method;
use serde_json::Value;
use support::*;

fn option<'a>(outcome: &'a Value, name_starts: &str) -> &'a Value {
    outcome["options"]
        .as_array()
        .and_then(|l| {
            l.iter().find(|o| {
                o["name"]
                    .as_str()
                    .is_some_and(|n| n.starts_with(name_starts))
            })
        })
        .unwrap_or_else(|| panic!("no option {name_starts}: {outcome}"))
}

/// The probability of meeting the year-2 target (the case's only target).
fn year_two(o: &Value) -> f64 {
    o["years"][1]["targets"][0]["probability"]
        .as_f64()
        .unwrap_or(-1.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn story_twos_business_case_from_comparison_to_approval() {
    let s = Server::start().await;
    let ceo = token_for(&s, "ceo@x-apparel.example").await;
    let office = token_for(&s, "office@x-apparel.example").await;
    let outsider = token_for(&s, "office@a-group.example").await;
    let (status, list) = send(&s, &ceo, Method::GET, "/api/v1/business-cases", Value::Null).await;
    assert_eq!(status, 200, "{list}");
    let case = &list["items"][0];
    let id = case["artifact"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        case["state"], "submitted",
        "resubmitted after the CEO turned down 4 brands"
    );
    assert_eq!(case["artifact"]["kind"], "investment_plan");
    let outcome = &case["outcome"];
    // The story's decision keeps the year-2 target more likely than doing nothing; 4 brands
    // break it whatever happens; every option names who owns the risk left.
    let decision = option(outcome, "決定案");
    let baseline = year_two(&outcome["baseline"]);
    assert!(
        year_two(decision) > baseline,
        "{} vs {baseline}",
        year_two(decision)
    );
    assert!((0.8..0.95).contains(&baseline), "{baseline}");
    assert_eq!(
        year_two(option(outcome, "初年度のブランドを4つに絞る")),
        0.0
    );
    assert!(decision["risk_reduction"].as_f64().unwrap_or_default() > 0.0);
    assert!(
        outcome["options"]
            .as_array()
            .is_some_and(|l| l.iter().all(|o| o["residual_owner"] == "EC事業推進室長"))
    );
    // The cloud WAF costs less than the one with operators and cuts the same risk.
    let cloud = option(outcome, "クラウドWAF");
    let onprem = option(outcome, "オンプレミスWAF");
    assert!(cloud["cost"].as_f64() < onprem["cost"].as_f64());
    assert!(cloud["npv"].as_f64() > onprem["npv"].as_f64());
    let (status, _) = send(
        &s,
        &outsider,
        Method::GET,
        &format!("/api/v1/business-cases/{id}"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 404);
    let (_, theirs) = send(
        &s,
        &outsider,
        Method::GET,
        "/api/v1/business-cases",
        Value::Null,
    )
    .await;
    assert_eq!(theirs["items"].as_array().map(Vec::len), Some(0));

    // The print-ready page and the workbook.
    let web = s.signed_in("ceo@x-apparel.example").await;
    let page = get_text(&web, &s.url(&format!("/business-cases/{id}"))).await;
    for part in [
        "id=\"loss-chart\"",
        "id=\"target-chart\"",
        "決定案",
        "EC事業推進室長",
        "id=\"plan-basis\"",
        "2年目に単年度黒字",
    ] {
        assert!(page.contains(part), "{part}: {page}");
    }
    let res = web
        .get(s.url(&format!("/business-cases/{id}/case.xlsx")))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 200);
    assert!(
        res.bytes().await.unwrap_or_default().starts_with(b"PK"),
        "a zip container"
    );
    // The API offers the same workbook, and names the parameter of a format it does not have.
    let res = reqwest::Client::new()
        .get(s.url(&format!("/api/v1/business-cases/{id}?format=xlsx")))
        .bearer_auth(&ceo)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 200);
    assert!(res.bytes().await.unwrap_or_default().starts_with(b"PK"));
    let (status, refused) = send(
        &s,
        &ceo,
        Method::GET,
        &format!("/api/v1/business-cases/{id}?format=pdf"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["code"], "invalid_format", "{refused}");
    assert_eq!(refused["details"][0]["path"], "format", "{refused}");

    // Submitted, it does not change; the CEO approves it; approved, it stands.
    let (status, refused) = send(
        &s,
        &office,
        Method::PUT,
        &format!("/api/v1/business-cases/{id}"),
        serde_json::json!({"case": case["case"]}),
    )
    .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (409, Some("awaiting_decision")),
        "{refused}"
    );
    let (status, approved) = send(
        &s,
        &ceo,
        Method::POST,
        &format!("/api/v1/approvals/{id}/approve"),
        serde_json::json!({}),
    )
    .await;
    assert_eq!(
        (status, approved["state"].as_str()),
        (200, Some("approved")),
        "{approved}"
    );
    let (status, refused) = send(
        &s,
        &office,
        Method::PUT,
        &format!("/api/v1/business-cases/{id}"),
        serde_json::json!({"case": case["case"]}),
    )
    .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (409, Some("approved_case")),
        "{refused}"
    );

    // After the fact, the office records a year of the decision against what was expected.
    let lead = s.signed_in("office@x-apparel.example").await;
    let record = format!("/business-cases/{id}/evaluations");
    let form = get_text(&lead, &s.url(&format!("{record}/new"))).await;
    assert!(
        form.contains("name=\"blocked_attacks\"") && form.contains("決定案"),
        "{form}"
    );
    let csrf = hidden(&form, "_csrf");
    let decision_name = decision["name"].as_str().unwrap_or_default().to_owned();
    let fields = |cost: &'static str| {
        vec![
            ("_csrf", csrf.clone()),
            ("title", "1年目の投資効果".to_owned()),
            ("option", decision_name.clone()),
            ("year", "1年目".to_owned()),
            ("actual_cost_yen", cost.to_owned()),
            ("blocked_attacks", "37".to_owned()),
            ("incidents", "0".to_owned()),
            ("actual_loss_yen", "0".to_owned()),
            ("note", "公表直後の攻撃をクラウドWAFが止めた".to_owned()),
        ]
    };
    let bad = fields("四百万");
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _, refused) = post_form(&lead, &s, &record, &bad).await;
    assert_eq!(status, 422);
    assert!(
        refused.contains("actual_cost_yen:") && refused.contains("四百万"),
        "{refused}"
    );
    let good = fields("4,140,000");
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, location, body) = post_form(&lead, &s, &record, &good).await;
    assert_eq!(status, 303, "{body}");
    let page = get_text(&lead, &s.url(&location)).await;
    assert!(
        page.contains("見込みと実績") && page.contains("4,140,000円"),
        "{page}"
    );
    let evaluation = location.trim_start_matches("/artifacts/");
    let (status, v) = send(
        &s,
        &ceo,
        Method::GET,
        &format!("/api/v1/investment-evaluations/{evaluation}"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["record"]["blocked_attacks"], 37);
    assert!(
        v["expected"]["expected_loss_without"].as_f64() > v["expected"]["expected_loss"].as_f64()
    );
    let case_page = get_text(&lead, &s.url(&format!("/business-cases/{id}"))).await;
    assert!(case_page.contains("1年目の投資効果"), "{case_page}");

    // Next year's version starts from the assessment's page; what does not hold is refused
    // with its place, and what was typed stays in the form.
    let assessment = case["assessment_id"].as_str().unwrap_or_default();
    let new = format!("/risk/assessments/{assessment}/business-cases");
    let form = get_text(&lead, &s.url(&format!("{new}/new"))).await;
    assert!(
        form.contains("name=\"case\"") && form.contains("discount_rate"),
        "{form}"
    );
    let csrf = hidden(&form, "_csrf");
    let typed = r#"{"discount_rate": 0.05, "plan": {"years": ["Y1"], "profit_line": "p",
        "lines": [{"name": "p", "values": [1e8]}]},
        "options": [{"name": "WAF", "residual_owner": "EC", "effects": [{"scenario": "R-09", "frequency_factor": 0.5}]}]}"#;
    let (status, _, refused) = post_form(
        &lead,
        &s,
        &new,
        &[("_csrf", &csrf), ("title", "来年度"), ("case", typed)],
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        refused.contains("options[0].effects[0].scenario") && refused.contains("R-09"),
        "{refused}"
    );
    let (status, _, refused) = post_form(
        &lead,
        &s,
        &new,
        &[("_csrf", &csrf), ("title", "来年度"), ("case", "{not json")],
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        refused.contains("case:") && refused.contains("{not json"),
        "{refused}"
    );
    let good = typed.replace("R-09", "R-01");
    let (status, location, body) = post_form(
        &lead,
        &s,
        &new,
        &[("_csrf", &csrf), ("title", "来年度"), ("case", &good)],
    )
    .await;
    assert_eq!(status, 303, "{body}");
    let page = get_text(&lead, &s.url(&location)).await;
    assert!(
        page.contains("来年度") && page.contains("id=\"edit\""),
        "{page}"
    );
}

/// The library of public incidents: the CISO office keeps it, everyone in the group reads
/// it, business cases cite it; a case that does not hold is refused field by field.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_case_library_is_kept_by_the_office_and_cited_by_business_cases() {
    let s = Server::start().await;
    let office = s.signed_in("office@a-group.example").await;
    let list = get_text(&office, &s.url("/cases")).await;
    for code in ["CASE-2017-01", "CASE-2015-01", "CASE-2014-01"] {
        assert!(list.contains(code), "{code}: {list}");
    }
    assert!(list.contains("id=\"add-case\""), "{list}");
    let one = get_text(&office, &s.url("/cases/CASE-2017-01")).await;
    assert!(
        one.contains("Struts 2") && one.contains("147,000,000"),
        "{one}"
    );
    let viewer = s.signed_in("viewer-b@a-group.example").await;
    let read = get_text(&viewer, &s.url("/cases")).await;
    assert!(
        read.contains("CASE-2017-01") && !read.contains("id=\"add-case\""),
        "{read}"
    );

    let form = get_text(&office, &s.url("/cases/new")).await;
    let csrf = hidden(&form, "_csrf");
    let case = |date: &'static str| {
        vec![
            ("_csrf", csrf.clone()),
            ("code", "CASE-2020-01".to_owned()),
            ("title", "ECサイトのカード情報漏えい".to_owned()),
            ("sector", "小売".to_owned()),
            ("cause", "決済画面の改ざん".to_owned()),
            ("damage", "カード情報の漏えい".to_owned()),
            ("people", "12,000".to_owned()),
            ("source", "同社の公表資料".to_owned()),
            ("occurred_on", date.to_owned()),
        ]
    };
    let bad = case("2020-13-40");
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _, refused) = post_form(&office, &s, "/cases", &bad).await;
    assert_eq!(status, 422);
    assert!(
        refused.contains("occurred_on") && refused.contains("決済画面の改ざん"),
        "{refused}"
    );
    let good = case("2020-06-01");
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, location, body) = post_form(&office, &s, "/cases", &good).await;
    assert_eq!(
        (status, location.as_str()),
        (303, "/cases/CASE-2020-01"),
        "{body}"
    );

    // Through the API, X社's own library: its viewer reads, does not write.
    let x_viewer = token_for(&s, "viewer@x-apparel.example").await;
    let (status, cases) = send(&s, &x_viewer, Method::GET, "/api/v1/cases", Value::Null).await;
    assert_eq!(status, 200);
    assert_eq!(
        cases["items"].as_array().map(Vec::len),
        Some(3),
        "not A's new case: {cases}"
    );
    let (status, _) = send(
        &s,
        &x_viewer,
        Method::POST,
        "/api/v1/cases",
        serde_json::json!({"code": "CASE-X", "title": "x", "sector": "x", "cause": "x",
            "damage": "x", "source": "x", "occurred_on": "2020-01-01"}),
    )
    .await;
    assert_eq!(status, 403);
    // X社's business case cites the credit-bureau case.
    let ceo = s.signed_in("ceo@x-apparel.example").await;
    let list = get_text(&ceo, &s.url("/business-cases")).await;
    let id = list
        .split("href=\"/business-cases/")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or_default()
        .to_owned();
    let page = get_text(&ceo, &s.url(&format!("/business-cases/{id}"))).await;
    assert!(page.contains("href=\"/cases/CASE-2017-01\""), "{page}");
}

/// The scenario editor runs what is written: the figures on the page, only the results
/// when the page's script asks as the model is typed, and every problem with its path.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scenario_editor_runs_what_is_written() {
    let s = Server::start().await;
    let office = s.signed_in("office@x-apparel.example").await;
    let page = get_text(&office, &s.url("/quant/editor")).await;
    assert!(
        page.contains("id=\"run-p-zero\"") && page.contains("id=\"editor-lec\""),
        "{page}"
    );
    let csrf = hidden(&page, "_csrf");
    let chain = r#"{"trials": 100000, "seed": 7, "scenarios": [{"name": "story 2",
        "frequency": {"chain": {"count": 1, "probabilities": [0.5, 0.7]}},
        "magnitude": {"bins": [[1e8, 5e8, 0.6], [1e6, 1e8, 0.4]]}}]}"#;
    let res = office
        .post(s.url("/quant/editor"))
        .header("x-kamae-live", "1")
        .form(&[("_csrf", csrf.as_str()), ("model", chain)])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 200);
    let fragment = res.text().await.unwrap_or_default();
    // Only the results: no page around them. 1 − 0.5 × 0.7 = 65% of years without loss.
    assert!(
        fragment.starts_with("<div id=\"result\"") && !fragment.contains("<html"),
        "{fragment}"
    );
    assert!(fragment.contains("65."), "{fragment}");
    // Asked for lines of JSON (as the page's script asks), the answer tells how far the run
    // has got, chunk by chunk, before the same results.
    let lines = |model: &str| {
        let res = office
            .post(s.url("/quant/editor"))
            .header("x-kamae-live", "1")
            .header("accept", "application/x-ndjson")
            .form(&[("_csrf", csrf.as_str()), ("model", model)])
            .send();
        async move {
            let res = res.await.unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(res.status(), 200);
            assert_eq!(
                res.headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok()),
                Some("application/x-ndjson")
            );
            let text = res.text().await.unwrap_or_default();
            text.lines()
                .map(|l| {
                    serde_json::from_str::<serde_json::Value>(l)
                        .unwrap_or_else(|e| panic!("{e}: {l}"))
                })
                .collect::<Vec<_>>()
        }
    };
    let streamed = lines(chain).await;
    let Some((last, progress)) = streamed.split_last() else {
        panic!("no lines");
    };
    assert_eq!(last["status"], 200, "{last}");
    assert!(
        last["html"]
            .as_str()
            .is_some_and(|h| h.starts_with("<div id=\"result\"") && h.contains("65.")),
        "{last}"
    );
    let done: Vec<u64> = progress
        .iter()
        .map(|l| {
            assert_eq!(l["of"], 100_000, "{l}");
            l["done"].as_u64().unwrap_or(0)
        })
        .collect();
    // 100,000 trials are seven chunks of 16,384, each told as it finishes, then all of them.
    assert!(done.len() > 2, "{done:?}");
    assert!(done.windows(2).all(|w| w[0] <= w[1]), "{done:?}");
    assert_eq!(done.last(), Some(&100_000));
    let broken = chain.replace("[0.5, 0.7]", "[0.5, 1.7]");
    let refused = lines(&broken).await;
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0]["status"], 422);
    assert!(
        refused[0]["html"]
            .as_str()
            .is_some_and(|h| h.contains("scenarios[0].frequency.chain.probabilities[1]")),
        "{refused:?}"
    );
    let res = office
        .post(s.url("/quant/editor"))
        .header("x-kamae-live", "1")
        .form(&[("_csrf", csrf.as_str()), ("model", broken.as_str())])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 422);
    let fragment = res.text().await.unwrap_or_default();
    assert!(
        fragment.contains("scenarios[0].frequency.chain.probabilities[1]"),
        "{fragment}"
    );
    let too_many = chain.replace("100000", "99000000");
    let (status, _, page) = post_form(
        &office,
        &s,
        "/quant/editor",
        &[("_csrf", &csrf), ("model", &too_many)],
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        page.contains("1,000,000") && page.contains("99000000"),
        "{page}"
    );
}

/// The demo's business case (story 2's, waiting for the CEO) as the API gives it, and its id.
async fn story_two_case(s: &Server, token: &str) -> (Value, String) {
    let (_, list) = send(s, token, Method::GET, "/api/v1/business-cases", Value::Null).await;
    let case = list["items"][0].clone();
    let id = case["artifact"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    (case, id)
}

/// The case as it is now.
async fn case_now(s: &Server, token: &str, id: &str) -> Value {
    let path = format!("/api/v1/business-cases/{id}");
    send(s, token, Method::GET, &path, Value::Null).await.1
}

/// The place among the case's options of the one whose name starts so.
fn place(case: &Value, starts: &str) -> usize {
    case["case"]["options"]
        .as_array()
        .and_then(|l| {
            l.iter()
                .position(|o| o["name"].as_str().is_some_and(|x| x.starts_with(starts)))
        })
        .unwrap_or_else(|| panic!("no {starts}: {case}"))
}

/// The CEO sends the case back, so that it can change again.
async fn send_back(s: &Server, ceo: &str, id: &str, reason: &str) {
    let path = format!("/api/v1/approvals/{id}/reject");
    let (status, rejected) = send(
        s,
        ceo,
        Method::POST,
        &path,
        serde_json::json!({"reason": reason}),
    )
    .await;
    assert_eq!(status, 200, "{rejected}");
}

/// An option is changed in a form of its own: yen as people type them, the case worked out
/// again and shown; a field that is not a number is named and nothing is saved; an option
/// that is not there is not found.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_option_is_changed_in_a_form_of_its_own() {
    let s = Server::start().await;
    let ceo = token_for(&s, "ceo@x-apparel.example").await;
    let (case, id) = story_two_case(&s, &ceo).await;
    let case = &case;
    let n = place(case, "クラウドWAF");
    let cost_before = option(&case["outcome"], "クラウドWAF")["cost"].as_f64();
    // Waiting for the CEO it does not change: no form is offered. Sent back, it can.
    let office = s.signed_in("office@x-apparel.example").await;
    let edit = format!("/business-cases/{id}/options/{n}/edit");
    let page = get_text(&office, &s.url(&format!("/business-cases/{id}"))).await;
    assert!(!page.contains(&edit), "{page}");
    send_back(
        &s,
        &ceo,
        &id,
        "クラウドWAFの年間費用を見積りで確かめてください",
    )
    .await;
    let page = get_text(&office, &s.url(&format!("/business-cases/{id}"))).await;
    assert!(page.contains(&format!("href=\"{edit}\"")), "{page}");
    let form = get_text(&office, &s.url(&edit)).await;
    assert!(
        form.contains("name=\"yearly_cost\"") && form.contains("クラウドWAF"),
        "{form}"
    );
    let csrf = hidden(&form, "_csrf");
    let fields = |yearly: &'static str| {
        vec![
            ("_csrf", csrf.clone()),
            ("initial_cost", "0".to_owned()),
            ("yearly_cost", yearly.to_owned()),
            ("staff_cost", "0".to_owned()),
            ("start", String::new()),
            ("residual_owner", "EC事業推進室長".to_owned()),
            ("residual_note", "パッチは2年目に回す".to_owned()),
            ("basis", "ベンダー見積り（2026年11月）".to_owned()),
        ]
    };
    let bad = fields("月100万円");
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _, refused) = post_form(&office, &s, &edit, &bad).await;
    assert_eq!(status, 422);
    assert!(
        refused.contains("yearly_cost") && refused.contains("月100万円"),
        "{refused}"
    );
    assert_eq!(case_now(&s, &ceo, &id).await["case"], case["case"]);
    let good = fields("¥24,000,000");
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, location, body) = post_form(&office, &s, &edit, &good).await;
    assert_eq!(
        (status, location.as_str()),
        (303, format!("/business-cases/{id}").as_str()),
        "{body}"
    );
    let after = case_now(&s, &ceo, &id).await;
    let changed = &after["case"]["options"][n];
    assert_eq!(changed["yearly_cost"], 24_000_000, "{changed}");
    assert_eq!(changed["basis"], "ベンダー見積り（2026年11月）");
    assert!(changed.get("start").is_none(), "{changed}");
    // Its effects stay as they were; its cost is worked out again.
    assert_eq!(changed["effects"], case["case"]["options"][n]["effects"]);
    assert_ne!(
        option(&after["outcome"], "クラウドWAF")["cost"].as_f64(),
        cost_before
    );
    let res = office
        .get(s.url(&format!("/business-cases/{id}/options/99/edit")))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 404);
}

/// Posts a form whose fields are built at run time.
async fn post_pairs(
    c: &reqwest::Client,
    s: &Server,
    path: &str,
    pairs: &[(String, String)],
) -> (u16, String, String) {
    let form: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    post_form(c, s, path, &form).await
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_options_effects_and_plan_changes_are_changed_in_its_form() {
    let s = Server::start().await;
    let ceo = token_for(&s, "ceo@x-apparel.example").await;
    let (case, id) = story_two_case(&s, &ceo).await;
    let (waf, brands) = (
        place(&case, "クラウドWAF"),
        place(&case, "初年度のブランドを5つに絞る"),
    );
    send_back(&s, &ceo, &id, "WAFの効果の幅を見直してください").await;
    let office = s.signed_in("office@x-apparel.example").await;
    let read = async || case_now(&s, &ceo, &id).await;

    // The form shows the option's effects and plan changes as rows, and empty ones to add.
    let waf_edit = format!("/business-cases/{id}/options/{waf}/edit");
    let form = get_text(&office, &s.url(&waf_edit)).await;
    for shown in [
        "name=\"effects[0].scenario\"",
        "<option value=\"R-01\" selected>",
        "name=\"effects[0].frequency_factor\" value=\"0.2, 0.4, 0.7\"",
        "name=\"yearly_cost\" value=\"3,840,000\"",
        "name=\"effects[2].scenario\"",
        "name=\"plan_changes[1].deltas[2]\"",
        "<option value=\"EC売上\">",
        "シナリオへの効果",
    ] {
        assert!(form.contains(shown), "{shown}: {form}");
    }
    let brands_edit = format!("/business-cases/{id}/options/{brands}/edit");
    let form = get_text(&office, &s.url(&brands_edit)).await;
    for shown in [
        "<option value=\"EC売上\" selected>",
        "name=\"plan_changes[0].deltas[0]\" value=\"-910,000,000\"",
        "name=\"plan_changes[1].deltas[0]\" value=\"-20,000,000\"",
        "name=\"plan_changes[3].line\"",
    ] {
        assert!(form.contains(shown), "{shown}: {form}");
    }
    let csrf = hidden(&form, "_csrf");
    let waf_form = |rows: &[(&str, &str)]| {
        let mut all = pairs(&[
            ("_csrf", &csrf),
            ("initial_cost", "300,000"),
            ("yearly_cost", "3,840,000"),
            ("staff_cost", "0"),
            ("start", ""),
            ("residual_owner", "EC事業推進室長"),
            ("residual_note", "WAFで止められない攻撃のリスクは残る。"),
            ("basis", "見積り"),
        ]);
        all.extend(pairs(rows));
        all
    };

    let post_waf =
        async |rows: &[(&str, &str)]| post_pairs(&office, &s, &waf_edit, &waf_form(rows)).await;

    // What cannot be read is named with its row, shown again as typed, and nothing is saved.
    let (status, _, refused) = post_waf(&[
        ("effects[0].scenario", "R-01"),
        ("effects[0].frequency_factor", "0.2, x, 0.7"),
        ("effects[0].magnitude_factor", ""),
        ("effects[0].delay_years", "0"),
    ])
    .await;
    assert_eq!(status, 422);
    assert!(
        refused.contains("effects[0].frequency_factor: ")
            && refused.contains("value=\"0.2, x, 0.7\""),
        "{refused}"
    );
    assert_eq!(read().await["case"], case["case"]);
    // A PERT whose least is above its most is the case check's to refuse, with its path.
    let (status, _, refused) = post_waf(&[
        ("effects[0].scenario", "R-01"),
        ("effects[0].frequency_factor", "0.7、0.4、0.2"),
    ])
    .await;
    assert_eq!(status, 422);
    assert!(
        refused.contains(&format!("options[{waf}].effects[0].frequency_factor")),
        "{refused}"
    );
    assert_eq!(read().await["case"], case["case"]);
    // After an emptied row, the rows are numbered as they are saved: the problem's place is
    // the row the page shows again.
    let (status, _, refused) = post_waf(&[
        ("effects[0].scenario", ""),
        ("effects[0].delay_years", "0"),
        ("effects[1].scenario", "R-01"),
        ("effects[1].frequency_factor", "0.7、0.4、0.2"),
    ])
    .await;
    assert_eq!(status, 422);
    assert!(
        refused.contains(&format!("options[{waf}].effects[0].frequency_factor"))
            && refused.contains("name=\"effects[0].frequency_factor\" value=\"0.7、0.4、0.2\""),
        "{refused}"
    );
    assert_eq!(read().await["case"], case["case"]);

    // A PERT typed as people write it is saved and the case worked out again.
    let (status, _, body) = post_waf(&[
        ("effects[0].scenario", "R-01"),
        ("effects[0].frequency_factor", "０．０５／0.1／0.2"),
        ("effects[0].magnitude_factor", ""),
        ("effects[0].delay_years", "0"),
        ("effects[1].scenario", ""),
        ("effects[1].frequency_factor", ""),
        ("effects[1].magnitude_factor", ""),
        ("effects[1].delay_years", ""),
    ])
    .await;
    assert_eq!(status, 303, "{body}");
    let after = read().await;
    assert_eq!(
        after["case"]["options"][waf]["effects"],
        serde_json::json!([{"scenario": "R-01", "frequency_factor": {"pert": [0.05, 0.1, 0.2]}}])
    );
    let loss = |v: &Value| option(&v["outcome"], "クラウドWAF")["expected_loss_after"].as_f64();
    assert!(
        loss(&after) < loss(&case),
        "{} {}",
        after["outcome"],
        case["outcome"]
    );
    // Its plan changes, combinations and citations stay as they were.
    assert_eq!(
        after["case"]["options"][brands],
        case["case"]["options"][brands]
    );

    // A new row adds an effect; an emptied row removes one.
    let (status, _, body) = post_waf(&[
        ("effects[0].scenario", "R-01"),
        ("effects[0].frequency_factor", "0.05, 0.1, 0.2"),
        ("effects[1].scenario", "R-01"),
        ("effects[1].magnitude_factor", "0.5"),
        ("effects[1].delay_years", "1"),
    ])
    .await;
    assert_eq!(status, 303, "{body}");
    let effects = read().await["case"]["options"][waf]["effects"].clone();
    assert_eq!(
        effects[1],
        serde_json::json!({"scenario": "R-01", "magnitude_factor": 0.5, "delay_years": 1}),
        "{effects}"
    );
    assert_eq!(effects.as_array().map(Vec::len), Some(2));
    let (status, _, body) = post_waf(&[
        ("effects[0].scenario", ""),
        ("effects[0].frequency_factor", ""),
        ("effects[0].magnitude_factor", ""),
        ("effects[0].delay_years", ""),
        ("effects[1].scenario", "R-01"),
        ("effects[1].magnitude_factor", "0.5"),
        ("effects[1].delay_years", "1"),
    ])
    .await;
    assert_eq!(status, 303, "{body}");
    assert_eq!(
        read().await["case"]["options"][waf]["effects"],
        serde_json::json!([{"scenario": "R-01", "magnitude_factor": 0.5, "delay_years": 1}])
    );

    // A plan change's figure: an unreadable one is named with its row and year; one typed
    // as an account writes a negative is saved, and the option's profit worked out again.
    let brands_form = |first_year: &str| {
        pairs(&[
            ("_csrf", &csrf),
            ("initial_cost", "0"),
            ("yearly_cost", "0"),
            ("staff_cost", "0"),
            ("start", ""),
            ("residual_owner", "EC事業推進室長"),
            ("residual_note", ""),
            ("basis", "仮定"),
            ("plan_changes[0].line", "EC売上"),
            ("plan_changes[0].deltas[0]", "-910,000,000"),
            ("plan_changes[0].deltas[1]", "0"),
            ("plan_changes[0].deltas[2]", "0"),
            ("plan_changes[1].line", "営業利益"),
            ("plan_changes[1].deltas[0]", first_year),
            ("plan_changes[1].deltas[1]", ""),
            ("plan_changes[1].deltas[2]", "0"),
            ("plan_changes[2].line", ""),
            ("plan_changes[2].deltas[0]", ""),
        ])
    };
    let before = read().await;
    let (status, _, refused) =
        post_pairs(&office, &s, &brands_edit, &brands_form("-9１0百万円")).await;
    assert_eq!(status, 422);
    assert!(
        refused.contains("plan_changes[1].deltas[0]: ")
            && refused.contains("value=\"-9１0百万円\""),
        "{refused}"
    );
    assert_eq!(read().await["case"], before["case"]);
    let (status, _, body) =
        post_pairs(&office, &s, &brands_edit, &brands_form("△500,000,000円")).await;
    assert_eq!(status, 303, "{body}");
    let after = read().await;
    assert_eq!(
        after["case"]["options"][brands]["plan_changes"],
        serde_json::json!([
            {"line": "EC売上", "deltas": [-910_000_000.0, 0.0, 0.0]},
            {"line": "営業利益", "deltas": [-500_000_000.0, 0.0, 0.0]}
        ])
    );
    let year_one =
        |v: &Value| option(&v["outcome"], "初年度のブランドを5つに絞る")["years"][0].clone();
    assert_ne!(year_one(&after), year_one(&before));

    // Clearing a change's line, its years left as the form shows them (0), removes it.
    let mut cleared = brands_form("0");
    for (k, v) in cleared.iter_mut() {
        if k == "plan_changes[1].line" {
            v.clear();
        }
    }
    let (status, _, body) = post_pairs(&office, &s, &brands_edit, &cleared).await;
    assert_eq!(status, 303, "{body}");
    assert_eq!(
        read().await["case"]["options"][brands]["plan_changes"],
        serde_json::json!([{"line": "EC売上", "deltas": [-910_000_000.0, 0.0, 0.0]}])
    );
}
