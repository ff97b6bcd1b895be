-- metamigrate:revision
-- revision: r2
-- down_revision: r1

-- metamigrate:upgrade


-- metamigrate:downgrade
SELECT 1;
