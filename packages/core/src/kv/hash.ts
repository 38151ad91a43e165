const encoder = new TextEncoder()
const memo = new Map<string, string>()
const memoLimit = 2048

/**
 * Lower-case hex SHA-256 of `text` with Web Crypto (any runtime). Recent results are memoised in
 * a small bounded map, since the same user ids and keys recur on every request.
 */
export async function sha256Hex(text: string): Promise<string> {
  const known = memo.get(text)
  if (known !== undefined) return known
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)))
  let hex = ''
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0')
  if (memo.size >= memoLimit) memo.delete(memo.keys().next().value as string)
  memo.set(text, hex)
  return hex
}

/** Random lower-case hex from Web Crypto. */
export function randomHex(bytes = 16): string {
  let hex = ''
  for (const byte of crypto.getRandomValues(new Uint8Array(bytes))) hex += byte.toString(16).padStart(2, '0')
  return hex
}

/** A random integer in [1, 2^48]: exact as a JS number and as its decimal text. */
export function randomInteger(): number {
  const [high = 0, low = 0] = crypto.getRandomValues(new Uint32Array(2))
  return (high & 0xffff) * 2 ** 32 + low + 1
}
