//! The store's foundation, measured: audited writes per second (sequential and with four
//! concurrent writers), `check org` on a 300-company group, and the chain walk of `verify`.
//! Runs on SQLite and, when `KAMAE_TEST_DATABASE_URL` is set, on PostgreSQL.
//!
//! `cargo bench -p kamae-store --bench foundation` runs the full sizes; without `--bench`
//! (as `cargo test --all-targets` runs it) a tiny smoke version keeps the test suite fast.
//! Nothing here asserts on time: only on the results being right.

use std::fmt::Display;
use std::future::Future;
use std::time::{Duration, Instant};

use kamae_core::access::Actor;
use kamae_core::calendar::GroupCalendar;
use kamae_core::org::{CompanyKind, StaffRole};
use kamae_core::text::{Code, Email};
use kamae_store::audit::Verification;
use kamae_store::org::{NewCompany, NewGroup, NewPerson, NewSite};
use kamae_store::testing::TestStore;
use kamae_store::users::{Capability, ScopeSpec};
use kamae_store::{Backend, Store};

const PASSWORD: &str = "correct horse battery staple";
const WRITERS: usize = 4;

fn ok<T, E: Display>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

fn code(s: &str) -> Code {
    ok(Code::parse(s))
}

fn email(s: &str) -> Email {
    ok(Email::parse(s))
}

/// How much work one run does.
#[derive(Debug, Clone, Copy)]
struct Sizes {
    mode: &'static str,
    warmup_writes: usize,
    sequential_writes: usize,
    concurrent_writes: usize,
    companies: usize,
    sites_per_company: usize,
    outside_scope: usize,
    check_runs: usize,
}

const FULL: Sizes = Sizes {
    mode: "full",
    warmup_writes: 20,
    sequential_writes: 2000,
    concurrent_writes: 2000,
    companies: 300,
    sites_per_company: 3,
    outside_scope: 10,
    check_runs: 30,
};

const SMOKE: Sizes = Sizes {
    mode: "smoke",
    warmup_writes: 2,
    sequential_writes: 20,
    concurrent_writes: 20,
    companies: 5,
    sites_per_company: 3,
    outside_scope: 1,
    check_runs: 2,
};

/// What one backend measured.
#[derive(Debug, Clone)]
struct Figures {
    backend: &'static str,
    sequential_writes: usize,
    sequential_secs: f64,
    sequential_latency: Summary,
    concurrent_writes: usize,
    concurrent_secs: f64,
    concurrent_latency: Summary,
    companies: usize,
    sites: usize,
    leads: usize,
    build_writes: usize,
    build_secs: f64,
    check_runs: usize,
    check_findings: usize,
    check: Summary,
    verify_rows: i64,
    verify_secs: f64,
}

/// Median and 95th percentile (nearest rank) of durations, in milliseconds.
#[derive(Debug, Clone, Copy)]
struct Summary {
    median_ms: f64,
    p95_ms: f64,
    max_ms: f64,
}

fn summary(samples: &[Duration]) -> Summary {
    let mut ms: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1e3).collect();
    ms.sort_by(f64::total_cmp);
    if ms.is_empty() {
        return Summary {
            median_ms: 0.0,
            p95_ms: 0.0,
            max_ms: 0.0,
        };
    }
    let n = ms.len();
    let median_ms = if n % 2 == 1 {
        ms[n / 2]
    } else {
        (ms[n / 2 - 1] + ms[n / 2]) / 2.0
    };
    let rank = (0.95 * n as f64).ceil() as usize;
    let p95_ms = ms[rank.clamp(1, n) - 1];
    Summary {
        median_ms,
        p95_ms,
        max_ms: ms[n - 1],
    }
}

async fn timed<T>(f: impl Future<Output = T>) -> (T, Duration) {
    let start = Instant::now();
    let v = f.await;
    (v, start.elapsed())
}

