-- metamigrate:revision
-- revision: r2
-- down_revision: r1
-- transactional: yes

-- metamigrate:upgrade
SELECT 1;
-- metamigrate:downgrade
