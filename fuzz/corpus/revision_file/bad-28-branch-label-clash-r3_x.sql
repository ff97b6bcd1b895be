-- metamigrate:revision
-- revision: r3
-- down_revision: r1
-- message: another branch
-- branch_labels: main

-- metamigrate:upgrade
SELECT 1;
-- metamigrate:downgrade
