-- In a subdirectory, and version 10 sorts after 2 (Flyway compares numerically).
CREATE FUNCTION post_count(p_user integer) RETURNS bigint
    LANGUAGE sql STABLE
    AS $$ SELECT count(*) FROM posts WHERE user_id = p_user $$;
