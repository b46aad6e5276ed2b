-- Issue 16: an ETR is bound to one case, so submitting one asks whether another case already
-- holds a bundle with the same digest (store/cases.rs, `submit_etr`). Without this index that
-- question read the whole products table on every submission: at 37,000 certificates, 51 MB
-- read per ETR, and the scale fill slowing as N grew (docs/notes/scale.md, session 12).
CREATE INDEX products_by_etr ON products (etr_sha256);
