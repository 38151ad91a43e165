-- Hardening (migration 20261124000800): Vault secrets never outlive their api_keys row, users hold
-- no write privilege on api_keys, and a tool call can only reference a message of its own session.
begin;
select plan(9);

select tests.create_supabase_user('hard_alice');
select tests.create_supabase_user('hard_bob');

-- api_keys privileges: authenticated reads, never writes; anon has nothing.
select table_privs_are('public', 'api_keys', 'authenticated', array['SELECT'],
  'api_keys: authenticated holds only SELECT');
select table_privs_are('public', 'api_keys', 'anon', array[]::text[],
  'api_keys: anon holds nothing');

-- A deleted api_keys row takes its Vault secret with it.
select tests.authenticate_as_service_role();
select private.insert_user_api_key(tests.get_supabase_uid('hard_alice'), 'openai', 'sk-hard-alice');
select private.insert_user_api_key(tests.get_supabase_uid('hard_bob'), 'openai', 'sk-hard-bob');
reset role;
select is((select count(*)::int from vault.secrets where name like 'api_key:%'), 2,
  'vault: one secret per stored key');

delete from public.api_keys where user_id = tests.get_supabase_uid('hard_alice');
select is((select count(*)::int from vault.secrets where name = 'api_key:' || tests.get_supabase_uid('hard_alice')::text || ':openai'), 0,
  'vault: deleting the api_keys row removes its secret');

-- Deleting the user cascades to api_keys, and from there to the secret.
delete from auth.users where id = tests.get_supabase_uid('hard_bob');
select is((select count(*)::int from vault.secrets where name like 'api_key:%'), 0,
  'vault: deleting a user leaves none of their secrets behind');
select is((select count(*)::int from vault.decrypted_secrets where decrypted_secret like 'sk-hard-%'), 0,
  'vault: no deleted key still decrypts');

-- Tool calls reference messages of their own session only.
select tests.create_supabase_user('hard_carol');
select tests.authenticate_as('hard_carol');
insert into public.chat_sessions (id, user_id) values
  ('00000000-0000-4000-8000-00000000c001', tests.get_supabase_uid('hard_carol')),
  ('00000000-0000-4000-8000-00000000c002', tests.get_supabase_uid('hard_carol'));
insert into public.chat_messages (id, session_id, user_id, role, content) values
  ('00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c001', tests.get_supabase_uid('hard_carol'), 'assistant', 'calling a tool');

select lives_ok($$
  insert into public.chat_tool_calls (session_id, message_id, user_id, tool_name)
  values ('00000000-0000-4000-8000-00000000c001', '00000000-0000-4000-8000-00000000d001', tests.get_supabase_uid('hard_carol'), 'search_flights')
$$, 'tool calls: a call may reference a message of its own session');
select throws_ok($$
  insert into public.chat_tool_calls (session_id, message_id, user_id, tool_name)
  values ('00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-00000000d001', tests.get_supabase_uid('hard_carol'), 'search_flights')
$$, '23503', null, 'tool calls: a message of another session is refused (23503)');

reset role;
select has_index('public', 'chat_tool_calls', 'chat_tool_calls_message_id_session_id_idx', array['message_id', 'session_id'],
  'tool calls: the composite foreign key is indexed');

select * from finish();
rollback;
