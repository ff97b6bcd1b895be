-- metamigrate:revision
-- revision: r2
-- down_revision: r1
-- branch_labels:
-- depends_on:
-- message: create order
-- create_date: 2026-11-23T10:00:00Z
-- transactional: true

-- metamigrate:upgrade
CREATE TABLE ia_order (
    id         bigint PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES ia_account (id),
    total      numeric(12,2) NOT NULL DEFAULT 0
);
CREATE INDEX ia_order_account_idx ON ia_order (account_id);

-- metamigrate:downgrade
DROP TABLE ia_order;