/// A group with a first administrator, as `kamae init` makes it.
async fn new_group(store: &Store, group_code: &str) -> (Actor, Actor) {
    let domain = group_code.to_lowercase();
    let admin_mail = format!("admin@{domain}.example");
    let (group, _) = ok(store
        .init_group(
            NewGroup {
                code: code(group_code),
                name: format!("{group_code} グループ"),
                calendar: GroupCalendar::default(),
                is_demo: false,
            },
            &email(&admin_mail),
            "管理者",
            PASSWORD,
        )
        .await);
    let admin = ok(store.actor_for_email(&email(&admin_mail)).await);
    (admin, Actor::System { group: group.id })
}

/// A user with the `ciso` role over the whole group.
async fn ciso(store: &Store, admin: &Actor, mail: &str) -> Actor {
    ok(store
        .add_user(admin, &email(mail), "CISO", None, false)
        .await);
    ok(store
        .grant(
            admin,
            &email(mail),
            ok(Capability::parse("ciso")),
            &ScopeSpec::Group,
            None,
        )
        .await);
    ok(store.actor_for_email(&email(mail)).await)
}

fn company(c: &str, kind: CompanyKind, parent: Option<&str>, in_scope: bool) -> NewCompany {
    NewCompany {
        code: code(c),
        name: format!("{c}社"),
        kind,
        parent: parent.map(code),
        acquired_on: None,
        in_reporting_scope: in_scope,
    }
}

fn person(i: usize, company: &str) -> NewPerson {
    NewPerson {
        name: format!("人員 {i}"),
        email: Some(email(&format!("person-{i}@w.example"))),
        position: Some("担当".into()),
        company: code(company),
        department: None,
    }
}

/// Audited writes: `add_person` as a group-wide CISO, one after another and then from
/// four tasks at once. Returns (sequential, concurrent) figures.
async fn writes(store: &Store, sizes: Sizes) -> ((f64, Summary), (f64, Summary)) {
    let (admin, system) = new_group(store, "WRITES").await;
    let ciso = ciso(store, &admin, "ciso@writes.example").await;
    ok(store
        .add_company(&system, company("W", CompanyKind::Parent, None, true))
        .await);

    let mut next = 0usize;
    for _ in 0..sizes.warmup_writes {
        ok(store.add_person(&ciso, person(next, "W")).await);
        next += 1;
    }

    let mut latencies = Vec::with_capacity(sizes.sequential_writes);
    let start = Instant::now();
    for _ in 0..sizes.sequential_writes {
        let (r, d) = timed(store.add_person(&ciso, person(next, "W"))).await;
        ok(r);
        latencies.push(d);
        next += 1;
    }
    let sequential = (start.elapsed().as_secs_f64(), summary(&latencies));

    let per_task = sizes.concurrent_writes / WRITERS;
    let start = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..WRITERS {
        let store = store.clone();
        let ciso = ciso.clone();
        let first = next + w * per_task;
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(per_task);
            for i in first..first + per_task {
                let (r, d) = timed(store.add_person(&ciso, person(i, "W"))).await;
                ok(r);
                latencies.push(d);
            }
            latencies
        }));
    }
    let mut latencies = Vec::with_capacity(sizes.concurrent_writes);
    for task in tasks {
        latencies.extend(ok(task.await));
    }
    let concurrent = (start.elapsed().as_secs_f64(), summary(&latencies));

    let people = ok(store.people(&ciso).await).len();
    assert_eq!(
        people,
        sizes.warmup_writes + sizes.sequential_writes + per_task * WRITERS,
        "every write must have landed"
    );
    (sequential, concurrent)
}

