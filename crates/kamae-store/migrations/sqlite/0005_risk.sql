-- Role E: risk matrices imported from CISO Assistant libraries (kamae's own 5 × 5 is built
-- in and not stored). A matrix is kept whole as JSON: levels in both languages, colours and
-- the grid, exactly as read and checked. A newer import under the same code archives the old.
CREATE TABLE risk_matrices (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES groups(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    archived_at TEXT
);

CREATE INDEX risk_matrices_by_code ON risk_matrices (group_id, code);

-- A risk assessment is a version of the risk_assessment artifact (the group's, or one
-- company's): approval, history and staleness are the artifact's. This row adds what the
-- register needs: the fiscal year, the criteria rated against (JSON, with a copy of the
-- matrix), what it covers (JSON: companies, sites, departments, systems), and the
-- assessment it was copied from.
CREATE TABLE risk_assessments (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES groups(id),
    fiscal_year INTEGER NOT NULL,
    criteria TEXT NOT NULL,
    coverage TEXT NOT NULL,
    copied_from TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (group_id, id)
);

-- The register: one row per risk of an assessment. Ratings are JSON (on the matrix's axes,
-- or by the asset method); links to standard items, exceptions and advice are JSON arrays.
-- A risk copied from last year's assessment is to be confirmed until someone confirms it.
CREATE TABLE risks (
    assessment_id TEXT NOT NULL,
    group_id TEXT NOT NULL,
    code TEXT NOT NULL,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    event TEXT NOT NULL,
    causes TEXT NOT NULL,
    consequences TEXT NOT NULL,
    assets TEXT NOT NULL,
    owner TEXT NOT NULL,
    inherent TEXT,
    inherent_rationale TEXT NOT NULL,
    residual TEXT,
    residual_rationale TEXT NOT NULL,
    items TEXT NOT NULL,
    exceptions TEXT NOT NULL,
    advice TEXT NOT NULL,
    to_confirm INTEGER NOT NULL,
    archived_at TEXT,
    PRIMARY KEY (assessment_id, code),
    FOREIGN KEY (group_id, assessment_id) REFERENCES risk_assessments(group_id, id)
);

-- A risk treatment plan is a version of the risk_treatment_plan artifact at the scope of the
-- approved assessment it treats. After the cycle, its review says what worked and what
-- carries over to next year.
CREATE TABLE risk_treatment_plans (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES groups(id),
    assessment_id TEXT NOT NULL,
    review_worked TEXT NOT NULL,
    review_carry_over TEXT NOT NULL,
    reviewed_by TEXT,
    reviewed_at TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (group_id, id),
    FOREIGN KEY (group_id, assessment_id) REFERENCES risk_assessments(group_id, id)
);

-- How each risk needing treatment is treated, and the actions with their progress.
CREATE TABLE risk_treatments (
    plan_id TEXT NOT NULL,
    group_id TEXT NOT NULL,
    risk_code TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('reduce', 'retain', 'avoid', 'transfer')),
    note TEXT NOT NULL,
    accepted_by TEXT NOT NULL,
    PRIMARY KEY (plan_id, risk_code),
    FOREIGN KEY (group_id, plan_id) REFERENCES risk_treatment_plans(group_id, id)
);

CREATE TABLE treatment_actions (
    plan_id TEXT NOT NULL,
    group_id TEXT NOT NULL,
    risk_code TEXT NOT NULL,
    position INTEGER NOT NULL,
    what TEXT NOT NULL,
    owner TEXT NOT NULL,
    due_on TEXT NOT NULL,
    cost_yen INTEGER,
    status TEXT NOT NULL CHECK (status IN ('open', 'done', 'dropped')),
    done_on TEXT,
    note TEXT NOT NULL,
    PRIMARY KEY (plan_id, risk_code, position),
    FOREIGN KEY (group_id, plan_id) REFERENCES risk_treatment_plans(group_id, id)
);

-- The information-asset inventory: information and systems per company (and department),
-- with owner, classification, C/I/A values (1–3), where they live, and the business
-- operations that depend on them (JSON array). Ids are unique in the group.
CREATE TABLE information_assets (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES groups(id),
    code TEXT NOT NULL,
    company_id TEXT NOT NULL,
    department_id TEXT,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('information', 'system', 'service', 'device')),
    owner TEXT NOT NULL,
    classification TEXT NOT NULL,
    confidentiality INTEGER NOT NULL,
    integrity INTEGER NOT NULL,
    availability INTEGER NOT NULL,
    location TEXT NOT NULL,
    operations TEXT NOT NULL,
    note TEXT NOT NULL,
    created_at TEXT NOT NULL,
    archived_at TEXT,
    UNIQUE (group_id, code),
    FOREIGN KEY (group_id, company_id) REFERENCES companies(group_id, id)
);
