-- metamigrate:revision
-- revision: r1
-- down_revision:
-- branch_labels:
-- depends_on:
-- message: create account
-- create_date: 2026-11-23T10:00:00Z
-- transactional: true

-- metamigrate:upgrade
CREATE TABLE ia_account (
    id   bigint PRIMARY KEY,
    name text NOT NULL
);

-- metamigrate:downgrade
DROP TABLE ia_account;
