//! The `kamae` binary as people and scripts use it: real processes, a real store.

mod common;

use common::*;

use std::path::{Path, PathBuf};
use std::process::Command;

use kamae_store::testing::TestStore;

fn head_of(verify_stdout: &str) -> String {
    verify_stdout
        .lines()
        .find_map(|l| l.strip_prefix("head "))
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("no head in {verify_stdout}"))
}

fn sqlite_exec(data_dir: &Path, sql: &str) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let path: PathBuf = data_dir.join("kamae.db");
    rt.block_on(async {
        use sqlx::Connection;
        let url = format!("sqlite://{}", path.display());
        let mut conn = sqlx::SqliteConnection::connect(&url)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    });
}

#[test]
fn demo_then_check_org_names_z() {
    let dir = tempdir();
    let d = dir.path().join("data");
    let out = ok(kamae(&d, &["demo"]));
    for role in [
        "administrator",
        "executive",
        "ciso",
        "ciso_office",
        "security_lead",
        "practitioner",
        "department_manager",
        "auditor",
        "viewer",
    ] {
        assert_eq!(
            out.matches(&format!("  {role} ")).count(),
            2,
            "{role} in both groups:\n{out}"
        );
    }
    assert!(out.contains("kamae-demo-2026"));
    assert!(out.contains("X社（アパレル）"));
    let out = ok(kamae(&d, &["check", "org"]));
    assert!(
        out.contains("A社グループ") && out.contains("X社（アパレル）"),
        "{out}"
    );
    assert!(out.contains("Z社 (Z)"), "{out}");
    // JSON, one group.
    let out = ok(kamae(&d, &["check", "org", "--group", "A-GROUP", "--json"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(v.as_array().map(Vec::len), Some(1));
    let findings = v[0]["findings"].as_array().cloned().unwrap_or_default();
    assert!(
        findings
            .iter()
            .any(|f| f["kind"] == "company_outside_reporting_scope" && f["company_code"] == "Z")
    );
    // The demo refuses a store that holds data, and says so.
    let again = kamae(&d, &["demo"]);
    fails(&again);
    assert!(again.stderr.contains("already holds data"));
    // Unknown group.
    fails(&kamae(&d, &["check", "org", "--group", "NOPE"]));
    // A mistyped data directory does not silently become an empty store.
    fails(&kamae(&dir.path().join("typo"), &["check", "org"]));
}

#[test]
fn verify_finds_a_changed_row_and_a_cut_tail() {
    let dir = tempdir();
    let d = dir.path().join("data");
    ok(kamae(&d, &["demo"]));
    let head = head_of(&ok(kamae(&d, &["verify"])));
    ok(kamae(&d, &["verify", "--expect-head", &head]));
    // The database itself refuses edits of the trail while its triggers stand…
    let r = std::panic::catch_unwind(|| {
        sqlite_exec(&d, "UPDATE audit_log SET actor = 'x' WHERE seq = 5")
    });
    assert!(r.is_err());
    // …and with them dropped, verify names the row that was changed.
    sqlite_exec(
        &d,
        "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;",
    );
    sqlite_exec(
        &d,
        "UPDATE audit_log SET reason = 'looks legitimate' WHERE seq = 42",
    );
    let r = kamae(&d, &["verify"]);
    assert_eq!(r.code, 3, "{}", r.stdout);
    assert!(r.stderr.contains("row 42"), "{}", r.stderr);
    sqlite_exec(&d, "UPDATE audit_log SET reason = NULL WHERE seq = 42");
    ok(kamae(&d, &["verify"]));
    // Deleting the last rows leaves a chain that looks whole, except against the noted head.
    sqlite_exec(&d, "DELETE FROM audit_log WHERE seq > 160");
    ok(kamae(&d, &["verify"]));
    let r = kamae(&d, &["verify", "--expect-head", &head]);
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("removed from the end"), "{}", r.stderr);
    fails(&kamae(&d, &["verify", "--expect-head", "not-a-head"]));
}

#[test]
fn administration_from_the_command_line() {
    let dir = tempdir();
    let d = dir.path().join("data");
    let pw = dir.path().join("pw");
    std::fs::write(&pw, "a long enough password\n").unwrap_or_else(|e| panic!("{e}"));
    let pw = pw.to_string_lossy().into_owned();
    ok(kamae(
        &d,
        &[
            "init",
            "--group-code",
            "ACME",
            "--group-name",
            "アクメ",
            "--admin-email",
            "root@acme.example",
            "--password-file",
            &pw,
        ],
    ));
    // A second init of the same code is refused, nothing written.
    fails(&kamae(
        &d,
        &[
            "init",
            "--group-code",
            "ACME",
            "--group-name",
            "x",
            "--admin-email",
            "other@acme.example",
            "--password-file",
            &pw,
        ],
    ));
    // Commands that act need --as.
    let r = kamae(&d, &["user", "list"]);
    fails(&r);
    assert!(r.stderr.contains("--as"));
    let root = ["--as", "root@acme.example"];
    fn cat<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<&'a str> {
        [a, b].concat()
    }
    let with = |extra: &[&'static str]| cat(&root, extra);
    // Administration grants no business data: the administrator needs a role to add a company.
    let add_hq = [
        "org",
        "add-company",
        "--code",
        "HQ",
        "--name",
        "本社",
        "--kind",
        "parent",
    ];
    fails(&kamae(&d, &with(&add_hq)));
    ok(kamae(
        &d,
        &with(&[
            "user",
            "grant",
            "--email",
            "root@acme.example",
            "--role",
            "ciso_office",
            "--scope",
            "group",
        ]),
    ));
    ok(kamae(&d, &with(&add_hq)));
    for step in [
        &[
            "org",
            "add-company",
            "--code",
            "Z",
            "--name",
            "Z社",
            "--parent",
            "HQ",
            "--acquired-on",
            "2025-12-01",
        ][..],
        &[
            "org",
            "add-department",
            "--company",
            "HQ",
            "--code",
            "HQ-SEC",
            "--name",
            "情報セキュリティ部",
            "--kind",
            "security_office",
        ],
        &[
            "org",
            "add-person",
            "--company",
            "HQ",
            "--department",
            "HQ-SEC",
            "--name",
            "鈴木 一郎",
            "--email",
            "suzuki@acme.example",
        ],
        &[
            "org",
            "set-security-staff",
            "--company",
            "HQ",
            "--person-email",
            "suzuki@acme.example",
            "--role",
            "lead",
        ],
        &[
            "org",
            "add-relationship",
            "--a",
            "HQ",
            "--b",
            "Z",
            "--weight",
            "40",
        ],
    ] {
        ok(kamae(&d, &cat(&root, step)));
    }
    fails(&kamae(
        &d,
        &with(&[
            "org",
            "add-relationship",
            "--a",
            "HQ",
            "--b",
            "Z",
            "--weight",
            "400",
        ]),
    ));
    // HQ still has a subsidiary, a department and a person; archiving needs a target.
    fails(&kamae(
        &d,
        &with(&["org", "archive", "--company", "HQ", "--reason", "x"]),
    ));
    fails(&kamae(&d, &with(&["org", "archive", "--reason", "x"])));
    fails(&kamae(
        &d,
        &with(&[
            "org",
            "add-department",
            "--company",
            "HQ",
            "--code",
            "X",
            "--name",
            "x",
            "--kind",
            "legal",
        ]),
    ));
    let findings = ok(kamae(&d, &["check", "org", "--json"]));
    assert!(
        findings.contains("company_without_security_lead") && findings.contains("\"Z\""),
        "{findings}"
    );
    assert!(
        !findings.contains("\"company_code\": \"HQ\""),
        "HQ has a lead now: {findings}"
    );
    ok(kamae(
        &d,
        &cat(
            &root,
            &[
                "user",
                "add",
                "--email",
                "ciso@acme.example",
                "--name",
                "CISO",
                "--password-file",
                &pw,
            ],
        ),
    ));
    ok(kamae(
        &d,
        &with(&[
            "user",
            "add",
            "--email",
            "root2@acme.example",
            "--name",
            "二人目",
            "--admin",
        ]),
    ));
    // With two administrators, granting ciso waits for the other one.
    let out = ok(kamae(
        &d,
        &with(&[
            "user",
            "grant",
            "--email",
            "ciso@acme.example",
            "--role",
            "ciso",
            "--scope",
            "group",
        ]),
    ));
    assert!(out.contains("kamae user confirm --grant"), "{out}");
    let grant = out
        .split("--grant ")
        .nth(1)
        .map(|s| s.trim().to_owned())
        .unwrap_or_else(|| panic!("{out}"));
    let r = kamae(&d, &cat(&root, &["user", "confirm", "--grant", &grant]));
    fails(&r);
    ok(kamae(
        &d,
        &[
            "--as",
            "root2@acme.example",
            "user",
            "confirm",
            "--grant",
            &grant,
        ],
    ));
    let list = ok(kamae(&d, &with(&["user", "list", "--json"])));
    let users: serde_json::Value = serde_json::from_str(&list).unwrap_or_else(|e| panic!("{e}"));
    let ciso = users
        .as_array()
        .and_then(|u| u.iter().find(|u| u["email"] == "ciso@acme.example"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(ciso["grants"][0]["pending"], false);
    assert_eq!(ciso["grants"][0]["confirmed_by"], "root2@acme.example");
    // Bad input: a clear message in both languages, and nothing written.
    for bad in [
        with(&[
            "user",
            "grant",
            "--email",
            "ciso@acme.example",
            "--role",
            "king",
            "--scope",
            "group",
        ]),
        with(&[
            "user",
            "grant",
            "--email",
            "ciso@acme.example",
            "--role",
            "viewer",
            "--scope",
            "company:NOPE",
        ]),
        with(&[
            "user",
            "grant",
            "--email",
            "ciso@acme.example",
            "--role",
            "viewer",
            "--scope",
            "planet:X",
        ]),
        with(&[
            "user",
            "grant",
            "--email",
            "ciso@acme.example",
            "--role",
            "viewer",
            "--scope",
            "group",
            "--until",
            "2020-13-01",
        ]),
        with(&[
            "user",
            "revoke",
            "--email",
            "ciso@acme.example",
            "--role",
            "viewer",
            "--scope",
            "group",
            "--reason",
            "x",
        ]),
        with(&[
            "user",
            "disable",
            "--email",
            "root@acme.example",
            "--reason",
            "x",
        ]),
    ] {
        let before = head_of(&ok(kamae(&d, &["verify"])));
        fails(&kamae(&d, &bad));
        assert_eq!(
            head_of(&ok(kamae(&d, &["verify"]))),
            before,
            "{bad:?} wrote something"
        );
    }
    // Revoke by e-mail, role and scope; the reason is required by clap itself.
    ok(kamae(
        &d,
        &with(&[
            "user",
            "grant",
            "--email",
            "ciso@acme.example",
            "--role",
            "viewer",
            "--scope",
            "company:HQ",
        ]),
    ));
    assert_ne!(
        kamae(
            &d,
            &with(&[
                "user",
                "revoke",
                "--email",
                "ciso@acme.example",
                "--role",
                "viewer",
                "--scope",
                "company:HQ"
            ])
        )
        .code,
        0
    );
    ok(kamae(
        &d,
        &with(&[
            "user",
            "revoke",
            "--email",
            "ciso@acme.example",
            "--role",
            "viewer",
            "--scope",
            "company:HQ",
            "--reason",
            "不要",
        ]),
    ));
    // The CISO sees the sensitive grants and who confirmed them; the administrator does not.
    ok(kamae(
        &d,
        &with(&[
            "user",
            "grant",
            "--email",
            "root2@acme.example",
            "--role",
            "auditor",
            "--scope",
            "group",
        ]),
    ));
    let log = ok(kamae(
        &d,
        &["--as", "root2@acme.example", "security-events"],
    ));
    assert!(
        log.contains("ciso@acme.example") && log.contains("root2@acme.example"),
        "{log}"
    );
    assert!(log.contains("sign_in") || log.contains("grant"), "{log}");
    fails(&kamae(&d, &with(&["security-events"])));
    // Disable: the user can no longer act.
    ok(kamae(
        &d,
        &with(&[
            "user",
            "disable",
            "--email",
            "ciso@acme.example",
            "--reason",
            "退職",
        ]),
    ));
    fails(&kamae(&d, &["--as", "ciso@acme.example", "org", "show"]));
}

#[test]
fn artifacts_from_the_command_line() {
    let dir = tempdir();
    let d = dir.path().join("data");
    ok(kamae(&d, &["demo"]));
    let office = ["--as", "office@a-group.example"];
    let ceo = ["--as", "ceo@a-group.example"];
    let run = |who: &[&str], extra: &[&str]| ok(kamae(&d, &[who, extra].concat()));
    let id_of = |out: &str| {
        out.lines()
            .find_map(|l| l.trim().strip_prefix("id: "))
            .map(str::to_owned)
            .unwrap_or_else(|| panic!("{out}"))
    };
    let e1 = id_of(&run(
        &office,
        &[
            "artifact",
            "draft",
            "--kind",
            "risk_assessment",
            "--title",
            "リスクアセスメント 2026",
        ],
    ));
    run(&office, &["artifact", "submit", &e1]);
    // The office cannot approve; the executive can.
    fails(&kamae(
        &d,
        &[&office[..], &["artifact", "approve", &e1]].concat(),
    ));
    assert!(run(&ceo, &["artifact", "inbox"]).contains("risk_assessment"));
    run(&ceo, &["artifact", "approve", &e1]);
    let a1 = id_of(&run(
        &office,
        &[
            "artifact",
            "draft",
            "--kind",
            "objectives_and_targets",
            "--title",
            "目的・目標",
            "--from",
            &e1,
        ],
    ));
    run(&office, &["artifact", "submit", &a1]);
    let rejected = run(
        &ceo,
        &["artifact", "reject", &a1, "--reason", "目標値が曖昧"],
    );
    assert!(rejected.contains("目標値が曖昧"));
    run(
        &office,
        &[
            "artifact",
            "edit",
            &a1,
            "--title",
            "目的・目標（数値化）",
            "--from",
            &e1,
        ],
    );
    run(&office, &["artifact", "submit", &a1]);
    run(&ceo, &["artifact", "approve", &a1]);
    // The objectives are current (the demo's treatment plan, made from the demo's
    // assessment that e1 replaced, is stale already).
    let before = run(&office, &["artifact", "stale"]);
    assert!(
        !before.contains("目的・目標") && !before.contains("objectives"),
        "{before}"
    );
    let e2 = id_of(&run(
        &office,
        &[
            "artifact",
            "edit",
            &e1,
            "--title",
            "リスクアセスメント 臨時",
        ],
    ));
    run(&office, &["artifact", "submit", &e2]);
    run(&ceo, &["artifact", "approve", &e2]);
    let stale = run(&office, &["artifact", "stale"]);
    assert!(
        stale.contains("目的・目標") || stale.contains("objectives"),
        "{stale}"
    );
    assert!(
        stale.contains("v2") && stale.contains("has since been approved"),
        "{stale}"
    );
    // Its history, read by the auditor, shows the rejection and its reason.
    let history = run(
        &["--as", "auditor@a-group.example"],
        &["history", "artifact_version", &a1],
    );
    assert!(
        history.contains("reject") && history.contains("目標値が曖昧"),
        "{history}"
    );
    // X's lead does not see the group's risk assessment.
    fails(&kamae(
        &d,
        &["--as", "lead-x@a-group.example", "artifact", "show", &e1],
    ));
}

#[test]
fn backup_and_restore_from_the_command_line() {
    let dir = tempdir();
    let d = dir.path().join("data");
    ok(kamae(&d, &["demo"]));
    let file = dir.path().join("backup.db");
    let f = file.to_string_lossy().into_owned();
    ok(kamae(&d, &["backup", &f]));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&file)
        .map(|m| m.permissions().mode() & 0o777)
        .unwrap_or(0);
    assert_eq!(mode, 0o600);
    fails(&kamae(&d, &["backup", &f]));
    fails(&kamae(&d, &["restore", &f]));
    let head = head_of(&ok(kamae(&d, &["verify"])));
    let wrong = format!("{}:{}", 9999, "ab".repeat(32));
    fails(&kamae(
        &dir.path().join("refused"),
        &["restore", &f, "--expect-head", &wrong],
    ));
    let before = std::fs::read(&file).unwrap_or_default();
    let r = dir.path().join("restored");
    ok(kamae(&r, &["restore", &f, "--expect-head", &head]));
    assert_eq!(
        std::fs::read(&file).unwrap_or_default(),
        before,
        "restore changed the backup"
    );
    assert_eq!(
        head_of(&ok(kamae(&r, &["verify"]))),
        head_of(&ok(kamae(&d, &["verify"])))
    );
    assert!(ok(kamae(&r, &["check", "org"])).contains("Z社"));
}

#[test]
fn the_same_commands_on_postgresql() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let Some(t) = rt.block_on(TestStore::postgres()) else {
        eprintln!("skipped: KAMAE_TEST_DATABASE_URL is not set");
        return;
    };
    let dir = tempdir();
    let url = t.url.clone();
    let pg = |args: &[&str]| kamae_with(dir.path(), Some(&url), args);
    ok(pg(&["demo"]));
    assert!(ok(pg(&["check", "org"])).contains("Z社 (Z)"));
    let head = head_of(&ok(pg(&["verify"])));
    ok(pg(&["verify", "--expect-head", &head]));
    let r = pg(&["backup", "x.db"]);
    fails(&r);
    assert!(r.stderr.contains("pg_dump"));
    rt.block_on(t.finish());
}

#[test]
fn serve_with_the_demo_prints_where_and_who() {
    use std::io::{BufRead, BufReader};
    let dir = tempdir();
    let d = dir.path().join("data");
    let mut child = Command::new(env!("CARGO_BIN_EXE_kamae"))
        .arg("--data-dir")
        .arg(&d)
        .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
        .env_remove("KAMAE_DATABASE_URL")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let mut printed = String::new();
    let mut address = None;
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap_or_default();
        printed.push_str(&line);
        printed.push('\n');
        if let Some(rest) = line.split("open ").nth(1) {
            address = Some(rest.trim().to_owned());
            break;
        }
    }
    let address = address.unwrap_or_else(|| panic!("no address printed:\n{printed}"));
    assert!(
        printed.contains("ciso@a-group.example") && printed.contains("kamae-demo-2026"),
        "{printed}"
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let status = rt.block_on(async {
        reqwest::get(format!("{address}healthz"))
            .await
            .map(|r| r.status().as_u16())
    });
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(status.ok(), Some(200));
    // A second start keeps the data and prints the sign-ins again.
    let out = Command::new(env!("CARGO_BIN_EXE_kamae"))
        .arg("--data-dir")
        .arg(&d)
        .args(["check", "org"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Z社"));
}
