import { SandboxInputError } from './scenario.js';
import type { Fault, FaultRoute } from './types.js';

const ROUTES: readonly FaultRoute[] = ['create', 'status', 'download'];

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
    const afterBytes = raw.afterBytes;
    if (typeof afterBytes !== 'number' || !Number.isSafeInteger(afterBytes) || afterBytes < 0) {
      throw new SandboxInputError('fault.afterBytes must be a non-negative integer');
    }
    return raw.stall === 'mid-body'
      ? { route: 'download', times, stall: 'mid-body', afterBytes }
      : { route: 'download', times, reset: 'mid-body', afterBytes };
  }
  throw new SandboxInputError(
    'fault needs one of: status; reset "before-response", "after-processing" or "mid-body"; stall "mid-body"; expireLink',
  );
}

/** Pending faults per route, each consumed by one request at a time in the order injected. */
export class FaultQueue {
  readonly #pending = new Map<FaultRoute, { fault: Fault; remaining: number }[]>();

  add(fault: Fault): void {
    const queue = this.#pending.get(fault.route) ?? [];
    queue.push({ fault, remaining: fault.times ?? 1 });
    this.#pending.set(fault.route, queue);
  }

  /** The fault the next request on `route` must suffer, if any. */
  take(route: FaultRoute): Fault | undefined {
    const queue = this.#pending.get(route);
    const head = queue?.[0];
    if (queue === undefined || head === undefined) return undefined;
    head.remaining -= 1;
    if (head.remaining === 0) queue.shift();
    return head.fault;
  }
}
