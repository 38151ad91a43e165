'use client'

import { type FormEvent, useRef, useState } from 'react'
import { ApiError, type Attachment, call, messageOf } from './api'

const sizeText = (bytes: number) => (bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`)

/**
 * The trip's files: upload through a signed URL (the reason is shown when the server refuses),
 * download through another. The file input is cleared after every successful upload.
 */
export function AttachmentsPanel({
  tripId,
  attachments,
  onChanged,
}: {
  tripId: string
  attachments: Attachment[]
  onChanged: () => Promise<void>
}) {
  const file = useRef<HTMLInputElement>(null)
  const [error, setError] = useState<{ message: string; reasons: string[] } | null>(null)
  const [busy, setBusy] = useState(false)
  const [done, setDone] = useState<string | null>(null)

  const upload = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = event.currentTarget
    const chosen = file.current?.files?.[0]
    setError(null)
    setDone(null)
    if (!chosen) {
      setError({ message: 'Choose a file first.', reasons: [] })
      return
    }
    setBusy(true)
    try {
      const { attachment, upload } = await call<{
        attachment: Attachment
        upload: { url: string; headers: Record<string, string> }
      }>('/api/attachments', {
        method: 'POST',
        body: JSON.stringify({
          tripId,
          filename: chosen.name,
          mimeType: chosen.type || 'application/octet-stream',
          size: chosen.size,
        }),
      })
      const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: chosen })
      if (!put.ok) throw new Error(`The upload was refused (HTTP ${put.status}).`)
      await call(`/api/attachments/${attachment.id}/complete`, { method: 'POST' })
      form.reset() // clears the file input
      setDone(`Uploaded ${chosen.name}.`)
      await onChanged()
    } catch (e) {
      const reasons = e instanceof ApiError ? e.issues.map((issue) => issue.message) : []
      setError({ message: messageOf(e), reasons: reasons.length > 1 ? reasons : [] })
    } finally {
      setBusy(false)
    }
  }

  const download = (id: string) =>
    call<{ url: string }>(`/api/attachments/${id}/url`)
      .then(({ url }) => window.open(url, '_blank', 'noopener'))
      .catch((e) => setError({ message: messageOf(e), reasons: [] }))

  return (
    <section className="card" aria-labelledby="attachments-heading">
      <h3 id="attachments-heading">Files</h3>
      <ul className="list" data-testid="attachments">
        {attachments.length === 0 && <li className="muted">No files yet.</li>}
        {attachments.map((a) => (
          <li key={a.id}>
            <button type="button" className="link" onClick={() => download(a.id)}>
              {a.originalFilename}
            </button>{' '}
            <span className="tag">{sizeText(a.size)}</span> <span className="tag">{a.uploadStatus}</span>
          </li>
        ))}
      </ul>
      <form className="row" onSubmit={upload} noValidate>
        <label htmlFor="attachment-file" className="visually-hidden">
          File to upload
        </label>
        <input id="attachment-file" ref={file} name="file" type="file" aria-describedby="attachment-help" />
        <button type="submit" className="secondary" disabled={busy}>
          {busy ? 'Uploading…' : 'Upload'}
        </button>
      </form>
      <p id="attachment-help" className="muted small">
        Images, PDF, text, CSV or Word documents, up to 10 MB.
      </p>
      {done && (
        <p className="ok" role="status" data-testid="upload-status">
          {done}
        </p>
      )}
      {error && (
        <div className="alert" role="alert" data-testid="upload-error">
          <p>{error.message}</p>
          {error.reasons.length > 0 && (
            <ul>
              {error.reasons.map((reason) => (
                <li key={reason}>{reason}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  )
}
