-- SECURITY DEFINER hygiene (splinter 0011/0028/0029) and the policy helpers' behaviour.
--
-- Every SECURITY DEFINER function in `public`/`private` pins search_path = '' and is kept out of the
-- exposed `public` schema; the policy helpers are executable by `authenticated` only, the BYOK RPCs
-- by `service_role` only, and nothing in `private` by `anon` or PUBLIC.
begin;
select plan(76);

-- ---------------------------------------------------------------------------------------------
-- catalog-wide checks
-- ---------------------------------------------------------------------------------------------
select is_empty($$
  select p.oid::regprocedure::text
    from pg_catalog.pg_proc p
    join pg_catalog.pg_namespace n on n.oid = p.pronamespace
   where n.nspname in ('public', 'private') and p.prosecdef
     and not coalesce('search_path=""' = any(p.proconfig), false)
     and not exists (select 1 from pg_catalog.pg_depend d where d.classid = 'pg_catalog.pg_proc'::regclass
                       and d.objid = p.oid and d.deptype = 'e')$$,
  'every SECURITY DEFINER function in public and private sets search_path = ''''');

select is_empty($$
  select p.oid::regprocedure::text
    from pg_catalog.pg_proc p
    join pg_catalog.pg_namespace n on n.oid = p.pronamespace
   where n.nspname = 'public' and p.prosecdef
     and not exists (select 1 from pg_catalog.pg_depend d where d.classid = 'pg_catalog.pg_proc'::regclass
                       and d.objid = p.oid and d.deptype = 'e')$$,
  'no SECURITY DEFINER function lives in the exposed public schema');

select is_empty($$
  select p.oid::regprocedure::text
    from pg_catalog.pg_proc p
    join pg_catalog.pg_namespace n on n.oid = p.pronamespace
   where n.nspname in ('public', 'private') and p.prosecdef
     and (pg_catalog.has_function_privilege('public', p.oid, 'EXECUTE')
          or pg_catalog.has_function_privilege('anon', p.oid, 'EXECUTE'))
     and not exists (select 1 from pg_catalog.pg_depend d where d.classid = 'pg_catalog.pg_proc'::regclass
                       and d.objid = p.oid and d.deptype = 'e')$$,
  'no SECURITY DEFINER function in public or private is executable by PUBLIC or anon');

select is_empty($$
  select p.oid::regprocedure::text
    from pg_catalog.pg_proc p
    join pg_catalog.pg_namespace n on n.oid = p.pronamespace
   where n.nspname = 'private' and pg_catalog.has_function_privilege('anon', p.oid, 'EXECUTE')$$,
  'anon can execute nothing in private');

select set_eq($$
  select p.proname::text
    from pg_catalog.pg_proc p
    join pg_catalog.pg_namespace n on n.oid = p.pronamespace
   where n.nspname = 'private' and pg_catalog.has_function_privilege('authenticated', p.oid, 'EXECUTE')$$,
  array['is_trip_owner', 'trip_role', 'has_trip_access', 'can_edit_trip', 'can_manage_collaborators',
        'owns_chat_session', 'can_read_chat_session', 'attachment_object_writable', 'enqueue_memory_sync'],
  'authenticated can execute exactly the policy helpers and enqueue_memory_sync in private');

select set_eq($$
  select p.proname::text
    from pg_catalog.pg_proc p
    join pg_catalog.pg_namespace n on n.oid = p.pronamespace
   where n.nspname = 'private' and pg_catalog.has_function_privilege('service_role', p.oid, 'EXECUTE')$$,
  array['insert_user_api_key', 'get_user_api_key', 'delete_user_api_key', 'touch_user_api_key', 'check_vault_health',
        'enqueue_memory_sync'],
  'service_role can execute exactly the BYOK RPCs and enqueue_memory_sync in private');

select schema_privs_are('private', 'anon', array[]::text[], 'anon has no privilege on schema private');
select schema_privs_are('private', 'authenticated', array['USAGE'], 'authenticated may only use schema private');
select schema_privs_are('private', 'service_role', array['USAGE'], 'service_role may only use schema private');

-- ---------------------------------------------------------------------------------------------
-- policy helpers: SECURITY DEFINER, STABLE, search_path = '', authenticated only
-- ---------------------------------------------------------------------------------------------
select is_definer('private', 'is_trip_owner', array['uuid'], 'private.is_trip_owner(uuid) is SECURITY DEFINER');
select volatility_is('private', 'is_trip_owner', array['uuid'], 'stable', 'private.is_trip_owner(uuid) is STABLE');
select is((select proconfig from pg_catalog.pg_proc where oid = 'private.is_trip_owner(uuid)'::regprocedure), array['search_path=""'],
  'private.is_trip_owner(uuid) sets search_path = '''' and nothing else');
