import { asUser } from '../../../../../lib/respond'

/** Finishes an upload once the bytes are stored: size, type and leading bytes are checked. */
export function POST(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  return asUser('attachments.upload', async (me) => Response.json(await me.attachments.complete((await params).id)))
}
