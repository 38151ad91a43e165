-- BYOK: public.api_keys (users read their own metadata rows, write nothing), Supabase Vault (no API
-- role reads secrets), and the service-only RPCs in `private` (act only on the given user and
-- service, one secret per pair, rotation in place, delete removes row and secret, ciphertext at
-- rest, 42501 for everybody but service_role).
begin;
select plan(52);

select tests.create_supabase_user('key_alice');
select tests.create_supabase_user('key_bob');

-- ---------------------------------------------------------------------------------------------
-- RPCs as service_role
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as_service_role();

select isnt(private.insert_user_api_key(tests.get_supabase_uid('key_alice'), 'openai', 'sk-alice-openai-ONE'), null,
  'rpc: insert_user_api_key stores alice''s openai key and returns the row id');
select isnt(private.insert_user_api_key(tests.get_supabase_uid('key_alice'), 'anthropic', 'sk-alice-anthropic'), null,
  'rpc: insert_user_api_key stores alice''s anthropic key');
select isnt(private.insert_user_api_key(tests.get_supabase_uid('key_bob'), 'openai', 'sk-bob-openai'), null,
  'rpc: insert_user_api_key stores bob''s openai key');

select is(private.get_user_api_key(tests.get_supabase_uid('key_alice'), 'openai'), 'sk-alice-openai-ONE',
  'rpc: get_user_api_key returns alice''s openai key');
select is(private.get_user_api_key(tests.get_supabase_uid('key_bob'), 'openai'), 'sk-bob-openai',
  'rpc: get_user_api_key returns bob''s own key for the same service');
select is(private.get_user_api_key(tests.get_supabase_uid('key_alice'), 'mistral'), null,
  'rpc: get_user_api_key returns null for a service without a key');

select lives_ok($$select private.touch_user_api_key(tests.get_supabase_uid('key_alice'), 'openai')$$,
  'rpc: touch_user_api_key runs');

-- rotate: same (user, service) again
select is(
  private.insert_user_api_key(tests.get_supabase_uid('key_alice'), 'openai', 'sk-alice-openai-TWO'),
  (select k.id from public.api_keys k where k.user_id = tests.get_supabase_uid('key_alice') and k.service = 'openai'),
  'rpc: setting the key again upserts the same api_keys row');
select is(private.get_user_api_key(tests.get_supabase_uid('key_alice'), 'openai'), 'sk-alice-openai-TWO',
  'rpc: the rotated key is returned');
select is(private.get_user_api_key(tests.get_supabase_uid('key_bob'), 'openai'), 'sk-bob-openai',
  'rpc: rotating alice''s key leaves bob''s key untouched');
select is(private.get_user_api_key(tests.get_supabase_uid('key_alice'), 'anthropic'), 'sk-alice-anthropic',
  'rpc: rotating alice''s openai key leaves her anthropic key untouched');

select is(private.get_user_api_key(tests.get_supabase_uid('key_alice'), ' OpenAI '), 'sk-alice-openai-TWO',
  'rpc: the service name is normalised (trimmed, lower case)');
select throws_ok($$select private.insert_user_api_key(tests.get_supabase_uid('key_alice'), '../bob', 'x')$$,
  '22023', null, 'rpc: an invalid service name is refused');
select throws_ok($$select private.insert_user_api_key(tests.get_supabase_uid('key_alice'), 'google', '  ')$$,
  '22023', null, 'rpc: an empty key is refused');

-- state as the owner of the schema (the superuser) sees it
reset role;
select is(
  (select count(*)::int from vault.secrets s
    where s.name = 'api_key:' || tests.get_supabase_uid('key_alice')::text || ':openai'),
  1, 'vault: repeated set leaves exactly one secret for (alice, openai)');
select is(
  (select count(*)::int from public.api_keys k
    where k.user_id = tests.get_supabase_uid('key_alice') and k.service = 'openai'),
  1, 'api_keys: exactly one row for (alice, openai)');
select is(
  (select k.vault_secret_name from public.api_keys k
    where k.user_id = tests.get_supabase_uid('key_alice') and k.service = 'openai'),
  'api_key:' || tests.get_supabase_uid('key_alice')::text || ':openai',
  'api_keys: the secret name is api_key:{user_id}:{service}');
select is(
  (select count(*)::int from vault.secrets s
    where s.secret like '%sk-alice%' or s.secret like '%sk-bob%'),
  0, 'vault: no stored ciphertext contains a plaintext key');
select is(
  (select count(*)::int from public.api_keys k where k::text like '%sk-alice%' or k::text like '%sk-bob%'),
  0, 'api_keys: the metadata rows never contain a key');
select is(
  (select k.last_used from public.api_keys k
    where k.user_id = tests.get_supabase_uid('key_alice') and k.service = 'openai'),
  null, 'rpc: rotating a key resets last_used');

select tests.authenticate_as_service_role();
select private.touch_user_api_key(tests.get_supabase_uid('key_bob'), 'openai');
select isnt(
  (select k.last_used from public.api_keys k
    where k.user_id = tests.get_supabase_uid('key_bob') and k.service = 'openai'),
  null, 'rpc: touch_user_api_key sets last_used');

-- ---------------------------------------------------------------------------------------------
-- api_keys table: users read their own rows and write nothing
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('key_alice');
select set_eq($$select service from public.api_keys$$, array['anthropic', 'openai'],
  'select: alice lists exactly her own key metadata');
select throws_ok($$insert into public.api_keys (user_id, service, vault_secret_name)
  values (tests.get_supabase_uid('key_alice'), 'google', 'api_key:' || tests.get_supabase_uid('key_alice')::text || ':google')$$,
  '42501', null, 'insert: a user cannot write api_keys rows directly');
