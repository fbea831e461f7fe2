// CalendarPicker (6.1+): a full month calendar. `single` mode picks one date ("YYYY-MM-DD");
// `range` mode picks a start and an end ({"start-date", "end-date"}), with a title, a description
// and label, helper-text, required and error-message given per side. Days before min-date, after
// max-date, in unavailable-dates or on a weekday not in include-days cannot be picked; in range
// mode the end must fall min-days to max-days after the start. on-select-action (data_exchange)
// fires when the selection is complete, or per side when it is given per side.
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { flag, resolve, type Values } from '../expressions.js';
import type { Component, DateRange, FlowAction } from '../flow-json-types.js';
import type { Renderer, RenderContext } from './context.js';
import { addDays, isDate, monthGrid, monthOf, monthTitle, selectable, shiftMonth, today, WEEKDAYS, type DateRules } from '../dates.js';
import { dateSetting, list, str, text } from './shared/values.js';

type Side = 'start-date' | 'end-date';
const SIDES: Side[] = ['start-date', 'end-date'];

/** A per-side setting in range mode: an object with a value per side, or one value for both. */
function perSide(value: unknown, side: Side): unknown {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Values)[side] : value;
}

function rules(component: Component, context: RenderContext): DateRules {
  const { scope } = context;
  return {
    min: dateSetting(component['min-date'], scope),
    max: dateSetting(component['max-date'], scope),
    unavailable: list(component['unavailable-dates'], scope) ?? [],
    include: list(component['include-days'], scope),
  };
}

/** The month shown first: the chosen date's, else today's kept within min-date and max-date. */
function firstMonth(chosen: string | undefined, limits: DateRules): string {
  if (chosen) return monthOf(chosen);
  const now = today();
  if (limits.min && now < limits.min) return monthOf(limits.min);
  if (limits.max && now > limits.max) return monthOf(limits.max);
  return monthOf(now);
}

interface MonthProps {
  name: string;
  rules: DateRules;
  /** The chosen date, or the chosen start and end. */
  start?: string;
  end?: string;
  /** Dates that cannot be picked now beyond the rules (range mode: ends outside min-days/max-days). */
  blocked?(date: string): boolean;
  disabled: boolean;
  onPick(date: string): void;
}

