-- Issue 16: the staff case lists are read in pages by their sort key (created, newest first,
-- then case id), and one record's audit history in pages by `seq`; these indexes serve each
-- page without sorting the whole table.
CREATE INDEX products_by_created ON products(created_at DESC, id);
CREATE INDEX audit_by_entity_seq ON audit(entity, entity_id, seq);
