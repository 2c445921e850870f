//! The signed-in person's own account: language, password, second factor.

use askama::Template;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use kamae_store::mfa::MfaStatus;
use serde::Deserialize;

use super::{Chrome, render};
use crate::ctx::{PageError, SignedIn};
use crate::error::Failure;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage<'a> {
    chrome: Chrome<'a>,
    mfa: MfaStatus,
    message: Option<String>,
    error: Option<String>,
    required_roles: String,
}

async fn account_page(
    s: &SignedIn,
    message: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let mfa = ctx
        .state
        .store
        .mfa_status(actor)
        .await
        .map_err(|e| ctx.fail(e))?;
    let required_roles = mfa.required_roles.join(", ");
    let page = AccountPage {
        chrome: Chrome::new(ctx, "account"),
        mfa,
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
            account_page(&s, None, Some(f.message(s.ctx.lang).to_owned())).await
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
            account_page(&s, None, Some(f.message(s.ctx.lang).to_owned())).await
        }
    }
}
