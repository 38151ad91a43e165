#!/usr/bin/env node
/**
 * The `tripsage` command (`bin` of `@tripsage/cli`): see `tripsage --help` and `main.ts`.
 *
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs'
import { main } from './main.js'

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  version: manifest.version,
})
