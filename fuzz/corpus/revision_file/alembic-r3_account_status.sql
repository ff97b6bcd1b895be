-- metamigrate:revision
-- revision: r3
-- down_revision: m1
-- branch_labels:
-- depends_on:
-- message: account status
-- create_date: 2026-11-23T10:00:00Z
-- transactional: true

-- metamigrate:upgrade
ALTER TABLE ia_account ADD COLUMN status varchar(16) NOT NULL DEFAULT 'active';

-- metamigrate:downgrade
ALTER TABLE ia_account DROP COLUMN status;
