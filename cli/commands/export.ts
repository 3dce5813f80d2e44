import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import type { Command } from '../command.js';
import { lakeOption, openLake } from '../lakeOption.js';

export const exportCommand: Command = {
  name: 'export',
  summary: 'Export a detected scenario as an OpenSCENARIO 1.x file',
  usage:
    'adlake export openscenario <scenario id> [--out <file.xosc>] [--frame enu|wgs84] [--version 1.2|1.3] [--padding <s>] [--lake <dir>]',
  description: [
    "Writes the scenario as ASAM OpenSCENARIO XML: the ego vehicle's trajectory as a timed polyline from the",
    'synchronized positions (FollowTrajectoryAction), its initial speed, and the Environment: time of day',
    '(the scenario start), weather (cloud, precipitation, fog) and the sun position. Positions are in a local',
    'east-north-up frame whose WGS84 origin is recorded in the file (--frame enu, the default) or WGS84',
    'GeoPositions (--frame wgs84). The file validates against the ASAM XSD of its version. A unique prefix of',
    'the scenario id is enough (ids are listed by `adlake detect`).',
  ].join('\n'),
  options: {
    out: { type: 'string', valueName: 'file', description: 'Output file', default: '<scenario id>.xosc' },
    frame: {
      type: 'string',
      valueName: 'enu|wgs84',
      description: 'Coordinate frame of positions',
      default: 'enu',
    },
    version: { type: 'string', valueName: '1.2|1.3', description: 'OpenSCENARIO version', default: '1.2' },
    padding: {
      type: 'string',
      valueName: 's',
      description: 'Seconds of trajectory kept before and after the scenario',
      default: '0',
    },
    lake: lakeOption,
  },
  examples: [
    'adlake export openscenario 3f9c2a1b',
    'adlake export openscenario 3f9c2a1b --frame wgs84 --version 1.3 --out turn.xosc',
  ],
  async run(ctx, { positionals, options }) {
    const [format, id, ...extra] = positionals;
    if (format !== 'openscenario')
      throw new UsageError(`export: the only format is 'openscenario', got '${format ?? ''}'`);
    if (!id) throw new UsageError('export openscenario: give a scenario id');
    if (extra.length > 0) throw new UsageError(`export openscenario: unexpected '${extra.join(' ')}'`);
    const frame = options.frame ?? 'enu';
    if (frame !== 'enu' && frame !== 'wgs84')
      throw new UsageError(`export: --frame must be enu or wgs84, got '${String(frame)}'`);
    const version = options.version ?? '1.2';
    if (version !== '1.2' && version !== '1.3')
      throw new UsageError(`export: --version must be 1.2 or 1.3, got '${String(version)}'`);
    const paddingS = Number(options.padding ?? '0');
    if (!Number.isFinite(paddingS) || paddingS < 0)
      throw new UsageError(
        `export: --padding must be a number of seconds >= 0, got '${String(options.padding)}'`,
      );

    const store = await openLake(ctx, options);
    const { exportScenario } = await import('../../transforms/exportScenario.js');
    const result = await exportScenario(store, id, { frame, version, paddingS });
    const out = resolve(
      ctx.cwd,
      typeof options.out === 'string' ? options.out : `${result.scenario.id}.xosc`,
    );
    await writeFile(out, result.xml);
    return {
      data: {
        scenario: result.scenario.id,
        type: result.scenario.type,
        file: out,
        vertices: result.vertices,
        frame,
        version,
      },
      text: `OpenSCENARIO ${version} (${frame}) for ${result.scenario.type} ${result.scenario.id}: ${out} (${result.vertices} vertices)`,
    };
  },
};
