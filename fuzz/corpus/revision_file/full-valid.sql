-- metamigrate:revision
-- revision: m3
-- down_revision: 2.x, 2-y
-- branch_labels: feature
-- depends_on: e1
-- message: merge the feature branch
-- create_date: 2024-05-01 12:00:00
-- transactional: false

-- metamigrate:upgrade
CREATE INDEX CONCURRENTLY account_status ON account (status);
-- a comment inside the SQL

-- metamigrate:downgrade
DROP INDEX CONCURRENTLY account_status;
