// The third-party notice file of a bundle: every package whose code the bundler put in it, with
// the licence its package.json declares and the licence text it ships, written from the
// bundler's own module list (esbuild's metafile) rather than from package.json, so that what is
// listed is what ships. Used by the builds of the action and of the n8n node (and their tests).
import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

const RULE = '='.repeat(80);
const THIN_RULE = '-'.repeat(80);
/** Files a package's licence text lives in; NOTICE too, which Apache-2.0 asks to pass on. */
const LICENCE_FILE = /^(licen[cs]e|copying|unlicense|notice)([-._].*)?$/i;
const REPOSITORY = resolve(import.meta.dirname, '..');

/**
 * @typedef {{ outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }> }} Metafile
 * @typedef {{ name: string, version: string, license: string, dir: string, texts: Array<{ file: string, text: string }> }} BundledPackage
 */

/**
 * The input files that put code in the bundle: esbuild's metafile lists every file it read, and
 * under each output the ones that contributed to it (a module tree-shaken away counts 0 bytes).
 * @param {Metafile | string[]} bundle
 * @returns {string[]}
 */
function bundledInputs(bundle) {
  if (Array.isArray(bundle)) return bundle;
  return Object.values(bundle.outputs).flatMap((output) =>
    Object.entries(output.inputs)
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([path]) => path),
  );
}

/**
 * Where an input lives on disk. esbuild writes paths relative to its working directory, and a
 * plugin's own namespace as a prefix (`zod-locales:/abs/path`).
 */
function diskPath(input, cwd) {
  const path = input.replace(/^[a-z][\w-]+:(?=[/\\]|[A-Za-z]:)/, '');
  return resolve(cwd, path);
}

/** The package directory a file belongs to: the one named after its last `node_modules`. */
function packageDirOf(file) {
  const parts = file.split(sep);
  const at = parts.lastIndexOf('node_modules');
  if (at === -1) return undefined;
  const length = parts[at + 1]?.startsWith('@') ? 2 : 1;
  return parts.slice(0, at + 1 + length).join(sep);
}

/** The names of this repository's own packages, which are not third-party whatever their path. */
function workspaceNames() {
  const packages = join(REPOSITORY, 'packages');
  return new Set(
    readdirSync(packages, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((entry) => {
        try {
          return [
            JSON.parse(readFileSync(join(packages, entry.name, 'package.json'), 'utf8')).name,
          ];
        } catch {
          return [];
        }
      }),
  );
}

function licenseOf(manifest) {
  if (typeof manifest.license === 'string') return manifest.license;
  if (typeof manifest.license?.type === 'string') return manifest.license.type;
  if (Array.isArray(manifest.licenses)) {
    const types = manifest.licenses.map((entry) => entry?.type ?? entry).filter(Boolean);
    if (types.length > 0) return types.length === 1 ? types[0] : `(${types.join(' OR ')})`;
  }
  return undefined;
}

/**
 * Licence texts kept in this repository for the few packages that ship none (their README or
 * their repository's LICENSE say which licence), one file per package name: `@scope/name` is
 * `@scope+name.txt`. A first line `SPDX-License-Identifier: <id>` stands in for a package.json
 * that declares no licence.
 */
const KEPT = join(REPOSITORY, 'scripts', 'third-party-licences');

function keptText(name) {
  const file = join(KEPT, `${name.replace('/', '+')}.txt`);
  try {
    return { file, text: readFileSync(file, 'utf8').replace(/\r\n?/g, '\n').trimEnd() };
  } catch (error) {
    if (error.code === 'ENOENT') return { file, text: undefined };
    throw error;
  }
}

function readPackage(dir, manifest) {
  const id = `${manifest.name}@${manifest.version}`;
  const kept = keptText(manifest.name);
  const keptName = relative(REPOSITORY, kept.file);
  const texts = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && LICENCE_FILE.test(entry.name))
    .map((entry) => entry.name)
    .sort()
    .map((file) => ({
      file,
      text: readFileSync(join(dir, file), 'utf8').replace(/\r\n?/g, '\n').trimEnd(),
    }))
    .filter(({ text }) => text !== '');
  if (!texts.some(({ file }) => !/^notice/i.test(file))) {
    if (kept.text === undefined) {
      throw new Error(
        `${id} (${dir}) is bundled but ships no LICENSE, LICENCE or COPYING file, and ` +
          `${keptName} does not exist: write its licence text there (from its repository or ` +
          'its README), or keep it out of the bundle.',
      );
    }
    texts.push({
      file: `${keptName}, kept in this repository (the package ships none)`,
      text: kept.text,
    });
  }
  const license =
    licenseOf(manifest) ?? /^SPDX-License-Identifier: (\S+)/.exec(kept.text ?? '')?.[1];
  if (license === undefined) {
    throw new Error(
      `${id} (${dir}) is bundled but its package.json declares no licence: find which one its ` +
        `README or repository gives and start ${keptName} with \`SPDX-License-Identifier: <id>\`, ` +
        'or keep it out of the bundle.',
    );
  }
  return { name: manifest.name, version: manifest.version, license, dir, texts };
}

