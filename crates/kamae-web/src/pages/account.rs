//! The signed-in person's own account: language, password, second factor.

use askama::Template;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use kamae_store::mfa::MfaStatus;
use kamae_store::users::ApiTokenView;
use serde::Deserialize;

use super::{Chrome, render};
use crate::ctx::{PageError, SignedIn};
use crate::error::Failure;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage<'a> {
    chrome: Chrome<'a>,
    mfa: MfaStatus,
    /// Each token with its creation and expiry in the group's time zone.
    tokens: Vec<(ApiTokenView, String, String)>,
    /// A token just created: shown once.
    new_token: Option<String>,
    message: Option<String>,
    error: Option<String>,
    required_roles: String,
}

async fn account_page(
    s: &SignedIn,
    message: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    account_page_with(s, message, error, None).await
}

async fn account_page_with(
    s: &SignedIn,
    message: Option<String>,
    error: Option<String>,
    new_token: Option<String>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let mfa = ctx
        .state
        .store
        .mfa_status(actor)
        .await
        .map_err(|e| ctx.fail(e))?;
    let tz = ctx
        .state
        .store
        .group(actor)
        .await
        .map_err(|e| ctx.fail(e))?
        .calendar
        .time_zone;
    let tokens = ctx
        .state
        .store
        .api_tokens(actor)
        .await
        .map_err(|e| ctx.fail(e))?
        .into_iter()
        .map(|k| {
            let created = crate::render::local(k.created_at, tz);
            let expires = k
                .expires_at
                .map(|e| crate::render::local(e, tz))
                .unwrap_or_default();
            (k, created, expires)
        })
        .collect();
    let required_roles = mfa.required_roles.join(", ");
    let page = AccountPage {
        chrome: Chrome::new(ctx, "account"),
        mfa,
        tokens,
        new_token,
        message,
        error,
        required_roles,
    };
    Ok(render(&page))
}

pub async fn account(s: SignedIn) -> Result<Response, PageError> {
    account_page(&s, None, None).await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

pub async fn change_password(
    s: SignedIn,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PageError> {
    s.ctx.check_csrf(&form.csrf)?;
    let t = s.ctx.t();
    if form.new != form.confirm {
        return account_page(
            &s,
            None,
            Some(t.get("account.password_mismatch").to_owned()),
        )
        .await;
    }
    match s
        .ctx
        .state
        .store
        .change_password(&s.actor, &form.current, &form.new)
        .await
    {
        Ok(()) => account_page(&s, Some(t.get("account.password_changed").to_owned()), None).await,
        Err(e) => {
            let f: Failure = e.into();
            let mut res = account_page(&s, None, Some(f.message(s.ctx.lang).to_owned())).await?;
            *res.status_mut() = f.status;
            Ok(res)
        }
    }
}

#[derive(Template)]
#[template(path = "enrol.html")]
struct EnrolPage<'a> {
    chrome: Chrome<'a>,
    mfa: MfaStatus,
    /// The QR code of the otpauth URL, as SVG, and the secret for typing by hand.
    qr_svg: Option<String>,
    secret: Option<String>,
    recovery_codes: Vec<String>,
    error: Option<String>,
}

fn qr_svg(url: &str) -> Option<String> {
    let code = qrcode::QrCode::new(url.as_bytes()).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(220, 220)
        .quiet_zone(true)
        .build();
    // Embedded in the page: without the XML declaration.
    Some(match svg.find("<svg") {
        Some(i) => svg[i..].to_owned(),
        None => svg,
    })
}

pub async fn second_factor(s: SignedIn) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = &s;
    let mfa = ctx
        .state
        .store
        .mfa_status(actor)
        .await
        .map_err(|e| ctx.fail(e))?;
    let page = EnrolPage {
        chrome: Chrome::new(ctx, "account"),
        mfa,
        qr_svg: None,
        secret: None,
        recovery_codes: Vec::new(),
        error: None,
    };
    Ok(render(&page))
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

pub async fn start(s: SignedIn, Form(form): Form<CsrfOnly>) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = &s;
    ctx.check_csrf(&form.csrf)?;
    let enrolment = ctx
        .state
        .store
        .start_totp_enrolment(actor)
        .await
        .map_err(|e| ctx.fail(e))?;
    let mfa = ctx
        .state
        .store
        .mfa_status(actor)
        .await
        .map_err(|e| ctx.fail(e))?;
    let page = EnrolPage {
        chrome: Chrome::new(ctx, "account"),
        mfa,
        qr_svg: qr_svg(&enrolment.otpauth_url),
        secret: Some(enrolment.secret_base32),
        recovery_codes: Vec::new(),
        error: None,
    };
    Ok(render(&page))
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    code: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

pub async fn confirm(s: SignedIn, Form(form): Form<ConfirmForm>) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = &s;
    ctx.check_csrf(&form.csrf)?;
    let result = ctx
        .state
        .store
        .confirm_totp_enrolment(actor, &form.code)
        .await;
    let mfa = ctx
        .state
        .store
        .mfa_status(actor)
        .await
        .map_err(|e| ctx.fail(e))?;
    let (codes, error, status) = match result {
        Ok(codes) => (codes, None, axum::http::StatusCode::OK),
        Err(e) => {
            let f: Failure = e.into();
            (Vec::new(), Some(f.message(ctx.lang).to_owned()), f.status)
        }
    };
    let page = EnrolPage {
        chrome: Chrome::new(ctx, "account"),
        mfa,
        qr_svg: None,
        secret: None,
        recovery_codes: codes,
        error,
    };
    Ok((status, render(&page)).into_response())
}

