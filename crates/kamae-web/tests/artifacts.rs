//! Writing, approving and comparing artifacts, the approvals inbox, history and the map,
//! through the pages as a browser uses them.

mod support;

use support::*;

async fn post_form(c: &reqwest::Client, url: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    c.post(url)
        .form(fields)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Drafts an artifact through the form and returns its page's path.
async fn draft(
    s: &Server,
    c: &reqwest::Client,
    kind: &str,
    title: &str,
    body: &str,
    from: &[&str],
) -> String {
    let form = get_text(c, &s.url(&format!("/artifacts/new?kind={kind}"))).await;
    let csrf = hidden(&form, "_csrf");
    let mut fields = vec![
        ("_csrf", csrf.as_str()),
        ("kind", kind),
        ("company", ""),
        ("title", title),
        ("body", body),
    ];
    for f in from {
        fields.push(("from", f));
    }
    let res = post_form(c, &s.url("/artifacts"), &fields).await;
    assert_eq!(
        res.status(),
        303,
        "{}",
        res.text().await.unwrap_or_default()
    );
    location(&res)
}

async fn act(
    s: &Server,
    c: &reqwest::Client,
    page: &str,
    step: &str,
    reason: &str,
) -> reqwest::Response {
    let html = get_text(c, &s.url(page)).await;
    let csrf = hidden(&html, "_csrf");
    post_form(
        c,
        &s.url(&format!("{page}/{step}")),
        &[("_csrf", csrf.as_str()), ("reason", reason)],
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn write_submit_reject_revise_approve_and_compare() {
    let s = Server::start().await;
    let office = s.signed_in("office@a-group.example").await;
    let ceo = s.signed_in("ceo@a-group.example").await;
    let page = draft(
        &s,
        &office,
        "risk_assessment",
        "リスクアセスメント 2026年度",
        "# 評価\n\n- 標的型メール: 高\n\n<script>alert('x')</script>",
        &[],
    )
    .await;
    let html = get_text(&office, &s.url(&page)).await;
    assert!(
        html.contains("<h1>評価</h1>") && html.contains("&lt;script&gt;"),
        "{html}"
    );
    assert!(!html.contains("<script>alert"));
    assert_eq!(act(&s, &office, &page, "submit", "").await.status(), 303);
    // The CISO office may not approve; the executive sees it in the inbox.
    assert_eq!(act(&s, &office, &page, "approve", "").await.status(), 403);
    let inbox = get_text(&ceo, &s.url("/approvals")).await;
    assert!(inbox.contains("リスクアセスメント 2026年度"), "{inbox}");
    // A rejection needs a reason; with one, it goes back to the author.
    assert_eq!(act(&s, &ceo, &page, "reject", " ").await.status(), 422);
    assert_eq!(
        act(&s, &ceo, &page, "reject", "対象範囲が不明確")
            .await
            .status(),
        303
    );
    let html = get_text(&office, &s.url(&page)).await;
    assert!(html.contains("対象範囲が不明確"));
    let edit = get_text(&office, &s.url(&format!("{page}/edit"))).await;
    let csrf = hidden(&edit, "_csrf");
    let res = post_form(
        &office,
        &s.url(&format!("{page}/edit")),
        &[
            ("_csrf", csrf.as_str()),
            ("title", "リスクアセスメント 2026年度（全社）"),
            ("body", "# 評価\n\n対象: 全社\n"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(act(&s, &office, &page, "submit", "").await.status(), 303);
    assert_eq!(act(&s, &ceo, &page, "approve", "").await.status(), 303);
    let html = get_text(&ceo, &s.url(&page)).await;
    assert!(html.contains("state-approved"), "{html}");
    // A new version from the approved one, and what changed between them.
    let edit = get_text(&office, &s.url(&format!("{page}/edit"))).await;
    let csrf = hidden(&edit, "_csrf");
    let res = post_form(
        &office,
        &s.url(&format!("{page}/edit")),
        &[
            ("_csrf", csrf.as_str()),
            ("title", "リスクアセスメント 2026年度（全社）"),
            ("body", "# 評価\n\n対象: 全社と拠点Y\n"),
        ],
    )
    .await;
    let v2 = location(&res);
    assert_ne!(v2, page, "an approved version is not edited in place");
    let diff = get_text(&office, &s.url(&format!("{v2}/diff"))).await;
    assert!(
        diff.contains("class=\"del\">対象: 全社</div>")
            && diff.contains("class=\"add\">対象: 全社と拠点Y</div>"),
        "{diff}"
    );
    // The history reads as steps with their reasons.
    let id = page.trim_start_matches("/artifacts/");
    let history = get_text(&ceo, &s.url(&format!("/history/artifact_version/{id}"))).await;
    assert!(
        history.contains("差し戻し")
            && history.contains("対象範囲が不明確")
            && history.contains("承認"),
        "{history}"
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_map_shows_an_artifact_turning_stale() {
    let s = Server::start().await;
    let office = s.signed_in("office@a-group.example").await;
    let ceo = s.signed_in("ceo@a-group.example").await;
    let e1 = draft(&s, &office, "risk_assessment", "リスク評価 v1", "本文", &[]).await;
    act(&s, &office, &e1, "submit", "").await;
    act(&s, &ceo, &e1, "approve", "").await;
    let e1_id = e1.trim_start_matches("/artifacts/").to_owned();
    let a1 = draft(
        &s,
        &office,
        "objectives_and_targets",
        "目的・目標 2026",
        "本文",
        &[&e1_id],
    )
    .await;
    act(&s, &office, &a1, "submit", "").await;
    act(&s, &ceo, &a1, "approve", "").await;
    let map = get_text(&office, &s.url("/artifacts/map")).await;
    assert!(map.contains("<svg") && map.contains("id=\"artifact-objectives_and_targets\""));
    assert!(
        !map.contains("stale\" id=\"artifact-objectives_and_targets\""),
        "the objectives are not stale yet"
    );
    // A new approved risk assessment not made from the objectives makes them stale.
    let edit = get_text(&office, &s.url(&format!("{e1}/edit"))).await;
    let csrf = hidden(&edit, "_csrf");
    let res = post_form(
        &office,
        &s.url(&format!("{e1}/edit")),
        &[
            ("_csrf", csrf.as_str()),
            ("title", "リスク評価 v2"),
            ("body", "臨時の再評価"),
        ],
    )
    .await;
    let e2 = location(&res);
    act(&s, &office, &e2, "submit", "").await;
    act(&s, &ceo, &e2, "approve", "").await;
    let map = get_text(&office, &s.url("/artifacts/map")).await;
    assert!(
        map.contains(
            "class=\"artifact state-approved stale\" id=\"artifact-objectives_and_targets\""
        ),
        "{map}"
    );
    assert!(
        // The demo's own risk assessment comes first in the series, so the number varies.
        map.contains("版 が承認されました") || map.contains("版が承認"),
        "{map}"
    );
    let home = get_text(&office, &s.url("/")).await;
    assert!(
        home.contains("目的・目標"),
        "the home page lists it as stale: {home}"
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_companys_artifact_answers_like_a_missing_one() {
    let s = Server::start().await;
    let office = s.signed_in("office@a-group.example").await;
    let lead = s.signed_in("lead-x@a-group.example").await;
    let page = draft(
        &s,
        &office,
        "risk_assessment",
        "グループのリスク評価",
        "本文",
        &[],
    )
    .await;
    let hidden_res = lead
        .get(s.url(&page))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let missing = lead
        .get(s.url("/artifacts/01a22300-0000-7000-8000-000000000000"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(hidden_res.status(), 404);
    assert_eq!(missing.status(), 404);
    let strip = |s: String| {
        s.lines()
            .filter(|l| !l.contains("_csrf"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let a = strip(hidden_res.text().await.unwrap_or_default());
    let b = strip(missing.text().await.unwrap_or_default());
    assert_eq!(
        a.replace(&page, ""),
        b.replace("/artifacts/01a22300-0000-7000-8000-000000000000", "")
    );
    s.stop().await;
}
