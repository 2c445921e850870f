//! kamae's store: one API over an embedded SQLite file (the default) or PostgreSQL (for
//! several kamae processes behind a load balancer). Every public method takes the acting
//! [`Actor`] and passes [`kamae_core::access::authorize`] before it reads or writes; every
//! change goes through the audited write path in [`write`], which records who, when, what
//! and why in the same transaction as the change.

mod db;
mod write;

pub mod advice;
pub mod applicability;
pub mod approval;
pub mod artifact;
pub mod assets;
pub mod audit;
pub mod backup;
pub mod business;
pub mod cases;
pub mod context;
pub mod demo;
pub mod evaluation;
pub mod exceptions;
pub mod frameworks;
pub mod glossary;
pub mod mfa;
pub mod org;
pub mod quant;
pub mod report;
pub mod risk;
pub mod rules;
pub mod signin;
pub mod synth;
#[cfg(feature = "testing")]
pub mod testing;
pub mod treatment;
pub mod users;
pub mod watch;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Timelike, Utc};
use kamae_core::Problem;
use kamae_core::access::{Action, Actor, Decision, RecordKind, Resource, Scope, authorize};
use kamae_core::calendar::GroupCalendar;
use kamae_core::ids::GroupId;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

pub use db::Backend;

/// What importing a file's record (a reference framework, a risk matrix) did, or with a dry
/// run would do.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceImport {
    Added,
    /// A record of the same code was there, with other content: archived, not deleted.
    Replaced,
    Unchanged,
}
use db::{Db, args, t};

