-- metamigrate:revision
-- revision: m1
-- down_revision: a2, b2
-- branch_labels:
-- depends_on:
-- message: merge invoice and shipment branches
-- create_date: 2026-11-23T10:00:00Z
-- transactional: true

-- metamigrate:upgrade
CREATE VIEW ia_order_status AS
    SELECT o.id, bool_and(i.paid) AS paid, count(s.id) AS shipments
      FROM ia_order o
      LEFT JOIN ia_invoice i ON i.order_id = o.id
      LEFT JOIN ia_shipment s ON s.order_id = o.id
     GROUP BY o.id;

-- metamigrate:downgrade
DROP VIEW ia_order_status;
