//! The second factor through the pages: enrolment with a QR code, sign-in with a code,
//! and a policy that sends users to set it up first.

mod support;

use support::*;

fn code_for(secret: &str) -> String {
    let bytes = totp_rs::Secret::try_from_base32(secret)
        .unwrap_or_else(|e| panic!("{e:?}"))
        .as_bytes()
        .to_vec();
    let totp = totp_rs::Builder::new()
        .with_secret(bytes)
        .with_account_name("x@example.com")
        .build()
        .unwrap_or_else(|e| panic!("{e:?}"));
    totp.generate(chrono::Utc::now().timestamp() as u64)
        .to_string()
}

fn between<'a>(page: &'a str, start: &str, end: &str) -> &'a str {
    page.split(start)
        .nth(1)
        .and_then(|r| r.split(end).next())
        .unwrap_or_else(|| panic!("no {start} in page:\n{page}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrol_then_sign_in_with_a_code() {
    let s = Server::start().await;
    let c = s.signed_in("office@a-group.example").await;
    let page = get_text(&c, &s.url("/account")).await;
    // The demo group says plainly that the second factor is optional there.
    assert!(page.contains("id=\"demo-mfa\""), "{page}");
    let csrf = hidden(&page, "_csrf");
    let res = c
        .post(s.url("/account/second-factor/start"))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let page = res.text().await.unwrap_or_default();
    assert!(
        page.contains("<svg") && page.contains("id=\"totp-secret\""),
        "a QR code as SVG: {page}"
    );
    let secret = between(&page, "<code id=\"totp-secret\">", "</code>").to_owned();
    let res = c
        .post(s.url("/account/second-factor/confirm"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("code", code_for(&secret).as_str()),
        ])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 200);
    let page = res.text().await.unwrap_or_default();
    assert_eq!(
        page.matches("<li><code>").count(),
        10,
        "ten recovery codes: {page}"
    );
    let recovery = between(&page, "<li><code>", "</code>").to_owned();
    // Signing in again asks for the code before anything else.
    let c2 = s.client();
    let signin = get_text(&c2, &s.url("/signin")).await;
    let form_csrf = hidden(&signin, "_csrf");
    let res = c2
        .post(s.url("/signin"))
        .form(&[
            ("email", "office@a-group.example"),
            ("password", DEMO_PASSWORD),
            ("_csrf", &form_csrf),
            ("next", "/approvals"),
        ])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        res.headers().get("location").and_then(|v| v.to_str().ok()),
        Some("/signin/second-factor?next=/approvals")
    );
    let res = c2
        .get(s.url("/"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        res.headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|l| l.starts_with("/signin/second-factor")),
        "no page before the second factor"
    );
    let page = get_text(&c2, &s.url("/signin/second-factor?next=/approvals")).await;
    let csrf2 = hidden(&page, "_csrf");
    let res = c2
        .post(s.url("/signin/second-factor"))
        .form(&[
            ("_csrf", csrf2.as_str()),
            ("code", "000000"),
            ("next", "/approvals"),
        ])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 422);
    let res = c2
        .post(s.url("/signin/second-factor"))
        .form(&[
            ("_csrf", csrf2.as_str()),
            ("code", recovery.as_str()),
            ("next", "/approvals"),
        ])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        res.headers().get("location").and_then(|v| v.to_str().ok()),
        Some("/approvals")
    );
    let inbox = get_text(&c2, &s.url("/approvals")).await;
    assert!(inbox.contains("承認の受信箱"));
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_required_second_factor_comes_first() {
    let s = Server::start().await;
    let store = &s.store.store;
    let groups = store.all_groups().await.unwrap_or_else(|e| panic!("{e}"));
    let a = groups
        .iter()
        .find(|g| g.code.as_str() == "A-GROUP")
        .unwrap_or_else(|| panic!("demo group"));
    let system = kamae_core::access::Actor::System { group: a.id };
    store
        .set_mfa_policy(&system, &["ciso".into()])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let c = s.signed_in("ciso@a-group.example").await;
    let res = c
        .get(s.url("/approvals"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        res.headers().get("location").and_then(|v| v.to_str().ok()),
        Some("/account/second-factor")
    );
    let page = get_text(&c, &s.url("/account/second-factor")).await;
    assert!(page.contains("id=\"required-notice\""));
    // Others are not held up.
    let o = s.signed_in("office@a-group.example").await;
    let res = o
        .get(s.url("/approvals"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 200);
    s.stop().await;
}
