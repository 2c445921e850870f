//! The second factor: TOTP (RFC 6238) with recovery codes, and the group's policy of which
//! roles must use it. The TOTP secret and the recovery codes never enter the audit trail;
//! each code is accepted once.

use kamae_core::Problem;
use kamae_core::access::{Action, Actor, RecordKind, Role, Scope};
use kamae_core::ids::UserId;
use serde::Serialize;
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, Secret, Totp};

use crate::db::{args, t};
use crate::users::{password_matches as hash_matches_password, secret_hash};
use crate::write::{Change, Who, Write, stmt};
use crate::{Result, Store, StoreError, check, new_id};

/// The roles (and `administrator`) that must use a second factor unless a group says
/// otherwise. Demo groups start with none, so that the printed passwords work.
pub const DEFAULT_REQUIRED: &str = "executive,ciso,administrator";

const RECOVERY_CODES: usize = 10;
/// After this many wrong codes the half-open session is ended: start again with the password.
const MAX_CODE_FAILURES: i64 = 5;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MfaStatus {
    pub enabled: bool,
    /// Enrolment started (secret shown) but not yet confirmed with a code.
    pub enrolling: bool,
    /// The group's policy asks this user for a second factor.
    pub required: bool,
    pub recovery_codes_left: i64,
    /// The roles the group requires it for, as stored (`executive,ciso,administrator`).
    pub required_roles: Vec<String>,
    pub demo_group: bool,
}

#[derive(Debug, Clone)]
pub struct TotpEnrolment {
    pub secret_base32: String,
    pub otpauth_url: String,
}

fn totp(secret: &[u8], email: &str) -> Result<Totp> {
    totp_rs::Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(secret.to_vec())
        .with_account_name(email)
        .with_issuer(Some("kamae"))
        .build()
        .map_err(|e| {
            Problem::new(
                "totp_failed",
                format!("二要素認証の設定を作れませんでした: {e}"),
                format!("could not set up the second factor: {e}"),
            )
            .into()
        })
}

fn bad_code() -> StoreError {
    Problem::new(
        "invalid_code",
        "確認コードが正しくありません",
        "the code is not correct",
    )
    .into()
}

fn user_of(actor: &Actor) -> Result<UserId> {
    actor
        .user()
        .ok_or_else(|| StoreError::not_found("ユーザー", "user"))
}

fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| {
        Problem::new(
            "no_randomness",
            format!("乱数を取得できませんでした: {e}"),
            format!("could not get random bytes: {e}"),
        )
    })?;
    Ok(b)
}

/// A recovery code people can type: ten characters in two groups, no look-alikes.
fn recovery_code() -> Result<String> {
    const ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
    let bytes: [u8; 10] = random_bytes()?;
    let chars: String = bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect();
    Ok(format!("{}-{}", &chars[..5], &chars[5..]))
}

fn code_hash(code: &str) -> String {
    hex::encode(Sha256::digest(code.trim().to_lowercase().as_bytes()))
}

/// Whether the policy asks this actor for a second factor.
pub fn required_for(actor: &Actor, required_roles: &[String]) -> bool {
    let Actor::User(p) = actor else { return false };
    if p.administrator && required_roles.iter().any(|r| r == "administrator") {
        return true;
    }
    p.active_grants()
        .any(|g| required_roles.iter().any(|r| r == g.role.as_str()))
}

