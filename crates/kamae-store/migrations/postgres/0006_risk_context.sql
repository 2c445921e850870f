-- Role E, step 1: the organisation's context. Each factor (outside: politics, economy, law,
-- finance, technology, market, stakeholders; inside: organisation, policy and strategy,
-- culture, information systems) is the group's or one company's, with its source and date.
-- Archived factors stay, so that an assessment that cited one can still show it.
CREATE TABLE risk_context_factors (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES groups(id),
    company_id TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('politics', 'economy', 'law', 'finance', 'technology',
        'market', 'stakeholders', 'organisation', 'policy_strategy', 'culture',
        'information_systems')),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    source TEXT NOT NULL,
    noted_on DATE NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    archived_at TIMESTAMPTZ,
    FOREIGN KEY (group_id, company_id) REFERENCES companies(group_id, id)
);

-- Which factors an assessment cites (the context it was rated in). Copied with the
-- assessment to next year's.
CREATE TABLE risk_assessment_context (
    group_id TEXT NOT NULL,
    assessment_id TEXT NOT NULL,
    factor_id TEXT NOT NULL REFERENCES risk_context_factors(id),
    PRIMARY KEY (assessment_id, factor_id),
    FOREIGN KEY (group_id, assessment_id) REFERENCES risk_assessments(group_id, id)
);
