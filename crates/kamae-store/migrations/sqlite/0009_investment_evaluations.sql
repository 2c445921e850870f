-- Role C after the fact: an evaluation of an investment's effect is a version of the
-- investment_evaluation artifact made from an approved business case. The record is what
-- happened (the option carried out, the year, actual cost, attacks stopped, incidents and
-- their loss); expected is what the case had said of that option and year, kept as it was.
CREATE TABLE investment_evaluations (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES groups(id),
    case_id TEXT NOT NULL,
    record TEXT NOT NULL,
    expected TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (group_id, id),
    FOREIGN KEY (group_id, case_id) REFERENCES business_cases(group_id, id)
);
