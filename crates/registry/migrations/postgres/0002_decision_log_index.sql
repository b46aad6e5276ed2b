-- Issue 6: the position of each published decision in the transparency log (DATA_DIR/log/).
-- decision_log is the outbox; a row here says "sequenced into the Merkle log at log_index".
-- Rows are added by the publisher after commit, in seq order, so log_index = 0, 1, 2, ...
CREATE TABLE decision_log_index (
    seq        BIGINT PRIMARY KEY REFERENCES decision_log(seq),
    log_index  BIGINT NOT NULL UNIQUE
);
