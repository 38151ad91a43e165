import { createHash } from 'node:crypto'
import type { RespCommand } from './resp.js'

// The `#!lua flags=…` values stock redis-server 7 understands. Upstash adds its own (e.g.
// `allow-key-locking`, which `@upstash/ratelimit` puts on every script: lock only the declared
// keys); stock Redis refuses a script carrying a flag it does not know.
const stockFlags = new Set(['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys'])

const sha1 = (text: string | Buffer) => createHash('sha1').update(text).digest('hex')

/** The script with flags stock Redis does not know removed from its shebang, or `undefined` if none. */
export function stockScript(script: string): string | undefined {
  const match = /^#!lua([^\n]*)/.exec(script)
  if (!match) return undefined
  const flags = /\bflags=(\S*)/.exec(match[1] ?? '')?.[1]
  if (!flags) return undefined
  const listed = flags.split(',').filter(Boolean)
  const kept = listed.filter((flag) => stockFlags.has(flag))
  if (kept.length === listed.length) return undefined
  const shebang = kept.length > 0 ? `#!lua flags=${kept.join(',')}` : '#!lua'
  return shebang + script.slice(match[0].length)
}

/**
 * Rewrites script commands so Upstash-flavoured Lua runs on stock Redis while the client keeps
 * using the SHA-1 of the script it sent: `EVAL`/`SCRIPT LOAD` strip unknown flags and remember
 * `sha1(original) → sha1(rewritten)`; `EVALSHA`/`SCRIPT EXISTS` translate the client's SHA back.
 */
export class ScriptTranslator {
  private readonly shas = new Map<string, string>()

  /** The command to send to Redis instead of `command`. */
  toRedis(command: RespCommand): RespCommand {
    const name = String(command[0]).toUpperCase()
    const args = [...command]
    if ((name === 'EVAL' || name === 'EVAL_RO') && args[1] !== undefined) {
      args[1] = this.remember(String(args[1]))
    } else if ((name === 'EVALSHA' || name === 'EVALSHA_RO') && args[1] !== undefined) {
      args[1] = this.shas.get(String(args[1]).toLowerCase()) ?? args[1]
    } else if (name === 'SCRIPT' && args[2] !== undefined) {
      const sub = String(args[1]).toUpperCase()
      if (sub === 'LOAD') args[2] = this.remember(String(args[2]))
      if (sub === 'EXISTS') {
        for (let i = 2; i < args.length; i++) args[i] = this.shas.get(String(args[i]).toLowerCase()) ?? args[i]!
      }
    }
    return args
  }

  /** `SCRIPT LOAD` answers with the SHA-1 of what the client sent, as Upstash does. */
  fromRedis(command: RespCommand, reply: unknown): unknown {
    const name = String(command[0]).toUpperCase()
    if (name === 'SCRIPT' && String(command[1]).toUpperCase() === 'LOAD' && Buffer.isBuffer(reply)) {
      return Buffer.from(sha1(String(command[2])))
    }
    return reply
  }

  private remember(script: string): string {
    const rewritten = stockScript(script)
    if (rewritten === undefined) return script
    this.shas.set(sha1(script), sha1(rewritten))
    return rewritten
  }
}
