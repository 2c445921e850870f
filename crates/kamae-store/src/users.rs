//! Users, grants, the administration capability, sign-in, sessions and API tokens.
//!
//! Passwords are hashed with argon2id; session ids and API tokens are random and stored
//! only as SHA-256 (they are long random secrets, so a fast hash is enough). None of these
//! secrets ever enters the audit trail.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use kamae_core::Problem;
use kamae_core::access::{Action, Actor, Grant, Principal, RecordKind, Role, Scope};
use kamae_core::ids::{GrantId, GroupId, TokenId, UserId};
use kamae_core::org::Group;
use kamae_core::text::{Code, Email, required_reason, required_text};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::{Row, args, t};
use crate::org::NewGroup;
use crate::write::{Change, Who, Write, stmt};
use crate::{Result, Store, StoreError, check, new_id};

const ADMIN: RecordKind = RecordKind::Administration;
const USER: (&str, &str) = ("ユーザー", "user");
const GRANT: (&str, &str) = ("権限付与", "grant");

/// How long a session lives at most, whatever the activity.
pub const SESSION_ABSOLUTE: Duration = Duration::hours(12);

/// How long a session lives without activity.
pub const SESSION_IDLE: Duration = Duration::minutes(30);

/// Activity is written down at most this often, so that idle expiry costs one audited write
/// every few minutes per user, not one per request.
const TOUCH_EVERY: Duration = Duration::minutes(5);

pub const MIN_PASSWORD_CHARS: usize = 12;

/// API tokens expire after this many days at most.
pub const MAX_TOKEN_DAYS: i64 = 90;

/// What a grant gives: a business role, or the administration capability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Capability {
    Role(Role),
    Administration,
}

impl Capability {
    pub fn parse(s: &str) -> Result<Self, Problem> {
        if s.trim() == "administrator" {
            Ok(Capability::Administration)
        } else {
            Role::parse(s).map(Capability::Role).map_err(|p| {
                Problem::new(
                    p.code,
                    format!("{}（管理者権限は administrator）", p.ja),
                    format!("{} (or administrator)", p.en),
                )
            })
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Capability::Role(r) => r.as_str(),
            Capability::Administration => "administrator",
        }
    }

    /// Shown to the CISO and auditors, and confirmed by a second administrator.
    pub fn is_sensitive(self) -> bool {
        match self {
            Capability::Role(r) => r.is_sensitive(),
            Capability::Administration => true,
        }
    }
}

/// A scope as people write it: `group`, `company:CODE`, `site:CODE`, `department:CODE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScopeSpec {
    Group,
    Company(Code),
    Site(Code),
    Department(Code),
}

impl ScopeSpec {
    pub fn parse(s: &str) -> Result<Self, Problem> {
        let s = s.trim();
        if s == "group" {
            return Ok(ScopeSpec::Group);
        }
        let bad = || {
            Problem::new(
                "invalid_scope",
                format!(
                    "範囲 {s:?} は group、company:CODE、site:CODE、department:CODE のいずれかで指定してください"
                ),
                format!("scope {s:?} must be group, company:CODE, site:CODE or department:CODE"),
            )
        };
        let (kind, code) = s.split_once(':').ok_or_else(bad)?;
        let code = Code::parse(code)?;
        match kind {
            "company" => Ok(ScopeSpec::Company(code)),
            "site" => Ok(ScopeSpec::Site(code)),
            "department" => Ok(ScopeSpec::Department(code)),
            _ => Err(bad()),
        }
    }
}

/// A grant as the administration pages and `user list` show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GrantView {
    pub id: GrantId,
    pub user_email: String,
    pub role: String,
    /// `group`, `company:X`, `site:X-Y`, `department:EC`.
    pub scope: String,
    /// The group's, company's, site's or department's name.
    pub scope_name: String,
    pub until: Option<NaiveDate>,
    /// Waiting for a second administrator.
    pub pending: bool,
    pub revoked: bool,
    /// An administrator's revocation waiting for a second administrator.
    pub revocation_pending: bool,
    pub granted_by: String,
    pub confirmed_by: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserView {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub disabled: bool,
    pub grants: Vec<GrantView>,
}

/// The audit image of a user: never the password hash itself.
#[derive(Serialize)]
struct UserImage<'a> {
    id: UserId,
    email: &'a str,
    name: &'a str,
    password_hash: Option<&'a str>,
    disabled: bool,
}

#[derive(Serialize)]
struct GrantImage<'a> {
    id: GrantId,
    user: UserId,
    role: &'a str,
    scope_kind: &'a str,
    scope_id: Option<&'a str>,
    until: Option<NaiveDate>,
    needs_confirmation: bool,
}

pub fn check_password_policy(password: &str) -> Result<(), Problem> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(Problem::new(
            "weak_password",
            format!("パスワードは{MIN_PASSWORD_CHARS}文字以上にしてください"),
            format!("passwords must have at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    if n > 1024 {
        return Err(Problem::new(
            "password_too_long",
            "パスワードが長すぎます（1024文字まで）",
            "the password is too long (1024 characters at most)",
        ));
    }
    Ok(())
}

fn hash_password(password: &str) -> Result<String> {
    check_password_policy(password)?;
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| {
            Problem::new(
                "password_hash_failed",
                format!("パスワードを保存できませんでした: {e}"),
                format!("could not hash the password: {e}"),
            )
            .into()
        })
}

pub(crate) fn password_matches(stored: &str, password: &str) -> bool {
    PasswordHash::new(stored)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A long random secret (hex) and the SHA-256 under which it is stored.
fn new_secret() -> Result<(String, String)> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| {
        Problem::new(
            "no_randomness",
            format!("乱数を取得できませんでした: {e}"),
            format!("could not get random bytes: {e}"),
        )
    })?;
    let secret = hex::encode(bytes);
    let hash = secret_hash(&secret);
    Ok((secret, hash))
}

pub(crate) fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

fn last_administrator() -> StoreError {
    Problem::new(
        "last_administrator",
        "最後の管理者は外せません。先に別の管理者を追加してください",
        "the last administrator cannot be removed; add another administrator first",
    )
    .into()
}

