import { describe, expect, it } from 'vitest'
import { normalizeStatement, splitSqlStatements } from './sql-statements.js'

describe('splitSqlStatements', () => {
  it('splits on top-level semicolons and drops comment-only pieces', () => {
    expect(splitSqlStatements('create table a (id int);\n-- note;\nselect 1;  ;\n/* x; */')).toEqual([
      'create table a (id int)',
      '-- note;\nselect 1',
    ])
  })

  it('keeps semicolons inside strings, identifiers, comments and dollar quotes', () => {
    const script = [
      "insert into t values ('a;b', 'it''s;');",
      'select "we;ird" from x;',
      "select E'\\';x';",
      'create function f() returns int language plpgsql as $fn$ begin perform 1; return 2; end $fn$;',
      "do $$ begin raise notice 'a;'; end $$;",
      '/* outer /* nested; */ still; */ select 3;',
    ].join('\n')
    const statements = splitSqlStatements(script)
    expect(statements).toHaveLength(6)
    expect(statements[3]).toContain('return 2; end $fn$')
    expect(statements[5]).toMatch(/select 3$/)
  })

  it('does not treat a positional parameter as a dollar quote', () => {
    expect(splitSqlStatements('select $1; select $2')).toEqual(['select $1', 'select $2'])
  })

  it('normalizes whitespace for comparisons', () => {
    expect(normalizeStatement('select\n   1\t from  x')).toBe('select 1 from x')
  })
})
