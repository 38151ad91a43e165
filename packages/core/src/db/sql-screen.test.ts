import { describe, expect, it } from 'vitest'
import { screenUserScopeSql } from './sql-screen.js'

const other = '{"sub":"00000000-0000-4000-8000-000000000002","role":"authenticated"}'

describe('screenUserScopeSql', () => {
  it.each([
    ['reset role'],
    ['RESET ROLE'],
    ['set role service_role'],
    ['set local role service_role'],
    ['set session role postgres'],
    ['SET  LOCAL\n ROLE "service_role"'],
    ['set session authorization postgres'],
    ['reset session authorization'],
    ['set session authorization default'],
    ['reset all'],
    ["set local request.jwt.claims to '{}'"],
    ['set local "request.jwt.claims" = \'{}\''],
    ["set request . jwt . claim . sub = 'x'"],
    ["select set_config('role', 'service_role', true)"],
    ["select pg_catalog.set_config('ROLE', 'postgres', false)"],
    [`select set_config('request.jwt.claims', '${other}', true)`],
    [`select "set_config"('request.jwt.claims', '${other}', true)`],
    [`select set_config ( 'request.jwt.claim.sub', 'x', true)`],
    ['select set_config($1, $2, true)'],
    ["select set_config(new_value => 'x', setting_name => 'role', is_local => true)"],
    ["select set_config('req' || 'uest.jwt.claims', 'x', true)"],
    ["select set_config(E'r\\157le', 'postgres', true)"],
    ["select set_config(U&'r\\006Fle', 'postgres', true)"],
    ["select U&\"set\\005fconfig\"('role', 'x', true)"],
    ['select 1; reset role'],
    ['select 1 /* ; */ ; set role postgres'],
    ["do $$ begin perform set_config('role', 'postgres', true); end $$"],
    ["do $x$ begin execute 'set local ro' || 'le postgres'; end $x$"],
    ["DO LANGUAGE plpgsql 'begin null; end'"],
    ["select query_to_xml('select * from memories', true, false, '')"],
    ["select query_to_xml('sel' || 'ect 1', true, false, '')"],
    ["select * from ts_stat('select to_tsvector(content) from memories')"],
    ["select cursor_to_xml('c', 10, true, false, '')"],
    ["select dblink_exec('dbname=postgres', 'select 1')"],
    ["create function pg_temp.f() returns int language sql set request.jwt.claims = '{}' as 'select 1'"],
    ['create temp view v as select 1'],
    ['alter role authenticated set search_path = public'],
    ['grant service_role to authenticated'],
    ["comment on table trips is 'x'"],
    ["select 'set local role postgres'"],
    ['select 1 where false; (reset role)'],
    ["select 'unterminated"],
  ])('refuses %s', (sql) => {
    expect(screenUserScopeSql(sql)).not.toBeNull()
  })

  it.each([
    ['select * from trips where id = $1'],
    ['update memories set content = $1 where id = $2 returning *'],
    ["select set_config('realtime.topic', $1, true)"],
    ["select set_config('hnsw.ef_search', '100', true)"],
    ["set local statement_timeout = '5s'"],
    ['set local hnsw.ef_search = 100'],
    ["select 'a -- not a comment', $1 -- comment with set role\n"],
    ['insert into realtime.messages (topic, extension) values ($1, $2)'],
    ['select id from private.enqueue_memory_sync($1::uuid, $2::uuid[], $3::integer) as id'],
    ['with x as (select 1) select * from x'],
    ['select "role" from trip_collaborators'],
    ["select current_user, current_setting('request.jwt.claims', true), current_setting('role')"],
    ["select current_setting('session_authorization')"],
    ["select count(*) from realtime.messages where topic = 'user:x' and extension = 'broadcast'"],
  ])('allows %s', (sql) => {
    expect(screenUserScopeSql(sql)).toBeNull()
  })
})
