-- User scopes (security review, finding 1): a login role for the SDK's user scopes that can
-- become only `authenticated`, as PostgREST's `authenticator` but narrower (it cannot become
-- `anon` or `service_role`).
--
-- Postgres checks SET ROLE / RESET ROLE against the SESSION user. While the SDK logs in as
-- `postgres`, SQL inside a user scope that runs `reset role` is `postgres` again, and
-- `set role service_role` works. Logged in as tripsage_user_scope instead:
--   * `reset role` falls back to tripsage_user_scope, which holds no privilege at all (NOINHERIT,
--     nothing granted): it reads and writes nothing;
--   * `set [local] role` / `set_config('role', …)` to anything but `authenticated` is refused;
--   * `set session authorization` is refused (it needs a superuser session user).
-- Claims (`request.jwt.claims`) are plain settings any role can change; the SDK's escape-hatch
-- guard refuses that (docs/decisions/0008-security-user-scope-sandbox.md).
--
-- The role is created NOLOGIN, so the migration carries no password. To use it, give it one out
-- of band and connect the SDK's user pool with it; the service scope keeps a `postgres` pool:
--   alter role tripsage_user_scope with login password '…';
--   createTripSage({ db: userScopeDb, serviceDb: postgresDb })

do $$
begin
  if not exists (select 1 from pg_catalog.pg_roles where rolname = 'tripsage_user_scope') then
    create role tripsage_user_scope nologin noinherit nocreatedb nocreaterole;
  end if;
end
$$;

grant authenticated to tripsage_user_scope;

comment on role tripsage_user_scope is
  'Login role of TripSage user scopes: may SET ROLE authenticated only; holds no privilege itself.';
