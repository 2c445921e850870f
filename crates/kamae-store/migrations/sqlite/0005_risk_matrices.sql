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
