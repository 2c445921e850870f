//! `kamae synth` (hidden): loads the large synthetic group BENCH for the web benchmark
//! (`scripts/bench-web`) and prints what it built.

use std::process::ExitCode;

use kamae_store::synth::{SYNTH_ADMIN, SYNTH_BENCH_USER, SynthSpec};
use kamae_store::{Store, StoreError};

use crate::cli::SynthArgs;
use crate::output::table;

pub async fn run(store: Store, a: &SynthArgs) -> Result<ExitCode, StoreError> {
    let spec = SynthSpec {
        companies: a.companies,
        sites: a.sites,
        users: a.users,
        days: a.days,
    };
    eprintln!(
        "synth: {} companies, {} sites, {} users, {} days of history …",
        spec.companies, spec.sites, spec.users, spec.days
    );
    let r = store.load_synthetic(&spec).await?;
    store.close().await;
    let rows = [
        ("group", r.group_code.clone()),
        ("companies", r.companies.to_string()),
        ("sites", r.sites.to_string()),
        ("departments", r.departments.to_string()),
        ("people", r.people.to_string()),
        (
            "users (disabled)",
            format!("{} ({})", r.users, r.users_disabled),
        ),
        (
            "grants (revoked)",
            format!("{} ({})", r.grants, r.grants_revoked),
        ),
        (
            "business relationships",
            r.business_relationships.to_string(),
        ),
        (
            "reporting-scope changes",
            r.reporting_scope_changes.to_string(),
        ),
        (
            "history",
            format!("{} days, {} … {}", r.days, r.first_day, r.last_day),
        ),
        ("artifact versions", r.artifact_versions.to_string()),
        (
            "submitted / approved / rejected",
            format!("{} / {} / {}", r.submissions, r.approvals, r.rejections),
        ),
        ("awaiting a decision", r.awaiting_decision.to_string()),
        ("audited writes (store calls)", r.writes.to_string()),
        ("audit rows (chain intact)", r.audit_rows.to_string()),
        ("seconds", format!("{:.1}", r.seconds)),
    ];
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|(k, v)| vec![k.to_owned(), v])
        .collect();
    println!("{}", table(&["synthetic group", ""], &rows));
    println!(
        "sign-ins: {SYNTH_BENCH_USER} (group-wide executive), {SYNTH_ADMIN} (administrator); \
         password in kamae_store::synth::SYNTH_PASSWORD"
    );
    println!("{}", serde_json::to_string(&r).map_err(StoreError::from)?);
    Ok(ExitCode::SUCCESS)
}
