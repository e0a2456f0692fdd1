// The per-chunk checksum wrapper, and a whole tus upload against a fake server that checks every chunk's checksum.
import { sha256 } from "@noble/hashes/sha2.js";
import { Upload, type HttpRequest, type HttpResponse, type HttpStack } from "tus-js-client";
import { describe, expect, it } from "vitest";
import { base64, checksumHeader, checksummingReader, fingerprintOf, outcomeOf, prepareRequest, readBlob, shouldRetry, tusErrorMessage, type Digest, type UploadOutcome } from "./tus";

const noble: Digest = (bytes) => sha256(bytes);
/** The reference: the platform's own SHA-256 (WebCrypto), not the library under test. */
const webSha = async (bytes: Uint8Array) => `sha256 ${base64(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>)))}`;
const bytesOf = (n: number, seed = 7): Uint8Array<ArrayBuffer> => Uint8Array.from({ length: n }, (_, i) => (i * seed + (i >> 8)) & 0xff);
const blobBytes = readBlob;

describe("checksumHeader", () => {
  it("is sha256 and the base64 digest, as the tus checksum extension writes it", async () => {
    expect(await checksumHeader(new TextEncoder().encode("abc"), noble)).toBe("sha256 ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
    const data = bytesOf(100_000);
    expect(await checksumHeader(data, noble)).toBe(await webSha(data));
    expect(base64(new Uint8Array([0, 255, 1]))).toBe("AP8B");
  });
});

describe("checksummingReader", () => {
  it("hands over exactly the bytes it hashed and signs the PATCH that starts at that offset", async () => {
    const data = bytesOf(1000);
    const { reader, sign, checksumFor } = checksummingReader(noble);
    const source = await reader.openFile(new Blob([data]), 400);
    const chunk = await source.slice(400, 800);
    expect(chunk.done).toBe(false);
    const sent = await blobBytes(chunk.value as Blob);
    expect(sent).toEqual(data.subarray(400, 800));
    expect(checksumFor(400)).toBe(await webSha(sent));

    const headers = new Map<string, string>([["Upload-Offset", "400"]]);
    const req = { getMethod: () => "PATCH", getHeader: (h: string) => headers.get(h), setHeader: (h: string, v: string) => headers.set(h, v) } as unknown as HttpRequest;
    sign(req);
    expect(headers.get("Upload-Checksum")).toBe(await webSha(data.subarray(400, 800)));

    const last = await source.slice(800, 1000);
    expect(last.done).toBe(true);
    expect(checksumFor(400)).toBeUndefined(); // only the chunk in flight is kept
    expect(checksumFor(800)).toBe(await webSha(data.subarray(800)));
  });
});

/** A tus server in memory: creation, HEAD, PATCH with Upload-Checksum verified; `corruptOnce` answers the first PATCH 460. */
function fakeServer({ corruptOnce = false } = {}) {
  const stored: number[] = [];
  const log: string[] = [];
  let length = 0;
  let corrupted = false;
  const stack: HttpStack = {
    getName: () => "fake",
    createRequest(method: string, url: string): HttpRequest {
      const headers = new Map<string, string>();
      return {
        getMethod: () => method, getURL: () => url, getHeader: (h) => headers.get(h), setHeader: (h, v) => void headers.set(h, v),
        setProgressHandler: () => undefined, abort: async () => undefined, getUnderlyingObject: () => null,
        async send(body?: Blob): Promise<HttpResponse> {
          const answer = (status: number, out: Record<string, string> = {}, text = ""): HttpResponse => ({
            getStatus: () => status, getHeader: (h) => out[h], getBody: () => text, getUnderlyingObject: () => null,
          });
          log.push(`${method} ${headers.get("Upload-Offset") ?? ""} ${headers.get("Slate-Upload-Fingerprint") ? "fp" : ""}`.trim());
          if (method === "POST") { length = Number(headers.get("Upload-Length")); return answer(201, { Location: "/api/uploads/abc/" }); }
          if (method === "HEAD") return answer(200, { "Upload-Offset": String(stored.length), "Upload-Length": String(length) });
          const bytes = await blobBytes(body!);
          if (headers.get("Upload-Checksum") !== await webSha(bytes)) return answer(400, {}, JSON.stringify({ message: "no checksum", code: "checksum" }));
          if (corruptOnce && !corrupted) { corrupted = true; return answer(460, {}, JSON.stringify({ message: "Checksum mismatch", code: "checksum_mismatch" })); }
          if (Number(headers.get("Upload-Offset")) !== stored.length) return answer(409);
          stored.push(...bytes);
          const done = stored.length === length;
          return answer(204, { "Upload-Offset": String(stored.length), ...(done ? { "Slate-Media-Asset": "42" } : {}) });
        },
      };
    },
  };
  return { stack, stored, log };
}

function run(data: Uint8Array<ArrayBuffer>, server: ReturnType<typeof fakeServer>) {
  const checksums = checksummingReader(noble);
  let outcome: UploadOutcome | null = null;
  return new Promise<UploadOutcome | null>((resolve, reject) => {
    const upload = new Upload(new Blob([data]), {
      endpoint: "http://slate.test/api/uploads/", chunkSize: 300, retryDelays: [0, 0, 0], httpStack: server.stack,
      headers: { "Slate-Upload-Fingerprint": "fp" }, fileReader: checksums.reader, storeFingerprintForResuming: false,
      onBeforeRequest: (req) => prepareRequest(req, checksums), onShouldRetry: (e) => shouldRetry(e),
      onAfterResponse: (_req, res) => { outcome = outcomeOf(res) ?? outcome; },
      onSuccess: () => resolve(outcome), onError: reject,
    });
    upload.start();
  });
}

describe("prepareRequest", () => {
  it("sets the CSRF token once (XHR would join a second one) and the checksum on a PATCH", () => {
    document.cookie = "csrftoken=abc123";
    const set: [string, string][] = [];
    const req = { getMethod: () => "PATCH", getHeader: () => "0", setHeader: (h: string, v: string) => void set.push([h, v]) } as unknown as HttpRequest;
    prepareRequest(req, { sign: (r) => r.setHeader("Upload-Checksum", "sha256 x") });
    expect(set).toEqual([["X-CSRFToken", "abc123"], ["Upload-Checksum", "sha256 x"]]);
  });
});

describe("a tus upload with per-chunk checksums", () => {
  it("sends every chunk with its own checksum and reads what the last PATCH made", async () => {
    const data = bytesOf(1000, 13);
    const server = fakeServer();
    const outcome = await run(data, server);
    expect(Uint8Array.from(server.stored)).toEqual(data);
    expect(server.log).toEqual(["POST  fp", "PATCH 0 fp", "PATCH 300 fp", "PATCH 600 fp", "PATCH 900 fp"]);
    expect(outcome).toEqual({ asset: 42, job: null });
  });
  it("sends a chunk refused for its checksum (460) again, after asking the server where it stands", async () => {
    const data = bytesOf(700, 3);
    const server = fakeServer({ corruptOnce: true });
    await run(data, server);
    expect(Uint8Array.from(server.stored)).toEqual(data);
    expect(server.log).toEqual(["POST  fp", "PATCH 0 fp", "HEAD  fp", "PATCH 0 fp", "PATCH 300 fp", "PATCH 600 fp"]);
  });
});

describe("answers in words", () => {
  const res = (status: number, body: string) => ({ getStatus: () => status, getBody: () => body, getHeader: () => undefined, getUnderlyingObject: () => null });
  it("shows the server's JSON message, else what the status means", () => {
    expect(tusErrorMessage({ originalResponse: res(400, JSON.stringify({ code: "not_a_video", message: "No video stream in card.mov" })) })).toBe("No video stream in card.mov");
    expect(tusErrorMessage({ originalResponse: res(422, JSON.stringify({ code: "zip_unsafe", detail: "../ in a name" })) })).toBe("../ in a name");
    expect(tusErrorMessage({ originalResponse: res(413, "") })).toMatch(/larger/);
    expect(tusErrorMessage(new Error("tus: failed to upload chunk"))).toBe("failed to upload chunk");
  });
  it("retries checksum mismatches, offset conflicts and server errors, not other client errors", () => {
    const err = (status: number) => ({ originalResponse: res(status, "") }) as never;
    expect(shouldRetry(err(460))).toBe(true);
    expect(shouldRetry(err(409))).toBe(true);
    expect(shouldRetry(err(503))).toBe(true);
    expect(shouldRetry(err(400))).toBe(false);
    expect(shouldRetry(err(413))).toBe(false);
  });
  it("fingerprints name, size, time, production and the first bytes", async () => {
    const a = new File([bytesOf(2000, 1)], "A001C003.mov", { lastModified: 1 });
    const b = new File([bytesOf(2000, 5)], "A001C003.mov", { lastModified: 1 });
    expect(await fingerprintOf(a, 7, noble)).not.toBe(await fingerprintOf(b, 7, noble));
    expect(await fingerprintOf(a, 7, noble)).not.toBe(await fingerprintOf(a, 8, noble));
    expect(await fingerprintOf(a, 7, noble)).toBe(await fingerprintOf(a, 7, noble));
  });
});