select function_privs_are('private', 'is_trip_owner', array['uuid'], 'anon', array[]::text[], 'anon cannot execute private.is_trip_owner');
select function_privs_are('private', 'is_trip_owner', array['uuid'], 'authenticated', array['EXECUTE'], 'authenticated can execute private.is_trip_owner');
select is_definer('private', 'trip_role', array['uuid'], 'private.trip_role(uuid) is SECURITY DEFINER');
select volatility_is('private', 'trip_role', array['uuid'], 'stable', 'private.trip_role(uuid) is STABLE');
select is((select proconfig from pg_catalog.pg_proc where oid = 'private.trip_role(uuid)'::regprocedure), array['search_path=""'],
  'private.trip_role(uuid) sets search_path = '''' and nothing else');
select function_privs_are('private', 'trip_role', array['uuid'], 'anon', array[]::text[], 'anon cannot execute private.trip_role');
select function_privs_are('private', 'trip_role', array['uuid'], 'authenticated', array['EXECUTE'], 'authenticated can execute private.trip_role');
select is_definer('private', 'has_trip_access', array['uuid'], 'private.has_trip_access(uuid) is SECURITY DEFINER');
select volatility_is('private', 'has_trip_access', array['uuid'], 'stable', 'private.has_trip_access(uuid) is STABLE');
select is((select proconfig from pg_catalog.pg_proc where oid = 'private.has_trip_access(uuid)'::regprocedure), array['search_path=""'],
  'private.has_trip_access(uuid) sets search_path = '''' and nothing else');
select function_privs_are('private', 'has_trip_access', array['uuid'], 'anon', array[]::text[], 'anon cannot execute private.has_trip_access');
select function_privs_are('private', 'has_trip_access', array['uuid'], 'authenticated', array['EXECUTE'], 'authenticated can execute private.has_trip_access');
select is_definer('private', 'can_edit_trip', array['uuid'], 'private.can_edit_trip(uuid) is SECURITY DEFINER');
select volatility_is('private', 'can_edit_trip', array['uuid'], 'stable', 'private.can_edit_trip(uuid) is STABLE');
select is((select proconfig from pg_catalog.pg_proc where oid = 'private.can_edit_trip(uuid)'::regprocedure), array['search_path=""'],
  'private.can_edit_trip(uuid) sets search_path = '''' and nothing else');
select function_privs_are('private', 'can_edit_trip', array['uuid'], 'anon', array[]::text[], 'anon cannot execute private.can_edit_trip');
select function_privs_are('private', 'can_edit_trip', array['uuid'], 'authenticated', array['EXECUTE'], 'authenticated can execute private.can_edit_trip');
select is_definer('private', 'can_manage_collaborators', array['uuid', 'text'], 'private.can_manage_collaborators(uuid, text) is SECURITY DEFINER');
select volatility_is('private', 'can_manage_collaborators', array['uuid', 'text'], 'stable', 'private.can_manage_collaborators(uuid, text) is STABLE');
select is((select proconfig from pg_catalog.pg_proc where oid = 'private.can_manage_collaborators(uuid, text)'::regprocedure), array['search_path=""'],
  'private.can_manage_collaborators(uuid, text) sets search_path = '''' and nothing else');
