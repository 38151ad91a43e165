import { z } from 'zod'

/** The booking state of a flight, stay or transport (`*_booking_status_check`). */
export const BookingStatus = z.enum(['available', 'reserved', 'booked', 'cancelled'])
/** The booking state of a flight, stay or transport: `available`, `reserved`, `booked` or `cancelled`. */
export type BookingStatus = z.infer<typeof BookingStatus>
