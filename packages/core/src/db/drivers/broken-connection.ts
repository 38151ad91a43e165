/**
 * True when a query failure means the connection cannot be used again: no SQLSTATE (a network or
 * driver failure: terminated, reset, read timeout, not queryable), a connection exception (08…)
 * or an ended backend (57P0x). A query error with any other SQLSTATE leaves it usable.
 *
 * @param error - what the driver threw
 */
export function leavesConnectionBroken(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code) || code === 'EPIPE') return true
  return code.startsWith('08') || code.startsWith('57P')
}