impl Store {
    async fn required_roles(&self, actor: &Actor) -> Result<(Vec<String>, bool)> {
        let row = self
            .db
            .fetch_one(
                "SELECT mfa_required_roles, is_demo FROM groups WHERE id = $1",
                args![t(actor.group())],
            )
            .await?;
        let roles = row
            .text("mfa_required_roles")?
            .split(',')
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_owned)
            .collect();
        Ok((roles, row.boolean("is_demo")?))
    }

    pub async fn mfa_status(&self, actor: &Actor) -> Result<MfaStatus> {
        let user = user_of(actor)?;
        let row = self
            .db
            .fetch_one(
                "SELECT totp_secret, totp_enabled_at FROM users WHERE id = $1 AND group_id = $2",
                args![t(user), t(actor.group())],
            )
            .await?;
        let enabled = row.opt_instant("totp_enabled_at")?.is_some();
        let left = self
            .db
            .fetch_one(
                "SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
                args![t(user)],
            )
            .await?
            .int("n")?;
        let (required_roles, demo_group) = self.required_roles(actor).await?;
        Ok(MfaStatus {
            enabled,
            enrolling: !enabled && row.opt_text("totp_secret")?.is_some(),
            required: required_for(actor, &required_roles),
            recovery_codes_left: if enabled { left } else { 0 },
            required_roles,
            demo_group,
        })
    }

    /// Starts enrolment: a new secret, kept until a code from it is confirmed.
    pub async fn start_totp_enrolment(&self, actor: &Actor) -> Result<TotpEnrolment> {
        let user = user_of(actor)?;
        let email = match actor {
            Actor::User(p) => p.email.clone(),
            Actor::System { .. } => String::new(),
        };
        let secret: [u8; 20] = random_bytes()?;
        let encoded = Secret::from(secret).to_base32();
        let url = totp(&secret, &email)?.to_url().map_err(|e| {
            StoreError::from(Problem::new("totp_failed", format!("{e}"), format!("{e}")))
        })?;
        let mut w = Write::begin(self, Who::of(actor)).await?;
        w.apply(
            Change::new(actor.group(), "mfa_enrolment_started", "user", user)
                .after(&serde_json::json!({ "totp_secret": encoded }))
                .security(),
            vec![stmt(
                "UPDATE users SET totp_secret = $1, totp_enabled_at = NULL, totp_last_step = NULL \
                 WHERE id = $2 AND group_id = $3 AND totp_enabled_at IS NULL",
                args![encoded.clone(), t(user), t(actor.group())],
            )],
        )
        .await
        .map_err(|e| match e.code() {
            "changed_meanwhile" => Problem::new(
                "mfa_already_enabled",
                "二要素認証は既に有効です。作り直すには、いったん無効にしてください",
                "the second factor is already on; turn it off first to set it up again",
            )
            .into(),
            _ => e,
        })?;
        w.commit().await?;
        Ok(TotpEnrolment {
            secret_base32: encoded,
            otpauth_url: url,
        })
    }

    /// Confirms enrolment with a code from the new secret; returns the recovery codes,
    /// shown once and stored only hashed.
    pub async fn confirm_totp_enrolment(&self, actor: &Actor, code: &str) -> Result<Vec<String>> {
        let user = user_of(actor)?;
        let email = match actor {
            Actor::User(p) => p.email.clone(),
            Actor::System { .. } => String::new(),
        };
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let row = w
            .fetch_optional(
                "SELECT totp_secret, totp_enabled_at FROM users WHERE id = $1 AND group_id = $2",
                args![t(user), t(actor.group())],
            )
            .await?
            .ok_or_else(|| StoreError::not_found("ユーザー", "user"))?;
        let (Some(secret), None) = (
            row.opt_text("totp_secret")?,
            row.opt_instant("totp_enabled_at")?,
        ) else {
            return Err(Problem::new(
                "no_enrolment",
                "二要素認証の設定が始まっていません",
                "no second-factor set-up is under way",
            )
            .into());
        };
        let bytes = Secret::try_from_base32(&secret)
            .map_err(|_| bad_code())?
            .as_bytes()
            .to_vec();
        let step = totp(&bytes, &email)?
            .check(code.trim(), self.now().timestamp().max(0) as u64)
            .ok_or_else(bad_code)?;
        let now = w.now();
        w.apply(
            Change::new(actor.group(), "mfa_enabled", "user", user)
                .after(&serde_json::json!({ "totp_enabled_at": now }))
                .security(),
            vec![stmt(
                "UPDATE users SET totp_enabled_at = $1, totp_last_step = $2 WHERE id = $3 AND totp_enabled_at IS NULL",
                args![now, step as i64, t(user)],
            )],
        )
        .await?;
        let codes = Self::new_recovery_codes(&mut w, actor, user).await?;
        w.commit().await?;
        Ok(codes)
    }

    async fn new_recovery_codes(w: &mut Write, actor: &Actor, user: UserId) -> Result<Vec<String>> {
        let now = w.now();
        let old = w
            .fetch_all(
                "SELECT id FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
                args![t(user)],
            )
            .await?;
        for r in old {
            let id = r.text("id")?;
            w.apply(
                Change::new(actor.group(), "end", "recovery_code", &id)
                    .reason(Some("新しい回復コードを発行 / new recovery codes issued"))
                    .security(),
                vec![stmt(
                    "UPDATE recovery_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL",
                    args![now, id],
                )],
            )
            .await?;
        }
        let mut codes = Vec::with_capacity(RECOVERY_CODES);
        for _ in 0..RECOVERY_CODES {
            let code = recovery_code()?;
            let id: uuid::Uuid = new_id(|u| u);
            w.apply(
                Change::new(actor.group(), "create", "recovery_code", id)
                    .after(&serde_json::json!({ "user": user, "recovery_codes": code_hash(&code) }))
                    .security(),
                vec![stmt(
                    "INSERT INTO recovery_codes (id, group_id, user_id, code_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
                    args![t(id), t(actor.group()), t(user), code_hash(&code), now],
                )],
            )
            .await?;
            codes.push(code);
        }
        Ok(codes)
    }

    /// Turns the second factor off, after the password again; not when the policy requires it.
    pub async fn disable_totp(&self, actor: &Actor, password: &str) -> Result<()> {
        let user = user_of(actor)?;
        if !self.password_is(user, password).await? {
            return Err(Problem::new(
                "wrong_password",
                "パスワードが正しくありません",
                "the password is not correct",
            )
            .into());
        }
        let status = self.mfa_status(actor).await?;
        if status.required {
            return Err(Problem::new(
                "mfa_required",
                "あなたのロールでは二要素認証が必須のため、無効にできません",
                "your role requires a second factor, so it cannot be turned off",
            )
            .into());
        }
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let now = w.now();
        w.apply(
            Change::new(actor.group(), "mfa_disabled", "user", user)
                .before(&serde_json::json!({ "totp": "on" }))
                .after(&serde_json::json!({ "totp": "off" }))
                .security(),
            vec![stmt(
                "UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL WHERE id = $1",
                args![t(user)],
            )],
        )
        .await?;
        let open = w
            .fetch_all(
                "SELECT id FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
                args![t(user)],
            )
            .await?;
        for r in open {
            let id = r.text("id")?;
            w.apply(
                Change::new(actor.group(), "end", "recovery_code", &id).security(),
                vec![stmt(
                    "UPDATE recovery_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL",
                    args![now, id],
                )],
            )
            .await?;
        }
        w.commit().await
    }

    async fn password_is(&self, user: UserId, password: &str) -> Result<bool> {
        let stored = self
            .db
            .fetch_optional(
                "SELECT password_hash FROM users WHERE id = $1",
                args![t(user)],
            )
            .await?
            .map(|r| r.opt_text("password_hash"))
            .transpose()?
            .flatten();
        Ok(stored.is_some_and(|h| hash_matches_password(&h, password)))
    }

    /// The second step of signing in: a TOTP code (each accepted once) or an unused
    /// recovery code completes a session that the password opened.
    pub async fn complete_second_factor(&self, session: &str, code: &str) -> Result<()> {
        let sh = secret_hash(session);
        let row = self
            .db
            .fetch_optional(
                "SELECT u.id, u.group_id, u.email, u.totp_secret, u.totp_last_step, s.created_at FROM sessions s \
                 JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1 AND s.ended_at IS NULL \
                 AND s.expires_at > $2 AND s.mfa_pending = TRUE AND u.disabled_at IS NULL",
                args![sh.clone(), self.now()],
            )
            .await?
            .ok_or_else(|| {
                StoreError::from(Problem::new(
                    "session_ended",
                    "セッションが終了しています。もう一度サインインしてください",
                    "your session has ended; please sign in again",
                ))
            })?;
        let actor = self.principal_of(&row).await?;
        let user = user_of(&actor)?;
        let email = row.text("email")?;
        let mut w = Write::begin(self, Who::of(&actor)).await?;
        let now = w.now();
        // Wrong codes since this session opened (counted on the user: the session's id is a
        // secret and never enters the audit trail).
        let opened = row
            .instant("created_at")?
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        let failures = w
            .fetch_one(
                "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'mfa_failed' AND record_kind = 'user' \
                 AND record_id = $1 AND at >= $2",
                args![t(user), opened],
            )
            .await?
            .int("n")?;
        let secret = row
            .opt_text("totp_secret")?
            .and_then(|s| Secret::try_from_base32(s).ok())
            .map(|s| s.as_bytes().to_vec());
        let step = match &secret {
            Some(bytes) => totp(bytes, &email)?.check(code.trim(), now.timestamp().max(0) as u64),
            None => None,
        };
        let last = row.opt_int("totp_last_step")?;
        let fresh_step = step.filter(|s| last.is_none_or(|l| (*s as i64) > l));
        let recovery = if fresh_step.is_none() {
            w.fetch_optional(
                "SELECT id FROM recovery_codes WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL",
                args![t(user), code_hash(code)],
            )
            .await?
            .map(|r| r.text("id"))
            .transpose()?
        } else {
            None
        };
        if fresh_step.is_none() && recovery.is_none() {
            // The failure is counted against this half-open session, which ends after a few.
            let ending = failures + 1 >= MAX_CODE_FAILURES;
            w.record(Change::new(actor.group(), "mfa_failed", "user", user).security())
                .await?;
            if ending {
                w.apply(
                    Change::new(actor.group(), "end", "session", "[secret]")
                        .reason(Some("確認コードの誤りが続いた / too many wrong codes"))
                        .security(),
                    vec![stmt(
                        "UPDATE sessions SET ended_at = $1 WHERE id_hash = $2 AND ended_at IS NULL",
                        args![now, sh.clone()],
                    )],
                )
                .await?;
            }
            w.commit().await?;
            return Err(bad_code());
        }
        if let Some(step) = fresh_step {
            w.apply(
                Change::new(actor.group(), "update", "user", user)
                    .after(&serde_json::json!({ "totp_last_step": step }))
                    .security(),
                vec![stmt(
                    "UPDATE users SET totp_last_step = $1 WHERE id = $2",
                    args![step as i64, t(user)],
                )],
            )
            .await?;
        }
        if let Some(id) = recovery {
            w.apply(
                Change::new(actor.group(), "recovery_code_used", "recovery_code", &id).security(),
                vec![stmt(
                    "UPDATE recovery_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL",
                    args![now, id],
                )],
            )
            .await?;
        }
        w.apply(
            Change::new(actor.group(), "mfa_passed", "session", "[secret]")
                .after(&serde_json::json!({ "user": user }))
                .security(),
            vec![stmt(
                "UPDATE sessions SET mfa_pending = FALSE, last_seen_at = $1 WHERE id_hash = $2 AND mfa_pending = TRUE",
                args![now, sh],
            )],
        )
        .await?;
        w.commit().await
    }

    /// Which roles must use a second factor in the group (administration).
    pub async fn set_mfa_policy(&self, actor: &Actor, roles: &[String]) -> Result<Vec<String>> {
        check(
            actor,
            Action::Write,
            RecordKind::Administration,
            Scope::Group,
            ("設定", "settings"),
        )?;
        let mut clean: Vec<String> = Vec::new();
        for r in roles.iter().map(|r| r.trim()).filter(|r| !r.is_empty()) {
            if r != "administrator" {
                Role::parse(r)?;
            }
            if !clean.iter().any(|c| c == r) {
                clean.push(r.to_owned());
            }
        }
        let (before, _) = self.required_roles(actor).await?;
        let mut w = Write::begin(self, Who::of(actor)).await?;
        w.apply(
            Change::new(actor.group(), "update", "group", actor.group())
                .before(&serde_json::json!({ "mfa_required_roles": before }))
                .after(&serde_json::json!({ "mfa_required_roles": clean }))
                .security(),
            vec![stmt(
                "UPDATE groups SET mfa_required_roles = $1 WHERE id = $2",
                args![clean.join(","), t(actor.group())],
            )],
        )
        .await?;
        w.commit().await?;
        Ok(clean)
    }

    /// The group's MFA policy, for the settings page.
    pub async fn mfa_policy(&self, actor: &Actor) -> Result<(Vec<String>, bool)> {
        check(
            actor,
            Action::Read,
            RecordKind::Administration,
            Scope::Group,
            ("設定", "settings"),
        )?;
        self.required_roles(actor).await
    }
}