/**
 * The third-party packages in a bundle, sorted by name and version; the repository's own
 * packages are left out.
 * @param {Metafile | string[]} bundle esbuild's metafile, or the paths of the bundled inputs
 * @param {{ cwd: string }} options the directory the paths are relative to (esbuild's absWorkingDir)
 * @returns {BundledPackage[]}
 */
export function bundledPackages(bundle, { cwd }) {
  const ours = workspaceNames();
  const dirs = new Set();
  for (const input of bundledInputs(bundle)) {
    const file = diskPath(input, cwd);
    const dir = packageDirOf(file);
    if (dir !== undefined) {
      dirs.add(realpathSync(dir));
    } else if (relative(REPOSITORY, file).startsWith('..')) {
      throw new Error(
        `${input} is bundled but is neither in a node_modules folder nor in this repository, so ` +
          'its package and licence are unknown: install it as a dependency instead.',
      );
    }
  }
  const byId = new Map();
  for (const dir of dirs) {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const id = `${manifest.name}@${manifest.version}`;
    if (!ours.has(manifest.name) && !byId.has(id)) byId.set(id, readPackage(dir, manifest));
  }
  return [...byId.values()].sort(
    (a, b) => compare(a.name, b.name) || compare(a.version, b.version),
  );
}

function compare(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

function heading(found) {
  // An SPDX expression comes in brackets already: `(Apache-2.0 AND BSD-3-Clause)`.
  const license = /^\(.*\)$/.test(found.license) ? found.license : `(${found.license})`;
  return `${found.name}@${found.version} ${license}`;
}

function section(found) {
  const texts = found.texts.map(({ file, text }) => `${file}:\n\n${text}`).join('\n\n');
  return `${RULE}\n${heading(found)}\n${THIN_RULE}\n${texts}\n`;
}

/**
 * The notice file's text: a list of the bundled packages, then each one's licence texts.
 * @param {Metafile | string[]} bundle esbuild's metafile, or the paths of the bundled inputs
 * @param {{ cwd: string, title: string }} options cwd as for `bundledPackages`; title names the bundle
 * @returns {string}
 */
export function thirdPartyNotices(bundle, { cwd, title }) {
  const found = bundledPackages(bundle, { cwd });
  const count = `${found.length} third-party package${found.length === 1 ? '' : 's'}`;
  return [
    title,
    '',
    `It bundles ${count}, listed here with the licence each one’s package.json declares,`,
    'then each with the licence text it ships. Written by scripts/third-party-notices.mjs from',
    'the bundler’s list of the modules it bundled: do not edit.',
    '',
    ...found.map((entry) => `- ${heading(entry)}`),
    '',
    ...found.map(section),
  ].join('\n');
}

/** The list at the top of a notice file, and its sections by their heading line. */
function parse(text) {
  const [top = '', ...parts] = text.split(`\n${RULE}\n`);
  const list = [...top.matchAll(/^- (.+)$/gm)].map((match) => match[1]);
  const sections = new Map();
  for (const part of parts) {
    const end = part.indexOf(`\n${THIN_RULE}\n`);
    const head = end === -1 ? part : part.slice(0, end);
    const body = end === -1 ? '' : part.slice(end + THIN_RULE.length + 2);
    sections.set(head, `${RULE}\n${head}\n${THIN_RULE}\n${body.replace(/\n*$/, '\n')}`);
  }
  return { list, sections };
}

/**
 * What is wrong with a notice file, compared with the bundle it belongs to: a bundled package it
 * does not list, a package it lists that is not bundled (or with another version or licence), a
 * licence text that is not the one the package ships. Empty when the file is right.
 * @param {string} text the notice file
 * @param {Metafile | string[]} bundle as for `bundledPackages`
 * @param {{ cwd: string }} options as for `bundledPackages`
 * @returns {string[]}
 */
export function checkNotices(text, bundle, { cwd }) {
  const { list, sections: listed } = parse(text);
  const expected = new Map(
    bundledPackages(bundle, { cwd }).map((found) => [heading(found), found]),
  );
  const problems = [];
  if (list.join('\n') !== [...expected.keys()].join('\n')) {
    problems.push('the list at the top is not the sorted list of the bundled packages');
  }
  for (const [head, found] of expected) {
    if (!listed.has(head)) problems.push(`bundled but not listed: ${head}`);
    else if (listed.get(head) !== section(found)) {
      problems.push(`listed with a licence text other than the one it ships: ${head}`);
    }
  }
  for (const head of listed.keys()) {
    if (!expected.has(head)) problems.push(`listed but not bundled: ${head}`);
  }
  return problems;
}
