-- metamigrate:revision
-- revision: b1
-- down_revision: r2
-- branch_labels: branch_b
-- depends_on:
-- message: create shipment
-- create_date: 2026-11-23T10:00:00Z
-- transactional: true

-- metamigrate:upgrade
CREATE TABLE ia_shipment (
    id       bigint PRIMARY KEY,
    order_id bigint NOT NULL REFERENCES ia_order (id),
    carrier  varchar(40) NOT NULL
);

-- metamigrate:downgrade
DROP TABLE ia_shipment;
