-- Trips: trips, trip_collaborators, the access helpers their policies use, and the trip items
-- (flights, accommodations, transportation, itinerary_items).

-- ---------------------------------------------------------------------------------------------
-- trips
-- ---------------------------------------------------------------------------------------------

create table public.trips (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  name text not null,
  destination text not null,
  description text,
  start_date date not null,
  end_date date not null,
  budget numeric(12, 2),
  currency text not null default 'USD',
  travelers integer not null default 1,
  status text not null default 'planning',
  trip_type text not null default 'leisure',
  flexibility jsonb not null default '{}',
  notes text[] not null default '{}',
  tags text[] not null default '{}',
  search_metadata jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint trips_name_check check (char_length(name) between 1 and 200),
  constraint trips_destination_check check (char_length(destination) between 1 and 200),
  constraint trips_description_check check (char_length(description) <= 4000),
  constraint trips_dates_check check (end_date >= start_date),
  constraint trips_budget_check check (budget > 0),
  constraint trips_currency_check check (currency ~ '^[A-Z]{3}$'),
  constraint trips_travelers_check check (travelers between 1 and 100),
  constraint trips_status_check check (status in ('planning', 'booked', 'completed', 'cancelled')),
  constraint trips_trip_type_check check (trip_type in ('leisure', 'business', 'family', 'solo', 'other'))
);

comment on table public.trips is 'A trip, owned by user_id and shared through trip_collaborators.';
comment on column public.trips.user_id is
  'The owner. Frozen: only service_role may transfer a trip (trigger trips_freeze_user_id).';
comment on column public.trips.budget is 'Total budget in currency; null when not set.';
comment on column public.trips.flexibility is 'Free-form date/budget flexibility hints from the planner.';
comment on column public.trips.search_metadata is 'Planner state for searches run for this trip.';

create index trips_user_id_idx on public.trips (user_id);

-- ---------------------------------------------------------------------------------------------
-- trip_collaborators
-- ---------------------------------------------------------------------------------------------

create table public.trip_collaborators (
  id uuid primary key default gen_random_uuid(),
  trip_id uuid not null references public.trips (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role text not null default 'viewer',
  invited_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint trip_collaborators_trip_id_user_id_key unique (trip_id, user_id),
  constraint trip_collaborators_role_check check (role in ('viewer', 'editor', 'admin'))
);

comment on table public.trip_collaborators is
  'Users other than the owner who can see (viewer) or also edit (editor, admin) a trip. Admins manage non-admin collaborators.';
comment on column public.trip_collaborators.invited_by is
  'Who added the row; defaults to the caller. Null once that user is deleted.';

-- trip_id is covered by the unique (trip_id, user_id) index.
create index trip_collaborators_user_id_idx on public.trip_collaborators (user_id);
create index trip_collaborators_invited_by_idx on public.trip_collaborators (invited_by);

-- ---------------------------------------------------------------------------------------------
-- Access helpers. SECURITY DEFINER so policies on one table can consult the others without
-- recursing through their RLS; they only ever answer for the current auth.uid().
-- ---------------------------------------------------------------------------------------------

create or replace function private.is_trip_owner(p_trip_id uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.trips t
    where t.id = p_trip_id and t.user_id = auth.uid()
  );
$$;

create or replace function private.trip_role(p_trip_id uuid) returns text
language sql stable security definer set search_path = ''
as $$
  select case
    when exists (select 1 from public.trips t where t.id = p_trip_id and t.user_id = auth.uid())
      then 'owner'
    else (
      select c.role from public.trip_collaborators c
      where c.trip_id = p_trip_id and c.user_id = auth.uid()
    )
  end;
$$;

create or replace function private.has_trip_access(p_trip_id uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.trips t
    where t.id = p_trip_id and t.user_id = auth.uid()
  ) or exists (
    select 1 from public.trip_collaborators c
    where c.trip_id = p_trip_id and c.user_id = auth.uid()
  );
$$;

create or replace function private.can_edit_trip(p_trip_id uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.trips t
    where t.id = p_trip_id and t.user_id = auth.uid()
  ) or exists (
    select 1 from public.trip_collaborators c
    where c.trip_id = p_trip_id and c.user_id = auth.uid() and c.role in ('editor', 'admin')
  );
$$;

create or replace function private.can_manage_collaborators(p_trip_id uuid, p_role text) returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.trips t
    where t.id = p_trip_id and t.user_id = auth.uid()
  ) or (
    p_role is distinct from 'admin'
    and exists (
      select 1 from public.trip_collaborators c
      where c.trip_id = p_trip_id and c.user_id = auth.uid() and c.role = 'admin'
    )
  );
