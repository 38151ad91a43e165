import { createTestUser } from '@tripsage/testing'
import { cookies } from 'next/headers'
import { errorResponse } from '../../../lib/respond'
import { currentClaims, demoCookie } from '../../../lib/session'
import { getTripSage } from '../../../lib/tripsage'

/** Who is signed in, and in which mode the app runs. */
export async function GET() {
  try {
    const { mode } = await getTripSage()
    const claims = await currentClaims()
    return Response.json({ mode, user: claims ? { id: claims.sub, email: claims.email ?? null } : null })
  } catch (error) {
    return errorResponse(error)
  }
}

/** Embedded mode only: signs in as a fresh demo user (there is no Supabase Auth to sign in with). */
export async function POST(request: Request) {
  try {
    const { adminDb, limiter } = await getTripSage()
    if (!adminDb) return Response.json({ error: { code: 'not_found', message: 'Not found' } }, { status: 404 })
    await limiter.enforce('app.session', { ip: request.headers.get('x-forwarded-for') ?? 'local' })
    const user = await createTestUser(adminDb, { email: `traveller-${Date.now().toString(36)}@example.com` })
    const jar = await cookies()
    jar.set(demoCookie, Buffer.from(JSON.stringify(user.claims)).toString('base64url'), {
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
    })
    return Response.json({ user: { id: user.id, email: user.email } }, { status: 201 })
  } catch (error) {
    return errorResponse(error)
  }
}
