-- metamigrate:revision
-- revision: a1
-- down_revision: r2
-- branch_labels: branch_a
-- depends_on:
-- message: create invoice
-- create_date: 2026-11-23T10:00:00Z
-- transactional: true

-- metamigrate:upgrade
CREATE TABLE ia_invoice (
    id       bigint PRIMARY KEY,
    order_id bigint NOT NULL REFERENCES ia_order (id),
    amount   numeric(12,2) NOT NULL
);

-- metamigrate:downgrade
DROP TABLE ia_invoice;
