-- Issue 12: what the public labs page tells a manufacturer choosing a lab. Each is given in the
-- lab's application (bounded and checked by the registry: `LabProfile`); labs that applied
-- before this migration have none until they apply again.
ALTER TABLE labs ADD COLUMN location TEXT;
ALTER TABLE labs ADD COLUMN scope TEXT;
ALTER TABLE labs ADD COLUMN accreditation TEXT;
ALTER TABLE labs ADD COLUMN contact TEXT;
