import { describe, expectTypeOf, it } from 'vitest'
import type { TripSage, UserClient, UserTransaction } from '../client.js'
import type { Tables, TablesInsert, TablesUpdate } from '../db/database.types.js'
import type { Page } from '../pagination.js'
import type {
  Accommodation,
  AddAccommodationInput,
  AddFlightInput,
  AddItineraryItemInput,
  AddTransportationInput,
  CreateTripInput,
  Flight,
  ItineraryItem,
  Transportation,
  Trip,
  TripCollaborator,
  TripReader,
  TripsRepository,
  UpdateAccommodationInput,
  UpdateFlightInput,
  UpdateItineraryItemInput,
  UpdateTransportationInput,
  UpdateTripInput,
} from './index.js'

declare const me: UserClient
declare const tripsage: TripSage
declare const id: string

/** `startDate` → `start_date` (what the repositories do to input keys before writing). */
type Snake<S extends string> = S extends `${infer Head}${infer Tail}`
  ? `${Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`}${Snake<Tail>}`
  : S

/** `start_date` → `startDate`. */
type Camel<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S

describe('rows come back typed', () => {
  it('trips: find is Trip | null, get is Trip, list is a page of trips', () => {
    expectTypeOf(me.trips.find(id)).resolves.toEqualTypeOf<Trip | null>()
    expectTypeOf(me.trips.get(id)).resolves.toEqualTypeOf<Trip>()
    expectTypeOf(me.trips.list()).resolves.toEqualTypeOf<Page<Trip>>()
    expectTypeOf(me.trips.create).parameter(0).toEqualTypeOf<CreateTripInput>()
    expectTypeOf(me.trips.update(id, { name: 'x' })).resolves.toEqualTypeOf<Trip>()
    expectTypeOf(me.trips.delete(id)).resolves.toEqualTypeOf<void>()
  })

  it('get with include adds exactly the named relations', () => {
    const full = me.trips.get(id, { include: ['flights', 'itinerary', 'collaborators'] })
    expectTypeOf(full).resolves.toHaveProperty('flights').toEqualTypeOf<Flight[]>()
    expectTypeOf(full).resolves.toHaveProperty('itinerary').toEqualTypeOf<ItineraryItem[]>()
    expectTypeOf(full).resolves.toHaveProperty('collaborators').toEqualTypeOf<TripCollaborator[]>()
    expectTypeOf(full).resolves.not.toHaveProperty('accommodations')
    expectTypeOf(full).resolves.toExtend<Trip>()
    expectTypeOf(me.trips.find(id, { include: ['transportation'] })).resolves.toEqualTypeOf<
      (Trip & { transportation: Transportation[] }) | null
    >()
  })

  it('items and collaborators', () => {
    expectTypeOf(
      me.flights.add(id, { origin: 'A', destination: 'B', departureDate: '2026-01-01', price: 1 }),
    ).resolves.toEqualTypeOf<Flight>()
    expectTypeOf(me.flights.listByTrip(id)).resolves.toEqualTypeOf<Flight[]>()
    expectTypeOf(me.accommodations.listByTrip(id)).resolves.toEqualTypeOf<Accommodation[]>()
    expectTypeOf(me.transportation.update(id, { price: null })).resolves.toEqualTypeOf<Transportation>()
    expectTypeOf(me.itinerary.remove(id)).resolves.toEqualTypeOf<void>()
    expectTypeOf(me.trips.collaborators.list(id)).resolves.toEqualTypeOf<TripCollaborator[]>()
    expectTypeOf(me.trips.collaborators.add(id, { userId: id })).resolves.toEqualTypeOf<TripCollaborator>()
  })

  it('the transaction and the service scope expose the same repositories', () => {
    expectTypeOf<UserTransaction['trips']>().toEqualTypeOf<TripsRepository>()
    expectTypeOf<UserTransaction['itinerary']>().toEqualTypeOf<UserClient['itinerary']>()
    expectTypeOf(tripsage.service.trips).toEqualTypeOf<TripReader>()
  })
})

describe('entities follow the generated database types', () => {
  it('every column of each table is a field of its entity, camelCased', () => {
    expectTypeOf<keyof Trip>().toEqualTypeOf<Camel<keyof Tables<'trips'>>>()
    expectTypeOf<keyof Flight>().toEqualTypeOf<Camel<keyof Tables<'flights'>>>()
    expectTypeOf<keyof Accommodation>().toEqualTypeOf<Camel<keyof Tables<'accommodations'>>>()
    expectTypeOf<keyof Transportation>().toEqualTypeOf<Camel<keyof Tables<'transportation'>>>()
    expectTypeOf<keyof ItineraryItem>().toEqualTypeOf<Camel<keyof Tables<'itinerary_items'>>>()
    expectTypeOf<keyof TripCollaborator>().toEqualTypeOf<Camel<keyof Tables<'trip_collaborators'>>>()
  })

  it('nullability and scalar types match the columns', () => {
    expectTypeOf<Trip['budget']>().toEqualTypeOf<Tables<'trips'>['budget']>()
    expectTypeOf<Trip['description']>().toEqualTypeOf<Tables<'trips'>['description']>()
    expectTypeOf<Trip['travelers']>().toEqualTypeOf<Tables<'trips'>['travelers']>()
    expectTypeOf<Flight['returnDate']>().toEqualTypeOf<Tables<'flights'>['return_date']>()
    expectTypeOf<Accommodation['rating']>().toEqualTypeOf<Tables<'accommodations'>['rating']>()
    expectTypeOf<ItineraryItem['flightId']>().toEqualTypeOf<Tables<'itinerary_items'>['flight_id']>()
    // Enum columns are text + CHECK in SQL; the SDK narrows them to their unions.
    expectTypeOf<Trip['status']>().toEqualTypeOf<'planning' | 'booked' | 'completed' | 'cancelled'>()
  })
})

describe('every input field is written to a column of the same name', () => {
  it('snake_cased input keys are insert/update columns of the table', () => {
    expectTypeOf<Snake<keyof CreateTripInput>>().toExtend<keyof TablesInsert<'trips'>>()
    expectTypeOf<Snake<keyof UpdateTripInput>>().toExtend<keyof TablesUpdate<'trips'>>()
    expectTypeOf<Snake<keyof AddFlightInput>>().toExtend<keyof TablesInsert<'flights'>>()
    expectTypeOf<Snake<keyof UpdateFlightInput>>().toExtend<keyof TablesUpdate<'flights'>>()
    expectTypeOf<Snake<keyof AddAccommodationInput>>().toExtend<keyof TablesInsert<'accommodations'>>()
    expectTypeOf<Snake<keyof UpdateAccommodationInput>>().toExtend<keyof TablesUpdate<'accommodations'>>()
    expectTypeOf<Snake<keyof AddTransportationInput>>().toExtend<keyof TablesInsert<'transportation'>>()
    expectTypeOf<Snake<keyof UpdateTransportationInput>>().toExtend<keyof TablesUpdate<'transportation'>>()
    expectTypeOf<Snake<keyof AddItineraryItemInput>>().toExtend<keyof TablesInsert<'itinerary_items'>>()
    expectTypeOf<Snake<keyof UpdateItineraryItemInput>>().toExtend<keyof TablesUpdate<'itinerary_items'>>()
  })

  it('no input can name the protected columns', () => {
    type Protected = 'id' | 'user_id' | 'trip_id' | 'created_at' | 'updated_at'
    expectTypeOf<Extract<Snake<keyof CreateTripInput | keyof UpdateTripInput>, Protected>>().toEqualTypeOf<never>()
    expectTypeOf<Extract<Snake<keyof AddFlightInput | keyof UpdateFlightInput>, Protected>>().toEqualTypeOf<never>()
    expectTypeOf<
      Extract<Snake<keyof AddItineraryItemInput | keyof UpdateItineraryItemInput>, Protected>
    >().toEqualTypeOf<never>()
  })
})

describe('protected columns cannot be passed (mass assignment)', () => {
  it('update and create refuse userId, id and tripId at compile time too', () => {
    // @ts-expect-error userId is not an input field
    void me.trips.update(id, { userId: id })
    // @ts-expect-error id is not an input field
    void me.trips.create({ id, name: 'x', destination: 'y', startDate: '2026-01-01', endDate: '2026-01-02' })
    // @ts-expect-error tripId is not an input field: items never move between trips
    void me.flights.update(id, { tripId: id })
  })
})
