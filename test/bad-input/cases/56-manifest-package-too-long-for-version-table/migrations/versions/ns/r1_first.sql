-- metamigrate:revision
-- revision: r1
-- down_revision:
-- message: first

-- metamigrate:upgrade
CREATE TABLE bad_first (id int);

-- metamigrate:downgrade
DROP TABLE bad_first;
