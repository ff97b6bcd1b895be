-- metamigrate:revision
-- revision: a2
-- down_revision: a1
-- branch_labels:
-- depends_on:
-- message: invoice paid flag
-- create_date: 2026-11-23T10:00:00Z
-- transactional: true

-- metamigrate:upgrade
ALTER TABLE ia_invoice ADD COLUMN paid boolean NOT NULL DEFAULT false;

-- metamigrate:downgrade
ALTER TABLE ia_invoice DROP COLUMN paid;