select is_empty($$update public.api_keys set last_used = now() returning 1$$,
  'update: a user cannot update api_keys rows directly');
select is_empty($$delete from public.api_keys returning 1$$,
  'delete: a user cannot delete api_keys rows directly');

select tests.authenticate_as('key_bob');
select set_eq($$select service from public.api_keys$$, array['openai'],
  'select: bob lists only his own key metadata');
select throws_ok($$insert into public.api_keys (user_id, service, vault_secret_name)
  values (tests.get_supabase_uid('key_alice'), 'google', 'api_key:' || tests.get_supabase_uid('key_alice')::text || ':google')$$,
  '42501', null, 'insert: another user cannot write a row naming alice');
select is_empty($$update public.api_keys set last_used = now() where user_id = tests.get_supabase_uid('key_alice') returning 1$$,
  'update: another user updates none of alice''s rows');
select is_empty($$delete from public.api_keys where user_id = tests.get_supabase_uid('key_alice') returning 1$$,
  'delete: another user deletes none of alice''s rows');

select tests.clear_authentication();
select throws_ok($$select 1 from public.api_keys$$, '42501', null, 'select: anon has no privilege on api_keys');
select throws_ok($$delete from public.api_keys$$, '42501', null, 'delete: anon has no privilege on api_keys');

select tests.authenticate_as_service_role();
select results_eq($$select count(*)::int from public.api_keys
  where user_id in (tests.get_supabase_uid('key_alice'), tests.get_supabase_uid('key_bob'))$$,
  array[3], 'select: service_role sees every key''s metadata');

-- ---------------------------------------------------------------------------------------------
-- Vault is out of reach of the API roles
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('key_alice');
select throws_ok($$select * from vault.secrets$$, '42501', null, 'vault: authenticated cannot read vault.secrets');
select throws_ok($$select * from vault.decrypted_secrets$$, '42501', null,
  'vault: authenticated cannot read vault.decrypted_secrets');
select throws_ok($$select vault.create_secret('x', 'mine')$$, '42501', null,
  'vault: authenticated cannot create secrets');

select tests.clear_authentication();
select throws_ok($$select * from vault.secrets$$, '42501', null, 'vault: anon cannot read vault.secrets');
select throws_ok($$select * from vault.decrypted_secrets$$, '42501', null,
  'vault: anon cannot read vault.decrypted_secrets');

-- ---------------------------------------------------------------------------------------------
-- The RPCs refuse everybody but service_role
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as('key_bob');
select throws_ok($$select private.get_user_api_key(tests.get_supabase_uid('key_alice'), 'openai')$$,
  '42501', null, 'rpc: authenticated cannot read another user''s key');
select throws_ok($$select private.get_user_api_key(tests.get_supabase_uid('key_bob'), 'openai')$$,
  '42501', null, 'rpc: authenticated cannot read even their own key');
select throws_ok($$select private.insert_user_api_key(tests.get_supabase_uid('key_alice'), 'openai', 'sk-hijack')$$,
  '42501', null, 'rpc: authenticated cannot overwrite a key');
select throws_ok($$select private.delete_user_api_key(tests.get_supabase_uid('key_alice'), 'openai')$$,
  '42501', null, 'rpc: authenticated cannot delete a key');
select throws_ok($$select private.touch_user_api_key(tests.get_supabase_uid('key_alice'), 'openai')$$,
  '42501', null, 'rpc: authenticated cannot touch a key');
select throws_ok($$select private.check_vault_health()$$, '42501', null,
  'rpc: authenticated cannot run the vault health probe');

select tests.clear_authentication();
select throws_ok($$select private.get_user_api_key(tests.get_supabase_uid('key_alice'), 'openai')$$,
  '42501', null, 'rpc: anon cannot read a key');

-- a privileged database role is still refused when the request's JWT role is not service_role
reset role;
select set_config('request.jwt.claims',
  json_build_object('role', 'authenticated', 'sub', tests.get_supabase_uid('key_alice'))::text, true);
select throws_ok($$select private.get_user_api_key(tests.get_supabase_uid('key_alice'), 'openai')$$,
  '42501', null, 'rpc: the body refuses a caller whose JWT role is authenticated, even with EXECUTE');

-- ---------------------------------------------------------------------------------------------
-- delete and health, as service_role
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select is(private.delete_user_api_key(tests.get_supabase_uid('key_alice'), 'openai'), true,
  'rpc: delete_user_api_key removes alice''s openai key');
select is(private.delete_user_api_key(tests.get_supabase_uid('key_alice'), 'openai'), false,
  'rpc: deleting it again reports that nothing was there');
select is(private.get_user_api_key(tests.get_supabase_uid('key_alice'), 'openai'), null,
  'rpc: a deleted key reads as null');
select is(private.check_vault_health(), true, 'rpc: check_vault_health round-trips a probe secret');

reset role;
select is(
  (select count(*)::int from vault.secrets s
    where s.name = 'api_key:' || tests.get_supabase_uid('key_alice')::text || ':openai'),
  0, 'vault: deleting the key removed its secret');
select results_eq(
  $$select k.service from public.api_keys k
     where k.user_id in (tests.get_supabase_uid('key_alice'), tests.get_supabase_uid('key_bob'))
     order by k.service$$,
  array['anthropic', 'openai'], 'api_keys: alice''s anthropic and bob''s openai rows remain');
select is(
  (select count(*)::int from vault.secrets s where s.name like 'health_probe:%'),
  0, 'vault: the health probe leaves no secret behind');

select * from finish();
rollback;
