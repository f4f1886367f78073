import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  circuitBreaker,
  handleWhen,
  retry,
  wrap,
  type CircuitBreakerPolicy,
  type IPolicy,
} from 'cockatiel';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { ToolError } from './tool.js';
import { UpstreamUnavailable, type Upstream, type UpstreamResponse } from './upstream.js';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface RunOptions {
  /**
   * Safe to send twice (a GET, a PUT of the same value...). Only idempotent calls are retried: a retried
   * POST could charge a card twice.
   */
  idempotent: boolean;
  /** The caller's signal (the tool call's): cancels the call and any retry still to come. */
  signal?: AbortSignal | undefined;
}

/** One circuit around one dependency: every call to it goes through `run`. */
export interface Breaker {
  readonly name: string;
  readonly state: BreakerState;
  /** Seconds until an open circuit lets a trial call through; 0 when it is not open. */
  retryAfterSeconds(): number;
  /**
   * Runs `call` with retries (idempotent calls only) and the circuit breaker. The call sets its own time
   * limit, as the upstream client does with UPSTREAM_TIMEOUT_MS: a time-out is a failure like any other.
   */
  run<T>(call: (signal: AbortSignal) => Promise<T>, options: RunOptions): Promise<T>;
}

const states: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Open]: 'open',
  [CircuitState.Isolated]: 'open',
};

/**
 * A failure the circuit counts and a retry may fix: `UpstreamUnavailable` (no answer, a 5xx) and any
 * unexpected error. A plain `ToolError` (a bad path, a redirect...) does not count: the dependency answered.
 */
const isFailure = (error: unknown) =>
  error instanceof UpstreamUnavailable || !(error instanceof ToolError);

function createBreaker(name: string, config: Config['breaker'], logger: Logger): Breaker {
  const failures = handleWhen(isFailure);
  const circuit: CircuitBreakerPolicy = circuitBreaker(failures, {
    halfOpenAfter: config.cooldownMs,
    breaker: new ConsecutiveBreaker(config.threshold),
  });
  let openedAt = 0;
  circuit.onBreak(() => {
    openedAt = Date.now();
    logger.warn({ breaker: name, cooldownMs: config.cooldownMs }, 'circuit opened');
  });
  circuit.onHalfOpen(() => logger.info({ breaker: name }, 'circuit half-open: trying a call'));
  circuit.onReset(() => logger.info({ breaker: name }, 'circuit closed'));

  // Each attempt counts on its own against the circuit; retries wrap them all. An open circuit is never
  // retried: failing fast is its point.
  const retries = retry(
    handleWhen((error) => isFailure(error) && !(error instanceof BrokenCircuitError)),
    {
      maxAttempts: config.retries,
      // Exponential with decorrelated jitter, so that replicas do not retry in lockstep.
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
  const retrying: IPolicy = wrap(retries, circuit);

  const breaker: Breaker = {
    name,
    get state() {
      return states[circuit.state];
    },
    retryAfterSeconds() {
      if (breaker.state !== 'open') return 0;
      return Math.max(1, Math.ceil((openedAt + config.cooldownMs - Date.now()) / 1000));
    },
    async run(call, { idempotent, signal }) {
      try {
        return await (idempotent ? retrying : circuit).execute(
          ({ signal: attempt }) => call(attempt),
          signal,
        );
      } catch (error) {
        if (error instanceof BrokenCircuitError) {
          throw new ToolError(`${name} unavailable, retry after ${breaker.retryAfterSeconds()} s`);
        }
        throw error;
      }
    },
  };
  return breaker;
}

/** Every circuit of the server, by dependency name; `/ready` and the metrics read their states. */
export class Breakers {
  readonly #breakers = new Map<string, Breaker>();

  constructor(
    private readonly config: Config['breaker'],
    private readonly logger: Logger,
  ) {}

  /** The circuit of one dependency, created on first use: `services.breakers.for('payments').run(...)`. */
  for(name: string): Breaker {
    let breaker = this.#breakers.get(name);
    if (!breaker) {
      breaker = createBreaker(name, this.config, this.logger);
      this.#breakers.set(name, breaker);
    }
    return breaker;
  }

  all(): Iterable<Breaker> {
    return this.#breakers.values();
  }

  /** For `/ready`: throws naming every open circuit. */
  check(): void {
    const open = [...this.all()].filter((breaker) => breaker.state === 'open');
    if (open.length === 0) return;
    const describe = (breaker: Breaker) =>
      `${breaker.name} is open (retry after ${breaker.retryAfterSeconds()} s)`;
    throw new Error(open.map(describe).join('; '));
  }
}

/** Upstream answers that say "not now": retried and counted like a network failure. */
class Overloaded extends UpstreamUnavailable {
  constructor(readonly response: UpstreamResponse) {
    super(`upstream answered ${response.status}`);
  }
}

const overloaded = (status: number) => status >= 500 || status === 429;

/**
 * The upstream client with its calls going through the `upstream` circuit. GETs are idempotent, so they are
 * retried. A 5xx or 429 counts as a failure; when retries run out the tool still gets the last response.
 */
export function guardedUpstream(upstream: Upstream, breaker: Breaker): Upstream {
  return {
    baseUrl: upstream.baseUrl,
    async get(request) {
      try {
        return await breaker.run(
          async (signal) => {
            const response = await upstream.get({
              ...request,
              signal: request.signal ? AbortSignal.any([request.signal, signal]) : signal,
            });
            if (overloaded(response.status)) throw new Overloaded(response);
            return response;
          },
          { idempotent: true, signal: request.signal },
        );
      } catch (error) {
        if (error instanceof Overloaded) return error.response;
        throw error;
      }
    },
  };
}
