-- Local stand-in for Supabase Realtime's `realtime.messages` (Broadcast/Presence authorization)
-- and `realtime.send()`. Supabase partitions the table by `inserted_at`; one plain table is enough
-- locally. Never pushed to Supabase.

create schema if not exists realtime;

create table if not exists realtime.messages (
  id uuid not null default gen_random_uuid(),
  topic text not null,
  extension text not null,
  payload jsonb,
  event text,
  private boolean default false,
  updated_at timestamp not null default now(),
  inserted_at timestamp not null default now(),
  primary key (id)
);
create index if not exists messages_topic_idx on realtime.messages (topic);

alter table realtime.messages enable row level security;

-- The topic of the channel being authorized (Realtime sets it per check).
create or replace function realtime.topic() returns text
language sql stable
as $$
  select nullif(current_setting('realtime.topic', true), '')::text;
$$;

-- As on Supabase: runs as the caller (so RLS on realtime.messages applies) and never raises.
create or replace function realtime.send(payload jsonb, event text, topic text, private boolean default true)
returns void
language plpgsql
as $$
begin
  begin
    perform set_config('realtime.topic', topic, true);
    insert into realtime.messages (payload, event, topic, private, extension)
    values (payload, event, topic, private, 'broadcast');
  exception
    when others then
      raise warning 'ErrorSendingBroadcastMessage: %', sqlerrm;
  end;
end;
$$;

grant usage on schema realtime to authenticated, service_role;
grant select, insert on realtime.messages to authenticated, service_role;
grant execute on function realtime.topic() to authenticated, service_role;
grant execute on function realtime.send(jsonb, text, text, boolean) to authenticated, service_role;
