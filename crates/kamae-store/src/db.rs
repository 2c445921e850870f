//! The two backends behind one small interface. SQL is written once with `$1` placeholders
//! (both SQLite and PostgreSQL read them) and our own argument and row types, which bind and
//! decode to each backend's native types: a date is a DATE on PostgreSQL and ISO text on
//! SQLite, with the same Rust type on our side.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::postgres::{PgPool, PgRow};
use sqlx::sqlite::{SqlitePool, SqliteRow};
use sqlx::{Postgres, Row as _, Sqlite, Transaction};

use crate::StoreError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A bound argument. `None` binds a NULL of the right type, which PostgreSQL needs.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Text(Option<String>),
    Int(Option<i64>),
    Bool(Option<bool>),
    Date(Option<NaiveDate>),
    Instant(Option<DateTime<Utc>>),
}

impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Text(Some(v.to_owned()))
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::Text(Some(v))
    }
}
impl From<&String> for Arg {
    fn from(v: &String) -> Self {
        Arg::Text(Some(v.clone()))
    }
}
impl From<Option<String>> for Arg {
    fn from(v: Option<String>) -> Self {
        Arg::Text(v)
    }
}
impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Arg::Int(Some(v))
    }
}
impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Self {
        Arg::Int(v)
    }
}
impl From<bool> for Arg {
    fn from(v: bool) -> Self {
        Arg::Bool(Some(v))
    }
}
impl From<NaiveDate> for Arg {
    fn from(v: NaiveDate) -> Self {
        Arg::Date(Some(v))
    }
}
impl From<Option<NaiveDate>> for Arg {
    fn from(v: Option<NaiveDate>) -> Self {
        Arg::Date(v)
    }
}
impl From<DateTime<Utc>> for Arg {
    fn from(v: DateTime<Utc>) -> Self {
        Arg::Instant(Some(v))
    }
}
impl From<Option<DateTime<Utc>>> for Arg {
    fn from(v: Option<DateTime<Utc>>) -> Self {
        Arg::Instant(v)
    }
}

/// Builds an argument list from values of mixed types: `args![id, name, today]`.
macro_rules! args {
    ($($v:expr),* $(,)?) => { vec![$($crate::db::Arg::from($v)),*] };
}
pub(crate) use args;

/// Any id or code shown as text, for binding.
pub(crate) fn t(v: impl ToString) -> Arg {
    Arg::Text(Some(v.to_string()))
}

/// An optional id or code, for binding.
pub(crate) fn ot(v: Option<impl ToString>) -> Arg {
    Arg::Text(v.map(|v| v.to_string()))
}

macro_rules! bind_all {
    ($query:expr, $args:expr) => {{
        let mut q = $query;
        for a in $args {
            q = match a {
                Arg::Text(v) => q.bind(v),
                Arg::Int(v) => q.bind(v),
                Arg::Bool(v) => q.bind(v),
                Arg::Date(v) => q.bind(v),
                Arg::Instant(v) => q.bind(v),
            };
        }
        q
    }};
}

pub(crate) enum Row {
    Sqlite(SqliteRow),
    Postgres(PgRow),
}

macro_rules! get {
    ($row:expr, $col:expr, $t:ty) => {
        match $row {
            Row::Sqlite(r) => r.try_get::<$t, _>($col),
            Row::Postgres(r) => r.try_get::<$t, _>($col),
        }
    };
}

impl Row {
    pub fn text(&self, col: &str) -> Result<String, StoreError> {
        Ok(get!(self, col, String)?)
    }
    pub fn opt_text(&self, col: &str) -> Result<Option<String>, StoreError> {
        Ok(get!(self, col, Option<String>)?)
    }
    pub fn int(&self, col: &str) -> Result<i64, StoreError> {
        Ok(get!(self, col, i64)?)
    }
    pub fn opt_int(&self, col: &str) -> Result<Option<i64>, StoreError> {
        Ok(get!(self, col, Option<i64>)?)
    }
    pub fn boolean(&self, col: &str) -> Result<bool, StoreError> {
        Ok(get!(self, col, bool)?)
    }
    pub fn date(&self, col: &str) -> Result<NaiveDate, StoreError> {
        Ok(get!(self, col, NaiveDate)?)
    }
    pub fn opt_date(&self, col: &str) -> Result<Option<NaiveDate>, StoreError> {
        Ok(get!(self, col, Option<NaiveDate>)?)
    }
    pub fn instant(&self, col: &str) -> Result<DateTime<Utc>, StoreError> {
        Ok(get!(self, col, DateTime<Utc>)?)
    }
    pub fn opt_instant(&self, col: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
        Ok(get!(self, col, Option<DateTime<Utc>>)?)
    }
    /// A column that holds one of our typed values as text (an id, a code, an enum word).
    pub fn parse<T: std::str::FromStr<Err = kamae_core::Problem>>(
        &self,
        col: &str,
    ) -> Result<T, StoreError> {
        Ok(self.text(col)?.parse()?)
    }
    pub fn opt_parse<T: std::str::FromStr<Err = kamae_core::Problem>>(
        &self,
        col: &str,
    ) -> Result<Option<T>, StoreError> {
        match self.opt_text(col)? {
            Some(s) => Ok(Some(s.parse()?)),
            None => Ok(None),
        }
    }
}

