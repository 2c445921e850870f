-- Role D, continued: which items bind each company (applicability agreements), advice to
-- departments with its follow-ups, and the watch list of laws, guidelines and technology.

-- A company's applicability agreement: the company-mandatory (b) items that bind it and the
-- recommended (c) items it adopts, against one approved version of the standard. The newest
-- approved agreement is in force; the one it replaced is marked superseded and stays.
CREATE TABLE applicability_agreements (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES groups(id),
    company_id TEXT NOT NULL,
    standard_version_id TEXT NOT NULL,
    note TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    superseded_at TEXT,
    UNIQUE (group_id, id),
    FOREIGN KEY (group_id, company_id) REFERENCES companies(group_id, id)
);

CREATE TABLE applicability_items (
    agreement_id TEXT NOT NULL,
    group_id TEXT NOT NULL,
    item_code TEXT NOT NULL,
    choice TEXT NOT NULL CHECK (choice IN ('mandatory', 'adopted')),
    PRIMARY KEY (agreement_id, item_code),
    FOREIGN KEY (group_id, agreement_id) REFERENCES applicability_agreements(group_id, id)
);

-- Advice to a department: its request (new business, new IT service, business plan) with the
-- documents it came with, the advice given, and the items and risks it touches (JSON arrays).
CREATE TABLE advice (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES groups(id),
    company_id TEXT NOT NULL,
    department_id TEXT NOT NULL,
    request_kind TEXT NOT NULL CHECK (request_kind IN ('new_business', 'new_it_service', 'business_plan', 'other')),
    title TEXT NOT NULL,
    request TEXT NOT NULL,
    documents TEXT NOT NULL,
    requested_on TEXT NOT NULL,
    advice TEXT NOT NULL,
    advised_on TEXT,
    items TEXT NOT NULL,
    risks TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    archived_at TEXT,
    UNIQUE (group_id, id),
    FOREIGN KEY (group_id, company_id) REFERENCES companies(group_id, id),
    FOREIGN KEY (group_id, department_id) REFERENCES departments(group_id, id)
);

CREATE TABLE advice_follow_ups (
    advice_id TEXT NOT NULL,
    group_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    what TEXT NOT NULL,
    owner TEXT NOT NULL,
    due_on TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'done', 'dropped')),
    note TEXT NOT NULL,
    PRIMARY KEY (advice_id, position),
    FOREIGN KEY (group_id, advice_id) REFERENCES advice(group_id, id)
);

-- The watch list: a law, guideline or technology change, where it was read, its impact on
-- the standard's items (JSON array of codes), and the revision of the standard it became.
CREATE TABLE watch_entries (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES groups(id),
    kind TEXT NOT NULL CHECK (kind IN ('law', 'guideline', 'technology')),
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    published_on TEXT NOT NULL,
    summary TEXT NOT NULL,
    impact TEXT NOT NULL,
    items TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'no_change', 'revision')),
    -- Why no change is needed, or what the revision is to do.
    decision_note TEXT NOT NULL,
    revision_version_id TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    archived_at TEXT
);
