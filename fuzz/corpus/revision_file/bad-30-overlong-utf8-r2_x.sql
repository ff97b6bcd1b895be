-- metamigrate:revision
-- revision: r2
-- down_revision: r1
-- message: À¯

-- metamigrate:upgrade
SELECT 1;
-- metamigrate:downgrade
