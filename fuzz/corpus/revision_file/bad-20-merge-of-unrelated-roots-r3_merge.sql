-- metamigrate:revision
-- revision: r3
-- down_revision: r1, q1

-- metamigrate:upgrade
-- metamigrate:downgrade
