//! The command line: every command and option, with plain-language help.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "kamae",
    version,
    about = "kamae（構え）— CISO室のワークベンチ / the workbench of a company's CISO office",
    long_about = "kamae（構え）— CISO室のワークベンチ / the workbench of a company's CISO office.\n\n\
        Keeps the records of the seven roles (A–G) that IPA's practice guide asks of a CISO: \
        the group's organisation, who may see and change what, a tamper-evident audit trail, \
        approvals, and the twelve artifacts that the roles hand to each other.\n\n\
        Start with `kamae demo` (a demo in an empty data directory) or `kamae init` (your own group)."
)]
pub struct Cli {
    /// Where kamae keeps its data (the embedded store kamae.db, backups you make).
    #[arg(
        long,
        global = true,
        env = "KAMAE_DATA_DIR",
        default_value = "./kamae-data"
    )]
    pub data_dir: PathBuf,

    /// Use this database instead of the embedded store, e.g. postgres://kamae@db.example/kamae.
    #[arg(long, global = true, env = "KAMAE_DATABASE_URL")]
    pub database_url: Option<String>,

    /// Act as this user (their e-mail address): commands that read or change records pass
    /// the same access checks as the web.
    #[arg(long = "as", global = true, env = "KAMAE_AS", value_name = "EMAIL")]
    pub as_user: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the web workbench.
    Serve(ServeArgs),
    /// Create the store, your group and its first administrator.
    Init(InitArgs),
    /// Bring the store's tables up to date (also done at every start).
    Migrate,
    /// Users, their roles and scopes (administrators only).
    #[command(subcommand)]
    User(UserCommand),
    /// Personal API tokens (administrators create them for users).
    #[command(subcommand)]
    Token(TokenCommand),
    /// Print the OpenAPI 3.1 document of the JSON API.
    Openapi,
    /// Load the demo (story 1's A社グループ and story 2's apparel maker) into an empty store
    /// and print its sign-ins.
    Demo(JsonArg),
    /// Checks that show what the CISO office should know.
    #[command(subcommand)]
    Check(CheckCommand),
    /// The group's organisation: companies, sites, departments, people.
    #[command(subcommand)]
    Org(OrgCommand),
    /// The twelve artifacts of roles A–G: drafts, approval, what has gone stale.
    #[command(subcommand)]
    Artifact(ArtifactCommand),
    /// The group's security standard (role D): template, import, export, versions, items.
    #[command(subcommand)]
    Standard(StandardCommand),
    /// Reference frameworks the standard's items map to (OSCAL catalogs, CISO Assistant
    /// libraries).
    #[command(subcommand)]
    Framework(FrameworkCommand),
    /// The information-asset inventory (role E): import and export as CSV or XLSX.
    #[command(subcommand)]
    Asset(AssetCommand),
    /// Risk matrices for risk assessments (role E): kamae's own 5 × 5 and imported ones.
    #[command(subcommand, name = "risk-matrix")]
    RiskMatrix(RiskMatrixCommand),
    /// Monte Carlo risk quantification (role C): run a model file.
    #[command(subcommand)]
    Quant(QuantCommand),
    /// Who changed a record, when, what and why.
    History(HistoryArgs),
    /// Sign-ins, failures, grants, tokens (the CISO and auditors).
    SecurityEvents(SecurityEventsArgs),
    /// Check the whole audit trail's hash chain and print its head.
    Verify(VerifyArgs),
    /// Copy the running embedded store to FILE (readable by you only).
    Backup(FileArg),
    /// Restore a backup into an empty data directory.
    Restore(RestoreArgs),
    /// Load the large synthetic group BENCH (for scripts/bench-web; not for real data).
    #[command(hide = true)]
    Synth(SynthArgs),
}

#[derive(Debug, Args)]
pub struct SynthArgs {
    #[arg(long, default_value_t = 300)]
    pub companies: usize,
    #[arg(long, default_value_t = 1000)]
    pub sites: usize,
    #[arg(long, default_value_t = 15_000)]
    pub users: usize,
    /// Days of history, the clock stepped one day at a time.
    #[arg(long, default_value_t = 365)]
    pub days: u32,
}

