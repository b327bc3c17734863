import { readFileSync } from 'fs';
import { join, relative, resolve, dirname, sep } from 'path';
import { sourceFiles } from './source-files';

/**
 * The walls between services: a service imports its own folder and the shared ones (contracts/,
 * runtime/, portfolio/, generated/), never another service's; the shared folders import no
 * service. Anything else a service needs from another goes through contracts/ (issue 20).
 */
const ROOT = join(__dirname, '..', '..');
const SERVICES = ['api', 'engine', 'ws-server', 'db-writer', 'data-server', 'ui'];
const SHARED = ['contracts', 'runtime', 'portfolio', 'generated'];

const topFolder = (file: string) => relative(ROOT, file).split(sep)[0];

/** every relative import of a file, as the top-level folder it lands in */
function importsOf(file: string): { spec: string; folder: string }[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)|require\(\s*['"](\.[^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
  return specs.map((spec) => ({ spec, folder: topFolder(resolve(dirname(file), spec)) }));
}

function violations(folders: string[], allowed: (own: string) => string[]): string[] {
  return folders.flatMap((own) =>
    sourceFiles(join(ROOT, own)).flatMap((file) =>
      importsOf(file)
        .filter((i) => !allowed(own).includes(i.folder))
        .map((i) => `${relative(ROOT, file)} imports ${i.spec}`),
    ),
  );
}

/** the import circles among the files of `folders` (each once, as the files around it) */
function circles(folders: string[]): string[][] {
  const files = folders.flatMap((f) => sourceFiles(join(ROOT, f)));
  const known = new Set(files);
  const edges = new Map(
    files.map((file) => [
      file,
      importsOf(file)
        .map((i) => resolve(dirname(file), i.spec).replace(/\.js$/, '') + '.ts')
        .filter((target) => known.has(target)),
    ]),
  );
  const found = new Map<string, string[]>();
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    path.push(file);
    for (const next of edges.get(file) ?? []) {
      if (state.get(next) === 'open') {
        const circle = path.slice(path.indexOf(next)).map((f) => relative(ROOT, f));
        found.set([...circle].sort().join(' '), circle);
      } else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(file, 'done');
  };
  for (const file of files) if (!state.has(file)) visit(file);
  return [...found.values()];
}

describe('import boundaries', () => {
  test('when a service imports, then only its own folder and the shared ones', () => {
    expect(violations(SERVICES, (own) => [own, ...SHARED])).toEqual([]);
  });

  test('when a shared folder imports, then no service', () => {
    expect(violations(SHARED.filter((f) => f !== 'generated'), () => SHARED)).toEqual([]);
  });

  test('when the files of the services and shared folders import each other, then never in a circle (type imports included)', () => {
    expect(circles([...SERVICES, ...SHARED.filter((f) => f !== 'generated')])).toEqual([]);
  });

  test('when an import crosses a wall, then the check sees it (it is not vacuous)', () => {
    // tests may reach into any service: held to the services' rule, they break it
    expect(importsOf(join(ROOT, 'tests', 'integration', 'persist.test.ts')).map((i) => i.folder)).toContain('db-writer');
    expect(violations(['tests'], (own) => [own, ...SHARED]).length).toBeGreaterThan(0);
  });
});
