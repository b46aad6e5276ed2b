-- Issue 16: the device list is read in pages by its sort key (certification date, newest first,
-- then certificate id); this index serves each page without sorting the whole table.
CREATE INDEX certificates_by_date ON certificates(certification_date DESC, certificate_id);
