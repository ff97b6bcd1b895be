-- Roles are cluster-wide: remove the ones this suite created.
DROP OWNED BY mm_member, mm_outsider, mm_app_owner;
DROP ROLE mm_member;
DROP ROLE mm_outsider;
DROP ROLE mm_app_owner;
