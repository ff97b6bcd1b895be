-- metamigrate:revision
-- revision: r2
-- down_revision: r1

-- metamigrate:downgrade
SELECT 1;
-- metamigrate:upgrade
SELECT 1;
