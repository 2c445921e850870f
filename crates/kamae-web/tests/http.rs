//! The web workbench over real HTTP.

mod support;

use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_need_a_sign_in_and_keep_where_you_were_going() {
    let s = Server::start().await;
    let c = s.client();
    let res = c
        .get(s.url("/roles/e"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers().get("location").and_then(|v| v.to_str().ok()),
        Some("/signin?next=/roles/e")
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_the_security_headers() {
    let s = Server::start().await;
    let c = s.client();
    for path in ["/signin", "/", "/nowhere", "/static/kamae.css", "/healthz"] {
        let res = c
            .get(s.url(path))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let h = res.headers();
        let csp = h
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        assert!(
            csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
        assert_eq!(
            h.get("x-content-type-options")
                .and_then(|v| v.to_str().ok()),
            Some("nosniff")
        );
        assert!(h.get("referrer-policy").is_some());
        assert!(h.get("x-request-id").is_some());
    }
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_home_and_sign_out() {
    let s = Server::start().await;
    let c = s.signed_in("ciso@a-group.example").await;
    let home = get_text(&c, &s.url("/")).await;
    assert!(home.contains("佐藤 浩二"), "{home}");
    assert!(home.contains("承認を待っている文書"));
    // The CISO sees the sensitive grants (the demo's executive and CISO).
    assert!(home.contains("ceo@a-group.example"));
    // The session cookie is HttpOnly and SameSite=Lax, not Secure on plain HTTP.
    let csrf = hidden(&home, "_csrf");
    // Signing out without the form's token is refused.
    let res = c
        .post(s.url("/signout"))
        .form(&[("_csrf", "nope")])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 403);
    let res = c
        .post(s.url("/signout"))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 303);
    let res = c
        .get(s.url("/"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 303, "the session ended");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_cookies_are_http_only_and_lax() {
    for tls in [false, true] {
        let s = Server::start_with(kamae_web::WebConfig {
            behind_tls: tls,
            ..Default::default()
        })
        .await;
        let c = s.client();
        let page = get_text(&c, &s.url("/signin")).await;
        let csrf = hidden(&page, "_csrf");
        let res = c
            .post(s.url("/signin"))
            .form(&[
                ("email", "ciso@a-group.example"),
                ("password", DEMO_PASSWORD),
                ("_csrf", &csrf),
            ])
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let cookie = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("kamae_session="))
            .unwrap_or_else(|| panic!("no session cookie"))
            .to_owned();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        assert_eq!(cookie.contains("Secure"), tls, "{cookie}");
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_sign_in_says_the_same_whether_the_account_exists() {
    let s = Server::start().await;
    let c = s.client();
    let page = get_text(&c, &s.url("/signin")).await;
    let csrf = hidden(&page, "_csrf");
    let mut bodies = Vec::new();
    for email in ["ciso@a-group.example", "nobody@a-group.example"] {
        let res = c
            .post(s.url("/signin"))
            .form(&[
                ("email", email),
                ("password", "wrong password"),
                ("_csrf", &csrf),
                ("next", "/"),
            ])
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(res.status(), 401);
        let body = res.text().await.unwrap_or_default();
        assert!(
            body.contains("メールアドレスまたはパスワードが正しくありません"),
            "{body}"
        );
        bodies.push(body.replace(email, ""));
    }
    assert_eq!(bodies[0], bodies[1]);
    // Without the form token, nothing is tried at all.
    let res = c
        .post(s.url("/signin"))
        .form(&[
            ("email", "ciso@a-group.example"),
            ("password", DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 403);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_failures_are_slowed_down_not_locked_out() {
    let s = Server::start().await;
    let c = s.client();
    let page = get_text(&c, &s.url("/signin")).await;
    let csrf = hidden(&page, "_csrf");
    let attempt = |password: &'static str| {
        let c = c.clone();
        let url = s.url("/signin");
        let csrf = csrf.clone();
        async move {
            c.post(url)
                .form(&[
                    ("email", "ciso@a-group.example"),
                    ("password", password),
                    ("_csrf", csrf.as_str()),
                ])
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"))
        }
    };
    for _ in 0..3 {
        assert_eq!(attempt("wrong password").await.status(), 401);
    }
    // The fourth attempt comes too soon, even with the right password.
    let res = attempt(DEMO_PASSWORD).await;
    assert_eq!(res.status(), 429);
    let body = res.text().await.unwrap_or_default();
    assert!(body.contains("秒待ってから"), "{body}");
    // The CISO at another address is not held up by failures elsewhere.
    let other = s
        .store
        .store
        .sign_in("ciso@a-group.example", DEMO_PASSWORD, Some("198.51.100.9"))
        .await;
    assert!(other.is_ok(), "{other:?}");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn language_follows_the_browser_then_the_user() {
    let s = Server::start().await;
    let c = s.client();
    let en = c
        .get(s.url("/signin"))
        .header("accept-language", "en-US,en;q=0.9")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .text()
        .await
        .unwrap_or_default();
    assert!(en.contains("<html lang=\"en\">") && en.contains("E-mail address"));
    let ja = get_text(&c, &s.url("/signin")).await;
    assert!(ja.contains("<html lang=\"ja\">") && ja.contains("メールアドレス"));
    // A signed-in user's choice is kept with the account.
    let u = s.signed_in("lead-x@a-group.example").await;
    let home = get_text(&u, &s.url("/")).await;
    let csrf = hidden(&home, "_csrf");
    let res = u
        .post(s.url("/lang"))
        .form(&[
            ("lang", "en"),
            ("back", "/roles/d"),
            ("_csrf", csrf.as_str()),
        ])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        res.headers().get("location").and_then(|v| v.to_str().ok()),
        Some("/roles/d")
    );
    let page = get_text(&u, &s.url("/roles/d")).await;
    assert!(page.contains("Measures, rules and advice"), "{page}");
    // Even from a browser that asks for Japanese.
    let page = u
        .get(s.url("/"))
        .header("accept-language", "ja")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .text()
        .await
        .unwrap_or_default();
    assert!(page.contains("Home — what awaits me"));
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roles_without_their_workspace_say_so_plainly() {
    let s = Server::start().await;
    let c = s.signed_in("office@a-group.example").await;
    for letter in ["a", "b", "f", "g"] {
        let page = get_text(&c, &s.url(&format!("/roles/{letter}"))).await;
        assert!(
            page.contains("この役割の作業画面はまだ作られていません"),
            "{letter}"
        );
    }
    // Role D's workspace is built: its page links to it and says only what is still to come.
    let d = get_text(&c, &s.url("/roles/d")).await;
    assert!(
        !d.contains("この役割の作業画面はまだ作られていません")
            && d.contains("これから加わること")
            && d.contains("href=\"/standard/companies\""),
        "{d}"
    );
    // Role E's is built: it links to its pages and says what comes with role G.
    let e = get_text(&c, &s.url("/roles/e")).await;
    assert!(
        !e.contains("この役割の作業画面はまだ作られていません")
            && e.contains("これから加わること")
            && e.contains("役割G")
            && e.contains("href=\"/risk\"")
            && e.contains("href=\"/risk/context\""),
        "{e}"
    );
    // Role C's is built: business cases, and nothing said to be still to come.
    let role_c = get_text(&c, &s.url("/roles/c")).await;
    assert!(
        !role_c.contains("この役割の作業画面はまだ作られていません")
            && role_c.contains("使えること")
            && !role_c.contains("これから加わ")
            && role_c.contains("href=\"/business-cases\""),
        "{role_c}"
    );
    let res = c
        .get(s.url("/roles/h"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 404);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operators_see_health_readiness_and_metrics() {
    let s = Server::start().await;
    let c = s.client();
    assert_eq!(get_text(&c, &s.url("/healthz")).await, "ok");
    let res = c
        .get(s.url("/readyz"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 200);
    // Some traffic first, then its counters.
    let _ = get_text(&c, &s.url("/signin")).await;
    let metrics = get_text(&c, &s.url("/metrics")).await;
    assert!(
        metrics
            .contains("kamae_http_requests_total{method=\"GET\",route=\"/signin\",status=\"200\"}"),
        "{metrics}"
    );
    assert!(metrics.contains("kamae_http_request_duration_seconds_bucket"));
    assert!(metrics.contains("kamae_store_pool_connections"));
    // Routes, never paths with ids, label the counters.
    let u = s.signed_in("office@a-group.example").await;
    let _ = u
        .get(s.url("/artifacts/01a22300-0000-7000-8000-000000000000"))
        .send()
        .await;
    let metrics = get_text(&c, &s.url("/metrics")).await;
    assert!(metrics.contains("route=\"/artifacts/{id}\""), "{metrics}");
    assert!(!metrics.contains("01a22300"));
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_headers_count_only_from_trusted_proxies() {
    for trusted in [false, true] {
        let config = kamae_web::WebConfig {
            trusted_proxies: if trusted {
                vec![[127, 0, 0, 1].into()]
            } else {
                vec![]
            },
            ..Default::default()
        };
        let s = Server::start_with(config).await;
        let c = s.client();
        let page = get_text(&c, &s.url("/signin")).await;
        let csrf = hidden(&page, "_csrf");
        let res = c
            .post(s.url("/signin"))
            .header("x-forwarded-proto", "https")
            .form(&[
                ("email", "ciso@a-group.example"),
                ("password", DEMO_PASSWORD),
                ("_csrf", &csrf),
            ])
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let cookie = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("kamae_session="))
            .unwrap_or_default()
            .to_owned();
        assert_eq!(cookie.contains("Secure"), trusted, "{cookie}");
        s.stop().await;
    }
}
