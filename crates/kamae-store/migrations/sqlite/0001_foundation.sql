-- kamae foundation, SQLite. Ids are text (UUID v7), booleans 0/1, calendar dates TEXT
-- 'YYYY-MM-DD', instants TEXT RFC 3339 UTC. Every table carries its group (the tenant), and
-- composite foreign keys keep a record's references inside its own group.

CREATE TABLE groups (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    fiscal_year_start_month INTEGER NOT NULL CHECK (fiscal_year_start_month BETWEEN 1 AND 12),
    is_demo INTEGER NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE companies (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES groups(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    parent_id TEXT,
    acquired_on TEXT,
    in_reporting_scope INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    archived_at TEXT,
    UNIQUE (group_id, code),
    UNIQUE (group_id, id),
    FOREIGN KEY (group_id, parent_id) REFERENCES companies(group_id, id)
);

CREATE TABLE sites (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES groups(id),
    company_id TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    address TEXT,
    in_reporting_scope INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    archived_at TEXT,
    UNIQUE (group_id, code),
    UNIQUE (group_id, id),
    FOREIGN KEY (group_id, company_id) REFERENCES companies(group_id, id)
);

CREATE TABLE departments (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES groups(id),
    company_id TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    created_at TEXT NOT NULL,
    archived_at TEXT,
    UNIQUE (group_id, code),
    UNIQUE (group_id, id),
    FOREIGN KEY (group_id, company_id) REFERENCES companies(group_id, id)
);

CREATE TABLE people (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES groups(id),
    name TEXT NOT NULL,
    email TEXT,
    position TEXT,
    company_id TEXT NOT NULL,
    department_id TEXT,
    created_at TEXT NOT NULL,
    archived_at TEXT,
    UNIQUE (group_id, id),
    FOREIGN KEY (group_id, company_id) REFERENCES companies(group_id, id),
    FOREIGN KEY (group_id, department_id) REFERENCES departments(group_id, id)
);
CREATE UNIQUE INDEX people_email ON people(company_id, email) WHERE archived_at IS NULL;

CREATE TABLE security_staff (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES groups(id),
    company_id TEXT NOT NULL,
    person_id TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('lead', 'practitioner')),
    created_at TEXT NOT NULL,
    archived_at TEXT,
    FOREIGN KEY (group_id, company_id) REFERENCES companies(group_id, id),
    FOREIGN KEY (group_id, person_id) REFERENCES people(group_id, id)
);
CREATE UNIQUE INDEX security_staff_one_lead ON security_staff(company_id) WHERE role = 'lead' AND archived_at IS NULL;

CREATE TABLE business_relationships (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES groups(id),
    company_a TEXT NOT NULL,
    company_b TEXT NOT NULL,
    weight INTEGER NOT NULL CHECK (weight BETWEEN 1 AND 100),
    note TEXT,
    created_at TEXT NOT NULL,
    archived_at TEXT,
    CHECK (company_a < company_b),
    FOREIGN KEY (group_id, company_a) REFERENCES companies(group_id, id),
    FOREIGN KEY (group_id, company_b) REFERENCES companies(group_id, id)
);
CREATE UNIQUE INDEX business_relationships_pair ON business_relationships(company_a, company_b) WHERE archived_at IS NULL;

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES groups(id),
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT,
    locale TEXT NOT NULL,
    created_at TEXT NOT NULL,
    disabled_at TEXT,
    UNIQUE (group_id, id)
);

CREATE TABLE grants (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES groups(id),
    user_id TEXT NOT NULL,
    role TEXT NOT NULL,
    scope_kind TEXT NOT NULL CHECK (scope_kind IN ('group', 'company', 'site', 'department')),
    scope_id TEXT,
    until TEXT,
    granted_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    needs_confirmation INTEGER NOT NULL,
    confirmed_by TEXT,
    confirmed_at TEXT,
    revoked_by TEXT,
    revoked_at TEXT,
    -- Revoking an administrator waits for a second administrator, like granting one.
    revocation_requested_by TEXT,
    revocation_requested_at TEXT,
    revocation_reason TEXT,
    FOREIGN KEY (group_id, user_id) REFERENCES users(group_id, id)
);
CREATE INDEX grants_user ON grants(user_id);

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES groups(id),
    user_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    ended_at TEXT,
    FOREIGN KEY (group_id, user_id) REFERENCES users(group_id, id)
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES groups(id),
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    ended_at TEXT,
    FOREIGN KEY (group_id, user_id) REFERENCES users(group_id, id)
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE artifact_series (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES groups(id),
    kind TEXT NOT NULL,
    company_id TEXT,
    -- 'group' or the company's id: one series per kind and scope.
    scope_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    archived_at TEXT,
    UNIQUE (group_id, kind, scope_key),
    UNIQUE (group_id, id),
    FOREIGN KEY (group_id, company_id) REFERENCES companies(group_id, id)
);

CREATE TABLE artifact_versions (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES groups(id),
    series_id TEXT NOT NULL,
    number INTEGER NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (series_id, number),
    UNIQUE (group_id, id),
    FOREIGN KEY (group_id, series_id) REFERENCES artifact_series(group_id, id)
);

CREATE TABLE artifact_inputs (
    group_id TEXT NOT NULL REFERENCES groups(id),
    version_id TEXT NOT NULL,
    input_version_id TEXT NOT NULL,
    PRIMARY KEY (version_id, input_version_id),
    FOREIGN KEY (group_id, version_id) REFERENCES artifact_versions(group_id, id),
    FOREIGN KEY (group_id, input_version_id) REFERENCES artifact_versions(group_id, id)
);

-- The approval state of every document version that goes through approval.
CREATE TABLE approvals (
    document_id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES groups(id),
    document_kind TEXT NOT NULL,
    company_id TEXT,
    state TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'approved', 'rejected')),
    content_hash TEXT,
    submitted_by TEXT,
    submitted_at TEXT,
    decided_by TEXT,
    decided_at TEXT,
    decision_reason TEXT,
    updated_at TEXT NOT NULL,
    FOREIGN KEY (group_id, company_id) REFERENCES companies(group_id, id)
);
CREATE INDEX approvals_state ON approvals(group_id, state);

-- The audit trail: one chain for the whole store, append-only.
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    group_id TEXT,
    actor TEXT NOT NULL,
    actor_label TEXT NOT NULL,
    action TEXT NOT NULL,
    record_kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    reason TEXT,
    before TEXT,
    after TEXT,
    security_event INTEGER NOT NULL CHECK (security_event IN (0, 1)),
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_record ON audit_log(record_kind, record_id);
CREATE INDEX audit_log_security ON audit_log(group_id, security_event, seq);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