select function_privs_are('private', 'can_manage_collaborators', array['uuid', 'text'], 'anon', array[]::text[], 'anon cannot execute private.can_manage_collaborators');
select function_privs_are('private', 'can_manage_collaborators', array['uuid', 'text'], 'authenticated', array['EXECUTE'], 'authenticated can execute private.can_manage_collaborators');
select is_definer('private', 'owns_chat_session', array['uuid'], 'private.owns_chat_session(uuid) is SECURITY DEFINER');
select volatility_is('private', 'owns_chat_session', array['uuid'], 'stable', 'private.owns_chat_session(uuid) is STABLE');
select is((select proconfig from pg_catalog.pg_proc where oid = 'private.owns_chat_session(uuid)'::regprocedure), array['search_path=""'],
  'private.owns_chat_session(uuid) sets search_path = '''' and nothing else');
select function_privs_are('private', 'owns_chat_session', array['uuid'], 'anon', array[]::text[], 'anon cannot execute private.owns_chat_session');
select function_privs_are('private', 'owns_chat_session', array['uuid'], 'authenticated', array['EXECUTE'], 'authenticated can execute private.owns_chat_session');
select is_definer('private', 'can_read_chat_session', array['uuid'], 'private.can_read_chat_session(uuid) is SECURITY DEFINER');
select volatility_is('private', 'can_read_chat_session', array['uuid'], 'stable', 'private.can_read_chat_session(uuid) is STABLE');
select is((select proconfig from pg_catalog.pg_proc where oid = 'private.can_read_chat_session(uuid)'::regprocedure), array['search_path=""'],
  'private.can_read_chat_session(uuid) sets search_path = '''' and nothing else');
select function_privs_are('private', 'can_read_chat_session', array['uuid'], 'anon', array[]::text[], 'anon cannot execute private.can_read_chat_session');
select function_privs_are('private', 'can_read_chat_session', array['uuid'], 'authenticated', array['EXECUTE'], 'authenticated can execute private.can_read_chat_session');

-- ---------------------------------------------------------------------------------------------
-- BYOK RPCs: SECURITY DEFINER, search_path = '', service_role only
-- ---------------------------------------------------------------------------------------------
select is_definer('private', 'insert_user_api_key', array['uuid', 'text', 'text'], 'private.insert_user_api_key(uuid, text, text) is SECURITY DEFINER');
select is((select proconfig from pg_catalog.pg_proc where oid = 'private.insert_user_api_key(uuid, text, text)'::regprocedure), array['search_path=""'],
  'private.insert_user_api_key(uuid, text, text) sets search_path = '''' and nothing else');
select function_privs_are('private', 'insert_user_api_key', array['uuid', 'text', 'text'], 'anon', array[]::text[], 'anon cannot execute private.insert_user_api_key');
select function_privs_are('private', 'insert_user_api_key', array['uuid', 'text', 'text'], 'authenticated', array[]::text[], 'authenticated cannot execute private.insert_user_api_key');
select function_privs_are('private', 'insert_user_api_key', array['uuid', 'text', 'text'], 'service_role', array['EXECUTE'], 'service_role can execute private.insert_user_api_key');
select is_definer('private', 'get_user_api_key', array['uuid', 'text'], 'private.get_user_api_key(uuid, text) is SECURITY DEFINER');
select is((select proconfig from pg_catalog.pg_proc where oid = 'private.get_user_api_key(uuid, text)'::regprocedure), array['search_path=""'],
  'private.get_user_api_key(uuid, text) sets search_path = '''' and nothing else');