#[derive(Deserialize)]
pub struct DisableForm {
    password: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

pub async fn disable(s: SignedIn, Form(form): Form<DisableForm>) -> Result<Response, PageError> {
    s.ctx.check_csrf(&form.csrf)?;
    match s
        .ctx
        .state
        .store
        .disable_totp(&s.actor, &form.password)
        .await
    {
        Ok(()) => Ok(Redirect::to("/account").into_response()),
        Err(e) => {
            let f: Failure = e.into();
            let mut res = account_page(&s, None, Some(f.message(s.ctx.lang).to_owned())).await?;
            *res.status_mut() = f.status;
            Ok(res)
        }
    }
}

#[derive(Deserialize)]
pub struct TokenForm {
    name: String,
    #[serde(default)]
    days: String,
    password: String,
    #[serde(default)]
    code: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

/// A personal API token, after the password (and the second factor's code) again.
pub async fn create_token(s: SignedIn, Form(form): Form<TokenForm>) -> Result<Response, PageError> {
    s.ctx.check_csrf(&form.csrf)?;
    let store = &s.ctx.state.store;
    let code = Some(form.code.as_str()).filter(|c| !c.trim().is_empty());
    let days = form.days.trim().parse::<i64>().ok();
    let result = async {
        store.reauthenticate(&s.actor, &form.password, code).await?;
        store.create_api_token(&s.actor, &form.name, days).await
    }
    .await;
    match result {
        Ok((_, secret)) => {
            let t = s.ctx.t();
            account_page_with(
                &s,
                Some(t.get("token.created").to_owned()),
                None,
                Some(secret),
            )
            .await
        }
        Err(e) => {
            let f: Failure = e.into();
            let mut res = account_page(&s, None, Some(f.message(s.ctx.lang).to_owned())).await?;
            *res.status_mut() = f.status;
            Ok(res)
        }
    }
}

#[derive(Deserialize)]
pub struct RevokeTokenForm {
    id: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

pub async fn revoke_token(
    s: SignedIn,
    Form(form): Form<RevokeTokenForm>,
) -> Result<Response, PageError> {
    s.ctx.check_csrf(&form.csrf)?;
    let id = form
        .id
        .parse()
        .map_err(|_| s.ctx.fail(Failure::not_found()))?;
    match s
        .ctx
        .state
        .store
        .revoke_api_token(
            &s.actor,
            id,
            Some("利用者による取り消し / revoked by its owner"),
        )
        .await
    {
        Ok(()) => Ok(Redirect::to("/account").into_response()),
        Err(e) => {
            let f: Failure = e.into();
            let mut res = account_page(&s, None, Some(f.message(s.ctx.lang).to_owned())).await?;
            *res.status_mut() = f.status;
            Ok(res)
        }
    }
}
