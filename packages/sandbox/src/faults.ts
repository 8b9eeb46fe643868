import { parseRewrite } from './rewrite.js';
import { SandboxInputError } from './scenario.js';
import type { DripPace, Fault, FaultRoute, Garble, RedirectStatus } from './types.js';

const ROUTES: readonly FaultRoute[] = ['create', 'status', 'download'];
const GARBLES: readonly Garble[] = ['truncated-json', 'html'];
const REDIRECTS: readonly RedirectStatus[] = [301, 302, 303, 307, 308];
/** Node's timers overflow (and fire at once) past this many milliseconds. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * The field that says what a fault does, and the other fields each kind may carry besides
 * `route` and `times`. A fault naming two kinds, or a field its kind does not have, is refused:
 * a typo such as `finale: true` must not silently change what a test exercises.
 */
const KINDS: Readonly<Record<string, readonly string[]>> = {
  status: ['retryAfter', 'message'],
  reset: ['afterBytes'],
  stall: ['afterBytes'],
  expireLink: [],
  rewrite: ['final'],
  garble: [],
  hang: [],
  drip: [],
  redirect: ['location'],
  changeObject: [],
};

/**
 * Validates a fault, whether it came from TypeScript or as JSON through `/_sandbox/inject`, so a
 * malformed one is refused when injected instead of misbehaving when a request consumes it.
 */
export function parseFault(input: unknown): Fault {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new SandboxInputError('fault must be an object');
  }
  const raw = input as Record<string, unknown>;
  const route = raw.route;
  if (!ROUTES.includes(route as FaultRoute)) {
    throw new SandboxInputError(`fault.route must be one of ${ROUTES.join(', ')}`);
  }
  const times = raw.times ?? 1;
  if (typeof times !== 'number' || !Number.isSafeInteger(times) || times < 1) {
    throw new SandboxInputError('fault.times must be a positive integer');
  }
  checkFields(raw);
  const common = { route: route as FaultRoute, times };

  if (raw.status !== undefined) {
    const { status, retryAfter, message } = raw;
    if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) {
      throw new SandboxInputError('fault.status must be an integer from 400 to 599');
    }
    if (retryAfter !== undefined && typeof retryAfter !== 'string') {
      throw new SandboxInputError('fault.retryAfter must be a string (seconds or an HTTP date)');
    }
    if (message !== undefined && typeof message !== 'string') {
      throw new SandboxInputError('fault.message must be a string');
    }
    return {
      ...common,
      status,
      ...(retryAfter === undefined ? {} : { retryAfter }),
      ...(message === undefined ? {} : { message }),
    };
  }
  if (raw.reset === 'before-response') return { ...common, reset: 'before-response' };
  if (raw.reset === 'after-processing') {
    if (route === 'download') {
      throw new SandboxInputError('after-processing resets apply to routes "create" and "status"');
    }
    return { route: route as 'create' | 'status', times, reset: 'after-processing' };
  }
  if (raw.expireLink !== undefined) {
    if (route !== 'download') throw new SandboxInputError('expireLink only applies to "download"');
    if (raw.expireLink !== true) throw new SandboxInputError('fault.expireLink must be true');
    return { route: 'download', times, expireLink: true };
  }
  if (raw.reset === 'mid-body' || raw.stall === 'mid-body') {
    if (route !== 'download')
      throw new SandboxInputError('mid-body faults only apply to "download"');
    const afterBytes = integerField('fault.afterBytes', raw.afterBytes, 0);
    return raw.stall === 'mid-body'
      ? { route: 'download', times, stall: 'mid-body', afterBytes }
      : { route: 'download', times, reset: 'mid-body', afterBytes };
  }
  if (raw.rewrite !== undefined) {
    const apiRoute = apiRouteOf(route as FaultRoute, 'rewrite');
    const rewrite = parseRewrite(raw.rewrite);
    if (raw.final !== undefined && typeof raw.final !== 'boolean') {
      throw new SandboxInputError('fault.final must be a boolean');
    }
    return { route: apiRoute, times, rewrite, ...(raw.final === true ? { final: true } : {}) };
  }
  if (raw.garble !== undefined) {
    const apiRoute = apiRouteOf(route as FaultRoute, 'garble');
    if (!GARBLES.includes(raw.garble as Garble)) {
      throw new SandboxInputError(`fault.garble must be one of ${GARBLES.join(', ')}`);
    }
    return { route: apiRoute, times, garble: raw.garble as Garble };
  }
  if (raw.hang !== undefined) {
    if (raw.hang !== true) throw new SandboxInputError('fault.hang must be true');
    return { ...common, hang: true };
  }
  if (raw.drip !== undefined) {
    if (route !== 'download') throw new SandboxInputError('drip only applies to "download"');
    return { route: 'download', times, drip: parseDrip(raw.drip) };
  }
  if (raw.redirect !== undefined) {
    if (route !== 'download') throw new SandboxInputError('redirect only applies to "download"');
    if (!REDIRECTS.includes(raw.redirect as RedirectStatus)) {
      throw new SandboxInputError(`fault.redirect must be one of ${REDIRECTS.join(', ')}`);
    }
    const { location } = raw;
    // Node refuses control characters in header values; refuse them here, not mid-request.
    if (
      location !== undefined &&
      (typeof location !== 'string' || !/^[\t\x20-\x7e\x80-\xff]+$/.test(location))
    ) {
      throw new SandboxInputError(
        'fault.location must be "regional" or a non-empty Location header value (no control characters)',
      );
    }
    return {
      route: 'download',
      times,
      redirect: raw.redirect as RedirectStatus,
      ...(location === undefined ? {} : { location }),
    };
  }
  if (raw.changeObject !== undefined) {
    if (route !== 'download')
      throw new SandboxInputError('changeObject only applies to "download"');
    if (raw.changeObject !== true) throw new SandboxInputError('fault.changeObject must be true');
    return { route: 'download', times, changeObject: true };
  }
  throw new SandboxInputError(
    'fault needs one of: status; reset "before-response", "after-processing" or "mid-body"; stall "mid-body"; expireLink; rewrite; garble; hang; drip; redirect; changeObject',
  );
}

