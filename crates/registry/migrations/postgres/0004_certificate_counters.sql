-- Issue 12: certificate numbers come from a counter row per year, incremented in the issuing
-- transaction (the row lock serialises concurrent issuers on PostgreSQL), not from COUNT(*)+1,
-- which two concurrent transactions read alike and so collide. Existing certificates seed it.
CREATE TABLE certificate_counters (
    year  BIGINT PRIMARY KEY,
    last  BIGINT NOT NULL
);
INSERT INTO certificate_counters (year, last)
SELECT CAST(substr(certificate_id, 7, 4) AS BIGINT), MAX(CAST(substr(certificate_id, 12) AS BIGINT))
FROM certificates
WHERE certificate_id LIKE 'DTSEC-____-%'
GROUP BY CAST(substr(certificate_id, 7, 4) AS BIGINT);
