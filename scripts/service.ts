/**
 * The image's entry point: `node dist/scripts/service.js <name>` runs one service, so one image
 * serves every container (docker compose and Kubernetes pick the service by command) and the
 * tests start exactly these entry points.
 */
export const SERVICE_ENTRIES = {
  api: '../api/main',
  engine: '../engine/main',
  'ws-server': '../ws-server/main',
  'db-writer': '../db-writer/main',
  'data-server': '../data-server/main',
  migrate: './migrate',
  all: './start-all',
} as const;

export type ServiceEntry = keyof typeof SERVICE_ENTRIES;

/**
 * Node flags a service runs with (as arguments here, as NODE_OPTIONS in docker-compose.yml and
 * k8s/, which a test holds to this list). The engine makes a few short-lived strings per event,
 * hundreds of thousands a second: a larger young generation lets most die before a scavenge.
 */
export const NODE_FLAGS: Partial<Record<ServiceEntry, string[]>> = {
  engine: ['--max-semi-space-size=64'],
};

if (require.main === module) {
  const name = process.argv[2] as ServiceEntry | undefined;
  if (name === undefined || !(name in SERVICE_ENTRIES)) {
    process.stderr.write(`usage: service <${Object.keys(SERVICE_ENTRIES).join('|')}>\n`);
    process.exit(2);
  }
  require(SERVICE_ENTRIES[name]);
}
