-- Collaborators (security review, finding 6): `invited_by` records who added the collaborator and
-- is frozen after insert, like trip_id and user_id. The insert policy already restricts it; the
-- update policy allows admins to change the role, so the guard trigger freezes the column. The one
-- change left is the foreign key's own `on delete set null`, once the inviter's account is gone.

create or replace function private.trip_collaborators_guard() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and (
    new.trip_id is distinct from old.trip_id
    or new.user_id is distinct from old.user_id
    or (
      new.invited_by is distinct from old.invited_by
      and not (new.invited_by is null and not exists (select 1 from auth.users u where u.id = old.invited_by))
    )
  ) then
    raise exception 'trip_collaborators.trip_id, user_id and invited_by cannot be changed'
      using errcode = '42501';
  end if;
  if exists (select 1 from public.trips t where t.id = new.trip_id and t.user_id = new.user_id) then
    raise exception 'the trip owner cannot be added as a collaborator'
      using errcode = '23514';
  end if;
  return new;
end;
$$;

revoke execute on function private.trip_collaborators_guard() from public, anon, authenticated;