/// Builds the group `check org` is timed on: `companies` companies (the first the parent),
/// `sites_per_company` sites each, a security lead for all but the last `outside_scope`
/// companies, which are outside the reporting scope. Returns the ciso and the write count.
async fn org_group(store: &Store, sizes: Sizes) -> (Actor, usize) {
    let (admin, system) = new_group(store, "ORG").await;
    let ciso = ciso(store, &admin, "ciso@org.example").await;
    let name = |i: usize| format!("C{i:03}");
    let mut writes = 0usize;
    for i in 0..sizes.companies {
        let in_scope = i < sizes.companies - sizes.outside_scope;
        let new = if i == 0 {
            company(&name(i), CompanyKind::Parent, None, true)
        } else {
            company(&name(i), CompanyKind::Subsidiary, Some("C000"), in_scope)
        };
        ok(store.add_company(&system, new).await);
        writes += 1;
        for s in 0..sizes.sites_per_company {
            let site = NewSite {
                company: code(&name(i)),
                code: code(&format!("{}-S{s}", name(i))),
                name: format!("{}社 拠点{s}", name(i)),
                address: None,
                in_reporting_scope: true,
            };
            ok(store.add_site(&system, site).await);
            writes += 1;
        }
        if in_scope {
            let lead = NewPerson {
                name: format!("{}社 セキュリティ責任者", name(i)),
                email: Some(email(&format!("lead-{}@org.example", i))),
                position: Some("部長".into()),
                company: code(&name(i)),
                department: None,
            };
            let p = ok(store.add_person(&system, lead).await);
            ok(store
                .assign_security_staff(&system, &code(&name(i)), p.id, StaffRole::Lead, None)
                .await);
            writes += 2;
        }
    }
    (ciso, writes)
}

