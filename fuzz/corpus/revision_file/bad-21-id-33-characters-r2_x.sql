-- metamigrate:revision
-- revision: r2_abcdefghijklmnopqrstuvwxyz_1234
-- down_revision: r1

-- metamigrate:upgrade
SELECT 1;
-- metamigrate:downgrade
