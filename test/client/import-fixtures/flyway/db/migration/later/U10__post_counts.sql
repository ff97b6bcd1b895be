DROP FUNCTION post_count(integer);