async fn run_backend(t: &TestStore, sizes: Sizes) -> Figures {
    let store = &t.store;
    let backend = match store.backend() {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    eprintln!("[{backend}] audited writes…");
    let ((seq_secs, seq_lat), (conc_secs, conc_lat)) = writes(store, sizes).await;

    eprintln!(
        "[{backend}] building the {}-company group…",
        sizes.companies
    );
    let ((ciso, build_writes), build) = timed(org_group(store, sizes)).await;

    eprintln!("[{backend}] check org ×{}…", sizes.check_runs);
    // One untimed run first, so the timed runs all find warm connections.
    let expected = ok(store.check_org(&ciso).await).len();
    let mut samples = Vec::with_capacity(sizes.check_runs);
    for _ in 0..sizes.check_runs {
        let (r, d) = timed(store.check_org(&ciso)).await;
        assert_eq!(
            ok(r).len(),
            expected,
            "check org must find the same each run"
        );
        samples.push(d);
    }
    // The last `outside_scope` companies have no lead and are outside the reporting scope.
    assert_eq!(expected, 2 * sizes.outside_scope, "check org findings");

    eprintln!("[{backend}] verify…");
    let (v, verify) = timed(store.verify(None)).await;
    let verify_rows = match ok(v) {
        Verification::Intact { rows, .. } => rows,
        Verification::Broken(b) => panic!("the audit chain is broken: {b:?}"),
    };

    let per_task = sizes.concurrent_writes / WRITERS;
    let leads = sizes.companies - sizes.outside_scope;
    Figures {
        backend,
        sequential_writes: sizes.sequential_writes,
        sequential_secs: seq_secs,
        sequential_latency: seq_lat,
        concurrent_writes: per_task * WRITERS,
        concurrent_secs: conc_secs,
        concurrent_latency: conc_lat,
        companies: sizes.companies,
        sites: sizes.companies * sizes.sites_per_company,
        leads,
        build_writes,
        build_secs: build.as_secs_f64(),
        check_runs: sizes.check_runs,
        check_findings: expected,
        check: summary(&samples),
        verify_rows,
        verify_secs: verify.as_secs_f64(),
    }
}

fn rate(n: usize, secs: f64) -> f64 {
    if secs > 0.0 { n as f64 / secs } else { 0.0 }
}

fn print_table(f: &Figures) {
    let line = |what: &str, value: String| println!("  {what:<46} {value:>22}");
    println!();
    println!("== {} ==", f.backend);
    line(
        &format!("sequential audited writes ({})", f.sequential_writes),
        format!(
            "{:.0} writes/s",
            rate(f.sequential_writes, f.sequential_secs)
        ),
    );
    line(
        "  latency median / p95",
        format!(
            "{:.2} / {:.2} ms",
            f.sequential_latency.median_ms, f.sequential_latency.p95_ms
        ),
    );
    line(
        &format!(
            "concurrent audited writes ({WRITERS} tasks, {})",
            f.concurrent_writes
        ),
        format!(
            "{:.0} writes/s",
            rate(f.concurrent_writes, f.concurrent_secs)
        ),
    );
    line(
        "  latency median / p95",
        format!(
            "{:.2} / {:.2} ms",
            f.concurrent_latency.median_ms, f.concurrent_latency.p95_ms
        ),
    );
    line(
        &format!(
            "build {} companies, {} sites, {} leads",
            f.companies, f.sites, f.leads
        ),
        format!("{:.2} s", f.build_secs),
    );
    line(
        &format!("  ({} audited writes)", f.build_writes),
        format!("{:.0} writes/s", rate(f.build_writes, f.build_secs)),
    );
    line(
        &format!("check org, median ({} runs)", f.check_runs),
        format!("{:.2} ms", f.check.median_ms),
    );
    line("check org, p95", format!("{:.2} ms", f.check.p95_ms));
    line("check org, max", format!("{:.2} ms", f.check.max_ms));
    line("check org findings", format!("{}", f.check_findings));
    line(
        &format!("verify (chain walk, {} rows)", f.verify_rows),
        format!("{:.1} ms", f.verify_secs * 1e3),
    );
    line(
        "  rows per second",
        format!("{:.0} rows/s", rate(f.verify_rows as usize, f.verify_secs)),
    );
}

fn json(sizes: Sizes, all: &[Figures]) -> serde_json::Value {
    let backends: Vec<serde_json::Value> = all
        .iter()
        .map(|f| {
            serde_json::json!({
                "backend": f.backend,
                "sequential_writes": f.sequential_writes,
                "sequential_writes_per_s": rate(f.sequential_writes, f.sequential_secs),
                "sequential_latency_median_ms": f.sequential_latency.median_ms,
                "sequential_latency_p95_ms": f.sequential_latency.p95_ms,
                "concurrent_writers": WRITERS,
                "concurrent_writes": f.concurrent_writes,
                "concurrent_writes_per_s": rate(f.concurrent_writes, f.concurrent_secs),
                "concurrent_latency_median_ms": f.concurrent_latency.median_ms,
                "concurrent_latency_p95_ms": f.concurrent_latency.p95_ms,
                "companies": f.companies,
                "sites": f.sites,
                "security_leads": f.leads,
                "build_writes": f.build_writes,
                "build_s": f.build_secs,
                "check_org_runs": f.check_runs,
                "check_org_findings": f.check_findings,
                "check_org_median_ms": f.check.median_ms,
                "check_org_p95_ms": f.check.p95_ms,
                "check_org_max_ms": f.check.max_ms,
                "verify_rows": f.verify_rows,
                "verify_ms": f.verify_secs * 1e3,
            })
        })
        .collect();
    serde_json::json!({
        "bench": "kamae-store/foundation",
        "mode": sizes.mode,
        "backends": backends,
    })
}

fn main() {
    let sizes = if std::env::args().any(|a| a == "--bench") {
        FULL
    } else {
        SMOKE
    };
    let runtime = ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build());
    let all = runtime.block_on(async {
        let mut all = Vec::new();
        let t = TestStore::sqlite().await;
        all.push(run_backend(&t, sizes).await);
        t.finish().await;
        match TestStore::postgres().await {
            Some(t) => {
                all.push(run_backend(&t, sizes).await);
                t.finish().await;
            }
            None => eprintln!(
                "PostgreSQL skipped: {} is not set",
                kamae_store::testing::TEST_DATABASE_ENV
            ),
        }
        all
    });
    println!("kamae-store foundation benchmark ({} sizes)", sizes.mode);
    for f in &all {
        print_table(f);
    }
    println!();
    println!("{}", json(sizes, &all));
}
