-- metamigrate:revision
-- revision: r2'; DROP TABLE bad_first; --
-- down_revision: r1

-- metamigrate:upgrade
SELECT 1;
-- metamigrate:downgrade
