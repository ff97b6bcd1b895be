-- metamigrate:revision
-- revision: r2
-- down_revision: r1
-- depends_on: r7

-- metamigrate:upgrade
SELECT 1;
-- metamigrate:downgrade
