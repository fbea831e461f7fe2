/**
 * Date labels formatted once each. Intl's formatting costs over a microsecond a call, a listing
 * formats one label per slot on every request, and a slot's label never changes. Bounded: past
 * `max` labels it starts over.
 */
export class DateLabels {
  private readonly labels = new Map<number, string>();

  constructor(
    private readonly format: Intl.DateTimeFormat,
    private readonly max = 10_000,
  ) {}

  of(date: Date): string {
    const at = date.getTime();
    let label = this.labels.get(at);
    if (label === undefined) {
      if (this.labels.size >= this.max) this.labels.clear();
      label = this.format.format(date);
      this.labels.set(at, label);
    }
    return label;
  }
}
