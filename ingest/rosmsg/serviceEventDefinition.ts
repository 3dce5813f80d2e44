const SEPARATOR = '='.repeat(80);

/**
 * rosbag2 (Iron and later) records service events on `<service>/_service_event` topics with schema name
 * `pkg/srv/Name_Event` but stores the `.srv` text (request `---` response) as the schema. The message on
 * the wire is the generated Event type (service_msgs, REP 2012 "service introspection"):
 * `ServiceEventInfo info, Name_Request[<=1] request, Name_Response[<=1] response`. This rebuilds that
 * definition; other schemas come back unchanged.
 */
export function serviceEventDefinition(schemaName: string, text: string): string {
  const match = /^(.+)\/srv\/(.+)_Event$/.exec(schemaName);
  if (match === null) return text;
  const lines = text.split(/\r?\n/);
  const split = lines.findIndex((l) => l.trim() === '---');
  if (split < 0) return text;
  const pkg = match[1]!;
  const name = match[2]!;
  const request = lines.slice(0, split);
  let response = lines.slice(split + 1);
  // Definitions of nested types, if the writer appended any, follow the response as `MSG:` sections.
  const nestedAt = response.findIndex((l) => /^={10,}\s*$/.test(l));
  const nested = nestedAt >= 0 ? response.slice(nestedAt) : [];
  if (nestedAt >= 0) response = response.slice(0, nestedAt);
  return [
    'service_msgs/ServiceEventInfo info',
    `${pkg}/${name}_Request[<=1] request`,
    `${pkg}/${name}_Response[<=1] response`,
    SEPARATOR,
    'MSG: service_msgs/ServiceEventInfo',
    'uint8 event_type',
    'builtin_interfaces/Time stamp',
    'char[16] client_gid',
    'int64 sequence_number',
    SEPARATOR,
    `MSG: ${pkg}/${name}_Request`,
    ...request,
    SEPARATOR,
    `MSG: ${pkg}/${name}_Response`,
    ...response,
    ...nested,
  ].join('\n');
}
