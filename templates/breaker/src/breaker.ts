import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  circuitBreaker,
  handleWhen,
  retry,
  wrap,
} from 'cockatiel';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { ToolError } from './tool.js';
import { UpstreamUnavailable, type Upstream, type UpstreamResponse } from './upstream.js';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface RunOptions {
  /** Safe to send twice (a GET, a PUT of the same value): only such calls are retried. */
  idempotent: boolean;
  /** The caller's signal (the tool call's): cancels the call and any retry still to come. */
  signal?: AbortSignal | undefined;
}

/** Where a circuit reports itself (the server's readiness checks, src/readiness.ts). */
export interface CheckRegistry {
  register(name: string, check: () => void, options: { required: boolean }): void;
}

const states: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Open]: 'open',
  [CircuitState.Isolated]: 'open',
};

/**
 * A failure the circuit counts and a retry may fix: `UpstreamUnavailable` (no answer, a 5xx) and any
 * unexpected error. A plain `ToolError` (a bad path, a redirect) does not count: the dependency answered.
 */
const isFailure = (error: unknown) =>
  error instanceof UpstreamUnavailable || !(error instanceof ToolError);

/** One circuit around one dependency: every call to it goes through `run`. */
export class Breaker {
  readonly #circuit;
  readonly #retrying;
  #openedAt = 0;

  constructor(
    readonly name: string,
    private readonly config: Config['breaker'],
    logger: Logger,
  ) {
    this.#circuit = circuitBreaker(handleWhen(isFailure), {
      halfOpenAfter: config.cooldownMs,
      breaker: new ConsecutiveBreaker(config.threshold),
    });
    this.#circuit.onBreak(() => {
      this.#openedAt = Date.now();
      logger.warn({ breaker: name, cooldownMs: config.cooldownMs }, 'circuit opened');
    });
    this.#circuit.onHalfOpen(() =>
      logger.info({ breaker: name }, 'circuit half-open: trying a call'),
    );
    this.#circuit.onReset(() => logger.info({ breaker: name }, 'circuit closed'));
    // Each attempt counts on its own against the circuit; an open circuit is never retried. The backoff is
    // exponential with decorrelated jitter, so that replicas do not retry in lockstep.
    const retries = retry(
      handleWhen((error) => isFailure(error) && !(error instanceof BrokenCircuitError)),
      {
        maxAttempts: config.retries,
        backoff: new ExponentialBackoff({ initialDelay: config.retryDelayMs, maxDelay: 5_000 }),
      },
    );
    // At debug, as each attempt is (src/upstream.ts): the calls that finally fail are logged by the caller.
    retries.onRetry((event) => {
      const err = 'error' in event ? event.error : undefined;
      logger.debug(
        { breaker: name, attempt: event.attempt, delayMs: Math.round(event.delay), err },
        'retrying',
      );
    });
    this.#retrying = wrap(retries, this.#circuit);
  }

  get state(): BreakerState {
    return states[this.#circuit.state];
  }

  /** Seconds until an open circuit lets a trial call through; 0 when it is not open. */
  retryAfterSeconds(): number {
    if (this.state !== 'open') return 0;
    return Math.max(1, Math.ceil((this.#openedAt + this.config.cooldownMs - Date.now()) / 1000));
  }

  /**
   * Runs `call` with retries (idempotent calls only) and the circuit breaker. The call sets its own time limit,
   * as the upstream client does with UPSTREAM_TIMEOUT_MS: a time-out is a failure like any other.
   */
  async run<T>(
    call: (signal: AbortSignal) => Promise<T>,
    { idempotent, signal }: RunOptions,
  ): Promise<T> {
    try {
      const policy = idempotent ? this.#retrying : this.#circuit;
      return await policy.execute(({ signal: attempt }) => call(attempt), signal);
    } catch (error) {
      if (!(error instanceof BrokenCircuitError)) throw error;
      throw new ToolError(`${this.name} unavailable, retry after ${this.retryAfterSeconds()} s`);
    }
  }
}

/** Every circuit of the server, by dependency name, each created on first use. */
export class Breakers {
  readonly #breakers = new Map<string, Breaker>();

  constructor(
    private readonly config: Config['breaker'],
    private readonly logger: Logger,
    private readonly checks?: CheckRegistry,
  ) {}

  /** The circuit of one dependency: `services.breakers.for('payments').run(...)`. */
  for(name: string): Breaker {
    let breaker = this.#breakers.get(name);
    if (!breaker) {
      const created = (breaker = new Breaker(name, this.config, this.logger));
      this.#breakers.set(name, created);
      // Not required: an open circuit fails fast on every replica alike; taking them all out would not help.
      const check = () => {
        if (created.state === 'open')
          throw new Error(`open (retry after ${created.retryAfterSeconds()} s)`);
      };
      this.checks?.register(`breaker:${name}`, check, { required: false });
    }
    return breaker;
  }
}

/** Upstream answers that say "not now": retried and counted like a network failure. */
class Overloaded extends UpstreamUnavailable {
  constructor(readonly response: UpstreamResponse) {
    super(`upstream answered ${response.status}`);
  }
}

/**
 * The upstream client with its calls going through the `upstream` circuit. GETs are idempotent, so they are
 * retried. A 5xx or 429 counts as a failure; when retries run out the tool still gets the last response.
 */
export function guardedUpstream(upstream: Upstream, breaker: Breaker): Upstream {
  return {
    baseUrl: upstream.baseUrl,
    async get(request) {
      const attempt = async (signal: AbortSignal) => {
        const response = await upstream.get({
          ...request,
          signal: request.signal ? AbortSignal.any([request.signal, signal]) : signal,
        });
        if (response.status >= 500 || response.status === 429) throw new Overloaded(response);
        return response;
      };
      try {
        return await breaker.run(attempt, { idempotent: true, signal: request.signal });
      } catch (error) {
        if (error instanceof Overloaded) return error.response;
        throw error;
      }
    },
  };
}
