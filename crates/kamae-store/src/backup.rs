//! `kamae backup` and `kamae restore` for the embedded store.

use std::fs::OpenOptions;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use kamae_core::Problem;

use crate::db::Db;
use crate::{Result, SQLITE_FILE, Store};

fn io_problem(what_ja: &str, what_en: &str, path: &Path, e: std::io::Error) -> Problem {
    Problem::new(
        "io_error",
        format!("{what_ja} {}: {e}", path.display()),
        format!("{what_en} {}: {e}", path.display()),
    )
}

impl Store {
    /// Opens an SQLite file without writing to it: no migration, no journal change.
    pub(crate) async fn open_read_only(file: &Path) -> Result<Store> {
        let opts = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(file)
            .read_only(true)
            .immutable(true);
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(opts)
            .await?;
        Ok(Store {
            db: Db::Sqlite(pool),
            clock: crate::Clock::System,
        })
    }

    /// A consistent copy of the running store into a new file readable by its owner only.
    pub async fn backup_to(&self, file: &Path) -> Result<()> {
        let Db::Sqlite(pool) = &self.db else {
            return Err(Problem::new(
                "use_pg_dump",
                "PostgreSQL のバックアップには pg_dump を使ってください（例: pg_dump -Fc -f kamae.dump DBNAME）",
                "for PostgreSQL, back up with pg_dump (for example: pg_dump -Fc -f kamae.dump DBNAME)",
            )
            .into());
        };
        // Created empty with mode 0600 first, so that the copy is never readable by others,
        // not even for a moment; VACUUM INTO accepts an empty target file.
        OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(file)
            .map_err(|e| {
                io_problem(
                    "バックアップファイルを作成できません",
                    "cannot create the backup file",
                    file,
                    e,
                )
            })?;
        let target = file.to_string_lossy().into_owned();
        let result = sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(pool)
            .await;
        if let Err(e) = result {
            let _ = std::fs::remove_file(file);
            return Err(e.into());
        }
        Ok(())
    }

    /// Restores a backup into an empty data directory, after checking its audit chain (and,
    /// given the head noted when the backup was made, that nothing was cut off or rewritten).
    /// The backup file itself is only read.
    pub async fn restore_into(
        backup: &Path,
        data_dir: &Path,
        expect_head: Option<&kamae_core::audit::ChainHead>,
    ) -> Result<Store> {
        if !backup.is_file() {
            return Err(Problem::new(
                "no_backup_file",
                format!("バックアップファイル {} がありません", backup.display()),
                format!("there is no backup file {}", backup.display()),
            )
            .into());
        }
        let target = data_dir.join(SQLITE_FILE);
        let occupied = std::fs::read_dir(data_dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(false);
        if occupied {
            return Err(Problem::new(
                "data_dir_not_empty",
                format!(
                    "復元先 {} は空ではありません。空のデータディレクトリを指定してください",
                    data_dir.display()
                ),
                format!(
                    "{} is not empty: restore into an empty data directory",
                    data_dir.display()
                ),
            )
            .into());
        }
        let checked = Store::open_read_only(backup).await?;
        let verification = checked.verify(expect_head).await;
        checked.close().await;
        if let crate::audit::Verification::Broken(b) = verification? {
            return Err(Problem::new(
                "backup_chain_broken",
                format!("バックアップの監査証跡が壊れています: {}", b.problem.ja),
                format!("the backup's audit trail is broken: {}", b.problem.en),
            )
            .into());
        }
        std::fs::create_dir_all(data_dir).map_err(|e| {
            io_problem(
                "データディレクトリを作成できません",
                "cannot create the data directory",
                data_dir,
                e,
            )
        })?;
        let mut out = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&target)
            .map_err(|e| io_problem("復元先を作成できません", "cannot create", &target, e))?;
        let mut input = std::fs::File::open(backup).map_err(|e| {
            io_problem(
                "バックアップを読めません",
                "cannot read the backup",
                backup,
                e,
            )
        })?;
        std::io::copy(&mut input, &mut out)
            .map_err(|e| io_problem("復元に失敗しました", "restore failed writing", &target, e))?;
        out.sync_all()
            .map_err(|e| io_problem("復元に失敗しました", "restore failed writing", &target, e))?;
        Store::open(&Store::sqlite_url_in(data_dir)).await
    }
}
