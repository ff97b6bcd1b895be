-- metamigrate:revision
-- revision: r2
-- down_revision: r1

DROP TABLE bad_first;
-- metamigrate:upgrade
SELECT 1;
-- metamigrate:downgrade
