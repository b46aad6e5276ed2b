-- Issue 16: what the device page derives from a sealed ETR and the ST it seals (the summary,
-- the regulatory coverage, the device in words) is computed once when the lab submits the
-- bundle and kept as one content-addressed blob; its SHA-256 is named here, beside the bundle's
-- row. A row made from now on leaves `summary_json` empty (the summary is in the facts); rows
-- written before keep theirs, and their facts are derived on first read and named here then.
ALTER TABLE etr_summaries ADD COLUMN facts_sha256 TEXT;
