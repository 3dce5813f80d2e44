/**
 * `adlake sql` through the CLI runner, on a small lake written with DuckDB in the lake's layout.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/run.js';
import { openDuck, sqlString } from '../catalog/duckdb.js';

interface Captured {
  code: number;
  out: string;
  err: string;
}

let dir: string;

async function cli(argv: string[]): Promise<Captured> {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    cwd: dir,
    env: {},
    isTTY: false,
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
  });
  return { code, out, err };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'adlake-sql-cli-'));
  const duck = await openDuck();
  try {
    for (const [date, rows] of [
      ['2024-06-14', "('SPEED', 12.5, 'a,b'), ('SPEED', 13.0, 'say \"hi\"'), ('GEAR', 3, NULL)"],
      ['2024-06-15', "('SPEED', 20.0, 'line1\nline2')"],
    ] as const) {
      const folder = join(dir, 'lake', 'tables', 'can_signals', 'vehicle=car-1', `date=${date}`);
      await mkdir(folder, { recursive: true });
      await duck.rows(`COPY (
        SELECT TIMESTAMPTZ '${date} 08:00:00+00' + to_seconds(row_number() OVER ()) AS t, 'd1' AS drive_id,
               'can0' AS bus, 'M' AS message, signal, value, label
        FROM (VALUES ${rows}) v(signal, value, label))
        TO ${sqlString(join(folder, 'd1-00000.parquet'))} (FORMAT parquet)`);
    }
  } finally {
    duck.close();
  }
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('adlake sql', () => {
  it('prints an aligned table with a row count', async () => {
    const result = await cli([
      'sql',
      'SELECT signal, count(*) AS n, max(value) AS top FROM can_signals GROUP BY signal ORDER BY signal',
    ]);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const lines = result.out.split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'signal | n | top',
      '-------+---+----',
      'GEAR   | 1 |   3',
      'SPEED  | 3 |  20',
    ]);
    expect(lines[4]).toMatch(/^\(2 rows, \d+\.\d\d s\)$/);
  });

  it('cuts wide cells and shows NULL', async () => {
    const result = await cli(['sql', "SELECT repeat('x', 100) AS wide, NULL AS nothing"]);
    expect(result.code).toBe(0);
    const [, , row] = result.out.split('\n');
    expect(row).toBe(`${'x'.repeat(39)}… | NULL`);
  });

  it('--csv quotes fields per RFC 4180', async () => {
    const result = await cli(['sql', 'SELECT date, value, label FROM can_signals ORDER BY t, date', '--csv']);
    expect(result.code).toBe(0);
    expect(result.out).toBe(
      [
        'date,value,label',
        '2024-06-14,12.5,"a,b"',
        '2024-06-14,13,"say ""hi"""',
        '2024-06-14,3,',
        '2024-06-15,20,"line1\nline2"',
        '',
      ].join('\r\n'),
    );
  });

  it('--json prints an array of objects; bigints as numbers when safe, else strings', async () => {
    const result = await cli([
      'sql',
      "SELECT count(*) AS n, 9007199254740993::BIGINT AS big, TIMESTAMPTZ '2024-06-14 08:00:00.5+00' AS t, [1, 2] AS l FROM can_signals",
      '--json',
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toEqual([
      { n: 4, big: '9007199254740993', t: '2024-06-14T08:00:00.5Z', l: [1, 2] },
    ]);
  });

  it('--file runs the statements in order and prints the last result', async () => {
    await writeFile(
      join(dir, 'q.sql'),
      [
        '-- speed per day',
        "CREATE VIEW speed AS SELECT * FROM can_signals WHERE signal = 'SPEED';",
        "SELECT date, count(*) AS n FROM speed WHERE label <> ';' OR label IS NULL GROUP BY date ORDER BY date;",
        '',
      ].join('\n'),
    );
    const result = await cli(['sql', '--file', 'q.sql', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toEqual([
      { date: '2024-06-14', n: 2 },
      { date: '2024-06-15', n: 1 },
    ]);
  });

  it('a syntax error exits 65 with the position in the file', async () => {
    await writeFile(join(dir, 'bad.sql'), 'SELECT 1;\n\nSELECT *\n  FORM can_signals;\n');
    const result = await cli(['sql', '--file', 'bad.sql']);
    expect(result.code).toBe(65);
    expect(result.err).toBe(
      `adlake: sql: Parser Error: syntax error at or near "can_signals" (at ${join(dir, 'bad.sql')}:4:8)\n`,
    );
    const inline = await cli(['sql', 'SELEC 1', '--json']);
    expect(inline.code).toBe(65);
    expect(JSON.parse(inline.out)).toMatchObject({
      error: { code: 'BAD_INPUT', where: { line: 1, column: 1 } },
    });
  });

  it('an unknown table exits 66 and lists the tables', async () => {
    const result = await cli(['sql', 'SELECT * FROM can_signal']);
    expect(result.code).toBe(66);
    expect(result.err).toContain('table can_signal does not exist; tables: can_frames, can_signals, drives');
  });

  it('refuses bad usage with exit 64', async () => {
    expect((await cli(['sql'])).code).toBe(64);
    expect((await cli(['sql', 'SELECT 1', '--csv', '--json'])).code).toBe(64);
    expect((await cli(['sql', 'SELECT 1', '--engine', 'oracle'])).code).toBe(64);
    expect((await cli(['sql', 'SELECT 1', '--max-rows', '-1'])).code).toBe(64);
    expect((await cli(['sql', '  ;  -- nothing'])).code).toBe(64);
  });

  it('--max-rows limits the rows printed', async () => {
    const result = await cli(['sql', 'SELECT * FROM range(10) r(i)', '--max-rows', '3']);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/\(3 rows \(more not shown\), /);
  });

  it('registers --views files and exposes --database aliases', async () => {
    const views = join(dir, 'views');
    await mkdir(views, { recursive: true });
    await writeFile(
      join(views, 'b.sql'),
      "CREATE VIEW gears AS SELECT * FROM signals_only WHERE signal = 'GEAR';\n",
    );
    await writeFile(
      join(views, 'a.sql'),
      'CREATE VIEW signals_only AS SELECT signal, value FROM can_signals;\n',
    );
    const result = await cli([
      'sql',
      'SELECT value FROM lakedb.gears',
      '--views',
      'views',
      '--database',
      'lakedb',
      '--json',
    ]);
    expect(result.err).toBe('');
    expect(JSON.parse(result.out)).toEqual([{ value: 3 }]);
  });

  it('Ctrl-C cancels the query: exit 130', async () => {
    // Only the command's own SIGINT listener is called: emitting the signal would reach the test runner's too.
    const before = new Set(process.listeners('SIGINT'));
    const running = cli(['sql', 'SELECT count(*) FROM range(100000000000) r(x) WHERE x % 7 = 3']);
    const timer = setInterval(() => {
      for (const listener of process.listeners('SIGINT')) {
        if (!before.has(listener)) (listener as () => void)();
      }
    }, 50);
    const result = await running.finally(() => clearInterval(timer));
    expect(result.code).toBe(130);
    expect(result.err).toBe('adlake: sql: query cancelled\n');
    expect(process.listeners('SIGINT')).toHaveLength(before.size);
  });
});
