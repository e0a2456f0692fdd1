import { useState } from "react";
import { ApiError } from "../api/client";

/** What a form shows for a failed request: the server's `ApiError`, or a network failure as one (`code: "network"`). */
export function asApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError(0, { message: String(err), code: "network", extra: {} });
}

/**
 * A form's request with its busy flag and its error: `run(request)` clears the error, awaits `request`, and answers
 * what it resolved to, or `undefined` after keeping its failure (as an `ApiError`) in `error`.
 */
export function useFormRequest() {
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  async function run<T>(request: () => Promise<T>): Promise<T | undefined> {
    setBusy(true);
    setError(null);
    try {
      return await request();
    } catch (err) {
      setError(asApiError(err));
      return undefined;
    } finally {
      setBusy(false);
    }
  }
  return { error, setError, busy, run };
}