/** Refuses a fault that names two kinds, or a field that its kind does not have. */
function checkFields(raw: Record<string, unknown>): void {
  const kinds = Object.keys(KINDS).filter((kind) => raw[kind] !== undefined);
  if (kinds.length > 1) {
    throw new SandboxInputError(`fault must have only one of ${kinds.join(', ')}`);
  }
  const [kind] = kinds;
  if (kind === undefined) return;
  const allowed = new Set(['route', 'times', kind, ...(KINDS[kind] ?? [])]);
  for (const key of Object.keys(raw)) {
    if (!allowed.has(key) && raw[key] !== undefined) {
      throw new SandboxInputError(`fault.${key} is not a field of ${kind} faults`);
    }
  }
}

function apiRouteOf(route: FaultRoute, kind: string): 'create' | 'status' {
  if (route === 'download') {
    throw new SandboxInputError(`${kind} faults apply to routes "create" and "status"`);
  }
  return route;
}

function parseDrip(input: unknown): DripPace {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new SandboxInputError('fault.drip must be an object with afterBytes, bytes and everyMs');
  }
  const raw = input as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!['afterBytes', 'bytes', 'everyMs'].includes(key)) {
      throw new SandboxInputError(`fault.drip.${key} is not a field of drip`);
    }
  }
  return {
    afterBytes: integerField('fault.drip.afterBytes', raw.afterBytes, 0),
    bytes: integerField('fault.drip.bytes', raw.bytes, 1),
    everyMs: integerField('fault.drip.everyMs', raw.everyMs, 1, MAX_TIMER_MS),
  };
}

function integerField(
  name: string,
  value: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    const range =
      max === Number.MAX_SAFE_INTEGER
        ? min === 0
          ? 'a non-negative integer'
          : `an integer of at least ${min}`
        : `an integer from ${min} to ${max}`;
    throw new SandboxInputError(`${name} must be ${range}`);
  }
  return value;
}

/** Pending faults per route, each consumed by one request at a time in the order injected. */
export class FaultQueue {
  readonly #pending = new Map<FaultRoute, { fault: Fault; remaining: number }[]>();

  add(fault: Fault): void {
    const queue = this.#pending.get(fault.route) ?? [];
    queue.push({ fault, remaining: fault.times ?? 1 });
    this.#pending.set(fault.route, queue);
  }

  /**
   * The fault the next request on `route` must suffer, if any. When `accepts` refuses the fault
   * at the head of the queue, nothing is taken and the queue is left as it was: faults are
   * never taken out of order.
   */
  take(route: FaultRoute, accepts: (fault: Fault) => boolean = () => true): Fault | undefined {
    const queue = this.#pending.get(route);
    const head = queue?.[0];
    if (queue === undefined || head === undefined || !accepts(head.fault)) return undefined;
    head.remaining -= 1;
    if (head.remaining === 0) queue.shift();
    return head.fault;
  }

  /** Drops every pending fault: what is left of a row's `times` must not reach the next run. */
  clear(): void {
    this.#pending.clear();
  }
}
