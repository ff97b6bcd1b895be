-- metamigrate:revision
-- revision: r2
-- down_revision: r1
-- branch_labels: main

-- metamigrate:upgrade
SELECT 1;
-- metamigrate:downgrade
