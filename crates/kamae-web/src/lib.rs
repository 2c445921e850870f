//! kamae's web workbench: server-rendered pages in Japanese and English, and the JSON API,
//! both over the same store and the same `authorize`.

pub mod api;
mod ctx;
mod error;
pub mod files;
pub mod i18n;
mod ops;
mod pages;
pub mod policy;
mod render;
mod security;
mod simulate;
mod statics;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::Router;
use axum::extract::FromRef;

use axum::middleware;
use axum::routing::get;
use kamae_store::Store;

use crate::i18n::Catalog;

/// How the server is deployed.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// Served over TLS (directly or by a proxy): cookies get `Secure`.
    pub behind_tls: bool,
    /// Proxies whose X-Forwarded-For and X-Forwarded-Proto are believed.
    pub trusted_proxies: Vec<IpAddr>,
    /// Addresses besides loopback that may read /metrics.
    pub metrics_allow: Vec<IpAddr>,
}

pub struct Inner {
    pub(crate) store: Store,
    pub(crate) catalog: Catalog,
    pub(crate) config: WebConfig,
    pub(crate) metrics: ops::Metrics,
    /// One Monte Carlo run per core at a time.
    pub(crate) simulations: Arc<tokio::sync::Semaphore>,
}

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    pub fn new(store: Store, config: WebConfig) -> Result<AppState, String> {
        Ok(AppState(Arc::new(Inner {
            store,
            catalog: Catalog::load()?,
            config,
            metrics: ops::Metrics::new(),
            simulations: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(1, usize::from),
            )),
        })))
    }
}

impl FromRef<AppState> for () {
    fn from_ref(_: &AppState) {}
}

pub fn router(state: AppState) -> Router {
    let (api, _) = api::routes();
    Router::new()
        .merge(pages::routes())
        .merge(api)
        .route("/api/{*rest}", axum::routing::any(api::not_found))
        .merge(statics::routes())
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .fallback(not_found)
        .route_layer(middleware::from_fn_with_state(state.clone(), ops::record))
        .layer(middleware::from_fn(security::headers))
        .with_state(state)
}

async fn not_found(ctx: ctx::Ctx) -> ctx::PageError {
    ctx.fail(error::Failure::not_found())
}

/// Serves until Ctrl-C or SIGTERM, letting requests under way finish.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
