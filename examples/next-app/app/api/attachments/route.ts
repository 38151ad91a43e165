import type { CreateAttachmentUploadInput } from '@tripsage/core'
import { asUser, jsonBody } from '../../../lib/respond'

/** Attachments of a trip (`?tripId=`), or all of the user's. */
export function GET(request: Request) {
  const tripId = new URL(request.url).searchParams.get('tripId')
  return asUser('attachments.read', async (me) => Response.json(await me.attachments.list(tripId ? { tripId } : {})))
}

/** Starts an upload: the attachment row and the signed URL to PUT the bytes to. */
export function POST(request: Request) {
  return asUser('attachments.upload', async (me) =>
    Response.json(await me.attachments.createUpload((await jsonBody(request)) as CreateAttachmentUploadInput), {
      status: 201,
    }),
  )
}
