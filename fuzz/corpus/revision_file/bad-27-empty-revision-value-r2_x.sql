-- metamigrate:revision
-- revision:
-- down_revision: r1

-- metamigrate:upgrade
SELECT 1;
-- metamigrate:downgrade
