import type { z } from 'zod'

/** An input path as a reader writes it: `messages[0].role`, `name`; empty for the input itself. */
export function issuePath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`
    else out += out ? `.${String(key)}` : String(key)
  }
  return out
}

const formatNames: Record<string, string> = {
  uuid: 'UUID',
  guid: 'UUID',
  email: 'email address',
  url: 'URL',
  date: 'date (YYYY-MM-DD)',
  datetime: 'timestamp (ISO 8601)',
  time: 'time (HH:MM)',
}

const sizeOf = (origin: unknown, amount: number, inclusive: boolean | undefined, bound: 'least' | 'most') => {
  const cmp = inclusive === false ? (bound === 'least' ? 'more than' : 'less than') : `at ${bound}`
  if (origin === 'string') return `${cmp} ${amount} character${amount === 1 ? '' : 's'}`
  if (origin === 'array' || origin === 'set') return `${cmp} ${amount} item${amount === 1 ? '' : 's'}`
  if (origin === 'file') return `${cmp} ${amount} bytes`
  return `${cmp} ${amount}`
}

/**
 * One zod issue as a sentence for people (`name is required`, `limit must be at most 100`,
 * `role must be one of: user, assistant`). Never contains the value that was refused; messages
 * the SDK wrote itself (refinements) are kept, with the path in front when they lack it.
 */
export function humanIssueMessage(issue: z.core.$ZodIssue): string {
  const path = issuePath(issue.path)
  const subject = path || 'the input'
  switch (issue.code) {
    case 'invalid_type': {
      const missing = issue.expected === 'nonoptional' || /received undefined$/.test(issue.message)
      if (missing) return `${subject} is required`
      return `${subject} must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`
    }
    case 'too_small': {
      const min = Number(issue.minimum)
      if (issue.origin === 'string' && min === 1) return `${subject} must not be empty`
      if ((issue.origin === 'array' || issue.origin === 'set') && min === 1) return `${subject} must not be empty`
      return `${subject} must be ${sizeOf(issue.origin, min, issue.inclusive, 'least')}`
    }
    case 'too_big':
      return `${subject} must be ${sizeOf(issue.origin, Number(issue.maximum), issue.inclusive, 'most')}`
    case 'invalid_value':
      return issue.values.length === 1
        ? `${subject} must be ${JSON.stringify(issue.values[0])}`
        : `${subject} must be one of: ${issue.values.map((v) => String(v)).join(', ')}`
    case 'invalid_format': {
      const format = formatNames[issue.format] ?? issue.format
      return `${subject} must be a valid ${format}`
    }
    case 'unrecognized_keys':
      return `${issue.keys.length === 1 ? 'unknown field' : 'unknown fields'} ${issue.keys.join(', ')}${path ? ` in ${path}` : ''}`
    case 'not_multiple_of':
      return `${subject} must be a multiple of ${String(issue.divisor)}`
    case 'invalid_union':
      return `${subject} does not match any allowed shape`
    case 'invalid_key':
    case 'invalid_element':
      return `${subject} has an invalid ${issue.code === 'invalid_key' ? 'key' : 'element'}`
    default: {
      // Refinements: the SDK's own sentence (e.g. "endDate must be on or after startDate").
      const message = issue.message
      const field = issue.path.findLast((key) => typeof key === 'string')
      const named = typeof field === 'string' && new RegExp(`\\b${field.replace(/\W/g, '\\$&')}\\b`).test(message)
      return path && !named ? `${path}: ${message}` : message
    }
  }
}