select function_privs_are('private', 'get_user_api_key', array['uuid', 'text'], 'anon', array[]::text[], 'anon cannot execute private.get_user_api_key');
select function_privs_are('private', 'get_user_api_key', array['uuid', 'text'], 'authenticated', array[]::text[], 'authenticated cannot execute private.get_user_api_key');
select function_privs_are('private', 'get_user_api_key', array['uuid', 'text'], 'service_role', array['EXECUTE'], 'service_role can execute private.get_user_api_key');
select is_definer('private', 'delete_user_api_key', array['uuid', 'text'], 'private.delete_user_api_key(uuid, text) is SECURITY DEFINER');
select is((select proconfig from pg_catalog.pg_proc where oid = 'private.delete_user_api_key(uuid, text)'::regprocedure), array['search_path=""'],
  'private.delete_user_api_key(uuid, text) sets search_path = '''' and nothing else');
select function_privs_are('private', 'delete_user_api_key', array['uuid', 'text'], 'anon', array[]::text[], 'anon cannot execute private.delete_user_api_key');
select function_privs_are('private', 'delete_user_api_key', array['uuid', 'text'], 'authenticated', array[]::text[], 'authenticated cannot execute private.delete_user_api_key');
select function_privs_are('private', 'delete_user_api_key', array['uuid', 'text'], 'service_role', array['EXECUTE'], 'service_role can execute private.delete_user_api_key');
select is_definer('private', 'touch_user_api_key', array['uuid', 'text'], 'private.touch_user_api_key(uuid, text) is SECURITY DEFINER');
select is((select proconfig from pg_catalog.pg_proc where oid = 'private.touch_user_api_key(uuid, text)'::regprocedure), array['search_path=""'],
  'private.touch_user_api_key(uuid, text) sets search_path = '''' and nothing else');
