/**
 * Who is calling. With Supabase: the claims of the signed-in user, read from the auth cookies by
 * @supabase/ssr and verified by `auth.getClaims()`. Embedded: a demo-user cookie holding the
 * claims themselves — it proves nothing and exists only without Supabase Auth.
 */
import { createServerClient } from '@supabase/ssr'
import type { UserClaims } from '@tripsage/core'
import { cookies } from 'next/headers'

/** The embedded-mode cookie. */
export const demoCookie = 'tripsage-demo-user'

/** The verified claims of the caller, or null when nobody is signed in. */
export async function currentClaims(): Promise<UserClaims | null> {
  const jar = await cookies()
  const url = process.env.SUPABASE_URL
  const anonKey = process.env.SUPABASE_ANON_KEY
  if (url && anonKey) {
    const supabase = createServerClient(url, anonKey, {
      cookies: {
        getAll: () => jar.getAll(),
        // Route handlers may refresh the session cookies.
        setAll: (list) => {
          for (const { name, value, options } of list) jar.set(name, value, options)
        },
      },
    })
    const { data, error } = await supabase.auth.getClaims()
    return error || !data ? null : (data.claims as UserClaims)
  }
  const raw = jar.get(demoCookie)?.value
  if (!raw) return null
  try {
    return JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as UserClaims
  } catch {
    return null
  }
}