#[derive(Debug, Args)]
pub struct JsonArg {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct FileArg {
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", env = "KAMAE_LISTEN")]
    pub listen: String,
    /// Load the demo first if the store is empty (otherwise start with the data as it is),
    /// and print the demo sign-ins.
    #[arg(long)]
    pub demo: bool,
    /// kamae is reached over TLS (directly or through a proxy): cookies are marked Secure.
    #[arg(long)]
    pub behind_tls: bool,
    /// A proxy whose X-Forwarded-For (and X-Forwarded-Proto) is believed (repeatable).
    #[arg(long = "trusted-proxy", value_name = "IP")]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// An address besides loopback that may read /metrics (repeatable).
    #[arg(long = "metrics-allow", value_name = "IP")]
    pub metrics_allow: Vec<std::net::IpAddr>,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    pub file: PathBuf,
    /// The head printed by `kamae verify` when the backup was made: the restore is refused
    /// unless the backup's trail still reaches it unchanged.
    #[arg(long)]
    pub expect_head: Option<String>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Your group's short code (letters, digits, - and _), e.g. A-GROUP.
    #[arg(long)]
    pub group_code: String,
    /// Your group's name, e.g. 「A社グループ」.
    #[arg(long)]
    pub group_name: String,
    /// The first administrator's e-mail address.
    #[arg(long)]
    pub admin_email: String,
    /// The first administrator's name.
    #[arg(long, default_value = "管理者")]
    pub admin_name: String,
    /// Read the administrator's password from this file (otherwise you are asked for it).
    #[arg(long)]
    pub password_file: Option<PathBuf>,
    /// The group's time zone, for due dates and expiry.
    #[arg(long, default_value = "Asia/Tokyo")]
    pub time_zone: String,
    /// The month the fiscal year starts in.
    #[arg(long, default_value_t = 4)]
    pub fiscal_year_start_month: i64,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Read the password from this file (otherwise you are asked for it, if at a terminal).
        #[arg(long)]
        password_file: Option<PathBuf>,
        /// Also give the user the administration capability (users, grants, settings).
        #[arg(long)]
        admin: bool,
    },
    /// Give a user a role over a scope.
    Grant {
        #[arg(long)]
        email: String,
        /// executive, ciso, ciso_office, security_lead, practitioner, department_manager,
        /// auditor, viewer — or administrator.
        #[arg(long)]
        role: String,
        /// group, company:CODE, site:CODE or department:CODE.
        #[arg(long)]
        scope: String,
        /// Last day the grant applies (YYYY-MM-DD, in the group's time zone).
        #[arg(long)]
        until: Option<String>,
    },
    /// Take a grant back (by its id from `user list`, or by e-mail, role and scope).
    Revoke {
        #[arg(long, conflicts_with_all = ["email", "role", "scope"])]
        grant: Option<String>,
        #[arg(long, requires_all = ["role", "scope"])]
        email: Option<String>,
        #[arg(long)]
        role: Option<String>,
        #[arg(long)]
        scope: Option<String>,
        /// Why (kept in the audit trail).
        #[arg(long)]
        reason: String,
    },
    /// Disable a user: their sessions and API tokens end at once.
    Disable {
        #[arg(long)]
        email: String,
        /// Why (kept in the audit trail).
        #[arg(long)]
        reason: String,
    },
    /// Confirm another administrator's grant of executive, ciso or administration.
    Confirm {
        /// The grant's id, from `user list`.
        #[arg(long)]
        grant: String,
    },
    /// List users and their grants.
    List(JsonArg),
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token for a user and print it once.
    Create {
        #[arg(long)]
        email: String,
        /// What the token is for.
        #[arg(long, default_value = "api")]
        name: String,
        /// How many days it lives (at most, and by default, 90).
        #[arg(long)]
        days: Option<i64>,
    },
}

