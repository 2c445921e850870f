//! Signing in by password, and the throttling of repeated failures.
//!
//! Failures are not counted in a table of their own: they are the `sign_in_failed` events of
//! the audit trail (with the client's address), which every kamae process shares. Delays
//! grow with the failures of the last 15 minutes, and are capped, so that an attacker is
//! slowed but nobody can lock the CISO out in a crisis:
//! - the same account from the same address: after 3 failures, 1 s doubling up to 60 s;
//! - the same account from anywhere: after 10, 1 s doubling up to 30 s;
//! - the same address, any account: after 10, 1 s doubling up to 300 s.
//!
//! A successful sign-in clears the account's count. Refused attempts are not counted, so
//! hammering during a delay does not extend it for the account's owner.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use kamae_core::Problem;
use kamae_core::access::Actor;
use kamae_core::ids::GroupId;
use kamae_core::text::Email;

use crate::db::{args, t};
use crate::users::{dummy_hash, password_matches, sign_in_failed};
use crate::write::{Change, Who, Write};
use crate::{Result, Store};

const WINDOW: Duration = Duration::minutes(15);

/// (failures before delays start, cap in seconds)
const PAIR: (i64, i64) = (3, 60);
const ACCOUNT: (i64, i64) = (10, 30);
const ADDRESS: (i64, i64) = (10, 300);

fn delay(failures: i64, (free, cap): (i64, i64)) -> i64 {
    if failures < free {
        return 0;
    }
    let exp = (failures - free).min(20) as u32;
    (1i64 << exp).min(cap)
}

fn too_many(seconds: i64) -> Problem {
    Problem::new(
        "too_many_attempts",
        format!("サインインの失敗が続いています。{seconds}秒待ってからやり直してください"),
        format!("too many failed sign-ins: wait {seconds} seconds and try again"),
    )
}

fn address_image(client: Option<&str>) -> Option<serde_json::Value> {
    client.map(|c| serde_json::json!({ "address": c }))
}

impl Store {
    async fn failures(
        &self,
        sql: &'static str,
        args: Vec<crate::db::Arg>,
    ) -> Result<(i64, Option<DateTime<Utc>>)> {
        let row = self.db.fetch_one(sql, args).await?;
        let last = row
            .opt_text("last")?
            .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
            .map(|d| d.with_timezone(&Utc));
        Ok((row.int("n")?, last))
    }

    /// How long this attempt must still wait, if at all.
    pub async fn sign_in_wait(&self, login: &str, client: Option<&str>) -> Result<Option<i64>> {
        let now = self.now();
        let since = (now - WINDOW).to_rfc3339_opts(SecondsFormat::Micros, true);
        let cleared = self
            .db
            .fetch_one(
                "SELECT MAX(seq) AS s FROM audit_log WHERE action = 'sign_in' AND actor_label = $1",
                args![login],
            )
            .await?
            .opt_int("s")?
            .unwrap_or(0);
        let address = address_image(client).map(|v| v.to_string());
        let mut checks = vec![(
            self.failures(
                "SELECT COUNT(*) AS n, MAX(at) AS last FROM audit_log WHERE action = 'sign_in_failed' \
                 AND record_kind = 'user' AND record_id = $1 AND at > $2 AND seq > $3",
                args![login, since.clone(), cleared],
            )
            .await?,
            ACCOUNT,
        )];
        if let Some(address) = address {
            checks.push((
                self.failures(
                    "SELECT COUNT(*) AS n, MAX(at) AS last FROM audit_log WHERE action = 'sign_in_failed' \
                     AND record_kind = 'user' AND record_id = $1 AND after = $2 AND at > $3 AND seq > $4",
                    args![login, address.clone(), since.clone(), cleared],
                )
                .await?,
                PAIR,
            ));
            checks.push((
                self.failures(
                    "SELECT COUNT(*) AS n, MAX(at) AS last FROM audit_log WHERE action = 'sign_in_failed' \
                     AND after = $1 AND at > $2",
                    args![address, since],
                )
                .await?,
                ADDRESS,
            ));
        }
        let mut wait = 0i64;
        for ((n, last), rule) in checks {
            let d = delay(n, rule);
            if let (true, Some(last)) = (d > 0, last) {
                let remaining = (last + Duration::seconds(d) - now).num_seconds() + 1;
                wait = wait.max(remaining);
            }
        }
        Ok((wait > 0).then_some(wait))
    }

    /// Checks a password and opens a session. Success and failure both go to the security
    /// event log (with the client's address); the answer never says whether the account
    /// exists, and a throttled attempt is refused before the password is looked at.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        client: Option<&str>,
    ) -> Result<(Actor, String)> {
        let parsed = Email::parse(email);
        // Only an address that parses as one is kept: people sometimes type their password
        // into the e-mail field, and the audit trail is forever.
        let login = match &parsed {
            Ok(e) => e.to_string(),
            Err(_) => "[invalid]".to_owned(),
        };
        if let Some(seconds) = self.sign_in_wait(&login, client).await? {
            return Err(too_many(seconds).into());
        }
        let row = match &parsed {
            Ok(e) => {
                self.db
                    .fetch_optional(
                        "SELECT id, group_id, email, password_hash, disabled_at FROM users WHERE email = $1",
                        args![t(e)],
                    )
                    .await?
            }
            Err(_) => None,
        };
        let stored = match &row {
            Some(r) => r.opt_text("password_hash")?,
            None => None,
        };
        let matches = password_matches(stored.as_deref().unwrap_or(dummy_hash()), password)
            && stored.is_some();
        let usable = match &row {
            Some(r) => r.opt_instant("disabled_at")?.is_none(),
            None => false,
        };
        match row {
            Some(row) if matches && usable => {
                let actor = self.principal_of(&row).await?;
                let secret = self.open_session(&actor, "sign_in", client).await?;
                Ok((actor, secret))
            }
            _ => {
                let mut w = Write::begin(
                    self,
                    Who {
                        actor: "anonymous".into(),
                        label: login.clone(),
                    },
                )
                .await?;
                let group: Option<GroupId> = match &parsed {
                    Ok(e) => w
                        .fetch_optional("SELECT group_id FROM users WHERE email = $1", args![t(e)])
                        .await?
                        .map(|r| r.parse("group_id"))
                        .transpose()?,
                    Err(_) => None,
                };
                w.record(Change {
                    group,
                    action: "sign_in_failed",
                    kind: "user",
                    id: login,
                    before: None,
                    after: address_image(client),
                    reason: None,
                    security_event: true,
                })
                .await?;
                w.commit().await?;
                Err(sign_in_failed())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_stop_growing() {
        assert_eq!(delay(2, PAIR), 0);
        assert_eq!(delay(3, PAIR), 1);
        assert_eq!(delay(4, PAIR), 2);
        assert_eq!(delay(8, PAIR), 32);
        assert_eq!(delay(9, PAIR), 60);
        assert_eq!(delay(1_000, PAIR), 60);
        assert_eq!(delay(1_000, ACCOUNT), 30);
    }
}