$$;

comment on function private.is_trip_owner(uuid) is 'RLS helper: the current user owns the trip.';
comment on function private.trip_role(uuid) is
  'RLS helper: the current user''s role on the trip (owner, admin, editor, viewer) or null.';
comment on function private.has_trip_access(uuid) is
  'RLS helper: the current user owns the trip or collaborates on it with any role.';
comment on function private.can_edit_trip(uuid) is
  'RLS helper: the current user owns the trip or collaborates as editor or admin.';
comment on function private.can_manage_collaborators(uuid, text) is
  'RLS helper: the current user owns the trip, or is an admin and p_role (the collaborator row''s role) is not admin.';

revoke execute on function
  private.is_trip_owner(uuid),
  private.trip_role(uuid),
  private.has_trip_access(uuid),
  private.can_edit_trip(uuid),
  private.can_manage_collaborators(uuid, text)
from public, anon, authenticated;
grant execute on function
  private.is_trip_owner(uuid),
  private.trip_role(uuid),
  private.has_trip_access(uuid),
  private.can_edit_trip(uuid),
  private.can_manage_collaborators(uuid, text)
to authenticated;

-- ---------------------------------------------------------------------------------------------
-- Triggers on trips and trip_collaborators
-- ---------------------------------------------------------------------------------------------

