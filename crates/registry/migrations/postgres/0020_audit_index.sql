-- Issue 16: `audit_by_entity_seq` (entity, entity_id, seq), added by 0015 for the paged
-- history, serves every lookup `audit_by_entity` (entity, entity_id) did, as its prefix; the
-- older index only cost space (about half a kilobyte per certificate) and time on each write.
DROP INDEX audit_by_entity;
