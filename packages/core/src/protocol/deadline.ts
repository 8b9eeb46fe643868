import type { Alarm, Clock } from './ports.js';

/**
 * The one time limit of a run (`--timeout`, `timeout-minutes`, Timeout (Minutes)): creating,
 * waiting and downloading all count against it. `signal` aborts when the caller's does or when
 * the limit passes, so a request or a body read in flight ends with the run; every wait the
 * protocol times itself is cut to `remainingMs()`. `reached` tells a run the limit ended from one
 * the user cancelled.
 */
export class RunDeadline {
  readonly startedAt: number;
  readonly timeoutMs: number;
  /** Aborts on the caller's signal or at the deadline: pass it to every port. */
  readonly signal: AbortSignal;
  readonly #clock: Clock;
  readonly #caller: AbortSignal;
  readonly #alarm: Alarm | undefined;

  constructor(options: {
    readonly clock: Clock;
    readonly timeoutMs: number;
    /** The caller's own signal: the user or the runner cancelling. */
    readonly signal: AbortSignal;
    /** When the limit began, if before now (clock ms). */
    readonly startedAt?: number;
  }) {
    this.#clock = options.clock;
    this.#caller = options.signal;
    this.startedAt = options.startedAt ?? options.clock.now();
    this.timeoutMs = options.timeoutMs;
    this.#alarm = options.clock.alarm?.(this.remainingMs());
    this.signal = this.#alarm
      ? AbortSignal.any([options.signal, this.#alarm.signal])
      : options.signal;
  }

  get atMs(): number {
    return this.startedAt + this.timeoutMs;
  }

  elapsedMs(): number {
    return this.#clock.now() - this.startedAt;
  }

  remainingMs(): number {
    return Math.max(0, this.atMs - this.#clock.now());
  }

  /** True once the limit, not the caller, has ended the run. */
  get reached(): boolean {
    if (this.#caller.aborted) return false;
    return this.#alarm?.signal.aborted === true || this.#clock.now() >= this.atMs;
  }

  /** Stops the timer; call when the run is over. */
  dispose(): void {
    this.#alarm?.cancel();
  }
}
