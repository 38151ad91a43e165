-- trips: a select policy the planner can answer from indexes.
--
-- The first version, `user_id = (select auth.uid()) or private.has_trip_access(id)`, calls the
-- SECURITY DEFINER helper once for every trip the caller does not own: listing one user's trips
-- scanned the whole table and ran the helper per row (RLS quals run before the query's own).
-- Same rows, written as "owned, or among the trips I collaborate on": both arms are index
-- conditions (trips_user_id_idx; the primary key with `= any(array)`), and the collaborator ids are
-- read once per statement through trip_collaborators_user_id_idx. No recursion: the
-- trip_collaborators policy reaches trips only through SECURITY DEFINER helpers.

drop policy trips_select_member on public.trips;

create policy trips_select_member on public.trips
  for select to authenticated
  using (
    user_id = (select auth.uid())
    or id = any (array(
      select c.trip_id from public.trip_collaborators as c where c.user_id = (select auth.uid())
    ))
  );
