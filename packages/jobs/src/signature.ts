import { ValidationError } from '@tripsage/core'
import { Receiver } from '@upstash/qstash'
import { decodeBase64urlText } from './base64url.js'

/** The two QStash signing keys (console → QStash → Signing keys). Both are required. */
export interface SigningKeys {
  /** The key QStash signs with now. */
  currentSigningKey: string
  /** The key QStash will sign with after the next roll; accepted too, so a roll needs no redeploy. */
  nextSigningKey: string
}

/**
 * What `receiver` accepts: the two keys, or an `@upstash/qstash` `Receiver` built with both keys.
 * Either way the handler verifies with its own `Receiver({ …keys, devMode: false })`, so the
 * `QSTASH_DEV` environment variable, QStash's public dev-server keys and the region/env fallbacks
 * of an under-configured `Receiver` can never admit a request.
 */
export type ReceiverOption = SigningKeys | Receiver

/** The public keys of QStash's local dev server; never accepted as production keys. */
const devSigningKeys = new Set(['sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r', 'sig_5ZB6DVzB1wjE8S6rZ7eenA8Pdnhs'])

/** Verified facts about one delivery's token. */
export interface VerifiedSignature {
  /** The token id (`jti`). */
  jti: string
  /** When the token expires, epoch seconds. */
  exp: number
}

/** Verifies `Upstash-Signature` values with the real `@upstash/qstash` `Receiver`. */
export interface SignatureVerifier {
  /** Resolves the token's facts, or rejects (any reason) when the signature must be refused. */
  verify(input: { signature: string; body: string; url: string }): Promise<VerifiedSignature>
}

/**
 * Checks the key configuration now (a missing or dev key throws `validation` at construction, not
 * at the first request) and returns a verifier over a `Receiver` that never uses dev keys.
 *
 * @param option - the signing keys or a `Receiver` built with them
 * @param clockToleranceSeconds - accepted clock skew for `exp`/`nbf`/`iat` (default 0)
 */
export function createSignatureVerifier(option: ReceiverOption, clockToleranceSeconds = 0): SignatureVerifier {
  const keys = signingKeysOf(option)
  const receiver = new Receiver({ ...keys, devMode: false })
  return {
    async verify({ signature, body, url }) {
      await receiver.verify({ signature, body, url, clockTolerance: clockToleranceSeconds })
      const claims = JSON.parse(decodeBase64urlText(signature.split('.')[1] ?? '')) as Record<string, unknown>
      const jti = typeof claims.jti === 'string' && claims.jti.length > 0 ? claims.jti : null
      const exp = typeof claims.exp === 'number' ? claims.exp : null
      if (jti === null || exp === null) throw new Error('The token has no jti or exp')
      return { jti, exp }
    },
  }
}

function signingKeysOf(option: ReceiverOption): SigningKeys {
  if (typeof option !== 'object' || option === null) throw missing('receiver')
  // A Receiver keeps its configuration in (TypeScript-private) fields; read them so that a
  // Receiver left to environment fallbacks or dev mode is refused here instead of at request time.
  const fields = option as unknown as { currentSigningKey?: unknown; nextSigningKey?: unknown; devMode?: unknown }
  if (fields.devMode === true) {
    throw new ValidationError('The QStash receiver is in dev mode; job handlers never accept dev keys', {
      details: { option: 'receiver' },
    })
  }
  const current = fields.currentSigningKey
  const next = fields.nextSigningKey
  if (typeof current !== 'string' || current.length === 0) throw missing('currentSigningKey')
  if (typeof next !== 'string' || next.length === 0) throw missing('nextSigningKey')
  if (devSigningKeys.has(current) || devSigningKeys.has(next)) {
    throw new ValidationError("QStash's public dev-server signing keys are never accepted by a job handler", {
      details: { option: 'receiver' },
    })
  }
  return { currentSigningKey: current, nextSigningKey: next }
}

function missing(key: string): ValidationError {
  return new ValidationError(
    `The job handler needs both QStash signing keys: \`${key}\` is missing (pass them explicitly; environment variables are not read)`,
    { details: { option: 'receiver', key } },
  )
}
