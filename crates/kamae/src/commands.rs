//! What each command does: open the store, find who is acting, call the store, print.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use kamae_core::Problem;
use kamae_core::access::Actor;
use kamae_core::artifact::ArtifactKind;
use kamae_core::audit::ChainHead;
use kamae_core::calendar::{GroupCalendar, parse_date};
use kamae_core::ids::{ArtifactVersionId, GrantId};
use kamae_core::org::{CompanyKind, DepartmentKind, OrgFinding, StaffRole};
use kamae_core::text::{Code, Email};
use kamae_store::artifact::NewArtifactDraft;
use kamae_store::audit::Verification;
use kamae_store::org::{NewCompany, NewDepartment, NewGroup, NewPerson, NewSite, OrgRecord};
use kamae_store::users::{Capability, ScopeSpec};
use kamae_store::{SQLITE_FILE, Store, StoreError};
use serde::Serialize;

use crate::cli::*;
use crate::output::{print_json, table};

pub(crate) type Result<T> = std::result::Result<T, StoreError>;

pub(crate) fn problem(
    code: &'static str,
    ja: impl Into<String>,
    en: impl Into<String>,
) -> StoreError {
    Problem::new(code, ja, en).into()
}

fn database_url(cli: &Cli) -> String {
    cli.database_url
        .clone()
        .unwrap_or_else(|| Store::sqlite_url_in(&cli.data_dir))
}

/// Opens the store; unless `create`, an embedded store must already exist (so that a
/// mistyped --data-dir does not silently start an empty one).
pub(crate) async fn open(cli: &Cli, create: bool) -> Result<Store> {
    if cli.database_url.is_none() {
        let file = cli.data_dir.join(SQLITE_FILE);
        if !create && !file.exists() {
            return Err(problem(
                "no_store",
                format!(
                    "{} に kamae のデータがありません。`kamae init` か `kamae demo` で作成してください",
                    cli.data_dir.display()
                ),
                format!(
                    "there is no kamae store in {}; create one with `kamae init` or `kamae demo`",
                    cli.data_dir.display()
                ),
            ));
        }
        std::fs::create_dir_all(&cli.data_dir).map_err(|e| {
            problem(
                "io_error",
                format!(
                    "データディレクトリ {} を作成できません: {e}",
                    cli.data_dir.display()
                ),
                format!(
                    "cannot create the data directory {}: {e}",
                    cli.data_dir.display()
                ),
            )
        })?;
    }
    Store::open(&database_url(cli)).await
}

pub(crate) async fn acting(cli: &Cli, store: &Store) -> Result<Actor> {
    let Some(email) = &cli.as_user else {
        return Err(problem(
            "as_required",
            "この操作は利用者として行います。--as メールアドレス（または KAMAE_AS）を指定してください",
            "this command acts as a user: give --as EMAIL (or set KAMAE_AS)",
        ));
    };
    store.actor_for_email(&Email::parse(email)?).await
}

fn read_password(
    file: Option<&Path>,
    purpose_ja: &str,
    purpose_en: &str,
) -> Result<Option<String>> {
    if let Some(f) = file {
        let text = std::fs::read_to_string(f).map_err(|e| {
            problem(
                "io_error",
                format!("パスワードファイル {} を読めません: {e}", f.display()),
                format!("cannot read the password file {}: {e}", f.display()),
            )
        })?;
        return Ok(Some(text.trim_end_matches(['\r', '\n']).to_owned()));
    }
    if !std::io::stdin().is_terminal() {
        return Ok(None);
    }
    let prompt = format!("{purpose_ja}のパスワード / password for {purpose_en}: ");
    let first = rpassword::prompt_password(prompt)
        .map_err(|e| problem("io_error", format!("{e}"), format!("{e}")))?;
    let again = rpassword::prompt_password("もう一度 / again: ")
        .map_err(|e| problem("io_error", format!("{e}"), format!("{e}")))?;
    if first != again {
        return Err(problem(
            "password_mismatch",
            "パスワードが一致しません",
            "the passwords do not match",
        ));
    }
    Ok(Some(first))
}

fn read_body(file: Option<&Path>) -> Result<String> {
    match file {
        Some(f) => std::fs::read_to_string(f).map_err(|e| {
            problem(
                "io_error",
                format!("本文ファイル {} を読めません: {e}", f.display()),
                format!("cannot read the body file {}: {e}", f.display()),
            )
        }),
        None => Ok(String::new()),
    }
}

