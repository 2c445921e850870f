//! Applicability per company on the web: each company sees what binds it (and what a pending
//! revision changes for it); an agreement is drafted by the company's lead and decided only
//! by the CISO.

mod support;

use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_company_sees_what_binds_it_and_the_ciso_decides_the_agreement() {
    let s = Server::start().await;
    let lead = s.signed_in("lead-x@a-group.example").await;
    // X社's view: its agreed items, the expired verbal agreement as non-compliance, and what
    // the revision awaiting the CISO changes for it.
    let x = get_text(&lead, &s.url("/standard/companies/X")).await;
    for part in [
        "id=\"binding-now\"",
        "OT-01",
        "class=\"non-compliance\"",
        "id=\"revision\"",
        "id=\"binding-after\"",
    ] {
        assert!(x.contains(part), "{part} missing from X社's view");
    }
    // The revision adds CLD-02 (company-mandatory) that no agreement decides yet.
    let undecided = x.split("id=\"undecided\"").nth(1).unwrap_or_default();
    assert!(undecided.contains("CLD-02"), "{x}");
    // The lead's home page says what the standard asks of X社 and what the revision changes.
    let home = get_text(&lead, &s.url("/")).await;
    assert!(
        home.contains("id=\"my-company-X\"") && home.contains("class=\"revision-note\""),
        "{home}"
    );
    // Only its own company: B社 does not exist for X社's lead.
    let res = lead
        .get(s.url("/standard/companies/B"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status().as_u16(), 404);
    let overview = get_text(&lead, &s.url("/standard/companies")).await;
    assert!(
        overview.contains("X社") && !overview.contains("B社"),
        "{overview}"
    );

    // The lead drafts a new agreement: a wrong item is refused with the reason, nothing saved.
    let csrf = hidden(
        &get_text(&lead, &s.url("/standard/companies/X/agreement")).await,
        "_csrf",
    );
    let (status, _, page) = post_form(
        &lead,
        &s,
        "/standard/companies/X/agreement",
        &[("_csrf", &csrf), ("mandatory", "ACC-01"), ("note", "x")],
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        page.contains("ACC-01") && page.contains("id=\"error\""),
        "{page}"
    );
    let (status, _, _) = post_form(
        &lead,
        &s,
        "/standard/companies/X/agreement",
        &[
            ("_csrf", &csrf),
            ("mandatory", "OT-01"),
            ("mandatory", "DAT-01"),
            ("adopted", "EDU-02"),
            ("note", "通販を始めるため、顧客データの項目を追加"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let (status, _, _) = post_form(
        &lead,
        &s,
        "/standard/companies/X/agreement/submit",
        &[("_csrf", &csrf)],
    )
    .await;
    assert_eq!(status, 303);
    // The lead cannot decide it; the CISO can, and then it binds X社.
    let (status, _, _) = post_form(
        &lead,
        &s,
        "/standard/companies/X/agreement/approve",
        &[("_csrf", &csrf)],
    )
    .await;
    assert_eq!(status, 403);
    let ciso = s.signed_in("ciso@a-group.example").await;
    let home = get_text(&ciso, &s.url("/")).await;
    let inbox = home
        .split("id=\"agreement-inbox\"")
        .nth(1)
        .unwrap_or_default();
    assert!(inbox.contains("/standard/companies/X#open"), "{home}");
    assert!(
        !home.contains("id=\"my-company-"),
        "the CISO works for the group"
    );
    let page = get_text(&ciso, &s.url("/standard/companies/X")).await;
    assert!(page.contains("id=\"approve-form\""), "{page}");
    let ciso_csrf = hidden(&page, "_csrf");
    let (status, _, _) = post_form(
        &ciso,
        &s,
        "/standard/companies/X/agreement/approve",
        &[("_csrf", &ciso_csrf)],
    )
    .await;
    assert_eq!(status, 303);
    let x = get_text(&lead, &s.url("/standard/companies/X")).await;
    let binding = x.split("id=\"binding\"").nth(1).unwrap_or_default();
    let binding = binding.split("</section>").next().unwrap_or_default();
    assert!(
        binding.contains("DAT-01") && binding.contains("OT-01") && !binding.contains("OT-02"),
        "{binding}"
    );
    s.stop().await;
}
