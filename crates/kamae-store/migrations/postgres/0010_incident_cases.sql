-- Role C: the library of public incidents that estimates cite. Group reference (read by
-- everyone in the group, kept by the CISO office); archived, never deleted, so a citation
-- stays readable. A code is in use once at a time.
CREATE TABLE incident_cases (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES groups(id),
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    sector TEXT NOT NULL,
    size TEXT NOT NULL,
    cause TEXT NOT NULL,
    damage TEXT NOT NULL,
    damage_yen BIGINT,
    people BIGINT,
    source TEXT NOT NULL,
    occurred_on DATE NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    archived_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX incident_cases_code ON incident_cases(group_id, code) WHERE archived_at IS NULL;
