-- Role D: the group's standard as structured items attached to the versions of its
-- artifact (measures and rules). A version's items never change once it is submitted; a
-- new version carries its own full set.

CREATE TABLE standard_versions (
    version_id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES groups(id),
    reason TEXT NOT NULL,
    change_log TEXT NOT NULL,
    next_review_on TEXT,
    FOREIGN KEY (group_id, version_id) REFERENCES artifact_versions(group_id, id)
);

CREATE TABLE standard_items (
    group_id TEXT NOT NULL REFERENCES groups(id),
    version_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    requirement TEXT NOT NULL,
    criterion_text TEXT NOT NULL,
    criterion_value TEXT,
    criterion_unit TEXT,
    rationale TEXT NOT NULL,
    check_method TEXT NOT NULL,
    alternative TEXT,
    category TEXT NOT NULL,
    tier TEXT NOT NULL CHECK (tier IN ('group_mandatory', 'company_mandatory', 'recommended')),
    applicability TEXT,
    -- JSON arrays of product options and framework mappings.
    options TEXT NOT NULL,
    mappings TEXT NOT NULL,
    PRIMARY KEY (version_id, code),
    FOREIGN KEY (group_id, version_id) REFERENCES artifact_versions(group_id, id)
);

-- Reference frameworks (OSCAL catalogs, CISO Assistant libraries) as imported. A new
-- import of the same code archives the framework it replaces; its nodes stay.
CREATE TABLE reference_frameworks (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES groups(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('oscal', 'ciso_assistant')),
    content_hash TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    archived_at TEXT
);
CREATE UNIQUE INDEX reference_frameworks_code ON reference_frameworks(group_id, code) WHERE archived_at IS NULL;

CREATE TABLE reference_nodes (
    framework_id TEXT NOT NULL REFERENCES reference_frameworks(id),
    group_id TEXT NOT NULL REFERENCES groups(id),
    position INTEGER NOT NULL,
    node_id TEXT NOT NULL,
    ref_id TEXT NOT NULL,
    parent_id TEXT,
    depth INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('group', 'control', 'enhancement', 'requirement')),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    assessable INTEGER NOT NULL,
    PRIMARY KEY (framework_id, node_id)
);

-- The glossary: terms of the standard explained for non-experts. A changed explanation is
-- an update (its history in the audit trail); a term no longer used is archived.
CREATE TABLE glossary_terms (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES groups(id),
    term TEXT NOT NULL,
    ja TEXT NOT NULL,
    en_term TEXT NOT NULL,
    en TEXT NOT NULL,
    created_at TEXT NOT NULL,
    archived_at TEXT
);
CREATE UNIQUE INDEX glossary_terms_term ON glossary_terms(group_id, term) WHERE archived_at IS NULL;

-- Exceptions and transitional measures to items of the standard, at a company (and some of
-- its sites). The record is what is approved; the done dates of its milestones are progress,
-- recorded after approval without changing what was approved.
CREATE TABLE exceptions (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES groups(id),
    company_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('exception', 'transitional')),
    title TEXT NOT NULL,
    reason TEXT NOT NULL,
    compensating TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    expires_on TEXT NOT NULL,
    standard_version_id TEXT NOT NULL,
    group_mandatory INTEGER NOT NULL,
    renews TEXT REFERENCES exceptions(id),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    archived_at TEXT,
    UNIQUE (group_id, id),
    FOREIGN KEY (group_id, company_id) REFERENCES companies(group_id, id)
);

CREATE TABLE exception_items (
    exception_id TEXT NOT NULL,
    group_id TEXT NOT NULL,
    item_code TEXT NOT NULL,
    tier TEXT NOT NULL CHECK (tier IN ('group_mandatory', 'company_mandatory')),
    PRIMARY KEY (exception_id, item_code),
    FOREIGN KEY (group_id, exception_id) REFERENCES exceptions(group_id, id)
);

CREATE TABLE exception_sites (
    exception_id TEXT NOT NULL,
    group_id TEXT NOT NULL,
    site_id TEXT NOT NULL,
    PRIMARY KEY (exception_id, site_id),
    FOREIGN KEY (group_id, exception_id) REFERENCES exceptions(group_id, id),
    FOREIGN KEY (group_id, site_id) REFERENCES sites(group_id, id)
);

CREATE TABLE exception_milestones (
    exception_id TEXT NOT NULL,
    group_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    what TEXT NOT NULL,
    owner TEXT NOT NULL,
    due_on TEXT NOT NULL,
    done_on TEXT,
    PRIMARY KEY (exception_id, position),
    FOREIGN KEY (group_id, exception_id) REFERENCES exceptions(group_id, id)
);