impl Db {
    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    pub async fn fetch_all(
        &self,
        sql: &'static str,
        args: Vec<Arg>,
    ) -> Result<Vec<Row>, StoreError> {
        Ok(match self {
            Db::Sqlite(p) => bind_all!(sqlx::query(sql), args)
                .fetch_all(p)
                .await?
                .into_iter()
                .map(Row::Sqlite)
                .collect(),
            Db::Postgres(p) => bind_all!(sqlx::query(sql), args)
                .fetch_all(p)
                .await?
                .into_iter()
                .map(Row::Postgres)
                .collect(),
        })
    }

    pub async fn fetch_optional(
        &self,
        sql: &'static str,
        args: Vec<Arg>,
    ) -> Result<Option<Row>, StoreError> {
        Ok(match self {
            Db::Sqlite(p) => bind_all!(sqlx::query(sql), args)
                .fetch_optional(p)
                .await?
                .map(Row::Sqlite),
            Db::Postgres(p) => bind_all!(sqlx::query(sql), args)
                .fetch_optional(p)
                .await?
                .map(Row::Postgres),
        })
    }

    pub async fn fetch_one(&self, sql: &'static str, args: Vec<Arg>) -> Result<Row, StoreError> {
        self.fetch_optional(sql, args)
            .await?
            .ok_or(StoreError::Database(sqlx::Error::RowNotFound))
    }

    /// A transaction that writers take one at a time, so that the audit chain has a single
    /// order: `BEGIN IMMEDIATE` on SQLite, a transaction-scoped advisory lock on PostgreSQL.
    pub async fn begin_serialised(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(p) => {
                let mut tx = p.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(WRITER_LOCK)
                    .execute(&mut *tx)
                    .await?;
                Tx::Postgres(tx)
            }
        })
    }
}

/// The advisory lock key that serialises writers on PostgreSQL ("kamae" in ASCII).
const WRITER_LOCK: i64 = 0x6b_61_6d_61_65;

pub(crate) enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    pub async fn execute(&mut self, sql: &'static str, args: Vec<Arg>) -> Result<u64, StoreError> {
        Ok(match self {
            Tx::Sqlite(tx) => bind_all!(sqlx::query(sql), args)
                .execute(&mut **tx)
                .await?
                .rows_affected(),
            Tx::Postgres(tx) => bind_all!(sqlx::query(sql), args)
                .execute(&mut **tx)
                .await?
                .rows_affected(),
        })
    }

    pub async fn fetch_all(
        &mut self,
        sql: &'static str,
        args: Vec<Arg>,
    ) -> Result<Vec<Row>, StoreError> {
        Ok(match self {
            Tx::Sqlite(tx) => bind_all!(sqlx::query(sql), args)
                .fetch_all(&mut **tx)
                .await?
                .into_iter()
                .map(Row::Sqlite)
                .collect(),
            Tx::Postgres(tx) => bind_all!(sqlx::query(sql), args)
                .fetch_all(&mut **tx)
                .await?
                .into_iter()
                .map(Row::Postgres)
                .collect(),
        })
    }

    pub async fn fetch_optional(
        &mut self,
        sql: &'static str,
        args: Vec<Arg>,
    ) -> Result<Option<Row>, StoreError> {
        Ok(match self {
            Tx::Sqlite(tx) => bind_all!(sqlx::query(sql), args)
                .fetch_optional(&mut **tx)
                .await?
                .map(Row::Sqlite),
            Tx::Postgres(tx) => bind_all!(sqlx::query(sql), args)
                .fetch_optional(&mut **tx)
                .await?
                .map(Row::Postgres),
        })
    }

    pub async fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}

impl crate::Store {
    /// Connections open in the pool, and how many of them are idle, for /metrics.
    pub fn pool_stats(&self) -> (u32, usize) {
        match &self.db {
            Db::Sqlite(p) => (p.size(), p.num_idle()),
            Db::Postgres(p) => (p.size(), p.num_idle()),
        }
    }

    /// Whether the database answers, for /readyz.
    pub async fn reachable(&self) -> bool {
        self.db.fetch_one("SELECT 1 AS one", vec![]).await.is_ok()
    }
}
