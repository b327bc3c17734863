/**
 * The browser UI is compiled on its own (ui/tsconfig.json) and served as plain modules, so it
 * cannot import the services' contracts at run time. The two it needs, the money conversions and
 * the error-code table, are copied here into ui/src/generated/ by `npm run build:ui`, word for
 * word under a header; contracts/__tests__/ui-contracts.test.ts fails when a copy is stale.
 * Run: node scripts/generate-ui-contracts.js [--check]
 */
const { readFileSync, writeFileSync, mkdirSync } = require('fs');
const { join } = require('path');

const root = join(__dirname, '..');
const COPIES = ['money.ts', 'errors.ts'];

function copyOf(name) {
  const source = readFileSync(join(root, 'contracts', name), 'utf8');
  return `// Generated from contracts/${name} by scripts/generate-ui-contracts.js: do not edit; change the original.\n${source}`;
}

function main() {
  const check = process.argv.includes('--check');
  const stale = [];
  mkdirSync(join(root, 'ui', 'src', 'generated'), { recursive: true });
  for (const name of COPIES) {
    const target = join(root, 'ui', 'src', 'generated', name);
    const want = copyOf(name);
    let have = null;
    try {
      have = readFileSync(target, 'utf8');
    } catch {
      have = null;
    }
    if (have === want) continue;
    if (check) stale.push(name);
    else writeFileSync(target, want);
  }
  if (stale.length > 0) {
    console.error(`ui/src/generated is stale (${stale.join(', ')}): run node scripts/generate-ui-contracts.js`);
    process.exit(1);
  }
}

main();
