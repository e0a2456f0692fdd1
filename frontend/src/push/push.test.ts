import { describe, expect, it } from "vitest";
import { pushSupport, urlBase64ToUint8Array } from "./push";

const env = (extra: Partial<Parameters<typeof pushSupport>[0]> = {}) => ({
  isSecureContext: true, hasServiceWorker: true, hasPushManager: true, hasNotification: true,
  userAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/130", maxTouchPoints: 0, standalone: false, ...extra,
});

describe("urlBase64ToUint8Array", () => {
  it("decodes an unpadded base64url VAPID key (RFC 8292: a 65-byte uncompressed P-256 point)", () => {
    // The public key of RFC 8292's example (section 3.2 / appendix).
    const key = "BA1Hxzyi1RUM1b5wjxsn7nGxAszw2u61m164i3MrAIxHF6YK5h4SDYic-dRuU_RCPCfA5aq9ojSwk5Y2EmClBPs";
    const bytes = urlBase64ToUint8Array(key);
    expect(bytes.length).toBe(65);
    expect(bytes[0]).toBe(0x04);
    expect(bytes[1]).toBe(0x0d);
    expect(bytes[64]).toBe(0xfb);
  });

  it("turns - and _ into the bytes they stand for", () => {
    expect([...urlBase64ToUint8Array("-_8")]).toEqual([0xfb, 0xff]);
  });
});

describe("pushSupport", () => {
  it("is supported with a service worker, the Push API and notifications in a secure context", () => {
    expect(pushSupport(env())).toEqual({ supported: true });
  });

  it("tells an iPhone user outside the Home Screen app to add Slate to the Home Screen", () => {
    const result = pushSupport(env({ hasPushManager: false, hasNotification: false, userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Safari", maxTouchPoints: 5 }));
    expect(result.supported).toBe(false);
    expect(!result.supported && result.reason).toMatch(/Home Screen/);
  });

  it("says https is needed on an insecure origin", () => {
    const result = pushSupport(env({ isSecureContext: false }));
    expect(!result.supported && result.reason).toMatch(/https/);
  });

  it("names a browser without the Push API", () => {
    const result = pushSupport(env({ hasPushManager: false }));
    expect(!result.supported && result.reason).toMatch(/cannot receive push/);
  });
});
