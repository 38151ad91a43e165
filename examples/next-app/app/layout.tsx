import type { ReactNode } from 'react'

export const metadata = { title: 'TripSage — Next.js example' }

/** The root layout: no fonts or assets from the network, so the app runs offline. */
export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: 'system-ui, sans-serif', margin: '2rem auto', maxWidth: 880, padding: '0 1rem' }}>
        {children}
      </body>
    </html>
  )
}
