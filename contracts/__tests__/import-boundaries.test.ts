import { readdirSync, readFileSync, statSync } from 'fs';
import { join, relative, resolve, dirname, sep } from 'path';

/**
 * The walls between services: a service imports its own folder and the shared ones (contracts/,
 * runtime/, portfolio/, generated/), never another service's; the shared folders import no
 * service. Anything else a service needs from another goes through contracts/ (issue 20).
 */
const ROOT = join(__dirname, '..', '..');
const SERVICES = ['api', 'engine', 'ws-server', 'db-writer', 'data-server', 'ui'];
const SHARED = ['contracts', 'runtime', 'portfolio', 'generated'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' || name === '__tests__' ? [] : sources(path);
    return /\.ts$/.test(name) && !/\.d\.ts$/.test(name) ? [path] : [];
  });
}

const topFolder = (file: string) => relative(ROOT, file).split(sep)[0];

/** every relative import of a file, as the top-level folder it lands in */
function importsOf(file: string): { spec: string; folder: string }[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)|require\(\s*['"](\.[^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
  return specs.map((spec) => ({ spec, folder: topFolder(resolve(dirname(file), spec)) }));
}

function violations(folders: string[], allowed: (own: string) => string[]): string[] {
  return folders.flatMap((own) =>
    sources(join(ROOT, own)).flatMap((file) =>
      importsOf(file)
        .filter((i) => !allowed(own).includes(i.folder))
        .map((i) => `${relative(ROOT, file)} imports ${i.spec}`),
    ),
  );
}

describe('import boundaries', () => {
  test('when a service imports, then only its own folder and the shared ones', () => {
    expect(violations(SERVICES, (own) => [own, ...SHARED])).toEqual([]);
  });

  test('when a shared folder imports, then no service', () => {
    expect(violations(SHARED.filter((f) => f !== 'generated'), () => SHARED)).toEqual([]);
  });

  test('when an import crosses a wall, then the check sees it (it is not vacuous)', () => {
    // tests may reach into any service: held to the services' rule, they break it
    expect(importsOf(join(ROOT, 'tests', 'integration', 'persist.test.ts')).map((i) => i.folder)).toContain('db-writer');
    expect(violations(['tests'], (own) => [own, ...SHARED]).length).toBeGreaterThan(0);
  });
});
