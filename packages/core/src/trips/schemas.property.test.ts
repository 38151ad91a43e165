import { randomUUID } from 'node:crypto'
import { createTestDatabase, createTestUser, type TestDatabase } from '@tripsage/testing'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTripSage, type UserClient } from '../client.js'
import { TripSageError } from '../errors.js'
import { errorCode, tripTableCounts } from './trip-world.test-support.js'

/*
 * The zod schemas mirror the SQL checks, in both directions:
 * - values just outside what a column accepts are refused as `validation` before the database,
 *   and nothing is written;
 * - values anywhere inside it (boundaries included) are accepted by the schema AND the database,
 *   so the schemas are never stricter than the SQL.
 */

let database: TestDatabase
let me: UserClient
let tripId: string
const existing: Record<'trip' | 'flight' | 'accommodation' | 'transportation' | 'itinerary', string> = {
  trip: '',
  flight: '',
  accommodation: '',
  transportation: '',
  itinerary: '',
}

beforeAll(async () => {
  database = await createTestDatabase()
  const user = await createTestUser(database.db)
  me = createTripSage({ db: database.db }).forUser(user.claims)
  const trip = await me.trips.create({ name: 'T', destination: 'D', startDate: '2026-01-01', endDate: '2026-12-31' })
  tripId = trip.id
  existing.trip = trip.id
  existing.flight = (
    await me.flights.add(tripId, { origin: 'A', destination: 'B', departureDate: '2026-06-01', price: 1 })
  ).id
  existing.accommodation = (
    await me.accommodations.add(tripId, {
      name: 'H',
      checkInDate: '2026-06-01',
      checkOutDate: '2026-06-02',
      pricePerNight: 1,
      totalPrice: 1,
    })
  ).id
  existing.transportation = (
    await me.transportation.add(tripId, { kind: 'bus', departureTime: '2026-06-01T10:00:00Z' })
  ).id
  existing.itinerary = (await me.itinerary.add(tripId, { title: 'x' })).id
})
afterAll(() => database.close())

// ---------------------------------------------------------------------------------------------
// Valid values, boundaries included
// ---------------------------------------------------------------------------------------------

const noNul = (s: string) => !s.includes('\u0000')
/** Text of `min`–`max` Unicode code points (astral characters included), as `char_length` counts. */
const text = (min: number, max: number) =>
  fc.oneof(
    fc.string({ unit: 'binary', minLength: min, maxLength: max }).filter(noNul),
    fc.constant('😀'.repeat(max)),
    fc.constant('a'.repeat(Math.max(min, 1))),
  )
const day = fc
  .date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10))
