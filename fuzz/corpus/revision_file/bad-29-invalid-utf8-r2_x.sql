-- metamigrate:revision
-- revision: r2
-- down_revision: r1

-- metamigrate:upgrade
INSERT INTO bad_first VALUES (1); -- café
-- metamigrate:downgrade
