//! Running the `kamae` binary as people and scripts do: real processes, a real store.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn kamae(data_dir: &Path, args: &[&str]) -> Run {
    kamae_with(data_dir, None, args)
}

pub fn kamae_with(data_dir: &Path, database_url: Option<&str>, args: &[&str]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kamae"));
    cmd.arg("--data-dir").arg(data_dir);
    if let Some(url) = database_url {
        cmd.arg("--database-url").arg(url);
    }
    cmd.args(args)
        .env_remove("KAMAE_AS")
        .env_remove("KAMAE_DATABASE_URL");
    let out: Output = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run kamae: {e}"));
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn ok(r: Run) -> String {
    assert_eq!(r.code, 0, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    r.stdout
}

pub fn fails(r: &Run) {
    assert_ne!(r.code, 0, "expected failure; stdout:\n{}", r.stdout);
    // Every failure speaks both languages.
    assert!(
        r.stderr.contains("エラー") && r.stderr.contains("error"),
        "{}",
        r.stderr
    );
}

pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"))
}

pub const OFFICE: &str = "office@t.example";
pub const CISO: &str = "ciso@t.example";
pub const VIEWER: &str = "viewer@t.example";

/// A group of its own, without the demo's standard: its CISO office, CISO and a viewer.
pub fn own_group() -> tempfile::TempDir {
    let dir = tempdir();
    let d = dir.path();
    let pw = d.join("pw");
    std::fs::write(&pw, "a long enough password\n").unwrap_or_else(|e| panic!("{e}"));
    let pw = pw.display().to_string();
    ok(kamae(
        d,
        &[
            "init",
            "--group-code",
            "T",
            "--group-name",
            "テスト",
            "--admin-email",
            "admin@t.example",
            "--password-file",
            &pw,
        ],
    ));
    for (mail, role) in [(OFFICE, "ciso_office"), (CISO, "ciso"), (VIEWER, "viewer")] {
        ok(kamae(
            d,
            &[
                "--as",
                "admin@t.example",
                "user",
                "add",
                "--email",
                mail,
                "--name",
                role,
            ],
        ));
        ok(kamae(
            d,
            &[
                "--as",
                "admin@t.example",
                "user",
                "grant",
                "--email",
                mail,
                "--role",
                role,
                "--scope",
                "group",
            ],
        ));
    }
    dir
}

pub fn as_office(dir: &Path, args: &[&str]) -> Run {
    let mut all = vec!["--as", OFFICE];
    all.extend_from_slice(args);
    kamae(dir, &all)
}

pub fn path(dir: &Path, name: &str) -> String {
    dir.join(name).display().to_string()
}

pub fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}