const instant = fc.date({
  min: new Date('0001-01-01T00:00:00Z'),
  max: new Date('9999-12-30T00:00:00Z'),
  noInvalidDate: true,
})
/** An instant written with a UTC offset (`+05:30`) instead of `Z`: the same instant to Postgres. */
const withOffset = (d: Date, minutes: number) => {
  const local = new Date(d.getTime() + minutes * 60_000).toISOString().slice(0, 23)
  const sign = minutes < 0 ? '-' : '+'
  const abs = Math.abs(minutes)
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`
}
const offsetMinutes = fc.integer({ min: -14 * 4, max: 14 * 4 }).map((q) => q * 15)
const cents = (min: number) => fc.integer({ min, max: 999_999_999_999 }).map((c) => c / 100)
const currency = fc.stringMatching(/^[A-Z]{3}$/)
const json = fc
  .dictionary(
    fc.string().filter((k) => k !== '__proto__'),
    fc.jsonValue({ maxDepth: 2 }),
    { maxKeys: 4 },
  )
  .filter((v) => !JSON.stringify(v).includes('\\u0000'))
const strings = fc.array(fc.string({ unit: 'binary' }).filter(noNul), { maxLength: 4 })
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined })
const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null })

/** Two dates in order (equal allowed unless `strict`). */
const datePair = (strict = false) =>
  fc
    .tuple(day, day)
    .filter(([a, b]) => a !== b || !strict)
    .map(([a, b]): [string, string] => (a <= b ? [a, b] : [b, a]))
const instantPair = fc
  .tuple(instant, instant, offsetMinutes, offsetMinutes, fc.boolean())
  .map(([a, b, offsetA, offsetB, utc]) => {
    const [first, second] = a <= b ? [a, b] : [b, a]
    // Offsets only on years where shifting cannot leave 0001–9999.
    const modern = first.getUTCFullYear() > 1 && second.getUTCFullYear() < 9999
    return utc || !modern
      ? [first.toISOString(), second.toISOString()]
      : [withOffset(first, offsetA), withOffset(second, offsetB)]
  })

const validTrip = fc
  .record({
    name: text(1, 200),
    destination: text(1, 200),
    description: optional(nullable(text(0, 4000))),
    dates: datePair(),
    budget: optional(nullable(cents(1))),
    currency: optional(currency),
    travelers: optional(fc.integer({ min: 1, max: 100 })),
    status: optional(fc.constantFrom('planning', 'booked', 'completed', 'cancelled')),
    tripType: optional(fc.constantFrom('leisure', 'business', 'family', 'solo', 'other')),
    flexibility: optional(json),
    notes: optional(strings),
    tags: optional(strings),
    searchMetadata: optional(json),
  })
  .map(({ dates: [startDate, endDate], ...rest }) => ({ ...rest, startDate, endDate }))

const bookingStatus = fc.constantFrom('available', 'reserved', 'booked', 'cancelled')

const validFlight = fc
  .record({
    origin: text(1, 200),
    destination: text(1, 200),
    dates: fc.tuple(datePair(), fc.boolean()),
    times: optional(instantPair),
    flightClass: optional(fc.constantFrom('economy', 'premium_economy', 'business', 'first')),
    price: cents(0),
    currency: optional(currency),
    airline: optional(nullable(text(0, 200))),
    flightNumber: optional(nullable(text(0, 50))),
    bookingStatus: optional(bookingStatus),
    externalId: optional(nullable(text(0, 1000))),
    metadata: optional(json),
  })
  .map(({ dates: [[departureDate, returnDate], roundTrip], times, ...rest }) => ({
    ...rest,
    departureDate,
    ...(roundTrip ? { returnDate } : {}),
    ...(times ? { departureTime: times[0], arrivalTime: times[1] } : {}),
  }))

const validAccommodation = fc
  .record({
    name: text(1, 200),
    address: optional(nullable(text(0, 1000))),
    dates: datePair(true),
    roomType: optional(nullable(text(0, 200))),
    pricePerNight: cents(0),
    totalPrice: cents(0),
    currency: optional(currency),
    rating: optional(nullable(fc.integer({ min: 0, max: 50 }).map((r) => r / 10))),
    amenities: optional(strings),
    bookingStatus: optional(bookingStatus),
    externalId: optional(nullable(text(0, 1000))),
    metadata: optional(json),
  })
  .map(({ dates: [checkInDate, checkOutDate], ...rest }) => ({ ...rest, checkInDate, checkOutDate }))

const validTransportation = fc
  .record({
    kind: fc.constantFrom('car_rental', 'train', 'bus', 'ferry', 'taxi', 'rideshare', 'transfer', 'other'),
    provider: optional(nullable(text(0, 200))),
    origin: optional(nullable(text(1, 200))),
    destination: optional(nullable(text(1, 200))),
    times: fc.tuple(instantPair, fc.boolean()),
    price: optional(nullable(cents(0))),
    currency: optional(currency),
    bookingStatus: optional(bookingStatus),
    externalId: optional(nullable(text(0, 1000))),
    metadata: optional(json),
  })
  .map(({ times: [[departureTime, arrivalTime], withArrival], ...rest }) => ({
    ...rest,
    departureTime,
    ...(withArrival ? { arrivalTime } : {}),
  }))

const validItinerary = fc
  .record({
    title: text(1, 200),
    description: optional(nullable(text(0, 4000))),
    itemType: optional(fc.constantFrom('activity', 'meal', 'transport', 'accommodation', 'flight', 'note', 'other')),
    day: optional(nullable(day)),
    times: optional(instantPair),
    location: optional(nullable(text(0, 1000))),
    price: optional(nullable(cents(0))),
    currency: optional(currency),
    position: optional(fc.integer({ min: -2_147_483_648, max: 2_147_483_647 })),
  })
  .map(({ times, ...rest }) => ({ ...rest, ...(times ? { startTime: times[0], endTime: times[1] } : {}) }))

// ---------------------------------------------------------------------------------------------
// Invalid values, just outside what each column accepts
// ---------------------------------------------------------------------------------------------

const notAString = fc.oneof(fc.integer(), fc.boolean(), fc.constant({}), fc.constant([]))
/** Text outside `min`–`max` code points, with a NUL, or not a string. */
const badText = (min: number, max: number) =>
  fc.oneof(
    fc.constant('a'.repeat(max + 1)),
    fc.constant('😀'.repeat(max + 1)),
    fc.string({ unit: 'binary', minLength: max + 1, maxLength: max + 3 }),
    ...(min > 0 ? [fc.constant('')] : []),
    fc.string().map((s) => `${s}\u0000`),
    notAString,
  )
const badDay = fc.oneof(
  fc.constantFrom(
    '2026-02-30',
    '2025-02-29',
    '2026-13-01',
    '2026-00-10',
    '2026-1-1',
    '20260101',
    '0000-01-01',
    '2026-06-01T00:00:00Z',
    ' 2026-06-01',
    '',
  ),
  day.map((d) => `${d}x`),
  fc.string().filter((s) => !/^\d{4}-\d{2}-\d{2}$/.test(s)),
  notAString,
)
const badTimestamp = fc.oneof(
  fc.constantFrom(
    '2026-06-01T25:00:00Z',
    '2026-06-01T10:00:00',
    '2026-06-01 10:00:00Z',
    '2026-06-01',
    '2026-02-30T10:00:00Z',
    '0000-06-01T10:00:00Z',
  ),
  fc.string(),
  notAString,
)
const badCurrency = fc.oneof(
  fc.constantFrom('usd', 'EURO', 'EU', 'E1R', ' EUR', ''),
  fc.string().filter((s) => !/^[A-Z]{3}$/.test(s)),
  notAString,
)
/** Money outside `numeric(12, 2)` with `>= min` (or `> 0` when `positive`). */
const badMoney = (positive: boolean) =>
  fc.oneof(
    fc.constantFrom(-0.01, 0.001, 1.005, 10_000_000_000, Number.NaN, Number.POSITIVE_INFINITY, -1),
    ...(positive ? [fc.constant(0)] : []),
    fc.integer({ min: 1, max: 1_000_000 }).map((c) => -c / 100),
    fc.constant('10'),
  )
const badEnum = (allowed: readonly string[]) =>
  fc.oneof(
    fc.string().filter((s) => !allowed.includes(s)),
    fc.constantFrom(...allowed.map((v) => v.toUpperCase()), ...allowed.map((v) => ` ${v}`)),
    notAString,
  )
const badJson = fc.oneof(
  fc.constant([]),
  fc.constant('{}'),
  fc.constant(null),
  fc.constant({ nul: 'a\u0000b' }),
  fc.constant({ fn: () => 1 }),
  fc.constant({ big: 1n }),
  fc.constant({ date: new Date(0) }),
)
const badStrings = fc.oneof(
  fc.constant('not an array'),
  fc.constant([1]),
  fc.constant(['ok', 'n\u0000l']),
  fc.constant(null),
)
const badUuid = fc.oneof(fc.constantFrom('', 'x', '1234', `${randomUUID()}0`), fc.string(), notAString)
const badInt = (min: number, max: number) => fc.constantFrom(min - 1, max + 1, 1.5, Number.NaN, '1')

/** An extra key no schema knows: protected columns and arbitrary names (mass assignment). */
const unknownKey = (known: readonly string[]) =>
  fc
    .oneof(
      fc.constantFrom('id', 'userId', 'user_id', 'tripId', 'trip_id', 'createdAt', 'updatedAt', 'invitedBy'),
      fc.string({ minLength: 1 }).filter((k) => k !== '__proto__'),
    )
    .filter((k) => !known.includes(k))

interface SchemaCase {
  /** The SDK call under test. */
  readonly name: string
  /** A valid input the invalid field is put into. */
  readonly valid: fc.Arbitrary<Record<string, unknown>>
  /** Invalid values per field. */
  readonly invalid: Record<string, fc.Arbitrary<unknown>>
  /** Whole inputs that break a cross-field rule. */
  readonly crossField?: fc.Arbitrary<Record<string, unknown>>
  /** Fields an input must have. */
  readonly required?: readonly string[]
  /** Makes the call with an input. */
  readonly call: (input: unknown) => Promise<unknown>
}

const tripInvalid = {
  name: badText(1, 200),
  destination: badText(1, 200),
  description: badText(0, 4000),
  startDate: badDay,
  endDate: badDay,
  budget: badMoney(true),
  currency: badCurrency,
  travelers: badInt(1, 100),
  status: badEnum(['planning', 'booked', 'completed', 'cancelled']),
  tripType: badEnum(['leisure', 'business', 'family', 'solo', 'other']),
  flexibility: badJson,
  notes: badStrings,
  tags: badStrings,
  searchMetadata: badJson,
}
const endBeforeStart = fc
  .tuple(day, day)
  .filter(([a, b]) => a !== b)
  .map(([a, b]) => (a < b ? { startDate: b, endDate: a } : { startDate: a, endDate: b }))

const flightInvalid = {
  origin: badText(1, 200),
  destination: badText(1, 200),
  departureDate: badDay,
  returnDate: badDay,
  departureTime: badTimestamp,
  arrivalTime: badTimestamp,
  flightClass: badEnum(['economy', 'premium_economy', 'business', 'first']),
  price: badMoney(false),
  currency: badCurrency,
  airline: badText(0, 200),
  flightNumber: badText(0, 50),
  bookingStatus: badEnum(['available', 'reserved', 'booked', 'cancelled']),
  externalId: badText(0, 1000),
  metadata: badJson,
}
const accommodationInvalid = {
  name: badText(1, 200),
  address: badText(0, 1000),
  checkInDate: badDay,
  checkOutDate: badDay,
  roomType: badText(0, 200),
  pricePerNight: badMoney(false),
  totalPrice: badMoney(false),
  currency: badCurrency,
  rating: fc.constantFrom(-0.1, 5.1, 4.55, 6, '4'),
  amenities: badStrings,
  bookingStatus: badEnum(['available', 'reserved', 'booked', 'cancelled']),
  externalId: badText(0, 1000),
  metadata: badJson,
}
const transportationInvalid = {
  kind: badEnum(['car_rental', 'train', 'bus', 'ferry', 'taxi', 'rideshare', 'transfer', 'other']),
  provider: badText(0, 200),
  origin: badText(1, 200),
  destination: badText(1, 200),
  departureTime: badTimestamp,
  arrivalTime: badTimestamp,
  price: badMoney(false),
  currency: badCurrency,
  bookingStatus: badEnum(['available', 'reserved', 'booked', 'cancelled']),
  externalId: badText(0, 1000),
  metadata: badJson,
}
const itineraryInvalid = {
  title: badText(1, 200),
  description: badText(0, 4000),
  itemType: badEnum(['activity', 'meal', 'transport', 'accommodation', 'flight', 'note', 'other']),
  day: badDay,
  startTime: badTimestamp,
  endTime: badTimestamp,
  location: badText(0, 1000),
  price: badMoney(false),
  currency: badCurrency,
  position: badInt(-2_147_483_648, 2_147_483_647),
  flightId: badUuid,
  accommodationId: badUuid,
}

// Distinct instants, not distinct strings: "00:14:59.983+00:15" and "23:59:59.983+00:00" of the day
// before are one instant, which the non-strict order accepts.
const timesReversed = (first: string, second: string) =>
  instantPair
    .filter(([a, b]) => Date.parse(a as string) !== Date.parse(b as string))
    .map(([a, b]) => ({ [first]: b, [second]: a }) as Record<string, unknown>)
const datesReversed = (first: string, second: string, strict = false) =>
  fc
    .tuple(day, day)
    .filter(([a, b]) => strict || a !== b)
    .map(([a, b]) => (a < b ? { [first]: b, [second]: a } : { [first]: a, [second]: b }))

/** A valid single-field patch to put the invalid field next to. */
const somePatch = (arb: fc.Arbitrary<Record<string, unknown>>, key: string) =>
  arb.map((v) => ({ [key]: v[key] }) as Record<string, unknown>)

const cases: SchemaCase[] = [
  {
    name: 'trips.create',
    valid: validTrip,
    invalid: tripInvalid,
    crossField: endBeforeStart,
    required: ['name', 'destination', 'startDate', 'endDate'],
    call: (input) => me.trips.create(input as never),
  },
  {
    name: 'trips.update',
    valid: somePatch(validTrip, 'name'),
    invalid: tripInvalid,
    crossField: endBeforeStart,
    call: (input) => me.trips.update(existing.trip, input as never),
  },
  {
    name: 'trips.list',
    valid: fc.constant({}),
    invalid: {
      status: fc.oneof(badEnum(['planning', 'booked', 'completed', 'cancelled']), fc.constant([])),
      tripType: fc.oneof(badEnum(['leisure', 'business', 'family', 'solo', 'other']), fc.constant([])),
      overlaps: fc.oneof(
        badDay.map((from) => ({ from })),
        badDay.map((to) => ({ to })),
        fc.constant({ from: '2026-02-01', to: '2026-01-31' }),
        fc.constant('2026-01-01'),
      ),
      destination: badText(1, 200),
      sortBy: badEnum(['startDate', 'createdAt']),
      order: badEnum(['asc', 'desc']),
      limit: fc.constantFrom(0, 101, 1.5, -1, '10'),
      cursor: fc.constantFrom('', '!!!', 'e30', 42),
    },
    call: (input) => me.trips.list(input as never),
  },
  {
    name: 'trips.get options',
    valid: fc.constant({}),
    invalid: { include: fc.oneof(fc.constant('flights'), fc.array(badEnum(['flights']), { minLength: 1 })) },
    call: (input) => me.trips.get(existing.trip, input as never),
  },
  {
    name: 'trips.collaborators.add',
    valid: fc.constant({ userId: randomUUID(), role: 'viewer' }),
    invalid: { userId: badUuid, role: badEnum(['viewer', 'editor', 'admin']) },
    required: ['userId'],
    call: (input) => me.trips.collaborators.add(tripId, input as never),
  },
  {
    name: 'flights.add',
    valid: validFlight,
    invalid: flightInvalid,
    crossField: fc.oneof(datesReversed('departureDate', 'returnDate'), timesReversed('departureTime', 'arrivalTime')),
    required: ['origin', 'destination', 'departureDate', 'price'],
    call: (input) => me.flights.add(tripId, input as never),
  },
  {
    name: 'flights.update',
    valid: somePatch(validFlight, 'origin'),
    invalid: flightInvalid,
    crossField: fc.oneof(datesReversed('departureDate', 'returnDate'), timesReversed('departureTime', 'arrivalTime')),
    call: (input) => me.flights.update(existing.flight, input as never),
  },
  {
    name: 'accommodations.add',
    valid: validAccommodation,
    invalid: accommodationInvalid,
    crossField: datesReversed('checkInDate', 'checkOutDate', true),
    required: ['name', 'checkInDate', 'checkOutDate', 'pricePerNight', 'totalPrice'],
    call: (input) => me.accommodations.add(tripId, input as never),
  },
  {
    name: 'accommodations.update',
    valid: somePatch(validAccommodation, 'name'),
    invalid: accommodationInvalid,
    crossField: datesReversed('checkInDate', 'checkOutDate', true),
    call: (input) => me.accommodations.update(existing.accommodation, input as never),
  },
  {
    name: 'transportation.add',
    valid: validTransportation,
    invalid: transportationInvalid,
    crossField: timesReversed('departureTime', 'arrivalTime'),
    required: ['kind', 'departureTime'],
    call: (input) => me.transportation.add(tripId, input as never),
  },
  {
    name: 'transportation.update',
    valid: somePatch(validTransportation, 'kind'),
    invalid: transportationInvalid,
    crossField: timesReversed('departureTime', 'arrivalTime'),
    call: (input) => me.transportation.update(existing.transportation, input as never),
  },
  {
    name: 'itinerary.add',
    valid: validItinerary,
    invalid: itineraryInvalid,
    crossField: timesReversed('startTime', 'endTime'),
    required: ['title'],
    call: (input) => me.itinerary.add(tripId, input as never),
  },
  {
    name: 'itinerary.update',
    valid: somePatch(validItinerary, 'title'),
    invalid: itineraryInvalid,
    crossField: timesReversed('startTime', 'endTime'),
    call: (input) => me.itinerary.update(existing.itinerary, input as never),
  },
]

/** One way to break a valid input: a bad field, an unknown key, a cross-field rule, a missing field. */
function breakInput(c: SchemaCase): fc.Arbitrary<[Record<string, unknown>, Record<string, unknown>, string[]]> {
  const known = Object.keys(c.invalid)
  const ways: fc.Arbitrary<[Record<string, unknown>, string[]]>[] = [
    ...Object.entries(c.invalid).map(([key, bad]) =>
      bad.map((v): [Record<string, unknown>, string[]] => [{ [key]: v }, []]),
    ),
    fc
      .tuple(unknownKey(known), fc.jsonValue())
      .map(([key, v]): [Record<string, unknown>, string[]] => [{ [key]: v }, []]),
  ]
  if (c.crossField) ways.push(c.crossField.map((v): [Record<string, unknown>, string[]] => [v, []]))
  if (c.required?.length)
    ways.push(fc.constantFrom(...c.required).map((key): [Record<string, unknown>, string[]] => [{}, [key]]))
  return fc.tuple(c.valid, fc.oneof(...ways)).map(([base, [change, drop]]) => [base, change, drop])
}

describe.each(cases)('$name', (c) => {
  it('refuses input just outside the columns with validation before the database, writing nothing', async () => {
    await fc.assert(
      fc.asyncProperty(breakInput(c), async ([base, change, drop]) => {
        const input: Record<string, unknown> = { ...base, ...change }
        for (const key of drop) delete input[key]
        const before = await tripTableCounts(database)
        const error = await c.call(input).then(
          () => null,
          (e: unknown) => e,
        )
        // Refused by the zod schema (issues listed), not by a database check (which reports an SQLSTATE).
        expect(TripSageError.isInstance(error) && error.code).toBe('validation')
        expect((error as TripSageError).details).toHaveProperty('issues')
        expect(await tripTableCounts(database)).toEqual(before)
      }),
      { numRuns: 60 },
    )
  })

  it('refuses a non-object input with validation', async () => {
    // `undefined` is left out: list and get take optional options.
    for (const input of [null, 'x', 42, []]) expect(await errorCode(c.call(input))).toBe('validation')
  })
})

// collaborators.add is left out: its valid input names a user, which only the database can know.
const creations = cases.filter((c) =>
  /^(trips\.create|(flights|accommodations|transportation|itinerary)\.add)$/.test(c.name),
)

describe.each(creations)('$name', (c) => {
  it('accepts every input inside the columns, boundaries included — and so does the database', async () => {
    await fc.assert(
      fc.asyncProperty(c.valid, async (input) => {
        await c.call(input)
      }),
      { numRuns: 40 },
    )
  })
})