function Month({ name, rules: limits, start, end, blocked, disabled, onPick }: MonthProps): VNode {
  const [month, setMonth] = useState(() => firstMonth(start, limits));
  const canGoBack = !limits.min || shiftMonth(month, -1) >= monthOf(limits.min);
  const canGoOn = !limits.max || shiftMonth(month, 1) <= monthOf(limits.max);
  return html`<div class="c-calendar" data-calendar=${name} data-month=${month}>
    <div class="c-calendar-bar">
      <button
        type="button"
        class="c-calendar-nav"
        aria-label="Previous month"
        disabled=${!canGoBack}
        onClick=${() => setMonth(shiftMonth(month, -1))}
      >
        ‹
      </button>
      <span class="c-calendar-title">${monthTitle(month)}</span>
      <button type="button" class="c-calendar-nav" aria-label="Next month" disabled=${!canGoOn} onClick=${() => setMonth(shiftMonth(month, 1))}>
        ›
      </button>
    </div>
    <table class="c-calendar-grid" role="grid">
      <thead>
        <tr>
          ${[...WEEKDAYS.slice(1), WEEKDAYS[0]].map((day) => html`<th scope="col">${day.slice(0, 2)}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${monthGrid(month).map(
          (week) =>
            html`<tr>
              ${week.map((date) => {
                if (!date) return html`<td></td>`;
                const open = selectable(date, limits) && !blocked?.(date);
                const edge = date === start || date === end;
                const inside = Boolean(start && end && date > start && date < end);
                return html`<td>
                  <button
                    type="button"
                    class=${`c-day${edge ? ' chosen' : ''}${inside ? ' inside' : ''}`}
                    data-date=${date}
                    aria-label=${date}
                    aria-pressed=${edge}
                    disabled=${disabled || !open}
                    onClick=${() => onPick(date)}
                  >
                    ${Number(date.slice(8))}
                  </button>
                </td>`;
              })}
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

function errorOrHelper(error: string | undefined, helper: unknown): VNode | null {
  if (error) return html`<div class="c-error" role="alert">${error}</div>`;
  return helper ? html`<div class="c-helper">${str(helper)}</div>` : null;
}

/** The read-only box that shows a chosen date under its label, as the phone's field does. */
function chosenBox(name: string, label: string, value: string | undefined): VNode {
  return html`<label class="c-range-part"
    ><span class="c-label">${label}</span
    ><input class="c-input c-date-value" readonly name=${name} value=${value ?? ''} placeholder="Pick a date below"
  /></label>`;
}

function single(component: Component, context: RenderContext, name: string): VNode {
  const { scope } = context;
  const value = isDate(scope.form[name]) ? (scope.form[name] as string) : undefined;
  const label = text(component.label, scope);
  return html`<div class=${`c-field c-calendar-picker${context.errors[name] ? ' has-error' : ''}`} data-field=${name}>
    ${chosenBox(name, label, value)}
    <${Month}
      key=${name}
      name=${name}
      rules=${rules(component, context)}
      start=${value}
      disabled=${!flag(component.enabled, scope, true)}
      onPick=${(date: string) => {
        context.setField(name, date, component);
        context.touch(name);
        const action = component['on-select-action'] as FlowAction | undefined;
        if (action) context.act(action);
      }}
    />
    ${errorOrHelper(context.errors[name], resolve(component['helper-text'], scope))}
  </div>`;
}

function range(component: Component, context: RenderContext, name: string): VNode {
  const { scope } = context;
  const raw = scope.form[name];
  const value = (raw && typeof raw === 'object' ? raw : {}) as DateRange;
  const start = isDate(value['start-date']) ? value['start-date'] : undefined;
  const end = isDate(value['end-date']) ? value['end-date'] : undefined;
  const labels = resolve(component.label, scope);
  const helper = resolve(component['helper-text'], scope);
  const minDays = Number(resolve(component['min-days'], scope) ?? 0);
  const maxDays = Number(resolve(component['max-days'], scope) ?? Infinity);
  const action = component['on-select-action'] as FlowAction | DateRange<FlowAction> | undefined;
  const perSideAction = Boolean(action && ('start-date' in action || 'end-date' in action));
  const picking: Side = !start || end ? 'start-date' : 'end-date';

  const pick = (date: string) => {
    const side: Side = picking === 'end-date' && date >= start! ? 'end-date' : 'start-date';
    const next: DateRange = side === 'start-date' ? { 'start-date': date } : { 'start-date': start, 'end-date': date };
    context.setField(name, next, component);
    if (side === 'end-date') context.touch(name);
    if (perSideAction) {
      const own = (action as DateRange<FlowAction>)[side];
      if (own) context.act(own);
    } else if (action && side === 'end-date') context.act(action as FlowAction);
  };
  // Once a start is chosen, an end before min-days or after max-days cannot be picked.
  const blocked = (date: string) =>
    picking === 'end-date' && date >= start! && (date < addDays(start!, minDays) || date > addDays(start!, Math.min(maxDays, 36_500)));

  return html`<div class=${`c-field c-calendar-picker${context.errors[name] ? ' has-error' : ''}`} data-field=${name}>
    ${component.title ? html`<div class="c-subheading">${text(component.title, scope)}</div>` : null}
    ${component.description ? html`<div class="c-helper">${text(component.description, scope)}</div>` : null}
    <div class="c-range">
      ${SIDES.map((side) =>
        chosenBox(
          `${name}.${side}`,
          str(perSide(labels, side)) || (side === 'start-date' ? 'Start date' : 'End date'),
          side === 'start-date' ? start : end,
        ),
      )}
    </div>
    <div class="c-hint">${picking === 'start-date' ? 'Pick the start date' : 'Pick the end date'}</div>
    <${Month}
      key=${name}
      name=${name}
      rules=${rules(component, context)}
      start=${start}
      end=${end}
      blocked=${blocked}
      disabled=${!flag(component.enabled, scope, true)}
      onPick=${pick}
    />
    ${errorOrHelper(
      context.errors[name],
      SIDES.map((side) => str(perSide(helper, side)))
        .filter((part, index, all) => part && all.indexOf(part) === index)
        .join(' · '),
    )}
  </div>`;
}

export const renderCalendarPicker: Renderer = (component, context) => {
  const name = String(component.name ?? '');
  return resolve(component.mode, context.scope) === 'range' ? range(component, context, name) : single(component, context, name);
};
