//! Advice to departments and the watch list on the web: story 2's EC request with the advice
//! to budget patches and a WAF, followed up; story 1's watch list settled or taken into a
//! revision.

mod support;

use support::*;

fn first_link(page: &str, prefix: &str) -> String {
    page.split(&format!("href=\"{prefix}"))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(|id| format!("{prefix}{id}"))
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ec_request_is_advised_and_followed_up() {
    let s = Server::start().await;
    let manager = s.signed_in("manager-ec@x-apparel.example").await;
    let list = get_text(&manager, &s.url("/advice")).await;
    assert!(list.contains("7ブランド統合ECサイト"), "{list}");
    let table = list.split("id=\"advice\"").nth(1).unwrap_or_default();
    let path = first_link(table, "/advice/");
    let page = get_text(&manager, &s.url(&path)).await;
    for part in [
        "WAF",
        "VUL-02",
        "顧客情報の漏えい",
        "仕様書",
        "class=\"overdue\"",
    ] {
        assert!(page.contains(part), "{part} missing from the advice page");
    }
    // The department records its follow-up as done; the advice is then followed up fully
    // once the WAF is in as well.
    let csrf = hidden(&page, "_csrf");
    let (status, _, _) = post_form(
        &manager,
        &s,
        &format!("{path}/follow-ups/1"),
        &[("_csrf", &csrf), ("status", "done"), ("note", "予算化済み")],
    )
    .await;
    assert_eq!(status, 303);
    let office = s.signed_in("office@x-apparel.example").await;
    let office_csrf = hidden(&get_text(&office, &s.url(&path)).await, "_csrf");
    post_form(
        &office,
        &s,
        &format!("{path}/follow-ups/2"),
        &[
            ("_csrf", &office_csrf),
            ("status", "done"),
            ("note", "導入済み"),
        ],
    )
    .await;
    let page = get_text(&office, &s.url(&path)).await;
    assert!(
        page.contains("status-closed") && !page.contains("class=\"overdue\""),
        "{page}"
    );
    // A bad edit comes back with the reason and what was typed.
    let (status, _, body) = post_form(
        &office,
        &s,
        &format!("{path}/edit"),
        &[
            ("_csrf", &office_csrf),
            ("department", "XA-EC"),
            ("kind", "new_it_service"),
            ("title", "7ブランド統合ECサイトの立ち上げ"),
            ("request", "統合"),
            ("requested_on", "2026-06-01"),
            ("advice", "WAFを入れる"),
            ("items", "NOPE-1"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        body.contains("NOPE-1") && body.contains("id=\"error\""),
        "{body}"
    );
    // Another group's people never see it.
    let other = s.signed_in("office@a-group.example").await;
    assert!(
        !get_text(&other, &s.url("/advice"))
            .await
            .contains("7ブランド")
    );
    let res = other
        .get(s.url(&path))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status().as_u16(), 404);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_watch_list_is_settled_or_taken_into_a_revision() {
    let s = Server::start().await;
    let office = s.signed_in("office@a-group.example").await;
    let list = get_text(&office, &s.url("/standard/watch")).await;
    for part in [
        "クラウドサービス利用の拡大",
        "個人情報保護法",
        "status-revision",
        "status-no_change",
    ] {
        assert!(list.contains(part), "{part} missing from the watch list");
    }
    let csrf = hidden(&list, "_csrf");
    let (status, _, body) = post_form(
        &office,
        &s,
        "/standard/watch",
        &[
            ("_csrf", &csrf),
            ("kind", "law"),
            ("title", " "),
            ("source", "官報"),
            ("published_on", "2026-11-01"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        body.contains("id=\"error\"") && body.contains("官報"),
        "{body}"
    );
    let (status, location, _) = post_form(
        &office,
        &s,
        "/standard/watch",
        &[
            ("_csrf", &csrf),
            ("kind", "guideline"),
            ("title", "テレワークセキュリティガイドラインの改訂"),
            ("source", "総務省"),
            ("published_on", "2026-11-01"),
            ("items", "NET-02"),
        ],
    )
    .await;
    assert_eq!(status, 303, "{location}");
    let (status, _, _) = post_form(
        &office,
        &s,
        &format!("{location}/no-change"),
        &[("_csrf", &csrf), ("reason", "VPNの項目で足りている")],
    )
    .await;
    assert_eq!(status, 303);
    let page = get_text(&office, &s.url(&location)).await;
    assert!(
        page.contains("status-no_change") && page.contains("VPNの項目で足りている"),
        "{page}"
    );
    // A security lead reads it but cannot change it.
    let lead = s.signed_in("lead-x@a-group.example").await;
    let page = get_text(&lead, &s.url(&location)).await;
    assert!(!page.contains("id=\"no-change-form\""), "{page}");
    let lead_csrf = hidden(&page, "_csrf");
    let (status, _, _) = post_form(
        &lead,
        &s,
        &format!("{location}/archive"),
        &[("_csrf", &lead_csrf), ("reason", "x")],
    )
    .await;
    assert_eq!(status, 403);
    s.stop().await;
}
