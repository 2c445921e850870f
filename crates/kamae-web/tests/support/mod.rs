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
