-- metamigrate:revision
-- revision: q1
-- down_revision:

-- metamigrate:upgrade
SELECT 1;
-- metamigrate:downgrade
