-- metamigrate:revision
-- revision: r2

-- metamigrate:upgrade
SELECT 1;
-- metamigrate:downgrade
