-- metamigrate:revision
-- revision: r2
-- down_revision: r1
-- revision: r3

-- metamigrate:upgrade
SELECT 1;
-- metamigrate:downgrade
