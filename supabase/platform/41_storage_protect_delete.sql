-- Local stand-in for Storage migration 0055 (`storage.protect_delete()`): a DELETE on
-- storage.buckets or storage.objects is refused (42501) unless the transaction set
-- `storage.allow_delete_query` to 'true', as the Storage API does before it deletes; a direct SQL
-- delete would orphan the stored bytes. A file of its own so that embedded databases opened before
-- it existed get it too. Never pushed to Supabase.

create or replace function storage.protect_delete() returns trigger
language plpgsql
as $$
begin
  if coalesce(current_setting('storage.allow_delete_query', true), '') is distinct from 'true' then
    raise exception 'Direct deletion from storage tables is not allowed. Use the Storage API instead.'
      using errcode = '42501', hint = 'Deleting rows here would orphan the stored objects.';
  end if;
  return null;
end;
$$;

drop trigger if exists protect_buckets_delete on storage.buckets;
create trigger protect_buckets_delete before delete on storage.buckets
  for each statement execute function storage.protect_delete();

drop trigger if exists protect_objects_delete on storage.objects;
create trigger protect_objects_delete before delete on storage.objects
  for each statement execute function storage.protect_delete();