pub(crate) fn sign_in_failed() -> StoreError {
    Problem::new(
        "sign_in_failed",
        "メールアドレスまたはパスワードが正しくありません",
        "the e-mail address or the password is not correct",
    )
    .into()
}

/// A password hash to verify against when the account does not exist, so that a failed
/// sign-in takes as long whether or not the e-mail address is known.
pub(crate) fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| {
        Argon2::default()
            .hash_password(b"kamae: no such account, still as slow")
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

fn grant_view_from(r: &Row) -> Result<GrantView> {
    let kind = r.text("scope_kind")?;
    let code = r.opt_text("scope_code")?;
    let scope = match code {
        Some(c) if kind != "group" => format!("{kind}:{c}"),
        _ => "group".to_owned(),
    };
    Ok(GrantView {
        id: r.parse("id")?,
        user_email: r.text("email")?,
        role: r.text("role")?,
        scope,
        scope_name: r.opt_text("scope_name")?.unwrap_or_default(),
        until: r.opt_date("until")?,
        pending: r.boolean("needs_confirmation")? && r.opt_instant("confirmed_at")?.is_none(),
        revoked: r.opt_instant("revoked_at")?.is_some(),
        revocation_pending: r.opt_instant("revoked_at")?.is_none()
            && r.opt_instant("revocation_requested_at")?.is_some(),
        granted_by: r.text("granted_by_label")?,
        confirmed_by: r.opt_text("confirmed_by_label")?,
        created_at: r.instant("created_at")?,
    })
}

/// Grants with the names and codes of their scopes and of the administrators involved,
/// followed by the given WHERE clause.
macro_rules! grant_view_sql {
    ($tail:literal) => {
        concat!(
            "SELECT g.id, u.email, g.role, g.scope_kind, g.until, g.needs_confirmation, \
             g.confirmed_at, g.revoked_at, g.revocation_requested_at, g.created_at, \
             COALESCE(c.code, s.code, d.code) AS scope_code, \
             COALESCE(c.name, s.name, d.name, gr.name) AS scope_name, \
             COALESCE(gb.email, g.granted_by) AS granted_by_label, cb.email AS confirmed_by_label \
             FROM grants g JOIN users u ON u.id = g.user_id JOIN groups gr ON gr.id = g.group_id \
             LEFT JOIN companies c ON g.scope_kind = 'company' AND c.id = g.scope_id \
             LEFT JOIN sites s ON g.scope_kind = 'site' AND s.id = g.scope_id \
             LEFT JOIN departments d ON g.scope_kind = 'department' AND d.id = g.scope_id \
             LEFT JOIN users gb ON gb.id = g.granted_by \
             LEFT JOIN users cb ON cb.id = g.confirmed_by ",
            $tail
        )
    };
}

impl Store {
    /// `kamae init`: creates the group and its first administrator, as `system`.
    pub async fn init_group(
        &self,
        group: NewGroup,
        admin_email: &Email,
        admin_name: &str,
        password: &str,
    ) -> Result<(Group, UserId)> {
        let hash = hash_password(password)?;
        let mut w = Write::begin(self, Who::system()).await?;
        let g = Store::create_group(&mut w, &group).await?;
        let user = Self::insert_user(&mut w, g.id, admin_email, admin_name, Some(&hash)).await?;
        Self::insert_grant(
            &mut w,
            g.id,
            user,
            Capability::Administration,
            ("group", None),
            None,
            "system",
            false,
        )
        .await?;
        w.commit().await?;
        Ok((g, user))
    }

    async fn insert_user(
        w: &mut Write,
        group: GroupId,
        email: &Email,
        name: &str,
        hash: Option<&str>,
    ) -> Result<UserId> {
        let id = new_id(UserId::from_uuid);
        let name = required_text(name, "氏名", "name")?;
        let taken = w
            .fetch_optional("SELECT id FROM users WHERE email = $1", args![t(email)])
            .await?;
        if taken.is_some() {
            return Err(Problem::new(
                "duplicate",
                format!("メールアドレス {email} のユーザーは既に登録されています"),
                format!("a user with e-mail address {email} already exists"),
            )
            .into());
        }
        let now = w.now();
        let image = UserImage {
            id,
            email: email.as_str(),
            name: &name,
            password_hash: hash,
            disabled: false,
        };
        w.apply(
            Change::new(group, "create", "user", id)
                .after(&image)
                .security(),
            vec![stmt(
                "INSERT INTO users (id, group_id, email, name, password_hash, locale, created_at) \
                 VALUES ($1, $2, $3, $4, $5, 'ja', $6)",
                args![
                    t(id),
                    t(group),
                    t(email),
                    name.clone(),
                    hash.map(str::to_owned),
                    now
                ],
            )],
        )
        .await?;
        Ok(id)
    }

    #[allow(clippy::too_many_arguments)]
    async fn insert_grant(
        w: &mut Write,
        group: GroupId,
        user: UserId,
        cap: Capability,
        scope: (&str, Option<String>),
        until: Option<NaiveDate>,
        granted_by: &str,
        needs_confirmation: bool,
    ) -> Result<GrantId> {
        let id = new_id(GrantId::from_uuid);
        let now = w.now();
        let image = GrantImage {
            id,
            user,
            role: cap.as_str(),
            scope_kind: scope.0,
            scope_id: scope.1.as_deref(),
            until,
            needs_confirmation,
        };
        w.apply(
            Change::new(group, "grant", "grant", id).after(&image).security(),
            vec![stmt(
                "INSERT INTO grants (id, group_id, user_id, role, scope_kind, scope_id, until, granted_by, created_at, needs_confirmation) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                args![
                    t(id),
                    t(group),
                    t(user),
                    cap.as_str(),
                    scope.0,
                    scope.1.clone(),
                    until,
                    granted_by,
                    now,
                    needs_confirmation
                ],
            )],
        )
        .await?;
        Ok(id)
    }

    /// Active administrators of the group, counted inside the write that depends on the
    /// count, so that two administrators cannot remove each other at the same moment.
    async fn active_administrators(w: &mut Write, group: GroupId) -> Result<i64> {
        let row = w
            .fetch_optional(
                "SELECT COUNT(DISTINCT g.user_id) AS n FROM grants g JOIN users u ON u.id = g.user_id \
                 WHERE g.group_id = $1 AND g.role = 'administrator' AND u.disabled_at IS NULL AND \
                 g.revoked_at IS NULL AND (g.needs_confirmation = FALSE OR g.confirmed_at IS NOT NULL)",
                args![t(group)],
            )
            .await?;
        Ok(row.map(|r| r.int("n")).transpose()?.unwrap_or(0))
    }

    async fn is_active_administrator(w: &mut Write, user: UserId) -> Result<bool> {
        Ok(w
            .fetch_optional(
                "SELECT g.id FROM grants g WHERE g.user_id = $1 AND g.role = 'administrator' AND \
                 g.revoked_at IS NULL AND (g.needs_confirmation = FALSE OR g.confirmed_at IS NOT NULL)",
                args![t(user)],
            )
            .await?
            .is_some())
    }

    async fn user_id_by_email(&self, actor: &Actor, email: &Email) -> Result<UserId> {
        let row = self
            .db
            .fetch_optional(
                "SELECT id FROM users WHERE group_id = $1 AND email = $2",
                args![t(actor.group()), t(email)],
            )
            .await?
            .ok_or_else(|| StoreError::not_found(USER.0, USER.1))?;
        row.parse("id")
    }

    /// Adds a user (administration). With `administrator`, also grants the administration
    /// capability, which waits for a second administrator where the group has two or more.
    pub async fn add_user(
        &self,
        actor: &Actor,
        email: &Email,
        name: &str,
        password: Option<&str>,
        administrator: bool,
    ) -> Result<(UserId, Option<GrantView>)> {
        check(actor, Action::Write, ADMIN, Scope::Group, USER)?;
        let hash = password.map(hash_password).transpose()?;
        let who = Who::of(actor);
        let mut w = Write::begin(self, who.clone()).await?;
        let needs_confirmation =
            administrator && Self::active_administrators(&mut w, actor.group()).await? >= 2;
        let id = Self::insert_user(&mut w, actor.group(), email, name, hash.as_deref()).await?;
        let grant = if administrator {
            Some(
                Self::insert_grant(
                    &mut w,
                    actor.group(),
                    id,
                    Capability::Administration,
                    ("group", None),
                    None,
                    &who.actor,
                    needs_confirmation,
                )
                .await?,
            )
        } else {
            None
        };
        w.commit().await?;
        let view = match grant {
            Some(g) => Some(self.grant_view(actor, g).await?),
            None => None,
        };
        Ok((id, view))
    }

    /// Sets a user's password (administration, or the user for themselves).
    pub async fn set_password(&self, actor: &Actor, email: &Email, password: &str) -> Result<()> {
        let user = self.user_id_by_email(actor, email).await?;
        if actor.user() != Some(user) {
            check(actor, Action::Write, ADMIN, Scope::Group, USER)?;
        }
        let hash = hash_password(password)?;
        let mut w = Write::begin(self, Who::of(actor)).await?;
        // One administrator setting another's password would take over that account and
        // with it the second signature that sensitive grants need.
        if actor.user() != Some(user)
            && matches!(actor, Actor::User(_))
            && Self::is_active_administrator(&mut w, user).await?
        {
            return Err(Problem::new(
                "administrator_password_is_their_own",
                "管理者のパスワードは本人だけが変更できます",
                "only administrators themselves can change an administrator's password",
            )
            .into());
        }
        w.apply(
            Change::new(actor.group(), "update", "user", user)
                .after(&serde_json::json!({"password_hash": hash}))
                .security(),
            vec![stmt(
                "UPDATE users SET password_hash = $1 WHERE id = $2 AND group_id = $3",
                args![hash.clone(), t(user), t(actor.group())],
            )],
        )
        .await?;
        w.commit().await
    }

    async fn resolve_scope(
        &self,
        actor: &Actor,
        spec: &ScopeSpec,
    ) -> Result<(&'static str, Option<String>)> {
        let (kind, sql, code): (&'static str, &'static str, &Code) = match spec {
            ScopeSpec::Group => return Ok(("group", None)),
            ScopeSpec::Company(c) => (
                "company",
                "SELECT id FROM companies WHERE group_id = $1 AND code = $2 AND archived_at IS NULL",
                c,
            ),
            ScopeSpec::Site(c) => (
                "site",
                "SELECT id FROM sites WHERE group_id = $1 AND code = $2 AND archived_at IS NULL",
                c,
            ),
            ScopeSpec::Department(c) => (
                "department",
                "SELECT id FROM departments WHERE group_id = $1 AND code = $2 AND archived_at IS NULL",
                c,
            ),
        };
        let row = self
            .db
            .fetch_optional(sql, args![t(actor.group()), t(code)])
            .await?
            .ok_or_else(|| {
                Problem::new(
                    "unknown_scope",
                    format!("範囲 {kind}:{code} はこのグループにありません"),
                    format!("there is no {kind} {code} in this group"),
                )
            })?;
        Ok((kind, Some(row.text("id")?)))
    }

    /// Grants a role (or administration) over a scope, optionally until a date. Sensitive
    /// grants wait for a second administrator where the group has two or more.
    pub async fn grant(
        &self,
        actor: &Actor,
        email: &Email,
        cap: Capability,
        scope: &ScopeSpec,
        until: Option<NaiveDate>,
    ) -> Result<GrantView> {
        check(actor, Action::Write, ADMIN, Scope::Group, GRANT)?;
        if cap == Capability::Administration && *scope != ScopeSpec::Group {
            return Err(Problem::new(
                "invalid_scope",
                "管理者権限はグループ全体にのみ付与できます（--scope group）",
                "administration is granted over the whole group only (--scope group)",
            )
            .into());
        }
        if let Some(u) = until
            && u < self.today(actor.group()).await?
        {
            return Err(Problem::new(
                "until_in_past",
                format!("終了日 {u} は過去の日付です"),
                format!("the end date {u} is in the past"),
            )
            .into());
        }
        let user = self.user_id_by_email(actor, email).await?;
        let resolved = self.resolve_scope(actor, scope).await?;
        let who = Who::of(actor);
        let mut w = Write::begin(self, who.clone()).await?;
        let needs_confirmation =
            cap.is_sensitive() && Self::active_administrators(&mut w, actor.group()).await? >= 2;
        let id = Self::insert_grant(
            &mut w,
            actor.group(),
            user,
            cap,
            resolved,
            until,
            &who.actor,
            needs_confirmation,
        )
        .await?;
        w.commit().await?;
        self.grant_view(actor, id).await
    }

    async fn grant_view(&self, actor: &Actor, id: GrantId) -> Result<GrantView> {
        let row = self
            .db
            .fetch_optional(
                grant_view_sql!("WHERE g.group_id = $1 AND g.id = $2"),
                args![t(actor.group()), t(id)],
            )
            .await?
            .ok_or_else(|| StoreError::not_found(GRANT.0, GRANT.1))?;
        grant_view_from(&row)
    }

    /// A second administrator confirms a pending sensitive grant, or a pending revocation
    /// of an administrator.
    pub async fn confirm_grant(&self, actor: &Actor, id: GrantId) -> Result<GrantView> {
        check(actor, Action::Write, ADMIN, Scope::Group, GRANT)?;
        let before = self.grant_view(actor, id).await?;
        let me = actor
            .user()
            .map(|u| u.to_string())
            .unwrap_or_else(|| "system".into());
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let row = w
            .fetch_optional(
                "SELECT user_id, granted_by, needs_confirmation, confirmed_at, revoked_at, \
                 revocation_requested_by, revocation_reason FROM grants WHERE group_id = $1 AND id = $2",
                args![t(actor.group()), t(id)],
            )
            .await?
            .ok_or_else(|| StoreError::not_found(GRANT.0, GRANT.1))?;
        let revoked = row.opt_instant("revoked_at")?.is_some();
        let pending_grant =
            row.boolean("needs_confirmation")? && row.opt_instant("confirmed_at")?.is_none();
        let now = w.now();
        if !revoked && pending_grant {
            if row.text("granted_by")? == me || row.text("user_id")? == me {
                return Err(Problem::new(
                    "second_administrator_required",
                    "確認は、付与した管理者・付与された本人以外の管理者が行ってください",
                    "a second administrator, neither the one who granted it nor its holder, must confirm",
                )
                .into());
            }
            w.apply(
                Change::new(actor.group(), "confirm", "grant", id)
                    .before(&before)
                    .after(&serde_json::json!({"confirmed_by": me, "confirmed_at": now}))
                    .security(),
                vec![stmt(
                    "UPDATE grants SET confirmed_by = $1, confirmed_at = $2 \
                     WHERE id = $3 AND group_id = $4 AND confirmed_at IS NULL AND revoked_at IS NULL",
                    args![me.clone(), now, t(id), t(actor.group())],
                )],
            )
            .await?;
        } else if let (false, Some(requested_by)) =
            (revoked, row.opt_text("revocation_requested_by")?)
        {
            if requested_by == me {
                return Err(Problem::new(
                    "second_administrator_required",
                    "取り消しの確認は、取り消しを申請した管理者以外が行ってください",
                    "a second administrator, not the one who asked for the revocation, must confirm it",
                )
                .into());
            }
            if Self::active_administrators(&mut w, actor.group()).await? <= 1 {
                return Err(last_administrator());
            }
            let reason = row.opt_text("revocation_reason")?;
            w.apply(
                Change::new(actor.group(), "revoke", "grant", id)
                    .before(&before)
                    .after(&serde_json::json!({"revoked_by": requested_by, "confirmed_by": me, "revoked_at": now}))
                    .reason(reason.as_deref())
                    .security(),
                vec![stmt(
                    "UPDATE grants SET revoked_by = $1, revoked_at = $2 WHERE id = $3 AND group_id = $4 AND revoked_at IS NULL",
                    args![requested_by, now, t(id), t(actor.group())],
                )],
            )
            .await?;
        } else {
            return Err(Problem::new(
                "nothing_to_confirm",
                "この権限付与は確認待ちではありません",
                "this grant is not waiting for confirmation",
            )
            .into());
        }
        w.commit().await?;
        self.grant_view(actor, id).await
    }

    /// Revokes a grant (the reason is kept). Revoking another administrator's administration
    /// waits for a second administrator, as granting it does; the last administrator stays.
    pub async fn revoke_grant(
        &self,
        actor: &Actor,
        id: GrantId,
        reason: Option<&str>,
    ) -> Result<GrantView> {
        check(actor, Action::Write, ADMIN, Scope::Group, GRANT)?;
        let reason = required_reason(reason)?;
        let before = self.grant_view(actor, id).await?;
        let me = actor
            .user()
            .map(|u| u.to_string())
            .unwrap_or_else(|| "system".into());
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let row = w
            .fetch_optional(
                "SELECT user_id, role, needs_confirmation, confirmed_at, revoked_at, revocation_requested_at \
                 FROM grants WHERE group_id = $1 AND id = $2",
                args![t(actor.group()), t(id)],
            )
            .await?
            .ok_or_else(|| StoreError::not_found(GRANT.0, GRANT.1))?;
        if row.opt_instant("revoked_at")?.is_some() {
            return Err(Problem::new(
                "already_revoked",
                "この権限付与は既に取り消されています",
                "this grant is already revoked",
            )
            .into());
        }
        let active =
            !row.boolean("needs_confirmation")? || row.opt_instant("confirmed_at")?.is_some();
        let holder = row.text("user_id")?;
        let now = w.now();
        if row.text("role")? == "administrator" && active {
            let admins = Self::active_administrators(&mut w, actor.group()).await?;
            if admins <= 1 {
                return Err(last_administrator());
            }
            if holder != me && matches!(actor, Actor::User(_)) {
                if row.opt_instant("revocation_requested_at")?.is_some() {
                    return Err(Problem::new(
                        "revocation_pending",
                        "この管理者権限の取り消しは既に確認待ちです",
                        "the revocation of this administrator is already waiting for confirmation",
                    )
                    .into());
                }
                w.apply(
                    Change::new(actor.group(), "request_revocation", "grant", id)
                        .before(&before)
                        .after(&serde_json::json!({"revocation_requested_by": me, "revocation_requested_at": now}))
                        .reason(Some(&reason))
                        .security(),
                    vec![stmt(
                        "UPDATE grants SET revocation_requested_by = $1, revocation_requested_at = $2, \
                         revocation_reason = $3 WHERE id = $4 AND group_id = $5 AND revoked_at IS NULL",
                        args![me.clone(), now, reason.clone(), t(id), t(actor.group())],
                    )],
                )
                .await?;
                w.commit().await?;
                return self.grant_view(actor, id).await;
            }
        }
        w.apply(
            Change::new(actor.group(), "revoke", "grant", id)
                .before(&before)
                .after(&serde_json::json!({"revoked_by": me, "revoked_at": now}))
                .reason(Some(&reason))
                .security(),
            vec![stmt(
                "UPDATE grants SET revoked_by = $1, revoked_at = $2 WHERE id = $3 AND group_id = $4 AND revoked_at IS NULL",
                args![me, now, t(id), t(actor.group())],
            )],
        )
        .await?;
        w.commit().await?;
        self.grant_view(actor, id).await
    }

    /// Disables a user: their sessions and API tokens end in the same transaction. An
    /// administrator's administration must be revoked first (which a second administrator
    /// confirms), so that disabling is not a way around that rule.
    pub async fn disable_user(
        &self,
        actor: &Actor,
        email: &Email,
        reason: Option<&str>,
    ) -> Result<()> {
        check(actor, Action::Write, ADMIN, Scope::Group, USER)?;
        let user = self.user_id_by_email(actor, email).await?;
        if actor.user() == Some(user) {
            return Err(Problem::new(
                "cannot_disable_self",
                "自分自身は無効にできません。別の管理者に依頼してください",
                "you cannot disable yourself; ask another administrator",
            )
            .into());
        }
        let mut w = Write::begin(self, Who::of(actor)).await?;
        if Self::is_active_administrator(&mut w, user).await? {
            if Self::active_administrators(&mut w, actor.group()).await? <= 1 {
                return Err(last_administrator());
            }
            if matches!(actor, Actor::User(_)) {
                return Err(Problem::new(
                    "revoke_administration_first",
                    "管理者を無効にするには、先に管理者権限を取り消してください（別の管理者の確認が必要です）",
                    "to disable an administrator, revoke their administration first (a second administrator confirms it)",
                )
                .into());
            }
        }
        let now = w.now();
        w.apply(
            Change::new(actor.group(), "disable", "user", user)
                .before(&serde_json::json!({"email": email, "disabled_at": null}))
                .after(&serde_json::json!({"email": email, "disabled_at": now}))
                .reason(reason)
                .security(),
            vec![stmt(
                "UPDATE users SET disabled_at = $1 WHERE id = $2 AND group_id = $3 AND disabled_at IS NULL",
                args![now, t(user), t(actor.group())],
            )],
        )
        .await?;
        // Ending sessions and tokens is part of disabling; there may be none to end.
        for (kind, sql) in [
            (
                "session",
                "SELECT id_hash AS id FROM sessions WHERE user_id = $1 AND ended_at IS NULL",
            ),
            (
                "api_token",
                "SELECT id FROM api_tokens WHERE user_id = $1 AND ended_at IS NULL",
            ),
        ] {
            let open = w.fetch_all(sql, args![t(user)]).await?;
            for row in open {
                let id = row.text("id")?;
                let (label, update) = if kind == "session" {
                    (
                        "[secret]".to_owned(),
                        "UPDATE sessions SET ended_at = $1 WHERE id_hash = $2 AND ended_at IS NULL",
                    )
                } else {
                    (
                        id.clone(),
                        "UPDATE api_tokens SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL",
                    )
                };
                w.apply(
                    Change::new(actor.group(), "end", kind, label)
                        .before(&serde_json::json!({"user": user, "ended_at": null}))
                        .after(&serde_json::json!({"user": user, "ended_at": now}))
                        .reason(Some("利用者の無効化 / user disabled"))
                        .security(),
                    vec![stmt(update, args![now, id])],
                )
                .await?;
            }
        }
        w.commit().await
    }

    pub async fn users(&self, actor: &Actor) -> Result<Vec<UserView>> {
        check(actor, Action::Read, ADMIN, Scope::Group, USER)?;
        let rows = self
            .db
            .fetch_all(
                "SELECT id, email, name, disabled_at FROM users WHERE group_id = $1 ORDER BY email",
                args![t(actor.group())],
            )
            .await?;
        let grants: Vec<GrantView> = self
            .db
            .fetch_all(
                grant_view_sql!("WHERE g.group_id = $1 ORDER BY g.created_at, g.id"),
                args![t(actor.group())],
            )
            .await?
            .iter()
            .map(grant_view_from)
            .collect::<Result<_>>()?;
        rows.iter()
            .map(|r| {
                let email = r.text("email")?;
                Ok(UserView {
                    id: r.parse("id")?,
                    grants: grants
                        .iter()
                        .filter(|g| g.user_email == email)
                        .cloned()
                        .collect(),
                    email,
                    name: r.text("name")?,
                    disabled: r.opt_instant("disabled_at")?.is_some(),
                })
            })
            .collect()
    }

    /// Grants of `executive`, `ciso` and administration, newest first: what the CISO and
    /// auditors see on their home pages.
    pub async fn sensitive_grants(&self, actor: &Actor) -> Result<Vec<GrantView>> {
        check(
            actor,
            Action::Read,
            RecordKind::SecurityEvents,
            Scope::Group,
            GRANT,
        )?;
        self.db
            .fetch_all(
                grant_view_sql!(
                    "WHERE g.group_id = $1 AND g.role IN ('executive', 'ciso', 'administrator') \
                     ORDER BY g.created_at DESC, g.id DESC"
                ),
                args![t(actor.group())],
            )
            .await?
            .iter()
            .map(grant_view_from)
            .collect()
    }

    /// The actor a command runs as (`--as EMAIL`), with their active grants.
    pub async fn actor_for_email(&self, email: &Email) -> Result<Actor> {
        let row = self
            .db
            .fetch_optional(
                "SELECT id, group_id, disabled_at FROM users WHERE email = $1",
                args![t(email)],
            )
            .await?
            .ok_or_else(|| {
                Problem::new(
                    "unknown_user",
                    format!("ユーザー {email} は登録されていません"),
                    format!("there is no user {email}"),
                )
            })?;
        if row.opt_instant("disabled_at")?.is_some() {
            return Err(Problem::new(
                "user_disabled",
                format!("ユーザー {email} は無効化されています"),
                format!("user {email} is disabled"),
            )
            .into());
        }
        self.principal(row.parse("id")?, row.parse("group_id")?, email.as_str())
            .await
    }

    /// The principal of a row holding a user's `id`, `group_id` and `email`.
    pub(crate) async fn principal_of(&self, row: &Row) -> Result<Actor> {
        self.principal(
            row.parse("id")?,
            row.parse("group_id")?,
            &row.text("email")?,
        )
        .await
    }

    async fn principal(&self, user: UserId, group: GroupId, email: &str) -> Result<Actor> {
        let rows = self
            .db
            .fetch_all(
                "SELECT g.role, g.scope_kind, g.scope_id, g.until, COALESCE(s.company_id, d.company_id) AS scope_company \
                 FROM grants g \
                 LEFT JOIN sites s ON g.scope_kind = 'site' AND s.id = g.scope_id \
                 LEFT JOIN departments d ON g.scope_kind = 'department' AND d.id = g.scope_id \
                 WHERE g.user_id = $1 AND g.revoked_at IS NULL AND (g.needs_confirmation = FALSE OR g.confirmed_at IS NOT NULL)",
                args![t(user)],
            )
            .await?;
        let mut grants = Vec::new();
        let mut administrator = false;
        for r in &rows {
            let role = r.text("role")?;
            if role == "administrator" {
                administrator = true;
                continue;
            }
            let scope_id = r.opt_text("scope_id")?;
            let company = r.opt_text("scope_company")?;
            let parse_err = || StoreError::not_found("権限の範囲", "grant scope");
            let scope = match r.text("scope_kind")?.as_str() {
                "group" => Scope::Group,
                "company" => Scope::Company {
                    company: scope_id.ok_or_else(parse_err)?.parse()?,
                },
                "site" => Scope::Site {
                    company: company.ok_or_else(parse_err)?.parse()?,
                    site: scope_id.ok_or_else(parse_err)?.parse()?,
                },
                "department" => Scope::Department {
                    company: company.ok_or_else(parse_err)?.parse()?,
                    department: scope_id.ok_or_else(parse_err)?.parse()?,
                },
                _ => return Err(parse_err()),
            };
            grants.push(Grant {
                role: Role::parse(&role)?,
                scope,
                until: r.opt_date("until")?,
            });
        }
        Ok(Actor::User(Principal {
            user,
            group,
            email: email.to_owned(),
            grants,
            administrator,
            today: self.today(group).await?,
        }))
    }

    pub(crate) async fn open_session(
        &self,
        actor: &Actor,
        action: &'static str,
        client: Option<&str>,
    ) -> Result<String> {
        let Some(user) = actor.user() else {
            return Err(StoreError::not_found(USER.0, USER.1));
        };
        let (secret, hash) = new_secret()?;
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let now = w.now();
        let expires = now + SESSION_ABSOLUTE;
        // With a second factor on, the password opens the session half-way only.
        let mfa_pending = w
            .fetch_optional(
                "SELECT totp_enabled_at FROM users WHERE id = $1",
                args![t(user)],
            )
            .await?
            .map(|r| r.opt_instant("totp_enabled_at"))
            .transpose()?
            .flatten()
            .is_some();
        w.apply(
            Change::new(actor.group(), action, "session", "[secret]")
                .after(&serde_json::json!({
                    "user": user, "session_hash": hash, "expires_at": expires, "address": client,
                    "second_factor_pending": mfa_pending
                }))
                .security(),
            vec![stmt(
                "INSERT INTO sessions (id_hash, group_id, user_id, created_at, expires_at, last_seen_at, mfa_pending) \
                 VALUES ($1, $2, $3, $4, $5, $4, $6)",
                args![hash.clone(), t(actor.group()), t(user), now, expires, mfa_pending],
            )],
        )
        .await?;
        w.commit().await?;
        Ok(secret)
    }

    /// The actor behind a session id, if the session is open, unexpired and its user enabled.
    pub async fn actor_for_session(&self, secret: &str) -> Result<Actor> {
        let row = self
            .db
            .fetch_optional(
                "SELECT u.id, u.group_id, u.email FROM sessions s JOIN users u ON u.id = s.user_id \
                 WHERE s.id_hash = $1 AND s.ended_at IS NULL AND s.expires_at > $2 AND u.disabled_at IS NULL \
                 AND s.mfa_pending = FALSE",
                args![secret_hash(secret), self.now()],
            )
            .await?
            .ok_or_else(|| {
                Problem::new(
                    "session_ended",
                    "セッションが終了しています。もう一度サインインしてください",
                    "your session has ended; please sign in again",
                )
            })?;
        self.principal_of(&row).await
    }

    /// Creates an API token for the actor, expiring after `days` (at most, and by default,
    /// 90); the secret is returned once and stored only hashed.
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        name: &str,
        days: Option<i64>,
    ) -> Result<(TokenId, String)> {
        let Some(user) = actor.user() else {
            return Err(StoreError::not_found(USER.0, USER.1));
        };
        Self::insert_api_token(self, actor, user, name, days).await
    }

    /// An administrator creates a token for a user (`kamae token create`).
    pub async fn create_api_token_for(
        &self,
        actor: &Actor,
        email: &Email,
        name: &str,
        days: Option<i64>,
    ) -> Result<(TokenId, String)> {
        check(
            actor,
            Action::Write,
            ADMIN,
            Scope::Group,
            ("APIトークン", "API token"),
        )?;
        let user = self.user_id_by_email(actor, email).await?;
        Self::insert_api_token(self, actor, user, name, days).await
    }

    async fn insert_api_token(
        &self,
        actor: &Actor,
        user: UserId,
        name: &str,
        days: Option<i64>,
    ) -> Result<(TokenId, String)> {
        let name = required_text(name, "トークン名", "token name")?;
        let days = days.unwrap_or(MAX_TOKEN_DAYS);
        if !(1..=MAX_TOKEN_DAYS).contains(&days) {
            return Err(Problem::new(
                "invalid_token_days",
                format!("有効期間は1〜{MAX_TOKEN_DAYS}日で指定してください: {days}"),
                format!("a token lives 1 to {MAX_TOKEN_DAYS} days: {days}"),
            )
            .into());
        }
        let (secret, hash) = new_secret()?;
        let id = new_id(TokenId::from_uuid);
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let now = w.now();
        let expires = now + Duration::days(days);
        let disabled = w
            .fetch_optional(
                "SELECT id FROM users WHERE id = $1 AND group_id = $2 AND disabled_at IS NULL",
                args![t(user), t(actor.group())],
            )
            .await?
            .is_none();
        if disabled {
            return Err(StoreError::not_found(USER.0, USER.1));
        }
        w.apply(
            Change::new(actor.group(), "create", "api_token", id)
                .after(&serde_json::json!({"user": user, "name": name, "token_hash": hash, "expires_at": expires}))
                .security(),
            vec![stmt(
                "INSERT INTO api_tokens (id, group_id, user_id, name, token_hash, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                args![t(id), t(actor.group()), t(user), name.clone(), hash.clone(), now, expires],
            )],
        )
        .await?;
        w.commit().await?;
        Ok((id, secret))
    }

    /// The user behind an API token, with their language.
    pub async fn api_token_user(&self, secret: &str) -> Result<SessionUser> {
        let row = self
            .db
            .fetch_optional(
                "SELECT u.id, u.group_id, u.email, u.name, u.locale FROM api_tokens k JOIN users u ON u.id = k.user_id \
                 WHERE k.token_hash = $1 AND k.ended_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > $2) \
                 AND u.disabled_at IS NULL",
                args![secret_hash(secret), self.now()],
            )
            .await?
            .ok_or_else(|| {
                Problem::new(
                    "invalid_token",
                    "APIトークンが無効です（失効・期限切れ・利用者の無効化）",
                    "the API token is not valid (revoked, expired, or its user disabled)",
                )
            })?;
        Ok(SessionUser {
            actor: self.principal_of(&row).await?,
            name: row.text("name")?,
            locale: row.text("locale")?,
            second_factor_pending: false,
            second_factor_missing: false,
        })
    }

    pub async fn actor_for_api_token(&self, secret: &str) -> Result<Actor> {
        let row = self
            .db
            .fetch_optional(
                "SELECT u.id, u.group_id, u.email FROM api_tokens k JOIN users u ON u.id = k.user_id \
                 WHERE k.token_hash = $1 AND k.ended_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > $2) \
                 AND u.disabled_at IS NULL",
                args![secret_hash(secret), self.now()],
            )
            .await?
            .ok_or_else(|| {
                Problem::new(
                    "invalid_token",
                    "APIトークンが無効です（失効・期限切れ・利用者の無効化）",
                    "the API token is not valid (revoked, expired, or its user disabled)",
                )
            })?;
        self.principal_of(&row).await
    }

    /// The actor's own API tokens (never their secrets).
    pub async fn api_tokens(&self, actor: &Actor) -> Result<Vec<ApiTokenView>> {
        let Some(user) = actor.user() else {
            return Ok(Vec::new());
        };
        self.db
            .fetch_all(
                "SELECT id, name, created_at, expires_at, ended_at FROM api_tokens \
                 WHERE group_id = $1 AND user_id = $2 ORDER BY created_at DESC, id DESC",
                args![t(actor.group()), t(user)],
            )
            .await?
            .iter()
            .map(|r| {
                Ok(ApiTokenView {
                    id: r.parse("id")?,
                    name: r.text("name")?,
                    created_at: r.instant("created_at")?,
                    expires_at: r.opt_instant("expires_at")?,
                    ended_at: r.opt_instant("ended_at")?,
                })
            })
            .collect()
    }

    /// Ends an API token: its owner's, or any of the group's for an administrator.
    pub async fn revoke_api_token(
        &self,
        actor: &Actor,
        id: TokenId,
        reason: Option<&str>,
    ) -> Result<()> {
        let row = self
            .db
            .fetch_optional(
                "SELECT user_id, name, ended_at FROM api_tokens WHERE group_id = $1 AND id = $2",
                args![t(actor.group()), t(id)],
            )
            .await?
            .ok_or_else(|| StoreError::not_found("APIトークン", "API token"))?;
        let owner: UserId = row.parse("user_id")?;
        if actor.user() != Some(owner) {
            check(
                actor,
                Action::Write,
                ADMIN,
                Scope::Group,
                ("APIトークン", "API token"),
            )?;
        }
        if row.opt_instant("ended_at")?.is_some() {
            return Err(Problem::new(
                "already_revoked",
                "このAPIトークンは既に無効です",
                "this API token has already ended",
            )
            .into());
        }
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let now = w.now();
        w.apply(
            Change::new(actor.group(), "revoke", "api_token", id)
                .before(&serde_json::json!({"user": owner, "name": row.text("name")?, "ended_at": null}))
                .after(&serde_json::json!({"user": owner, "name": row.text("name")?, "ended_at": now}))
                .reason(reason)
                .security(),
            vec![stmt(
                "UPDATE api_tokens SET ended_at = $1 WHERE id = $2 AND group_id = $3 AND ended_at IS NULL",
                args![now, t(id), t(actor.group())],
            )],
        )
        .await?;
        w.commit().await
    }
}

