//! The context of a page request: the language, the signed-in user (if any), the CSRF
//! token. Handlers that need a user take [`SignedIn`], which cannot be built without one.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRef, FromRequestParts, OriginalUri};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use kamae_core::access::Actor;
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::error::Failure;
use crate::i18n::{Lang, T};

pub const SESSION_COOKIE: &str = "kamae_session";
pub const LANG_COOKIE: &str = "kamae_lang";
/// The double-submit token of forms shown before sign-in.
pub const FORM_COOKIE: &str = "kamae_form";

pub fn cookie(parts: &Parts, name: &str) -> Option<String> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// The CSRF token of a session: derived from its secret, so nothing more is stored.
pub fn csrf_for_session(secret: &str) -> String {
    hex::encode(Sha256::digest(format!("kamae-csrf:{secret}").as_bytes()))
}

pub struct Ctx {
    pub state: AppState,
    pub lang: Lang,
    pub actor: Option<Actor>,
    /// The signed-in user's name.
    pub name: Option<String>,
    /// The password was right; the second factor is still to come.
    pub second_factor_pending: bool,
    /// The policy asks for a second factor this user has not set up yet.
    pub second_factor_missing: bool,
    pub session: Option<String>,
    /// The token forms must send back.
    pub csrf: String,
    pub path: String,
    pub client: Option<std::net::IpAddr>,
    /// Served over TLS: cookies get `Secure`.
    pub secure: bool,
}

impl<S> FromRequestParts<S> for Ctx
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let session = cookie(parts, SESSION_COOKIE).filter(|s| !s.is_empty());
        let user = match &session {
            Some(secret) => state.store.session_user(secret).await.ok(),
            None => None,
        };
        let user_lang = user.as_ref().and_then(|u| Lang::parse(&u.locale));
        let name = user.as_ref().map(|u| u.name.clone());
        let second_factor_pending = user.as_ref().is_some_and(|u| u.second_factor_pending);
        let second_factor_missing = user.as_ref().is_some_and(|u| u.second_factor_missing);
        // A session waiting for its second factor is nobody yet.
        let actor = user.filter(|u| !u.second_factor_pending).map(|u| u.actor);
        let lang = user_lang
            .or_else(|| cookie(parts, LANG_COOKIE).and_then(|l| Lang::parse(&l)))
            .or_else(|| {
                parts
                    .headers
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(Lang::from_accept_language)
            })
            .unwrap_or(Lang::Ja);
        let csrf = match (&actor, &session, second_factor_pending) {
            (Some(_), Some(secret), _) | (None, Some(secret), true) => csrf_for_session(secret),
            _ => cookie(parts, FORM_COOKIE).unwrap_or_default(),
        };
        let path = parts
            .extensions
            .get::<OriginalUri>()
            .map(|u| u.0.path().to_owned())
            .unwrap_or_else(|| parts.uri.path().to_owned());
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>();
        let forwarded = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok());
        let client = crate::security::client_addr(peer, forwarded, &state.config.trusted_proxies);
        // TLS: configured, or said by a trusted proxy (never by the client itself).
        let from_proxy = peer.is_some_and(|p| state.config.trusted_proxies.contains(&p.0.ip()));
        let proxied_https = from_proxy
            && parts
                .headers
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"));
        let secure = state.config.behind_tls || proxied_https;
        Ok(Ctx {
            lang,
            name,
            actor,
            second_factor_pending,
            second_factor_missing,
            session,
            csrf,
            path,
            client,
            secure,
            state,
        })
    }
}

impl Ctx {
    pub fn t(&self) -> T<'_> {
        T {
            catalog: &self.state.catalog,
            lang: self.lang,
        }
    }

    /// Checks the token a form sent back.
    pub fn check_csrf(&self, sent: &str) -> Result<(), PageError> {
        let ok = !self.csrf.is_empty()
            && sent.len() == self.csrf.len()
            && sent
                .bytes()
                .zip(self.csrf.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        if ok {
            Ok(())
        } else {
            Err(self.fail(Failure::csrf()))
        }
    }

    /// An error page in the user's language.
    pub fn fail(&self, f: impl Into<Failure>) -> PageError {
        let f: Failure = f.into();
        let page = crate::pages::ErrorPage {
            chrome: crate::pages::Chrome::new(self, ""),
            status: f.status.as_u16(),
            code: f.code,
            message: f.message(self.lang).to_owned(),
        };
        PageError(Box::new(
            (f.status, crate::pages::render(&page)).into_response(),
        ))
    }
}

/// A rendered error page (boxed: a response is large, and errors travel through `?`).
pub struct PageError(pub Box<Response>);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        *self.0
    }
}

/// A page request by a signed-in user. Without one, the browser goes to the sign-in page
/// and comes back afterwards.
pub struct SignedIn {
    pub ctx: Ctx,
    pub actor: Actor,
}

impl<S> FromRequestParts<S> for SignedIn
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ctx = Ctx::from_request_parts(parts, state).await?;
        let next = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        match ctx.actor.clone() {
            // Until the required second factor is set up, only the account pages open.
            Some(_) if ctx.second_factor_missing && !ctx.path.starts_with("/account") => {
                Err(Redirect::to("/account/second-factor").into_response())
            }
            Some(actor) => Ok(SignedIn { ctx, actor }),
            None if ctx.second_factor_pending => {
                let target = format!("/signin/second-factor?next={}", urlencode(next));
                Err(Redirect::to(&target).into_response())
            }
            None => {
                let target = format!("/signin?next={}", urlencode(next));
                Err(Redirect::to(&target).into_response())
            }
        }
    }
}

pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Only a path on this site may be a place to return to after sign-in.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
}
