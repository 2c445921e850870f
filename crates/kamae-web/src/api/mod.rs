//! The JSON API under `/api/v1`: the same store, the same `authorize`, personal API tokens
//! (`Authorization: Bearer …`). Lists answer `{ "items": […], "next": cursor | null }`;
//! errors answer `{ "code", "message", "details" }` in the caller's language; the request
//! id travels in the `x-request-id` header. The OpenAPI 3.1 document is generated from the
//! handlers themselves, so every route is in it.

pub mod v1;

use std::sync::OnceLock;

use axum::Json;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use kamae_core::access::Actor;
use serde::{Deserialize, Serialize};
use utoipa::openapi::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::Failure;
use crate::i18n::Lang;

/// An error as the API answers it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    /// A stable snake_case code (`not_found`, `forbidden`, `invalid_code`, …).
    pub code: String,
    /// What went wrong, in the caller's language.
    pub message: String,
    /// Which fields were wrong, where that is known.
    pub details: Vec<ErrorDetail>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ErrorDetail {
    pub path: String,
    pub message: String,
}

pub struct ApiError {
    pub failure: Failure,
    pub lang: Lang,
    pub details: Vec<ErrorDetail>,
}

impl ApiError {
    pub fn new(lang: Lang, f: impl Into<Failure>) -> ApiError {
        ApiError {
            failure: f.into(),
            lang,
            details: Vec::new(),
        }
    }

    pub fn at(mut self, path: &str) -> ApiError {
        let message = self.failure.message(self.lang).to_owned();
        self.details.push(ErrorDetail {
            path: path.to_owned(),
            message,
        });
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            code: self.failure.code.to_owned(),
            message: self.failure.message(self.lang).to_owned(),
            details: self.details,
        };
        (self.failure.status, Json(body)).into_response()
    }
}

fn lang_of(parts: &Parts) -> Option<Lang> {
    parts
        .headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept_language)
}

/// A caller of the API, identified by a personal API token.
pub struct ApiUser {
    pub actor: Actor,
    pub lang: Lang,
    pub state: AppState,
}

impl ApiUser {
    pub fn fail(&self, f: impl Into<Failure>) -> ApiError {
        ApiError::new(self.lang, f)
    }

    /// Whether a report is asked for as a workbook: its `format` is json (the default) or
    /// xlsx; anything else is refused at `format` before the report is looked up.
    pub fn wants_workbook(&self, format: Option<&str>) -> Result<bool, ApiError> {
        match format.unwrap_or("json") {
            "json" => Ok(false),
            "xlsx" => Ok(true),
            other => Err(self
                .fail(kamae_core::Problem::new(
                    "invalid_format",
                    format!("形式 {other:?} は扱えません。json か xlsx にしてください"),
                    format!("format {other:?} is not one of json, xlsx"),
                ))
                .at("format")),
        }
    }

    /// A workbook offered for download under `name`, its labels in the caller's language,
    /// as the web's download of the same report.
    pub fn workbook(
        &self,
        name: &str,
        write: impl FnOnce(&crate::i18n::T<'_>) -> Result<Vec<u8>, kamae_core::Problem>,
    ) -> Result<Response, ApiError> {
        let t = crate::i18n::T {
            catalog: &self.state.catalog,
            lang: self.lang,
        };
        let bytes = write(&t).map_err(|p| self.fail(p))?;
        Ok(crate::pages::standard::download(
            name,
            kamae_exchange::items::Format::Xlsx,
            bytes,
        ))
    }
}

impl<S> FromRequestParts<S> for ApiUser
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let asked = lang_of(parts);
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty());
        let Some(token) = token else {
            return Err(ApiError::new(
                asked.unwrap_or(Lang::Ja),
                Failure::new(
                    StatusCode::UNAUTHORIZED,
                    "token_required",
                    "APIトークンが必要です（Authorization: Bearer …）",
                    "an API token is required (Authorization: Bearer …)",
                ),
            ));
        };
        match state.store.api_token_user(token).await {
            Ok(u) => Ok(ApiUser {
                lang: asked.or_else(|| Lang::parse(&u.locale)).unwrap_or(Lang::Ja),
                actor: u.actor,
                state,
            }),
            Err(e) => Err(ApiError::new(asked.unwrap_or(Lang::Ja), e)),
        }
    }
}

