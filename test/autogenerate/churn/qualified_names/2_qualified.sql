CREATE TYPE public.status AS ENUM ('new', 'done');
CREATE TABLE public.parent (id int PRIMARY KEY);
CREATE TABLE public.child (id int PRIMARY KEY, parent_id int REFERENCES public.parent (id), s public.status DEFAULT 'new'::public.status);
CREATE VIEW public.child_view AS SELECT child.id, child.parent_id FROM public.child;
CREATE INDEX child_parent ON public.child USING btree (parent_id ASC);
