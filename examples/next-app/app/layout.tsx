import type { ReactNode } from 'react'
import './globals.css'

export const metadata = { title: 'TripSage — Next.js example' }

/** The root layout: plain CSS and the system font stack, nothing from the network (runs offline). */
export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        {children}
      </body>
    </html>
  )
}
