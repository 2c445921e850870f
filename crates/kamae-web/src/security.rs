//! Headers every response carries, the request id, and who the client is.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// No inline script or style anywhere: the CSP allows only what the binary serves.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
                   form-action 'self'; frame-ancestors 'none'";

pub async fn headers(req: Request, next: Next) -> Response {
    let id = uuid::Uuid::now_v7().to_string();
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let started = std::time::Instant::now();
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if let Ok(v) = HeaderValue::from_str(&id) {
        h.insert(REQUEST_ID, v);
    }
    tracing::info!(
        request_id = %id,
        %method,
        %path,
        status = res.status().as_u16(),
        ms = started.elapsed().as_secs_f64() * 1000.0,
        "request"
    );
    res
}

/// The client's address: the peer, or for a configured trusted proxy the last address in
/// X-Forwarded-For that is not itself a trusted proxy.
pub fn client_addr(
    peer: Option<&ConnectInfo<SocketAddr>>,
    forwarded_for: Option<&str>,
    trusted: &[IpAddr],
) -> Option<IpAddr> {
    let peer = peer.map(|c| c.0.ip())?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let Some(list) = forwarded_for else {
        return Some(peer);
    };
    let chain: Vec<IpAddr> = list
        .split(',')
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    Some(
        chain
            .iter()
            .rev()
            .find(|a| !trusted.contains(a))
            .copied()
            .unwrap_or(peer),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_only_from_trusted_proxies() {
        let proxy: IpAddr = [10, 0, 0, 1].into();
        let client: IpAddr = [203, 0, 113, 7].into();
        let spoofed: IpAddr = [198, 51, 100, 1].into();
        let via = |ip: IpAddr| ConnectInfo(SocketAddr::new(ip, 5000));
        // A direct client cannot choose its address by header.
        assert_eq!(
            client_addr(Some(&via(client)), Some("198.51.100.1"), &[proxy]),
            Some(client)
        );
        // Behind the proxy, the address the proxy saw (the last one) counts, not one the
        // client prepended.
        let xff = format!("{spoofed}, {client}");
        assert_eq!(
            client_addr(Some(&via(proxy)), Some(&xff), &[proxy]),
            Some(client)
        );
        assert_eq!(client_addr(Some(&via(proxy)), None, &[proxy]), Some(proxy));
    }
}
