// A problem in red: what happened, then what to do about it.
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import type { Problem } from '../api.js';

export function ProblemBox({ problem, marked = false, alert = true }: { problem: Problem; marked?: boolean; alert?: boolean }): VNode {
  return html`<div class="problem" role=${alert ? 'alert' : undefined} data-problem=${marked ? '' : undefined}>
    <strong>${problem.title}</strong>
    <div class="fix">${problem.fix}</div>
  </div>`;
}
