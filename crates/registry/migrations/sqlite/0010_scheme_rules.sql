-- Issue 10 (review findings F21, F22): the scheme's rules at certification.
-- Settings of the scheme that its administrator changes (the draft-PP rule: `cb-approval`, the
-- default when no row exists, or `refuse`), with who changed them last; every change is audited.
CREATE TABLE scheme_rules (
    name        TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL
);
-- A certifier's approval of a case's draft-PP claims (JSON: claims, reason, approved_by,
-- approved_at, st_sha256); bound to the ST it was given for, cleared when the ST is resubmitted.
ALTER TABLE products ADD COLUMN draft_pp_approval TEXT;
