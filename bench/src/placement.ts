/**
 * Which core each process runs on. The latchkey servers (one measured at a time) share core 0; the
 * benchmark process, which builds the requests and runs autocannon, has core 1. The second process
 * of the two-process run takes core 2 where there is one; on a 2-core machine it shares core 1
 * with the load, so the pair's figure there is a floor, not a scaling factor.
 */
import { canPin } from './processes.ts';

/** The cores of the run's processes; null: not pinned. */
export interface Placement {
  server: number | null;
  load: number | null;
  secondServer: number | null;
  /** One line for the report. */
  description: string;
}

/**
 * Places the processes on `cores` cores (when `pin` is asked for and `taskset` exists).
 *
 * @example
 * const { server, load } = placement(true, os.cpus().length);
 */
export function placement(pin: boolean, cores: number): Placement {
  if (!pin || !canPin(cores)) {
    return { server: null, load: null, secondServer: null, description: 'not pinned' };
  }
  const secondServer = cores >= 3 ? 2 : 1;
  return {
    server: 0,
    load: 1,
    secondServer,
    description:
      `servers pinned to core 0, load on core 1, the second of two processes on core ${secondServer}` +
      (secondServer === 1 ? ' (with the load)' : ''),
  };
}