/// A JSON body; a malformed one answers in the API's error shape, not axum's.
pub struct ApiJson<T>(pub T);

impl<T, S> axum::extract::FromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let lang = req
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(Lang::from_accept_language)
            .unwrap_or(Lang::Ja);
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => {
                let detail = rejection.body_text();
                Err(ApiError {
                    failure: Failure::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "invalid_body",
                        "送られたJSONを読めません（形式・項目名・型を確かめてください）",
                        "the JSON body cannot be read (check its syntax, field names and types)",
                    ),
                    lang,
                    details: vec![ErrorDetail {
                        path: "body".into(),
                        message: detail,
                    }],
                })
            }
        }
    }
}

/// Any other path under /api answers in the API's error shape.
pub async fn not_found(req: axum::extract::Request) -> ApiError {
    let lang = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept_language)
        .unwrap_or(Lang::Ja);
    ApiError::new(lang, Failure::not_found())
}

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 500;

/// `?limit=` and `?cursor=` of every list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// How many items at most (1–500, 50 by default).
    pub limit: Option<u32>,
    /// The `next` of the previous page.
    pub cursor: Option<String>,
}

/// A page of `items` sorted by their opaque id, and the cursor of the next page.
pub fn paginate<T>(
    user: &ApiUser,
    mut items: Vec<T>,
    key: impl Fn(&T) -> String,
    q: &PageQuery,
) -> Result<(Vec<T>, Option<String>), ApiError> {
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(user
            .fail(Failure::new(
                StatusCode::BAD_REQUEST,
                "invalid_limit",
                format!("limit は1〜{MAX_LIMIT}で指定してください"),
                format!("limit must be 1–{MAX_LIMIT}"),
            ))
            .at("limit"));
    }
    let after = match &q.cursor {
        None => None,
        Some(c) => Some(decode_cursor(c).ok_or_else(|| {
            user.fail(Failure::new(
                StatusCode::BAD_REQUEST,
                "invalid_cursor",
                "cursor が正しくありません（前のページの next をそのまま渡してください）",
                "the cursor is not valid (pass the previous page's next as it is)",
            ))
            .at("cursor")
        })?),
    };
    items.sort_by_key(|i| key(i));
    let start = match &after {
        Some(a) => items
            .iter()
            .position(|i| key(i) > *a)
            .unwrap_or(items.len()),
        None => 0,
    };
    let rest: Vec<T> = items.into_iter().skip(start).collect();
    let more = rest.len() > limit as usize;
    let page: Vec<T> = rest.into_iter().take(limit as usize).collect();
    let next = if more {
        page.last().map(|i| encode_cursor(&key(i)))
    } else {
        None
    };
    Ok((page, next))
}

fn encode_cursor(key: &str) -> String {
    hex::encode(format!("v1:{key}"))
}

fn decode_cursor(c: &str) -> Option<String> {
    let bytes = hex::decode(c).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    text.strip_prefix("v1:").map(str::to_owned)
}

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[derive(utoipa::OpenApi)]
#[openapi(
    info(title = "kamae API", description = "The JSON API of kamae, the workbench of a company's CISO office."),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    components(schemas(ErrorBody, ErrorDetail))
)]
struct ApiDoc;

/// The API's routes and their OpenAPI document, built together.
pub fn routes() -> (axum::Router<AppState>, OpenApi) {
    use utoipa::OpenApi as _;
    let (router, mut doc) = v1::router(utoipa_axum::router::OpenApiRouter::with_openapi(
        ApiDoc::openapi(),
    ))
    .split_for_parts();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    (router, doc)
}

/// The document, built once.
pub fn openapi() -> &'static OpenApi {
    static DOC: OnceLock<OpenApi> = OnceLock::new();
    DOC.get_or_init(|| routes().1)
}

/// This document: the API described by itself.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta", security(()),
    responses((status = 200, description = "The OpenAPI 3.1 document of this API", content_type = "application/json")))]
pub async fn openapi_json() -> Response {
    Json(openapi()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_are_opaque_and_round_trip() {
        let c = encode_cursor("01a2-x");
        assert!(!c.contains("01a2"));
        assert_eq!(decode_cursor(&c).as_deref(), Some("01a2-x"));
        assert_eq!(decode_cursor("zz"), None);
        assert_eq!(decode_cursor(&hex::encode("v2:x")), None);
    }
}
