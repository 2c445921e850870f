//! Real databases for tests: a fresh SQLite file, or a PostgreSQL database cloned from a
//! migrated template (when `KAMAE_TEST_DATABASE_URL` is set), dropped afterwards. Databases
//! left behind by test processes that died are dropped when the next run starts.

use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection};
use tokio::sync::OnceCell;

use crate::{Result, Store};

pub const TEST_DATABASE_ENV: &str = "KAMAE_TEST_DATABASE_URL";

const PREFIX: &str = "kamae_t_";
const TEMPLATE_PREFIX: &str = "kamae_tpl_";
/// Advisory lock taken while creating the template and cloning it.
const TEMPLATE_LOCK: i64 = 0x6b_61_6d_61_74;

pub struct TestStore {
    pub store: Store,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(PgConnectOptions, String)>,
    /// The URL another process (the `kamae` binary under test) can open this store with.
    pub url: String,
}

static COUNTER: AtomicU64 = AtomicU64::new(0);
static TEMPLATE: OnceCell<String> = OnceCell::const_new();

/// Names the template after the migrations, so that a changed migration gets a new one.
fn template_name() -> String {
    let mut h = Sha256::new();
    for m in sqlx::migrate!("./migrations/postgres").iter() {
        h.update(m.version.to_be_bytes());
        h.update(&*m.checksum);
    }
    format!("{TEMPLATE_PREFIX}{}", &hex::encode(h.finalize())[..12])
}

fn admin_options() -> Option<PgConnectOptions> {
    let url = std::env::var(TEST_DATABASE_ENV)
        .ok()
        .filter(|u| !u.trim().is_empty())?;
    match PgConnectOptions::from_str(&url) {
        Ok(o) => Some(o),
        Err(e) => panic!("{TEST_DATABASE_ENV} is not a PostgreSQL URL: {e}"),
    }
}

/// The test server's URL with another database name.
fn database_url_for(name: &str) -> String {
    let url = std::env::var(TEST_DATABASE_ENV).unwrap_or_default();
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b.to_owned(), format!("?{q}")),
        None => (url.clone(), String::new()),
    };
    let server = match base.rfind('/') {
        Some(i) if i > "postgres://".len() => &base[..i],
        _ => base.as_str(),
    };
    format!("{server}/{name}{query}")
}

fn pid_alive(pid: u32) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
}

async fn prepare_template(admin: &PgConnectOptions) -> Result<String> {
    let name = template_name();
    let mut conn = PgConnection::connect_with(admin).await?;
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(TEMPLATE_LOCK)
        .execute(&mut conn)
        .await?;
    let result = async {
        // Leftovers: databases of test processes that are gone, and outdated templates.
        let names: Vec<(String,)> =
            sqlx::query_as("SELECT datname FROM pg_database WHERE datname LIKE 'kamae\\_t%'")
                .fetch_all(&mut conn)
                .await?;
        for (db,) in names {
            let stale = if let Some(rest) = db.strip_prefix(PREFIX) {
                let pid = rest.split('_').next().and_then(|p| p.parse::<u32>().ok());
                pid.is_some_and(|p| !pid_alive(p))
            } else {
                db.starts_with(TEMPLATE_PREFIX) && db != name
            };
            if stale {
                let sql = format!("DROP DATABASE IF EXISTS \"{db}\" WITH (FORCE)");
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .execute(&mut conn)
                    .await?;
            }
        }
        let exists: Option<(String,)> =
            sqlx::query_as("SELECT datname FROM pg_database WHERE datname = $1")
                .bind(&name)
                .fetch_optional(&mut conn)
                .await?;
        if exists.is_none() {
            let building = format!("{name}_building");
            let drop = format!("DROP DATABASE IF EXISTS \"{building}\" WITH (FORCE)");
            sqlx::query(sqlx::AssertSqlSafe(drop))
                .execute(&mut conn)
                .await?;
            let create = format!("CREATE DATABASE \"{building}\"");
            sqlx::query(sqlx::AssertSqlSafe(create))
                .execute(&mut conn)
                .await?;
            let pool = PgPoolOptions::new()
                .max_connections(1)
                .connect_with(admin.clone().database(&building))
                .await?;
            sqlx::migrate!("./migrations/postgres").run(&pool).await?;
            pool.close().await;
            let rename = format!("ALTER DATABASE \"{building}\" RENAME TO \"{name}\"");
            sqlx::query(sqlx::AssertSqlSafe(rename))
                .execute(&mut conn)
                .await?;
        }
        Ok::<_, crate::StoreError>(())
    }
    .await;
    sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(TEMPLATE_LOCK)
        .execute(&mut conn)
        .await?;
    result?;
    Ok(name)
}

impl TestStore {
    pub async fn sqlite() -> TestStore {
        let dir = match tempfile::tempdir() {
            Ok(d) => d,
            Err(e) => panic!("cannot create a temporary directory: {e}"),
        };
        let url = Store::sqlite_url_in(dir.path());
        let store = match Store::open(&url).await {
            Ok(s) => s,
            Err(e) => panic!("cannot open SQLite store: {e}"),
        };
        TestStore {
            store,
            _dir: Some(dir),
            pg: None,
            url,
        }
    }

