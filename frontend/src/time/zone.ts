// The time zone every date on screen is shown in: the signed-in user's (account settings, `me.time_zone`), else the
// browser's. App sets it from `me`; the date helpers (pages/media/format.ts, pages/scene/time.ts) read it.

let zone: string | undefined;

/** Shows times in `name` (an IANA name such as "Europe/Madrid") from now on; empty or missing: the browser's zone. */
export function setUserTimeZone(name: string | null | undefined): void {
  zone = name || undefined;
}

/** The zone times are shown in: the user's IANA name, or undefined for the browser's own. */
export function userTimeZone(): string | undefined {
  return zone;
}

/** `options` for `toLocale*String` with the user's zone added when they chose one. */
export function inZone<T extends Intl.DateTimeFormatOptions>(options: T): T {
  return zone ? { ...options, timeZone: zone } : options;
}

/** Whether two instants fall on the same calendar day in the shown zone. */
export function sameDay(a: Date, b: Date): boolean {
  const day = (d: Date) => d.toLocaleDateString("en-CA", inZone({ year: "numeric", month: "2-digit", day: "2-digit" }));
  return day(a) === day(b);
}

/** The browser's own zone, e.g. "Europe/Madrid". */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Every IANA zone name the browser knows (`Intl.supportedValuesOf`), or just the browser's own on an older one. */
export function timeZoneNames(): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: string) => string[] };
  return intl.supportedValuesOf ? intl.supportedValuesOf("timeZone") : [browserTimeZone()];
}
