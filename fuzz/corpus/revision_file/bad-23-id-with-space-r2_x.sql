-- metamigrate:revision
-- revision: r2 b
-- down_revision: r1

-- metamigrate:upgrade
SELECT 1;
-- metamigrate:downgrade
