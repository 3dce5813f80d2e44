/**
 * Links untracked detections (no tracker id) of one topic into tracks, so the object detectors can tell
 * how long an object stays in a zone: each detection joins the nearest open track of its class whose last
 * sample is close enough, else starts a track. Greedy nearest neighbour, one message at a time; good
 * enough for "is there a pedestrian ahead", not a tracker.
 */

export interface AssociationOptions {
  /**
   * Largest distance a detection may be from a track's last position, in metres, plus what a relative
   * speed of `maxRelativeSpeedMps` covers in the time between them. @default 2
   */
  gateM?: number;
  /** Relative speed (ego frame) allowed for in the gate: static objects pass the ego at its speed. @default 40 */
  maxRelativeSpeedMps?: number;
  /** A track not seen for longer than this ends. @default 1 */
  maxGapS?: number;
}

interface OpenTrack {
  key: string;
  t: bigint;
  x: number;
  y: number;
}

/** Assigns track keys to the detections of a topic, message by message, in time order. */
export class DetectionAssociation {
  private readonly open = new Map<string, OpenTrack[]>();
  private readonly gateM: number;
  private readonly speed: number;
  private readonly maxGapNs: number;
  private next = 0;

  constructor(
    private readonly prefix: string,
    options: AssociationOptions = {},
  ) {
    this.gateM = options.gateM ?? 2;
    this.speed = options.maxRelativeSpeedMps ?? 40;
    this.maxGapNs = (options.maxGapS ?? 1) * 1e9;
  }

  /**
   * The track keys of one message's detections of one class (`positions` in the message's order). Call
   * in time order.
   */
  assign(t: bigint, kind: string, positions: readonly { x: number; y: number }[]): string[] {
    const live = (this.open.get(kind) ?? []).filter((o) => Number(t - o.t) <= this.maxGapNs);
    // All pairs by distance, nearest first; each track and detection is used once.
    const pairs: { d: number; track: number; detection: number }[] = [];
    live.forEach((track, i) => {
      const gate = this.gateM + (this.speed * Number(t - track.t)) / 1e9;
      positions.forEach((p, j) => {
        const d = Math.hypot(p.x - track.x, p.y - track.y);
        if (d <= gate) pairs.push({ d, track: i, detection: j });
      });
    });
    pairs.sort((a, b) => a.d - b.d);
    const keys = new Array<string | undefined>(positions.length).fill(undefined);
    const usedTracks = new Set<number>();
    for (const pair of pairs) {
      if (usedTracks.has(pair.track) || keys[pair.detection] !== undefined) continue;
      usedTracks.add(pair.track);
      keys[pair.detection] = (live[pair.track] as OpenTrack).key;
    }
    const out = keys.map((key) => key ?? `${this.prefix}${this.next++}`);
    const moved = new Map(out.map((key, j) => [key, positions[j] as { x: number; y: number }]));
    const stillOpen = live.filter((o) => !moved.has(o.key));
    for (const [key, p] of moved) stillOpen.push({ key, t, x: p.x, y: p.y });
    this.open.set(kind, stillOpen);
    return out;
  }
}
