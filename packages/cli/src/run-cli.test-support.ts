import { type CliContext, main } from './main.js'

/** Runs `main` in-process with captured output. */
export async function runCli(argv: string[], env: Record<string, string | undefined> = {}) {
  let stdout = ''
  let stderr = ''
  const ctx: CliContext = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env,
    version: '9.9.9',
  }
  const code = await main(argv, ctx)
  return { code, stdout, stderr }
}
