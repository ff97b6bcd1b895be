-- metamigrate:revision
-- revision: r2
-- down_revision: r1

-- metamigrate:upgrade
CREATE TABLE bad_bom (id int);

-- metamigrate:downgrade
DROP TABLE bad_bom;
