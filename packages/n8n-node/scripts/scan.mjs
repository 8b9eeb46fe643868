// Runs n8n's community-package scanner (@n8n/scan-community-package, what `npx
// @n8n/scan-community-package <name>` runs before a package may be verified) on this package
// without publishing it: the tarball `pnpm pack` makes (compiled dist/ and package.json, as n8n
// installs them), and the sources (nodes/, credentials/, package.json), as the scanner lints the
// source repository that a published version's provenance points at. Build first.
//
// The scanner as published (0.32.0) pins typescript 7.0.2, whose JavaScript API the
// @typescript-eslint parser it uses cannot load ("Cannot read properties of undefined (reading
// 'Cjs')"). It runs unmodified here, with `typescript` resolved to this package's 5.9 instead.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire, registerHooks } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..');
const ownTypescript = pathToFileURL(
  createRequire(join(root, 'package.json')).resolve('typescript'),
).href;
registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === 'typescript') return { url: ownTypescript, shortCircuit: true };
    return nextResolve(specifier, context);
  },
});
const { analyzePackage, SOURCE_FILE_PATTERNS } = await import(
  '@n8n/scan-community-package/scanner/scanner.mjs'
);

const work = mkdtempSync(join(tmpdir(), 'n8n-scan-'));
try {
  execFileSync('pnpm', ['pack', '--pack-destination', work], { cwd: root, stdio: 'ignore' });
  const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
  if (tarball === undefined) throw new Error('pnpm pack wrote no tarball');
  const packed = join(work, 'package');
  execFileSync('tar', ['-xzf', tarball], { cwd: work });

  let failed = false;
  for (const [label, dir, patterns] of [
    ['published package (dist/**/*.js, package.json)', packed, ['**/*.js', 'package.json']],
    ['sources (nodes/, credentials/, package.json)', root, SOURCE_FILE_PATTERNS],
  ]) {
    const result = await analyzePackage(dir, patterns);
    if (result.passed) {
      console.log(`scan: ${label}: passed`);
    } else {
      failed = true;
      console.log(`scan: ${label}: FAILED (${result.message})\n${result.details ?? ''}`);
    }
  }
  process.exitCode = failed ? 1 : 0;
} finally {
  rmSync(work, { recursive: true, force: true });
}
