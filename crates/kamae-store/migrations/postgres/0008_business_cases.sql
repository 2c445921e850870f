-- Role C: a business case is a version of the investment_plan artifact at the scope of the
-- risk assessment whose scenarios it weighs. The case (plan, discount rate, options) is
-- kept as written (JSON); the outcome is what the engine worked out when it was saved, so
-- the figures approved are the figures shown.
CREATE TABLE business_cases (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES groups(id),
    assessment_id TEXT NOT NULL,
    case_json TEXT NOT NULL,
    outcome TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (group_id, id),
    FOREIGN KEY (group_id, assessment_id) REFERENCES risk_assessments(group_id, id)
);