-- service_role is recognised by its JWT claim (PostgREST, the SDK's service scope) or by the
-- database role itself (SET ROLE service_role without claims, as pgTAP helpers do).
create or replace function private.trips_freeze_user_id() returns trigger
language plpgsql security invoker set search_path = ''
as $$
begin
  if new.user_id is distinct from old.user_id then
    if coalesce(auth.role(), '') <> 'service_role' and current_user <> 'service_role' then
      raise exception 'trips.user_id cannot be changed'
        using errcode = '42501', hint = 'Only service_role can transfer a trip.';
    end if;
    if exists (
      select 1 from public.trip_collaborators c where c.trip_id = new.id and c.user_id = new.user_id
    ) then
      raise exception 'the new owner is a collaborator of this trip; remove that row first'
        using errcode = '23514';
    end if;
  end if;
  return new;
end;
$$;

create trigger trips_freeze_user_id
  before update on public.trips
  for each row execute function private.trips_freeze_user_id();

-- SECURITY DEFINER: it must read the trip's owner whatever the caller's RLS lets them see.
create or replace function private.trip_collaborators_guard() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and (new.trip_id is distinct from old.trip_id or new.user_id is distinct from old.user_id) then
    raise exception 'trip_collaborators.trip_id and user_id cannot be changed'
      using errcode = '42501';
  end if;
  if exists (select 1 from public.trips t where t.id = new.trip_id and t.user_id = new.user_id) then
    raise exception 'the trip owner cannot be added as a collaborator'
      using errcode = '23514';
  end if;
  return new;
end;
$$;

create trigger trip_collaborators_guard
  before insert or update on public.trip_collaborators
  for each row execute function private.trip_collaborators_guard();

revoke execute on function
  private.trips_freeze_user_id(),
  private.trip_collaborators_guard()
from public, anon, authenticated;

create trigger trips_set_updated_at
  before update on public.trips
  for each row execute function private.set_updated_at();
create trigger trip_collaborators_set_updated_at
  before update on public.trip_collaborators
  for each row execute function private.set_updated_at();

-- ---------------------------------------------------------------------------------------------
-- RLS: trips, trip_collaborators
-- ---------------------------------------------------------------------------------------------

alter table public.trips enable row level security;
alter table public.trip_collaborators enable row level security;

-- anon gets nothing. authenticated gets plain DML only (not TRUNCATE, which ignores RLS, nor
-- REFERENCES/TRIGGER/MAINTAIN); the policies below decide which rows.
revoke all on public.trips, public.trip_collaborators from anon, authenticated;
grant select, insert, update, delete on public.trips, public.trip_collaborators to authenticated;

create policy trips_select_member on public.trips
  for select to authenticated
  using (user_id = (select auth.uid()) or private.has_trip_access(id));

create policy trips_insert_owner on public.trips
  for insert to authenticated
  with check (user_id = (select auth.uid()));

create policy trips_update_editor on public.trips
  for update to authenticated
  using (private.can_edit_trip(id))
  with check (private.can_edit_trip(id));

create policy trips_delete_owner on public.trips
  for delete to authenticated
  using (user_id = (select auth.uid()));

create policy trip_collaborators_select_member on public.trip_collaborators
  for select to authenticated
  using (user_id = (select auth.uid()) or private.has_trip_access(trip_id));

create policy trip_collaborators_insert_manager on public.trip_collaborators
  for insert to authenticated
  with check (
    private.can_manage_collaborators(trip_id, role)
    and (invited_by is null or invited_by = (select auth.uid()))
  );

-- USING sees the old role (an admin cannot touch an admin row), WITH CHECK the new one (nor
-- promote anyone to admin).
create policy trip_collaborators_update_manager on public.trip_collaborators
  for update to authenticated
  using (private.can_manage_collaborators(trip_id, role))
  with check (private.can_manage_collaborators(trip_id, role));

create policy trip_collaborators_delete_manager_or_self on public.trip_collaborators
  for delete to authenticated
  using (user_id = (select auth.uid()) or private.can_manage_collaborators(trip_id, role));

-- ---------------------------------------------------------------------------------------------
-- Trip items
-- ---------------------------------------------------------------------------------------------

create table public.flights (
  id uuid primary key default gen_random_uuid(),
  trip_id uuid not null references public.trips (id) on delete cascade,
  origin text not null,
  destination text not null,
  departure_date date not null,
  return_date date,
  departure_time timestamptz,
  arrival_time timestamptz,
  flight_class text not null default 'economy',
  price numeric(12, 2) not null,
  currency text not null default 'USD',
  airline text,
  flight_number text,
  booking_status text not null default 'available',
  external_id text,
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint flights_id_trip_id_key unique (id, trip_id),
  constraint flights_origin_check check (char_length(origin) between 1 and 200),
  constraint flights_destination_check check (char_length(destination) between 1 and 200),
  constraint flights_dates_check check (return_date >= departure_date),
  constraint flights_times_check check (arrival_time >= departure_time),
  constraint flights_flight_class_check
    check (flight_class in ('economy', 'premium_economy', 'business', 'first')),
  constraint flights_price_check check (price >= 0),
  constraint flights_currency_check check (currency ~ '^[A-Z]{3}$'),
  constraint flights_airline_check check (char_length(airline) <= 200),
  constraint flights_flight_number_check check (char_length(flight_number) <= 50),
  constraint flights_booking_status_check
    check (booking_status in ('available', 'reserved', 'booked', 'cancelled')),
  constraint flights_external_id_check check (char_length(external_id) <= 1000)
);

comment on column public.flights.external_id is 'The provider''s offer or booking id.';
comment on constraint flights_id_trip_id_key on public.flights is
  'Target of itinerary_items'' composite foreign key: an item can only reference a flight of its own trip.';

create index flights_trip_id_idx on public.flights (trip_id);

create table public.accommodations (
  id uuid primary key default gen_random_uuid(),
  trip_id uuid not null references public.trips (id) on delete cascade,
  name text not null,
  address text,
  check_in_date date not null,
  check_out_date date not null,
  room_type text,
  price_per_night numeric(12, 2) not null,
  total_price numeric(12, 2) not null,
  currency text not null default 'USD',
  rating numeric(2, 1),
  amenities text[] not null default '{}',
  booking_status text not null default 'available',
  external_id text,
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint accommodations_id_trip_id_key unique (id, trip_id),
  constraint accommodations_name_check check (char_length(name) between 1 and 200),
  constraint accommodations_address_check check (char_length(address) <= 1000),
  constraint accommodations_dates_check check (check_out_date > check_in_date),
  constraint accommodations_room_type_check check (char_length(room_type) <= 200),
  constraint accommodations_price_check check (price_per_night >= 0 and total_price >= 0),
  constraint accommodations_currency_check check (currency ~ '^[A-Z]{3}$'),
  constraint accommodations_rating_check check (rating between 0 and 5),
  constraint accommodations_booking_status_check
    check (booking_status in ('available', 'reserved', 'booked', 'cancelled')),
  constraint accommodations_external_id_check check (char_length(external_id) <= 1000)
);

comment on column public.accommodations.external_id is 'The provider''s offer or booking id.';
comment on constraint accommodations_id_trip_id_key on public.accommodations is
  'Target of itinerary_items'' composite foreign key: an item can only reference a stay of its own trip.';

create index accommodations_trip_id_idx on public.accommodations (trip_id);

create table public.transportation (
  id uuid primary key default gen_random_uuid(),
  trip_id uuid not null references public.trips (id) on delete cascade,
  kind text not null,
  provider text,
  origin text,
  destination text,
  departure_time timestamptz not null,
  arrival_time timestamptz,
  price numeric(12, 2),
  currency text not null default 'USD',
  booking_status text not null default 'available',
  external_id text,
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint transportation_kind_check check (
    kind in ('car_rental', 'train', 'bus', 'ferry', 'taxi', 'rideshare', 'transfer', 'other')
  ),
  constraint transportation_provider_check check (char_length(provider) <= 200),
  constraint transportation_origin_check check (char_length(origin) between 1 and 200),
  constraint transportation_destination_check check (char_length(destination) between 1 and 200),
  constraint transportation_times_check check (arrival_time >= departure_time),
  constraint transportation_price_check check (price >= 0),
  constraint transportation_currency_check check (currency ~ '^[A-Z]{3}$'),
  constraint transportation_booking_status_check
    check (booking_status in ('available', 'reserved', 'booked', 'cancelled')),
  constraint transportation_external_id_check check (char_length(external_id) <= 1000)
);

create index transportation_trip_id_idx on public.transportation (trip_id);

create table public.itinerary_items (
  id uuid primary key default gen_random_uuid(),
  trip_id uuid not null references public.trips (id) on delete cascade,
  title text not null,
  description text,
  item_type text not null default 'activity',
  day date,
  start_time timestamptz,
  end_time timestamptz,
  location text,
  price numeric(12, 2),
  currency text not null default 'USD',
  position integer not null default 0,
  flight_id uuid,
  accommodation_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint itinerary_items_flight_fkey foreign key (flight_id, trip_id)
    references public.flights (id, trip_id) on delete set null (flight_id),
  constraint itinerary_items_accommodation_fkey foreign key (accommodation_id, trip_id)
    references public.accommodations (id, trip_id) on delete set null (accommodation_id),
  constraint itinerary_items_title_check check (char_length(title) between 1 and 200),
  constraint itinerary_items_description_check check (char_length(description) <= 4000),
  constraint itinerary_items_item_type_check check (
    item_type in ('activity', 'meal', 'transport', 'accommodation', 'flight', 'note', 'other')
  ),
  constraint itinerary_items_times_check check (end_time >= start_time),
  constraint itinerary_items_location_check check (char_length(location) <= 1000),
  constraint itinerary_items_price_check check (price >= 0),
  constraint itinerary_items_currency_check check (currency ~ '^[A-Z]{3}$')
);

comment on column public.itinerary_items.position is 'Sort order within a day (ascending).';
comment on constraint itinerary_items_flight_fkey on public.itinerary_items is
  'Composite with trip_id so an item can only reference a flight of its own trip; deleting the flight clears flight_id only.';
comment on constraint itinerary_items_accommodation_fkey on public.itinerary_items is
  'Composite with trip_id so an item can only reference a stay of its own trip; deleting the stay clears accommodation_id only.';

create index itinerary_items_trip_id_day_position_idx
  on public.itinerary_items (trip_id, day, position);
create index itinerary_items_flight_id_idx on public.itinerary_items (flight_id);
create index itinerary_items_accommodation_id_idx on public.itinerary_items (accommodation_id);

create trigger flights_set_updated_at
  before update on public.flights
  for each row execute function private.set_updated_at();
create trigger accommodations_set_updated_at
  before update on public.accommodations
  for each row execute function private.set_updated_at();
create trigger transportation_set_updated_at
  before update on public.transportation
  for each row execute function private.set_updated_at();
create trigger itinerary_items_set_updated_at
  before update on public.itinerary_items
  for each row execute function private.set_updated_at();

alter table public.flights enable row level security;
alter table public.accommodations enable row level security;
alter table public.transportation enable row level security;
alter table public.itinerary_items enable row level security;

-- anon gets nothing. authenticated gets plain DML only (not TRUNCATE, which ignores RLS, nor
-- REFERENCES/TRIGGER/MAINTAIN); the policies below decide which rows.
revoke all on public.flights, public.accommodations, public.transportation, public.itinerary_items
  from anon, authenticated;
grant select, insert, update, delete
  on public.flights, public.accommodations, public.transportation, public.itinerary_items
  to authenticated;

-- The same four policies on every trip item. UPDATE checks the old trip_id (USING) and the new
-- one (WITH CHECK), so an item cannot be moved into a trip the user cannot edit (42501).

create policy flights_select_member on public.flights
  for select to authenticated
  using (private.has_trip_access(trip_id));
create policy flights_insert_editor on public.flights
  for insert to authenticated
  with check (private.can_edit_trip(trip_id));
create policy flights_update_editor on public.flights
  for update to authenticated
  using (private.can_edit_trip(trip_id))
  with check (private.can_edit_trip(trip_id));
create policy flights_delete_editor on public.flights
  for delete to authenticated
  using (private.can_edit_trip(trip_id));

create policy accommodations_select_member on public.accommodations
  for select to authenticated
  using (private.has_trip_access(trip_id));
create policy accommodations_insert_editor on public.accommodations
  for insert to authenticated
  with check (private.can_edit_trip(trip_id));
create policy accommodations_update_editor on public.accommodations
  for update to authenticated
  using (private.can_edit_trip(trip_id))
  with check (private.can_edit_trip(trip_id));
create policy accommodations_delete_editor on public.accommodations
  for delete to authenticated
  using (private.can_edit_trip(trip_id));

create policy transportation_select_member on public.transportation
  for select to authenticated
  using (private.has_trip_access(trip_id));
create policy transportation_insert_editor on public.transportation
  for insert to authenticated
  with check (private.can_edit_trip(trip_id));
create policy transportation_update_editor on public.transportation
  for update to authenticated
  using (private.can_edit_trip(trip_id))
  with check (private.can_edit_trip(trip_id));
create policy transportation_delete_editor on public.transportation
  for delete to authenticated
  using (private.can_edit_trip(trip_id));

create policy itinerary_items_select_member on public.itinerary_items
  for select to authenticated
  using (private.has_trip_access(trip_id));
create policy itinerary_items_insert_editor on public.itinerary_items
  for insert to authenticated
  with check (private.can_edit_trip(trip_id));
create policy itinerary_items_update_editor on public.itinerary_items
  for update to authenticated
  using (private.can_edit_trip(trip_id))
  with check (private.can_edit_trip(trip_id));
create policy itinerary_items_delete_editor on public.itinerary_items
  for delete to authenticated
  using (private.can_edit_trip(trip_id));