fn version_ids(ids: &[String]) -> Result<Vec<ArtifactVersionId>> {
    ids.iter().map(|i| Ok(i.parse()?)).collect()
}

pub async fn run(cli: Cli) -> Result<ExitCode> {
    match &cli.command {
        Command::Serve(a) => serve(&cli, a).await,
        Command::Init(a) => init(&cli, a).await,
        Command::Migrate => {
            let store = open(&cli, true).await?;
            println!(
                "マイグレーションを適用しました / migrations applied ({})",
                store.backend().as_str()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::User(c) => user(&cli, c).await,
        Command::Token(TokenCommand::Create { email, name, days }) => {
            let store = open(&cli, false).await?;
            let me = acting(&cli, &store).await?;
            let (_, secret) = store
                .create_api_token_for(&me, &Email::parse(email)?, name, *days)
                .await?;
            eprintln!(
                "{email} のAPIトークンを作りました（この一度だけ表示されます） / created an API token for {email} (shown only this once):"
            );
            println!("{secret}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Openapi => {
            print_json(kamae_web::api::openapi())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo(a) => demo(&cli, a.json).await,
        Command::Check(CheckCommand::Org { group, json }) => {
            check_org(&cli, group.as_deref(), *json).await
        }
        Command::Org(c) => org(&cli, c).await,
        Command::Artifact(c) => artifact(&cli, c).await,
        Command::Standard(c) => crate::standard::standard(&cli, c).await,
        Command::Framework(c) => crate::standard::framework(&cli, c).await,
        Command::RiskMatrix(c) => crate::risk::risk_matrix(&cli, c).await,
        Command::Asset(c) => crate::risk::asset(&cli, c).await,
        Command::Quant(QuantCommand::Run {
            model,
            trials,
            seed,
            threads,
        }) => quant_run(model, *trials, *seed, *threads),
        Command::History(a) => history(&cli, a).await,
        Command::SecurityEvents(a) => security_events(&cli, a).await,
        Command::Verify(a) => verify(&cli, a).await,
        Command::Backup(a) => {
            let store = open(&cli, false).await?;
            store.backup_to(&a.file).await?;
            println!(
                "バックアップしました / backed up to {} (mode 0600)",
                a.file.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Restore(a) => {
            if cli.database_url.is_some() {
                return Err(problem(
                    "use_pg_restore",
                    "PostgreSQL への復元には pg_restore を使ってください",
                    "to restore into PostgreSQL, use pg_restore",
                ));
            }
            let expect = a.expect_head.as_deref().map(ChainHead::parse).transpose()?;
            let store = Store::restore_into(&a.file, &cli.data_dir, expect.as_ref()).await?;
            store.close().await;
            println!(
                "{} を {} に復元しました / restored into {}",
                a.file.display(),
                cli.data_dir.display(),
                cli.data_dir.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Synth(a) => crate::synth::run(open(&cli, true).await?, a).await,
    }
}

async fn init(cli: &Cli, a: &InitArgs) -> Result<ExitCode> {
    let group = NewGroup {
        code: Code::parse(&a.group_code)?,
        name: a.group_name.clone(),
        calendar: GroupCalendar::parse(&a.time_zone, a.fiscal_year_start_month)?,
        is_demo: false,
    };
    let email = Email::parse(&a.admin_email)?;
    let Some(password) = read_password(a.password_file.as_deref(), "管理者", "the administrator")?
    else {
        return Err(problem(
            "password_required",
            "管理者のパスワードを --password-file で指定するか、端末から入力してください",
            "give the administrator's password with --password-file, or run at a terminal to be asked",
        ));
    };
    kamae_store::users::check_password_policy(&password)?;
    let store = open(cli, true).await?;
    let (g, _) = store
        .init_group(group, &email, &a.admin_name, &password)
        .await?;
    println!(
        "グループ「{}」({}) と管理者 {} を作成しました / created group {} and administrator {}",
        g.name, g.code, email, g.code, email
    );
    Ok(ExitCode::SUCCESS)
}

async fn user(cli: &Cli, c: &UserCommand) -> Result<ExitCode> {
    let store = open(cli, false).await?;
    let me = acting(cli, &store).await?;
    match c {
        UserCommand::Add {
            email,
            name,
            password_file,
            admin,
        } => {
            let email = Email::parse(email)?;
            let password = read_password(password_file.as_deref(), name, email.as_str())?;
            let (_, grant) = store
                .add_user(&me, &email, name, password.as_deref(), *admin)
                .await?;
            println!("ユーザー {email} を追加しました / added user {email}");
            if password.is_none() {
                println!(
                    "  パスワードは未設定です（サインインできません） / no password set: this user cannot sign in yet"
                );
            }
            if let Some(g) = grant {
                print_grant_outcome(&g);
            }
        }
        UserCommand::Grant {
            email,
            role,
            scope,
            until,
        } => {
            let until = until.as_deref().map(parse_date).transpose()?;
            let g = store
                .grant(
                    &me,
                    &Email::parse(email)?,
                    Capability::parse(role)?,
                    &ScopeSpec::parse(scope)?,
                    until,
                )
                .await?;
            print_grant_outcome(&g);
        }
        UserCommand::Revoke {
            grant,
            email,
            role,
            scope,
            reason,
        } => {
            let id: GrantId = match (grant, email, role, scope) {
                (Some(g), _, _, _) => g.parse()?,
                (None, Some(e), Some(r), Some(s)) => {
                    let (e, r, s) = (
                        Email::parse(e)?,
                        Capability::parse(r)?,
                        ScopeSpec::parse(s)?,
                    );
                    let scope_text = match &s {
                        ScopeSpec::Group => "group".to_owned(),
                        ScopeSpec::Company(c) => format!("company:{c}"),
                        ScopeSpec::Site(c) => format!("site:{c}"),
                        ScopeSpec::Department(c) => format!("department:{c}"),
                    };
                    let users = store.users(&me).await?;
                    users
                        .iter()
                        .filter(|u| u.email == e.as_str())
                        .flat_map(|u| u.grants.iter())
                        .find(|g| !g.revoked && g.role == r.as_str() && g.scope == scope_text)
                        .map(|g| g.id)
                        .ok_or_else(|| {
                            problem(
                                "not_found",
                                format!(
                                    "{e} に {} ({scope_text}) の有効な権限付与はありません",
                                    r.as_str()
                                ),
                                format!("{e} has no active {} grant over {scope_text}", r.as_str()),
                            )
                        })?
                }
                _ => {
                    return Err(problem(
                        "grant_required",
                        "--grant ID か、--email・--role・--scope を指定してください",
                        "give --grant ID, or --email, --role and --scope",
                    ));
                }
            };
            let g = store.revoke_grant(&me, id, Some(reason)).await?;
            println!(
                "権限付与を取り消しました / revoked: {} {} {}",
                g.user_email, g.role, g.scope
            );
        }
        UserCommand::Disable { email, reason } => {
            store
                .disable_user(&me, &Email::parse(email)?, Some(reason))
                .await?;
            println!(
                "ユーザー {email} を無効にしました（セッションとトークンは終了） / disabled {email}: sessions and tokens ended"
            );
        }
        UserCommand::Confirm { grant } => {
            let g = store.confirm_grant(&me, grant.parse()?).await?;
            println!(
                "確認しました / confirmed: {} {} {}",
                g.user_email, g.role, g.scope
            );
        }
        UserCommand::List(a) => {
            let users = store.users(&me).await?;
            if a.json {
                print_json(&users)?;
            } else {
                let mut rows = Vec::new();
                for u in &users {
                    let state = if u.disabled { "無効 disabled" } else { "" };
                    if u.grants.is_empty() {
                        rows.push(vec![
                            u.email.clone(),
                            u.name.clone(),
                            "-".into(),
                            "-".into(),
                            state.into(),
                            String::new(),
                        ]);
                    }
                    for g in &u.grants {
                        let status = if g.revoked {
                            "取消 revoked"
                        } else if g.pending {
                            "確認待ち pending"
                        } else {
                            state
                        };
                        let until = g.until.map(|d| format!("〜{d}")).unwrap_or_default();
                        rows.push(vec![
                            u.email.clone(),
                            u.name.clone(),
                            g.role.clone(),
                            format!("{} {}", g.scope, until).trim().to_owned(),
                            status.into(),
                            g.id.to_string(),
                        ]);
                    }
                }
                println!(
                    "{}",
                    table(
                        &["email", "name", "role", "scope", "status", "grant"],
                        &rows
                    )
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_grant_outcome(g: &kamae_store::users::GrantView) {
    println!(
        "{} に {} ({} {}) を付与しました / granted {} over {}",
        g.user_email, g.role, g.scope, g.scope_name, g.role, g.scope
    );
    if g.pending {
        println!(
            "  別の管理者の確認が必要です / waits for a second administrator: kamae user confirm --grant {}",
            g.id
        );
    }
}

async fn demo(cli: &Cli, json: bool) -> Result<ExitCode> {
    let (store, sign_ins) = if cli.database_url.is_some() {
        let store = open(cli, true).await?;
        let sign_ins = store.load_demo().await?;
        (store, sign_ins)
    } else {
        std::fs::create_dir_all(&cli.data_dir).map_err(|e| {
            problem(
                "io_error",
                format!(
                    "データディレクトリ {} を作成できません: {e}",
                    cli.data_dir.display()
                ),
                format!(
                    "cannot create the data directory {}: {e}",
                    cli.data_dir.display()
                ),
            )
        })?;
        Store::load_demo_in(&cli.data_dir).await?
    };
    store.close().await;
    if json {
        print_json(&sign_ins)?;
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "デモを読み込みました / the demo is loaded ({})",
        database_url(cli)
    );
    print_sign_ins(&sign_ins);
    Ok(ExitCode::SUCCESS)
}

fn print_sign_ins(sign_ins: &[kamae_store::demo::DemoSignIn]) {
    let mut groups: Vec<(&str, &str)> = Vec::new();
    for s in sign_ins {
        if !groups.iter().any(|(c, _)| *c == s.group_code) {
            groups.push((&s.group_code, &s.group_name));
        }
    }
    for (code, name) in groups {
        println!("\n{name} ({code}) のサインイン / sign-ins");
        let rows: Vec<Vec<String>> = sign_ins
            .iter()
            .filter(|s| s.group_code == code)
            .map(|s| {
                let scope = match &s.company_name {
                    Some(c) if !s.scope.starts_with("company:") => {
                        format!("{} — {} ({c})", s.scope, s.scope_name)
                    }
                    _ => format!("{} — {}", s.scope, s.scope_name),
                };
                vec![s.role.clone(), s.email.clone(), s.name.clone(), scope]
            })
            .collect();
        println!("{}", table(&["role", "email", "name", "scope"], &rows));
    }
    if let Some(first) = sign_ins.first() {
        println!(
            "\nパスワード（全員共通） / password (all demo users): {}",
            first.password
        );
    }
}

async fn serve(cli: &Cli, a: &ServeArgs) -> Result<ExitCode> {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("KAMAE_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let store = if a.demo {
        let store = open(cli, true).await?;
        if store.is_empty().await? {
            store.close().await;
            if cli.database_url.is_some() {
                let store = open(cli, true).await?;
                store.load_demo().await?;
                store
            } else {
                Store::load_demo_in(&cli.data_dir).await?.0
            }
        } else {
            store
        }
    } else {
        open(cli, false).await?
    };
    let listener = tokio::net::TcpListener::bind(&a.listen)
        .await
        .map_err(|e| {
            problem(
                "listen_failed",
                format!("{} で待ち受けできません: {e}", a.listen),
                format!("cannot listen on {}: {e}", a.listen),
            )
        })?;
    let address = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_else(|_| a.listen.clone());
    let config = kamae_web::WebConfig {
        behind_tls: a.behind_tls,
        trusted_proxies: a.trusted_proxies.clone(),
        metrics_allow: a.metrics_allow.clone(),
    };
    let state = kamae_web::AppState::new(store.clone(), config)
        .map_err(|e| problem("catalog", e.clone(), e))?;
    if a.demo {
        print_sign_ins(&store.demo_sign_ins().await?);
    }
    println!("\nkamae: http://{address}/ を開いてください / open http://{address}/");
    kamae_web::serve(listener, state).await.map_err(|e| {
        problem(
            "serve_failed",
            format!("サーバーが停止しました: {e}"),
            format!("the server stopped: {e}"),
        )
    })?;
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct GroupFindings {
    group_code: String,
    group_name: String,
    findings: Vec<OrgFinding>,
}

async fn check_org(cli: &Cli, group: Option<&str>, json: bool) -> Result<ExitCode> {
    let store = open(cli, false).await?;
    let mut report = Vec::new();
    if cli.as_user.is_some() {
        let me = acting(cli, &store).await?;
        let g = store.group(&me).await?;
        if group.is_some_and(|c| c != g.code.as_str()) {
            return Err(problem(
                "not_found",
                "指定されたグループは見つかりません",
                "no such group",
            ));
        }
        report.push(GroupFindings {
            group_code: g.code.to_string(),
            group_name: g.name.clone(),
            findings: store.check_org(&me).await?,
        });
    } else {
        // On the machine itself, without --as, the operator sees every group (as `system`).
        let groups = store.all_groups().await?;
        if let Some(c) = group
            && !groups.iter().any(|g| g.code.as_str() == c)
        {
            return Err(problem(
                "not_found",
                format!("グループ {c} はありません"),
                format!("there is no group {c}"),
            ));
        }
        for g in groups
            .iter()
            .filter(|g| group.is_none_or(|c| g.code.as_str() == c))
        {
            let system = Actor::System { group: g.id };
            report.push(GroupFindings {
                group_code: g.code.to_string(),
                group_name: g.name.clone(),
                findings: store.check_org(&system).await?,
            });
        }
    }
    if json {
        print_json(&report)?;
        return Ok(ExitCode::SUCCESS);
    }
    for g in &report {
        println!("{} ({})", g.group_name, g.group_code);
        if g.findings.is_empty() {
            println!("  指摘なし / nothing to report");
        }
        for f in &g.findings {
            let what = match (&f.site_code, &f.site_name) {
                (Some(code), Some(name)) => {
                    format!("{name} ({code}) — {} ({})", f.company_name, f.company_code)
                }
                _ => format!("{} ({})", f.company_name, f.company_code),
            };
            let acquired = f
                .acquired_on
                .map(|d| format!(" — 取得 acquired {d}"))
                .unwrap_or_default();
            println!(
                "  {} / {}: {what}{acquired}",
                f.kind.label_ja(),
                f.kind.label_en()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn org(cli: &Cli, c: &OrgCommand) -> Result<ExitCode> {
    let store = open(cli, false).await?;
    let me = acting(cli, &store).await?;
    match c {
        OrgCommand::Show(a) => {
            #[derive(Serialize)]
            struct Org {
                companies: Vec<kamae_core::org::Company>,
                sites: Vec<kamae_core::org::Site>,
                departments: Vec<kamae_core::org::Department>,
            }
            let org = Org {
                companies: store.companies(&me).await?,
                sites: store.sites(&me).await?,
                departments: store.departments(&me).await?,
            };
            if a.json {
                print_json(&org)?;
            } else {
                let rows: Vec<Vec<String>> = org
                    .companies
                    .iter()
                    .map(|c| {
                        let sites = org.sites.iter().filter(|s| s.company == c.id).count();
                        vec![
                            c.code.to_string(),
                            c.name.clone(),
                            c.kind.label_ja().into(),
                            if c.in_reporting_scope {
                                "対象 in"
                            } else {
                                "対象外 out"
                            }
                            .into(),
                            sites.to_string(),
                        ]
                    })
                    .collect();
                println!(
                    "{}",
                    table(&["code", "name", "kind", "reporting", "sites"], &rows)
                );
                let rows: Vec<Vec<String>> = org
                    .sites
                    .iter()
                    .map(|s| {
                        vec![
                            s.code.to_string(),
                            s.name.clone(),
                            s.address.clone().unwrap_or_default(),
                        ]
                    })
                    .collect();
                if !rows.is_empty() {
                    println!("\n{}", table(&["site", "name", "address"], &rows));
                }
            }
        }
        OrgCommand::AddCompany {
            code,
            name,
            kind,
            parent,
            acquired_on,
            outside_reporting_scope,
        } => {
            let c = store
                .add_company(
                    &me,
                    NewCompany {
                        code: Code::parse(code)?,
                        name: name.clone(),
                        kind: CompanyKind::parse(kind)?,
                        parent: parent.as_deref().map(Code::parse).transpose()?,
                        acquired_on: acquired_on.as_deref().map(parse_date).transpose()?,
                        in_reporting_scope: !outside_reporting_scope,
                    },
                )
                .await?;
            println!(
                "会社 {} ({}) を追加しました / added company {}",
                c.name, c.code, c.code
            );
        }
        OrgCommand::AddSite {
            company,
            code,
            name,
            address,
            outside_reporting_scope,
        } => {
            let s = store
                .add_site(
                    &me,
                    NewSite {
                        company: Code::parse(company)?,
                        code: Code::parse(code)?,
                        name: name.clone(),
                        address: address.clone(),
                        in_reporting_scope: !outside_reporting_scope,
                    },
                )
                .await?;
            println!(
                "拠点 {} ({}) を追加しました / added site {}",
                s.name, s.code, s.code
            );
        }
        OrgCommand::AddDepartment {
            company,
            code,
            name,
            kind,
        } => {
            let d = store
                .add_department(
                    &me,
                    NewDepartment {
                        company: Code::parse(company)?,
                        code: Code::parse(code)?,
                        name: name.clone(),
                        kind: DepartmentKind::parse(kind)?,
                    },
                )
                .await?;
            println!(
                "部門 {} ({}) を追加しました / added department {}",
                d.name, d.code, d.code
            );
        }
        OrgCommand::AddPerson {
            company,
            name,
            email,
            position,
            department,
        } => {
            let p = store
                .add_person(
                    &me,
                    NewPerson {
                        name: name.clone(),
                        email: email.as_deref().map(Email::parse).transpose()?,
                        position: position.clone(),
                        company: Code::parse(company)?,
                        department: department.as_deref().map(Code::parse).transpose()?,
                    },
                )
                .await?;
            println!("{} を追加しました / added {} ({})", p.name, p.name, p.id);
        }
        OrgCommand::SetSecurityStaff {
            company,
            person_email,
            role,
            reason,
        } => {
            let email = Email::parse(person_email)?;
            let person = store
                .people(&me)
                .await?
                .into_iter()
                .find(|p| p.email.as_ref() == Some(&email))
                .ok_or_else(|| {
                    problem(
                        "not_found",
                        format!("メールアドレス {email} の人員は見つかりません"),
                        format!("no person with e-mail address {email}"),
                    )
                })?;
            let role = StaffRole::parse(role)?;
            store
                .assign_security_staff(
                    &me,
                    &Code::parse(company)?,
                    person.id,
                    role,
                    reason.as_deref(),
                )
                .await?;
            println!(
                "{} を {} の{}にしました / {} is now {} of {company}",
                person.name,
                company,
                role.label_ja(),
                person.name,
                role.label_en()
            );
        }
        OrgCommand::AddRelationship { a, b, weight, note } => {
            store
                .add_business_relationship(
                    &me,
                    &Code::parse(a)?,
                    &Code::parse(b)?,
                    *weight,
                    note.clone(),
                )
                .await?;
            println!(
                "{a} と {b} の取引関係（重み {weight}）を登録しました / recorded {a}–{b}, weight {weight}"
            );
        }
        OrgCommand::Archive {
            company,
            site,
            department,
            person_email,
            reason,
        } => {
            let record = match (company, site, department, person_email) {
                (Some(c), _, _, _) => OrgRecord::Company(Code::parse(c)?),
                (_, Some(c), _, _) => OrgRecord::Site(Code::parse(c)?),
                (_, _, Some(c), _) => OrgRecord::Department(Code::parse(c)?),
                (_, _, _, Some(e)) => {
                    let email = Email::parse(e)?;
                    let person = store
                        .people(&me)
                        .await?
                        .into_iter()
                        .find(|p| p.email.as_ref() == Some(&email))
                        .ok_or_else(|| {
                            problem(
                                "not_found",
                                format!("メールアドレス {email} の人員は見つかりません"),
                                format!("no person with e-mail address {email}"),
                            )
                        })?;
                    OrgRecord::Person(person.id)
                }
                _ => {
                    return Err(problem(
                        "record_required",
                        "--company、--site、--department、--person-email のいずれかを指定してください",
                        "give one of --company, --site, --department or --person-email",
                    ));
                }
            };
            store.archive_org_record(&me, record, Some(reason)).await?;
            println!("アーカイブしました（履歴は残ります） / archived (its history stays)");
        }
        OrgCommand::SetReportingScope {
            company,
            scope,
            reason,
        } => {
            let in_scope = match scope.as_str() {
                "in" => true,
                "out" => false,
                other => {
                    return Err(problem(
                        "invalid_choice",
                        format!("--scope は in か out です: {other:?}"),
                        format!("--scope is in or out: {other:?}"),
                    ));
                }
            };
            let c = store
                .set_company_reporting_scope(&me, &Code::parse(company)?, in_scope, Some(reason))
                .await?;
            println!(
                "{} ({}) は報告対象{}です / {} is now {} reporting scope",
                c.name,
                c.code,
                if in_scope { "" } else { "外" },
                c.code,
                if in_scope { "in" } else { "outside" }
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_version(v: &kamae_store::artifact::ArtifactVersion) {
    println!("{} / {}", v.reference.label_ja(), v.reference.label_en());
    println!("  id: {}", v.reference.version);
    println!("  表題 title: {}", v.title);
    println!(
        "  状態 state: {} / {}",
        v.approval.state.label_ja(),
        v.approval.state.label_en()
    );
    if let Some(r) = &v.approval.decision_reason {
        println!("  差し戻し理由 reason: {r}");
    }
    for i in &v.inputs {
        println!("  入力 made from: {} ({})", i.label_ja(), i.version);
    }
}

async fn artifact(cli: &Cli, c: &ArtifactCommand) -> Result<ExitCode> {
    let store = open(cli, false).await?;
    let me = acting(cli, &store).await?;
    let summaries = |list: Vec<kamae_store::artifact::ArtifactSummary>, json: bool| -> Result<()> {
        if json {
            return print_json(&list);
        }
        let rows: Vec<Vec<String>> = list
            .iter()
            .map(|s| {
                vec![
                    format!("{} {}", s.kind.role().letter(), s.kind.as_str()),
                    s.company_code.clone().unwrap_or_else(|| "group".into()),
                    format!("v{} {}", s.latest.number, s.latest_state.as_str()),
                    s.current
                        .as_ref()
                        .map(|c| format!("v{}", c.number))
                        .unwrap_or_else(|| "-".into()),
                    s.latest_title.clone(),
                    s.latest.version.to_string(),
                ]
            })
            .collect();
        println!(
            "{}",
            table(
                &["artifact", "scope", "latest", "approved", "title", "id"],
                &rows
            )
        );
        Ok(())
    };
    match c {
        ArtifactCommand::List(a) => summaries(store.artifacts(&me).await?, a.json)?,
        ArtifactCommand::Inbox(a) => summaries(store.approvals_inbox(&me).await?, a.json)?,
        ArtifactCommand::Show { id, json } => {
            let v = store.artifact_version(&me, id.parse()?).await?;
            if *json {
                print_json(&v)?;
            } else {
                print_version(&v);
                println!("\n{}", v.body);
            }
        }
        ArtifactCommand::Draft {
            kind,
            company,
            title,
            body_file,
            inputs,
        } => {
            let v = store
                .draft_artifact(
                    &me,
                    NewArtifactDraft {
                        kind: ArtifactKind::parse(kind)?,
                        company: company.as_deref().map(Code::parse).transpose()?,
                        title: title.clone(),
                        body: read_body(body_file.as_deref())?,
                        inputs: version_ids(inputs)?,
                    },
                )
                .await?;
            print_version(&v);
        }
        ArtifactCommand::Edit {
            id,
            title,
            body_file,
            inputs,
        } => {
            let current = store.artifact_version(&me, id.parse()?).await?;
            let title = title.clone().unwrap_or_else(|| current.title.clone());
            let body = match body_file {
                Some(f) => read_body(Some(f))?,
                None => current.body.clone(),
            };
            let inputs = match inputs.as_slice() {
                [] => current.inputs.iter().map(|i| i.version).collect(),
                [none] if none == "none" => Vec::new(),
                ids => version_ids(ids)?,
            };
            let v = store
                .edit_artifact(&me, current.reference.version, &title, &body, &inputs)
                .await?;
            print_version(&v);
        }
        ArtifactCommand::Submit { id } => {
            print_version(&store.submit_artifact(&me, id.parse()?).await?)
        }
        ArtifactCommand::Withdraw { id } => {
            print_version(&store.withdraw_artifact(&me, id.parse()?).await?)
        }
        ArtifactCommand::Approve { id } => {
            print_version(&store.approve_artifact(&me, id.parse()?).await?)
        }
        ArtifactCommand::Reject { id, reason } => {
            print_version(&store.reject_artifact(&me, id.parse()?, reason).await?)
        }
        ArtifactCommand::Stale(a) => {
            let stale = store.stale_artifacts(&me).await?;
            if a.json {
                print_json(&stale)?;
            } else if stale.is_empty() {
                println!("古くなった成果物はありません / nothing is stale");
            } else {
                for s in &stale {
                    println!("{} / {}", s.artifact.label_ja(), s.artifact.label_en());
                    for r in &s.reasons {
                        println!("  {}\n  {}", r.ja, r.en);
                    }
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_entries(entries: &[kamae_store::audit::AuditEntry]) {
    for e in entries {
        let reason = e
            .reason
            .as_deref()
            .map(|r| format!(" — 理由 reason: {r}"))
            .unwrap_or_default();
        println!(
            "#{} {} {} {} {} {}{reason}",
            e.seq, e.at, e.actor, e.action, e.record_kind, e.record_id
        );
        if let Some(b) = &e.before {
            println!("    before: {b}");
        }
        if let Some(a) = &e.after {
            println!("    after:  {a}");
        }
    }
}

async fn history(cli: &Cli, a: &HistoryArgs) -> Result<ExitCode> {
    let store = open(cli, false).await?;
    let me = acting(cli, &store).await?;
    let entries = store.history(&me, &a.kind, &a.id).await?;
    if a.json {
        print_json(&entries)?;
    } else {
        print_entries(&entries);
    }
    Ok(ExitCode::SUCCESS)
}

async fn security_events(cli: &Cli, a: &SecurityEventsArgs) -> Result<ExitCode> {
    let store = open(cli, false).await?;
    let me = acting(cli, &store).await?;
    let entries = store.security_events(&me, a.limit).await?;
    let sensitive = store.sensitive_grants(&me).await?;
    if a.json {
        #[derive(Serialize)]
        struct Log<'a> {
            sensitive_grants: &'a [kamae_store::users::GrantView],
            events: &'a [kamae_store::audit::AuditEntry],
        }
        print_json(&Log {
            sensitive_grants: &sensitive,
            events: &entries,
        })?;
    } else {
        println!("経営層・CISO・管理者の権限付与 / grants of executive, ciso and administration");
        let rows: Vec<Vec<String>> = sensitive
            .iter()
            .map(|g| {
                let state = if g.revoked {
                    "取消 revoked"
                } else if g.pending {
                    "確認待ち pending"
                } else {
                    "有効 active"
                };
                vec![
                    g.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                    g.user_email.clone(),
                    g.role.clone(),
                    g.scope.clone(),
                    state.into(),
                    g.granted_by.clone(),
                    g.confirmed_by.clone().unwrap_or_default(),
                ]
            })
            .collect();
        println!(
            "{}
",
            table(
                &[
                    "granted",
                    "user",
                    "role",
                    "scope",
                    "state",
                    "by",
                    "confirmed by"
                ],
                &rows
            )
        );
        println!("セキュリティイベント（新しい順） / security events, newest first");
        print_entries(&entries);
    }
    Ok(ExitCode::SUCCESS)
}

async fn verify(cli: &Cli, a: &VerifyArgs) -> Result<ExitCode> {
    let expect = a.expect_head.as_deref().map(ChainHead::parse).transpose()?;
    let store = open(cli, false).await?;
    match store.verify(expect.as_ref()).await? {
        Verification::Intact { head, rows } => {
            println!("head {head}");
            println!(
                "監査証跡は改ざんされていません（{rows} 行） / the audit trail is intact ({rows} rows)"
            );
            Ok(ExitCode::SUCCESS)
        }
        Verification::Broken(b) => {
            eprintln!(
                "監査証跡の検証に失敗しました（行 {}）/ audit trail verification failed at row {}",
                b.seq, b.seq
            );
            eprintln!("{}\n{}", b.problem.ja, b.problem.en);
            Ok(ExitCode::from(3))
        }
    }
}

/// Runs a model file; a malformed one is refused with every problem's JSON path.
fn quant_run(
    model: &std::path::Path,
    trials: Option<u64>,
    seed: Option<u64>,
    threads: usize,
) -> Result<ExitCode> {
    let name = model.display();
    let text = std::fs::read_to_string(model).map_err(|e| {
        problem(
            "unreadable_file",
            format!("{name} を読めません: {e}"),
            format!("cannot read {name}: {e}"),
        )
    })?;
    // A long run on a terminal shows how far it has come; pipes and short runs stay quiet.
    use std::io::{IsTerminal, Write};
    let show = std::io::stderr().is_terminal();
    let started = std::time::Instant::now();
    let last = std::sync::Mutex::new(0u64);
    let progress = |done: u64, all: u64| {
        if !show || started.elapsed() < std::time::Duration::from_secs(1) {
            return;
        }
        let percent = done * 100 / all.max(1);
        if let Ok(mut last) = last.lock()
            && percent > *last
        {
            *last = percent;
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r{percent:>3}% ({done}/{all})");
            if done >= all {
                let _ = writeln!(err);
            }
        }
    };
    match kamae_quant::run_json_with_progress(&text, trials, seed, threads, &progress) {
        Ok(out) => {
            print_json(&out)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(problems) => {
            let at = |path: &str| {
                if path.is_empty() {
                    String::new()
                } else {
                    format!(" {path}")
                }
            };
            let ja: Vec<String> = problems
                .iter()
                .map(|p| format!("{name}{}: {}", at(&p.path), p.ja))
                .collect();
            let en: Vec<String> = problems
                .iter()
                .map(|p| format!("{name}{}: {}", at(&p.path), p.en))
                .collect();
            Err(problem("invalid_model", ja.join("\n"), en.join("\n")))
        }
    }
}
