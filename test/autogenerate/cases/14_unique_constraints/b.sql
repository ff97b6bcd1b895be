CREATE TABLE member (id int PRIMARY KEY, email text UNIQUE, org int, handle text,
                     CONSTRAINT member_org_handle UNIQUE NULLS NOT DISTINCT (org, handle) INCLUDE (email));
