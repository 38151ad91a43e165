/**
 * A repository operation the overhead suite times against the same SQL sent raw. Each domain
 * file in this folder exports a function that seeds its data and returns its operations.
 */
import type { TripSageDatabase, UserClient } from '@tripsage/core'
import type { TestUser } from '@tripsage/testing'
import type { Kysely } from 'kysely'

/** What a domain's setup gets. */
export interface OperationWorld {
  /** Superuser Kysely over the embedded database (seeding only: bypasses RLS). */
  readonly db: Kysely<TripSageDatabase>
  /** The user every operation runs as. */
  readonly owner: TestUser
  /** `owner`'s client on the embedded database, for seeding through the SDK. */
  readonly me: UserClient
  /** Makes another user (collaborators, isolation). */
  createUser(): Promise<TestUser>
}

/** One operation. */
export interface Operation {
  /** `repository.method (what)`, e.g. `trips.list (page of 20)`. */
  readonly name: string
  /** Call number `i` through the SDK (`i < 0`: the call whose SQL is captured). */
  call(me: UserClient, i: number): Promise<unknown>
  /**
   * Parameters of raw replay number `i`, from the captured call's: for writes that must touch a
   * fresh row each time (a delete). Default: the captured parameters unchanged.
   */
  vary?(parameters: readonly unknown[], i: number): readonly unknown[]
  /** Called before each phase with how many calls (SDK + raw) it will make, to seed fresh rows. */
  prepare?(calls: number): Promise<void>
}

/** A domain's operations, seeded. */
export type OperationSet = (world: OperationWorld) => Promise<Operation[]>

/**
 * A queue of fresh row ids for operations that consume a row per call (delete, remove): `take()`
 * hands out the next id; `replace(params)` swaps the id the captured call used for a fresh one.
 */
export class FreshRows {
  #ids: string[] = []
  #captured: string | undefined
  constructor(private readonly make: (count: number) => Promise<string[]>) {}

  /** Seeds `count` more rows. */
  async add(count: number): Promise<void> {
    this.#ids.push(...(await this.make(count)))
  }

  /** The next fresh id; `i < 0` marks it as the captured call's. */
  take(i: number): string {
    const id = this.#ids.shift()
    if (id === undefined) throw new Error('FreshRows ran out: prepare() was asked for too few calls')
    if (i < 0) this.#captured = id
    return id
  }

  /** The captured parameters with the captured call's id replaced by a fresh one. */
  replace(parameters: readonly unknown[]): unknown[] {
    const fresh = this.take(0)
    return parameters.map((p) => (p === this.#captured ? fresh : p))
  }
}
