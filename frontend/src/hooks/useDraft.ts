import { useCallback, useState } from "react";

/** Text that survives a reload or a lost connection: kept in localStorage under `slate.draft.<key>` until cleared. */
export function useDraft(key: string): [string, (value: string) => void, () => void] {
  const storageKey = `slate.draft.${key}`;
  const [value, setValue] = useState<string>(() => localStorage.getItem(storageKey) ?? "");
  const set = useCallback((next: string) => {
    setValue(next);
    if (next) localStorage.setItem(storageKey, next); else localStorage.removeItem(storageKey);
  }, [storageKey]);
  const clear = useCallback(() => { setValue(""); localStorage.removeItem(storageKey); }, [storageKey]);
  return [value, set, clear];
}
