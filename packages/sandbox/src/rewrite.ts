/**
 * Dotted-path rewrites of JSON answers, for `rewrite` faults: `{ 'data.gid': '1/../../x' }` sets
 * `body.data.gid`. Paths arrive as JSON through the control endpoint, so they are checked when
 * injected, and applied without ever touching a prototype.
 */
import { SandboxInputError } from './scenario.js';

const PATH = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;
/** Segments that would reach a prototype rather than a property of the answer. */
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

type JsonObject = Record<string, unknown>;

/** A copy of `input` once every path and value is known good; throws naming the field otherwise. */
export function parseRewrite(input: unknown): Record<string, unknown> {
  if (!isObject(input)) {
    throw new SandboxInputError('fault.rewrite must be an object mapping dotted paths to values');
  }
  const entries = Object.entries(input);
  if (entries.length === 0)
    throw new SandboxInputError('fault.rewrite must name at least one path');
  const rewrite: Record<string, unknown> = {};
  for (const [path, value] of entries) {
    if (!PATH.test(path)) {
      throw new SandboxInputError(
        `fault.rewrite path ${JSON.stringify(path)} must be dot-separated identifiers, like "data.gid"`,
      );
    }
    if (path.split('.').some((segment) => FORBIDDEN_SEGMENTS.has(segment))) {
      throw new SandboxInputError(
        `fault.rewrite path ${JSON.stringify(path)} must not use __proto__, prototype or constructor`,
      );
    }
    if (!isJsonValue(value)) {
      throw new SandboxInputError(`fault.rewrite[${JSON.stringify(path)}] must be a JSON value`);
    }
    define(rewrite, path, structuredClone(value));
  }
  return rewrite;
}

/** `body` with every path of `rewrite` set; `body` itself is left as it was. */
export function applyRewrite(body: unknown, rewrite: Readonly<Record<string, unknown>>): unknown {
  const root: JsonObject = isObject(body) ? (structuredClone(body) as JsonObject) : {};
  for (const [path, value] of Object.entries(rewrite)) {
    const segments = path.split('.');
    const last = segments.pop() ?? path;
    let node = root;
    for (const segment of segments) {
      const next = Object.hasOwn(node, segment) ? node[segment] : undefined;
      if (isObject(next)) {
        node = next;
      } else {
        // A missing (or non-object) step becomes an object, so the path can always be set.
        const created: JsonObject = {};
        define(node, segment, created);
        node = created;
      }
    }
    define(node, last, structuredClone(value));
  }
  return root;
}

/** Sets an own property even where plain assignment would reach a setter or a prototype. */
function define(node: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isJsonValue(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      if (value === null) return true;
      if (Array.isArray(value)) return value.every(isJsonValue);
      return (
        Object.getPrototypeOf(value) === Object.prototype && Object.values(value).every(isJsonValue)
      );
    default:
      return false;
  }
}
