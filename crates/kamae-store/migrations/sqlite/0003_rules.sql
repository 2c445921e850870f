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