/// An API token as its owner sees it: never the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiTokenView {
    pub id: TokenId,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
}

/// A session as the web sees it: who, in which language, under which name.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub actor: Actor,
    pub name: String,
    pub locale: String,
    /// The password was right; the second factor is still to come.
    pub second_factor_pending: bool,
    /// The group's policy asks this user for a second factor they have not set up.
    pub second_factor_missing: bool,
}

impl Store {
    /// The user behind an open session that has neither expired nor been idle too long,
    /// with their name and language. Activity is noted every few minutes.
    pub async fn session_user(&self, secret: &str) -> Result<SessionUser> {
        let now = self.now();
        let hash = secret_hash(secret);
        let row = self
            .db
            .fetch_optional(
                "SELECT u.id, u.group_id, u.email, u.name, u.locale, u.totp_enabled_at, g.mfa_required_roles, \
                 s.mfa_pending, s.last_seen_at, s.created_at \
                 FROM sessions s JOIN users u ON u.id = s.user_id JOIN groups g ON g.id = u.group_id \
                 WHERE s.id_hash = $1 AND s.ended_at IS NULL AND s.expires_at > $2 AND u.disabled_at IS NULL",
                args![hash.clone(), now],
            )
            .await?;
        let ended = || {
            StoreError::from(Problem::new(
                "session_ended",
                "セッションが終了しています。もう一度サインインしてください",
                "your session has ended; please sign in again",
            ))
        };
        let row = row.ok_or_else(ended)?;
        let last = row
            .opt_instant("last_seen_at")?
            .unwrap_or(row.instant("created_at")?);
        if last + SESSION_IDLE <= now {
            return Err(ended());
        }
        let actor = self.principal_of(&row).await?;
        if last + TOUCH_EVERY <= now {
            let mut w = Write::begin(self, Who::of(&actor)).await?;
            w.apply(
                Change::new(actor.group(), "touch", "session", "[secret]")
                    .before(&serde_json::json!({ "last_seen_at": last }))
                    .after(&serde_json::json!({ "last_seen_at": now })),
                vec![stmt(
                    "UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2 AND ended_at IS NULL",
                    args![now, hash],
                )],
            )
            .await?;
            w.commit().await?;
        }
        let required: Vec<String> = row
            .text("mfa_required_roles")?
            .split(',')
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty())
            .collect();
        let second_factor_missing = row.opt_instant("totp_enabled_at")?.is_none()
            && crate::mfa::required_for(&actor, &required);
        Ok(SessionUser {
            actor,
            name: row.text("name")?,
            locale: row.text("locale")?,
            second_factor_pending: row.boolean("mfa_pending")?,
            second_factor_missing,
        })
    }

    /// Ends a session (sign-out).
    pub async fn end_session(&self, secret: &str) -> Result<()> {
        let user = self.session_user(secret).await?;
        let mut w = Write::begin(self, Who::of(&user.actor)).await?;
        let now = w.now();
        w.apply(
            Change::new(user.actor.group(), "sign_out", "session", "[secret]")
                .before(&serde_json::json!({"user": user.actor.user(), "ended_at": null}))
                .after(&serde_json::json!({"user": user.actor.user(), "ended_at": now}))
                .security(),
            vec![stmt(
                "UPDATE sessions SET ended_at = $1 WHERE id_hash = $2 AND ended_at IS NULL",
                args![now, secret_hash(secret)],
            )],
        )
        .await?;
        w.commit().await
    }

    /// The language the user reads kamae in (`ja` or `en`).
    pub async fn set_user_locale(&self, actor: &Actor, locale: &str) -> Result<()> {
        let Some(user) = actor.user() else {
            return Err(StoreError::not_found(USER.0, USER.1));
        };
        if !matches!(locale, "ja" | "en") {
            return Err(Problem::new(
                "invalid_choice",
                format!("言語 {locale:?} は選べません（ja, en）"),
                format!("language {locale:?} is not offered (ja, en)"),
            )
            .into());
        }
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let before = w
            .fetch_optional("SELECT locale FROM users WHERE id = $1", args![t(user)])
            .await?
            .map(|r| r.text("locale"))
            .transpose()?;
        w.apply(
            Change::new(actor.group(), "update", "user", user)
                .before(&serde_json::json!({ "locale": before }))
                .after(&serde_json::json!({ "locale": locale })),
            vec![stmt(
                "UPDATE users SET locale = $1 WHERE id = $2 AND group_id = $3",
                args![locale, t(user), t(actor.group())],
            )],
        )
        .await?;
        w.commit().await
    }
}

