-- metamigrate:revision
-- revision: r1
-- down_revision:

-- metamigrate:upgrade
SELECT 1;
-- metamigrate:downgrade
