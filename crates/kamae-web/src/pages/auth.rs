//! Sign-in, sign-out and the choice of language.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Chrome, render};
use crate::AppState;
use crate::ctx::{Ctx, FORM_COOKIE, LANG_COOKIE, PageError, SESSION_COOKIE, safe_next};
use crate::error::Failure;
use crate::i18n::Lang;

#[derive(Template)]
#[template(path = "signin.html")]
struct SigninPage<'a> {
    chrome: Chrome<'a>,
    next: String,
    email: String,
    error: Option<String>,
    demo: bool,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

fn cookie_header(ctx: &Ctx, name: &str, value: &str, max_age: Option<i64>) -> HeaderValue {
    let secure = if ctx.secure { "; Secure" } else { "" };
    let age = max_age
        .map(|a| format!("; Max-Age={a}"))
        .unwrap_or_default();
    let v = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax{secure}{age}");
    HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// A random token for the forms shown before sign-in; should the system have no randomness,
/// the form simply cannot be sent (the token stays empty and is refused).
fn random_token() -> String {
    let mut bytes = [0u8; 32];
    match getrandom::fill(&mut bytes) {
        Ok(()) => hex::encode(bytes),
        Err(_) => String::new(),
    }
}

pub async fn signin_page(mut ctx: Ctx, Query(q): Query<NextQuery>) -> Response {
    if ctx.actor.is_some() {
        return Redirect::to(&safe_next(q.next.as_deref())).into_response();
    }
    let fresh = ctx.csrf.is_empty();
    if fresh {
        ctx.csrf = random_token();
    }
    let demo = ctx.state.store.has_demo_group().await.unwrap_or(false);
    let page = SigninPage {
        chrome: Chrome::new(&ctx, "signin"),
        next: safe_next(q.next.as_deref()),
        email: String::new(),
        error: None,
        demo,
    };
    let mut res = render(&page);
    if fresh {
        res.headers_mut().append(
            header::SET_COOKIE,
            cookie_header(&ctx, FORM_COOKIE, &ctx.csrf, None),
        );
    }
    res
}

#[derive(Deserialize)]
pub struct SigninForm {
    email: String,
    password: String,
    #[serde(default)]
    next: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

pub async fn signin(
    ctx: Ctx,
    State(state): State<AppState>,
    Form(form): Form<SigninForm>,
) -> Result<Response, PageError> {
    ctx.check_csrf(&form.csrf)?;
    let client = ctx.client.map(|c| c.to_string());
    match state
        .store
        .sign_in(&form.email, &form.password, client.as_deref())
        .await
    {
        Ok((_, secret)) => {
            // With a second factor on, the session is half-open: the code comes next.
            let pending = state
                .store
                .session_user(&secret)
                .await
                .map(|u| u.second_factor_pending)
                .unwrap_or(false);
            let next = safe_next(Some(&form.next));
            let target = if pending {
                format!(
                    "/signin/second-factor?next={}",
                    crate::ctx::urlencode(&next)
                )
            } else {
                next
            };
            let mut res = Redirect::to(&target).into_response();
            let max_age = kamae_store::users::SESSION_ABSOLUTE.num_seconds();
            res.headers_mut().append(
                header::SET_COOKIE,
                cookie_header(&ctx, SESSION_COOKIE, &secret, Some(max_age)),
            );
            Ok(res)
        }
        Err(e) => {
            let f: Failure = e.into();
            let demo = state.store.has_demo_group().await.unwrap_or(false);
            let page = SigninPage {
                chrome: Chrome::new(&ctx, "signin"),
                next: safe_next(Some(&form.next)),
                email: form.email.clone(),
                error: Some(f.message(ctx.lang).to_owned()),
                demo,
            };
            Ok((f.status, render(&page)).into_response())
        }
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

pub async fn signout(ctx: Ctx, Form(form): Form<CsrfForm>) -> Result<Response, PageError> {
    if let (Some(secret), true) = (
        &ctx.session,
        ctx.actor.is_some() || ctx.second_factor_pending,
    ) {
        ctx.check_csrf(&form.csrf)?;
        ctx.state
            .store
            .end_session(secret)
            .await
            .map_err(|e| ctx.fail(e))?;
    }
    let mut res = Redirect::to("/signin").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        cookie_header(&ctx, SESSION_COOKIE, "", Some(0)),
    );
    Ok(res)
}

#[derive(Deserialize)]
pub struct LangForm {
    lang: String,
    #[serde(default)]
    back: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

/// Switches the language: for a signed-in user it is kept with their account, before
/// sign-in in a cookie.
pub async fn set_lang(ctx: Ctx, Form(form): Form<LangForm>) -> Result<Response, PageError> {
    let lang = Lang::parse(&form.lang).unwrap_or(Lang::Ja);
    if let Some(actor) = &ctx.actor {
        ctx.check_csrf(&form.csrf)?;
        ctx.state
            .store
            .set_user_locale(actor, lang.code())
            .await
            .map_err(|e| ctx.fail(e))?;
    }
    let mut res = Redirect::to(&safe_next(Some(&form.back))).into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        cookie_header(&ctx, LANG_COOKIE, lang.code(), Some(60 * 60 * 24 * 365)),
    );
    Ok(res)
}

#[derive(Template)]
#[template(path = "second_factor.html")]
struct SecondFactorPage<'a> {
    chrome: Chrome<'a>,
    next: String,
    error: Option<String>,
}

pub async fn second_factor_page(ctx: Ctx, Query(q): Query<NextQuery>) -> Response {
    if !ctx.second_factor_pending {
        return Redirect::to(&safe_next(q.next.as_deref())).into_response();
    }
    let page = SecondFactorPage {
        chrome: Chrome::new(&ctx, "signin"),
        next: safe_next(q.next.as_deref()),
        error: None,
    };
    render(&page)
}

#[derive(Deserialize)]
pub struct CodeForm {
    code: String,
    #[serde(default)]
    next: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

pub async fn second_factor(ctx: Ctx, Form(form): Form<CodeForm>) -> Result<Response, PageError> {
    let Some(secret) = ctx.session.clone().filter(|_| ctx.second_factor_pending) else {
        return Ok(Redirect::to("/signin").into_response());
    };
    ctx.check_csrf(&form.csrf)?;
    match ctx
        .state
        .store
        .complete_second_factor(&secret, &form.code)
        .await
    {
        Ok(()) => Ok(Redirect::to(&safe_next(Some(&form.next))).into_response()),
        Err(e) => {
            let f: Failure = e.into();
            if f.code == "session_ended" {
                return Ok(Redirect::to("/signin").into_response());
            }
            let page = SecondFactorPage {
                chrome: Chrome::new(&ctx, "signin"),
                next: safe_next(Some(&form.next)),
                error: Some(f.message(ctx.lang).to_owned()),
            };
            Ok((f.status, render(&page)).into_response())
        }
    }
}
