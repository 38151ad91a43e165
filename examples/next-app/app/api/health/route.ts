import { getTripSage } from '../../../lib/tripsage'

export async function GET() {
  const { mode } = await getTripSage()
  return Response.json({ status: 'ok', mode })
}
