//! What operators look at: /healthz (the process answers), /readyz (the store answers and
//! its migrations are current), /metrics (Prometheus text: requests, latencies, the store's
//! pool), answered only to loopback and configured addresses.

use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::AppState;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: String,
    /// The route's pattern (`/artifacts/{id}`), never the path with its ids.
    pub route: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub method: String,
    pub route: String,
}

pub struct Metrics {
    registry: Mutex<Registry>,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    pool_size: Gauge,
    pool_idle: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(
            (|| Histogram::new(exponential_buckets(0.001, 2.0, 14))) as fn() -> Histogram,
        );
        let pool_size = Gauge::default();
        let pool_idle = Gauge::default();
        registry.register(
            "kamae_http_requests",
            "HTTP requests answered",
            requests.clone(),
        );
        registry.register(
            "kamae_http_request_duration_seconds",
            "Time to answer an HTTP request",
            latency.clone(),
        );
        registry.register(
            "kamae_store_pool_connections",
            "Connections open to the store",
            pool_size.clone(),
        );
        registry.register(
            "kamae_store_pool_idle",
            "Idle connections to the store",
            pool_idle.clone(),
        );
        Metrics {
            registry: Mutex::new(registry),
            requests,
            latency,
            pool_size,
            pool_idle,
        }
    }
}

pub async fn record(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let started = Instant::now();
    let res = next.run(req).await;
    let m = &state.metrics;
    m.requests
        .get_or_create(&RequestLabels {
            method: method.clone(),
            route: route.clone(),
            status: res.status().as_u16(),
        })
        .inc();
    m.latency
        .get_or_create(&RouteLabels { method, route })
        .observe(started.elapsed().as_secs_f64());
    res
}

pub async fn metrics(State(state): State<AppState>, req: Request) -> Response {
    // The peer itself, never a forwarded address: a proxy must not open this to the world.
    let allowed = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .is_some_and(|ConnectInfo(addr)| {
            addr.ip().is_loopback() || state.config.metrics_allow.contains(&addr.ip())
        });
    if !allowed {
        return (StatusCode::NOT_FOUND, "404").into_response();
    }
    let (size, idle) = state.store.pool_stats();
    state.metrics.pool_size.set(i64::from(size));
    state.metrics.pool_idle.set(idle as i64);
    let mut body = String::new();
    let encoded = match state.metrics.registry.lock() {
        Ok(registry) => encode(&mut body, &registry),
        Err(_) => Err(std::fmt::Error),
    };
    match encoded {
        Ok(()) => (
            [(
                header::CONTENT_TYPE,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            )],
            body,
        )
            .into_response(),
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "metrics unavailable").into_response(),
    }
}

pub async fn readyz(State(state): State<AppState>) -> Response {
    if !state.store.reachable().await {
        return (StatusCode::SERVICE_UNAVAILABLE, "store unreachable").into_response();
    }
    match state.store.migrations_pending().await {
        Ok(false) => (StatusCode::OK, "ready").into_response(),
        Ok(true) => (StatusCode::SERVICE_UNAVAILABLE, "migrations pending").into_response(),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "store unreachable").into_response(),
    }
}