impl Store {
    /// The names of the group's users by id, to say who submitted or decided something the
    /// actor can see. Nothing else about them.
    pub async fn user_labels(
        &self,
        actor: &Actor,
    ) -> Result<std::collections::HashMap<String, String>> {
        self.db
            .fetch_all(
                "SELECT id, name FROM users WHERE group_id = $1",
                args![t(actor.group())],
            )
            .await?
            .iter()
            .map(|r| Ok((r.text("id")?, r.text("name")?)))
            .collect()
    }
}

impl Store {
    /// A user changes their own password, giving the current one.
    pub async fn change_password(&self, actor: &Actor, current: &str, new: &str) -> Result<()> {
        let Some(user) = actor.user() else {
            return Err(StoreError::not_found(USER.0, USER.1));
        };
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
        if !stored.is_some_and(|h| password_matches(&h, current)) {
            return Err(Problem::new(
                "wrong_password",
                "現在のパスワードが正しくありません",
                "the current password is not correct",
            )
            .into());
        }
        let hash = hash_password(new)?;
        let mut w = Write::begin(self, Who::of(actor)).await?;
        w.apply(
            Change::new(actor.group(), "password_changed", "user", user)
                .after(&serde_json::json!({ "password_hash": hash }))
                .security(),
            vec![stmt(
                "UPDATE users SET password_hash = $1 WHERE id = $2 AND group_id = $3",
                args![hash.clone(), t(user), t(actor.group())],
            )],
        )
        .await?;
        w.commit().await
    }
}

impl Store {
    /// The names of the group's users by e-mail address, for history read by people.
    pub async fn user_names_by_email(
        &self,
        actor: &Actor,
    ) -> Result<std::collections::HashMap<String, String>> {
        self.db
            .fetch_all(
                "SELECT email, name FROM users WHERE group_id = $1",
                args![t(actor.group())],
            )
            .await?
            .iter()
            .map(|r| Ok((r.text("email")?, r.text("name")?)))
            .collect()
    }
}
