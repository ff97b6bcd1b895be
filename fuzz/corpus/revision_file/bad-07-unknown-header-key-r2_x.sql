-- metamigrate:revision
-- revision: r2
-- down_revision: r1
-- author: me

-- metamigrate:upgrade
SELECT 1;
-- metamigrate:downgrade