impl Store {
    /// Asks again for the password (and the second factor's code where it is on) before a
    /// sensitive step such as creating an API token.
    pub async fn reauthenticate(
        &self,
        actor: &Actor,
        password: &str,
        code: Option<&str>,
    ) -> Result<()> {
        let user = user_of(actor)?;
        if !self.password_is(user, password).await? {
            return Err(Problem::new(
                "wrong_password",
                "パスワードが正しくありません",
                "the password is not correct",
            )
            .into());
        }
        let row = self
            .db
            .fetch_one(
                "SELECT email, totp_secret, totp_enabled_at, totp_last_step FROM users WHERE id = $1",
                args![t(user)],
            )
            .await?;
        if row.opt_instant("totp_enabled_at")?.is_none() {
            return Ok(());
        }
        let secret = row
            .opt_text("totp_secret")?
            .and_then(|s| Secret::try_from_base32(s).ok())
            .map(|s| s.as_bytes().to_vec())
            .ok_or_else(bad_code)?;
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let now = w.now();
        let last = row.opt_int("totp_last_step")?;
        let step = totp(&secret, &row.text("email")?)?
            .check(code.unwrap_or("").trim(), now.timestamp().max(0) as u64)
            .filter(|s| last.is_none_or(|l| (*s as i64) > l))
            .ok_or_else(bad_code)?;
        w.apply(
            Change::new(actor.group(), "update", "user", user)
                .after(&serde_json::json!({ "totp_last_step": step }))
                .security(),
            vec![stmt(
                "UPDATE users SET totp_last_step = $1 WHERE id = $2",
                args![step as i64, t(user)],
            )],
        )
        .await?;
        w.commit().await
    }
}
