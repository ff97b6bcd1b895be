-- metamigrate:revision
-- revision: r2
-- down_revision: r1

-- metamigrate:upgrade
SELECT 1;
-- metamigrate:downgrade
-- metamigrate:upgrade
