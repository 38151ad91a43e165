import { toTripSageError } from '../db/database-error.js'
import { oneStatement } from '../db/run-in-scope.js'
import type { Scope, ScopedTransaction } from '../db/scope.js'
import { ForbiddenError, NotFoundError, TripSageError } from '../errors.js'
import { noopTracer, withSpan } from '../telemetry.js'
import { type AttachmentRecord, attachmentColumns } from './attachment-row.js'
import type { AttachmentsPorts } from './ports.js'
import type { AttachmentsSettings } from './schema.js'
import { attachmentSettings } from './settings.js'

/**
 * What every `me.attachments` operation shares: the scope, the ports and settings, and the
 * attachment row as the user sees it. Built once per repository by {@link attachmentAccess}.
 */
export interface AttachmentAccess {
  /** The user scope (or one bound to an open transaction). */
  readonly scope: Scope
  /**
   * The service scope, under the same call limits as the user's, that marks a verified upload
   * completed (the file_attachments guard refuses that to users).
   */
  readonly service: Scope
  /** The options passed to `createTripSage`. */
  readonly ports: AttachmentsPorts
  /** The parsed attachment settings. */
  readonly settings: AttachmentsSettings
  /** Runs `fn` in a span named `tripsage.attachments.<operation>`. */
  span<T>(operation: string, attributes: Record<string, string>, fn: () => Promise<T>): Promise<T>
  /** The scope's user id; `internal` outside a user scope. */
  userId(): string
  /**
   * Runs `fn` in `where` (default: the user scope), each statement committing on its own: every
   * caller sends one statement, or reads that only choose the error before its one write (one
   * round trip per statement on a pipelining driver). Database failures become
   * {@link TripSageError}s.
   */
  run<T>(fn: (trx: ScopedTransaction) => Promise<T>, where?: Scope): Promise<T>
  /** The attachment row if the user can see it, in one statement. */
  selectVisible(trx: ScopedTransaction, id: string): Promise<AttachmentRecord | undefined>
  /** The row as the user sees it; `not_found` when RLS hides it, `forbidden` when it is not theirs. */
  ownRow(id: string): Promise<AttachmentRecord>
}

/**
 * Builds the {@link AttachmentAccess} of `me.attachments`.
 *
 * @param scope - the user scope (or one bound to an open transaction)
 * @param ports - the options passed to `createTripSage` (`storage`, `attachments`, `tracer`)
 * @param service - the service scope for the completion, with the user's call limits
 */
export function attachmentAccess(scope: Scope, ports: AttachmentsPorts, service: Scope): AttachmentAccess {
  const settings = attachmentSettings(ports)
  const tracer = ports.tracer ?? noopTracer

  function userId(): string {
    if (scope.kind !== 'user' || !scope.userId) {
      throw new TripSageError('internal', 'me.attachments needs a user scope')
    }
    return scope.userId
  }

  async function run<T>(fn: (trx: ScopedTransaction) => Promise<T>, where: Scope = scope): Promise<T> {
    try {
      return await where.run(fn, oneStatement)
    } catch (error) {
      throw toTripSageError(error, 'attachment')
    }
  }

  const selectVisible = (trx: ScopedTransaction, id: string) =>
    trx.selectFrom('file_attachments').select(attachmentColumns).where('id', '=', id).executeTakeFirst()

  return {
    scope,
    service,
    ports,
    settings,
    span: (operation, attributes, fn) => withSpan(tracer, `tripsage.attachments.${operation}`, attributes, fn),
    userId,
    run,
    selectVisible,
    async ownRow(id) {
      const row = await run((trx) => selectVisible(trx, id))
      if (!row) throw new NotFoundError('Attachment not found')
      if (row.user_id !== userId()) throw new ForbiddenError('Only the owner can change an attachment')
      return row
    },
  }
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * Whether `id` is a UUID (any case).
 *
 * @param id - any value
 */
export function isUuid(id: unknown): id is string {
  return typeof id === 'string' && uuidPattern.test(id)
}

/**
 * The span attribute of an attachment id — only when it is one (never echo arbitrary input).
 *
 * @param id - the caller's argument
 */
export function idAttribute(id: unknown): Record<string, string> {
  return isUuid(id) ? { 'tripsage.attachment.id': id } : {}
}