/// The file name of the embedded store inside the data directory.
pub const SQLITE_FILE: &str = "kamae.db";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Something the user can act on, in Japanese and English.
    #[error("{0}")]
    Problem(#[from] Problem),
    #[error("データベースのエラー / database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("マイグレーションのエラー / migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// The stable machine-readable code (`not_found`, `forbidden`, `duplicate`, …).
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::Problem(p) => p.code,
            StoreError::Database(_) => "database_error",
            StoreError::Migrate(_) => "migration_error",
        }
    }

    pub(crate) fn not_found(what_ja: &str, what_en: &str) -> Self {
        Problem::new(
            "not_found",
            format!("指定された{what_ja}は見つかりません"),
            format!("no such {what_en}"),
        )
        .into()
    }

    fn forbidden(what_ja: &str, what_en: &str) -> Self {
        Problem::new(
            "forbidden",
            format!("この{what_ja}に対してこの操作を行う権限がありません"),
            format!("you may not do this to this {what_en}"),
        )
        .into()
    }

    /// Turns a unique-constraint violation into a message about what is duplicated.
    pub(crate) fn duplicate_as(self, ja: &str, en: &str) -> Self {
        match &self {
            StoreError::Database(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                Problem::new(
                    "duplicate",
                    format!("{ja}は既に登録されています"),
                    format!("{en} already exists"),
                )
                .into()
            }
            _ => self,
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Calls `authorize` and turns its answer into the store's error: a record the actor may
/// not see is "not found", never "forbidden".
pub(crate) fn check(
    actor: &Actor,
    action: Action,
    kind: RecordKind,
    scope: Scope,
    what: (&str, &str),
) -> Result<()> {
    let resource = Resource {
        group: actor.group(),
        kind,
        scope,
    };
    match authorize(actor, action, &resource) {
        Decision::Allow => Ok(()),
        Decision::NotFound => Err(StoreError::not_found(what.0, what.1)),
        Decision::Forbidden => Err(StoreError::forbidden(what.0, what.1)),
    }
}

/// Whether the actor may read a record at this scope: for filtering lists.
pub(crate) fn may_read(actor: &Actor, kind: RecordKind, scope: Scope) -> bool {
    let resource = Resource {
        group: actor.group(),
        kind,
        scope,
    };
    authorize(actor, Action::Read, &resource) == Decision::Allow
}

/// A record the reader may not see as nothing rather than as an error: for lists and for what
/// is shown beside the record asked for, where an unseen one is simply left out. `check`
/// already answers such a record as "not found", so that is the answer turned into `None`.
pub(crate) fn visible<T>(found: Result<T>) -> Result<Option<T>> {
    match found {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.code() == "not_found" => Ok(None),
        Err(e) => Err(e),
    }
}

#[derive(Debug, Clone)]
enum Clock {
    System,
    Fixed(DateTime<Utc>),
}

#[derive(Debug, Clone)]
pub struct Store {
    db: Db,
    clock: Clock,
}

impl Store {
    /// Opens the store at `database_url` (`postgres://…`, or `sqlite://PATH` / a file path)
    /// and runs migrations. An SQLite file is created on first use.
    pub async fn open(database_url: &str) -> Result<Store> {
        let store = Self::open_unmigrated(database_url).await?;
        if store.migrations_pending().await? {
            store.migrate().await?;
        }
        Ok(store)
    }

    /// Opens without migrating (for checking a backup as it is).
    pub async fn open_unmigrated(database_url: &str) -> Result<Store> {
        if database_url.starts_with("postgres://") || database_url.starts_with("postgresql://") {
            let opts = PgConnectOptions::from_str(database_url)?;
            Self::connect_postgres(opts).await
        } else {
            let path = database_url
                .strip_prefix("sqlite://")
                .or_else(|| database_url.strip_prefix("sqlite:"))
                .unwrap_or(database_url);
            Self::connect_sqlite(Path::new(path)).await
        }
    }

    /// The default store of a data directory: `DIR/kamae.db`.
    pub fn sqlite_url_in(data_dir: &Path) -> String {
        format!("sqlite://{}", data_dir.join(SQLITE_FILE).display())
    }

    pub(crate) async fn connect_sqlite(path: &Path) -> Result<Store> {
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // The audit trail must survive a power cut, not only a crash of kamae.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(opts)
            .await?;
        Ok(Store {
            db: Db::Sqlite(pool),
            clock: Clock::System,
        })
    }

    pub(crate) async fn connect_postgres(opts: PgConnectOptions) -> Result<Store> {
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(opts)
            .await?;
        Ok(Store {
            db: Db::Postgres(pool),
            clock: Clock::System,
        })
    }

    fn migrator(&self) -> sqlx::migrate::Migrator {
        match &self.db {
            Db::Sqlite(_) => sqlx::migrate!("./migrations/sqlite"),
            Db::Postgres(_) => sqlx::migrate!("./migrations/postgres"),
        }
    }

    /// Whether the store lacks a migration this kamae knows. Checked by reading, so that
    /// kamae can start under a PostgreSQL role that may not change the schema (see
    /// docs/operations.md) once `kamae migrate` has run as the owner.
    pub async fn migrations_pending(&self) -> Result<bool> {
        let applied = match self
            .db
            .fetch_all(
                "SELECT version FROM _sqlx_migrations WHERE success = TRUE",
                vec![],
            )
            .await
        {
            Ok(rows) => rows
                .iter()
                .map(|r| r.int("version"))
                .collect::<Result<Vec<i64>>>()?,
            // No migration table yet: a new store.
            Err(_) => return Ok(true),
        };
        Ok(self
            .migrator()
            .iter()
            .any(|m| !applied.contains(&m.version)))
    }

    pub async fn migrate(&self) -> Result<()> {
        match &self.db {
            Db::Sqlite(p) => sqlx::migrate!("./migrations/sqlite").run(p).await?,
            Db::Postgres(p) => sqlx::migrate!("./migrations/postgres").run(p).await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.db.backend()
    }

    pub async fn close(&self) {
        match &self.db {
            Db::Sqlite(p) => p.close().await,
            Db::Postgres(p) => p.close().await,
        }
    }

    /// The same store with a fixed "now", for tests and reproducible demos of dates.
    pub fn with_now(mut self, now: DateTime<Utc>) -> Store {
        self.clock = Clock::Fixed(now);
        self
    }

    /// Now, to the microsecond: PostgreSQL keeps instants to the microsecond, and an audit
    /// image must equal what was stored.
    pub fn now(&self) -> DateTime<Utc> {
        let t = match self.clock {
            Clock::System => Utc::now(),
            Clock::Fixed(t) => t,
        };
        t.with_nanosecond(t.nanosecond() / 1_000 * 1_000)
            .unwrap_or(t)
    }

    /// Whether the store holds no group yet (a fresh data directory).
    pub async fn is_empty(&self) -> Result<bool> {
        let row = self
            .db
            .fetch_one("SELECT COUNT(*) AS n FROM groups", vec![])
            .await?;
        Ok(row.int("n")? == 0)
    }

    /// Whether the store holds a demo group (the sign-in page then says where the demo
    /// sign-ins are).
    pub async fn has_demo_group(&self) -> Result<bool> {
        let row = self
            .db
            .fetch_one(
                "SELECT COUNT(*) AS n FROM groups WHERE is_demo = TRUE",
                vec![],
            )
            .await?;
        Ok(row.int("n")? > 0)
    }

    pub(crate) async fn calendar_of(&self, group: GroupId) -> Result<GroupCalendar> {
        let row = self
            .db
            .fetch_optional(
                "SELECT time_zone, fiscal_year_start_month FROM groups WHERE id = $1",
                args![t(group)],
            )
            .await?
            .ok_or_else(|| StoreError::not_found("グループ", "group"))?;
        Ok(GroupCalendar::parse(
            &row.text("time_zone")?,
            row.int("fiscal_year_start_month")?,
        )?)
    }

    /// Today in the group's time zone.
    pub async fn today(&self, group: GroupId) -> Result<NaiveDate> {
        Ok(self.calendar_of(group).await?.today(self.now()))
    }
}

/// A fresh id for a new record: UUID v7, so that ids sort by creation.
pub(crate) fn new_id<T>(make: fn(uuid::Uuid) -> T) -> T {
    make(uuid::Uuid::now_v7())
}
