// useReducer whose latest state is readable at once: an action fired in the same event that changed
// a field (on-select-action reading `${form.x}`) must see the change before Preact re-renders.
import { useRef, useState } from 'preact/hooks';

export function useStore<S, A>(reduce: (state: S, action: A) => S, initial: S): [S, (action: A) => void, () => S] {
  const latest = useRef(initial);
  const [state, setState] = useState(initial);
  const dispatch = (action: A) => {
    latest.current = reduce(latest.current, action);
    setState(latest.current);
  };
  return [state, dispatch, () => latest.current];
}
