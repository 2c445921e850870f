-- The web workbench: second factor, the MFA policy per group, idle expiry of sessions, and
-- an index for counting recent sign-in failures in the audit trail.

ALTER TABLE users ADD COLUMN totp_secret TEXT;
-- The last accepted time step: a code is accepted once.
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
ALTER TABLE users ADD COLUMN totp_enabled_at TIMESTAMPTZ;

CREATE TABLE recovery_codes (
    id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES groups(id),
    user_id TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    used_at TIMESTAMPTZ,
    FOREIGN KEY (group_id, user_id) REFERENCES users(group_id, id)
);
CREATE INDEX recovery_codes_user ON recovery_codes(user_id);

-- Roles (and 'administrator') whose users must use a second factor, comma-separated.
ALTER TABLE groups ADD COLUMN mfa_required_roles TEXT NOT NULL DEFAULT 'executive,ciso,administrator';

ALTER TABLE sessions ADD COLUMN last_seen_at TIMESTAMPTZ;
-- Signed in with the password, waiting for the second factor.
ALTER TABLE sessions ADD COLUMN mfa_pending BOOLEAN NOT NULL DEFAULT FALSE;

CREATE INDEX audit_log_action_at ON audit_log(action, at);
