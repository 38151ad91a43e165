/** The browser side of the route handlers: JSON in, JSON out, errors with their stable code. */

/** One problem with the input, as the SDK reports it (`details.issues`). */
export type Issue = { path: string; message: string }

/** A refused or failed call: the server's stable `code` and its sentence for people. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly issues: Issue[] = [],
    readonly reference?: string,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

/** Calls a route handler; throws {@link ApiError} with the server's code and message. */
export async function call<T>(path: string, init?: RequestInit): Promise<T> {
  let res: Response
  try {
    res = await fetch(path, {
      ...init,
      headers: { 'content-type': 'application/json', ...init?.headers },
    })
  } catch {
    throw new ApiError('unavailable', 'The server cannot be reached. Check your connection and try again.')
  }
  const body = res.status === 204 ? null : await res.json().catch(() => null)
  if (!res.ok) {
    const error = body?.error
    const message =
      typeof error?.message === 'string'
        ? error.reference
          ? `${error.message} (reference ${error.reference})`
          : error.message
        : `The server answered ${res.status}.`
    throw new ApiError(String(error?.code ?? 'internal'), message, error?.details?.issues ?? [], error?.reference)
  }
  return body as T
}

/** The message to show for anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : 'Something went wrong.'
}

/** A trip as the page shows it. */
export type Trip = { id: string; name: string; destination: string; startDate: string; endDate: string }
/** A memory as the page shows it. */
export type Memory = { id: string; content: string; type: string | null }
/** An itinerary entry. */
export type ItineraryItem = { id: string; title: string; day: string | null; startTime: string | null }
/** An attachment. */
export type Attachment = { id: string; originalFilename: string; size: number; uploadStatus: string }
