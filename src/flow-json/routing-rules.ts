// The screens as a graph (Meta's routing rules): every screen reachable from the entry screen (the one
// nothing leads to), at most 10 routes forward from a screen, a terminal screen at the end, and a
// terminal screen that can end the flow.
import { MAX_BRANCHES } from './components.js';
import type { CheckContext, ScreenInfo } from './check-context.js';
import { pointerOf } from './json-locator.js';
import { error, list, warning, type Found } from './problems.js';

export function routingProblems(context: CheckContext): Found[] {
  const { screens, routing, dataApi } = context;
  const problems: Found[] = [];
  if (screens.size === 0) return problems;
  const edges = new Map<string, Set<string>>([...screens.keys()].map((id) => [id, new Set<string>()]));
  if (routing) {
    for (const [from, targets] of Object.entries(routing)) {
      if (!screens.has(from)) {
        problems.push(error(pointerOf('routing_model', from), `routing_model: "${from}" is not a screen; screens: ${list(screens.keys())}`));
      }
      if (!Array.isArray(targets)) continue;
      targets.forEach((target, index) => {
        if (typeof target !== 'string') return;
        if (!screens.has(target)) {
          problems.push(
            error(pointerOf('routing_model', from, index), `routing_model.${from}: "${target}" is not a screen; screens: ${list(screens.keys())}`),
          );
        } else if (target === from) {
          problems.push(
            error(pointerOf('routing_model', from, index), `routing_model.${from} lists ${from} itself: a route cannot lead to its own screen`),
          );
        } else edges.get(from)?.add(target);
      });
      if (targets.length > MAX_BRANCHES) {
        problems.push(
          error(pointerOf('routing_model', from), `routing_model.${from} has ${targets.length} routes; a screen may have at most ${MAX_BRANCHES}`),
        );
      }
    }
    problems.push(...loopProblems(edges, routing));
  }
  for (const info of screens.values()) for (const { target } of info.navigates) edges.get(info.id)!.add(target);
  if (!routing) {
    for (const info of screens.values()) {
      if (edges.get(info.id)!.size > MAX_BRANCHES) {
        problems.push(
          error(
            pointerOf('screens', info.index, 'id'),
            `screen ${info.id} navigates to ${edges.get(info.id)!.size} screens; a screen may lead to at most ${MAX_BRANCHES}`,
          ),
        );
      }
    }
  }

  const inbound = new Set([...edges.values()].flatMap((targets) => [...targets]));
  const ordered = [...screens.values()].sort((a, b) => a.index - b.index);
  const entry = ordered.find((info) => !inbound.has(info.id));
  // Without a routing_model, an endpoint can send the user to any screen: reachability is unknown.
  const canRoute = routing !== undefined || dataApi === undefined;
  if (!entry && canRoute) {
    problems.push(
      error(
        routing ? '/routing_model' : '/screens',
        `no entry screen: every screen is the next screen of another; the first screen must be one that nothing ${routing ? 'routes' : 'navigates'} to`,
      ),
    );
  }
  const start = entry ?? ordered[0];
  const reached = new Set([start.id]);
  const queue = [start.id];
  while (queue.length) {
    for (const next of edges.get(queue.shift()!) ?? []) {
      if (!reached.has(next)) {
        reached.add(next);
        queue.push(next);
      }
    }
  }
  for (const info of ordered) {
    if (!reached.has(info.id) && canRoute) {
      problems.push(
        error(
          pointerOf('screens', info.index, 'id'),
          `screen ${info.id} cannot be reached from the entry screen ${start.id}: add it to ${routing ? 'a routing_model list' : 'a navigate action'} or remove it`,
        ),
      );
    }
  }
  problems.push(...terminalProblems(ordered, reached, start, canRoute, dataApi));
  return problems;
}

/**
 * A route back to a screen already passed (A → B → A). Meta's error codes refuse loops and backward
 * routes in a routing_model, yet its Flow JSON reference shows one (Item Details → Item Catalog): a
 * warning. Each loop is reported once, at the route that closes it.
 */
function loopProblems(edges: Map<string, Set<string>>, routing: Record<string, unknown>): Found[] {
  const problems: Found[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (id: string) => {
    state.set(id, 'open');
    path.push(id);
    for (const next of edges.get(id) ?? []) {
      if (state.get(next) === 'open') {
        const loop = [...path.slice(path.indexOf(next)), next];
        const index = Array.isArray(routing[id]) ? (routing[id] as unknown[]).indexOf(next) : -1;
        problems.push(
          warning(
            index >= 0 ? pointerOf('routing_model', id, index) : pointerOf('routing_model', id),
            `routing_model loops: ${loop.join(' → ')}. Meta's error codes refuse loops and backward routes (back is implicit), though its Flow JSON reference shows one`,
          ),
        );
      } else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(id, 'done');
  };
  for (const id of edges.keys()) if (!state.has(id)) visit(id);
  return problems;
}

function terminalProblems(ordered: ScreenInfo[], reached: Set<string>, entry: ScreenInfo, canRoute: boolean, dataApi: string | undefined): Found[] {
  const problems: Found[] = [];
  const terminals = ordered.filter((info) => info.terminal);
  if (terminals.length === 0) {
    problems.push(error('/screens', 'no screen is terminal: mark the screen that ends the flow with "terminal": true'));
  } else if (canRoute && !terminals.some((info) => reached.has(info.id))) {
    problems.push(error('/screens', `no terminal screen can be reached from the entry screen ${entry.id}`));
  }
  for (const info of terminals) {
    const at = pointerOf('screens', info.index, 'terminal');
    if (info.footers.length === 0) {
      problems.push(
        error(
          at,
          `terminal screen ${info.id} needs a Footer whose on-click-action is "complete"${dataApi ? ' (or "data_exchange", to complete from the endpoint)' : ''}`,
        ),
      );
      continue;
    }
    for (const footer of info.footers) {
      const name = footer.action?.name;
      if (name === 'complete' || name === 'data_exchange') continue;
      // Meta's Flow JSON reference: "You shouldn't use [navigate] on the Footer of a terminal screen because
      // that will prevent the flow from terminating" — advice, not a validation error.
      problems.push(
        warning(
          `${footer.pointer}/on-click-action/name`,
          `the Footer of terminal screen ${info.id} does not end the flow (${JSON.stringify(name)}): Meta advises "complete"${dataApi ? ' or "data_exchange"' : ''} there`,
        ),
      );
    }
  }
  return problems;
}