#[derive(Debug, Subcommand)]
pub enum CheckCommand {
    /// Companies without a security lead, companies and sites outside reporting scope,
    /// companies acquired within the last year. Exits 0 whatever it finds.
    Org {
        /// Only this group (its code); all groups otherwise.
        #[arg(long)]
        group: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// List companies, sites and departments.
    Show(JsonArg),
    /// Add a company to the group.
    AddCompany {
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        /// parent, subsidiary or affiliate.
        #[arg(long, default_value = "subsidiary")]
        kind: String,
        /// The parent company's code.
        #[arg(long)]
        parent: Option<String>,
        /// When the group acquired it (YYYY-MM-DD).
        #[arg(long)]
        acquired_on: Option<String>,
        /// Leave it outside the group's reporting scope.
        #[arg(long)]
        outside_reporting_scope: bool,
    },
    /// Add a site (拠点) to a company.
    AddSite {
        #[arg(long)]
        company: String,
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        address: Option<String>,
        #[arg(long)]
        outside_reporting_scope: bool,
    },
    /// Add a department to a company.
    AddDepartment {
        #[arg(long)]
        company: String,
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        /// business, corporate, security_office or it.
        #[arg(long)]
        kind: String,
    },
    /// Add a person (with or without a kamae account) to a company.
    AddPerson {
        #[arg(long)]
        company: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        position: Option<String>,
        /// The department's code.
        #[arg(long)]
        department: Option<String>,
    },
    /// Name a person (by e-mail) as a company's security lead or one of its practitioners.
    SetSecurityStaff {
        #[arg(long)]
        company: String,
        #[arg(long)]
        person_email: String,
        /// lead or practitioner.
        #[arg(long)]
        role: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Record how much business two companies do together (1–100).
    AddRelationship {
        #[arg(long)]
        a: String,
        #[arg(long)]
        b: String,
        #[arg(long)]
        weight: i64,
        #[arg(long)]
        note: Option<String>,
    },
    /// Archive a company, site, department or person (nothing is deleted; the history stays).
    Archive {
        #[arg(long, group = "record")]
        company: Option<String>,
        #[arg(long, group = "record")]
        site: Option<String>,
        #[arg(long, group = "record")]
        department: Option<String>,
        #[arg(long, group = "record")]
        person_email: Option<String>,
        /// Why (kept in the audit trail).
        #[arg(long)]
        reason: String,
    },
    /// Put a company in or out of the reporting scope.
    SetReportingScope {
        #[arg(long)]
        company: String,
        /// in or out.
        #[arg(long)]
        scope: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ArtifactCommand {
    /// Every artifact you may see, with its latest and approved versions.
    List(JsonArg),
    /// One version: its text, what it was made from, its approval.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Start a new draft version.
    Draft {
        /// objectives_and_targets, risk_assessment, … (see docs/access.md)
        #[arg(long)]
        kind: String,
        /// A company's own series (its code); the group's otherwise.
        #[arg(long)]
        company: Option<String>,
        #[arg(long)]
        title: String,
        /// A Markdown file with the text.
        #[arg(long)]
        body_file: Option<PathBuf>,
        /// An approved version this one was made from (repeatable).
        #[arg(long = "from")]
        inputs: Vec<String>,
    },
    /// Change a draft or rejected version; a change to an approved one becomes a new draft.
    Edit {
        id: String,
        /// A new title (the current one otherwise).
        #[arg(long)]
        title: Option<String>,
        /// A Markdown file with the new text (the current text otherwise).
        #[arg(long)]
        body_file: Option<PathBuf>,
        /// The approved versions it is made from, replacing the current ones (repeatable);
        /// `--from none` for none. Without --from the inputs stay as they are.
        #[arg(long = "from")]
        inputs: Vec<String>,
    },
    /// Send a draft for approval.
    Submit { id: String },
    /// Take your submission back to draft.
    Withdraw { id: String },
    /// Approve a submitted version.
    Approve { id: String },
    /// Reject a submitted version, with the reason.
    Reject {
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// Submitted versions waiting for your decision.
    Inbox(JsonArg),
    /// Approved artifacts whose inputs have changed, and why.
    Stale(JsonArg),
}

#[derive(Debug, Subcommand)]
pub enum StandardCommand {
    /// Write an empty template (the header row and one example item) to fill in.
    Template {
        /// csv or xlsx
        #[arg(long)]
        format: String,
        #[arg(long)]
        out: PathBuf,
        /// The language of the column headers: ja or en (both are read back).
        #[arg(long, default_value = "ja")]
        headers: String,
    },
    /// Import the standard's items from a file as the next draft version (it goes through
    /// approval like any edit). Items missing from the file are archived in the new version.
    Import {
        file: PathBuf,
        /// csv, xlsx or oscal; from the file's extension when left out.
        #[arg(long)]
        format: Option<String>,
        /// Show what would be added, changed and archived; write nothing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
        /// Why this revision: yearly_plan, new_business, new_it_service, new_law_or_technology.
        #[arg(long)]
        reason: Option<String>,
        /// The change log (written from the changes when left out).
        #[arg(long)]
        change_log: Option<String>,
        /// The standard's next review (YYYY-MM-DD).
        #[arg(long)]
        next_review: Option<String>,
        #[arg(long)]
        title: Option<String>,
    },
    /// Export the standard: the approved version (the newest one with --draft).
    Export {
        /// csv, xlsx or oscal
        #[arg(long)]
        format: String,
        #[arg(long)]
        out: PathBuf,
        /// Export the newest version, even a draft.
        #[arg(long)]
        draft: bool,
        /// Export this version (its id).
        #[arg(long)]
        version: Option<String>,
        /// The language of CSV and XLSX column headers: ja or en.
        #[arg(long, default_value = "ja")]
        headers: String,
    },
    /// The versions of the standard with their state and reason.
    Versions(JsonArg),
    /// The items of a version (the approved one unless --version or --draft).
    Show {
        #[arg(long)]
        version: Option<String>,
        #[arg(long)]
        draft: bool,
        #[arg(long)]
        json: bool,
    },
    /// What changed between two versions, item by item.
    Compare {
        from: String,
        to: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum FrameworkCommand {
    /// Import a reference framework: an OSCAL catalog (.json) or a CISO Assistant library
    /// (.yaml). The same file again changes nothing; a new one under the same code
    /// replaces the old, which is archived.
    Import {
        file: PathBuf,
        /// oscal or ciso-assistant; from the file's extension when left out.
        #[arg(long)]
        format: Option<String>,
        /// The code mappings use (`CODE:CONTROL`); made from the file's title when left out.
        #[arg(long)]
        code: Option<String>,
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
    /// The reference frameworks with their name, version and number of controls.
    List(JsonArg),
    /// One framework's controls or requirement nodes, as a tree.
    Show {
        code: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AssetCommand {
    /// Import assets from CSV (UTF-8 or Shift_JIS) or XLSX: each row names its company by
    /// code; rows add assets or change those of the same id; a file with any problem writes
    /// nothing. The columns are in docs/formats.md.
    Import {
        file: PathBuf,
        /// csv or xlsx; from the file's extension when left out.
        #[arg(long)]
        format: Option<String>,
        /// Show what would be added and changed; write nothing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
    /// Export the assets you can see.
    Export {
        /// csv or xlsx
        #[arg(long)]
        format: String,
        #[arg(long)]
        out: PathBuf,
        /// The language of the column headers: ja or en (both are read back).
        #[arg(long, default_value = "ja")]
        headers: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum RiskMatrixCommand {
    /// Import the risk matrices of a CISO Assistant library (YAML, `objects.risk_matrix`).
    /// Every grid cell must name an existing risk level; a file with any problem writes
    /// nothing. The same file again changes nothing; a new one under the same code replaces
    /// the old, which is archived.
    Import {
        file: PathBuf,
        /// ciso-assistant (the only format so far).
        #[arg(long)]
        format: Option<String>,
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
    /// The matrices with their name and numbers of likelihood, impact and risk levels.
    List(JsonArg),
    /// One matrix: its levels and its grid.
    Show {
        code: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// company, site, department, person, security_staff, business_relationship,
    /// artifact_version, user, grant, group.
    pub kind: String,
    pub id: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SecurityEventsArgs {
    #[arg(long, default_value_t = 50)]
    pub limit: i64,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// A head printed earlier (SEQ:HEX): also detects rows cut off the end since then.
    #[arg(long)]
    pub expect_head: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum QuantCommand {
    /// Run a model (JSON, docs/formats.md) and print the result as JSON. Needs no store.
    Run {
        model: PathBuf,
        /// Trials (years simulated); the model's, or 100,000, when left out.
        #[arg(long)]
        trials: Option<u64>,
        /// The generator's seed; the same seed gives the same numbers on any thread count.
        #[arg(long)]
        seed: Option<u64>,
        /// Threads to use (0: one per core).
        #[arg(long, default_value_t = 0)]
        threads: usize,
    },
}
