//! Organisation administration through the pages.

mod support;

use support::*;

async fn post(c: &reqwest::Client, url: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    c.post(url)
        .form(fields)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn findings_on_top_and_records_added_through_forms() {
    let s = Server::start().await;
    let c = s.signed_in("ciso@a-group.example").await;
    let page = get_text(&c, &s.url("/org")).await;
    let findings = page
        .split("id=\"findings\"")
        .nth(1)
        .and_then(|p| p.split("</section>").next())
        .unwrap_or("");
    assert!(
        findings.contains("Z社 (Z)") && findings.contains("報告対象外の会社"),
        "{findings}"
    );
    assert!(page.contains("id=\"company-X\""));
    let csrf = hidden(&page, "_csrf");
    // A bad code is refused with the reason, and what was typed comes back.
    let res = post(
        &c,
        &s.url("/org/new/company"),
        &[
            ("_csrf", &csrf),
            ("code", "新会社"),
            ("name", "N社（新規買収）"),
            ("kind", "subsidiary"),
            ("parent", "A"),
        ],
    )
    .await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap_or_default();
    assert!(
        body.contains("N社（新規買収）") && body.contains("半角英数字"),
        "{body}"
    );
    let res = post(
        &c,
        &s.url("/org/new/company"),
        &[
            ("_csrf", &csrf),
            ("code", "N"),
            ("name", "N社（新規買収）"),
            ("kind", "subsidiary"),
            ("parent", "A"),
            ("acquired_on", "2026-10-01"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let page = get_text(&c, &s.url("/org")).await;
    let findings = page
        .split("id=\"findings\"")
        .nth(1)
        .and_then(|p| p.split("</section>").next())
        .unwrap_or("");
    assert!(
        findings.contains("N社（新規買収）"),
        "a new company without a lead, acquired this year: {findings}"
    );
    // Z is put into the reporting scope, with a reason.
    let res = post(
        &c,
        &s.url("/org/scope"),
        &[
            ("_csrf", &csrf),
            ("company", "Z"),
            ("scope", "in"),
            ("reason", "2026年度から報告対象"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let page = get_text(&c, &s.url("/org")).await;
    assert!(!page.contains("報告対象外の会社</strong> — Z社"), "{page}");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_company_lead_sees_and_changes_only_their_company() {
    let s = Server::start().await;
    let c = s.signed_in("lead-x@a-group.example").await;
    let page = get_text(&c, &s.url("/org")).await;
    assert!(
        page.contains("id=\"company-X\"") && !page.contains("id=\"company-B\""),
        "{page}"
    );
    let csrf = hidden(&page, "_csrf");
    let res = post(
        &c,
        &s.url("/org/new/site"),
        &[
            ("_csrf", &csrf),
            ("company", "X"),
            ("code", "X-NEW"),
            ("name", "X社 新拠点"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let res = post(
        &c,
        &s.url("/org/new/site"),
        &[
            ("_csrf", &csrf),
            ("company", "B"),
            ("code", "B-NEW"),
            ("name", "B社 新拠点"),
        ],
    )
    .await;
    assert_eq!(res.status(), 404, "B does not exist for X's lead");
    // Users and grants are for administrators only.
    let res = c
        .get(s.url("/org/users"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 404);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn administrators_grant_and_revoke() {
    let s = Server::start().await;
    let c = s.signed_in("admin@a-group.example").await;
    let page = get_text(&c, &s.url("/org/users")).await;
    assert!(page.contains("ceo@a-group.example"));
    let csrf = hidden(&page, "_csrf");
    let res = post(
        &c,
        &s.url("/org/new/user"),
        &[
            ("_csrf", &csrf),
            ("email", "new-auditor@a-group.example"),
            ("name", "新任監査役"),
            ("password", ""),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let res = post(
        &c,
        &s.url("/org/new/grant"),
        &[
            ("_csrf", &csrf),
            ("email", "new-auditor@a-group.example"),
            ("role", "auditor"),
            ("scope", "company:Q"),
            ("until", ""),
        ],
    )
    .await;
    assert_eq!(res.status(), 422, "an unknown company");
    let res = post(
        &c,
        &s.url("/org/new/grant"),
        &[
            ("_csrf", &csrf),
            ("email", "new-auditor@a-group.example"),
            ("role", "auditor"),
            ("scope", "group"),
            ("until", "2099-03-31"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let page = get_text(&c, &s.url("/org/users")).await;
    let grant = page
        .split("new-auditor@a-group.example")
        .nth(1)
        .and_then(|p| p.split("/org/grants/").nth(1))
        .and_then(|p| p.split('/').next())
        .unwrap_or_else(|| panic!("{page}"))
        .to_owned();
    let res = post(
        &c,
        &s.url(&format!("/org/grants/{grant}/revoke")),
        &[("_csrf", &csrf), ("reason", "")],
    )
    .await;
    assert_eq!(
        res.status(),
        422,
        "a revocation without a reason is refused on the page"
    );
    assert!(
        res.text()
            .await
            .unwrap_or_default()
            .contains("理由を入力してください")
    );
    let res = post(
        &c,
        &s.url(&format!("/org/grants/{grant}/revoke")),
        &[("_csrf", &csrf), ("reason", "任期満了")],
    )
    .await;
    assert_eq!(res.status(), 303);
    // The administrator sees no business data.
    let org = get_text(&c, &s.url("/org")).await;
    assert!(!org.contains("id=\"company-X\""));
    s.stop().await;
}
