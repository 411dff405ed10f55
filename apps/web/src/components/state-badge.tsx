import { humanizeState } from '@/lib/format';
import { isActiveState, type AnyState } from '@/lib/states';

/** A pill with the state's colour; moving states get a spinning ring. */
export function StateBadge({ state, testId }: { state: AnyState; testId?: string }) {
  return (
    <span className="state-badge" data-state={state} data-testid={testId}>
      {isActiveState(state) ? <span className="state-badge-spin" aria-hidden /> : <span className="state-badge-dot" aria-hidden />}
      {humanizeState(state)}
    </span>
  );
}
