-- Hardening found by the pgTAP review of the foundation schema.

-- 1. A deleted api_keys row (directly, or by cascade when the user is deleted) must not leave its
--    Vault secret behind: the secret would still decrypt with nobody able to reach or remove it.
create function private.delete_api_key_secret()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  delete from vault.secrets s where s.name = old.vault_secret_name;
  return old;
end;
$$;

comment on function private.delete_api_key_secret() is
  'Removes the Vault secret of a deleted api_keys row, including rows deleted by the auth.users cascade.';

revoke execute on function private.delete_api_key_secret() from public, anon, authenticated;

create trigger api_keys_delete_secret
  after delete on public.api_keys
  for each row execute function private.delete_api_key_secret();

-- 2. Users only read api_keys; every write goes through the service-role RPCs. Without write
--    policies the grants were inert, but defence in depth keeps them off.
revoke insert, update, delete on public.api_keys from authenticated;

-- 3. A tool call may only reference a message of its own session: otherwise a session owner could
--    probe for (and tie their rows to) another user's message by UUID.
alter table public.chat_messages
  add constraint chat_messages_id_session_id_key unique (id, session_id);

alter table public.chat_tool_calls
  drop constraint chat_tool_calls_message_id_fkey;

alter table public.chat_tool_calls
  add constraint chat_tool_calls_message_id_session_id_fkey
  foreign key (message_id, session_id) references public.chat_messages (id, session_id) on delete cascade;

drop index if exists public.chat_tool_calls_message_id_idx;
create index chat_tool_calls_message_id_session_id_idx on public.chat_tool_calls (message_id, session_id);