select function_privs_are('private', 'touch_user_api_key', array['uuid', 'text'], 'anon', array[]::text[], 'anon cannot execute private.touch_user_api_key');
select function_privs_are('private', 'touch_user_api_key', array['uuid', 'text'], 'authenticated', array[]::text[], 'authenticated cannot execute private.touch_user_api_key');
select function_privs_are('private', 'touch_user_api_key', array['uuid', 'text'], 'service_role', array['EXECUTE'], 'service_role can execute private.touch_user_api_key');
select is_definer('private', 'check_vault_health', array[]::text[], 'private.check_vault_health() is SECURITY DEFINER');
select is((select proconfig from pg_catalog.pg_proc where oid = 'private.check_vault_health()'::regprocedure), array['search_path=""'],
  'private.check_vault_health() sets search_path = '''' and nothing else');
select function_privs_are('private', 'check_vault_health', array[]::text[], 'anon', array[]::text[], 'anon cannot execute private.check_vault_health');
select function_privs_are('private', 'check_vault_health', array[]::text[], 'authenticated', array[]::text[], 'authenticated cannot execute private.check_vault_health');
select function_privs_are('private', 'check_vault_health', array[]::text[], 'service_role', array['EXECUTE'], 'service_role can execute private.check_vault_health');

-- ---------------------------------------------------------------------------------------------
-- what the helpers answer, per caller (they only ever answer for auth.uid())
-- columns: trip_role, is_trip_owner, has_trip_access, can_edit_trip, can_manage(admin row),
--          can_manage(editor row), owns_chat_session(linked), can_read_chat_session(linked),
--          can_read_chat_session(unlinked)
-- ---------------------------------------------------------------------------------------------
select tests.create_supabase_user('h_owner');
select tests.create_supabase_user('h_admin');
select tests.create_supabase_user('h_editor');
select tests.create_supabase_user('h_viewer');
select tests.create_supabase_user('stranger');

insert into public.trips (id, user_id, name, destination, start_date, end_date)
values ('a1000000-0000-4000-8000-000000000091', tests.get_supabase_uid('h_owner'), 'Quito', 'Quito, EC', '2026-11-01', '2026-11-05');
insert into public.trip_collaborators (trip_id, user_id, role)
values
  ('a1000000-0000-4000-8000-000000000091', tests.get_supabase_uid('h_admin'), 'admin'),
  ('a1000000-0000-4000-8000-000000000091', tests.get_supabase_uid('h_editor'), 'editor'),
  ('a1000000-0000-4000-8000-000000000091', tests.get_supabase_uid('h_viewer'), 'viewer');
insert into public.chat_sessions (id, user_id, trip_id)
values
  ('d1000000-0000-4000-8000-0000000000a1', tests.get_supabase_uid('h_owner'), 'a1000000-0000-4000-8000-000000000091'),
  ('d1000000-0000-4000-8000-0000000000a2', tests.get_supabase_uid('h_owner'), null);

select tests.authenticate_as('h_owner');
select results_eq($$select private.trip_role(t), private.is_trip_owner(t), private.has_trip_access(t), private.can_edit_trip(t),
         private.can_manage_collaborators(t, 'admin'), private.can_manage_collaborators(t, 'editor'),
         private.owns_chat_session(s1), private.can_read_chat_session(s1), private.can_read_chat_session(s2)
    from (values ('a1000000-0000-4000-8000-000000000091'::uuid, 'd1000000-0000-4000-8000-0000000000a1'::uuid,
                  'd1000000-0000-4000-8000-0000000000a2'::uuid)) v(t, s1, s2)$$,
  $$values ('owner'::text, true, true, true, true, true, true, true, true)$$,
  'helpers for the owner: every right');
select tests.authenticate_as('h_admin');
select results_eq($$select private.trip_role(t), private.is_trip_owner(t), private.has_trip_access(t), private.can_edit_trip(t),
         private.can_manage_collaborators(t, 'admin'), private.can_manage_collaborators(t, 'editor'),
         private.owns_chat_session(s1), private.can_read_chat_session(s1), private.can_read_chat_session(s2)
    from (values ('a1000000-0000-4000-8000-000000000091'::uuid, 'd1000000-0000-4000-8000-0000000000a1'::uuid,
                  'd1000000-0000-4000-8000-0000000000a2'::uuid)) v(t, s1, s2)$$,
  $$values ('admin'::text, false, true, true, false, true, false, true, false)$$,
  'helpers for an admin: edits, manages non-admins, reads the linked session');
select tests.authenticate_as('h_editor');
select results_eq($$select private.trip_role(t), private.is_trip_owner(t), private.has_trip_access(t), private.can_edit_trip(t),
         private.can_manage_collaborators(t, 'admin'), private.can_manage_collaborators(t, 'editor'),
         private.owns_chat_session(s1), private.can_read_chat_session(s1), private.can_read_chat_session(s2)
    from (values ('a1000000-0000-4000-8000-000000000091'::uuid, 'd1000000-0000-4000-8000-0000000000a1'::uuid,
                  'd1000000-0000-4000-8000-0000000000a2'::uuid)) v(t, s1, s2)$$,
  $$values ('editor'::text, false, true, true, false, false, false, true, false)$$,
  'helpers for an editor: edits, manages nobody, reads the linked session');
select tests.authenticate_as('h_viewer');
select results_eq($$select private.trip_role(t), private.is_trip_owner(t), private.has_trip_access(t), private.can_edit_trip(t),
         private.can_manage_collaborators(t, 'admin'), private.can_manage_collaborators(t, 'editor'),
         private.owns_chat_session(s1), private.can_read_chat_session(s1), private.can_read_chat_session(s2)
    from (values ('a1000000-0000-4000-8000-000000000091'::uuid, 'd1000000-0000-4000-8000-0000000000a1'::uuid,
                  'd1000000-0000-4000-8000-0000000000a2'::uuid)) v(t, s1, s2)$$,
  $$values ('viewer'::text, false, true, false, false, false, false, true, false)$$,
  'helpers for a viewer: reads only');
select tests.authenticate_as('stranger');
select results_eq($$select private.trip_role(t), private.is_trip_owner(t), private.has_trip_access(t), private.can_edit_trip(t),
         private.can_manage_collaborators(t, 'admin'), private.can_manage_collaborators(t, 'editor'),
         private.owns_chat_session(s1), private.can_read_chat_session(s1), private.can_read_chat_session(s2)
    from (values ('a1000000-0000-4000-8000-000000000091'::uuid, 'd1000000-0000-4000-8000-0000000000a1'::uuid,
                  'd1000000-0000-4000-8000-0000000000a2'::uuid)) v(t, s1, s2)$$,
  $$values (null::text, false, false, false, false, false, false, false, false)$$,
  'helpers for another user: nothing');
select tests.clear_authentication();
select throws_ok($$select private.has_trip_access('a1000000-0000-4000-8000-000000000091')$$, '42501', null,
  'helpers: anon cannot call them');
select tests.authenticate_as_service_role();
select throws_ok($$select private.has_trip_access('a1000000-0000-4000-8000-000000000091')$$, '42501', null,
  'helpers: service_role (which bypasses RLS) has no use for them and cannot call them');

select * from finish();
rollback;
