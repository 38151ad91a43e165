import { asUser } from '../../../../../lib/respond'

/** A short-lived signed download URL. */
export function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  return asUser('attachments.read', async (me) => Response.json(await me.attachments.signedUrl((await params).id)))
}
