-- Roles are cluster-wide: remove the ones this suite created. Dropping the
-- extension first also removes its deletion-protection event trigger.
DROP EXTENSION metamigrate CASCADE;
DROP OWNED BY mm_member, mm_outsider, mm_app_owner, mm_sdk_owner, mm_hard_owner;
DROP ROLE mm_member;
DROP ROLE mm_outsider;
DROP ROLE mm_app_owner;
DROP ROLE mm_sdk_owner;
DROP ROLE mm_hard_owner;
SELECT count(*) AS leftover_roles FROM pg_roles
 WHERE rolname IN ('mm_member', 'mm_outsider', 'mm_app_owner', 'mm_sdk_owner', 'mm_hard_owner') OR rolname LIKE 'mm\_tmp\_cred\_%';
