/**
 * The event-loop turn, as the store's caches count them: requests whose bodies arrive together are
 * handled in one turn (the poll phase and its microtasks) and share what the turn read; the turn
 * ends in the check phase (`setImmediate`). One timer serves every cache.
 */
let turn = 0;
let scheduled = false;

function advance(): void {
  scheduled = false;
  turn++;
}

/**
 * The number of the current turn. Turns without a caller are not counted, so two calls return the
 * same number exactly when no turn ended between them.
 *
 * @example
 * const seen = currentTurn();
 * await new Promise((resolve) => setImmediate(resolve));
 * currentTurn() !== seen; // true
 */
export function currentTurn(): number {
  if (!scheduled) {
    scheduled = true;
    setImmediate(advance);
  }
  return turn;
}
