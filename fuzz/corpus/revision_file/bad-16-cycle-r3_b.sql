-- metamigrate:revision
-- revision: r3
-- down_revision: r2

-- metamigrate:upgrade
SELECT 1;
-- metamigrate:downgrade
