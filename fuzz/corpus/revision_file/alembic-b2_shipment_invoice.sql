-- metamigrate:revision
-- revision: b2
-- down_revision: b1
-- branch_labels:
-- depends_on: a1
-- message: link shipment to invoice
-- create_date: 2026-11-23T10:00:00Z
-- transactional: true

-- metamigrate:upgrade
ALTER TABLE ia_shipment ADD COLUMN invoice_id bigint REFERENCES ia_invoice (id);

-- metamigrate:downgrade
ALTER TABLE ia_shipment DROP COLUMN invoice_id;
