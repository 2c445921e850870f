//! A real kamae server on a free loopback port, over a real store with the demo loaded,
//! and clients that keep cookies like a browser.

#![allow(dead_code)]

use std::net::SocketAddr;

use kamae_store::testing::TestStore;
use kamae_web::{AppState, WebConfig};

pub const DEMO_PASSWORD: &str = "kamae-demo-2026";

pub struct Server {
    pub base: String,
    pub store: TestStore,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    pub async fn start() -> Server {
        Self::start_with(WebConfig::default()).await
    }

    pub async fn start_with(config: WebConfig) -> Server {
        let t = TestStore::sqlite().await;
        t.store
            .load_demo()
            .await
            .unwrap_or_else(|e| panic!("demo: {e}"));
        let state = AppState::new(t.store.clone(), config).unwrap_or_else(|e| panic!("{e}"));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
        let app = kamae_web::router(state).into_make_service_with_connect_info::<SocketAddr>();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Server {
            base: format!("http://{addr}"),
            store: t,
            task,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A client with its own cookie jar that does not follow redirects.
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// A browser-like client signed in as `email` (with the demo password).
    pub async fn signed_in(&self, email: &str) -> reqwest::Client {
        let c = self.client();
        let page = get_text(&c, &self.url("/signin")).await;
        let csrf = hidden(&page, "_csrf");
        let res = c
            .post(self.url("/signin"))
            .form(&[
                ("email", email),
                ("password", DEMO_PASSWORD),
                ("_csrf", &csrf),
                ("next", "/"),
            ])
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            res.status(),
            303,
            "sign-in of {email} failed: {}",
            res.text().await.unwrap_or_default()
        );
        c
    }

    pub async fn stop(self) {
        self.task.abort();
        self.store.finish().await;
    }
}

pub async fn get_text(c: &reqwest::Client, url: &str) -> String {
    c.get(url)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .text()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The value of a hidden input in a page.
pub fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    page.split(&marker)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("no hidden {name} in page:\n{page}"))
}

/// One item of the standard, complete, for tests that need a standard.
pub fn standard_item(code: &str) -> kamae_core::rules::StandardItem {
    use kamae_core::rules::{Criterion, FrameworkRef, StandardItem, Tier};
    StandardItem {
        code: kamae_core::text::Code::parse(code).unwrap_or_else(|e| panic!("{e}")),
        title: "退職者アカウントの無効化".into(),
        requirement: "退職者のIDを無効化する <script>alert(1)</script>".into(),
        criterion: Criterion {
            text: "退職日から5営業日以内".into(),
            value: Some("5".into()),
            unit: Some("営業日".into()),
        },
        rationale: "放置されたIDは乗っ取られても気づかれない".into(),
        check: "退職者一覧とIDの突合記録".into(),
        alternative: Some("パスワードを変更し利用を監視する".into()),
        category: "アクセス管理".into(),
        tier: Tier::GroupMandatory,
        applicability: None,
        options: vec![],
        mappings: vec![FrameworkRef::NistCsf2("PR.AA-05".into())],
    }
}

/// A small reference framework: one group, a control and its enhancement.
pub fn tiny_framework(code: &str) -> kamae_core::rules::ReferenceFramework {
    use kamae_core::rules::{FrameworkNode, FrameworkSource, NodeKind, ReferenceFramework};
    let node =
        |id: &str, ref_id: &str, parent: Option<&str>, depth, kind, title: &str| FrameworkNode {
            node_id: id.into(),
            ref_id: ref_id.into(),
            parent: parent.map(Into::into),
            depth,
            kind,
            title: title.into(),
            description: "Manage accounts.".into(),
            assessable: kind != NodeKind::Group,
        };
    ReferenceFramework {
        code: kamae_core::text::Code::parse(code).unwrap_or_else(|e| panic!("{e}")),
        name: "Tiny catalog".into(),
        version: "1".into(),
        source: FrameworkSource::Oscal,
        nodes: vec![
            node("ac", "ac", None, 1, NodeKind::Group, "Access Control"),
            node(
                "ac-2",
                "AC-2",
                Some("ac"),
                2,
                NodeKind::Control,
                "Account Management",
            ),
            node(
                "ac-2.1",
                "AC-2(1)",
                Some("ac-2"),
                3,
                NodeKind::Enhancement,
                "Automated",
            ),
        ],
    }
}

/// A personal API token for a user of the demo.
pub async fn token_for(s: &Server, email: &str) -> String {
    let store = &s.store.store;
    let group = store
        .actor_for_email(&kamae_core::text::Email::parse(email).unwrap_or_else(|e| panic!("{e}")))
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .group();
    let system = kamae_core::access::Actor::System { group };
    store
        .create_api_token_for(
            &system,
            &kamae_core::text::Email::parse(email).unwrap_or_else(|e| panic!("{e}")),
            "test",
            Some(1),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .1
}

/// Posts a form as the client; the status, the redirect's location (if any) and the body.
pub async fn post_form(
    c: &reqwest::Client,
    s: &Server,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, String, String) {
    let res = c
        .post(s.url(path))
        .form(form)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let status = res.status().as_u16();
    let location = res
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, location, res.text().await.unwrap_or_default())
}

/// Posts a multipart form with one file, as the import pages do; the status and the page.
pub async fn upload(
    c: &reqwest::Client,
    s: &Server,
    path: &str,
    csrf: &str,
    name: &str,
    bytes: Vec<u8>,
    fields: &[(&str, &str)],
) -> (u16, String) {
    let mut form = reqwest::multipart::Form::new()
        .text("_csrf", csrf.to_owned())
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
        );
    for (k, v) in fields {
        form = form.text((*k).to_owned(), (*v).to_owned());
    }
    let res = c
        .post(s.url(path))
        .multipart(form)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let status = res.status().as_u16();
    (status, res.text().await.unwrap_or_default())
}

/// Calls the API with a bearer token; a JSON body unless it is null. The status and the
/// answer as JSON (null when it is not JSON).
pub async fn send(
    s: &Server,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    let mut req = reqwest::Client::new()
        .request(method, s.url(path))
        .bearer_auth(token);
    if !body.is_null() {
        req = req.json(&body);
    }
    let res = req.send().await.unwrap_or_else(|e| panic!("{e}"));
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(serde_json::Value::Null))
}