    /// A fresh PostgreSQL store, or `None` when `KAMAE_TEST_DATABASE_URL` is not set.
    pub async fn postgres() -> Option<TestStore> {
        let admin = admin_options()?;
        let result = async {
            let template = TEMPLATE
                .get_or_try_init(|| prepare_template(&admin))
                .await?
                .clone();
            let name = format!(
                "{PREFIX}{}_{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed)
            );
            let mut conn = PgConnection::connect_with(&admin).await?;
            sqlx::query("SELECT pg_advisory_lock($1)")
                .bind(TEMPLATE_LOCK)
                .execute(&mut conn)
                .await?;
            let create = format!("CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"");
            let created = sqlx::query(sqlx::AssertSqlSafe(create))
                .execute(&mut conn)
                .await;
            sqlx::query("SELECT pg_advisory_unlock($1)")
                .bind(TEMPLATE_LOCK)
                .execute(&mut conn)
                .await?;
            created?;
            conn.close().await?;
            let store = Store::connect_postgres(admin.clone().database(&name)).await?;
            store.migrate().await?;
            Ok::<_, crate::StoreError>(TestStore {
                store,
                _dir: None,
                url: database_url_for(&name),
                pg: Some((admin.clone(), name)),
            })
        }
        .await;
        match result {
            Ok(t) => Some(t),
            Err(e) => panic!("cannot prepare a PostgreSQL test database: {e}"),
        }
    }

    /// Closes the store and drops its PostgreSQL database. A test that panics before this
    /// leaves its database to the cleaning at the start of the next run.
    pub async fn finish(self) {
        self.store.close().await;
        if let Some((admin, name)) = self.pg
            && let Ok(mut conn) = PgConnection::connect_with(&admin).await
        {
            let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
            let _ = sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&mut conn)
                .await;
            let _ = conn.close().await;
        }
    }
}

/// Runs a store test on SQLite, and on PostgreSQL when `KAMAE_TEST_DATABASE_URL` is set:
/// `both_backends!(my_test);` for `async fn my_test(t: &TestStore)`.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let t = $crate::testing::TestStore::sqlite().await;
                super::$name(&t).await;
                t.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(t) = $crate::testing::TestStore::postgres().await else {
                    eprintln!("skipped: {} is not set", $crate::testing::TEST_DATABASE_ENV);
                    return;
                };
                super::$name(&t).await;
                t.finish().await;
            }
        }
    )*};
}

impl TestStore {
    /// Runs SQL around the store's API, as an attacker with database access would: for
    /// tests that tamper with the audit trail. Not available outside the `testing` feature.
    pub async fn tamper(&self, sql: &str) -> Result<u64> {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        Ok(match &self.store.db {
            crate::db::Db::Sqlite(p) => sqlx::raw_sql(sql).execute(p).await?.rows_affected(),
            crate::db::Db::Postgres(p) => sqlx::raw_sql(sql).execute(p).await?.rows_affected(),
        })
    }
}

/// SQL that puts one audit row back as it was: `update` after its columns were changed,
/// `insert` after it was deleted.
pub struct RowSnapshot {
    pub update: String,
    pub insert: String,
}

const AUDIT_TEXT_COLUMNS: [&str; 12] = [
    "at",
    "group_id",
    "actor",
    "actor_label",
    "action",
    "record_kind",
    "record_id",
    "reason",
    "before",
    "after",
    "prev_hash",
    "hash",
];

fn sql_literal(v: Option<String>) -> String {
    match v {
        Some(s) => format!("'{}'", s.replace('\'', "''")),
        None => "NULL".into(),
    }
}

impl TestStore {
    pub async fn tamper_snapshot_row(&self, seq: i64) -> Result<RowSnapshot> {
        let row = self
            .store
            .db
            .fetch_one(
                "SELECT at, group_id, actor, actor_label, action, record_kind, record_id, reason, before, after, \
                 security_event, prev_hash, hash FROM audit_log WHERE seq = $1",
                crate::db::args![seq],
            )
            .await?;
        let mut values = Vec::new();
        for c in AUDIT_TEXT_COLUMNS {
            values.push((c, sql_literal(row.opt_text(c)?)));
        }
        let flag = row.boolean("security_event")?;
        let flag = match self.store.backend() {
            crate::Backend::Sqlite => if flag { "1" } else { "0" }.to_owned(),
            crate::Backend::Postgres => if flag { "TRUE" } else { "FALSE" }.to_owned(),
        };
        values.push(("security_event", flag));
        let set: Vec<String> = values.iter().map(|(c, v)| format!("{c} = {v}")).collect();
        let cols: Vec<&str> = values.iter().map(|(c, _)| *c).collect();
        let vals: Vec<&str> = values.iter().map(|(_, v)| v.as_str()).collect();
        Ok(RowSnapshot {
            update: format!("UPDATE audit_log SET {} WHERE seq = {seq}", set.join(", ")),
            insert: format!(
                "INSERT INTO audit_log (seq, {}) VALUES ({seq}, {})",
                cols.join(", "),
                vals.join(", ")
            ),
        })
    }

    /// Every text column of the whole audit trail, for tests that look for secrets in it.
    pub async fn tamper_dump_audit(&self) -> Result<String> {
        let rows = self
            .store
            .db
            .fetch_all(
                "SELECT at, group_id, actor, actor_label, action, record_kind, record_id, reason, before, after, \
                 prev_hash, hash FROM audit_log ORDER BY seq",
                vec![],
            )
            .await?;
        let mut out = String::new();
        for r in &rows {
            for c in AUDIT_TEXT_COLUMNS {
                out.push_str(&r.opt_text(c)?.unwrap_or_default());
                out.push('\n');
            }
        }
        Ok(out)
    }
}
