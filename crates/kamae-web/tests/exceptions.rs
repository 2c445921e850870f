//! Exceptions and transitional measures as story 1 needs them: the verbal agreement that
//! expired shows as non-compliance, a lead cannot accept the risk of a group-mandatory item
//! for their own company, and the lists reach whoever must act.

mod support;

use support::*;

async fn csrf_of(c: &reqwest::Client, s: &Server) -> String {
    hidden(&get_text(c, &s.url("/")).await, "_csrf")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_verbal_agreement_expired_and_shows_as_non_compliance() {
    let s = Server::start().await;
    let office = s.signed_in("office@a-group.example").await;
    let all = get_text(&office, &s.url("/exceptions")).await;
    for part in [
        "X社の既存ファイアウォールをUTM相当とみなす",
        "B社 独自のウイルス対策",
        "C社 自社のネットワーク機器",
    ] {
        assert!(all.contains(part), "{part} missing from the list");
    }
    let expired = get_text(&office, &s.url("/exceptions?list=expired")).await;
    assert!(
        expired.contains("口頭合意の記録") && !expired.contains("B社 独自"),
        "{expired}"
    );
    // The item's page names the company where it is not met.
    let item = get_text(&office, &s.url("/standard/items/NET-01")).await;
    assert!(
        item.contains("id=\"non-compliance\"") && item.contains("X社"),
        "{item}"
    );
    // The CISO office's home page lists what needs action.
    let home = get_text(&office, &s.url("/")).await;
    assert!(
        home.contains("id=\"exception-lists\"") && home.contains("/exceptions?list=expired"),
        "{home}"
    );
    // X社's lead sees X社's exceptions only; B社's viewer none.
    let lead = s.signed_in("lead-x@a-group.example").await;
    let theirs = get_text(&lead, &s.url("/exceptions")).await;
    assert!(
        theirs.contains("口頭合意の記録") && !theirs.contains("B社 独自"),
        "{theirs}"
    );
    let viewer = s.signed_in("viewer-b@a-group.example").await;
    let b = get_text(&viewer, &s.url("/exceptions")).await;
    assert!(b.contains("B社 独自") && !b.contains("口頭合意"), "{b}");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_authority_the_tier_requires_accepts_the_risk() {
    let s = Server::start().await;
    let lead = s.signed_in("lead-x@a-group.example").await;
    let ciso = s.signed_in("ciso@a-group.example").await;
    let office = s.signed_in("office@a-group.example").await;
    let lead_csrf = csrf_of(&lead, &s).await;
    let today = s
        .store
        .store
        .today(
            s.store
                .store
                .actor_for_email(
                    &kamae_core::text::Email::parse("lead-x@a-group.example")
                        .unwrap_or_else(|e| panic!("{e}")),
                )
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .group(),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let (start, end, due) = (
        today.to_string(),
        (today + chrono::Duration::days(180)).to_string(),
        (today + chrono::Duration::days(90)).to_string(),
    );
    let plan = format!("{due} / X社 情報システム課 / 認証基盤を更新する");
    let form = |csrf: &str, items: &str, compensating: &str| {
        vec![
            ("_csrf".to_owned(), csrf.to_owned()),
            ("company".to_owned(), "X".to_owned()),
            ("kind".to_owned(), "transitional".to_owned()),
            ("title".to_owned(), "退職者IDの手作業での無効化".to_owned()),
            ("items".to_owned(), items.to_owned()),
            ("sites".to_owned(), "X-Y".to_owned()),
            (
                "reason".to_owned(),
                "人事システムとの連携が来年度になるため".to_owned(),
            ),
            ("compensating".to_owned(), compensating.to_owned()),
            ("starts_on".to_owned(), start.clone()),
            ("expires_on".to_owned(), end.clone()),
            ("plan".to_owned(), plan.clone()),
        ]
    };
    let as_refs = |f: &[(String, String)]| {
        f.iter()
            .map(|(a, b)| (a.clone(), b.clone()))
            .collect::<Vec<_>>()
    };

    // A refused request keeps everything that was typed, and says what is missing.
    let res = lead
        .post(s.url("/exceptions"))
        .form(&as_refs(&form(&lead_csrf, "ACC-01", "")))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap_or_default();
    assert!(
        page.contains("補完的対策") && page.contains("人事システムとの連携が来年度になるため"),
        "{page}"
    );

    // The lead records an exception to a group-mandatory item and cannot accept its risk.
    let res = lead
        .post(s.url("/exceptions"))
        .form(&as_refs(&form(
            &lead_csrf,
            "ACC-01",
            "毎週、退職者一覧とIDを手作業で突き合わせる",
        )))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 303);
    let at = res
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let (status, _, _) =
        post_form(&lead, &s, &format!("{at}/submit"), &[("_csrf", &lead_csrf)]).await;
    assert_eq!(status, 303);
    let view = get_text(&lead, &s.url(&at)).await;
    assert!(
        !view.contains("id=\"approve-form\""),
        "no approve button for the lead"
    );
    let (status, _, _) = post_form(
        &lead,
        &s,
        &format!("{at}/approve"),
        &[("_csrf", &lead_csrf)],
    )
    .await;
    assert_eq!(
        status, 403,
        "a lead cannot accept a group-mandatory item's risk"
    );
    let ciso_home = get_text(&ciso, &s.url("/")).await;
    assert!(
        ciso_home.contains("退職者IDの手作業での無効化"),
        "it waits in the CISO's home page"
    );
    let ciso_csrf = csrf_of(&ciso, &s).await;
    let (status, _, _) = post_form(
        &ciso,
        &s,
        &format!("{at}/approve"),
        &[("_csrf", &ciso_csrf)],
    )
    .await;
    assert_eq!(status, 303);
    let view = get_text(&lead, &s.url(&at)).await;
    assert!(
        view.contains("status-active") && view.contains("佐藤 浩二"),
        "in force, with who accepted it: {view}"
    );
    // Progress on the plan is recorded without touching the approval.
    let (status, _, _) = post_form(
        &lead,
        &s,
        &format!("{at}/milestones/0"),
        &[("_csrf", &lead_csrf), ("done_on", &start)],
    )
    .await;
    assert_eq!(status, 303);
    assert!(
        get_text(&lead, &s.url(&at))
            .await
            .contains("state-approved")
    );

    // A company-mandatory item only: the company's lead accepts it, not the CISO.
    let office_csrf = csrf_of(&office, &s).await;
    let res = office
        .post(s.url("/exceptions"))
        .form(&as_refs(&form(
            &office_csrf,
            "ACC-03",
            "特権IDの貸与記録を毎週確認する",
        )))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 303);
    let b = res
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    post_form(
        &office,
        &s,
        &format!("{b}/submit"),
        &[("_csrf", &office_csrf)],
    )
    .await;
    let (status, _, _) =
        post_form(&ciso, &s, &format!("{b}/approve"), &[("_csrf", &ciso_csrf)]).await;
    assert_eq!(status, 403);
    let (status, _, _) =
        post_form(&lead, &s, &format!("{b}/approve"), &[("_csrf", &lead_csrf)]).await;
    assert_eq!(status, 303);
    // The history tells who asked, who accepted, and the progress.
    let history = get_text(
        &office,
        &s.url(&format!(
            "/history/exception/{}",
            at.trim_start_matches("/exceptions/")
        )),
    )
    .await;
    assert!(
        history.contains("加藤 誠") && history.contains("佐藤 浩二"),
        "{history}"
    );
    s.stop().await;
}
